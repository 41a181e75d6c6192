// BayesianHmm behaviour: schedules driven by fit(), progress, stopping rule,
// determinism, state round trips, bad input and extreme values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DataError, NotFittedError, OptionError, ShapeError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/rng.js";
import { hmmBatchSize, hmmRho } from "../schedules.js";
import { BayesianHmm } from "./bayesian-hmm.js";
import type { HmmProgress } from "./types.js";

/** Activations of N sequences that switch between a few regimes (K patterns). */
function sequences(N: number, K: number, M: number, seed: number): { V: Matrix[]; gain: Float64Array } {
  const rng = new Rng(seed);
  const R = 3;
  const prof = Float64Array.from({ length: R * K }, () => rng.gamma(0.5, 2));
  const gain = Float64Array.from({ length: K }, () => 2 + 10 * rng.random());
  const V: Matrix[] = [];
  for (let n = 0; n < N; n++) {
    const d = new Float64Array(K * M);
    let r = rng.integer(R);
    for (let m = 0; m < M; m++) {
      if (rng.random() < 0.15) r = rng.integer(R);
      for (let k = 0; k < K; k++) d[k * M + m] = prof[r * K + k]! * rng.gamma(4, 0.25);
    }
    V.push({ data: d, shape: [K, M] });
  }
  return { V, gain };
}

const { V, gain } = sequences(12, 4, 20, 1);

test("fit (paisley2018) equals partialFit over the minibatches its Rng draws, then one sort", () => {
  const a = new BayesianHmm({ numStates: 5, gain, seed: 7 }).fit(V, { steps: 6 });
  // Same draws, independently: Gamma(1, 1) for GB (row-major), then batches with replacement.
  const rng = new Rng(7);
  const GB = Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => rng.gamma(1, 1)));
  const b = new BayesianHmm({ numStates: 5, gain, nEff: V.length, init: { GB } });
  for (let tau = 1; tau <= 6; tau++) {
    const idx = rng.sampleWithReplacement(V.length, hmmBatchSize(tau));
    b.partialFit(Array.from(idx, (i) => V[i]!));
  }
  b.sortStates();
  assert.deepEqual(a.fitted.B1.data, b.fitted.B1.data);
  assert.deepEqual(a.fitted.B2.data, b.fitted.B2.data);
  const e = a.fitted.EBEnergy;
  for (let s = 1; s < e.length; s++) assert.ok(e[s - 1]! >= e[s]!, "states in descending Σ_k EB_sk");
});

test("fit (specufex-python) draws one sequence per step and equals partialFit([V_i]) calls with B1 = Neff·1000·(Gamma(1,1) + 1)", () => {
  const a = new BayesianHmm({ numStates: 4, gain, seed: 3, schedule: "specufex-python", nEff: 500 }).fit(V, { steps: 5 });
  const rng = new Rng(3);
  const GB = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => rng.gamma(1, 1) + 1));
  const b = new BayesianHmm({ numStates: 4, gain, schedule: "specufex-python", nEff: 500, init: { GB } });
  for (let t = 0; t < 5; t++) b.partialFit([V[rng.integer(V.length)]!]);
  assert.deepEqual(a.fitted.B1.data, b.fitted.B1.data);
  assert.equal(a.getState().step, 0, "τ stays 0 with one sequence per call");
});

test("specufex-python partialFit with several sequences advances τ by each index (0 + 0 + 1 + 2 = 3)", () => {
  const h = new BayesianHmm({ numStates: 3, gain, schedule: "specufex-python", nEff: 100, seed: 1 });
  h.partialFit([V[0]!, V[1]!, V[2]!]);
  assert.equal(h.getState().step, 3);
  h.partialFit([V[3]!, V[4]!]);
  assert.equal(h.getState().step, 4);
});

test("progress after every step: step, ρ and n of the schedule", () => {
  for (const schedule of ["paisley2018", "specufex-python"] as const) {
    const seen: HmmProgress[] = [];
    new BayesianHmm({ numStates: 4, gain, seed: 2, schedule, nEff: 40 }).fit(V, { steps: 4, onProgress: (p) => seen.push(p) });
    assert.deepEqual(seen.map((p) => p.step), [1, 2, 3, 4]);
    for (const p of seen) {
      assert.equal(p.steps, 4);
      assert.ok(p.elapsedMs >= 0);
      if (schedule === "paisley2018") {
        assert.equal(p.batchSize, hmmBatchSize(p.step));
        assert.equal(p.n, p.batchSize);
        assert.equal(p.rho, hmmRho(p.batchSize, p.step));
      } else {
        assert.equal(p.batchSize, 1);
        assert.equal(p.n, 14); // round(1 + 10·0.75⁻¹) at τ = 0
        assert.equal(p.rho, hmmRho(14, 0));
      }
    }
  }
});

test("a step's emissionChange is ‖EB_t − EB_t−1‖_F/‖EB_t−1‖_F and its logLikelihood the batch mean of the §7 measure", () => {
  const seen: HmmProgress[] = [];
  new BayesianHmm({ numStates: 4, gain, seed: 7 }).fit(V, { steps: 3, onProgress: (p) => seen.push(p) });
  // Replay the same draws step by step with partialFit, measuring before and after each step.
  const rng = new Rng(7);
  const GB = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => rng.gamma(1, 1)));
  const b = new BayesianHmm({ numStates: 4, gain, nEff: V.length, init: { GB } });
  for (let tau = 1; tau <= 3; tau++) {
    const batch = Array.from(rng.sampleWithReplacement(V.length, hmmBatchSize(tau)), (i) => V[i]!);
    let logLik = 0;
    if (tau > 1) {
      const before = BayesianHmm.fromState(b.getState());
      for (const x of batch) logLik += before.transform(x).logLikelihood;
    }
    const EB0 = tau > 1 ? b.fitted.EB.data : null;
    b.partialFit(batch);
    if (EB0) {
      const EB1 = b.fitted.EB.data;
      let num = 0, den = 0;
      for (let i = 0; i < EB0.length; i++) { num += (EB1[i]! - EB0[i]!) ** 2; den += EB0[i]! ** 2; }
      const p = seen[tau - 1]!;
      assert.ok(Math.abs(p.emissionChange - Math.sqrt(num / den)) <= 1e-12 * p.emissionChange, `change ${p.emissionChange}`);
      assert.ok(Math.abs(p.logLikelihood - logLik / batch.length) <= 1e-12 * Math.abs(p.logLikelihood), `logLik ${p.logLikelihood}`);
    }
  }
});

test("the §7 log-likelihood of a transform is (1/M) Σ_m (ln c_m + max_s lnPr_sm) of the last forward pass", () => {
  // S = 1: γ ≡ 1, Ã = π̃ = exp(ψ(a) − ψ(a)) = 1, so c_m = 1 and the measure is the mean of lnPr_1m.
  const h = BayesianHmm.fromMatrices({ B1: [[3, 5, 2, 7]], B2: [[1, 2, 4, 1]], gain, schedule: "paisley2018" });
  const f = h.fitted;
  const x = V[4]!;
  let expected = 0;
  for (let m = 0; m < 20; m++) {
    let l = 0;
    for (let k = 0; k < 4; k++) l += f.ElnB.data[k]! * gain[k]! * x.data[k * 20 + m]!;
    expected += l - f.EBEnergy[0]!;
  }
  expected /= 20;
  const got = h.transform(x).logLikelihood;
  assert.ok(Math.abs(got - expected) <= 1e-12 * Math.abs(expected), `${got} vs ${expected}`);
});

test("the stopping rule ends a fit early only when asked (tolerance, patience)", () => {
  let steps = 0;
  new BayesianHmm({ numStates: 3, gain, seed: 1 }).fit(V, { steps: 30, onProgress: () => steps++ });
  assert.equal(steps, 30, "off by default");
  steps = 0;
  const h = new BayesianHmm({ numStates: 3, gain, seed: 1, tolerance: 10, patience: 3 }).fit(V, { steps: 30, onProgress: () => steps++ });
  assert.equal(steps, 3, "every change is below 10: stops after `patience` steps");
  assert.equal(h.getState().fitComplete, true);
});

test("same seed gives bit-identical models; another seed a different one", () => {
  for (const schedule of ["paisley2018", "specufex-python"] as const) {
    const a = new BayesianHmm({ numStates: 4, gain, seed: 11, schedule }).fit(V, { steps: 8 });
    const b = new BayesianHmm({ numStates: 4, gain, seed: 11, schedule }).fit(V, { steps: 8 });
    const c = new BayesianHmm({ numStates: 4, gain, seed: 12, schedule }).fit(V, { steps: 8 });
    assert.deepEqual(a.fitted.B1.data, b.fitted.B1.data);
    assert.deepEqual(a.fitted.B2.data, b.fitted.B2.data);
    assert.notDeepEqual(a.fitted.B1.data, c.fitted.B1.data);
    assert.deepEqual(a.transform(V[0]!).fingerprint.data, b.transform(V[0]!).fingerprint.data);
  }
});

test("a fit stopped between steps and resumed from getState() ends bit-identical to an uninterrupted one", () => {
  for (const schedule of ["paisley2018", "specufex-python"] as const) {
    const full = new BayesianHmm({ numStates: 4, gain, seed: 5, schedule }).fit(V, { steps: 9 });
    let n = 0;
    const part = new BayesianHmm({ numStates: 4, gain, seed: 5, schedule }).fit(V, { steps: 9, shouldStop: () => n++ >= 4 });
    const saved = part.getState();
    assert.equal(saved.fitComplete, false);
    assert.equal(saved.stepsDone, 4);
    const resumed = BayesianHmm.fromState(JSON.parse(JSON.stringify(saved, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)), reviveState)).fit(V, { steps: 9, resume: true });
    assert.deepEqual(resumed.fitted.B1.data, full.fitted.B1.data);
    assert.deepEqual(resumed.fitted.B2.data, full.fitted.B2.data);
  }
});

/** JSON → HmmState: arrays back to Float64Array, {data, shape} back to matrices. */
function reviveState(key: string, v: unknown): unknown {
  if (v && typeof v === "object" && "data" in v && "shape" in v) return { data: Float64Array.from((v as { data: number[] }).data), shape: (v as { shape: [number, number] }).shape };
  if ((key === "gain" || key === "EB_energy") && Array.isArray(v)) return Float64Array.from(v);
  return v;
}

test("getState holds the Python file's fields and fromState transforms identically", () => {
  const h = new BayesianHmm({ numStates: 4, gain, seed: 1, schedule: "specufex-python", nEff: 1000 }).fit(V, { steps: 5 });
  const s = h.getState();
  assert.equal(s.num_state, 4);
  assert.equal(s.num_pat, 4);
  assert.equal(s.Neff, 1000);
  assert.equal(s._max_inner_ite, 20);
  assert.equal(s.tauPpi, 0.01 / 4);
  assert.equal(s.tauA, 0.1 / 4);
  assert.equal(s.tau1, 0.1);
  assert.equal(s.tau2, 0.1);
  assert.equal(s.schedule, "specufex-python");
  assert.equal(s.seed, 1);
  assert.equal(s.rngState?.length, 4);
  assert.deepEqual(s.EB_energy, h.fitted.EBEnergy);
  const back = BayesianHmm.fromState(s);
  assert.deepEqual(back.transform(V[3]!), h.transform(V[3]!));
  // A Python model file has no schedule: specufex-python conventions.
  const { schedule: _s, seed: _seed, rngState: _r, ...python } = s;
  assert.equal(BayesianHmm.fromState(python).options.schedule, "specufex-python");
});

test("transform returns γ (S×M) with columns summing to 1, A ≥ τA and π ≥ τπ", () => {
  const h = new BayesianHmm({ numStates: 5, gain, seed: 4 }).fit(V, { steps: 5 });
  const r = h.transform(V[2]!);
  assert.deepEqual(r.gamma.shape, [5, 20]);
  for (let m = 0; m < 20; m++) {
    let t = 0;
    for (let s = 0; s < 5; s++) t += r.gamma.data[s * 20 + m]!;
    assert.ok(Math.abs(t - 1) < 1e-14);
  }
  for (const a of r.A.data) assert.ok(a >= 0.1 / 5);
  for (const p of r.pi) assert.ok(p >= 0.01 / 5);
  // Σ_ij A_ij = S·S·τA + (M − 1) and Σ π = S·τπ + 1
  const sumA = r.A.data.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(sumA - (25 * 0.02 + 19)) < 1e-12);
});

test("extreme activations (1e300 beside 0) and lnPr gaps of 1e4 give finite results, never NaN", () => {
  const h = new BayesianHmm({ numStates: 6, gain, seed: 9 }).fit(V, { steps: 3 });
  const K = 4, M = 10;
  const d = new Float64Array(K * M);
  for (let m = 0; m < M; m++) d[(m % K) * M + m] = m % 3 === 0 ? 1e300 : 0;
  const r = h.transform({ data: d, shape: [K, M] });
  for (const x of [...r.A.data, ...r.pi, ...r.gamma.data, ...r.fingerprint.data]) assert.ok(Number.isFinite(x));
  // lnPr differences ~1e4: activations of 1e3·(pattern k at time m).
  const e = new Float64Array(K * M);
  for (let m = 0; m < M; m++) e[((m * 7) % K) * M + m] = 2e3;
  const fitAgain = new BayesianHmm({ numStates: 6, gain, seed: 9 }).fit([{ data: e, shape: [K, M] }, ...V], { steps: 4 });
  for (const x of fitAgain.fitted.B1.data) assert.ok(Number.isFinite(x) && x > 0);
  const r2 = fitAgain.transform({ data: e, shape: [K, M] });
  for (const x of [...r2.A.data, ...r2.gamma.data, ...r2.fingerprint.data]) assert.ok(Number.isFinite(x));
  // Overflowing activation × gain is a DataError naming the sequence, not a NaN.
  const big = new Float64Array(K * M).fill(1e308);
  assert.throws(() => h.transform({ data: big, shape: [K, M] }, 7), (err: unknown) => err instanceof DataError && /sequence 7/.test(err.message) && /overflow/.test(err.message));
});

test("bad input names the sequence and the reason", () => {
  const K = 4;
  const good = V.slice(0, 3);
  const short: Matrix = { data: new Float64Array(K), shape: [K, 1] };
  const withNaN: Matrix = { data: Float64Array.from(V[0]!.data), shape: [K, 20] };
  withNaN.data[25] = NaN;
  const withInf: Matrix = { data: Float64Array.from(V[0]!.data), shape: [K, 20] };
  withInf.data[3] = Infinity;
  const negative: Matrix = { data: Float64Array.from(V[0]!.data), shape: [K, 20] };
  negative.data[41] = -0.5;
  const wrongK: Matrix = { data: new Float64Array(3 * 20), shape: [3, 20] };
  const h = () => new BayesianHmm({ numStates: 3, gain });
  assert.throws(() => h().fit([...good, short]), (e: unknown) => e instanceof DataError && /sequence 3: 1 time step, an HMM sequence needs at least 2/.test(e.message));
  assert.throws(() => h().fit([withNaN]), (e: unknown) => e instanceof DataError && /sequence 0: activation \(k=1, m=5\) is NaN/.test(e.message));
  assert.throws(() => h().fit([...good, withInf]), (e: unknown) => e instanceof DataError && /sequence 3: .* is \+Infinity/.test(e.message));
  assert.throws(() => h().fit([negative]), (e: unknown) => e instanceof DataError && /negative \(-0.5\)/.test(e.message));
  assert.throws(() => h().fit([...good, wrongK]), (e: unknown) => e instanceof ShapeError && /sequence 3: activations have 3 rows, expected K = 4/.test(e.message));
  assert.throws(() => h().fit([]), DataError);
  // A source names sequences by id.
  const source = { count: 2, get: (i: number) => (i === 0 ? V[0]! : short), id: (i: number) => `ev${i}` };
  assert.throws(() => h().fit(source, { steps: 50 }), (e: unknown) => e instanceof DataError && /sequence 1 \(id ev1\)/.test(e.message) && (e as DataError).event === "ev1");
  assert.throws(() => h().transform(V[0]!), NotFittedError);
  const fitted = h().fit(V, { steps: 2 });
  assert.throws(() => fitted.transform(short, 12), (e: unknown) => e instanceof DataError && /transform: sequence 12/.test(e.message));
  assert.throws(() => fitted.partialFit([V[0]!, wrongK]), (e: unknown) => e instanceof ShapeError && /partialFit: sequence 1/.test(e.message));
});

test("options are validated once, by name", () => {
  assert.throws(() => new BayesianHmm({ numStates: 0 }), /BayesianHmm option "numStates" must be an integer ≥ 1, got 0/);
  assert.throws(() => new BayesianHmm({ numStates: 3, states: 4 } as never), OptionError);
  assert.throws(() => new BayesianHmm({ gain, nmf: { fitted: { gain } } }), /exclude each other/);
  const unfitted = { get fitted(): { gain: Float64Array } { throw new NotFittedError("BayesianNmf"); } };
  assert.throws(() => new BayesianHmm({ nmf: unfitted }), /must be a fitted BayesianNmf/);
  assert.deepEqual(new BayesianHmm({ nmf: { fitted: { gain } } }).options.gain, gain);
  assert.throws(() => new BayesianHmm({ numStates: 3 }).fit(V), /no gain/);
  assert.throws(() => new BayesianHmm({ numStates: 3, gain }).partialFit([V[0]!]), /option "nEff"/);
  assert.throws(() => new BayesianHmm({ numStates: 3, gain, init: { GB: [[1, 2]] } }).fit(V), (e: unknown) => e instanceof ShapeError && /init.GB/.test(e.message));
});
