import { test } from "node:test";
import assert from "node:assert/strict";
import { fromRows, matrix } from "../core/matrix.js";
import { ShapeError } from "../core/errors.js";
import { EPS } from "../core/numeric.js";
import { Rng } from "../core/rng.js";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { fingerprint } from "./fingerprint.js";

test("fingerprint of a 2-state chain equals the analytic series (eigen-decomposition, rtol 1e-12)", () => {
  // Ā = [[1−p, p], [q, 1−q]] has eigenvalues 1 and λ = 1−p−q, stationary s = (q, p)/(p+q):
  // π̄ Σ_{t≤100} (cĀ)^t = G(c)·s + G(cλ)·(π̄ − s), G(x) = (1 − x^101)/(1 − x).
  const S = 2;
  for (const [p, q, a] of [[0.3, 0.1, 0.8], [0.05, 0.6, 0.25], [0.9, 0.7, 0.5]] as const) {
    // Pseudo-counts whose shifted, normalised forms are Ā and π̄ (rows of A' scaled by 7 and 3).
    const Aprime = [[7 * (1 - p), 7 * p], [3 * q, 3 * (1 - q)]];
    const A = fromRows(Aprime.map((r) => r.map((x) => x + (0.1 - EPS) / S)));
    const pi = [5 * a + 0.01 / S, 5 * (1 - a) + 0.01 / S];
    const c = 100 / 101;
    const G = (x: number) => (1 - x ** 101) / (1 - x);
    const lam = 1 - p - q;
    const s = [q / (p + q), p / (p + q)];
    const pib = [a, 1 - a];
    const v = [0, 1].map((i) => G(c) * s[i]! + G(c * lam) * (pib[i]! - s[i]!));
    const vs = v[0]! + v[1]!;
    const Abar = [[1 - p, p], [q, 1 - q]];
    const expected = [0, 1].map((i) => [0, 1].map((j) => (v[i]! / vs) * Math.sqrt(Abar[i]![j]!)));
    assertGolden(fingerprint(A, pi), expected, { rtol: 1e-12, label: `p=${p} q=${q}` });
  }
});

test("fingerprint rows satisfy Σ_j FP_ij² = v_i² with Σ_i v_i = 1 (random 6-state chains)", () => {
  const rng = new Rng(8);
  const S = 6;
  for (let rep = 0; rep < 5; rep++) {
    const A = Float64Array.from({ length: S * S }, () => 0.1 / S + rng.gamma(0.5, 3));
    const pi = Float64Array.from({ length: S }, () => 0.01 / S + rng.random());
    const fp = fingerprint(matrix(A, S, S), pi);
    let total = 0;
    for (let i = 0; i < S; i++) {
      let r = 0;
      for (let j = 0; j < S; j++) {
        assert.ok(fp.data[i * S + j]! >= 0);
        r += fp.data[i * S + j]! ** 2;
      }
      total += Math.sqrt(r);
    }
    assert.ok(Math.abs(total - 1) < 1e-14, `Σ v_i = ${total}`);
  }
});

test("fingerprint matches hmm_local.json's fingerprints from its A and Ppi (both variants, rtol 1e-9)", () => {
  const g = readGolden("hmm_local.json");
  for (const variant of ["paisley2018", "specufex-python"]) {
    for (const r of g.results[variant] as { A: number[][]; Ppi: number[]; fingerprint: number[][] }[]) {
      assertGolden(fingerprint(fromRows(r.A), r.Ppi), r.fingerprint, { rtol: 1e-9, label: variant });
    }
  }
});

test("fingerprint rejects an A that is not S×S with S = pi.length (ShapeError)", () => {
  assert.throws(() => fingerprint(fromRows([[1, 2, 3], [4, 5, 6]]), [1, 2]), ShapeError);
  assert.throws(() => fingerprint(fromRows([[1, 2], [3, 4]]), [1, 2, 3]), /must be 3×3/);
});
