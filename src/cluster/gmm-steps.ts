// The numerical pieces of scikit-learn's `_gaussian_mixture.py`, with its formulas and operation
// order: parameter estimation from responsibilities, Cholesky factors of precisions, and the
// log Gaussian densities. Covariances are "full" (K·F·F) or "diag" (K·F).
import { DataError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";

export type Covariance = "full" | "diag";

const LOG_2PI = Math.log(2 * Math.PI);
const EPS10 = 10 * 2.220446049250313e-16;

/** nk, means and covariances from responsibilities (scikit-learn's `_estimate_gaussian_parameters`). */
export function estimateParameters(x: Matrix, resp: Float64Array, k: number, covariance: Covariance, regCovar: number): { nk: Float64Array; means: Float64Array; covariances: Float64Array } {
  const [n, f] = x.shape;
  const a = x.data;
  const nk = new Float64Array(k);
  const rx = new Float64Array(k * f); // respᵀ·X
  // A zero responsibility adds exactly nothing (k-means starts are one-hot: most entries are 0).
  for (let i = 0; i < n; i++) {
    const xi = i * f;
    for (let j = 0; j < k; j++) {
      const r = resp[i * k + j]!;
      if (r === 0) continue;
      nk[j]! += r;
      const o = j * f;
      for (let p = 0; p < f; p++) rx[o + p]! += r * a[xi + p]!;
    }
  }
  for (let j = 0; j < k; j++) nk[j]! += EPS10;
  const means = new Float64Array(k * f);
  for (let j = 0; j < k; j++) for (let p = 0; p < f; p++) means[j * f + p] = rx[j * f + p]! / nk[j]!;
  let covariances: Float64Array;
  if (covariance === "full") {
    covariances = new Float64Array(k * f * f);
    const diff = new Float64Array(f);
    // Rows outer, components inner (each x_i read once); every entry still sums over i in order.
    const ff = f * f;
    for (let i = 0; i < n; i++) {
      const xi = i * f;
      const ri = i * k;
      for (let j = 0; j < k; j++) {
        const r = resp[ri + j]!;
        if (r === 0) continue;
        const m = j * f;
        const c = j * ff;
        for (let p = 0; p < f; p++) diff[p] = a[xi + p]! - means[m + p]!;
        // The upper triangle only (q ≥ p); mirrored below, so each covariance is exactly symmetric.
        for (let p = 0; p < f; p++) {
          const rp = r * diff[p]!;
          const o = c + p * f;
          for (let q = p; q < f; q++) covariances[o + q]! += rp * diff[q]!;
        }
      }
    }
    for (let j = 0; j < k; j++) {
      const c = j * ff;
      for (let p = 0; p < f; p++) for (let q = 0; q < p; q++) covariances[c + p * f + q] = covariances[c + q * f + p]!;
      for (let p = 0; p < f * f; p++) covariances[c + p]! /= nk[j]!;
      for (let p = 0; p < f; p++) covariances[c + p * f + p]! += regCovar;
    }
  } else {
    // avg_X2 − 2·avg_X_means + avg_means2 + reg
    const rx2 = new Float64Array(k * f);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const r = resp[i * k + j]!;
        for (let p = 0; p < f; p++) {
          const v = a[i * f + p]!;
          rx2[j * f + p]! += r * (v * v);
        }
      }
    }
    covariances = new Float64Array(k * f);
    for (let j = 0; j < k; j++) {
      for (let p = 0; p < f; p++) {
        const m = means[j * f + p]!;
        const avgX2 = rx2[j * f + p]! / nk[j]!;
        const avgXMeans = (m * rx[j * f + p]!) / nk[j]!;
        covariances[j * f + p] = avgX2 - 2 * avgXMeans + m * m + regCovar;
      }
    }
  }
  return { nk, means, covariances };
}

/** Lower Cholesky factor L (L·Lᵀ = a) of an f×f matrix, or null when a is not positive definite. */
export function cholesky(a: Float64Array | ArrayLike<number>, f: number): Float64Array | null {
  const l = new Float64Array(f * f);
  for (let j = 0; j < f; j++) {
    let s = a[j * f + j]!;
    for (let q = 0; q < j; q++) s -= l[j * f + q]! * l[j * f + q]!;
    if (!(s > 0)) return null;
    const d = Math.sqrt(s);
    l[j * f + j] = d;
    for (let i = j + 1; i < f; i++) {
      let t = a[i * f + j]!;
      for (let q = 0; q < j; q++) t -= l[i * f + q]! * l[j * f + q]!;
      l[i * f + j] = t / d;
    }
  }
  return l;
}

/**
 * Cholesky factors of the precisions (scikit-learn's `_compute_precision_cholesky`):
 * full → (L⁻¹)ᵀ with L = cholesky(Σ) lower, so P·Pᵀ = Σ⁻¹; diag → 1/√σ².
 * @throws DataError when a covariance is not positive definite.
 */
export function precisionCholesky(cov: Float64Array, k: number, f: number, covariance: Covariance): Float64Array {
  const message = "GaussianMixture: a component has an ill-defined covariance (singleton or collapsed samples); decrease k or increase regCovar";
  if (covariance === "diag") {
    const out = new Float64Array(k * f);
    for (let i = 0; i < k * f; i++) {
      if (!(cov[i]! > 0)) throw new DataError(message);
      out[i] = 1 / Math.sqrt(cov[i]!);
    }
    return out;
  }
  const out = new Float64Array(k * f * f);
  for (let j = 0; j < k; j++) {
    const l = cholesky(cov.subarray(j * f * f, (j + 1) * f * f), f);
    if (!l) throw new DataError(`${message} (component ${j})`);
    // solve L·M = I (forward substitution, column by column), then transpose
    for (let c = 0; c < f; c++) {
      for (let r = 0; r < f; r++) {
        let s = r === c ? 1 : 0;
        for (let q = 0; q < r; q++) s -= l[r * f + q]! * out[j * f * f + c * f + q]!;
        // out holds Mᵀ: out[c][r] = M[r][c]
        out[j * f * f + c * f + r] = s / l[r * f + r]!;
      }
    }
  }
  return out;
}

/**
 * Log Gaussian density of every row under every component (without the weights),
 * scikit-learn's `_estimate_log_gaussian_prob`; out is N×K.
 */
export function estimateLogProb(x: Matrix, means: Float64Array, precChol: Float64Array, k: number, covariance: Covariance, out: Float64Array): void {
  const [n, f] = x.shape;
  const a = x.data;
  if (covariance === "full") {
    const muP = new Float64Array(f);
    for (let j = 0; j < k; j++) {
      const P = j * f * f;
      let logDet = 0;
      for (let p = 0; p < f; p++) logDet += Math.log(precChol[P + p * f + p]!);
      for (let c = 0; c < f; c++) {
        let s = 0;
        for (let p = 0; p < f; p++) s += means[j * f + p]! * precChol[P + p * f + c]!;
        muP[c] = s;
      }
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let c = 0; c < f; c++) {
          let s = 0;
          for (let p = 0; p < f; p++) s += a[i * f + p]! * precChol[P + p * f + c]!;
          const y = s - muP[c]!;
          sum += y * y;
        }
        out[i * k + j] = -0.5 * (f * LOG_2PI + sum) + logDet;
      }
    }
    return;
  }
  // diag: Σ(μ²·τ) − 2·x·(μ·τ) + x²·τ, τ = precision
  const c0 = new Float64Array(k);
  const mt = new Float64Array(k * f);
  const tau = new Float64Array(k * f);
  const logDet = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < f; p++) {
      const pc = precChol[j * f + p]!;
      const t = pc * pc;
      tau[j * f + p] = t;
      mt[j * f + p] = means[j * f + p]! * t;
      c0[j]! += means[j * f + p]! ** 2 * t;
      logDet[j]! += Math.log(pc);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let cross = 0;
      let sq = 0;
      for (let p = 0; p < f; p++) {
        const v = a[i * f + p]!;
        cross += v * mt[j * f + p]!;
        sq += v * v * tau[j * f + p]!;
      }
      out[i * k + j] = -0.5 * (f * LOG_2PI + (c0[j]! - 2 * cross + sq)) + logDet[j]!;
    }
  }
}
