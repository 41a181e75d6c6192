// The fingerprint of one sequence (ALGORITHM.md §3.3) in three parts, so that a
// kernel can run the 101-term series (the only S²·T loop) in WebAssembly:
// prepare (π̄, Ā, cĀ), series (x_t = x_{t−1}·cĀ, v = Σ x_t), finish (v_i·√Ā_ij).
// The work array holds, in order: Ā (S×S), cĀ (S×S), v, x, y (S each).
import { EPS } from "../../core/numeric.js";

/** Number of powers in the stationary-vector series (t = 0…T). */
export const FINGERPRINT_T = 100;

/**
 * Terms of the series below this are set to 0: far under every output's rounding
 * (v sums to about 1), and their products would be subnormal, ~100× slower.
 */
export const FINGERPRINT_FLUSH = 1e-75;

/** Doubles of work a fingerprint needs for S states. */
export function fingerprintWorkSize(S: number): number {
  return 2 * S * S + 3 * S;
}

/**
 * π̄ = π'/Σπ' into x and v, Ā (rows of A' normalised) and cĀ, c = T/(T+1), where
 * π' = π − 0.01/S, A' = A − (0.1 − ε)/S, as the package (the ε keeps A' > 0).
 * @param a S×S row-major; pi S; work fingerprintWorkSize(S) doubles.
 */
export function fingerprintPrepare(S: number, a: Float64Array, pi: Float64Array | readonly number[], work: Float64Array): void {
  const SS = S * S;
  const v = 2 * SS, x = v + S;
  const piShift = 0.01 / S;
  const aShift = (0.1 - EPS) / S;
  let ps = 0;
  for (let i = 0; i < S; i++) {
    const p = pi[i]! - piShift;
    work[x + i] = p;
    ps += p;
  }
  for (let i = 0; i < S; i++) work[x + i] = work[x + i]! / ps;
  for (let i = 0; i < S; i++) {
    const o = i * S;
    let rs = 0;
    for (let j = 0; j < S; j++) {
      const v2 = a[o + j]! - aShift;
      work[o + j] = v2;
      rs += v2;
    }
    for (let j = 0; j < S; j++) work[o + j] = work[o + j]! / rs;
  }
  const c = FINGERPRINT_T / (FINGERPRINT_T + 1);
  for (let i = 0; i < SS; i++) work[SS + i] = c * work[i]!;
  for (let i = 0; i < S; i++) work[v + i] = work[x + i]!;
}

/** v += Σ_{t=1..T} x_t with x_t = x_{t−1}·(cĀ), each y_j = 0 + Σ_i x_i·cĀ_ij in order of i (zero x_i skipped). */
export function fingerprintSeries(S: number, work: Float64Array): void {
  const SS = S * S;
  const cA = SS, v = 2 * SS, x = v + S, y = x + S;
  for (let t = 1; t <= FINGERPRINT_T; t++) {
    for (let j = 0; j < S; j++) work[y + j] = 0;
    for (let i = 0; i < S; i++) {
      const xi = work[x + i]!;
      if (xi === 0) continue;
      const o = cA + i * S;
      for (let j = 0; j < S; j++) work[y + j] = work[y + j]! + xi * work[o + j]!;
    }
    for (let j = 0; j < S; j++) {
      const yj = work[y + j]!;
      const tj = yj < FINGERPRINT_FLUSH ? 0 : yj;
      work[x + j] = tj;
      work[v + j] = work[v + j]! + tj;
    }
  }
}

/** FP_ij = (v_i/Σv)·√Ā_ij into out (S×S). */
export function fingerprintFinish(S: number, work: Float64Array, out: Float64Array): void {
  const v = 2 * S * S;
  let vs = 0;
  for (let i = 0; i < S; i++) vs += work[v + i]!;
  for (let i = 0; i < S; i++) {
    const vi = work[v + i]! / vs;
    const o = i * S;
    for (let j = 0; j < S; j++) out[o + j] = vi * Math.sqrt(work[o + j]!);
  }
}

/** The whole fingerprint in plain loops: prepare, series, finish. */
export function hmmFingerprint(S: number, a: Float64Array, pi: Float64Array | readonly number[], out: Float64Array, work: Float64Array): void {
  fingerprintPrepare(S, a, pi, work);
  fingerprintSeries(S, work);
  fingerprintFinish(S, work, out);
}
