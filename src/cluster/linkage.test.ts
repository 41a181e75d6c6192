import { test } from "node:test";
import assert from "node:assert/strict";
import { fromRows, type Matrix } from "../core/matrix.js";
import { OptionError } from "../core/errors.js";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { LINKAGE_METHODS, linkage, linkageFromDistances, linkageOwned } from "./linkage.js";
import { fclusterDistance, fclusterMaxclust } from "./fcluster.js";
import { dendrogram, leavesList } from "./dendrogram.js";
import { condensedDistances, squareDistances } from "./distances.js";
import { SparseRows } from "./sparse-rows.js";
import { Rng } from "../core/rng.js";

const more = readGolden("cluster_more.json");
const x60 = fromRows((more.X as number[][]).slice(0, 60));

function column(Z: Matrix, c: number): number[] {
  return Array.from({ length: Z.shape[0] }, (_, r) => Z.data[r * 4 + c]!);
}

test("ward linkage equals SciPy's on cluster.json's first 40 rows (ids and sizes exact, heights rtol 1e-9)", () => {
  const g = readGolden("cluster.json");
  const Z = linkage(fromRows((g.X as number[][]).slice(0, 40)), "ward");
  const G = fromRows(g.ward_first40);
  assert.deepEqual([column(Z, 0), column(Z, 1), column(Z, 3)], [column(G, 0), column(G, 1), column(G, 3)]);
  assertGolden(column(Z, 2), column(G, 2), { rtol: 1e-9, label: "ward heights" });
});

for (const method of LINKAGE_METHODS) {
  test(`${method} linkage equals SciPy's on cluster_more.json's first 60 rows: Z (ids, sizes exact; heights rtol 1e-9), maxclust 2–6 and leaf order exact`, () => {
    const g = more.linkage[method];
    const Z = linkage(x60, method);
    const G = fromRows(g.Z);
    assert.deepEqual([column(Z, 0), column(Z, 1), column(Z, 3)], [column(G, 0), column(G, 1), column(G, 3)]);
    assertGolden(column(Z, 2), column(G, 2), { rtol: 1e-9, label: `${method} heights` });
    for (const k of [2, 3, 4, 5, 6]) {
      assert.deepEqual(Array.from(fclusterMaxclust(Z, k), (v) => v + 1), g.maxclust[String(k)], `maxclust ${k}`);
    }
    assert.deepEqual(Array.from(leavesList(Z)), g.leaves);
    assert.deepEqual(dendrogram(Z).leaves, g.leaves);
  });
}

test("condensed distances equal the direct Euclidean distances (rtol 1e-12)", () => {
  const d = condensedDistances(x60);
  const rows = (more.X as number[][]).slice(0, 60);
  let k = 0;
  for (let i = 0; i < 60; i++) for (let j = i + 1; j < 60; j++) {
    const e = Math.sqrt(rows[i]!.reduce((s, v, p) => s + (v - rows[j]![p]!) ** 2, 0));
    assert.ok(Math.abs(d[k]! - e) <= 1e-12 * e, `(${i}, ${j}): ${d[k]} vs ${e}`);
    k++;
  }
});

test("every method recovers three far-apart groups with fcluster maxclust 3 and by height", () => {
  const rows: number[][] = [];
  for (let g = 0; g < 3; g++) for (let i = 0; i < 7; i++) rows.push([100 * g + (i % 3) * 0.1, 50 * g + Math.floor(i / 3) * 0.1]);
  const x = fromRows(rows);
  for (const method of LINKAGE_METHODS) {
    const Z = linkage(x, method);
    const t = fclusterMaxclust(Z, 3);
    const h = fclusterDistance(Z, 10);
    for (let i = 0; i < rows.length; i++) {
      assert.equal(t[i], t[7 * Math.floor(i / 7)], `${method}: point ${i}`);
      assert.equal(h[i], t[i], `${method}: height cut, point ${i}`);
    }
    assert.equal(new Set(t).size, 3, method);
  }
});

test("linkageFromDistances on a tiny hand-checked case: single linkage of points 0, 1, 3, 7 on a line", () => {
  const Z = linkage(fromRows([[0], [1], [3], [7]]), "single");
  assert.deepEqual(Array.from(Z.data), [0, 1, 1, 2, 2, 4, 2, 3, 3, 5, 4, 4]);
  const Zc = linkageFromDistances(Float64Array.of(1, 3, 7, 2, 6, 4), 4, "complete");
  assert.deepEqual(Array.from(Zc.data), [0, 1, 1, 2, 2, 4, 3, 3, 3, 5, 7, 4]);
});

// SciPy 1.10.1: dendrogram(linkage(P, "ward"), no_plot=True) and with truncate_mode="lastp", p=3,
// where P = [[0,0],[0,1],[4,0],[4,1.5],[9,9],[9,10]].
test("dendrogram layout equals SciPy's (icoord, dcoord, leaves; full and lastp 3)", () => {
  const P = fromRows([[0, 0], [0, 1], [4, 0], [4, 1.5], [9, 9], [9, 10]]);
  const Z = linkage(P, "ward");
  const full = dendrogram(Z);
  assert.deepEqual(full.leaves, SCIPY_FULL.leaves);
  assertGolden(full.icoord, SCIPY_FULL.icoord, { rtol: 1e-12, label: "icoord" });
  assertGolden(full.dcoord, SCIPY_FULL.dcoord, { rtol: 1e-12, label: "dcoord" });
  const cut = dendrogram(Z, { lastP: 3 });
  assert.deepEqual(cut.leaves, SCIPY_LASTP3.leaves);
  assertGolden(cut.icoord, SCIPY_LASTP3.icoord, { rtol: 1e-12, label: "icoord lastp" });
  assertGolden(cut.dcoord, SCIPY_LASTP3.dcoord, { rtol: 1e-12, label: "dcoord lastp" });
  assert.deepEqual(cut.leafCounts, SCIPY_LASTP3.counts);
});

test("an unknown linkage method is an OptionError", () => {
  assert.throws(() => linkage(x60, "ward2" as never), OptionError);
});
const SCIPY_FULL = {"leaves": [4, 5, 0, 1, 2, 3], "icoord": [[5.0, 5.0, 15.0, 15.0], [25.0, 25.0, 35.0, 35.0], [45.0, 45.0, 55.0, 55.0], [30.0, 30.0, 50.0, 50.0], [10.0, 10.0, 40.0, 40.0]], "dcoord": [[0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 1.5, 1.5, 0.0], [1.0, 5.667892024377317, 5.667892024377317, 1.5], [1.0, 18.458286305432942, 18.458286305432942, 5.667892024377317]]};
const SCIPY_LASTP3 = {"leaves": [7, 6, 8], "icoord": [[15.0, 15.0, 25.0, 25.0], [5.0, 5.0, 20.0, 20.0]], "dcoord": [[0.0, 5.667892024377317, 5.667892024377317, 0.0], [0.0, 18.458286305432942, 18.458286305432942, 5.667892024377317]], "counts": [2, 2, 2]};

/** 400 mostly-zero rows (6 of 40 entries set, family supports overlapping), so distances go through SparseRows. */
function sparseX(): Matrix {
  const rng = new Rng(12);
  const n = 400, f = 40;
  const data = new Float64Array(n * f);
  for (let i = 0; i < n; i++) for (let t = 0; t < 6; t++) data[i * f + (((i % 4) * 9 + rng.integer(16)) % f)] = Math.round(rng.random() * 8) / 8 + 0.125;
  return { data, shape: [n, f] };
}

test("square and condensed distances agree entry for entry and equal the direct ones (rtol 1e-12), on dense and on mostly-zero rows; a reused buffer is fully overwritten", () => {
  for (const x of [x60, sparseX()]) {
    const [n, f] = x.shape;
    const c = condensedDistances(x);
    const D = squareDistances(x);
    assert.deepEqual(Array.from(squareDistances(x, new Float64Array(n * n).fill(NaN))), Array.from(D), "into a NaN-filled buffer");
    let k = 0;
    for (let i = 0; i < n; i++) {
      assert.equal(D[i * n + i], 0);
      for (let j = i + 1; j < n; j++) {
        let q = 0;
        for (let p = 0; p < f; p++) q += (x.data[i * f + p]! - x.data[j * f + p]!) ** 2;
        const e = Math.sqrt(q);
        assert.ok(Object.is(D[i * n + j], c[k]) && Object.is(D[j * n + i], c[k]), `(${i}, ${j}): ${D[i * n + j]}, ${D[j * n + i]} vs ${c[k]}`);
        assert.ok(Math.abs(c[k]! - e) <= 1e-12 * e, `(${i}, ${j}): ${c[k]} vs ${e}`);
        k++;
      }
    }
  }
});

test("the full-matrix algorithms (N ≤ SQUARE_MAX_ROWS) and the condensed ones give the same Z for every method, with ties (coarse values)", () => {
  for (const x of [x60, sparseX()]) {
    const n = x.shape[0];
    for (const method of LINKAGE_METHODS) {
      const Z = linkage(x, method);
      const C = linkageOwned(condensedDistances(x), n, method);
      assert.deepEqual(Array.from(Z.data), Array.from(C.data), method);
      assert.deepEqual(Array.from(linkageFromDistances(condensedDistances(x), n, method).data), Array.from(C.data), `${method} from distances`);
    }
  }
});

test("SparseRows.laterDots (rows in order, forward cursors) gives rowDots's sums bit for bit", () => {
  const x = sparseX();
  const [n, f] = x.shape;
  const rows = new SparseRows(x.data, n, f);
  const cursor = rows.colStart.slice(0, f);
  const a = new Float64Array(n).fill(NaN);
  const b = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    rows.laterDots(i, cursor, a);
    rows.rowDots(i, i + 1, b);
    for (let j = i + 1; j < n; j++) {
      let direct = 0;
      for (let p = 0; p < f; p++) direct += x.data[i * f + p]! * x.data[j * f + p]!;
      assert.ok(Object.is(a[j], b[j - i - 1]) && Math.abs(a[j]! - direct) <= 1e-12 * Math.max(1, Math.abs(direct)), `(${i}, ${j}): ${a[j]} vs ${b[j - i - 1]}, direct ${direct}`);
    }
  }
});
