// ALGORITHM.md §2.1–§2.2: one SVI step of the Bayesian nonparametric NMF, in
// the factorised form (P is never formed: two D×K×Mb products per inner iteration).
import { digamma, lnGamma } from "../../core/special.js";
import type { KernelWorkspace, Kernels } from "../../kernels/types.js";
import { nmfInnerIterations } from "../schedules.js";
import { exactContributions, NmfLocalStep, type NmfLocalInputs } from "./local-step.js";

export { exactContributions, Z_MIN } from "./local-step.js";

/**
 * Runs the local repeats of a step (NmfLocalStep.run) on column chunks in parallel.
 * It must leave `full.R`, `full.H1`, `full.lnEH`, `full.eH` exactly as `full.run(inputs, M)`
 * would (every quantity is per column, so any split gives the same numbers) and return
 * the number of marked entries of R.
 */
export interface NmfLocalExecutor {
  /** Minibatches narrower than this run on the calling thread. */
  readonly minColumns: number;
  runLocal(inputs: NmfLocalInputs, full: NmfLocalStep, M: number): number;
}

/** The global variational parameters: W1, W2 (D×K row-major, stride K), A1, A2 (K). Arrays have room for K0 patterns. */
export interface NmfParams {
  readonly D: number;
  readonly K0: number;
  K: number;
  W1: Float64Array;
  W2: Float64Array;
  A1: Float64Array;
  A2: Float64Array;
}

/** Prior hyper-parameters (§2). */
export interface NmfHyper {
  readonly h01: number;
  readonly h02: number;
  readonly w01: number;
  readonly w02: number;
  readonly a01: number;
  readonly a02: number;
}

/** What one step reports (§7 measures are NaN when not requested). */
export interface NmfStepResult {
  readonly K: number;
  readonly dictionaryChange: number;
  readonly logLikelihood: number;
}

/** Workspace and code of the NMF step; one per fit, reused across steps. */
export class NmfStepper {
  readonly D: number;
  readonly K0: number;
  readonly capacity: number;
  readonly kernels: Kernels;
  /** The local buffers for the whole minibatch (X is filled by callers before `step`). */
  readonly local: NmfLocalStep;
  /** Optional parallel runner of the local repeats (Node's helper threads). */
  executor: NmfLocalExecutor | undefined;
  readonly #lnEW: Float64Array;
  readonly #eW: Float64Array;
  readonly #EWprev: Float64Array;
  readonly #Q: Float64Array;
  readonly #WXfix: Float64Array;
  readonly #B: Float64Array;
  readonly #H2: Float64Array;
  readonly #lnH2: Float64Array;
  readonly #EA: Float64Array;
  readonly #lnA: Float64Array;
  readonly #lnA2: Float64Array;
  readonly #keep: Int32Array;
  readonly #params: { W1: Float64Array; W2: Float64Array; A1: Float64Array; A2: Float64Array };

  /** @param capacity the most minibatch columns Mb a step may have. */
  constructor(kernels: Kernels, D: number, K0: number, capacity: number) {
    this.D = D;
    this.K0 = K0;
    this.capacity = capacity;
    const ws: KernelWorkspace = kernels.workspace(NmfLocalStep.size(D, K0, capacity) + 7 * D * K0 + K0 * capacity + 7 * K0);
    this.kernels = ws.kernels;
    this.local = new NmfLocalStep(ws, D, K0, capacity);
    this.#lnEW = ws.take(D * K0);
    this.#eW = ws.take(D * K0);
    this.#EWprev = ws.take(D * K0);
    this.#Q = ws.take(D * K0);
    this.#WXfix = ws.take(D * K0);
    this.#B = ws.take(K0 * capacity);
    this.#H2 = ws.take(K0);
    this.#lnH2 = ws.take(K0);
    this.#EA = ws.take(K0);
    this.#lnA = ws.take(K0);
    this.#lnA2 = ws.take(K0);
    this.#keep = new Int32Array(K0);
    this.#params = { W1: ws.take(D * K0), W2: ws.take(D * K0), A1: ws.take(K0), A2: ws.take(K0) };
  }

  /**
   * Moves the parameters into this stepper's memory (the kernels then use them in place);
   * `p`'s arrays become views of it. Returns `p`.
   */
  adopt(p: NmfParams): NmfParams {
    const own = this.#params;
    if (p.W1 === own.W1) return p;
    const n = p.D * p.K;
    own.W1.set(p.W1.subarray(0, n));
    own.W2.set(p.W2.subarray(0, n));
    own.A1.set(p.A1.subarray(0, p.K));
    own.A2.set(p.A2.subarray(0, p.K));
    p.W1 = own.W1;
    p.W2 = own.W2;
    p.A1 = own.A1;
    p.A2 = own.A2;
    return p;
  }

  /** The minibatch X (D×Mb, row-major with stride Mb); callers fill it before `step`. */
  get X(): Float64Array {
    return this.local.X;
  }

  /**
   * One step on the minibatch in `this.X` (D×Mb) at temperature T and step size ρ,
   * with s = nEff/Mb; updates `p` in place and prunes patterns with A1/A2 < 1e−3.
   * @param lnGammaSum Σ_dm lnΓ(X_dm + 1) of the minibatch (for the log-likelihood), or NaN to compute it.
   */
  step(p: NmfParams, hy: NmfHyper, Mb: number, T: number, rho: number, nEff: number, measures: boolean, lnGammaSum = NaN): NmfStepResult {
    const { D, kernels } = this;
    const K = p.K;
    const { W1, W2, A1, A2 } = this.adopt(p);
    const lnEW = this.#lnEW;
    const eW = this.#eW;
    const EWprev = this.#EWprev;
    const H2 = this.#H2;
    const lnH2 = this.#lnH2;
    const EA = this.#EA;
    const lnA = this.#lnA;
    const lnA2 = this.#lnA2;
    const DK = D * K;
    const invT = 1 / T;

    // Expectations at the start of the step.
    for (let k = 0; k < K; k++) {
      EA[k] = A1[k]! / A2[k]!;
      lnA[k] = digamma(A1[k]!);
      lnA2[k] = Math.log(A2[k]!);
      H2[k] = 0;
    }
    for (let i = 0; i < DK; i++) EWprev[i] = W1[i]! / W2[i]!;
    for (let d = 0; d < D; d++) {
      const o = d * K;
      for (let k = 0; k < K; k++) H2[k] = H2[k]! + EWprev[o + k]! * EA[k]!;
    }
    for (let k = 0; k < K; k++) {
      H2[k] = (hy.h02 + H2[k]!) / T;
      lnH2[k] = Math.log(H2[k]!);
    }
    // L = ψ(W1) − ln W2 + ψ(A1) − ln A2, max over k subtracted; lnEW = L/T, eW = exp(lnEW).
    kernels.logWeightsExp(D, K, W1, W2, lnA, lnA2, invT, lnEW, eW);

    // Local step (all columns, or column chunks on helper threads), then the final P as R.
    const local = this.local;
    const inputs: NmfLocalInputs = { D, K, T, h01: hy.h01, iterations: nmfInnerIterations(T), lnEW, eW, lnH2 };
    const ex = this.executor;
    const marked = ex && Mb >= ex.minColumns ? ex.runLocal(inputs, local, Mb) : local.run(inputs, Mb);
    const H1 = local.H1;
    const S = this.#B; // K-vector scratch below
    // Statistics Σ_m X P (D×K) = eW ⊙ (R·E_Hᵀ), plus exact terms of underflowed entries.
    const WXfix = this.#WXfix;
    if (marked > 0) {
      WXfix.fill(0, 0, DK);
      exactContributions(D, K, Mb, local.X, local.R, lnEW, local.lnEH, WXfix, false);
    }
    const Q = this.#Q;
    kernels.gemmABt(D, K, Mb, local.R, local.eH, Q);
    kernels.affineProduct(DK, eW, Q, marked > 0 ? WXfix : null, 0, 0, 1, Q);

    // Log-likelihood (§7) under the step's starting expectations: Λ = EW·diag(EA)·(H1/H2).
    let logLikelihood = NaN;
    if (measures) logLikelihood = this.#logLikelihood(K, Mb, lnGammaSum);

    // Global update (§2.1), with s = nEff/Mb.
    const s = nEff / Mb;
    const keep = this.#keep;
    // Σ_m (H1_km/H2_k)·EA_k and Σ_m H1_km/H2_k
    for (let k = 0; k < K; k++) {
      const o = k * Mb;
      const h2 = H2[k]!;
      let sumEH = 0;
      for (let m = 0; m < Mb; m++) sumEH += H1[o + m]! / h2;
      S[k] = sumEH; // reuse S[0..K) as Σ_m EH_km
      lnH2[k] = hy.w02 + s * (sumEH * EA[k]!); // reuse lnH2 as W2u_k
      EA[k] = 0; // reuse EA as Σ_d XP (A1 statistic)
      lnA[k] = 0; // reuse lnA as Σ_d W1/W2 after the update
    }
    const oneMinusRho = 1 - rho;
    for (let d = 0; d < D; d++) {
      const o = d * K;
      for (let k = 0; k < K; k++) {
        const wx = Q[o + k]!;
        EA[k] = EA[k]! + wx;
        const w1u = hy.w01 + s * wx;
        const w1 = oneMinusRho * W1[o + k]! + rho * (1 + (w1u - 1) * invT);
        const w2 = oneMinusRho * W2[o + k]! + rho * lnH2[k]! * invT;
        W1[o + k] = w1;
        W2[o + k] = w2;
        lnA[k] = lnA[k]! + w1 / w2;
      }
    }
    let kept = 0;
    for (let k = 0; k < K; k++) {
      const a1u = hy.a01 + s * EA[k]!;
      const a2u = hy.a02 + s * lnA[k]! * S[k]!;
      const a1 = oneMinusRho * A1[k]! + rho * (1 + (a1u - 1) * invT);
      const a2 = oneMinusRho * A2[k]! + rho * a2u * invT;
      A1[k] = a1;
      A2[k] = a2;
      // §2.1: prune every k with A1/A2 < 1e−3.
      if (!(a1 / a2 < 1e-3)) keep[kept++] = k;
    }

    // Dictionary change over the patterns kept (present at both steps).
    let dictionaryChange = NaN;
    if (measures) {
      let num = 0;
      let den = 0;
      for (let d = 0; d < D; d++) {
        const o = d * K;
        for (let j = 0; j < kept; j++) {
          const k = keep[j]!;
          const prev = EWprev[o + k]!;
          const diff = W1[o + k]! / W2[o + k]! - prev;
          num += diff * diff;
          den += prev * prev;
        }
      }
      dictionaryChange = Math.sqrt(num) / Math.sqrt(den);
    }
    if (kept < K) compactColumns(p, keep, kept);
    return { K: p.K, dictionaryChange, logLikelihood };
  }

  /** (1/(D·Mb)) Σ_dm [X ln Λ − Λ − lnΓ(X+1)], Λ = EWprev·diag(EA0)·EH, formed factor by factor. */
  #logLikelihood(K: number, Mb: number, lnGammaSum: number): number {
    const { D } = this;
    const X = this.local.X;
    const B = this.#B;
    const H1 = this.local.H1;
    const H2 = this.#H2;
    const EA = this.#EA;
    for (let k = 0; k < K; k++) {
      const o = k * Mb;
      const f = EA[k]! / H2[k]!;
      for (let m = 0; m < Mb; m++) B[o + m] = f * H1[o + m]!;
    }
    const Lambda = this.local.R; // R is no longer needed this step
    this.kernels.gemmAB(D, Mb, K, this.#EWprev, B, Lambda);
    const n = D * Mb;
    let sum = this.kernels.poissonLogSum(n, X, Lambda);
    if (Number.isNaN(sum)) {
      // Some Λ underflowed where X > 0: sum exactly (x·ln 0 = −∞ is the honest answer).
      sum = 0;
      for (let i = 0; i < n; i++) {
        const x = X[i]!;
        sum -= Lambda[i]!;
        if (x !== 0) sum += x * Math.log(Lambda[i]!);
      }
    }
    const needLg = Number.isNaN(lnGammaSum);
    let lg = 0;
    if (needLg) for (let i = 0; i < n; i++) if (X[i]! !== 0) lg += lnGamma(X[i]! + 1);
    return (sum - (needLg ? lg : lnGammaSum)) / n;
  }
}

/** Σ_dm lnΓ(X_dm + 1) of a D×M spectrogram (lnΓ(1) = 0 for zeros). */
export function lnGammaSumOf(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== 0) s += lnGamma(v + 1);
  }
  return s;
}

/** Keeps the listed columns (ascending) of W1, W2 and entries of A1, A2, in place. */
export function compactColumns(p: NmfParams, keep: Int32Array, kept: number): void {
  const { D, K, W1, W2, A1, A2 } = p;
  for (let d = 0; d < D; d++) {
    const src = d * K;
    const dst = d * kept;
    for (let j = 0; j < kept; j++) {
      W1[dst + j] = W1[src + keep[j]!]!;
      W2[dst + j] = W2[src + keep[j]!]!;
    }
  }
  for (let j = 0; j < kept; j++) {
    A1[j] = A1[keep[j]!]!;
    A2[j] = A2[keep[j]!]!;
  }
  p.K = kept;
}
