// Emission likelihoods and sufficient statistics of the HMM's local pass
// (ALGORITHM.md §3.1), once per sequence: plain loops filling preallocated outputs.
import { HMM_LN_FLUSH as LN_FLUSH } from "./hmm-log.js";

/**
 * Emission log-likelihoods of one sequence (ALGORITHM.md §3.1):
 * lnPr_sm = Σ_k ElnB_sk·U_km − Σ_k EB_sk, minus each column's maximum.
 * @param ElnB S×K; EBrowSum S (Σ_k EB_sk); U K×M (gain-scaled activations).
 * @param lnPrT out, M×S time-major, shifted so each column's max is 0.
 * @param PrT out, M×S, exp(lnPrT).
 * @param colMax out, M, the subtracted maxima.
 * @returns false when a log-likelihood is not finite (overflowing input); outputs are then undefined.
 * No aliasing between outputs and inputs.
 */
export function hmmEmission(
  S: number, K: number, M: number,
  ElnB: Float64Array, EBrowSum: Float64Array, U: Float64Array,
  lnPrT: Float64Array, PrT: Float64Array, colMax: Float64Array,
): boolean {
  // Σ_k ElnB_sk U_km for four states at a time (independent accumulators, k in order).
  for (let m = 0; m < M; m++) {
    const o = m * S;
    let s = 0;
    for (; s + 3 < S; s += 4) {
      const b0 = s * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let k = 0, u = m; k < K; k++, u += M) {
        const x = U[u]!;
        a0 += ElnB[b0 + k]! * x;
        a1 += ElnB[b1 + k]! * x;
        a2 += ElnB[b2 + k]! * x;
        a3 += ElnB[b3 + k]! * x;
      }
      lnPrT[o + s] = a0; lnPrT[o + s + 1] = a1; lnPrT[o + s + 2] = a2; lnPrT[o + s + 3] = a3;
    }
    for (; s < S; s++) {
      const b = s * K;
      let a = 0;
      for (let k = 0, u = m; k < K; k++, u += M) a += ElnB[b + k]! * U[u]!;
      lnPrT[o + s] = a;
    }
  }
  let finite = true;
  for (let m = 0; m < M; m++) {
    const o = m * S;
    let mx = -Infinity;
    for (let s = 0; s < S; s++) {
      const v = lnPrT[o + s]! - EBrowSum[s]!;
      lnPrT[o + s] = v;
      if (v > mx) mx = v;
    }
    if (!Number.isFinite(mx)) finite = false;
    colMax[m] = mx;
    for (let s = 0; s < S; s++) {
      const v = lnPrT[o + s]! - mx;
      if (v !== v) finite = false;
      lnPrT[o + s] = v;
      PrT[o + s] = v < LN_FLUSH ? 0 : Math.exp(v);
    }
  }
  return finite;
}

/** PrT = exp(lnPrT) (M×S), entries below ln HMM_FLUSH set to 0: the last loop of hmmEmission. */
export function hmmEmissionExp(S: number, M: number, lnPrT: Float64Array, PrT: Float64Array): void {
  for (let i = 0; i < M * S; i++) {
    const v = lnPrT[i]!;
    PrT[i] = v < LN_FLUSH ? 0 : Math.exp(v);
  }
}

/**
 * Sufficient statistics of one sequence (ALGORITHM.md §3.1), added to the
 * outputs: Bu1_sk += Σ_m γ_sm U_km, Bu2_sk += Σ_m γ_sm.
 * @param gamT M×S time-major; U K×M; Bu1, Bu2 S×K (accumulated, not overwritten).
 * @param gsum scratch of S + K doubles.
 */
export function hmmStatistics(
  S: number, K: number, M: number, gamT: Float64Array, U: Float64Array,
  Bu1: Float64Array, Bu2: Float64Array, gsum: Float64Array,
): void {
  const acc = gsum.length >= S + K ? gsum.subarray(S, S + K) : new Float64Array(K);
  for (let s = 0; s < S; s++) {
    let g = 0;
    for (let k = 0; k < K; k++) acc[k] = 0;
    for (let m = 0, o = s; m < M; m++, o += S) {
      const y = gamT[o]!;
      g += y;
      if (y === 0) continue; // most of a nearly one-hot γ: adds exactly 0
      for (let k = 0, u = m; k < K; k++, u += M) acc[k] = acc[k]! + y * U[u]!;
    }
    const bs = s * K;
    for (let k = 0; k < K; k++) {
      Bu1[bs + k] = Bu1[bs + k]! + acc[k]!;
      Bu2[bs + k] = Bu2[bs + k]! + g;
    }
  }
}
