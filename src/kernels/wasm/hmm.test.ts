// The WebAssembly SIMD local-pass kernel repeats the JS kernel's operations in
// the same order: the two must agree bit for bit (both variants, odd and even S).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../core/rng.js";
import { JsHmmKernel, type HmmLocalKernel } from "../js/hmm.js";
import { WasmHmmKernel, isHmmWasmAvailable } from "./hmm.js";
import { hmmKernel } from "../hmm.js";

function fill(k: HmmLocalKernel, S: number, M: number, seed: number, spread: number): void {
  const rng = new Rng(seed);
  for (let m = 0; m < M; m++) {
    const hot = rng.integer(S);
    for (let s = 0; s < S; s++) {
      const l = s === hot ? 0 : -spread * rng.random();
      k.lnPrT[m * S + s] = l;
      k.PrT[m * S + s] = l < Math.log(1e-75) ? 0 : Math.exp(l);
    }
  }
}

function same(a: Float64Array, b: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

test("WebAssembly SIMD is available here (the bench and auto backend rely on it)", () => {
  assert.equal(isHmmWasmAvailable(), true);
  assert.equal(hmmKernel("auto", 3, 4).name, "wasm-simd");
  assert.equal(hmmKernel("js", 3, 4).name, "js");
});

test("the WebAssembly local pass equals the JS local pass bit for bit (S = 1…16, both variants, with and without A)", () => {
  for (const [S, M, spread] of [[1, 5, 3], [2, 9, 10], [3, 17, 40], [6, 51, 200], [7, 2, 5], [8, 30, 80], [15, 62, 300], [16, 20, 50]] as const) {
    for (const isPython of [false, true]) {
      for (const needA of [true, false]) {
        const js = new JsHmmKernel(S, M);
        const wa = new WasmHmmKernel(S, 4); // grown on demand below
        wa.ensure(M);
        fill(js, S, M, S * 31 + M, spread);
        fill(wa, S, M, S * 31 + M, spread);
        const a = js.localPass(M, 20, isPython, needA, 0.01 / S, 0.1 / S);
        const b = wa.localPass(M, 20, isPython, needA, 0.01 / S, 0.1 / S);
        const label = `S=${S} M=${M} ${isPython ? "python" : "paisley"} needA=${needA}`;
        assert.ok(Object.is(a, b), `logLik ${label}: ${a} vs ${b}`);
        assert.ok(same(js.gamT, wa.gamT, M * S), `γ ${label}`);
        assert.ok(same(js.Ppi, wa.Ppi, S), `π ${label}`);
        if (needA) assert.ok(same(js.A, wa.A, S * S), `A ${label}`);
      }
    }
  }
});

test("a WebAssembly repeat whose normaliser underflows is redone by the JS sweep (forced with tiny = ∞)", () => {
  const S = 5, M = 12;
  const js = new JsHmmKernel(S, M), wa = new WasmHmmKernel(S, M);
  fill(js, S, M, 77, 30);
  fill(wa, S, M, 77, 30);
  for (const isPython of [false, true]) {
    const a = js.localPass(M, 20, isPython, true, 0.01 / S, 0.1 / S, Infinity);
    const b = wa.localPass(M, 20, isPython, true, 0.01 / S, 0.1 / S, Infinity);
    assert.ok(Object.is(a, b));
    assert.ok(same(js.A, wa.A, S * S) && same(js.gamT, wa.gamT, M * S));
  }
});

test("the WebAssembly fingerprint series equals the JS fingerprint bit for bit (S = 1…16, after a local pass)", () => {
  for (const [S, M, spread] of [[1, 5, 3], [2, 9, 10], [3, 17, 40], [6, 51, 200], [7, 12, 5], [15, 62, 300], [16, 20, 50]] as const) {
    for (const isPython of [false, true]) {
      const js = new JsHmmKernel(S, M);
      const wa = new WasmHmmKernel(S, M);
      fill(js, S, M, S * 17 + M, spread);
      fill(wa, S, M, S * 17 + M, spread);
      js.localPass(M, 20, isPython, true, 0.01 / S, 0.1 / S);
      wa.localPass(M, 20, isPython, true, 0.01 / S, 0.1 / S);
      const a = new Float64Array(S * S), b = new Float64Array(S * S);
      js.fingerprint(a);
      wa.fingerprint(b);
      assert.ok(same(a, b, S * S), `fingerprint S=${S} M=${M} ${isPython ? "python" : "paisley"}`);
      // Rows of Ā sum to 1, so √(Σ_j FP_ij²) = v_i, and v sums to 1.
      let total = 0;
      for (let i = 0; i < S; i++) {
        let r = 0;
        for (let j = 0; j < S; j++) r += a[i * S + j]! ** 2;
        total += Math.sqrt(r);
      }
      assert.ok(Math.abs(total - 1) < 1e-12, `Σ_i √(Σ_j FP_ij²) = Σ v_i = 1, got ${total}`);
    }
  }
});

test("the WebAssembly emission log-likelihoods equal hmmEmission bit for bit (odd and even S, overflow flagged)", () => {
  for (const [S, K, M] of [[1, 3, 5], [2, 7, 9], [6, 22, 51], [7, 4, 12], [15, 14, 62], [16, 5, 20]] as const) {
    const rng = new Rng(S * 100 + K);
    const ElnB = Float64Array.from({ length: S * K }, () => -5 * rng.random());
    const EBrowSum = Float64Array.from({ length: S }, () => 10 * rng.random());
    const U = Float64Array.from({ length: K * M }, () => (rng.random() < 0.3 ? 0 : 50 * rng.random()));
    const js = new JsHmmKernel(S, M);
    const wa = new WasmHmmKernel(S, M, K);
    const cm1 = new Float64Array(M), cm2 = new Float64Array(M);
    assert.equal(js.emission(K, M, ElnB, EBrowSum, U, cm1), true);
    assert.equal(wa.emission(K, M, ElnB, EBrowSum, U, cm2), true);
    const label = `S=${S} K=${K} M=${M}`;
    assert.ok(same(js.lnPrT, wa.lnPrT, M * S) && same(js.PrT, wa.PrT, M * S) && same(cm1, cm2, M), label);
    U[K * M - 1] = Infinity;
    assert.equal(js.emission(K, M, ElnB, EBrowSum, U, cm1), false, label);
    assert.equal(wa.emission(K, M, ElnB, EBrowSum, U, cm2), false, label);
  }
});
