import { test } from "node:test";
import assert from "node:assert/strict";
import { fromRows, type Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { GaussianMixture, chooseGmmK, gaussianMixture } from "./gmm.js";

const g = readGolden("cluster_more.json");
const x = fromRows(g.dbscan.X);

function rows(m: Matrix, idx: number[]): Matrix {
  const f = m.shape[1];
  const out = new Float64Array(idx.length * f);
  idx.forEach((r, j) => out.set(m.data.subarray(r * f, (r + 1) * f), j * f));
  return { data: out, shape: [idx.length, f] };
}

for (const cov of ["full", "diag"] as const) {
  test(`gaussianMixture (${cov}) equals scikit-learn from the given init: weights, means, covariances, lower bound, BIC, AIC, first 10 posteriors (rtol 1e-9); n_iter, labels exact`, () => {
    const e = g.gmm[cov];
    const precisions = cov === "full" ? (e.precisions_init as number[][][]).map((p) => fromRows(p)) : fromRows(e.precisions_init);
    const r = gaussianMixture(x, {
      k: e.weights_init.length, covariance: cov, maxIter: e.max_iter, tol: e.tol, regCovar: e.reg_covar,
      init: { weights: e.weights_init, means: rows(x, e.means_init_rows), precisions },
    });
    assert.equal(r.nIter, e.n_iter);
    assert.equal(r.converged, e.converged);
    assert.deepEqual(Array.from(r.labels), e.labels);
    assertGolden(r.weights, e.weights, { rtol: 1e-9, label: "weights" });
    assertGolden(r.means, e.means, { rtol: 1e-9, label: "means" });
    assertGolden(Array.isArray(r.covariances) ? r.covariances.map((m) => Array.from(m.data)) : r.covariances, e.covariances, { rtol: 1e-9, label: "covariances" });
    assertGolden([r.lowerBound], [e.lower_bound], { rtol: 1e-9, label: "lower_bound" });
    assertGolden([r.bic], [e.bic], { rtol: 1e-9, label: "bic" });
    assertGolden([r.aic], [e.aic], { rtol: 1e-9, label: "aic" });
    assertGolden(Array.from(r.posteriors.data.subarray(0, 10 * 4)), e.proba_first10, { rtol: 1e-9, label: "proba_first10" });
  });
}

test("gaussianMixture with the default k-means start separates three far blobs, is deterministic per seed, and BIC picks K = 3", () => {
  const rng = new Rng(5);
  const centres = [[0, 0], [10, 0], [0, 10]];
  const data: number[][] = [];
  const truth: number[] = [];
  for (let i = 0; i < 300; i++) {
    const c = i % 3;
    truth.push(c);
    data.push([centres[c]![0]! + rng.normal(), centres[c]![1]! + 0.5 * rng.normal()]);
  }
  const xb = fromRows(data);
  const a = new GaussianMixture({ k: 3, seed: 2 }).fit(xb).fitted;
  const b = new GaussianMixture({ k: 3, seed: 2 }).fit(xb).fitted;
  assert.deepEqual(Array.from(a.means.data), Array.from(b.means.data));
  // each component holds exactly one blob
  const map = new Map<number, number>();
  truth.forEach((t, i) => {
    const l = a.labels[i]!;
    if (!map.has(t)) map.set(t, l);
    assert.equal(map.get(t), l);
  });
  assert.equal(new Set(map.values()).size, 3);
  for (let i = 0; i < 300; i++) {
    let s = 0;
    for (let j = 0; j < 3; j++) s += a.posteriors.data[i * 3 + j]!;
    assert.ok(Math.abs(s - 1) < 1e-12);
  }
  assert.equal(chooseGmmK(xb, { kMin: 1, kMax: 5, seed: 0 }).bestK, 3);
});
