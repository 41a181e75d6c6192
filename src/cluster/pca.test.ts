import { test } from "node:test";
import assert from "node:assert/strict";
import { fromRows, type Matrix } from "../core/matrix.js";
import { OptionError } from "../core/errors.js";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { Pca, pca } from "./pca.js";
import { symmetricEigen } from "./eigen.js";

/** Flips each golden row to the sign of ours (components are defined up to sign). */
function alignSigns(ours: Matrix, golden: number[][]): number[][] {
  const f = ours.shape[1];
  return golden.map((row, k) => {
    let dot = 0;
    for (let p = 0; p < f; p++) dot += row[p]! * ours.data[k * f + p]!;
    return dot < 0 ? row.map((v) => -v) : row;
  });
}

test("pca equals scikit-learn on cluster.json: mean, explained variance and ratio (rtol 1e-9), components up to sign (rtol 1e-9)", () => {
  const g = readGolden("cluster.json");
  const p = new Pca().fit(fromRows(g.X)).fitted;
  assertGolden(p.mean, g.pca.mean, { rtol: 1e-9, label: "mean" });
  assertGolden(p.explainedVariance, g.pca.explained_variance, { rtol: 1e-9, label: "explained_variance" });
  assertGolden(p.explainedVarianceRatio, g.pca.explained_variance_ratio, { rtol: 1e-9, label: "explained_variance_ratio" });
  assertGolden(p.components, alignSigns(p.components, g.pca.components), { rtol: 1e-9, label: "components" });
});

test("pca also has scikit-learn's signs (svd_flip) on cluster.json", () => {
  const g = readGolden("cluster.json");
  const p = new Pca().fit(fromRows(g.X)).fitted;
  assertGolden(p.components, g.pca.components, { rtol: 1e-9, label: "components with signs" });
});

test("pca with pve keeps scikit-learn's number of components on cluster_more.json (exact), ratios rtol 1e-9", () => {
  const g = readGolden("cluster_more.json");
  const x = fromRows(g.X);
  for (const [pve, m] of Object.entries(g.pca_pve as Record<string, number>)) {
    const p = pca(x, { pve: Number(pve) }).fitted;
    assert.equal(p.nComponents, m, `pve ${pve}`);
    assertGolden(p.allExplainedVarianceRatio, g.pca_pve_ratio, { rtol: 1e-9, label: "pca_pve_ratio" });
  }
});

test("pca transform of the training data has the explained variances as column variances and is uncorrelated (1e-12)", () => {
  const g = readGolden("cluster.json");
  const x = fromRows(g.X);
  const model = new Pca({ nComponents: 3 });
  const t = model.fitTransform(x);
  const [n, m] = t.shape;
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += t.data[i * m + a]! * t.data[i * m + b]!;
      s /= n - 1;
      const expected = a === b ? model.fitted.explainedVariance[a]! : 0;
      assert.ok(Math.abs(s - expected) <= 1e-12 * model.fitted.explainedVariance[0]!, `cov[${a}][${b}] = ${s}, expected ${expected}`);
    }
  }
});

test("pca with fewer rows than features (Gram path) gives the same variances as the transposed problem's", () => {
  const g = readGolden("cluster_more.json");
  const rows = (g.X as number[][]).slice(0, 12);
  const p = pca(fromRows(rows)).fitted; // 12×25 → 12 components
  assert.equal(p.nComponents, 12);
  // total variance equals the trace of the sample covariance
  let trace = 0;
  const f = rows[0]!.length;
  for (let c = 0; c < f; c++) {
    const m = rows.reduce((s, r) => s + r[c]!, 0) / rows.length;
    trace += rows.reduce((s, r) => s + (r[c]! - m) ** 2, 0) / (rows.length - 1);
  }
  const total = p.explainedVariance.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(total - trace) <= 1e-12 * trace);
  assert.ok(p.explainedVariance[11]! < 1e-12 * trace, "12 centred rows span 11 dimensions");
  // axes are orthonormal
  for (let a = 0; a < 11; a++) for (let b = 0; b < 11; b++) {
    let s = 0;
    for (let c = 0; c < f; c++) s += p.components.data[a * f + c]! * p.components.data[b * f + c]!;
    assert.ok(Math.abs(s - (a === b ? 1 : 0)) < 1e-10, `axes ${a}·${b} = ${s}`);
  }
});

test("symmetricEigen solves a known 3×3 case: eigenvalues 4, 2, 1 exactly to 1e-14 and A·v = λ·v", () => {
  // A = Q diag(4, 2, 1) Qᵀ with a rotation Q
  const c = Math.cos(0.3), s = Math.sin(0.3);
  const Q = [[c, -s, 0], [s, c, 0], [0, 0, 1]];
  const L = [4, 2, 1];
  const A = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) A[i * 3 + j]! += Q[i]![k]! * L[k]! * Q[j]![k]!;
  const { values, vectors } = symmetricEigen(A, 3);
  assert.deepEqual(Array.from(values, (v) => Math.round(v * 1e12) / 1e12), [4, 2, 1]);
  for (let k = 0; k < 3; k++) for (let i = 0; i < 3; i++) {
    let av = 0;
    for (let j = 0; j < 3; j++) av += A[i * 3 + j]! * vectors[j * 3 + k]!;
    assert.ok(Math.abs(av - values[k]! * vectors[i * 3 + k]!) < 1e-14);
  }
});

test("pca rejects both nComponents and pve, and pve ≥ 1 (OptionError)", () => {
  assert.throws(() => new Pca({ nComponents: 2, pve: 0.5 }), OptionError);
  assert.throws(() => new Pca({ pve: 1 }), OptionError);
});
