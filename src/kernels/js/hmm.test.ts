// HMM kernels against naive loops written from ALGORITHM.md §3.1 (the package's
// order of operations) and, for underflow, against a log-domain reference.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../core/rng.js";
import { digamma } from "../../core/special.js";
import { assertGolden } from "../../../test-support/shared.js";
import { hmmEmission, hmmLocalPass, hmmLocalWorkSize, hmmStatistics } from "./hmm.js";

/** Naive §3.1 local pass on state-major Pr (S×M), exactly the package's loop. */
function naiveLocal(S: number, M: number, J: number, isPython: boolean, Pr: Float64Array) {
  const tauPpi = 0.01 / S, tauA = 0.1 / S;
  let A = new Float64Array(S * S).fill(1);
  let Ppi = new Float64Array(S).fill(1);
  const gam = new Float64Array(S * M);
  let logLik = 0;
  for (let ite = 0; ite < J; ite++) {
    const rowPsi = Array.from({ length: S }, (_, i) => digamma(A.subarray(i * S, (i + 1) * S).reduce((a, b) => a + b, 0)));
    const eA = new Float64Array(S * S);
    for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) eA[i * S + j] = Math.exp(digamma(A[i * S + j]!) - rowPsi[isPython ? j : i]!);
    const psum = digamma(Ppi.reduce((a, b) => a + b, 0));
    const ePi = Ppi.map((p) => Math.exp(digamma(p) - psum));
    const al = new Float64Array(S * M), be = new Float64Array(S * M);
    let c0 = 0;
    for (let s = 0; s < S; s++) c0 += (al[s * M] = ePi[s]! * Pr[s * M]!);
    logLik = 0; // α_0 stays unnormalised (as the package): c_1 carries its mass
    for (let m = 1; m < M; m++) {
      let c = 0;
      for (let j = 0; j < S; j++) {
        let f = 0;
        for (let i = 0; i < S; i++) f += eA[i * S + j]! * al[i * M + m - 1]!;
        c += (al[j * M + m] = f * Pr[j * M + m]!);
      }
      for (let j = 0; j < S; j++) al[j * M + m]! /= c;
      logLik += Math.log(c);
    }
    for (let s = 0; s < S; s++) be[s * M + M - 1] = 1;
    for (let m = M - 2; m >= 0; m--) {
      if (isPython) {
        let t = 0;
        for (let s = 0; s < S; s++) t += be[s * M + m + 1]!;
        for (let s = 0; s < S; s++) be[s * M + m] = be[s * M + m + 1]! / t;
      } else {
        let c = 0;
        for (let i = 0; i < S; i++) {
          let v = 0;
          for (let j = 0; j < S; j++) v += eA[i * S + j]! * be[j * M + m + 1]! * Pr[j * M + m + 1]!;
          c += (be[i * M + m] = v);
        }
        for (let i = 0; i < S; i++) be[i * M + m]! /= c;
      }
    }
    for (let m = 0; m < M; m++) {
      let c = 0;
      for (let s = 0; s < S; s++) c += (gam[s * M + m] = al[s * M + m]! * be[s * M + m]!);
      for (let s = 0; s < S; s++) gam[s * M + m]! /= c;
    }
    Ppi = Float64Array.from({ length: S }, (_, s) => tauPpi + gam[s * M]!);
    A = new Float64Array(S * S).fill(tauA);
    for (let m = 1; m < M; m++) {
      const mat = new Float64Array(S * S);
      let t = 0;
      for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) t += (mat[i * S + j] = eA[i * S + j]! * al[i * M + m - 1]! * be[j * M + m]! * Pr[j * M + m]!);
      for (let k = 0; k < S * S; k++) A[k] = A[k]! + mat[k]! / t;
    }
  }
  return { A, Ppi, gam, logLik };
}

/** Random emissions: lnPr spread over `spread` nats, column max 0; state-major and time-major copies. */
function emissions(S: number, M: number, rng: Rng, spread: number) {
  const lnPr = new Float64Array(S * M), Pr = new Float64Array(S * M), lnPrT = new Float64Array(M * S), PrT = new Float64Array(M * S);
  for (let m = 0; m < M; m++) {
    const hot = rng.integer(S);
    for (let s = 0; s < S; s++) {
      const v = s === hot ? 0 : -spread * rng.random();
      lnPr[s * M + m] = v; lnPrT[m * S + s] = v;
      Pr[s * M + m] = Math.exp(v); PrT[m * S + s] = Math.exp(v);
    }
  }
  return { lnPr, Pr, lnPrT, PrT };
}

function runKernel(S: number, M: number, J: number, isPython: boolean, e: ReturnType<typeof emissions>, tiny?: number) {
  const A = new Float64Array(S * S), Ppi = new Float64Array(S), gamT = new Float64Array(M * S);
  const work = new Float64Array(hmmLocalWorkSize(S, M));
  const lnc = hmmLocalPass(S, M, J, isPython, true, 0.01 / S, 0.1 / S, e.PrT, e.lnPrT, A, Ppi, gamT, work, tiny);
  const gam = new Float64Array(S * M);
  for (let m = 0; m < M; m++) for (let s = 0; s < S; s++) gam[s * M + m] = gamT[m * S + s]!;
  return { A, Ppi, gam, logLik: lnc, gamT, work };
}

for (const isPython of [false, true]) {
  const name = isPython ? "specufex-python" : "paisley2018";
  test(`hmmLocalPass (${name}) equals the naive package loop on random emissions (rtol 1e-11)`, () => {
    const rng = new Rng(11);
    for (const [S, M, spread] of [[4, 25, 5], [7, 40, 30], [15, 62, 200], [3, 2, 1]] as const) {
      const e = emissions(S, M, rng, spread);
      const got = runKernel(S, M, 20, isPython, e);
      const ref = naiveLocal(S, M, 20, isPython, e.Pr);
      assertGolden(got.A, ref.A, { rtol: 1e-11, label: `A S=${S}` });
      assertGolden(got.Ppi, ref.Ppi, { rtol: 1e-11, label: `Ppi S=${S}` });
      assertGolden(got.gam, ref.gam, { rtol: 1e-11, label: `gam S=${S}` });
      assert.ok(Math.abs(got.logLik - ref.logLik) <= 1e-11 * Math.abs(ref.logLik) + 1e-13, `logLik S=${S}: ${got.logLik} vs ${ref.logLik}`);
    }
  });

  test(`hmmLocalPass (${name}) without needA gives the same γ and π (the fit path)`, () => {
    const rng = new Rng(5);
    const S = 6, M = 30;
    const e = emissions(S, M, rng, 50);
    const full = runKernel(S, M, 20, isPython, e);
    const A = new Float64Array(S * S), Ppi = new Float64Array(S), gamT = new Float64Array(M * S);
    const lnc = hmmLocalPass(S, M, 20, isPython, false, 0.01 / S, 0.1 / S, e.PrT, e.lnPrT, A, Ppi, gamT, new Float64Array(hmmLocalWorkSize(S, M)));
    assert.deepEqual(gamT, full.gamT);
    assert.deepEqual(Ppi, full.Ppi);
    assert.equal(lnc, full.logLik);
  });
}

test("the log-domain (underflow) path of hmmLocalPass, forced on every column, equals the naive loop (rtol 1e-10)", () => {
  const rng = new Rng(21);
  for (const isPython of [false, true]) {
    for (const [S, M, spread] of [[4, 25, 5], [6, 30, 40]] as const) {
      const e = emissions(S, M, rng, spread);
      const got = runKernel(S, M, 20, isPython, e, Infinity);
      const ref = naiveLocal(S, M, 20, isPython, e.Pr);
      const label = `${isPython ? "python" : "paisley"} S=${S}`;
      assertGolden(got.A, ref.A, { rtol: 1e-10, label: `A ${label}` });
      assertGolden(got.Ppi, ref.Ppi, { rtol: 1e-10, label: `Ppi ${label}` });
      assertGolden(got.gam, ref.gam, { rtol: 1e-10, label: `gam ${label}` });
      assert.ok(Math.abs(got.logLik - ref.logLik) <= 1e-10 * Math.abs(ref.logLik), `logLik ${label}: ${got.logLik} vs ${ref.logLik}`);
    }
  }
});

/** Log-domain reference of one local pass (paisley2018 or python), for inputs where the linear recursions underflow. */
function logDomainLocal(S: number, M: number, J: number, isPython: boolean, lnPr: Float64Array) {
  const lse = (xs: number[]) => { const mx = Math.max(...xs); return mx === -Infinity ? -Infinity : mx + Math.log(xs.reduce((a, x) => a + Math.exp(x - mx), 0)); };
  let A = new Float64Array(S * S).fill(1);
  let Ppi = new Float64Array(S).fill(1);
  let gam = new Float64Array(S * M);
  for (let ite = 0; ite < J; ite++) {
    const rowPsi = Array.from({ length: S }, (_, i) => digamma(A.subarray(i * S, (i + 1) * S).reduce((a, b) => a + b, 0)));
    const lA = (i: number, j: number) => digamma(A[i * S + j]!) - rowPsi[isPython ? j : i]!;
    const ps = digamma(Ppi.reduce((a, b) => a + b, 0));
    const la: number[][] = [], lb: number[][] = [];
    la[0] = Array.from({ length: S }, (_, s) => digamma(Ppi[s]!) - ps + lnPr[s * M]!);
    for (let m = 1; m < M; m++) la[m] = Array.from({ length: S }, (_, j) => lse(Array.from({ length: S }, (_, i) => lA(i, j) + la[m - 1]![i]!)) + lnPr[j * M + m]!);
    lb[M - 1] = new Array(S).fill(0);
    for (let m = M - 2; m >= 0; m--) {
      lb[m] = isPython ? new Array(S).fill(0) : Array.from({ length: S }, (_, i) => lse(Array.from({ length: S }, (_, j) => lA(i, j) + lb[m + 1]![j]! + lnPr[j * M + m + 1]!)));
    }
    gam = new Float64Array(S * M);
    for (let m = 0; m < M; m++) {
      const g = Array.from({ length: S }, (_, s) => la[m]![s]! + lb[m]![s]!);
      const z = lse(g);
      for (let s = 0; s < S; s++) gam[s * M + m] = Math.exp(g[s]! - z);
    }
    Ppi = Float64Array.from({ length: S }, (_, s) => 0.01 / S + gam[s * M]!);
    const nA = new Float64Array(S * S).fill(0.1 / S);
    for (let m = 1; m < M; m++) {
      const t: number[] = [];
      for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) t.push(lA(i, j) + la[m - 1]![i]! + lb[m]![j]! + lnPr[j * M + m]!);
      const z = lse(t);
      for (let k = 0; k < S * S; k++) nA[k] = nA[k]! + Math.exp(t[k]! - z);
    }
    A = nA;
  }
  return { A, Ppi, gam };
}

test("hmmLocalPass gives no NaN when exp(ψ) factors and emissions underflow (S = 80, lnPr gaps of 1e4), and matches a log-domain reference", () => {
  // With S = 80, exp(ψ(τπ) − ψ(Σπ)) and exp(ψ(τA) − ψ(ΣA)) underflow to exactly 0,
  // and one-hot emissions (other states up to 1e4 nats below) put exact zeros in Pr.
  const rng = new Rng(3);
  for (const isPython of [false, true]) {
    const S = 80, M = 12;
    const e = emissions(S, M, rng, 1e4);
    const got = runKernel(S, M, 6, isPython, e);
    for (const x of [...got.A, ...got.Ppi, ...got.gam]) assert.ok(Number.isFinite(x), "finite");
    assert.ok(Number.isFinite(got.logLik));
    const ref = logDomainLocal(S, M, 6, isPython, e.lnPr);
    assertGolden(got.gam, ref.gam, { rtol: 1e-9, label: `gam (${isPython ? "python" : "paisley"})` });
    assertGolden(got.A, ref.A, { rtol: 1e-9, label: `A (${isPython ? "python" : "paisley"})` });
    assertGolden(got.Ppi, ref.Ppi, { rtol: 1e-9, label: "Ppi" });
  }
});

test("hmmEmission equals Σ_k ElnB_sk U_km − Σ_k EB_sk shifted by column maxima, and flags overflow", () => {
  const rng = new Rng(9);
  const S = 5, K = 7, M = 11;
  const ElnB = Float64Array.from({ length: S * K }, () => rng.normal() * 3);
  const EBs = Float64Array.from({ length: S }, () => 10 * rng.random());
  const U = Float64Array.from({ length: K * M }, () => 50 * rng.random());
  const lnPrT = new Float64Array(M * S), PrT = new Float64Array(M * S), cm = new Float64Array(M);
  assert.equal(hmmEmission(S, K, M, ElnB, EBs, U, lnPrT, PrT, cm), true);
  for (let m = 0; m < M; m++) {
    const raw = Array.from({ length: S }, (_, s) => { let v = 0; for (let k = 0; k < K; k++) v += ElnB[s * K + k]! * U[k * M + m]!; return v - EBs[s]!; });
    const mx = Math.max(...raw);
    assert.ok(Math.abs(cm[m]! - mx) <= 1e-12 * Math.abs(mx));
    for (let s = 0; s < S; s++) {
      assert.ok(Math.abs(lnPrT[m * S + s]! - (raw[s]! - mx)) <= 1e-12 * Math.abs(mx) + 1e-12);
      // Pr = exp(lnPr), flushed to 0 below 1e-75 (subnormal products are slow; far below any output's rounding).
      const l = lnPrT[m * S + s]!;
      assert.equal(PrT[m * S + s], l < Math.log(1e-75) ? 0 : Math.exp(l));
    }
  }
  U[3] = 1e308; // k = 0, m = 3
  ElnB[0] = 5; // 5e308 overflows
  assert.equal(hmmEmission(S, K, M, ElnB, EBs, U, lnPrT, PrT, cm), false);
});

test("hmmStatistics adds Σ_m γ_sm U_km and Σ_m γ_sm to its outputs", () => {
  const rng = new Rng(4);
  const S = 4, K = 3, M = 9;
  const gamT = Float64Array.from({ length: M * S }, () => rng.random());
  const U = Float64Array.from({ length: K * M }, () => rng.random() * 10);
  const Bu1 = new Float64Array(S * K).fill(1), Bu2 = new Float64Array(S * K).fill(2);
  hmmStatistics(S, K, M, gamT, U, Bu1, Bu2, new Float64Array(S));
  for (let s = 0; s < S; s++) for (let k = 0; k < K; k++) {
    let a = 0, b = 0;
    for (let m = 0; m < M; m++) { a += gamT[m * S + s]! * U[k * M + m]!; b += gamT[m * S + s]!; }
    assert.ok(Math.abs(Bu1[s * K + k]! - (1 + a)) <= 1e-13 * (1 + a));
    assert.ok(Math.abs(Bu2[s * K + k]! - (2 + b)) <= 1e-13 * (2 + b));
  }
});

test("hmmLocalPass gives the same bits with a fresh workspace and with one reused across calls, lengths and state counts", () => {
  const run = (S: number, M: number, seed: number, work: Float64Array) => {
    const rng = new Rng(seed);
    const PrT = new Float64Array(M * S), lnPrT = new Float64Array(M * S);
    for (let i = 0; i < M * S; i++) { lnPrT[i] = -40 * rng.random(); PrT[i] = Math.exp(lnPrT[i]!); }
    const A = new Float64Array(S * S), Ppi = new Float64Array(S), gamT = new Float64Array(M * S);
    const l = hmmLocalPass(S, M, 20, seed % 2 === 0, true, 0.01 / S, 0.1 / S, PrT, lnPrT, A, Ppi, gamT, work);
    return [l, ...A, ...Ppi, ...gamT];
  };
  const shared = new Float64Array(hmmLocalWorkSize(16, 40));
  for (const [S, M, seed] of [[6, 30, 1], [4, 40, 2], [6, 12, 3], [16, 25, 4], [6, 30, 1]] as const) {
    assert.deepEqual(run(S, M, seed, shared), run(S, M, seed, new Float64Array(hmmLocalWorkSize(S, M))), `S=${S} M=${M}`);
  }
});
