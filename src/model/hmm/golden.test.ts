// The HMM engine goldens (golden README metric, rtol 1e-9 with the 1e-12·max|b| floor).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromRows, type Matrix } from "../../core/matrix.js";
import { assertGolden, readGolden } from "../../../test-support/shared.js";
import { BayesianHmm } from "./bayesian-hmm.js";
import { addStatistics, HmmWorkspace, localPass } from "./local-pass.js";
import { fingerprint } from "../fingerprint.js";

const RTOL = 1e-9;
type Rows = number[][];

/**
 * hmm_local.json: S = 4, K = 3, given gain, B1, B2 (and their EB, ElnB), three
 * sequences V (3×25). results[variant][n] hold, for the §3.1 local pass of
 * sequence n (20 repeats, from A = 1, π = 1): A (S×S), Ppi (S), gam (S×M), the
 * statistics of the last repeat Bu1 = Σ_m γ_m U_mᵀ (S×K) and Bu2_sk = Σ_m γ_sm
 * (S×K, repeated over k), and the §3.3 fingerprint. The specufex-python
 * variant (row-j slip in Ã, uniform β) equals the package's transform.
 */
const local = readGolden("hmm_local.json");

for (const variant of ["paisley2018", "specufex-python"] as const) {
  test(`hmm_local (${variant}): forward–backward A, π, γ, statistics Bu1/Bu2 and fingerprints match (rtol 1e-9)`, () => {
    const hmm = BayesianHmm.fromMatrices({ B1: local.B1, B2: local.B2, gain: local.gain, schedule: variant });
    assertGolden(hmm.fitted.EB, local.EB, { rtol: RTOL, label: "EB" });
    assertGolden(hmm.fitted.ElnB, local.ElnB, { rtol: RTOL, label: "ElnB" });
    const results = local.results[variant] as { A: Rows; Ppi: number[]; gam: Rows; Bu1: Rows; Bu2: Rows; fingerprint: Rows }[];
    assert.equal(results.length, 3);
    const S = local.S as number;
    const K = local.K as number;
    const f = hmm.fitted;
    const ws = new HmmWorkspace(S, K);
    for (let n = 0; n < results.length; n++) {
      const r = results[n]!;
      const V = fromRows(local.V[n]);
      const out = hmm.transform(V);
      assertGolden(out.A, r.A, { rtol: RTOL, label: `A[${n}]` });
      assertGolden(out.pi, r.Ppi, { rtol: RTOL, label: `Ppi[${n}]` });
      assertGolden(out.gamma, r.gam, { rtol: RTOL, label: `gam[${n}]` });
      assertGolden(out.fingerprint, r.fingerprint, { rtol: RTOL, label: `fingerprint[${n}]` });
      // The fingerprint function alone, from the golden A and π.
      assertGolden(fingerprint(fromRows(r.A), r.Ppi), r.fingerprint, { rtol: RTOL, label: `fingerprint(golden A, Ppi)[${n}]` });
      // Statistics of the last repeat.
      const Bu1 = new Float64Array(S * K);
      const Bu2 = new Float64Array(S * K);
      localPass(ws, { gain: f.gain, ElnB: f.ElnB.data, EBrowSum: f.EBEnergy }, V, 20, variant === "specufex-python", true, "test", n);
      addStatistics(ws, V.shape[1], Bu1, Bu2);
      assertGolden(Bu1, r.Bu1, { rtol: RTOL, label: `Bu1[${n}]` });
      assertGolden(Bu2, r.Bu2, { rtol: RTOL, label: `Bu2[${n}]` });
    }
  });
}

/** Transforms of every sequence against A, Ppi, gam, fingerprints of a fitted golden. */
function checkTransforms(hmm: BayesianHmm, g: { V: Rows[]; A: Rows[]; Ppi: number[][]; gam: Rows[]; fingerprints: Rows[] }, label: string): void {
  for (let n = 0; n < g.V.length; n++) {
    const out = hmm.transform(fromRows(g.V[n]!));
    assertGolden(out.A, g.A[n]!, { rtol: RTOL, label: `${label} A[${n}]` });
    assertGolden(out.pi, g.Ppi[n]!, { rtol: RTOL, label: `${label} Ppi[${n}]` });
    assertGolden(out.gamma, g.gam[n]!, { rtol: RTOL, label: `${label} gam[${n}]` });
    assertGolden(out.fingerprint, g.fingerprints[n]!, { rtol: RTOL, label: `${label} fingerprints[${n}]` });
  }
}

function checkFinal(hmm: BayesianHmm, final: { B1: Rows; B2: Rows; EB: Rows; ElnB: Rows }, label: string): void {
  const f = hmm.fitted;
  assertGolden(f.B1, final.B1, { rtol: RTOL, label: `${label} B1` });
  assertGolden(f.B2, final.B2, { rtol: RTOL, label: `${label} B2` });
  assertGolden(f.EB, final.EB, { rtol: RTOL, label: `${label} EB` });
  assertGolden(f.ElnB, final.ElnB, { rtol: RTOL, label: `${label} ElnB` });
}

/**
 * hmm_paisley2018.json: the independent numpy implementation, S = 6, K = 3,
 * N = 10 sequences V (3×15), GB (S×K) with B1 = N·1000·GB, B2 = N·1000·0.03;
 * step k (τ = k, from 1) uses the sequences batches[k−1] (drawn with
 * replacement; n in ρ and Ns/n is the batch's length: 11, 8, 7, 5, …).
 * There is no first_steps block. `final` holds B1, B2, EB, ElnB after the
 * 15th step with the states ordered once, at the end, by Σ_k EB_sk
 * descending (the row sums of final.EB are decreasing). A, Ppi, gam,
 * fingerprints are the transforms of all 10 sequences under `final`.
 */
const paisley = readGolden("hmm_paisley2018.json");

test("hmm_paisley2018: fit from GB over the given batches reproduces final B1, B2, EB, ElnB (rtol 1e-9)", () => {
  const hmm = new BayesianHmm({ numStates: paisley.S, gain: paisley.gain, schedule: "paisley2018", nEff: paisley.V.length, init: { GB: paisley.GB } });
  const V: Matrix[] = paisley.V.map((v: Rows) => fromRows(v));
  for (const batch of paisley.batches as number[][]) hmm.partialFit(batch.map((i) => V[i]!));
  hmm.sortStates();
  checkFinal(hmm, paisley.final, "paisley2018");
  assert.equal(hmm.fitted.stepsDone, 15);
});

test("hmm_paisley2018: transforms under final match A, Ppi, gam and fingerprints of all 10 sequences (rtol 1e-9)", () => {
  const hmm = BayesianHmm.fromMatrices({ B1: paisley.final.B1, B2: paisley.final.B2, gain: paisley.gain, schedule: "paisley2018" });
  checkTransforms(hmm, paisley, "paisley2018");
});

/**
 * hmm_specufex_python.json: the Python package's BayesianHMM, Neff = 50,
 * S = 6, K = 12, N = 10 sequences V (12×15), B1 = Neff·1000·GB (GB as given,
 * no +1 added), one package fit call per sequence in `order` (12 calls; τ
 * stays 0, so n = round(1 + 10·0.75⁻¹) = 14 and ρ = (250/66)^−0.51 at every
 * call). No first_steps. `final`: B1, B2, EB, ElnB after the 12th call, states
 * in descending Σ_k EB_sk (the package sorts after every call; the goldens
 * cannot distinguish that from sorting once, see params.ts). A, Ppi, gam,
 * fingerprints: the package's transform of all 10 sequences under `final`.
 */
const python = readGolden("hmm_specufex_python.json");

test("hmm_specufex_python: one fit call per sequence in order reproduces final B1, B2, EB, ElnB (rtol 1e-9)", () => {
  const hmm = new BayesianHmm({ numStates: python.S, gain: python.gain, schedule: "specufex-python", nEff: python.Neff, init: { GB: python.GB } });
  const V: Matrix[] = python.V.map((v: Rows) => fromRows(v));
  for (const i of python.order as number[]) hmm.partialFit([V[i]!]);
  checkFinal(hmm, python.final, "specufex-python");
  assert.equal(hmm.getState().step, 0, "the package's τ stays 0 with one sequence per call");
});

test("hmm_specufex_python: transforms under final match A, Ppi, gam and fingerprints of all 10 sequences (rtol 1e-9)", () => {
  const hmm = BayesianHmm.fromMatrices({ B1: python.final.B1, B2: python.final.B2, gain: python.gain, schedule: "specufex-python" });
  checkTransforms(hmm, python, "specufex-python");
});
