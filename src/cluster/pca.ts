// Centred PCA (scikit-learn's PCA, svd_solver "full"): components, explained variance and its
// ratio, selection by a proportion of variance explained (ALGORITHM.md §6: the fewest components
// whose cumulative ratio exceeds PVE, scikit-learn's searchsorted(..., side="right") + 1).
import { NotFittedError, OptionError, ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { int, num, resolveOptions } from "../core/options.js";
import { getKernels } from "../kernels/index.js";
import { columnMeans, centredCopy } from "./distances.js";
import { symmetricEigen } from "./eigen.js";
import { checkFinite, checkRows } from "./validate.js";

export interface PcaOptions {
  /** Number of components to keep (default: all, min(N, F)). Exclusive with `pve`. */
  nComponents?: number;
  /** Keep the fewest components whose cumulative explained-variance ratio exceeds this (0 < pve < 1). */
  pve?: number;
}

export interface PcaFitted {
  /** Column means (F). */
  mean: Float64Array;
  /** nComponents×F, rows are unit principal axes (sign as scikit-learn's svd_flip). */
  components: Matrix;
  /** Variance along each kept component (ddof 1). */
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
  /** Ratios of all min(N, F) components, for scree plots. */
  allExplainedVarianceRatio: Float64Array;
  nComponents: number;
}

const RULES = { nComponents: int({ min: 1 }), pve: num({ above: 0, max: 1 }) };

/**
 * Principal component analysis.
 * @example
 * const p = new Pca({ pve: 0.9 }).fit(x); const scores = p.transform(x);
 */
export class Pca {
  readonly options: Readonly<PcaOptions>;
  #fitted?: PcaFitted;

  /** @throws OptionError on an unknown option, both options, or pve outside (0, 1). */
  constructor(options: PcaOptions = {}) {
    const o = resolveOptions<PcaOptions>("Pca", RULES, options);
    if (o.nComponents !== undefined && o.pve !== undefined) throw new OptionError(`Pca: give "nComponents" or "pve", not both`, { field: "pve" });
    if (o.pve !== undefined && o.pve >= 1) throw new OptionError(`Pca option "pve" must be < 1, got ${o.pve}`, { field: "pve" });
    this.options = Object.freeze(o);
  }

  /**
   * @param x N×F matrix, N ≥ 2.
   * @throws DataError on a non-finite entry; OptionError when nComponents > min(N, F).
   */
  fit(x: Matrix): this {
    checkFinite("Pca.fit", x);
    checkRows("Pca", "rows", x, 2);
    const [n, f] = x.shape;
    const r = Math.min(n, f);
    if (this.options.nComponents !== undefined && this.options.nComponents > r) {
      throw new OptionError(`Pca option "nComponents" must be ≤ min(N, F) = ${r}, got ${this.options.nComponents}`, { field: "nComponents" });
    }
    const mean = columnMeans(x);
    const xc = centredCopy(x, mean);
    const { values, axes } = principalAxes(xc.data, n, f, r);
    let total = 0;
    for (let k = 0; k < r; k++) total += values[k]!;
    const ratio = new Float64Array(r);
    for (let k = 0; k < r; k++) ratio[k] = values[k]! / total;
    let m = this.options.nComponents ?? r;
    if (this.options.pve !== undefined) {
      // searchsorted(cumsum, pve, side="right") + 1
      let cum = 0;
      m = 1;
      for (let k = 0; k < r; k++) {
        cum += ratio[k]!;
        if (cum <= this.options.pve) m = k + 2;
        else break;
      }
      m = Math.min(m, r);
    }
    // svd_flip (U-based): the largest-|score| entry of each component's scores is positive
    for (let k = 0; k < m; k++) {
      let bestAbs = -1;
      let sign = 1;
      for (let i = 0; i < n; i++) {
        let t = 0;
        for (let p = 0; p < f; p++) t += xc.data[i * f + p]! * axes[k * f + p]!;
        if (Math.abs(t) > bestAbs) {
          bestAbs = Math.abs(t);
          sign = t < 0 ? -1 : 1;
        }
      }
      if (sign < 0) for (let p = 0; p < f; p++) axes[k * f + p] = -axes[k * f + p]!;
    }
    this.#fitted = {
      mean,
      components: { data: axes.slice(0, m * f), shape: [m, f] },
      explainedVariance: values.slice(0, m),
      explainedVarianceRatio: ratio.slice(0, m),
      allExplainedVarianceRatio: ratio,
      nComponents: m,
    };
    return this;
  }

  get fitted(): PcaFitted {
    if (!this.#fitted) throw new NotFittedError("Pca");
    return this.#fitted;
  }

  /** Scores (x − mean)·componentsᵀ, N×nComponents. */
  transform(x: Matrix): Matrix {
    const { mean, components } = this.fitted;
    const [m, f] = components.shape;
    if (x.shape[1] !== f) throw new ShapeError(`Pca.transform: x has ${x.shape[1]} columns, expected ${f}`);
    const xc = centredCopy(x, mean);
    const n = x.shape[0];
    const out = new Float64Array(n * m);
    getKernels().gemmABt(n, m, f, xc.data, components.data, out);
    return { data: out, shape: [n, m] };
  }

  fitTransform(x: Matrix): Matrix {
    return this.fit(x).transform(x);
  }
}

/** Eigenvalues (variances, ddof 1, descending) and unit axes (r×F rows) of centred data. */
function principalAxes(xc: Float64Array, n: number, f: number, r: number): { values: Float64Array; axes: Float64Array } {
  const values = new Float64Array(r);
  const axes = new Float64Array(r * f);
  if (n >= f) {
    // covariance F×F from the transposed data
    const t = new Float64Array(f * n);
    for (let i = 0; i < n; i++) for (let p = 0; p < f; p++) t[p * n + i] = xc[i * f + p]!;
    const c = new Float64Array(f * f);
    getKernels().gemmABt(f, f, n, t, t, c);
    for (let i = 0; i < f * f; i++) c[i]! /= n - 1;
    const eig = symmetricEigen(symmetrise(c, f), f);
    for (let k = 0; k < r; k++) {
      values[k] = Math.max(eig.values[k]!, 0);
      for (let p = 0; p < f; p++) axes[k * f + p] = eig.vectors[p * f + k]!;
    }
  } else {
    // Gram N×N; axis = Xcᵀu / ‖Xcᵀu‖
    const g = new Float64Array(n * n);
    getKernels().gemmABt(n, n, f, xc, xc, g);
    for (let i = 0; i < n * n; i++) g[i]! /= n - 1;
    const eig = symmetricEigen(symmetrise(g, n), n);
    for (let k = 0; k < r; k++) {
      values[k] = Math.max(eig.values[k]!, 0);
      let norm = 0;
      for (let p = 0; p < f; p++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += xc[i * f + p]! * eig.vectors[i * n + k]!;
        axes[k * f + p] = s;
        norm += s * s;
      }
      norm = Math.sqrt(norm);
      if (norm > 0) for (let p = 0; p < f; p++) axes[k * f + p]! /= norm;
    }
  }
  return { values, axes };
}

/** (A + Aᵀ)/2, so rounding asymmetries of the product never reach the eigen solver. */
function symmetrise(a: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a[i * n + j]! + a[j * n + i]!);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

/**
 * Function form: fits a PCA and returns it (use `.fitted` and `.transform`).
 * @example
 * const p = pca(x, { pve: 0.8 }); p.fitted.nComponents;
 */
export function pca(x: Matrix, options: PcaOptions = {}): Pca {
  return new Pca(options).fit(x);
}
