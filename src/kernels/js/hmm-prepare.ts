// The HMM local pass's workspace layout (shared by the JS and WebAssembly kernels)
// and the start of each repeat (ALGORITHM.md §3.1): the fixed-point check and Ã, π̃.
import { digammaFast } from "./hmm-digamma.js";
import { HMM_LN_FLUSH as LN_FLUSH } from "./hmm-log.js";

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
