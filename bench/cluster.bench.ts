// Clustering benchmark (BENCH.md): the tutorial sweep K = 3…19 (n_init 10, max_iter 500, with
// silhouettes) on 1000 × 225 fingerprints; silhouettes on 20,000 × 225; linkage single, average
// and ward on 5,000 × 225; DBSCAN and a 6-component full GMM on 20,000 × 3. Wall and CPU time
// are printed: on a shared machine the CPU time is the steadier figure.
import { availableParallelism } from "node:os";
import type { Matrix } from "../src/core/matrix.js";
import { Rng } from "../src/core/rng.js";
import { chooseK } from "../src/cluster/choose-k.js";
import { chooseKParallel } from "../src/cluster/choose-k.node.js";
import { dbscan } from "../src/cluster/dbscan.js";
import { gaussianMixture } from "../src/cluster/gmm.js";
import { linkage } from "../src/cluster/linkage.js";
import { silhouetteSamples } from "../src/cluster/silhouette.js";
import { silhouetteSamplesParallel } from "../src/cluster/silhouette.node.js";

/**
 * Fingerprint-like rows (ALGORITHM.md §3.3 shapes, S = 15 states → 225 features): four families
 * (proportions .35/.25/.25/.15), each a sticky 15-state Markov chain using its own subset of
 * states; an event draws a 51-step state sequence from its family's chain and its fingerprint
 * is FP_ij = v_i·√Ā_ij (v = state occupancy, Ā = row-normalised transition counts), so most
 * entries are 0 and the variance sits in a few directions, as with real fingerprints.
 */
export function fingerprintLike(n: number, seed = 7, states = 15, steps = 51): { x: Matrix; family: Int32Array } {
  const rng = new Rng(seed);
  const f = states * states;
  const families = 4;
  const trans = new Float64Array(families * f);
  for (let c = 0; c < families; c++) {
    // each family visits 6 of the 15 states (overlapping between families)
    const used = rng.sampleWithoutReplacement(states, 6);
    const isUsed = new Uint8Array(states);
    for (const s of used) isUsed[s] = 1;
    for (let i = 0; i < states; i++) {
      let sum = 0;
      for (let j = 0; j < states; j++) {
        const v = isUsed[j] ? rng.gamma(i === j ? 8 : 0.7) : 1e-3 * rng.random();
        trans[c * f + i * states + j] = v;
        sum += v;
      }
      for (let j = 0; j < states; j++) trans[c * f + i * states + j]! /= sum;
    }
  }
  const cum = [0.35, 0.6, 0.85, 1];
  const x = new Float64Array(n * f);
  const family = new Int32Array(n);
  const counts = new Float64Array(f);
  const occupancy = new Float64Array(states);
  for (let e = 0; e < n; e++) {
    const u = rng.random();
    let c = 0;
    while (u >= cum[c]!) c++;
    family[e] = c;
    counts.fill(0);
    occupancy.fill(0);
    let s = rng.integer(states);
    for (let m = 0; m < steps; m++) {
      occupancy[s]! += 1 / steps;
      let r = rng.random();
      let t = 0;
      while (t < states - 1 && r >= trans[c * f + s * states + t]!) {
        r -= trans[c * f + s * states + t]!;
        t++;
      }
      counts[s * states + t]! += 1;
      s = t;
    }
    for (let i = 0; i < states; i++) {
      let rowSum = 0;
      for (let j = 0; j < states; j++) rowSum += counts[i * states + j]!;
      if (rowSum === 0) continue;
      for (let j = 0; j < states; j++) x[e * f + i * states + j] = occupancy[i]! * Math.sqrt(counts[i * states + j]! / rowSum);
    }
  }
  return { x: { data: x, shape: [n, f] }, family };
}

/** Three-dimensional blobs (6 of them) for DBSCAN and the GMM. */
export function blobs3(n: number, seed = 11): Matrix {
  const rng = new Rng(seed);
  const centres = [[0, 0, 0], [3, 0, 0], [0, 3, 0], [0, 0, 3], [3, 3, 3], [-3, 2, -1]];
  const x = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const c = centres[rng.integer(centres.length)]!;
    const s = 0.4 + 0.3 * ((i % 3) / 2);
    for (let p = 0; p < 3; p++) x[i * 3 + p] = c[p]! + s * rng.normal();
  }
  return { data: x, shape: [n, 3] };
}

interface Timing {
  wall: number;
  cpu: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function timed<T>(fn: () => T | Promise<T>): Promise<[T, Timing]> {
  const c = cpuSeconds();
  const t = performance.now();
  const r = await fn();
  return [r, { wall: (performance.now() - t) / 1000, cpu: cpuSeconds() - c }];
}

/** Best wall time of `reps` runs (the CPU time of that run alongside). */
async function best<T>(reps: number, fn: () => T | Promise<T>): Promise<[T, Timing]> {
  let out = await timed(fn);
  for (let r = 1; r < reps; r++) {
    const t = await timed(fn);
    if (t[1].wall < out[1].wall) out = t;
  }
  return out;
}

const fmt = (t: Timing): string => `${t.wall.toFixed(3)} s (CPU ${t.cpu.toFixed(3)} s)`;
const ratio = (python: number, t: Timing): string => `×${(python / t.wall).toFixed(2)} vs Python`;

/** Prints one line per case: wall and CPU time, the Python figure of BENCH.md and the ratio. */
export async function bench(print: (line: string) => void): Promise<void> {
  const threads = availableParallelism();
  {
    const { x } = fingerprintLike(1000);
    const opts = { kMin: 3, kMax: 19, nInit: 10, maxIter: 500, seed: 42 };
    const [r, t1] = await best(3, () => chooseK(x, opts));
    print(`cluster: k-means sweep K=3…19 n_init=10 max_iter=500 + silhouettes, 1000×225, 1 thread: ${fmt(t1)}; scikit-learn 0.93 s, ${ratio(0.93, t1)}; target ≤ 0.3 s; best K ${r.bestK}`);
    const [, cold] = await timed(() => chooseKParallel(x, { ...opts, threads }));
    const [r2, t2] = await best(3, () => chooseKParallel(x, { ...opts, threads }));
    print(`cluster: the same sweep on ${threads} threads: ${fmt(t2)} (first call, starting the workers: ${cold.wall.toFixed(3)} s), ${ratio(0.93, t2)}; best K ${r2.bestK} (identical results)`);
  }
  {
    const { x, family } = fingerprintLike(20000, 3);
    const [, t2] = await timed(() => silhouetteSamplesParallel(x, family, { threads }));
    print(`cluster: silhouettes 20000×225 on ${threads} threads: ${fmt(t2)} (CPU summed over threads)`);
    const [, t1] = await timed(() => silhouetteSamples(x, family));
    print(`cluster: silhouettes 20000×225, 1 thread: ${fmt(t1)}`);
  }
  {
    const { x } = fingerprintLike(5000, 5);
    // the first call maps a fresh 200 MB N×N matrix; later calls of the same size rewrite the last one (held weakly)
    const [, cold] = await timed(() => linkage(x, "average"));
    print(`cluster: linkage average 5000×225, first call (fresh N×N matrix, page faults included): ${fmt(cold)}`);
    for (const method of ["single", "average", "ward"] as const) {
      const [, t] = await best(2, () => linkage(x, method));
      print(`cluster: linkage ${method} 5000×225 (pdist included): ${fmt(t)}; SciPy ≈ 1.0 s, ${ratio(1.0, t)}; target ≤ 0.7 s`);
    }
  }
  {
    const x = blobs3(20000);
    const [d, t] = await best(3, () => dbscan(x, { eps: 0.3, minSamples: 10 }));
    print(`cluster: DBSCAN 20000×3 (eps 0.3, min_samples 10): ${fmt(t)}; scikit-learn ≈ 0.09 s, ${ratio(0.09, t)}; ${d.nClusters} clusters, ${d.nNoise} noise`);
    const [g, t2] = await best(3, () => gaussianMixture(x, { k: 6, covariance: "full", seed: 0 }));
    print(`cluster: GMM full K=6 20000×3 (k-means start included): ${fmt(t2)}; scikit-learn ≈ 0.08 s, ${ratio(0.08, t2)}; ${g.nIter} EM iterations`);
  }
}
