import assert from "node:assert/strict";
import { test } from "node:test";
import { DataError, NotFittedError, OptionError, ShapeError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/rng.js";
import { arraySource } from "../../core/spectrogram-source.js";
import { lnGamma } from "../../core/special.js";
import { nmfBatchSize, nmfInitialTau, nmfRho, nmfTemperature } from "../schedules.js";
import { BayesianNmf } from "./bayesian-nmf.js";
import type { NmfProgress } from "./types.js";

/** Small dB-like spectrograms (D×M_n, M_n varying, about half zeros) from three spectral shapes. */
function synthetic(seed: number, N = 12, D = 10): Matrix[] {
  const rng = new Rng(seed);
  const out: Matrix[] = [];
  for (let n = 0; n < N; n++) {
    const M = 8 + (n % 5);
    const shape = n % 3;
    const x = new Float64Array(D * M);
    for (let d = 0; d < D; d++) {
      for (let m = 0; m < M; m++) {
        const centre = shape === 0 ? 2 : shape === 1 ? 5 : 8;
        const v = 12 * Math.exp(-0.5 * ((d - centre) / 1.5) ** 2) * Math.exp(-m / 6) + 4 * (rng.random() - 0.5);
        x[d * M + m] = v > 0 ? v : 0;
      }
    }
    out.push({ data: x, shape: [D, M] });
  }
  return out;
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

test("same seed and inputs give bit-identical models; another seed gives a different one (both schedules)", () => {
  const X = synthetic(1);
  for (const schedule of ["paisley2018", "specufex-python"] as const) {
    const fit = (seed: number) => new BayesianNmf({ numPatterns: 6, schedule, seed }).fit(X, { steps: 40 });
    const a = fit(42);
    const b = fit(42);
    const c = fit(43);
    assert.ok(sameBits(a.fitted.W1.data, b.fitted.W1.data) && sameBits(a.fitted.A2, b.fitted.A2), `${schedule}: same seed`);
    assert.ok(sameBits(a.transform(X[0]!).data, b.transform(X[0]!).data), `${schedule}: same transform`);
    assert.ok(!sameBits(a.fitted.W1.data, c.fitted.W1.data), `${schedule}: other seed`);
  }
});

test("fit follows the schedule: τ, T, ρ, minibatch sizes (paisley2018 without replacement, specufex-python one spectrogram)", () => {
  const X = synthetic(2);
  for (const schedule of ["paisley2018", "specufex-python"] as const) {
    const seen: NmfProgress[] = [];
    const nmf = new BayesianNmf({ numPatterns: 6, schedule, seed: 3 }).fit(X, { steps: 12, onProgress: (p) => seen.push(p) });
    assert.equal(seen.length, 12);
    seen.forEach((p, i) => {
      const tau = nmfInitialTau(schedule) + i;
      const T = nmfTemperature(tau);
      assert.equal(p.step, i + 1);
      assert.equal(p.temperature, T);
      assert.equal(p.rho, nmfRho(T, tau));
      assert.equal(p.batch!.length, nmfBatchSize(schedule, T, X.length));
      assert.equal(new Set(p.batch).size, p.batch!.length, "drawn without replacement");
      assert.ok(p.dictionaryChange >= 0 && Number.isFinite(p.dictionaryChange));
      assert.ok(Number.isFinite(p.logLikelihood));
      assert.ok(p.patternsLeft >= 1 && p.patternsLeft <= 6);
    });
    if (schedule === "paisley2018") assert.deepEqual(seen.slice(0, 3).map((p) => p.batch!.length), [4, 3, 3]);
    assert.equal(nmf.fitted.step, 12);
    assert.equal(nmf.fitted.tau, nmfInitialTau(schedule) + 12);
    assert.equal(nmf.fitted.isSorted, true);
  }
});

test("nEff defaults: paisley2018 Σ M_n (c = nEffInit/1000 sets W2 = 100c), specufex-python N", () => {
  const X = synthetic(4);
  const sumM = X.reduce((s, x) => s + x.shape[1], 0);
  const p = new BayesianNmf({ numPatterns: 4, seed: 1 }).fit(X, { steps: 1 });
  assert.equal(p.fitted.nEff, sumM);
  assert.equal(p.fitted.nEffInit, sumM);
  const q = new BayesianNmf({ numPatterns: 4, seed: 1, schedule: "specufex-python" }).fit(X, { steps: 0 });
  assert.equal(q.fitted.nEff, X.length);
  // With 0 steps W2 is still the initial value c·100 = N/1000·100.
  assert.equal(q.fitted.W2.data[0], (X.length / 1000) * 100);
});

test("the log-likelihood reported is the Poisson log-likelihood per entry of the minibatch (step 1, checked by hand)", () => {
  // From the initial state: EW = G, EA = 1, and with one spectrogram whose entries are all equal the
  // local step is symmetric in m, so Λ_dm = Σ_k G_dk·EH_km can be rebuilt from the reported value's ingredients.
  const D = 4;
  const M = 3;
  const x: Matrix = { data: Float64Array.from({ length: D * M }, (_, i) => 1 + (i % D)), shape: [D, M] };
  let ll = NaN;
  const nmf = new BayesianNmf({ numPatterns: 1, schedule: "specufex-python", seed: 9, nEff: 1 });
  nmf.fit([x], { steps: 1, onProgress: (p) => (ll = p.logLikelihood) });
  // K = 1: P = 1, so H1 = 1 + (h01 + Σ_d X_dm − 1)/T after the last repeat, H2 = (h02 + Σ_d EW_d·EA)/T,
  // EW and EA are the initial ones: EW_d = G_d, EA = 1. G is redrawn from the same seed.
  const rng = new Rng(9);
  const G = Array.from({ length: D }, () => rng.gamma(10, 1) + 0.1);
  const T = nmfTemperature(-1);
  const H2 = (1 + G.reduce((s, g) => s + g, 0)) / T;
  let sum = 0;
  for (let m = 0; m < M; m++) {
    let colSum = 0;
    for (let d = 0; d < D; d++) colSum += x.data[d * M + m]!;
    const EH = (1 + (1 + colSum - 1) / T) / H2;
    for (let d = 0; d < D; d++) {
      const X = x.data[d * M + m]!;
      const L = G[d]! * 1 * EH;
      sum += X * Math.log(L) - L - lnGamma(X + 1);
    }
  }
  assert.ok(Math.abs(ll - sum / (D * M)) <= 1e-12 * Math.abs(sum / (D * M)), `logLikelihood ${ll} vs ${sum / (D * M)}`);
});

test("getState/fromState round-trips bit-identically; a stopped fit resumed from its state ends bit-identical", () => {
  const X = synthetic(5);
  for (const schedule of ["paisley2018", "specufex-python"] as const) {
    const full = new BayesianNmf({ numPatterns: 6, schedule, seed: 7 }).fit(X, { steps: 30 });
    const again = BayesianNmf.fromState(structuredClone(full.getState()));
    assert.ok(sameBits(again.transform(X[1]!).data, full.transform(X[1]!).data));
    assert.deepEqual(again.getState(), full.getState());

    let n = 0;
    const stopped = new BayesianNmf({ numPatterns: 6, schedule, seed: 7 }).fit(X, { steps: 30, shouldStop: () => ++n > 11 });
    assert.equal(stopped.fitted.step, 11);
    assert.equal(stopped.fitted.isSorted, false, "a stopped fit is left unsorted so it can resume");
    const resumed = BayesianNmf.fromState(structuredClone(stopped.getState())).fit(X, { steps: 30, resume: true });
    const a = resumed.getState();
    const b = full.getState();
    assert.equal(a.step, 30);
    for (const key of ["W1", "W2", "EW", "ElnWA"] as const) assert.ok(sameBits(a[key].data, b[key].data), `${schedule} ${key}`);
    for (const key of ["A1", "A2", "EA", "gain"] as const) assert.ok(sameBits(a[key], b[key]), `${schedule} ${key}`);
    assert.deepEqual(a.rngState, b.rngState);
  }
});

test("the stopping rule ends a fit after `patience` steps below `tolerance`; it is off by default", () => {
  const X = synthetic(6);
  const stopped = new BayesianNmf({ numPatterns: 5, seed: 1, tolerance: 1e9, patience: 3 }).fit(X, { steps: 50 });
  assert.equal(stopped.fitted.step, 3);
  const full = new BayesianNmf({ numPatterns: 5, seed: 1 }).fit(X, { steps: 50 });
  assert.equal(full.fitted.step, 50);
});

test("bad input: errors name the spectrogram and the reason", () => {
  const X = synthetic(7, 4);
  const bad = (i: number, j: number, v: number): Matrix[] => X.map((x, n) => (n === i ? { data: x.data.map((u, k) => (k === j ? v : u)), shape: x.shape } : x));
  const nmf = () => new BayesianNmf({ numPatterns: 3, seed: 1 });
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ["negative", () => nmf().fit(bad(2, 5, -1), { steps: 20 }), DataError, /spectrogram 2 entry \(d 0, m 5\) is negative \(-1\)/],
    ["NaN", () => nmf().fit(bad(1, 0, NaN), { steps: 20 }), DataError, /spectrogram 1 entry \(d 0, m 0\) is NaN/],
    ["Inf", () => nmf().fit(bad(3, 9, Infinity), { steps: 20 }), DataError, /spectrogram 3 entry \(d 0, m 9\) is \+Infinity/],
    ["0 columns", () => nmf().fit([X[0]!, { data: new Float64Array(0), shape: [10, 0] }]), DataError, /spectrogram 1 has 0 columns/],
    ["rows", () => nmf().fit([X[0]!, { data: new Float64Array(9 * 8), shape: [9, 8] }], { steps: 30 }), ShapeError, /spectrogram 1 is 9×8, expected 10 rows/],
    ["empty", () => nmf().fit([]), DataError, /holds no spectrograms/],
    ["empty batch", () => nmf().partialFit([]), DataError, /no spectrograms/],
    ["no nEff", () => nmf().partialFit([X[0]!]), OptionError, /"nEff" is required/],
    ["transform rows", () => nmf().fit(X, { steps: 2 }).transform({ data: new Float64Array(8), shape: [2, 4] }), ShapeError, /expected 10 rows/],
    ["transform NaN", () => nmf().fit(X, { steps: 2 }).transform({ data: new Float64Array(10).fill(NaN), shape: [10, 1] }), DataError, /is NaN/],
    ["not fitted", () => nmf().fitted, NotFittedError, /not fitted/],
    ["transform before fit", () => nmf().transform(X[0]!), NotFittedError, /not fitted/],
    ["option", () => new BayesianNmf({ numPatterns: 0 }), OptionError, /BayesianNmf option "numPatterns" must be an integer ≥ 1, got 0/],
    ["unknown option", () => new BayesianNmf({ patterns: 3 } as never), OptionError, /"patterns" is not known/],
    ["schedule", () => new BayesianNmf({ schedule: "matlab" as never }), OptionError, /"schedule" must be one of/],
    ["init.G shape", () => new BayesianNmf({ numPatterns: 3, init: { G: { data: new Float64Array(4), shape: [2, 2] } } }).fit(X, { steps: 1 }), ShapeError, /init\.G is 2×2, expected 10×3/],
  ];
  for (const [label, run, cls, re] of cases) {
    assert.throws(run, (e: unknown) => e instanceof cls && re.test((e as Error).message), label);
  }
  // A SpectrogramSource names the event id.
  const ids = ["ev-a", "ev-b", "ev-c", "ev-d"];
  assert.throws(() => nmf().fit(arraySource(bad(2, 5, -1), ids), { steps: 20 }), (e: unknown) => e instanceof DataError && /spectrogram 2 \(id "ev-c"\)/.test((e as Error).message) && (e as DataError).event === "ev-c");
});

test("underflow in the softmax gives no NaN and matches a log-domain reference (extreme inputs)", () => {
  // Pattern 1 has EA = 1e300: its V2 ≈ e^697 pushes exp(ElnV) down to ~1e-300 while its E_W row weight
  // is 1, so Z = E_W·E_V underflows below the guard where X > 0 and the exact log-domain path must run.
  const D = 6;
  const K = 3;
  const M = 5;
  const W1 = new Float64Array(D * K);
  const W2 = new Float64Array(D * K).fill(1);
  for (let d = 0; d < D; d++) for (let k = 0; k < K; k++) W1[d * K + k] = Math.abs(d - 2 * k) <= 1 ? 1e3 : 1e-3;
  const A1 = Float64Array.of(5, 1e300, 5);
  const A2 = Float64Array.of(1, 1, 1);
  const x: Matrix = { data: Float64Array.from({ length: D * M }, (_, i) => (i % 4 === 0 ? 0 : 1e6 * ((i % 7) + 1))), shape: [D, M] };
  for (const backend of ["js", "wasm"] as const) {
    for (const schedule of ["paisley2018", "specufex-python"] as const) {
      // tau 1000: T ≈ 1, so the fit step's exp(ElnH/T) underflows as the transform's does.
      const model = () => BayesianNmf.fromMatrices({ W1: { data: W1, shape: [D, K] }, W2: { data: W2, shape: [D, K] }, A1, A2, schedule, backend, nEff: 5, tau: 1000 });
      const nmf = model();
      const V = nmf.transform(x);
      const f = nmf.fitted;
      const ref = referenceTransform(f.ElnWA.data, f.EW.data, f.EA, D, K, x, f.h0, schedule === "specufex-python");
      for (let i = 0; i < V.data.length; i++) {
        assert.ok(Number.isFinite(V.data[i]!), `${backend} ${schedule}: V[${i}] = ${V.data[i]}`);
        assert.ok(Math.abs(V.data[i]! - ref[i]!) <= 1e-9 * Math.abs(ref[i]!) + 1e-12, `${backend} ${schedule}: V[${i}] ${V.data[i]} vs ${ref[i]}`);
      }
      // A fit step from such a model, with an all-zero spectrogram in the batch, stays finite.
      const fit = model().partialFit([x, { data: new Float64Array(D * 2), shape: [D, 2] }]);
      for (const v of fit.fitted.W1.data) assert.ok(Number.isFinite(v) && v > 0, `${backend} ${schedule}: W1 after a step`);
      for (const v of fit.fitted.A2) assert.ok(Number.isFinite(v) && v > 0, `${backend} ${schedule}: A2 after a step`);
    }
  }
});

/** §2.4 with the naive K×M×D tensor in the log domain (log-sum-exp), as an independent reference. */
function referenceTransform(ElnWA: Float64Array, EW: Float64Array, EA: Float64Array, D: number, K: number, x: Matrix, h0: number, lnV2First: boolean): Float64Array {
  const M = x.shape[1];
  const V2 = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += EW[d * K + k]! * EA[k]!;
    V2[k] = 1 + s;
  }
  let V1 = new Float64Array(K * M).fill(1);
  for (let t = 1; t <= 5; t++) {
    const next = new Float64Array(K * M).fill(h0);
    for (let m = 0; m < M; m++) {
      for (let d = 0; d < D; d++) {
        const X = x.data[d * M + m]!;
        if (X === 0) continue;
        const logits = Array.from({ length: K }, (_, k) => ElnWA[d * K + k]! + digammaRef(V1[k * M + m]!) - (t > 1 || lnV2First ? Math.log(V2[k]!) : 0));
        const mx = Math.max(...logits);
        const z = logits.reduce((s, l) => s + Math.exp(l - mx), 0);
        for (let k = 0; k < K; k++) next[k * M + m] = next[k * M + m]! + (X * Math.exp(logits[k]! - mx)) / z;
      }
    }
    V1 = next;
  }
  return V1.map((v, i) => v / V2[Math.floor(i / M)]!);
}

function digammaRef(x: number): number {
  // ψ by recurrence to x ≥ 20 and the asymptotic series (independent of core/special).
  let r = 0;
  while (x < 20) {
    r -= 1 / x;
    x += 1;
  }
  const z = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - z * (1 / 12 - z * (1 / 120 - z * (1 / 252 - z / 240)));
}
