// Gaussian mixtures by EM, equal to scikit-learn's GaussianMixture ("full" and "diag"
// covariances): the same E and M steps, the same stopping rule (|Δ mean log-likelihood| < tol,
// the bound taken before the last M step), BIC/AIC from the final parameters. Default start: a
// seeded k-means (one restart) as scikit-learn's init_params="kmeans"; or given weights, means and
// precisions. K can be chosen by BIC over a range (`chooseGmmK`).
import { DataError, NotFittedError, OptionError, ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { custom, int, num, oneOf, resolveOptions } from "../core/options.js";
import { getKernels, type Kernels } from "../kernels/index.js";
import { kmeans } from "./kmeans.js";
import { checkFinite, checkRows } from "./validate.js";
import { cholesky, estimateLogProb, estimateParameters, precisionCholesky, type Covariance } from "./gmm-steps.js";

export type { Covariance } from "./gmm-steps.js";

/** Given starting parameters (scikit-learn's weights_init, means_init, precisions_init). */
export interface GmmInit {
  weights: ArrayLike<number>;
  /** K×F. */
  means: Matrix;
  /** "full": K matrices F×F; "diag": K×F. */
  precisions: Matrix[] | Matrix;
}

export interface GaussianMixtureOptions {
  /** Number of components (default 1). */
  k?: number;
  /** Default "full". */
  covariance?: Covariance;
  /** EM iterations (default 100). */
  maxIter?: number;
  /** Convergence threshold on the change of the mean log-likelihood (default 1e-3). */
  tol?: number;
  /** Added to the covariance diagonals (default 1e-6). */
  regCovar?: number;
  /** Restarts (different k-means seeds), the best lower bound wins (default 1). */
  nInit?: number;
  seed?: number;
  init?: GmmInit;
}

interface Resolved {
  k: number;
  covariance: Covariance;
  maxIter: number;
  tol: number;
  regCovar: number;
  nInit: number;
  seed: number;
  init?: GmmInit;
}

export interface GaussianMixtureFitted {
  weights: Float64Array;
  /** K×F. */
  means: Matrix;
  /** "full": K matrices F×F; "diag": one K×F matrix. */
  covariances: Matrix[] | Matrix;
  nIter: number;
  converged: boolean;
  /** Mean log-likelihood at the last E step (scikit-learn's lower_bound_). */
  lowerBound: number;
  /** Mean log-likelihood of the training data under the final parameters. */
  score: number;
  bic: number;
  aic: number;
  /** Most probable component of each row (0-based). */
  labels: Int32Array;
  /** N×K posterior probabilities. */
  posteriors: Matrix;
}

const RULES = {
  k: int({ min: 1 }, 1),
  covariance: oneOf<Covariance>(["full", "diag"], "full"),
  maxIter: int({ min: 1 }, 100),
  tol: num({ min: 0 }, 1e-3),
  regCovar: num({ min: 0 }, 1e-6),
  nInit: int({ min: 1 }, 1),
  seed: int({}, 0),
  init: custom<GmmInit>("{ weights, means, precisions }", (v) => typeof v === "object" && v !== null && "weights" in v && "means" in v && "precisions" in v),
};

/** Model parameters during EM. */
interface Params {
  weights: Float64Array;
  means: Float64Array;
  covariances: Float64Array;
  /** full: K·F·F (upper triangular factors P with P·Pᵀ = precision); diag: K·F. */
  precChol: Float64Array;
}

/**
 * A Gaussian mixture fitted by EM.
 * @example
 * const g = new GaussianMixture({ k: 4, covariance: "full", seed: 1 }).fit(x);
 * g.fitted.bic; g.fitted.labels;
 */
export class GaussianMixture {
  readonly options: Readonly<Resolved>;
  #fitted?: GaussianMixtureFitted;
  #params?: Params;

  /** @throws OptionError on an unknown or invalid option. */
  constructor(options: GaussianMixtureOptions = {}) {
    this.options = Object.freeze(resolveOptions<Resolved>("GaussianMixture", RULES, options));
  }

  /**
   * @param x N×F, N ≥ k.
   * @throws DataError on a non-finite entry or a singular covariance; OptionError when N < k; ShapeError on a mis-shaped init.
   */
  fit(x: Matrix): this {
    checkFinite("GaussianMixture.fit", x);
    checkRows("GaussianMixture", "k", x, Math.max(this.options.k, 2));
    const [n, f] = x.shape;
    const { k, covariance, maxIter, tol, regCovar } = this.options;
    let best: { params: Params; lowerBound: number; nIter: number } | undefined;
    let converged = false; // as scikit-learn: true when any restart converged
    const nInit = this.options.init ? 1 : this.options.nInit;
    // The N×K arrays live in one kernel workspace: the exponentials run in place (SIMD, the same
    // values as Math.exp: fdlibm operation for operation).
    const ws = getKernels().workspace(3 * n * k + n);
    const kernels = ws.kernels;
    const logResp = ws.take(n * k);
    const resp = ws.take(n * k);
    const scratch = ws.take(n * k);
    const lse = ws.take(n);
    for (let r = 0; r < nInit; r++) {
      const params = this.options.init ? fromInit(this.options.init, k, f, covariance) : fromKmeans(x, k, covariance, regCovar, this.options.seed + r);
      let lowerBound = -Infinity;
      let nIter = 0;
      for (let it = 1; it <= maxIter; it++) {
        nIter = it;
        const prev = lowerBound;
        const mean = eStep(x, params, covariance, logResp, lse, kernels, scratch);
        kernels.exp(n * k, logResp, resp);
        Object.assign(params, mStep(x, resp, k, covariance, regCovar));
        lowerBound = mean;
        if (Math.abs(lowerBound - prev) < tol) {
          converged = true;
          break;
        }
      }
      if (best === undefined || lowerBound > best.lowerBound) best = { params, lowerBound, nIter };
    }
    const p = best!.params;
    this.#params = p;
    const score = eStep(x, p, covariance, logResp, lse, kernels, scratch);
    const nParams = (covariance === "full" ? (k * f * (f + 1)) / 2 : k * f) + f * k + k - 1;
    const labels = new Int32Array(n);
    kernels.exp(n * k, logResp, resp);
    const post = resp.slice(0, n * k);
    for (let i = 0; i < n; i++) {
      let arg = 0;
      for (let j = 1; j < k; j++) if (logResp[i * k + j]! > logResp[i * k + arg]!) arg = j;
      labels[i] = arg;
    }
    this.#fitted = {
      weights: p.weights.slice(),
      means: { data: p.means.slice(), shape: [k, f] },
      covariances: covariance === "full"
        ? Array.from({ length: k }, (_, j) => ({ data: p.covariances.slice(j * f * f, (j + 1) * f * f), shape: [f, f] as const }))
        : { data: p.covariances.slice(), shape: [k, f] },
      nIter: best!.nIter,
      converged,
      lowerBound: best!.lowerBound,
      score,
      bic: -2 * score * n + nParams * Math.log(n),
      aic: -2 * score * n + 2 * nParams,
      labels,
      posteriors: { data: post, shape: [n, k] },
    };
    return this;
  }

  get fitted(): GaussianMixtureFitted {
    if (!this.#fitted) throw new NotFittedError("GaussianMixture");
    return this.#fitted;
  }

  /** N×K posterior probabilities of new rows. */
  predictProba(x: Matrix): Matrix {
    if (!this.#params) throw new NotFittedError("GaussianMixture");
    const k = this.options.k;
    if (x.shape[1] !== this.fitted.means.shape[1]) throw new ShapeError(`GaussianMixture.predictProba: x has ${x.shape[1]} columns, expected ${this.fitted.means.shape[1]}`);
    const m = x.shape[0];
    const ws = getKernels().workspace(2 * m * k + m);
    const logResp = ws.take(m * k);
    eStep(x, this.#params, this.options.covariance, logResp, ws.take(m), ws.kernels, ws.take(m * k));
    const out = new Float64Array(m * k);
    ws.kernels.exp(m * k, logResp, out);
    return { data: out, shape: [m, k] };
  }
}

/**
 * The E step: fills log responsibilities; returns the mean log-likelihood. The per-row log-sum-exp takes
 * its exponentials in one kernel call over `scratch` (N×K); every sum keeps scikit-learn's order.
 */
function eStep(x: Matrix, p: Params, covariance: Covariance, logResp: Float64Array, lse: Float64Array, kernels: Kernels, scratch: Float64Array): number {
  const [n] = x.shape;
  const k = p.weights.length;
  estimateLogProb(x, p.means, p.precChol, k, covariance, logResp);
  const logW = p.weights.map(Math.log);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = logResp[o + j]! + logW[j]!;
      logResp[o + j] = v;
      if (v > max) max = v;
    }
    lse[i] = max;
    for (let j = 0; j < k; j++) scratch[o + j] = logResp[o + j]! - max;
  }
  kernels.exp(n * k, scratch, scratch);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let s = 0;
    for (let j = 0; j < k; j++) s += scratch[o + j]!;
    const l = Math.log(s) + lse[i]!;
    lse[i] = l;
    total += l;
    for (let j = 0; j < k; j++) logResp[o + j]! -= l;
  }
  return total / n;
}

function mStep(x: Matrix, resp: Float64Array, k: number, covariance: Covariance, regCovar: number): Params {
  const e = estimateParameters(x, resp, k, covariance, regCovar);
  let s = 0;
  for (let j = 0; j < k; j++) s += e.nk[j]!;
  const weights = new Float64Array(k);
  for (let j = 0; j < k; j++) weights[j] = e.nk[j]! / s;
  return { weights, means: e.means, covariances: e.covariances, precChol: precisionCholesky(e.covariances, k, x.shape[1], covariance) };
}

function fromKmeans(x: Matrix, k: number, covariance: Covariance, regCovar: number, seed: number): Params {
  const [n] = x.shape;
  const labels = kmeans(x, k, { nInit: 1, seed }).labels;
  const resp = new Float64Array(n * k);
  for (let i = 0; i < n; i++) resp[i * k + labels[i]!] = 1;
  const e = estimateParameters(x, resp, k, covariance, regCovar);
  const weights = new Float64Array(k);
  for (let j = 0; j < k; j++) weights[j] = e.nk[j]! / n;
  return { weights, means: e.means, covariances: e.covariances, precChol: precisionCholesky(e.covariances, k, x.shape[1], covariance) };
}

function fromInit(init: GmmInit, k: number, f: number, covariance: Covariance): Params {
  if (init.weights.length !== k) throw new ShapeError(`GaussianMixture: init.weights has ${init.weights.length} values, expected ${k}`);
  if (init.means.shape[0] !== k || init.means.shape[1] !== f) throw new ShapeError(`GaussianMixture: init.means is ${init.means.shape.join("×")}, expected ${k}×${f}`);
  let precChol: Float64Array;
  if (covariance === "full") {
    const prec = init.precisions;
    if (!Array.isArray(prec) || prec.length !== k || prec.some((m) => m.shape[0] !== f || m.shape[1] !== f)) {
      throw new ShapeError(`GaussianMixture: init.precisions must be ${k} matrices ${f}×${f} for "full"`);
    }
    precChol = new Float64Array(k * f * f);
    // scikit-learn: cholesky(precision, lower=True), used as is (L·Lᵀ = precision)
    for (let j = 0; j < k; j++) {
      const l = cholesky(prec[j]!.data, f);
      if (!l) throw new DataError(`GaussianMixture: init.precisions[${j}] is not positive definite`);
      precChol.set(l, j * f * f);
    }
  } else {
    const prec = init.precisions as Matrix;
    if (Array.isArray(prec) || prec.shape[0] !== k || prec.shape[1] !== f) throw new ShapeError(`GaussianMixture: init.precisions must be ${k}×${f} for "diag"`);
    precChol = prec.data.map(Math.sqrt);
  }
  return { weights: Float64Array.from(init.weights), means: init.means.data.slice(), covariances: new Float64Array(0), precChol };
}

/** One fit per K. */
export interface GmmKEntry {
  k: number;
  bic: number;
  aic: number;
  lowerBound: number;
  converged: boolean;
}

/**
 * Gaussian mixtures for K = kMin…kMax; the best K has the lowest BIC (the first, on ties).
 * @example
 * const r = chooseGmmK(x, { kMin: 2, kMax: 8, covariance: "full", seed: 0 }); r.bestK;
 */
export function chooseGmmK(
  x: Matrix,
  options: Omit<GaussianMixtureOptions, "k" | "init"> & { kMin?: number; kMax?: number } = {},
): { entries: GmmKEntry[]; bestK: number; best: GaussianMixtureFitted } {
  const { kMin = 2, kMax = 8, ...rest } = options;
  if (!(Number.isInteger(kMin) && Number.isInteger(kMax) && kMin >= 1 && kMin <= kMax)) {
    throw new OptionError(`chooseGmmK: need integers 1 ≤ kMin ≤ kMax, got ${kMin}, ${kMax}`, { field: "kMin" });
  }
  const entries: GmmKEntry[] = [];
  let best: GaussianMixtureFitted | undefined;
  let bestK = kMin;
  for (let k = kMin; k <= kMax; k++) {
    const g = new GaussianMixture({ ...rest, k }).fit(x).fitted;
    entries.push({ k, bic: g.bic, aic: g.aic, lowerBound: g.lowerBound, converged: g.converged });
    if (best === undefined || g.bic < best.bic) {
      best = g;
      bestK = k;
    }
  }
  return { entries, bestK, best: best! };
}

/**
 * Function form: `new GaussianMixture(options).fit(x).fitted`.
 * @example
 * const { labels, bic } = gaussianMixture(x, { k: 6, covariance: "full", seed: 0 });
 */
export function gaussianMixture(x: Matrix, options: GaussianMixtureOptions = {}): GaussianMixtureFitted {
  return new GaussianMixture(options).fit(x).fitted;
}
