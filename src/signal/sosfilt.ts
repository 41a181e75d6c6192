// Filtering with second-order sections: SciPy's `sosfilt` (direct form II transposed), `sosfilt_zi` and
// `sosfiltfilt` (odd padding of 3·(2·n_sections + 1) samples, initial conditions scaled by the edge sample),
// ObsPy's unpadded forward–backward filter, and an ObsPy-style Butterworth convenience.
import { OptionError, ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { butterworth, type FilterType } from "./butterworth.js";

function checkSos(sos: Matrix, where: string): number {
  const [n, cols] = sos.shape;
  if (cols !== 6 || n < 1) throw new ShapeError(`${where}: sos must be n×6 with n ≥ 1, got ${n}×${cols}`);
  for (let i = 0; i < n; i++) {
    if (sos.data[i * 6 + 3] !== 1) throw new OptionError(`${where}: sos[${i}][3] (a0) must be 1, got ${sos.data[i * 6 + 3]}`);
  }
  return n;
}

/**
 * Runs the sections over x in place of a copy; `state` (n×2, flattened) is the initial state and receives the
 * final one. Each section filters the whole signal in turn (the same arithmetic as sample-by-sample).
 */
function runSections(sos: Float64Array, n: number, y: Float64Array, state: Float64Array): void {
  const len = y.length;
  for (let s = 0; s < n; s++) {
    const b0 = sos[s * 6]!, b1 = sos[s * 6 + 1]!, b2 = sos[s * 6 + 2]!, a1 = sos[s * 6 + 4]!, a2 = sos[s * 6 + 5]!;
    let z0 = state[2 * s]!, z1 = state[2 * s + 1]!;
    for (let i = 0; i < len; i++) {
      const x = y[i]!;
      const out = b0 * x + z0;
      z0 = b1 * x - a1 * out + z1;
      z1 = b2 * x - a2 * out;
      y[i] = out;
    }
    state[2 * s] = z0;
    state[2 * s + 1] = z1;
  }
}

/**
 * SciPy's `sosfilt(sos, x, zi=zi)`: causal filtering by cascaded second-order sections.
 * @param sos n×6 sections [b0, b1, b2, 1, a1, a2]
 * @param x input samples
 * @param zi optional initial state, n×2 (SciPy's zi layout; default zeros)
 * @returns { y (same length as x), zf: final state n×2 }
 * @throws ShapeError for a bad sos or zi shape
 */
export function sosfiltState(sos: Matrix, x: Float64Array, zi?: Matrix): { y: Float64Array; zf: Matrix } {
  const n = checkSos(sos, "sosfilt");
  const state = new Float64Array(2 * n);
  if (zi) {
    if (zi.shape[0] !== n || zi.shape[1] !== 2) throw new ShapeError(`sosfilt: zi must be ${n}×2, got ${zi.shape[0]}×${zi.shape[1]}`);
    state.set(zi.data);
  }
  const y = x.slice();
  runSections(sos.data, n, y, state);
  return { y, zf: { data: state, shape: [n, 2] } };
}

/**
 * SciPy's `sosfilt(sos, x)` with zero initial state (ObsPy's causal default).
 * @param sos n×6 sections; @param x input samples
 * @returns filtered samples, same length
 * @example sosfilt(butterworth(4, [1, 40], "bandpass", 125), x)
 */
export function sosfilt(sos: Matrix, x: Float64Array): Float64Array {
  return sosfiltState(sos, x).y;
}

/**
 * SciPy's `sosfilt_zi(sos)`: the initial state giving a unit step's steady state (scale it by the first sample).
 * @param sos n×6 sections
 * @returns n×2 state
 */
export function sosfiltZi(sos: Matrix): Matrix {
  const n = checkSos(sos, "sosfilt_zi");
  const zi = new Float64Array(2 * n);
  let gain = 1.0;
  const d = sos.data;
  for (let s = 0; s < n; s++) {
    const b0 = d[s * 6]!, b1 = d[s * 6 + 1]!, b2 = d[s * 6 + 2]!, a1 = d[s * 6 + 4]!, a2 = d[s * 6 + 5]!;
    // lfilter_zi: solve (I − companion(a)ᵀ)·z = b[1:] − a[1:]·b0 for a 2×2 system.
    const r0 = b1 - a1 * b0, r1 = b2 - a2 * b0;
    const z0 = (r0 + r1) / (1 + a1 + a2);
    const z1 = r1 - a2 * z0;
    zi[2 * s] = gain * z0;
    zi[2 * s + 1] = gain * z1;
    gain *= (b0 + b1 + b2) / (1 + a1 + a2);
  }
  return { data: zi, shape: [n, 2] };
}

/** Edge extension used by `sosfiltfilt` (SciPy's padtype). */
export type PadType = "odd" | "even" | "constant" | "none";

/** Options of `sosfiltfilt`. */
export interface FiltfiltOptions {
  /** Edge extension (default "odd", as SciPy). */
  padType?: PadType;
  /** Samples added at each end (default 3·(2·n_sections + 1), less the sections with b2 = a2 = 0, as SciPy). */
  padLength?: number;
}

/**
 * SciPy's `sosfiltfilt(sos, x, padtype, padlen)`: zero-phase forward–backward filtering with edge extension
 * and `sosfilt_zi` initial conditions scaled by the first sample of each pass.
 * @param sos n×6 sections; @param x input (longer than the pad length)
 * @param options padType (default "odd"), padLength
 * @returns filtered samples, same length
 * @throws OptionError when x is not longer than the pad length (SciPy's ValueError)
 */
export function sosfiltfilt(sos: Matrix, x: Float64Array, options: FiltfiltOptions = {}): Float64Array {
  const n = checkSos(sos, "sosfiltfilt");
  const padType = options.padType ?? "odd";
  let ntaps = 2 * n + 1;
  let b2zero = 0, a2zero = 0;
  for (let s = 0; s < n; s++) { if (sos.data[s * 6 + 2] === 0) b2zero++; if (sos.data[s * 6 + 5] === 0) a2zero++; }
  ntaps -= Math.min(b2zero, a2zero);
  const edge = padType === "none" ? 0 : options.padLength ?? 3 * ntaps;
  if (!Number.isInteger(edge) || edge < 0) throw new OptionError(`sosfiltfilt: padLength must be an integer ≥ 0, got ${edge}`, { field: "padLength" });
  const len = x.length;
  if (padType !== "none" && len <= edge) {
    throw new OptionError(`sosfiltfilt: the input must be longer than the pad length ${edge}, got ${len} samples`, { field: "padLength" });
  }
  const ext = new Float64Array(len + 2 * edge);
  ext.set(x, edge);
  if (edge > 0) {
    const first = x[0]!, last = x[len - 1]!;
    for (let i = 1; i <= edge; i++) {
      const l = x[i]!, r = x[len - 1 - i]!;
      if (padType === "odd") { ext[edge - i] = 2 * first - l; ext[edge + len - 1 + i] = 2 * last - r; }
      else if (padType === "even") { ext[edge - i] = l; ext[edge + len - 1 + i] = r; }
      else { ext[edge - i] = first; ext[edge + len - 1 + i] = last; }
    }
  }
  const zi = sosfiltZi(sos).data;
  const state = new Float64Array(2 * n);
  const x0 = ext[0]!;
  for (let i = 0; i < 2 * n; i++) state[i] = zi[i]! * x0;
  runSections(sos.data, n, ext, state);
  ext.reverse();
  const y0 = ext[0]!;
  for (let i = 0; i < 2 * n; i++) state[i] = zi[i]! * y0;
  runSections(sos.data, n, ext, state);
  ext.reverse();
  return ext.slice(edge, edge + len);
}

/**
 * ObsPy's zero-phase filtering (`zerophase=True`): forward then backward with zero initial state and no padding.
 * A different filter from SciPy's `sosfiltfilt` near the ends.
 * @param sos n×6 sections; @param x input samples
 * @returns filtered samples, same length
 */
export function filtfiltUnpadded(sos: Matrix, x: Float64Array): Float64Array {
  const n = checkSos(sos, "filtfiltUnpadded");
  const y = x.slice();
  runSections(sos.data, n, y, new Float64Array(2 * n));
  y.reverse();
  runSections(sos.data, n, y, new Float64Array(2 * n));
  return y.reverse();
}

/** Options of `butterworthFilter`. */
export interface ButterworthFilterOptions {
  /** Band type. */
  type: FilterType;
  /** Corner (lowpass/highpass) or [low, high] (bandpass/bandstop), Hz. */
  cornersHz: number | readonly [number, number];
  /** Filter order ("corners" in ObsPy; default 4). */
  order?: number;
  /** "none": causal (ObsPy's default); "scipy": `sosfiltfilt` with odd padding; "obspy": unpadded forward–backward. */
  zeroPhase?: "none" | "scipy" | "obspy";
}

/**
 * Butterworth filtering of a waveform, as ObsPy's `Trace.filter` (causal by default) or SciPy's zero-phase path.
 * @param x samples; @param sampleRateHz fs (Hz); @param options type, cornersHz, order (4), zeroPhase ("none")
 * @returns filtered samples, same length
 * @throws OptionError for invalid corners (at or above Nyquist, non-increasing) or order
 * @example butterworthFilter(x, 100, { type: "bandpass", cornersHz: [1, 20], zeroPhase: "scipy" })
 */
export function butterworthFilter(x: Float64Array, sampleRateHz: number, options: ButterworthFilterOptions): Float64Array {
  const sos = butterworth(options.order ?? 4, options.cornersHz, options.type, sampleRateHz);
  const mode = options.zeroPhase ?? "none";
  if (mode === "scipy") return sosfiltfilt(sos, x);
  if (mode === "obspy") return filtfiltUnpadded(sos, x);
  if (mode !== "none") throw new OptionError(`butterworthFilter option "zeroPhase" must be one of "none", "scipy", "obspy", got ${JSON.stringify(mode)}`, { field: "zeroPhase" });
  return sosfilt(sos, x);
}
