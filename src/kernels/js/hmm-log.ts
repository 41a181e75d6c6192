// Thresholds of the HMM sweep and its log-domain path, taken only where a normaliser underflows.

/** Below this a normaliser is treated as underflowed and the column is redone in the log domain. */
export const HMM_TINY = 1e-280;

/**
 * Entries of Pr, Ã, π̃ and of the normalised α, β, γ below this are set to 0.
 * Nearly one-hot posteriors are full of values like 1e-200 whose products are
 * subnormal, and subnormal arithmetic is ~100× slower; anything below 1e-75 is
 * far under the rounding of every output (A and π add τA, τπ; γ, Bu sums of
 * values ≤ 1), and products of four such factors stay above 1e-300.
 */
export const HMM_FLUSH = 1e-75;
/** ln of HMM_FLUSH: log-likelihoods below it give 0 instead of exp. */
export const HMM_LN_FLUSH = Math.log(HMM_FLUSH);

/** out[o..o+S) = exp(ln − logsumexp(ln)); returns the logsumexp (−∞ leaves out untouched). */
export function normalizeLog(S: number, ln: Float64Array, out: Float64Array, o: number): number {
  let mx = -Infinity;
  for (let s = 0; s < S; s++) if (ln[s]! > mx) mx = ln[s]!;
  if (mx === -Infinity || mx !== mx) return -Infinity;
  let sum = 0;
  for (let s = 0; s < S; s++) sum += Math.exp(ln[s]! - mx);
  const lse = mx + Math.log(sum);
  for (let s = 0; s < S; s++) out[o + s] = Math.exp(ln[s]! - lse);
  return lse;
}

/** The A increment of one step in the log domain (underflowed normaliser); skipped when every entry is −∞. */
export function accumulateLog(
  S: number, lnEA: Float64Array, alpha: Float64Array, p: number, beta: Float64Array, lnPrT: Float64Array, o: number,
  scratch: Float64Array, A: Float64Array,
): void {
  let mx = -Infinity;
  for (let i = 0; i < S; i++) {
    const la = Math.log(alpha[p + i]!);
    for (let j = 0; j < S; j++) {
      const v = lnEA[i * S + j]! + la + Math.log(beta[o + j]!) + lnPrT[o + j]!;
      scratch[i * S + j] = v;
      if (v > mx) mx = v;
    }
  }
  if (mx === -Infinity || mx !== mx) return;
  let sum = 0;
  for (let i = 0; i < S * S; i++) sum += Math.exp(scratch[i]! - mx);
  const lse = mx + Math.log(sum);
  for (let i = 0; i < S * S; i++) A[i] = A[i]! + Math.exp(scratch[i]! - lse);
}
