// Instrument responses: evaluation of an InstrumentResponse (core/response.ts) at frequencies, stage by stage,
// and its removal from a waveform with ObsPy's `remove_response` conventions (demean, cosine taper, FFT of
// 2·npts, water level or pre-filter) — or SAC's `transfer` recipe through the same function.
import { DataError, OptionError } from "../core/errors.js";
import type { InstrumentResponse, ResponseStage } from "../core/response.js";
import { nextFastLength, RealFft } from "./fft.js";
import { obspyTaper } from "./taper.js";

/** Physical quantity a response is expressed in. */
export type GroundMotion = "displacement" | "velocity" | "acceleration";

/** Complex values at a set of frequencies. */
export interface ComplexSpectrum { readonly re: Float64Array; readonly im: Float64Array }

/**
 * The ground-motion quantity and SI scale of a unit string: "M" → displacement ×1, "NM/S" → velocity ×1e9
 * (a response per nm/s is 1e9 times the response per m/s).
 * @param units StationXML/SEED unit name (case and spaces ignored), e.g. "M/S", "m/s**2", "NM", "CM/SEC"
 * @returns { motion, perSi: number of these units in one SI unit }, or undefined for a non-motion unit (V, PA, COUNTS)
 */
export function groundMotionOf(units: string): { motion: GroundMotion; perSi: number } | undefined {
  const u = units.toUpperCase().replace(/\s+/g, "").replace(/SEC(OND)?S?/g, "S").replace(/METERS?|METRES?/g, "M");
  const m = /^(NM|UM|MM|CM|M)(?:\/S(?:\*\*2|\^2|2|\/S)?)?$/.exec(u);
  if (m) {
    const perSi = { NM: 1e9, UM: 1e6, MM: 1e3, CM: 1e2, M: 1 }[m[1] as "NM" | "UM" | "MM" | "CM" | "M"];
    const rest = u.slice(m[1]!.length);
    const motion: GroundMotion = rest === "" ? "displacement" : rest === "/S" ? "velocity" : "acceleration";
    return { motion, perSi };
  }
  if (u === "GAL") return { motion: "acceleration", perSi: 1e2 };
  return undefined;
}

const ORDER: Record<GroundMotion, number> = { displacement: 0, velocity: 1, acceleration: 2 };

/** Options of `evaluateResponse`. */
export interface EvaluateResponseOptions {
  /** Express the response per this SI quantity (m, m/s, m/s²); default: the response's own input units, unscaled. */
  output?: GroundMotion;
  /** First and last stage to include, 1-based inclusive (default all). */
  stages?: readonly [number, number];
  /** Multiply digital stages by e^{+iω·correction} to undo the delay correction the digitiser applied (default true, as evalresp). */
  applyDelayCorrection?: boolean;
}

/**
 * The complex response (output units, e.g. counts, per input unit) of a channel at the given frequencies:
 * the product of its stages, each with its stage gain.
 * Poles–zeros: A0·Π(s − z)/Π(s − p) with s = 2πif (LAPLACE rad/s), s = if (LAPLACE Hz) or z = e^{2πif/fs}
 * (DIGITAL); coefficients and FIR: Σ b_k z^{−k}/Σ a_k z^{−k}; response lists: linear interpolation of
 * amplitude and phase inside the list (0 outside); gain-only stages: the gain. A response without stages is
 * its sensitivity, flat.
 * @param response InstrumentResponse (from `io/stationxml` or `io/sacpz`)
 * @param frequenciesHz frequencies, Hz (length F)
 * @param options output quantity (m, m/s, m/s²), stage range, delay correction
 * @returns { re, im } of length F
 * @throws DataError when the response is empty or its input units cannot be converted to `output`
 * @example evaluateResponse(channel.response, Float64Array.of(1), { output: "velocity" }) // counts per m/s at 1 Hz
 */
export function evaluateResponse(response: InstrumentResponse, frequenciesHz: Float64Array, options: EvaluateResponseOptions = {}): ComplexSpectrum {
  const nf = frequenciesHz.length;
  const re = new Float64Array(nf).fill(1), im = new Float64Array(nf);
  const all = response.stages;
  const [first, last] = options.stages ?? [1, all.length];
  if (!(Number.isInteger(first) && Number.isInteger(last) && first >= 1 && last <= all.length && first <= last) && all.length > 0) {
    throw new OptionError(`evaluateResponse: stages must be within 1–${all.length} with first ≤ last, got ${first}–${last}`, { field: "stages" });
  }
  if (all.length === 0) {
    if (!response.sensitivity) throw new DataError("evaluateResponse: the response has neither stages nor a sensitivity");
    re.fill(response.sensitivity.value);
  } else {
    for (let s = first - 1; s < last; s++) multiplyStage(all[s]!, frequenciesHz, re, im, options.applyDelayCorrection ?? true);
  }
  if (options.output) {
    const inputUnits = all.length > 0 ? all[first - 1]!.inputUnits : response.sensitivity!.inputUnits;
    const g = groundMotionOf(inputUnits);
    if (!g) throw new DataError(`evaluateResponse: input units "${inputUnits}" are not displacement, velocity or acceleration (cannot express per ${options.output})`);
    // counts = H_in·u_in and u_in = (iω)^(γin − γout)·u_out, so H_out = H_in·(iω)^(γin − γout) (× unit scale).
    const power = ORDER[g.motion] - ORDER[options.output];
    for (let i = 0; i < nf; i++) {
      const w = 2 * Math.PI * frequenciesHz[i]!;
      let r = re[i]! * g.perSi, q = im[i]! * g.perSi;
      for (let p = 0; p < Math.abs(power); p++) {
        if (power > 0) { const t = -q * w; q = r * w; r = t; } // × iω
        else if (w === 0) { r = 0; q = 0; }
        else { const t = q / w; q = -r / w; r = t; } // ÷ iω
      }
      re[i] = r; im[i] = q;
    }
  }
  return { re, im };
}

function multiplyStage(stage: ResponseStage, f: Float64Array, re: Float64Array, im: Float64Array, delayCorrection: boolean): void {
  const nf = f.length;
  const mul = (i: number, hr: number, hi: number): void => {
    const a = re[i]!, b = im[i]!;
    re[i] = a * hr - b * hi;
    im[i] = a * hi + b * hr;
  };
  switch (stage.kind) {
    case "gain":
      for (let i = 0; i < nf; i++) { re[i] = re[i]! * stage.gain; im[i] = im[i]! * stage.gain; }
      return;
    case "poles-zeros": {
      const { zeros, poles, normalizationFactor: a0, gain, transfer } = stage;
      const fs = (stage as { inputSampleRateHz?: number }).inputSampleRateHz;
      for (let i = 0; i < nf; i++) {
        let sr: number, si: number;
        if (transfer === "laplace-rad") { sr = 0; si = 2 * Math.PI * f[i]!; }
        else if (transfer === "laplace-hz") { sr = 0; si = f[i]!; }
        else {
          if (!fs) throw new DataError("evaluateResponse: a DIGITAL poles–zeros stage needs its input sample rate");
          const w = (2 * Math.PI * f[i]!) / fs;
          sr = Math.cos(w); si = Math.sin(w);
        }
        let hr = a0 * gain, hi = 0;
        for (const [zr, zi] of zeros) { const ar = sr - zr, ai = si - zi; const t = hr * ar - hi * ai; hi = hr * ai + hi * ar; hr = t; }
        for (const [pr, pi] of poles) {
          const br = sr - pr, bi = si - pi;
          const d = br * br + bi * bi;
          const t = (hr * br + hi * bi) / d; hi = (hi * br - hr * bi) / d; hr = t;
        }
        mul(i, hr, hi);
      }
      return;
    }
    case "coefficients":
    case "fir": {
      const num = stage.kind === "fir" ? expandFir(stage.coefficients, stage.symmetry) : stage.numerators;
      const den = stage.kind === "fir" ? [] : stage.denominators;
      const fs = stage.inputSampleRateHz;
      if (num.length === 0 && den.length === 0) {
        for (let i = 0; i < nf; i++) { re[i] = re[i]! * stage.gain; im[i] = im[i]! * stage.gain; }
        return;
      }
      if (!fs) throw new DataError(`evaluateResponse: a digital ${stage.kind} stage needs its input sample rate (Decimation/InputSampleRate)`);
      const correction = delayCorrection ? stage.correctionSeconds ?? 0 : 0;
      for (let i = 0; i < nf; i++) {
        const w = (2 * Math.PI * f[i]!) / fs;
        let nr = 0, ni = 0;
        for (let k = 0; k < num.length; k++) { nr += num[k]! * Math.cos(w * k); ni -= num[k]! * Math.sin(w * k); }
        let hr = nr, hi = ni;
        if (den.length > 0) {
          let dr = 0, di = 0;
          for (let k = 0; k < den.length; k++) { dr += den[k]! * Math.cos(w * k); di -= den[k]! * Math.sin(w * k); }
          const d = dr * dr + di * di;
          hr = (nr * dr + ni * di) / d; hi = (ni * dr - nr * di) / d;
        }
        const phi = 2 * Math.PI * f[i]! * correction;
        const cr = Math.cos(phi), ci = Math.sin(phi);
        mul(i, (hr * cr - hi * ci) * stage.gain, (hr * ci + hi * cr) * stage.gain);
      }
      return;
    }
    case "list": {
      const lf = stage.frequenciesHz, la = stage.amplitudes, lp = unwrapDegrees(stage.phasesDeg);
      for (let i = 0; i < nf; i++) {
        const x = f[i]!;
        let amp = 0, ph = 0;
        const j = upperIndex(lf, x);
        if (j < lf.length && lf[j] === x) { amp = la[j]!; ph = lp[j]!; }
        else if (j > 0 && j < lf.length) {
          const t = (x - lf[j - 1]!) / (lf[j]! - lf[j - 1]!);
          amp = la[j - 1]! + t * (la[j]! - la[j - 1]!);
          ph = lp[j - 1]! + t * (lp[j]! - lp[j - 1]!);
        }
        const rad = (ph * Math.PI) / 180;
        mul(i, amp * stage.gain * Math.cos(rad), amp * stage.gain * Math.sin(rad));
      }
      return;
    }
  }
}

function expandFir(c: readonly number[], symmetry: "NONE" | "EVEN" | "ODD"): number[] {
  if (symmetry === "NONE") return [...c];
  const mirrored = symmetry === "EVEN" ? [...c].reverse() : c.slice(0, -1).reverse();
  return [...c, ...mirrored];
}

function unwrapDegrees(p: readonly number[]): number[] {
  const out = [...p];
  for (let i = 1; i < out.length; i++) {
    let d = out[i]! - out[i - 1]!;
    while (d > 180) { out[i] = out[i]! - 360; d -= 360; }
    while (d < -180) { out[i] = out[i]! + 360; d += 360; }
  }
  return out;
}

// First index j with a[j] ≥ x (a sorted ascending).
function upperIndex(a: readonly number[], x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid]! < x) lo = mid + 1; else hi = mid; }
  return lo;
}

/**
 * ObsPy's `cosine_sac_taper(freqs, flimit)` (SAC's `freqlimits`): 0 below f1 and above f4, 1 between f2 and f3,
 * half-cosine ramps in between.
 * @param frequenciesHz frequencies, Hz; @param limitsHz [f1, f2, f3, f4], increasing
 * @returns taper values, same length
 */
export function cosineSacTaper(frequenciesHz: Float64Array, limitsHz: readonly [number, number, number, number]): Float64Array {
  const [f1, f2, f3, f4] = limitsHz;
  if (!(f1 <= f2 && f2 <= f3 && f3 <= f4)) throw new OptionError(`cosineSacTaper: limits must be increasing, got [${limitsHz.join(", ")}] Hz`, { field: "preFilterHz" });
  const out = new Float64Array(frequenciesHz.length);
  for (let i = 0; i < out.length; i++) {
    const f = frequenciesHz[i]!;
    if (f >= f1 && f <= f2) out[i] = f2 === f1 ? 1 : 0.5 * (1 - Math.cos((Math.PI * (f - f1)) / (f2 - f1)));
    else if (f > f2 && f < f3) out[i] = 1;
    else if (f >= f3 && f <= f4) out[i] = f4 === f3 ? 1 : 0.5 * (1 + Math.cos((Math.PI * (f - f3)) / (f4 - f3)));
  }
  return out;
}

/**
 * ObsPy's `invert_spectrum(spec, wlev)`, in place: values below max|H|·10^(−wlev/20) are raised to that level
 * (phase kept), then every non-zero value is inverted; zeros stay 0.
 * @param spec complex response (modified); @param waterLevelDb water level in dB below the maximum
 */
export function invertSpectrum(spec: ComplexSpectrum, waterLevelDb: number): void {
  const { re, im } = spec;
  let max = 0;
  for (let i = 0; i < re.length; i++) max = Math.max(max, Math.hypot(re[i]!, im[i]!));
  const swamp = max * 10 ** (-waterLevelDb / 20);
  for (let i = 0; i < re.length; i++) {
    let r = re[i]!, q = im[i]!;
    const a = Math.hypot(r, q);
    if (a === 0) { re[i] = 0; im[i] = 0; continue; }
    if (a < swamp) { r *= swamp / a; q *= swamp / a; }
    const d = r * r + q * q;
    re[i] = r / d; im[i] = -q / d;
  }
}

/** Options of `removeResponse` (ObsPy's `remove_response` defaults). */
export interface RemoveResponseOptions {
  /** Output quantity in SI units: m, m/s (default, as ObsPy) or m/s². */
  output?: GroundMotion;
  /** Water level in dB below the response maximum (default 60); null: plain inversion. */
  waterLevelDb?: number | null;
  /** Frequency-domain cosine taper [f1, f2, f3, f4] Hz applied to the spectrum (SAC's freqlimits); default none. */
  preFilterHz?: readonly [number, number, number, number] | null;
  /** Subtract the mean first (default true). */
  zeroMean?: boolean;
  /** Fraction per side of ObsPy's cosine taper before the FFT (default 0.05; 0 disables). */
  taperFraction?: number;
  /** FFT length: "obspy" (2·npts, even, moved to a 5-smooth length when it has a prime factor ≥ 1500) or a number ≥ npts. */
  nfft?: "obspy" | number;
  /** Stage range and delay correction as in `evaluateResponse`. */
  stages?: readonly [number, number];
  applyDelayCorrection?: boolean;
}

/** ObsPy's FFT length for response removal: 2·npts (even), avoiding large prime factors. */
export function responseFftLength(npts: number): number {
  const nfft = npts % 2 === 1 ? 2 * (npts + 1) : 2 * npts;
  let rest = nfft, largest = 1;
  for (let f = 2; f * f <= rest; f++) while (rest % f === 0) { largest = f; rest /= f; }
  if (rest > 1) largest = Math.max(largest, rest);
  return largest < 1500 ? nfft : nextFastLength(nfft);
}

/**
 * Removes an instrument response, as ObsPy's `Trace.remove_response`: optional demean and cosine taper,
 * real FFT of length nfft, multiplication by the pre-filter taper and the inverted (water-levelled) response,
 * inverse FFT, first npts samples.
 * SAC's `transfer from polezero to none freqlimits f1 f2 f3 f4` is `{ output: "displacement", waterLevelDb: null,
 * preFilterHz: [f1, f2, f3, f4], zeroMean: false, taperFraction: 0, nfft: next power of 2 ≥ npts }` after SAC's
 * rmean and taper.
 * @param x samples in the response's output units (counts)
 * @param sampleRateHz fs, Hz
 * @param response the channel's InstrumentResponse
 * @param options output quantity, water level, pre-filter, taper, nfft
 * @returns ground motion in m, m/s or m/s² (same length as x)
 * @throws DataError when the response cannot be expressed in the requested quantity; OptionError for bad options
 * @example removeResponse(trace.data, trace.sampleRateHz, channel.response!, { output: "velocity", preFilterHz: [0.01, 0.02, 20, 25] })
 */
export function removeResponse(x: Float64Array, sampleRateHz: number, response: InstrumentResponse, options: RemoveResponseOptions = {}): Float64Array {
  const npts = x.length;
  if (npts === 0) return new Float64Array(0);
  if (!(sampleRateHz > 0)) throw new OptionError(`removeResponse: sampling rate must be > 0 Hz, got ${sampleRateHz}`, { field: "sampleRateHz" });
  const nfft = options.nfft === undefined || options.nfft === "obspy" ? responseFftLength(npts) : options.nfft;
  if (!Number.isInteger(nfft) || nfft < npts) throw new OptionError(`removeResponse: nfft must be an integer ≥ npts (${npts}), got ${nfft}`, { field: "nfft" });
  let data = x;
  if (options.zeroMean ?? true) {
    let s = 0;
    for (let i = 0; i < npts; i++) s += x[i]!;
    const mean = s / npts;
    data = new Float64Array(npts);
    for (let i = 0; i < npts; i++) data[i] = x[i]! - mean;
  }
  const taper = options.taperFraction ?? 0.05;
  if (taper > 0) data = obspyTaper(data, taper, { type: "cosine" });
  const plan = new RealFft(nfft);
  const bins = plan.bins;
  const sre = new Float64Array(bins), sim = new Float64Array(bins);
  plan.forward(data, sre, sim);
  const freqs = new Float64Array(bins);
  for (let k = 0; k < bins; k++) freqs[k] = (k * sampleRateHz) / nfft;
  const resp = evaluateResponse(response, freqs, {
    output: options.output ?? "velocity",
    ...(options.stages ? { stages: options.stages } : {}),
    ...(options.applyDelayCorrection !== undefined ? { applyDelayCorrection: options.applyDelayCorrection } : {}),
  });
  const wl = options.waterLevelDb === undefined ? 60 : options.waterLevelDb;
  if (wl === null) invertSpectrum(resp, Infinity);
  else invertSpectrum(resp, wl);
  const pre = options.preFilterHz ? cosineSacTaper(freqs, options.preFilterHz) : undefined;
  for (let k = 0; k < bins; k++) {
    const t = pre ? pre[k]! : 1;
    const ar = sre[k]! * t, ai = sim[k]! * t;
    sre[k] = ar * resp.re[k]! - ai * resp.im[k]!;
    sim[k] = ar * resp.im[k]! + ai * resp.re[k]!;
  }
  // ObsPy: the Nyquist bin of an even transform is made real (|X|).
  if (nfft % 2 === 0) { sre[bins - 1] = Math.hypot(sre[bins - 1]!, sim[bins - 1]!); sim[bins - 1] = 0; }
  const out = new Float64Array(nfft);
  plan.inverse(sre, sim, out);
  return out.slice(0, npts);
}

/**
 * ObsPy's `remove_sensitivity`: divides by the overall sensitivity (a flat-band correction, no deconvolution).
 * @param x samples in counts; @param response a response with `sensitivity` (StationXML InstrumentSensitivity)
 * @returns x / sensitivity, in the sensitivity's input units (e.g. m/s)
 * @throws DataError when the response has no sensitivity or it is 0
 */
export function removeSensitivity(x: Float64Array, response: InstrumentResponse): Float64Array {
  const s = response.sensitivity?.value;
  if (s === undefined || s === 0 || !Number.isFinite(s)) throw new DataError(`removeSensitivity: the response has no usable sensitivity (got ${s})`);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! / s;
  return out;
}
