// Hot loops of the Bayesian HMM (ALGORITHM.md §3.1): the J repeats of
// forward–backward with the A/π accumulation (emission likelihoods and
// statistics: hmm-stats.ts). Plain functions that fill preallocated outputs.
//
// Internal layout is time-major (M×S, element (m, s) at m·S + s) so that the
// forward and backward recursions read contiguous state vectors.
import { hmmLocalWorkSize, hmmPrepare, hmmResetCache, hmmSameInputs, hmmWorkLayout, type HmmWorkLayout } from "./hmm-prepare.js";
import { fingerprintWorkSize, hmmFingerprint } from "./hmm-fingerprint.js";
import { accumulateLog, HMM_FLUSH as FLUSH, HMM_TINY as TINY, normalizeLog } from "./hmm-log.js";
import { hmmEmission } from "./hmm-stats.js";
export { hmmEmission, hmmEmissionExp, hmmStatistics } from "./hmm-stats.js";
export { HMM_FLUSH, HMM_TINY } from "./hmm-log.js";
export { hmmLayoutOffsets, hmmLocalWorkSize, hmmPrepare, hmmResetCache, hmmSameInputs, hmmWorkLayout, type HmmWorkLayout } from "./hmm-prepare.js";

/** How a sweep forms A: 0 the fast product (repeats before the last), 1 the package's exact order (last repeat of a transform), 2 not at all (last repeat of a fit). */
export type HmmAMode = 0 | 1 | 2;

/**
 * The rest of one repeat after hmmPrepare: forward, backward, γ and the new A
 * (ALGORITHM.md §3.1; variants of §4). Columns whose normaliser falls below
 * `tiny` are recomputed in the log domain, so underflow never gives NaN.
 *
 * With mode 1, A is accumulated exactly as the package does, `A = τA; A += mat_m`
 * for m = 1…M−1 in order, each entry rounded after every addition: the
 * fingerprint subtracts τA again (§3.3), so entries with tiny contributions
 * depend on this rounding order. Mode 0 forms A = τA + Ã ⊙ Σ_m α_{m−1} W_mᵀ as
 * one small product (same value up to roundoff; earlier repeats only feed ψ(A)).
 *
 * @returns Σ_m ln c_m of the forward pass when wantLogLik (c_m the normaliser of α_m), else 0.
 */
export function hmmSweep(
  S: number, M: number, isPython: boolean, mode: HmmAMode, tauA: number,
  PrT: Float64Array, lnPrT: Float64Array, A: Float64Array, gamT: Float64Array,
  work: Float64Array, lay: HmmWorkLayout, tiny: number, wantLogLik: boolean,
): number {
  const SS = S * S;
  const MS = M * S;
  const alpha = work.subarray(lay.alpha, lay.alpha + MS);
  const beta = work.subarray(lay.beta, lay.beta + MS);
  const F = work.subarray(lay.F, lay.F + MS); // F_m = Ãᵀ α_{m−1}
  const W = work.subarray(lay.W, lay.W + MS); // W_mj = β_mj Pr_mj / Σ mat_m
  const aT = work.subarray(lay.aT, lay.aT + MS);
  const wT = work.subarray(lay.wT, lay.wT + MS);
  const eA = work.subarray(lay.eA, lay.eA + SS);
  const eAT = work.subarray(lay.eAT, lay.eAT + SS);
  const lnEA = work.subarray(lay.lnEA, lay.lnEA + SS);
  const extra = work.subarray(lay.extra, lay.extra + SS); // log-domain A increments of underflowed steps
  const scratch = work.subarray(lay.scratch, lay.scratch + SS);
  const ePi = work.subarray(lay.ePi, lay.ePi + S);
  const ws = work.subarray(lay.ws, lay.ws + S);
  const lnPi = work.subarray(lay.lnPi, lay.lnPi + S);
  const under = work.subarray(lay.under, lay.under + M); // 1 where step m's A increment underflowed
  const L = M - 1;
  let logLik = 0;

  // Forward: α_0 = normalize(π̃ ⊙ Pr_0), α_m = normalize((Ãᵀ α_{m−1}) ⊙ Pr_m).
  let c = 0;
  for (let s = 0; s < S; s++) {
    const v = ePi[s]! * PrT[s]!;
    alpha[s] = v;
    c += v;
  }
  if (c >= tiny) {
    const r = 1 / c;
    for (let s = 0; s < S; s++) { const v = alpha[s]! * r; alpha[s] = v < FLUSH ? 0 : v; }
    if (wantLogLik) logLik = Math.log(c);
  } else {
    for (let s = 0; s < S; s++) scratch[s] = lnPi[s]! + lnPrT[s]!;
    const l = normalizeLog(S, scratch, alpha, 0);
    if (wantLogLik) logLik = l;
  }
  for (let m = 1; m < M; m++) {
    const o = m * S;
    const p = o - S;
    // F_m = Ãᵀ α_{m−1}: four rows of Ãᵀ at a time (independent accumulators), i in order.
    let j = 0;
    for (; j + 3 < S; j += 4) {
      const t0 = j * S, t1 = t0 + S, t2 = t1 + S, t3 = t2 + S;
      let f0 = 0, f1 = 0, f2 = 0, f3 = 0;
      for (let i = 0; i < S; i++) {
        const a = alpha[p + i]!;
        if (a === 0) continue; // adds exactly 0
        f0 += eAT[t0 + i]! * a;
        f1 += eAT[t1 + i]! * a;
        f2 += eAT[t2 + i]! * a;
        f3 += eAT[t3 + i]! * a;
      }
      F[o + j] = f0; F[o + j + 1] = f1; F[o + j + 2] = f2; F[o + j + 3] = f3;
    }
    for (; j < S; j++) {
      const t = j * S;
      let f = 0;
      for (let i = 0; i < S; i++) {
        const a = alpha[p + i]!;
        if (a !== 0) f += eAT[t + i]! * a;
      }
      F[o + j] = f;
    }
    c = 0;
    for (let j = 0; j < S; j++) {
      const v = F[o + j]! * PrT[o + j]!;
      alpha[o + j] = v;
      c += v;
    }
    if (c >= tiny) {
      const r = 1 / c;
      for (let j = 0; j < S; j++) { const v = alpha[o + j]! * r; alpha[o + j] = v < FLUSH ? 0 : v; }
      if (wantLogLik) logLik += Math.log(c);
    } else {
      // ln α_mj = logsumexp_i(lnÃ_ij + ln α_{m−1,i}) + lnPr_mj.
      for (let j = 0; j < S; j++) {
        let mx = -Infinity;
        for (let i = 0; i < S; i++) {
          const v = lnEA[i * S + j]! + Math.log(alpha[p + i]!);
          if (v > mx) mx = v;
        }
        let sum = 0;
        if (mx > -Infinity) for (let i = 0; i < S; i++) sum += Math.exp(lnEA[i * S + j]! + Math.log(alpha[p + i]!) - mx);
        scratch[j] = mx + Math.log(sum) + lnPrT[o + j]!;
      }
      const l = normalizeLog(S, scratch, alpha, o);
      if (wantLogLik) logLik += l;
    }
  }

  // Backward.
  const oLast = L * S;
  for (let s = 0; s < S; s++) beta[oLast + s] = 1;
  if (isPython) {
    // specufex-python: β_m = normalize(β_{m+1}) (the package overwrites the recursion).
    for (let m = M - 2; m >= 0; m--) {
      const o = m * S;
      let t = 0;
      for (let s = 0; s < S; s++) t += beta[o + S + s]!;
      for (let s = 0; s < S; s++) beta[o + s] = beta[o + S + s]! / t;
    }
  } else {
    for (let m = M - 2; m >= 0; m--) {
      const o = m * S;
      const q = o + S;
      for (let j = 0; j < S; j++) ws[j] = beta[q + j]! * PrT[q + j]!;
      c = 0;
      for (let i = 0; i < S; i++) {
        const r = i * S;
        let v = 0;
        for (let j = 0; j < S; j++) {
          const w = ws[j]!;
          if (w !== 0) v += eA[r + j]! * w;
        }
        beta[o + i] = v;
        c += v;
      }
      if (c >= tiny) {
        const r = 1 / c;
        for (let i = 0; i < S; i++) { const v = beta[o + i]! * r; beta[o + i] = v < FLUSH ? 0 : v; }
      } else {
        for (let i = 0; i < S; i++) {
          const r = i * S;
          let mx = -Infinity;
          for (let j = 0; j < S; j++) {
            const v = lnEA[r + j]! + Math.log(beta[q + j]!) + lnPrT[q + j]!;
            if (v > mx) mx = v;
          }
          let sum = 0;
          if (mx > -Infinity) for (let j = 0; j < S; j++) sum += Math.exp(lnEA[r + j]! + Math.log(beta[q + j]!) + lnPrT[q + j]! - mx);
          scratch[i] = mx + Math.log(sum);
        }
        normalizeLog(S, scratch, beta, o);
      }
    }
  }

  // γ_m = normalize(α_m ⊙ β_m).
  for (let m = 0; m < M; m++) {
    const o = m * S;
    c = 0;
    for (let s = 0; s < S; s++) {
      const v = alpha[o + s]! * beta[o + s]!;
      gamT[o + s] = v;
      c += v;
    }
    if (c >= tiny) {
      const r = 1 / c;
      for (let s = 0; s < S; s++) { const v = gamT[o + s]! * r; gamT[o + s] = v < FLUSH ? 0 : v; }
    } else {
      for (let s = 0; s < S; s++) scratch[s] = Math.log(alpha[o + s]!) + Math.log(beta[o + s]!);
      if (normalizeLog(S, scratch, gamT, o) === -Infinity) {
        // α and β have disjoint supports after underflow: keep the filtered posterior.
        for (let s = 0; s < S; s++) gamT[o + s] = alpha[o + s]!;
      }
    }
  }
  if (mode === 2) return logLik;

  // A = τA + Σ_{m=1..M−1} normalize_all(Ã ⊙ α_{m−1} (β_m ⊙ Pr_m)ᵀ).
  // W_m = (β_m ⊙ Pr_m)/Σmat_m with Σmat_m = Σ_ij Ã_ij α_{m−1,i} w_j = Σ_j F_mj w_j.
  let anyUnder = false;
  for (let m = 1; m < M; m++) {
    const o = m * S;
    let sum = 0;
    for (let j = 0; j < S; j++) {
      const w = beta[o + j]! * PrT[o + j]!;
      W[o + j] = w;
      sum += F[o + j]! * w;
    }
    if (sum >= tiny) {
      under[m] = 0;
      const r = 1 / sum;
      for (let j = 0; j < S; j++) W[o + j] = W[o + j]! * r;
    } else {
      under[m] = 1;
      anyUnder = true;
      for (let j = 0; j < S; j++) W[o + j] = 0;
    }
  }
  if (mode === 1 && anyUnder) {
    // Rare: keep the package's order exactly, m by m, with log-domain steps.
    for (let i = 0; i < SS; i++) A[i] = tauA;
    for (let m = 1; m < M; m++) {
      const o = m * S;
      const p = o - S;
      if (under[m] === 1) {
        for (let i = 0; i < SS; i++) extra[i] = 0;
        accumulateLog(S, lnEA, alpha, p, beta, lnPrT, o, scratch, extra);
        for (let i = 0; i < SS; i++) A[i] = A[i]! + extra[i]!;
        continue;
      }
      for (let i = 0; i < S; i++) {
        const ai = alpha[p + i]!;
        const r = i * S;
        for (let j = 0; j < S; j++) A[r + j] = A[r + j]! + eA[r + j]! * (ai * W[o + j]!);
      }
    }
    return logLik;
  }
  if (mode === 1) {
    // Transposes for contiguous sums over m: aT_i,m = α_{m,i}, wT_j,m = W_{m+1,j} (m < M−1).
    for (let m = 0; m < L; m++) {
      const o = m * S;
      for (let i = 0; i < S; i++) {
        aT[i * L + m] = alpha[o + i]!;
        wT[i * L + m] = W[o + S + i]!;
      }
    }
    // Exact order: each entry starts at τA and adds its M−1 increments one by one
    // (four entries interleaved, each with its own rounding sequence).
    for (let i = 0; i < S; i++) {
      const ai = i * L;
      const r = i * S;
      let j = 0;
      for (; j + 3 < S; j += 4) {
        const w0 = j * L, w1 = w0 + L, w2 = w1 + L, w3 = w2 + L;
        const e0 = eA[r + j]!, e1 = eA[r + j + 1]!, e2 = eA[r + j + 2]!, e3 = eA[r + j + 3]!;
        let a0 = tauA, a1 = tauA, a2 = tauA, a3 = tauA;
        for (let m = 0; m < L; m++) {
          const a = aT[ai + m]!;
          if (a === 0) continue;
          a0 += e0 * (a * wT[w0 + m]!);
          a1 += e1 * (a * wT[w1 + m]!);
          a2 += e2 * (a * wT[w2 + m]!);
          a3 += e3 * (a * wT[w3 + m]!);
        }
        A[r + j] = a0; A[r + j + 1] = a1; A[r + j + 2] = a2; A[r + j + 3] = a3;
      }
      for (; j < S; j++) {
        const wj = j * L;
        const e = eA[r + j]!;
        let acc = tauA;
        for (let m = 0; m < L; m++) {
          const a = aT[ai + m]!;
          if (a !== 0) acc += e * (a * wT[wj + m]!);
        }
        A[r + j] = acc;
      }
    }
    return logLik;
  }
  if (anyUnder) {
    for (let i = 0; i < SS; i++) extra[i] = 0;
    for (let m = 1; m < M; m++) if (under[m] === 1) accumulateLog(S, lnEA, alpha, (m - 1) * S, beta, lnPrT, m * S, scratch, extra);
  }
  // C = Σ_{m=1..M−1} α_{m−1} W_mᵀ (S×S), one small product, 0 + … in order of m (zeros skipped).
  for (let i = 0; i < SS; i++) scratch[i] = 0;
  for (let m = 0; m < L; m++) {
    const p = m * S;
    const q = p + S;
    for (let i = 0; i < S; i++) {
      const a = alpha[p + i]!;
      if (a === 0) continue;
      const r = i * S;
      for (let j = 0; j < S; j++) scratch[r + j] = scratch[r + j]! + a * W[q + j]!;
    }
  }
  if (anyUnder) for (let i = 0; i < SS; i++) A[i] = tauA + eA[i]! * scratch[i]! + extra[i]!;
  else for (let i = 0; i < SS; i++) A[i] = tauA + eA[i]! * scratch[i]!;
  return logLik;
}

/**
 * J repeats of the local pass on one sequence (ALGORITHM.md §3.1), from
 * A = 1, π = 1, given its emission likelihoods.
 *
 * `isPython` selects the specufex-python variant (§4): the row-j slip in Ã and
 * a backward pass that only renormalises (every β_m, m < M−1, uniform). With
 * `needA` false (a fit, which uses only γ) the last repeat's A is not formed.
 *
 * @param PrT, lnPrT M×S time-major emission likelihoods (from hmmEmission).
 * @param A out S×S; Ppi out S; gamT out M×S (time-major γ).
 * @param work hmmLocalWorkSize(S, M) doubles.
 * @param tiny normalisers below this take the log-domain path (tests pass Infinity to run it everywhere).
 * @returns Σ_m ln c_m of the last repeat's forward pass (c_m the normaliser of α_m, α_0 included).
 */
export function hmmLocalPass(
  S: number, M: number, J: number, isPython: boolean, needA: boolean, tauPpi: number, tauA: number,
  PrT: Float64Array, lnPrT: Float64Array,
  A: Float64Array, Ppi: Float64Array, gamT: Float64Array, work: Float64Array,
  tiny = TINY,
): number {
  const lay = hmmWorkLayout(S, M);
  for (let i = 0; i < S * S; i++) A[i] = 1;
  for (let i = 0; i < S; i++) Ppi[i] = 1;
  let logLik = 0;
  for (let ite = 0; ite < J; ite++) {
    const last = ite === J - 1;
    if (!last && hmmSameInputs(S, A, Ppi, work, lay, ite === 0)) {
      ite = J - 2; // a fixed point: straight to the last repeat
      continue;
    }
    hmmPrepare(S, isPython, tauA, tauPpi, A, Ppi, work, lay);
    logLik = hmmSweep(S, M, isPython, last ? (needA ? 1 : 2) : 0, tauA, PrT, lnPrT, A, gamT, work, lay, tiny, last);
    for (let s = 0; s < S; s++) Ppi[s] = tauPpi + gamT[s]!;
  }
  return logLik;
}

/**
 * One sequence's local-pass buffers and the kernel that runs on them (STYLE.md §7:
 * the model fills PrT/lnPrT with hmmEmission, runs localPass, reads A, Ppi, gamT).
 * Views stay valid until `ensure` grows the capacity.
 */
export interface HmmLocalKernel {
  readonly name: "js" | "wasm-simd";
  readonly S: number;
  /** Time steps the buffers hold. */
  readonly capacity: number;
  /** Grows the buffers to hold M time steps (views are replaced). */
  ensure(M: number): void;
  /** M×S emission likelihoods and their logs (inputs). */
  readonly PrT: Float64Array;
  readonly lnPrT: Float64Array;
  /** Outputs: S×S A, S π, M×S γ. */
  readonly A: Float64Array;
  readonly Ppi: Float64Array;
  readonly gamT: Float64Array;
  /** hmmLocalPass on these buffers; returns Σ_m ln c_m of the last repeat. `tiny` as in hmmLocalPass (tests). */
  localPass(M: number, J: number, isPython: boolean, needA: boolean, tauPpi: number, tauA: number, tiny?: number): number;
  /** The fingerprint (ALGORITHM.md §3.3) of the current A and Ppi into out (S×S). */
  fingerprint(out: Float64Array): void;
  /** hmmEmission into PrT, lnPrT: ElnB S×K, EBrowSum S, U K×M, colMax out M; false when not finite. */
  emission(K: number, M: number, ElnB: Float64Array, EBrowSum: Float64Array, U: Float64Array, colMax: Float64Array): boolean;
}

/** The plain TypeScript local-pass kernel. */
export class JsHmmKernel implements HmmLocalKernel {
  readonly name = "js" as const;
  readonly S: number;
  capacity = 0;
  PrT: Float64Array = new Float64Array(0);
  lnPrT: Float64Array = new Float64Array(0);
  readonly A: Float64Array;
  readonly Ppi: Float64Array;
  gamT: Float64Array = new Float64Array(0);
  #work: Float64Array = new Float64Array(0);
  readonly #fpWork: Float64Array;

  constructor(S: number, M: number) {
    this.S = S;
    this.#fpWork = new Float64Array(fingerprintWorkSize(S));
    this.A = new Float64Array(S * S);
    this.Ppi = new Float64Array(S);
    this.ensure(M);
  }

  ensure(M: number): void {
    if (M <= this.capacity) return;
    const S = this.S;
    this.capacity = M;
    this.PrT = new Float64Array(M * S);
    this.lnPrT = new Float64Array(M * S);
    this.gamT = new Float64Array(M * S);
    this.#work = new Float64Array(hmmLocalWorkSize(S, M));
    hmmResetCache(S, this.#work, hmmWorkLayout(S, M));
  }

  localPass(M: number, J: number, isPython: boolean, needA: boolean, tauPpi: number, tauA: number, tiny = TINY): number {
    return hmmLocalPass(this.S, M, J, isPython, needA, tauPpi, tauA, this.PrT, this.lnPrT, this.A, this.Ppi, this.gamT, this.#work, tiny);
  }

  fingerprint(out: Float64Array): void {
    hmmFingerprint(this.S, this.A, this.Ppi, out, this.#fpWork);
  }

  emission(K: number, M: number, ElnB: Float64Array, EBrowSum: Float64Array, U: Float64Array, colMax: Float64Array): boolean {
    return hmmEmission(this.S, K, M, ElnB, EBrowSum, U, this.lnPrT, this.PrT, colMax);
  }
}
