import { ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { EPS } from "../core/numeric.js";

/** Number of powers in the stationary-vector series of ALGORITHM.md §3.3 (t = 0…T). */
const T = 100;

/** See the series loop. */
const FLUSH = 1e-75;

/**
 * The fingerprint of one sequence (ALGORITHM.md §3.3): FP_ij = v_i·√Ā_ij with
 * v ∝ π̄ᵀ Σ_{t=0..100} (c·Ā)^t, c = 100/101.
 *
 * Uses the 101-term series (101 vector–matrix products), not the package's
 * closed form π̄ᵀ(I − cĀ)⁻¹(I − (cĀ)^101): the two agree only to ~1e-16 of the
 * largest entry because the tiny entries of A' come from a cancellation, and
 * the golden files hold the series.
 *
 * @param A S×S transition pseudo-counts of the local pass (HmmTransformResult.A).
 * @param pi S initial-state pseudo-counts (HmmTransformResult.pi).
 * @returns S×S fingerprint; its row-major flattening is the clustering feature vector.
 * @throws ShapeError when A is not S×S with S = pi.length.
 * @example
 * const { A, pi } = hmm.transform(V);
 * const fp = fingerprint(A, pi); // same as hmm.transform(V).fingerprint
 */
export function fingerprint(A: Matrix, pi: Float64Array | readonly number[]): Matrix {
  const S = pi.length;
  if (A.shape[0] !== S || A.shape[1] !== S) {
    throw new ShapeError(`fingerprint: A must be ${S}×${S} to match pi of length ${S}, got ${A.shape[0]}×${A.shape[1]}`);
  }
  const out = new Float64Array(S * S);
  fingerprintInto(S, A.data, pi, out, new Float64Array(2 * S * S + 3 * S));
  return { data: out, shape: [S, S] };
}

/**
 * fingerprint() into preallocated arrays (for loops over many sequences).
 * @param a S×S row-major; pi S; out S×S (overwritten); work 2·S·S + 3·S doubles.
 */
export function fingerprintInto(S: number, a: Float64Array, pi: Float64Array | readonly number[], out: Float64Array, work: Float64Array): void {
  const SS = S * S;
  const Abar = work.subarray(0, SS);
  const cAbar = work.subarray(SS, 2 * SS);
  const v = work.subarray(2 * SS, 2 * SS + S);
  const x = work.subarray(2 * SS + S, 2 * SS + 2 * S);
  const y = work.subarray(2 * SS + 2 * S, 2 * SS + 3 * S);
  // π' = π − 0.01/S, A' = A − (0.1 − ε)/S, as the package (the ε keeps A' > 0).
  const piShift = 0.01 / S;
  const aShift = (0.1 - EPS) / S;
  let ps = 0;
  for (let i = 0; i < S; i++) {
    const p = pi[i]! - piShift;
    x[i] = p;
    ps += p;
  }
  for (let i = 0; i < S; i++) x[i] = x[i]! / ps;
  for (let i = 0; i < S; i++) {
    const o = i * S;
    let rs = 0;
    for (let j = 0; j < S; j++) {
      const v2 = a[o + j]! - aShift;
      Abar[o + j] = v2;
      rs += v2;
    }
    for (let j = 0; j < S; j++) Abar[o + j] = Abar[o + j]! / rs;
  }
  // v = Σ_{t=0..T} π̄ᵀ (cĀ)^t, with x_t = x_{t−1}·(cĀ).
  const c = T / (T + 1);
  for (let i = 0; i < SS; i++) cAbar[i] = c * Abar[i]!;
  for (let i = 0; i < S; i++) v[i] = x[i]!;
  for (let t = 1; t <= T; t++) {
    for (let j = 0; j < S; j++) y[j] = 0;
    for (let i = 0; i < S; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const o = i * S;
      for (let j = 0; j < S; j++) y[j] = y[j]! + xi * cAbar[o + j]!;
    }
    for (let j = 0; j < S; j++) {
      // Terms below 1e-75 are set to 0: far under every output's rounding (v sums to
      // about 1), and their products would be subnormal, which is ~100× slower.
      const t = y[j]! < FLUSH ? 0 : y[j]!;
      x[j] = t;
      v[j] = v[j]! + t;
    }
  }
  let vs = 0;
  for (let i = 0; i < S; i++) vs += v[i]!;
  for (let i = 0; i < S; i++) {
    const vi = v[i]! / vs;
    const o = i * S;
    for (let j = 0; j < S; j++) out[o + j] = vi * Math.sqrt(Abar[o + j]!);
  }
}
