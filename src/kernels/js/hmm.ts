// Hot loops of the Bayesian HMM (ALGORITHM.md §3.1): the J repeats of
// forward–backward with the A/π accumulation (emission likelihoods and
// statistics: hmm-stats.ts). Plain functions that fill preallocated outputs.
//
// Internal layout is time-major (M×S, element (m, s) at m·S + s) so that the
// forward and backward recursions read contiguous state vectors.
import { digammaFast } from "./hmm-digamma.js";
import { fingerprintWorkSize, hmmFingerprint } from "./hmm-fingerprint.js";
import { accumulateLog, HMM_FLUSH as FLUSH, HMM_LN_FLUSH as LN_FLUSH, HMM_TINY as TINY, normalizeLog } from "./hmm-log.js";
import { hmmEmission } from "./hmm-stats.js";
export { hmmEmission, hmmEmissionExp, hmmStatistics } from "./hmm-stats.js";
export { HMM_FLUSH, HMM_TINY } from "./hmm-log.js";

/** Offsets (in doubles) of the local pass's buffers inside its workspace; JS and WebAssembly share it. */
export interface HmmWorkLayout {
  readonly alpha: number; readonly beta: number; readonly F: number; readonly W: number;
  readonly aT: number; readonly wT: number;
  readonly eA: number; readonly eAT: number; readonly lnEA: number; readonly extra: number; readonly scratch: number;
  readonly ePi: number; readonly psiRow: number; readonly ws: number; readonly lnPi: number;
  readonly under: number; readonly cs: number; readonly eKey: number; readonly eVal: number;
  /** specufex-python (WebAssembly sweep): the M scalars of β, and 2·S i32 nonzero lists. */
  readonly bvec: number; readonly lists: number; readonly vTau: number;
  /** Kept across calls (hmmPrepare): τA, ψ(τA), τπ, ψ(τπ), S, and the row sums ψ(rs) and τA's Ã were computed for. */
  readonly consts: number; readonly rsKey: number;
  /** hmmPrepare's list of entries of A that differ from τA (S×S), and (onlyEA) their (index, Ã) pairs (2·S×S). */
  readonly others: number; readonly exc: number;
  /** hmmPrepare's row sums of A (S). */
  readonly rowSum: number;
  /** The previous repeat's inputs A (S×S) and π (S), see hmmSameInputs. */
  readonly prev: number;
  readonly size: number;
}

/**
 * The workspace layout for S states and M time steps. The first fields (consts,
 * rsKey, psiRow, vTau, eVal) sit at offsets that depend on S alone: hmmPrepare
 * keeps values there across repeats and calls, keyed by their inputs.
 */
export function hmmWorkLayout(S: number, M: number): HmmWorkLayout {
  const MS = M * S;
  const SS = S * S;
  const sizes = [5, S, S, S, 2 * S, SS, 2 * SS, S, MS, MS, MS, MS, MS, MS, SS, SS, SS, SS, SS, S, S, S, M, M, S, M, S, SS + S];
  const at: number[] = [];
  let o = 0;
  for (const n of sizes) { at.push(o); o += n; }
  const [consts, rsKey, psiRow, vTau, eVal, others, exc, rowSum, alpha, beta, F, W, aT, wT, eA, eAT, lnEA, extra, scratch, ePi, ws, lnPi, under, cs, eKey, bvec, lists, prev] = at as number[] as [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  return { consts, rsKey, others, exc, rowSum, alpha, beta, F, W, aT, wT, eA, eAT, lnEA, extra, scratch, ePi, psiRow, ws, lnPi, under, cs, eKey, eVal, bvec, lists, vTau, prev, size: o };
}

/** Forgets hmmPrepare's kept values (call when `work` is new or moved: its first fields may hold anything). */
export function hmmResetCache(S: number, work: Float64Array, lay: HmmWorkLayout): void {
  work[lay.consts] = NaN;
  work[lay.consts + 2] = NaN;
  for (let i = 0; i < S; i++) work[lay.rsKey + i] = NaN;
}

/** The layout's offsets as byte addresses, for a workspace starting at byte `base` (the WebAssembly kernel's pointers). */
export function hmmLayoutOffsets(lay: HmmWorkLayout, base: number): Record<Exclude<keyof HmmWorkLayout, "size">, number> {
  const out = {} as Record<Exclude<keyof HmmWorkLayout, "size">, number>;
  for (const k of Object.keys(lay) as (keyof HmmWorkLayout)[]) if (k !== "size") out[k] = base + 8 * lay[k];
  return out;
}

/** Doubles of workspace that `hmmLocalPass` needs for S states and M time steps. */
export function hmmLocalWorkSize(S: number, M: number): number {
  return hmmWorkLayout(S, M).size;
}

/**
 * True when A and π equal the inputs of the previous repeat (saved at work[lay.prev]),
 * else saves them and returns false. A repeat is a function of A and π alone (the
 * emission likelihoods being fixed), so equal inputs mean the previous repeat's
 * output is a fixed point: every further repeat before the last gives it again,
 * and the caller jumps to the last repeat with identical results.
 */
export function hmmSameInputs(S: number, A: Float64Array, Ppi: Float64Array, work: Float64Array, lay: HmmWorkLayout, first: boolean): boolean {
  const SS = S * S;
  const p = lay.prev;
  let same = !first;
  if (same) {
    for (let i = 0; i < SS; i++) if (A[i] !== work[p + i]) { same = false; break; }
    if (same) for (let i = 0; i < S; i++) if (Ppi[i] !== work[p + SS + i]) { same = false; break; }
  }
  if (same) return true;
  for (let i = 0; i < SS; i++) work[p + i] = A[i]!;
  for (let i = 0; i < S; i++) work[p + SS + i] = Ppi[i]!;
  return false;
}

/** How a sweep forms A: 0 the fast product (repeats before the last), 1 the package's exact order (last repeat of a transform), 2 not at all (last repeat of a fit). */
export type HmmAMode = 0 | 1 | 2;

/**
 * Start of one repeat (ALGORITHM.md §3.1): Ã_ij = exp(ψ(A_ij) − ψ(Σ_l A_rl)) with
 * r = i, or r = j for specufex-python (the package's broadcasting slip, §4), and
 * π̃_i = exp(ψ(π_i) − ψ(Σ π)); fills eA, eAT (transposed), lnEA, ePi, lnPi of `work`
 * (with `onlyEA`, for the WebAssembly specufex-python sweep: ePi, lnPi, eVal and the entries ≠ τA
 * as (index, Ã) pairs at exc, from which the sweep fills eA; returns their number).
 * Most entries of A are exactly τA once the posteriors are nearly one-hot (and all
 * are 1 in the first repeat), so ψ and exp of repeated values are reused: the same
 * operations on the same inputs, computed once (τA's per r up front, others cached).
 */
export function hmmPrepare(
  S: number, isPython: boolean, tauA: number, tauPpi: number, A: Float64Array, Ppi: Float64Array, work: Float64Array, lay: HmmWorkLayout,
  onlyEA = false, scanned = -1,
): number {
  const { eA, eAT, lnEA, psiRow, ePi, lnPi, eKey, eVal, vTau, consts, rsKey, others, exc, rowSum } = lay;
  // Per r: vTau = ln Ã and eVal[r] = Ã of an entry equal to τA, for the row sum rsKey[r]
  // (kept across calls: rows of unvisited states stay all τA); eKey, eVal[S + r] the last other value.
  if (!(work[consts] === tauA && work[consts + 4] === S)) {
    // (S too: the kept fields' offsets depend on it, should a caller reuse `work` for another S.)
    work[consts] = tauA;
    work[consts + 1] = digammaFast(tauA);
    work[consts + 4] = S;
    for (let i = 0; i < S; i++) work[rsKey + i] = NaN;
  }
  if (!(work[consts + 2] === tauPpi)) {
    work[consts + 2] = tauPpi;
    work[consts + 3] = digammaFast(tauPpi);
  }
  const psiTau = work[consts + 1]!;
  // Row sums, listing the entries that differ from τA (row-major order); `scanned` ≥ 0: the
  // WebAssembly scan did so (sums at rowSum, `scanned` entries listed).
  let nOther = scanned;
  if (scanned < 0) {
    nOther = 0;
    for (let i = 0; i < S; i++) {
      const o = i * S;
      let rs = 0;
      for (let l = 0; l < S; l++) {
        const x = A[o + l]!;
        rs += x;
        if (x !== tauA) work[others + nOther++] = o + l;
      }
      work[rowSum + i] = rs;
    }
  }
  for (let i = 0; i < S; i++) {
    const rs = work[rowSum + i]!;
    work[eKey + i] = NaN;
    if (rs === work[rsKey + i]) continue;
    work[rsKey + i] = rs;
    const pr = digammaFast(rs);
    work[psiRow + i] = pr;
    const v = psiTau - pr;
    work[vTau + i] = v;
    work[eVal + i] = v < LN_FLUSH ? 0 : Math.exp(v);
  }
  // Entries equal to τA: Ã_ij = eVal[r]. Row i of Ã is eVal[0…S) (r = j) or eVal[i] (r = i),
  // and row j of Ãᵀ is eVal[j] or eVal[0…S).
  // (Plain loops: for rows this short, copyWithin/fill calls cost more than the copies.)
  // With onlyEA the sweep fills Ã itself from eVal and the (index, value) pairs at exc.
  for (let i = 0; i < S && !onlyEA; i++) {
    const o = i * S;
    const ei = work[eVal + i]!;
    if (isPython) {
      for (let j = 0; j < S; j++) work[eA + o + j] = work[eVal + j]!;
      for (let j = 0; j < S; j++) { work[lnEA + o + j] = work[vTau + j]!; work[eAT + o + j] = ei; }
    } else {
      for (let j = 0; j < S; j++) work[eA + o + j] = ei;
      const vi = work[vTau + i]!;
      for (let j = 0; j < S; j++) { work[lnEA + o + j] = vi; work[eAT + o + j] = work[eVal + j]!; }
    }
  }
  // The other entries, in row-major order: ψ of each distinct value, exp per (value, r).
  let lastX = NaN;
  let lastPsi = 0;
  for (let k = 0; k < nOther; k++) {
    const idx = work[others + k]!;
    const i = (idx / S) | 0;
    const j = idx - i * S;
    const x = A[idx]!;
    const r = isPython ? j : i;
    if (x !== lastX) { lastX = x; lastPsi = digammaFast(x); }
    const v = lastPsi - work[psiRow + r]!;
    let e: number;
    if (x === work[eKey + r]) e = work[eVal + S + r]!;
    else {
      e = v < LN_FLUSH ? 0 : Math.exp(v);
      work[eKey + r] = x;
      work[eVal + S + r] = e;
    }
    if (onlyEA) {
      work[exc + 2 * k] = idx;
      work[exc + 2 * k + 1] = e;
      continue;
    }
    work[eA + idx] = e;
    work[lnEA + idx] = v;
    work[eAT + j * S + i] = e;
  }
  let sp = 0;
  for (let i = 0; i < S; i++) sp += Ppi[i]!;
  const psiSum = digammaFast(sp);
  const vTauPi = work[consts + 3]! - psiSum;
  const eTauPi = vTauPi < LN_FLUSH ? 0 : Math.exp(vTauPi);
  for (let i = 0; i < S; i++) {
    const x = Ppi[i]!;
    if (x === tauPpi) {
      work[lnPi + i] = vTauPi;
      work[ePi + i] = eTauPi;
      continue;
    }
    const v = digammaFast(x) - psiSum;
    work[lnPi + i] = v;
    work[ePi + i] = v < LN_FLUSH ? 0 : Math.exp(v);
  }
  return nOther;
}

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
