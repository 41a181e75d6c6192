import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "./rng.js";

// Moments of n draws: the sample mean is within 5 standard errors of the true mean
// (a false failure has probability ≈ 6e-7), and likewise for the variance.
function moments(draw: () => number, n: number): { mean: number; variance: number; m4: number } {
  let s = 0;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = draw();
    s += x[i]!;
  }
  const mean = s / n;
  let v = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    v += d * d;
    m4 += d * d * d * d;
  }
  return { mean, variance: v / (n - 1), m4: m4 / n };
}

test("Rng.gamma has the Gamma(shape, scale) mean shape·scale and variance shape·scale² (Marsaglia–Tsang, shape < 1 boost)", () => {
  const n = 200_000;
  for (const [shape, scale] of [[10, 0.1], [10, 1], [1, 1], [0.3, 2], [2.5, 4]] as const) {
    const rng = new Rng(12345);
    const { mean, variance, m4 } = moments(() => rng.gamma(shape, scale), n);
    const mu = shape * scale;
    const sigma2 = shape * scale * scale;
    assert.ok(Math.abs(mean - mu) <= 5 * Math.sqrt(sigma2 / n), `Gamma(${shape}, ${scale}) mean ${mean}, expected ${mu}`);
    // Var of the sample variance ≈ (μ4 − σ⁴)/n.
    const seVar = Math.sqrt((m4 - sigma2 * sigma2) / n);
    assert.ok(Math.abs(variance - sigma2) <= 5 * seVar, `Gamma(${shape}, ${scale}) variance ${variance}, expected ${sigma2}`);
  }
});

test("Rng.gamma draws are positive and the stream is reproducible from a seed and from a saved state", () => {
  const a = new Rng(7);
  const b = new Rng(7);
  for (let i = 0; i < 1000; i++) {
    const x = a.gamma(0.5, 1);
    assert.ok(x > 0);
    assert.equal(x, b.gamma(0.5, 1));
  }
  const saved = a.getState();
  const next = a.gamma(10, 0.1);
  assert.equal(Rng.fromState(saved).gamma(10, 0.1), next);
  assert.notEqual(new Rng(8).gamma(10, 0.1), new Rng(7).gamma(10, 0.1));
});
