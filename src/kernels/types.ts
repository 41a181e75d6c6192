/**
 * The hot-loop contract (STYLE.md §7): every backend implements these with the
 * same signatures. Matrices are row-major Float64Arrays; kernels fill
 * preallocated outputs, allocate nothing in steady state, and skip validation
 * (their callers did it). Unless a kernel says otherwise, outputs must not
 * alias inputs.
 */

/** Names of the available backends. */
export type KernelName = "js" | "wasm-simd";

/** What `getKernels` accepts: a backend, or "auto" (the fastest available). */
export type KernelBackend = "auto" | "js" | "wasm";

/**
 * A scratch area owned by one kernel set. Views taken from it are never
 * detached, and the workspace's `kernels` run on them in place (the WebAssembly
 * backend copies any other array in and out, which is correct but slower).
 * Allocate one per fit and reuse it across steps.
 */
export interface KernelWorkspace {
  /** The kernel set bound to this workspace. */
  readonly kernels: Kernels;
  /** A zero-filled view of `length` doubles; throws RangeError when the workspace is full. */
  take(length: number): Float64Array;
  /** Doubles still free. */
  readonly free: number;
}

export interface Kernels {
  readonly name: KernelName;

  /** A workspace of `length` doubles for this backend (see KernelWorkspace). */
  workspace(length: number): KernelWorkspace;

  /** C (m×n) = A (m×k) · B (k×n); C overwritten. */
  gemmAB(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void;
  /** C (m×n) = A (m×k) · Bᵀ (B is n×k); C overwritten. */
  gemmABt(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void;
  /** C (m×n) = Aᵀ · B (A is k×m, B is k×n); C overwritten. */
  gemmAtB(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void;

  /**
   * ALGORITHM.md §2.2, the Poisson ratio R = X ⊘ (E_W · E_H) without forming P.
   * E_W is d×k, E_H is k×m, X and R are d×m; R_dm = 0 where X_dm = 0. An entry
   * with X_dm > 0 whose Z_dm = (E_W·E_H)_dm is below zMin (underflow) or whose
   * ratio exceeds 1/zMin is not divided: R_dm is set to −1 as a marker and
   * counted, and the caller must replace it (exact contributions, then 0)
   * before using R. R must not alias X, E_W or E_H.
   * @returns the number of marked entries (0 in normal use).
   */
  poissonRatio(d: number, m: number, k: number, eW: Float64Array, eH: Float64Array, x: Float64Array, r: Float64Array, zMin: number): number;

  /**
   * The local expectations of ALGORITHM.md §2.1/§2.4 for a k×m matrix h (H1 or V1):
   * v_km = ψ(h_km) − shift_k (shift null: 0), lnOut_km = (v_km − max_k' v_k'm)·invT,
   * expOut = exp(lnOut). colMax (length m) is scratch. Outputs must not alias h.
   */
  expectationExp(k: number, m: number, h: Float64Array, shift: Float64Array | null, invT: number, lnOut: Float64Array, expOut: Float64Array, colMax: Float64Array): void;
  /**
   * The log-weights of §2.1/§2.4 for d×k matrices W1, W2: v_dk = ψ(W1_dk) − ln W2_dk + cA_k − cB_k
   * (evaluated left to right), lnOut_dk = (v_dk − max_k' v_dk')·invT, expOut = exp(lnOut).
   */
  logWeightsExp(d: number, k: number, W1: Float64Array, W2: Float64Array, cA: Float64Array, cB: Float64Array, invT: number, lnOut: Float64Array, expOut: Float64Array): void;
  /** out[i] = α + (β + (u[i]·v[i] + w[i]))·γ for i < n (w null: no w term). out may alias u, v or w. */
  affineProduct(n: number, u: Float64Array, v: Float64Array, w: Float64Array | null, alpha: number, beta: number, gamma: number, out: Float64Array): void;
  /**
   * Σ_i [x_i·ln λ_i − λ_i] over i < n, with x_i·ln λ_i = 0 where x_i = 0 (§7).
   * Returns NaN when some x_i > 0 has λ_i below the smallest normal double (the caller then sums exactly).
   */
  poissonLogSum(n: number, x: Float64Array, lambda: Float64Array): number;

  /** out[i] = ψ(x[i]) for i < n (digamma; x > 0). out may alias x. */
  digamma(n: number, x: Float64Array, out: Float64Array): void;
  /** out[i] = exp(x[i]) for i < n. out may alias x. */
  exp(n: number, x: Float64Array, out: Float64Array): void;
}
