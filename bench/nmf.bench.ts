// NMF stages of BENCH.md: fit (1000 steps) and transform (1000 spectrograms at
// K = 14 / 22) on the generated cases A and B, with 1 and 2 threads, against the
// Python package's figures; plus the GFLOP/s of the NMF step at shape B beside a
// measured peak (a large matrix product on the same kernels).
import { getKernels } from "../src/kernels/index.js";
import type { Matrix } from "../src/core/matrix.js";
import { BayesianNmf } from "../src/model/nmf/bayesian-nmf.js";
import { ParallelLocalExecutor } from "../src/model/nmf/parallel-local.node.js";
import { transformMany } from "../src/model/nmf/transform-many.node.js";
import type { NmfState } from "../src/model/nmf/types.js";
import { nmfInitialTau, nmfInnerIterations, nmfTemperature } from "../src/model/schedules.js";
import { ENGINE_CASES, engineData, type EngineCase } from "./engine-data.js";

/** Seconds of the Python package (BENCH.md), median of 3, best of 1 and 2 threads. */
const PYTHON = { A: { fit: 6.8, transform: 1.48 }, B: { fit: 29.8, transform: 9.6 } } as const;
const STEPS = 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeIt(runs: number, f: () => unknown): Promise<number> {
  const ts: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await f();
    ts.push((performance.now() - t0) / 1000);
  }
  return median(ts);
}

function fmt(s: number): string {
  return s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`;
}

/** GFLOP/s of a large product C = A·B (the peak the NMF kernels can reach on this machine). */
function peakGflops(): number {
  const k = getKernels("auto");
  let best = 0;
  for (const n of [256, 512]) {
    const ws = k.workspace(3 * n * n);
    const a = ws.take(n * n);
    const b = ws.take(n * n);
    const c = ws.take(n * n);
    for (let i = 0; i < n * n; i++) {
      a[i] = ((i * 7) % 13) / 13;
      b[i] = ((i * 5) % 11) / 11;
    }
    ws.kernels.gemmAB(n, n, n, a, b, c);
    const reps = n === 256 ? 20 : 4;
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) ws.kernels.gemmAB(n, n, n, a, b, c);
    best = Math.max(best, (2 * n * n * n * reps) / ((performance.now() - t0) * 1e6));
  }
  // The NMF's own shape, L1-resident: the best the step's products can do.
  const [D, M, K] = [513, 51, 40];
  const ws = k.workspace(D * K + K * M + D * M);
  const a = ws.take(D * K);
  const b = ws.take(K * M);
  const c = ws.take(D * M);
  a.fill(0.5);
  b.fill(0.25);
  const reps = 400;
  ws.kernels.gemmAB(D, M, K, a, b, c);
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) ws.kernels.gemmAB(D, M, K, a, b, c);
  return Math.max(best, (2 * D * M * K * reps) / ((performance.now() - t0) * 1e6));
}

/** A model with exactly `K` patterns: the `K` of largest EA from `state` (which has at least K). */
function modelWithK(state: NmfState, K: number): BayesianNmf {
  const { W1, W2, A1, A2, EA, K0 } = state;
  const [D, Kn] = W1.shape;
  const keep = Array.from({ length: Kn }, (_, k) => k).sort((a, b) => EA[b]! - EA[a]! || a - b).slice(0, K).sort((a, b) => a - b);
  const cols = (m: Matrix): Matrix => {
    const out = new Float64Array(D * K);
    for (let d = 0; d < D; d++) keep.forEach((k, j) => (out[d * K + j] = m.data[d * Kn + k]!));
    return { data: out, shape: [D, K] };
  };
  // The Python package's transform conventions (h0 = h01 = 1/K0), as its figures were measured with.
  return BayesianNmf.fromMatrices({
    W1: cols(W1), W2: cols(W2), A1: keep.map((k) => A1[k]!), A2: keep.map((k) => A2[k]!),
    schedule: "specufex-python", h01: 1 / K0, numPatterns: K0,
  });
}

async function benchCase(which: EngineCase, runs: number, print: (line: string) => void): Promise<number | undefined> {
  const c = ENGINE_CASES[which];
  const { spectrograms } = engineData(which);
  const py = PYTHON[which];
  print(`NMF case ${which}: ${c.count} spectrograms ${c.D}×${c.M}, K0 ${c.numPatterns}`);

  // A counting run (untimed): K and T at every step give the step's flop count, and the
  // last state with K ≥ the target gives the transform model.
  let flops = 0;
  let snapshot: NmfState | undefined;
  const counter = new BayesianNmf({ numPatterns: c.numPatterns, schedule: "specufex-python", seed: 1 });
  let kBefore: number = c.numPatterns;
  counter.fit(spectrograms, {
    steps: STEPS,
    onProgress: (p) => {
      // Per step: I(T) ratio products (repeats 2..I(T) and the final P; the first repeat's Z is
      // E_W's row sums), I(T) E_Wᵀ·R, one R·E_Hᵀ, each 2·D·K·M.
      const I = nmfInnerIterations(nmfTemperature(nmfInitialTau("specufex-python") + p.step - 1));
      flops += 2 * c.D * kBefore * c.M * (2 * I + 1);
      kBefore = p.patternsLeft;
      if (p.patternsLeft >= c.targetK) snapshot = counter.getState();
    },
  });
  const fittedK = counter.fitted.K;

  const executor = await ParallelLocalExecutor.create({ threads: 2 });
  try {
    for (const schedule of ["specufex-python", "paisley2018"] as const) {
      const fit = (threads: number) => () =>
        new BayesianNmf({ numPatterns: c.numPatterns, schedule, seed: 1 }).fit(spectrograms, { steps: STEPS, executor: threads > 1 ? executor : undefined });
      const t1 = await timeIt(runs, fit(1));
      const t2 = await timeIt(runs, fit(2));
      const best = Math.min(t1, t2);
      const ratio = schedule === "specufex-python" ? `  Python ${py.fit} s → ${(py.fit / best).toFixed(1)}× faster` : "";
      print(`  fit ${STEPS} steps (${schedule}): 1 thread ${fmt(t1)}, 2 threads ${fmt(t2)}${ratio}`);
      if (schedule === "specufex-python") {
        print(`    patterns left ${fittedK} (Python: ${c.targetK}); step products ${(flops / 1e9).toFixed(1)} GFLOP → ${(flops / t1 / 1e9).toFixed(1)} GFLOP/s on 1 thread, ${(flops / t2 / 1e9).toFixed(1)} on 2`);
      }
    }
  } finally {
    await executor.close();
  }

  if (!snapshot) throw new Error(`bench: the fit never had ${c.targetK} patterns`);
  const model = modelWithK(snapshot, c.targetK);
  await transformMany(model, spectrograms.slice(0, 4), { threads: 2 }); // start the pool outside the timing
  const s1 = await timeIt(runs, () => {
    for (const x of spectrograms) model.transform(x);
  });
  const s2 = await timeIt(runs, () => transformMany(model, spectrograms, { threads: 2 }));
  print(`  transform ${c.count} at K = ${model.fitted.K}: 1 thread ${fmt(s1)}, 2 threads ${fmt(s2)}  Python ${py.transform} s → ${(py.transform / Math.min(s1, s2)).toFixed(1)}× faster`);
  return which === "B" ? flops : undefined;
}

/** Prints the NMF stages of BENCH.md (cases A and B). Runs per figure: SPECUFEX_BENCH_RUNS (default 3). */
export async function bench(print: (line: string) => void): Promise<void> {
  const runs = Math.max(1, Number(process.env.SPECUFEX_BENCH_RUNS ?? 3) | 0);
  print(`NMF kernels: ${getKernels("auto").name}; measured peak of the matrix product: ${peakGflops().toFixed(1)} GFLOP/s (1 thread)`);
  for (const which of ["A", "B"] as const) await benchCase(which, runs, print);
}
