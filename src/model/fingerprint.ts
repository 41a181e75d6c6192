import { ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { fingerprintWorkSize, hmmFingerprint } from "../kernels/js/hmm-fingerprint.js";

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
  fingerprintInto(S, A.data, pi, out, new Float64Array(fingerprintWorkSize(S)));
  return { data: out, shape: [S, S] };
}

/**
 * fingerprint() into preallocated arrays (for loops over many sequences).
 * @param a S×S row-major; pi S; out S×S (overwritten); work 2·S·S + 3·S doubles.
 */
export function fingerprintInto(S: number, a: Float64Array, pi: Float64Array | readonly number[], out: Float64Array, work: Float64Array): void {
  hmmFingerprint(S, a, pi, out, work);
}
