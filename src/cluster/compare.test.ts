import { test } from "node:test";
import assert from "node:assert/strict";
import { fromRows } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { adjustedRandIndex, contingencyTable, linearSumAssignment, matchLabels } from "./compare.js";
import { linkage } from "./linkage.js";
import { fclusterMaxclust } from "./fcluster.js";

const g = readGolden("cluster_more.json");
const I = (v: number[]) => Int32Array.from(v);

test("adjustedRandIndex equals scikit-learn's on cluster_more.json (k-means vs truth, GMM vs DBSCAN with noise; rtol 1e-12)", () => {
  assertGolden([adjustedRandIndex(I(g.truth), I(g.kmeans.labels))], [g.ari.kmeans_vs_truth], { rtol: 1e-12, label: "kmeans_vs_truth" });
  assertGolden([adjustedRandIndex(I(g.gmm.full.labels), I(g.dbscan.labels))], [g.ari.gmm_full_vs_dbscan], { rtol: 1e-12, label: "gmm_full_vs_dbscan" });
  // symmetric
  assert.equal(adjustedRandIndex(I(g.dbscan.labels), I(g.gmm.full.labels)), adjustedRandIndex(I(g.gmm.full.labels), I(g.dbscan.labels)));
});

test("ward with 5 clusters on all 400 rows recovers the truth (ARI 1.0 as scikit-learn)", () => {
  const labels = fclusterMaxclust(linkage(fromRows(g.X), "ward"), 5);
  assert.equal(adjustedRandIndex(I(g.truth), labels), g.ari.ward5_vs_truth);
});

test("adjustedRandIndex: renaming gives 1, [0,0,1,2] vs [0,0,1,1] gives scikit-learn's 0.5714285714285714, one cluster vs singletons gives 0", () => {
  assert.equal(adjustedRandIndex(I([0, 0, 1, 1]), I([1, 1, 0, 0])), 1);
  // scikit-learn documentation: adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) = 0.57…; [0,0,1,1] vs [0,0,1,2] same
  assert.ok(Math.abs(adjustedRandIndex(I([0, 0, 1, 2]), I([0, 0, 1, 1])) - 0.5714285714285714) < 1e-15);
  assert.equal(adjustedRandIndex(I([0, 0, 0, 0]), I([0, 1, 2, 3])), 0);
});

test("contingencyTable counts every pair of labels", () => {
  const t = contingencyTable(I([2, 2, 0, 0, 0]), I([-1, 5, 5, 5, -1]));
  assert.deepEqual(Array.from(t.rowLabels), [0, 2]);
  assert.deepEqual(Array.from(t.colLabels), [-1, 5]);
  assert.deepEqual(Array.from(t.counts), [1, 2, 1, 1]);
});

test("linearSumAssignment finds the optimum of random square and rectangular problems (checked by brute force)", () => {
  const rng = new Rng(9);
  const perms = (a: number[]): number[][] => (a.length <= 1 ? [a] : a.flatMap((v, i) => perms([...a.slice(0, i), ...a.slice(i + 1)]).map((p) => [v, ...p])));
  for (let trial = 0; trial < 30; trial++) {
    const rows = 2 + (trial % 4);
    const cols = rows + (trial % 3) - 1 < 1 ? 1 : rows + (trial % 3) - 1;
    const cost = Float64Array.from({ length: rows * cols }, () => Math.floor(rng.random() * 20));
    const a = linearSumAssignment(cost, rows, cols);
    const total = (as: ArrayLike<number>) => Array.from(as).reduce((s, c, r) => s + (c >= 0 ? cost[r * cols + c]! : 0), 0);
    // brute force over injective assignments of the smaller side
    let best = Infinity;
    if (rows <= cols) {
      for (const p of perms([...Array(cols).keys()])) best = Math.min(best, total(p.slice(0, rows)));
    } else {
      for (const p of perms([...Array(rows).keys()])) {
        const as = new Array(rows).fill(-1);
        p.slice(0, cols).forEach((r, c) => (as[r] = c));
        best = Math.min(best, total(as));
      }
    }
    assert.equal(total(a), best, `trial ${trial}`);
    assert.equal(new Set(Array.from(a).filter((c) => c >= 0)).size, Math.min(rows, cols));
  }
});

test("matchLabels renames a permuted clustering back to the reference's names", () => {
  const ref = I([0, 0, 0, 1, 1, 2, 2, 2, 2]);
  const other = I([7, 7, 3, 9, 9, 3, 3, 3, 5]);
  const m = matchLabels(ref, other);
  assert.deepEqual(Array.from(m.labels), [0, 0, 2, 1, 1, 2, 2, 2, 3]);
});
