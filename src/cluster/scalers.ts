// Feature scaling before clustering, as scikit-learn's StandardScaler (ddof 0), MinMaxScaler
// (to [0, 1]) and RobustScaler (median, IQR of the 25–75 % quantiles, linear interpolation).
// A constant feature keeps scale 1 (scikit-learn's `_handle_zeros_in_scale`).
import { NotFittedError, ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { oneOf, resolveOptions } from "../core/options.js";
import { checkFinite, checkRows } from "./validate.js";

export type ScalerKind = "none" | "standard" | "minmax" | "robust";

export interface ScalerOptions {
  /** Default "standard". */
  kind?: ScalerKind;
}

export interface ScalerFitted {
  kind: ScalerKind;
  /** Per feature: x' = (x − offset) · factor. */
  offset: Float64Array;
  factor: Float64Array;
}

const RULES = { kind: oneOf<ScalerKind>(["none", "standard", "minmax", "robust"], "standard") };
const TINY = 10 * 2.220446049250313e-16;

/**
 * A per-feature affine scaler.
 * @example
 * const z = new Scaler({ kind: "robust" }).fit(x).transform(x);
 */
export class Scaler {
  readonly options: Readonly<Required<ScalerOptions>>;
  #fitted?: ScalerFitted;

  constructor(options: ScalerOptions = {}) {
    this.options = Object.freeze(resolveOptions<Required<ScalerOptions>>("Scaler", RULES, options));
  }

  /** @throws DataError on a non-finite entry; OptionError on an empty matrix. */
  fit(x: Matrix): this {
    checkFinite("Scaler.fit", x);
    checkRows("Scaler", "rows", x, 1);
    const [n, f] = x.shape;
    const a = x.data;
    const offset = new Float64Array(f);
    const factor = new Float64Array(f).fill(1);
    const kind = this.options.kind;
    const col = new Float64Array(n);
    for (let p = 0; p < f; p++) {
      for (let i = 0; i < n; i++) col[i] = a[i * f + p]!;
      if (kind === "standard") {
        let m = 0;
        for (let i = 0; i < n; i++) m += col[i]!;
        m /= n;
        let v = 0;
        for (let i = 0; i < n; i++) v += (col[i]! - m) * (col[i]! - m);
        const sd = Math.sqrt(v / n);
        offset[p] = m;
        factor[p] = 1 / (sd < TINY ? 1 : sd);
      } else if (kind === "minmax") {
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = 0; i < n; i++) {
          if (col[i]! < lo) lo = col[i]!;
          if (col[i]! > hi) hi = col[i]!;
        }
        const range = hi - lo;
        offset[p] = lo;
        factor[p] = 1 / (range < TINY ? 1 : range);
      } else if (kind === "robust") {
        col.sort();
        const iqr = quantileSorted(col, 0.75) - quantileSorted(col, 0.25);
        offset[p] = quantileSorted(col, 0.5);
        factor[p] = 1 / (iqr < TINY ? 1 : iqr);
      }
    }
    this.#fitted = { kind, offset, factor };
    return this;
  }

  get fitted(): ScalerFitted {
    if (!this.#fitted) throw new NotFittedError("Scaler");
    return this.#fitted;
  }

  /** Applies the fitted per-feature scaling; returns a new matrix. */
  transform(x: Matrix): Matrix {
    const { offset, factor, kind } = this.fitted;
    const [n, f] = x.shape;
    if (f !== offset.length) throw new ShapeError(`Scaler.transform: x has ${f} columns, expected ${offset.length}`);
    const out = new Float64Array(n * f);
    const a = x.data;
    if (kind === "none") out.set(a);
    else for (let i = 0; i < n; i++) for (let p = 0; p < f; p++) out[i * f + p] = (a[i * f + p]! - offset[p]!) * factor[p]!;
    return { data: out, shape: [n, f] };
  }

  fitTransform(x: Matrix): Matrix {
    return this.fit(x).transform(x);
  }
}

/** numpy's default ("linear") quantile of sorted values. */
export function quantileSorted(v: Float64Array, q: number): number {
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  const t = pos - lo;
  return v[lo]! + (v[hi]! - v[lo]!) * t;
}

/**
 * Function form: scales x with a freshly fitted scaler.
 * @example
 * const z = scale(x, "standard");
 */
export function scale(x: Matrix, kind: ScalerKind = "standard"): Matrix {
  return new Scaler({ kind }).fitTransform(x);
}
