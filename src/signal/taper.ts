// Spectral windows (SciPy's tukey and hann, symmetric or periodic) and time-domain tapers of a trace's ends
// (ObsPy's `Trace.taper` with hann/cosine shapes, SAC's `taper`).
import { OptionError } from "../core/errors.js";

/** A window specification as SciPy's `get_window` takes it: "hann", ["tukey", α], or explicit values. */
export type WindowSpec = "hann" | "boxcar" | readonly ["tukey", number] | { readonly type: "tukey"; readonly alpha: number } | Float64Array;

/**
 * SciPy's `tukey(M, alpha, sym)`: a cosine-tapered window, flat in the middle.
 * @param length number of samples M (≥ 0)
 * @param alpha fraction of the window inside the cosine tapers (0 = boxcar, 1 = Hann)
 * @param symmetric true: symmetric (filter design; SciPy's default); false: periodic (spectral analysis:
 *   a symmetric window of M+1 samples with the last dropped)
 * @returns the window, Float64Array of length M
 * @example tukeyWindow(5, 0.5) // [0, 1, 1, 1, 0]
 */
export function tukeyWindow(length: number, alpha: number, symmetric = true): Float64Array {
  checkLength("tukeyWindow", length);
  if (length <= 1) return new Float64Array(length).fill(1);
  if (alpha <= 0) return new Float64Array(length).fill(1);
  if (alpha >= 1) return hannWindow(length, symmetric);
  const m = symmetric ? length : length + 1;
  const w = new Float64Array(m);
  const width = Math.floor((alpha * (m - 1)) / 2);
  for (let n = 0; n <= width; n++) w[n] = 0.5 * (1 + Math.cos(Math.PI * (-1 + (2.0 * n) / alpha / (m - 1))));
  for (let n = width + 1; n < m - width - 1; n++) w[n] = 1;
  for (let n = Math.max(m - width - 1, width + 1); n < m; n++) {
    w[n] = 0.5 * (1 + Math.cos(Math.PI * (-2.0 / alpha + 1 + (2.0 * n) / alpha / (m - 1))));
  }
  return symmetric ? w : w.slice(0, length);
}

/**
 * SciPy's `hann(M, sym)`: 0.5 + 0.5·cos(φ), φ = linspace(−π, π, M).
 * @param length number of samples M (≥ 0)
 * @param symmetric true: symmetric (SciPy's default); false: periodic (M+1 samples, last dropped)
 * @returns Float64Array of length M
 * @example hannWindow(3) // [0, 1, 0]
 */
export function hannWindow(length: number, symmetric = true): Float64Array {
  checkLength("hannWindow", length);
  if (length <= 1) return new Float64Array(length).fill(1);
  const m = symmetric ? length : length + 1;
  const w = new Float64Array(m);
  const step = (2 * Math.PI) / (m - 1);
  for (let i = 0; i < m; i++) {
    const phi = i === m - 1 ? Math.PI : i * step + -Math.PI;
    w[i] = 0.5 + 0.5 * Math.cos(phi);
  }
  return symmetric ? w : w.slice(0, length);
}

/**
 * SciPy's `get_window(spec, M)` with its default `fftbins=True`: the periodic form, as `spectrogram` uses.
 * @param spec "hann", "boxcar", ["tukey", α] / { type: "tukey", alpha }, or explicit values (length M)
 * @param length M
 * @throws OptionError for an unknown spec or explicit values of the wrong length
 */
export function getWindow(spec: WindowSpec, length: number): Float64Array {
  if (spec instanceof Float64Array) {
    if (spec.length !== length) throw new OptionError(`getWindow: explicit window has ${spec.length} values, expected ${length} (nperseg)`);
    return spec.slice();
  }
  if (spec === "hann") return hannWindow(length, false);
  if (spec === "boxcar") { checkLength("getWindow", length); return new Float64Array(length).fill(1); }
  const alpha = Array.isArray(spec) ? (spec as readonly ["tukey", number])[1] : (spec as { alpha: number }).alpha;
  const type = Array.isArray(spec) ? (spec as readonly unknown[])[0] : (spec as { type?: unknown }).type;
  if (type !== "tukey" || typeof alpha !== "number" || !Number.isFinite(alpha)) {
    throw new OptionError(`getWindow: window must be "hann", "boxcar", ["tukey", alpha] or a Float64Array, got ${JSON.stringify(spec)}`);
  }
  return tukeyWindow(length, alpha, false);
}

/** Which ends of a trace a taper touches. */
export type TaperSide = "both" | "left" | "right";

/**
 * ObsPy's `Trace.taper(max_percentage, type)`: a taper of ⌊fraction·npts⌋ samples per side (at most npts/2),
 * shaped as SciPy's symmetric Hann window ("hann") or ObsPy's `cosine_taper(p = 1)` ("cosine").
 * Returns a new array.
 * @param x samples (any unit)
 * @param fraction taper length per side as a fraction of the length (0 ≤ fraction ≤ 0.5), e.g. 0.05
 * @param options type (default "hann") and side (default "both")
 * @throws OptionError for a fraction outside [0, 0.5]
 * @example obspyTaper(new Float64Array(100).fill(1), 0.05) // first and last 5 samples rise/fall from 0
 */
export function obspyTaper(x: Float64Array, fraction: number, options: { type?: "hann" | "cosine"; side?: TaperSide } = {}): Float64Array {
  if (!(fraction >= 0 && fraction <= 0.5)) throw new OptionError(`obspyTaper: fraction must be in [0, 0.5], got ${fraction}`);
  const type = options.type ?? "hann";
  const side = options.side ?? "both";
  const npts = x.length;
  const wlen = Math.min(Math.floor(fraction * npts), Math.floor(npts / 2));
  const sidesLength = 2 * wlen === npts ? 2 * wlen : 2 * wlen + 1;
  const sides = type === "hann" ? hannWindow(sidesLength) : cosineTaper(sidesLength, 1);
  const out = x.slice();
  if (side !== "right") for (let i = 0; i < wlen; i++) out[i] = out[i]! * sides[i]!;
  if (side !== "left") for (let i = 0; i < wlen; i++) out[npts - wlen + i] = out[npts - wlen + i]! * sides[sidesLength - wlen + i]!;
  return out;
}

/**
 * ObsPy's `cosine_taper(npts, p)`: ones in the middle, half-cosine ramps over p/2 of the samples at each end.
 * @param npts length; @param p total tapered fraction (0–1)
 * @returns Float64Array of length npts
 */
export function cosineTaper(npts: number, p: number): Float64Array {
  checkLength("cosineTaper", npts);
  if (!(p >= 0 && p <= 1)) throw new OptionError(`cosineTaper: p must be in [0, 1], got ${p}`);
  const frac = p === 0 || p === 1 ? Math.floor((npts * p) / 2) : Math.floor((npts * p) / 2 + 0.5);
  const idx1 = 0;
  let idx2 = frac - 1;
  let idx3 = npts - frac;
  const idx4 = npts - 1;
  if (idx1 === idx2) idx2 += 1;
  if (idx3 === idx4) idx3 -= 1;
  const w = new Float64Array(npts);
  for (let i = idx1; i <= idx2 && i < npts; i++) w[i] = 0.5 * (1 - Math.cos((Math.PI * (i - idx1)) / (idx2 - idx1)));
  for (let i = Math.max(idx2 + 1, 0); i < idx3; i++) w[i] = 1;
  for (let i = Math.max(idx3, 0); i <= idx4; i++) w[i] = 0.5 * (1 + Math.cos((Math.PI * (idx3 - i)) / (idx4 - idx3)));
  if (idx1 === idx2 && npts > 0) w[idx1] = 0;
  if (idx3 === idx4 && idx3 >= 0) w[idx3] = 0;
  return w;
}

/**
 * SAC's `taper type TYPE width W`: ⌊W·npts⌋ samples at each end multiplied by f0 − f1·cos(ω·i)
 * (hanning: f0 = f1 = 0.5, ω = π/len; hamming: f0 = 0.54, f1 = 0.46; cosine: f0 = f1 = 1, ω = π/(2·len)).
 * Returns a new array.
 * @param x samples; @param width fraction per side (0–0.5), SAC's default 0.05
 * @param type "hanning" (SAC's default), "hamming" or "cosine"
 */
export function sacTaper(x: Float64Array, width = 0.05, type: "hanning" | "hamming" | "cosine" = "hanning"): Float64Array {
  if (!(width >= 0 && width <= 0.5)) throw new OptionError(`sacTaper: width must be in [0, 0.5], got ${width}`);
  const out = x.slice();
  const n = out.length;
  const len = Math.floor(n * width);
  if (len === 0) return out;
  let omega: number, f0: number, f1: number;
  if (type === "hanning") { omega = Math.PI / len; f0 = 0.5; f1 = 0.5; }
  else if (type === "hamming") { omega = Math.PI / len; f0 = 0.54; f1 = 0.46; }
  else { omega = Math.PI / 2 / len; f0 = 1; f1 = 1; }
  for (let i = 0; i < len; i++) {
    const f = f0 - f1 * Math.cos(omega * i);
    out[i] = out[i]! * f;
    out[n - 1 - i] = out[n - 1 - i]! * f;
  }
  return out;
}

function checkLength(where: string, length: number): void {
  if (!Number.isInteger(length) || length < 0) throw new OptionError(`${where}: length must be an integer ≥ 0, got ${length}`);
}
