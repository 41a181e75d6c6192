import { test } from "node:test";
import assert from "node:assert/strict";
import { fromRows, type Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import { DataError, OptionError } from "../core/errors.js";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { KMeans, kmeans } from "./kmeans.js";
import { mostlyZero } from "./sparse-rows.js";

function rowsOf(x: Matrix, idx: number[]): Matrix {
  const f = x.shape[1];
  const out = new Float64Array(idx.length * f);
  idx.forEach((r, j) => out.set(x.data.subarray(r * f, (r + 1) * f), j * f));
  return { data: out, shape: [idx.length, f] };
}

test("kmeans reproduces cluster.json from its init (labels and n_iter exact; centres, inertia rtol 1e-9)", () => {
  const g = readGolden("cluster.json");
  const x = fromRows(g.X);
  const r = kmeans(x, g.init.length, { init: fromRows(g.init), maxIter: 300, tol: 1e-4 });
  assert.deepEqual(Array.from(r.labels), g.labels);
  assert.equal(r.nIter, g.n_iter);
  assertGolden(r.centers, g.centers, { rtol: 1e-9, label: "centers" });
  assertGolden([r.inertia], [g.inertia], { rtol: 1e-9, label: "inertia" });
});

test("kmeans reproduces cluster_more.json from its init rows in 13 iterations (labels exact; centres, inertia rtol 1e-9)", () => {
  const g = readGolden("cluster_more.json");
  const x = fromRows(g.X);
  const k = g.kmeans;
  const r = kmeans(x, k.init_rows.length, { init: rowsOf(x, k.init_rows), maxIter: k.max_iter, tol: k.tol });
  assert.deepEqual(Array.from(r.labels), k.labels);
  assert.equal(r.nIter, 13);
  assert.equal(r.nIter, k.n_iter);
  assertGolden(r.centers, k.centers, { rtol: 1e-9, label: "centers" });
  assertGolden([r.inertia], [k.inertia], { rtol: 1e-9, label: "inertia" });
  // distances to the own centre square-sum to the inertia
  let s = 0;
  for (const d of r.distances) s += d * d;
  assert.ok(Math.abs(s - k.inertia) <= 1e-9 * k.inertia);
});

/**
 * Reference Lloyd written plainly from scikit-learn's `_kmeans_single_lloyd` (all distances every
 * iteration, first nearest centre, empty-cluster relocation, the same stopping rule); no bounds.
 */
function naiveLloyd(x: Matrix, init: Matrix, maxIter: number, tol: number): { labels: number[]; centers: number[]; nIter: number; inertia: number } {
  const [n, f] = x.shape;
  const k = init.shape[0];
  const X = x.data;
  let variance = 0;
  for (let p = 0; p < f; p++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += X[i * f + p]!;
    m /= n;
    for (let i = 0; i < n; i++) variance += (X[i * f + p]! - m) ** 2;
  }
  const tolAbs = (tol * variance) / n / f;
  let c = Array.from(init.data);
  let labels = new Array<number>(n).fill(-1);
  let old = labels.slice();
  const d2 = (i: number, cc: number[], j: number) => { let s = 0; for (let p = 0; p < f; p++) s += (X[i * f + p]! - cc[j * f + p]!) ** 2; return s; };
  const assign = (cc: number[]) => labels.map((_, i) => { let b = 0; for (let j = 1; j < k; j++) if (d2(i, cc, j) < d2(i, cc, b)) b = j; return b; });
  let it = 0;
  let strict = false;
  for (; it < maxIter; it++) {
    labels = assign(c);
    const sums = new Array<number>(k * f).fill(0);
    const counts = new Array<number>(k).fill(0);
    labels.forEach((l, i) => { counts[l]!++; for (let p = 0; p < f; p++) sums[l * f + p]! += X[i * f + p]!; });
    const empty = counts.map((v, j) => (v === 0 ? j : -1)).filter((j) => j >= 0);
    if (empty.length) {
      const far = labels.map((l, i) => [d2(i, c, l), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      empty.forEach((e, q) => {
        const i = far[q]![1];
        const from = labels[i]!;
        for (let p = 0; p < f; p++) { sums[from * f + p]! -= X[i * f + p]!; sums[e * f + p] = X[i * f + p]!; }
        counts[e] = 1; counts[from]!--;
      });
    }
    const next = sums.map((v, q) => (counts[Math.floor(q / f)]! > 0 ? v / counts[Math.floor(q / f)]! : v));
    let shift = 0;
    for (let q = 0; q < k * f; q++) shift += (next[q]! - c[q]!) ** 2;
    c = next;
    if (labels.every((l, i) => l === old[i])) { strict = true; break; }
    if (shift <= tolAbs) break;
    old = labels.slice();
  }
  if (!strict) labels = assign(c);
  let inertia = 0;
  labels.forEach((l, i) => (inertia += d2(i, c, l)));
  return { labels, centers: c, nIter: Math.min(it + 1, maxIter), inertia };
}

function randomData(seed: number, n: number, f: number, groups: number, spread: number): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(n * f);
  for (let i = 0; i < n; i++) for (let p = 0; p < f; p++) data[i * f + p] = (i % groups) * (p % 3 === 0 ? 1 : 0.3) + spread * rng.normal();
  return { data, shape: [n, f] };
}

/** k-means from `init` equals the plain Lloyd from the same starts: labels and n_iter exact, centres and inertia rtol 1e-9. */
function assertEqualsPlainLloyd(x: Matrix, k: number, init: Matrix, tol: number, label: string): ReturnType<typeof kmeans> {
  const ours = kmeans(x, k, { init, maxIter: 300, tol });
  const ref = naiveLloyd(x, init, 300, tol);
  assert.deepEqual(Array.from(ours.labels), ref.labels, label);
  assert.equal(ours.nIter, ref.nIter, label);
  assertGolden(ours.centers, ref.centers, { rtol: 1e-9, label: `centres, ${label}` });
  assertGolden([ours.inertia], [ref.inertia], { rtol: 1e-9, label: `inertia, ${label}` });
  return ours;
}

test("the bounds-accelerated Lloyd equals a plain Lloyd from the same starts on overlapping data (labels, n_iter exact; centres, inertia rtol 1e-9)", () => {
  for (let s = 0; s < 6; s++) {
    const x = randomData(100 + s, 300, 7, 5, 0.8);
    const k = 3 + s;
    const init = rowsOf(x, Array.from({ length: k }, (_, j) => (j * 37 + s) % 300));
    assertEqualsPlainLloyd(x, k, init, s % 2 === 0 ? 1e-4 : 0, `case ${s}`);
  }
});

test("an empty cluster takes the point farthest from its centre, as the plain Lloyd (duplicated initial centres)", () => {
  const x = randomData(7, 200, 4, 3, 0.5);
  const init = rowsOf(x, [0, 0, 1, 2]); // centres 0 and 1 coincide: cluster 1 starts empty
  const ours = assertEqualsPlainLloyd(x, 4, init, 1e-4, "duplicated centres");
  assert.equal(new Set(ours.labels).size, 4);
});

/** Mostly-zero rows (6 of 40 entries set, supports by group), so k-means runs on the compressed rows (row-space.ts). */
function sparseData(seed: number, n: number, groups: number): Matrix {
  const rng = new Rng(seed);
  const f = 40;
  const data = new Float64Array(n * f);
  for (let i = 0; i < n; i++) for (let t = 0; t < 6; t++) data[i * f + (((i % groups) * 7 + rng.integer(14)) % f)] = 0.5 + rng.random();
  return { data, shape: [n, f] };
}

test("k-means on mostly-zero rows (compressed-row distances and sums) equals the plain Lloyd (labels, n_iter exact; centres, inertia rtol 1e-9), empty clusters included", () => {
  for (let s = 0; s < 5; s++) {
    const x = sparseData(200 + s, 300, 4);
    assert.ok(mostlyZero(x.data, 300, 40));
    const k = 3 + s;
    // case 4 starts with two equal centres: one cluster starts empty and takes the farthest point
    const rows = Array.from({ length: k }, (_, j) => (s === 4 && j === 1 ? 0 : (j * 41 + s) % 300));
    const init = rowsOf(x, rows);
    assertEqualsPlainLloyd(x, k, init, s % 2 === 0 ? 1e-4 : 0, `case ${s}`);
  }
});

test("k-means++ runs are deterministic per seed, differ between seeds, and nInit 10 never ends above nInit 1", () => {
  const x = randomData(3, 400, 6, 6, 1.0);
  const a = kmeans(x, 8, { seed: 5, nInit: 3 });
  const b = kmeans(x, 8, { seed: 5, nInit: 3 });
  assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
  assert.deepEqual(Array.from(a.centers.data), Array.from(b.centers.data));
  assert.equal(a.inertia, b.inertia);
  const others = [6, 7, 8, 9].map((seed) => kmeans(x, 8, { seed, nInit: 1 }).inertia);
  assert.ok(new Set(others).size > 1, "different seeds give different starts");
  for (const seed of [1, 2, 3]) {
    assert.ok(kmeans(x, 8, { seed, nInit: 10 }).inertia <= kmeans(x, 8, { seed, nInit: 1 }).inertia);
  }
});

test("kmeans finds far-apart blobs exactly and its predict/transform agree with the labels", () => {
  const rows: number[][] = [];
  for (let i = 0; i < 90; i++) rows.push([(i % 3) * 50 + (i % 7) * 0.01, Math.floor(i / 3) * 0.001]);
  const x = fromRows(rows);
  const km = new KMeans({ nClusters: 3, seed: 1 }).fit(x);
  const l = km.fitted.labels;
  for (let i = 0; i < 90; i++) assert.equal(l[i], l[i % 3]);
  assert.equal(new Set(l).size, 3);
  assert.deepEqual(Array.from(km.predict(x)), Array.from(l));
  const t = km.transform(x);
  for (let i = 0; i < 90; i++) assert.ok(Math.abs(t.data[i * 3 + l[i]!]! - km.fitted.distances[i]!) < 1e-12);
});

test("kmeans errors: NaN names row and column (DataError); K above N and unknown options are OptionErrors", () => {
  assert.throws(() => kmeans(fromRows([[1, 2], [3, NaN], [0, 0]]), 2), (e: unknown) => e instanceof DataError && /X\[1\]\[1\]/.test((e as Error).message));
  assert.throws(() => kmeans(fromRows([[1], [2]]), 3), (e: unknown) => e instanceof OptionError && /nClusters/.test((e as Error).message));
  assert.throws(() => new KMeans({ nClusterz: 3 } as never), OptionError);
});
