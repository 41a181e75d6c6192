// Decimation with an anti-alias filter, as SciPy's `decimate(x, q)` (IIR path): a Chebyshev type I low-pass
// of order 8, 0.05 dB ripple, corner 0.8·(fs/2)/q, applied with `sosfiltfilt` (zero phase) or `sosfilt`,
// then every q-th sample.
import { OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { digitalFromPrototype, zpkToSos, type Complex, type FilterType, type Zpk } from "./butterworth.js";
import { sosfilt, sosfiltfilt } from "./sosfilt.js";

/**
 * SciPy's `cheb1ap(N, rp)`: the analog Chebyshev type I low-pass prototype (pass-band edge 1 rad/s).
 * @param order N ≥ 1; @param rippleDb pass-band ripple rp, dB (> 0)
 */
export function chebyshev1Prototype(order: number, rippleDb: number): Zpk {
  const eps = Math.sqrt(10 ** (0.1 * rippleDb) - 1.0);
  const mu = (1.0 / order) * Math.asinh(1 / eps);
  const poles: Complex[] = [];
  for (let m = -order + 1; m < order; m += 2) {
    const theta = (Math.PI * m) / (2 * order);
    // −sinh(μ + iθ) = −(sinh μ·cos θ + i·cosh μ·sin θ)
    poles.push({ re: -Math.sinh(mu) * Math.cos(theta), im: -Math.cosh(mu) * Math.sin(theta) });
  }
  // k = Re Π(−p), divided by √(1 + ε²) for even orders
  let kr = 1, ki = 0;
  for (const p of poles) { const t = kr * -p.re - ki * -p.im; ki = kr * -p.im + ki * -p.re; kr = t; }
  let gain = kr;
  if (order % 2 === 0) gain /= Math.sqrt(1 + eps * eps);
  return { zeros: [], poles, gain };
}

/**
 * SciPy's `cheby1(N, rp, Wn, btype, fs=fs, output='sos')`.
 * @param order N; @param rippleDb rp (dB); @param cornersHz corner(s), Hz; @param type band type; @param sampleRateHz fs
 * @returns n×6 second-order sections
 * @throws OptionError for corners outside (0, fs/2) or a bad order/ripple
 */
export function chebyshev1(order: number, rippleDb: number, cornersHz: number | readonly number[], type: FilterType, sampleRateHz: number): Matrix {
  if (!Number.isInteger(order) || order < 1) throw new OptionError(`chebyshev1: order must be an integer ≥ 1, got ${order}`, { field: "order" });
  if (!(rippleDb > 0)) throw new OptionError(`chebyshev1: ripple must be > 0 dB, got ${rippleDb}`, { field: "rippleDb" });
  const wn = (typeof cornersHz === "number" ? [cornersHz] : [...cornersHz]).map((f) => (2 * f) / sampleRateHz);
  for (const w of wn) if (!(w > 0 && w < 1)) throw new OptionError(`chebyshev1: corners must lie inside (0, ${sampleRateHz / 2}) Hz, got ${cornersHz}`, { field: "cornersHz" });
  return zpkToSos(digitalFromPrototype(chebyshev1Prototype(order, rippleDb), wn, type));
}

/** Options of `decimate`. */
export interface DecimateOptions {
  /** Zero-phase filtering with `sosfiltfilt` (default true, as SciPy); false: causal `sosfilt`. */
  zeroPhase?: boolean;
  /** Filter order (default 8). */
  order?: number;
}

/**
 * SciPy's `decimate(x, q, ftype='iir', zero_phase=True)`: anti-alias Chebyshev I filter (order 8, 0.05 dB,
 * corner 0.8/q of Nyquist), then every q-th sample starting with the first.
 * @param x samples at rate fs; @param factor integer q ≥ 1 (new rate fs/q)
 * @param options zeroPhase (true), order (8)
 * @returns ⌈L/q⌉ samples
 * @throws OptionError for a non-integer factor; for zero phase, when x is not longer than the filter's padding
 * @example decimate(x100Hz, 4) // 25 Hz
 */
export function decimate(x: Float64Array, factor: number, options: DecimateOptions = {}): Float64Array {
  if (!Number.isInteger(factor) || factor < 1) throw new OptionError(`decimate: factor must be an integer ≥ 1, got ${factor}`, { field: "factor" });
  if (factor === 1) return x.slice();
  const order = options.order ?? 8;
  const sos = zpkToSos(digitalFromPrototype(chebyshev1Prototype(order, 0.05), [0.8 / factor], "lowpass"));
  const y = options.zeroPhase ?? true ? sosfiltfilt(sos, x) : sosfilt(sos, x);
  const out = new Float64Array(Math.ceil(y.length / factor));
  for (let i = 0; i < out.length; i++) out[i] = y[i * factor]!;
  return out;
}
