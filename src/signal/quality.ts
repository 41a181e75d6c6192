// Spectrogram quality control (ALGORITHM.md §1): a waveform with NaN/Inf, too few samples or another sampling
// rate, or a spectrogram with a zero median, is rejected with its event id and reason into a rejection list —
// nothing is silently dropped or zero-filled.
import { DataError, OptionError } from "../core/errors.js";
import { NormalizedSpectrogramPlan, pooledSpectrogram, type NormalizedSpectrogram, type NormalizedSpectrogramOptions } from "./normalize.js";

/** Why a waveform produced no spectrogram. */
export type RejectionCode = "nan" | "inf" | "too-short" | "length" | "sample-rate" | "zero-median" | "data";

/** A rejected event: its id, a machine-readable code and a sentence for people. */
export interface Rejection {
  readonly eventId: string;
  readonly code: RejectionCode;
  readonly reason: string;
}

/** One waveform to turn into a spectrogram. */
export interface WaveformInput {
  readonly eventId: string;
  readonly data: Float64Array;
  readonly sampleRateHz: number;
}

/** Options of `computeSpectrograms`: the normalised STFT's, plus the checks. */
export type SpectrogramBatchOptions = Omit<NormalizedSpectrogramOptions, "eventId"> & {
  /** Expected sampling rate, Hz (default: the first waveform's); others are rejected ("sample-rate"). */
  sampleRateHz?: number;
  /** Required waveform length in samples: shorter → "too-short", longer → "length" (default: any length ≥ nperseg). */
  lengthSamples?: number;
  /** Divide each waveform by its maximum |x| first, as specufex_processing does (the dB result is unchanged). */
  normalizeWaveforms?: boolean;
  /** The workflow's time-pooling variant: pool hop-1 columns in blocks of `pool` (see `pooledSpectrogram`). */
  pool?: { readonly pool: number; readonly tminS?: number; readonly tmaxS?: number };
};

/** Spectrograms of the accepted events (input order) and the rejections. */
export interface SpectrogramBatchResult {
  readonly accepted: { readonly eventId: string; readonly spectrogram: NormalizedSpectrogram }[];
  readonly rejected: Rejection[];
}

/**
 * Checks a waveform before its spectrogram: finite samples, sampling rate, length.
 * @param w waveform with its event id and rate
 * @param expected sampleRateHz, minSamples (nperseg), lengthSamples (optional exact length)
 * @returns a Rejection, or undefined when the waveform is usable
 */
export function checkWaveform(w: WaveformInput, expected: { sampleRateHz: number; minSamples: number; lengthSamples?: number }): Rejection | undefined {
  const id = w.eventId;
  if (!(Math.abs(w.sampleRateHz - expected.sampleRateHz) <= 1e-9 * expected.sampleRateHz)) {
    return { eventId: id, code: "sample-rate", reason: `sampling rate ${w.sampleRateHz} Hz differs from ${expected.sampleRateHz} Hz` };
  }
  const x = w.data;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== v) return { eventId: id, code: "nan", reason: `sample ${i} is NaN` };
    if (v === Infinity || v === -Infinity) return { eventId: id, code: "inf", reason: `sample ${i} is ${v}` };
  }
  const need = expected.lengthSamples ?? expected.minSamples;
  if (x.length < need) return { eventId: id, code: "too-short", reason: `${x.length} samples, fewer than ${need}${expected.lengthSamples === undefined ? " (nperseg)" : ""}` };
  if (expected.lengthSamples !== undefined && x.length > expected.lengthSamples) {
    return { eventId: id, code: "length", reason: `${x.length} samples, more than the ${expected.lengthSamples} expected` };
  }
  return undefined;
}

/**
 * Normalised spectrograms of many waveforms with quality control: every input ends up either accepted or in
 * `rejected` with its reason (NaN/Inf samples, other sampling rate, too short, zero median).
 * @param inputs waveforms with event ids (iterated once)
 * @param options STFT options (samples or seconds), band fminHz/fmaxHz, sampleRateHz, lengthSamples,
 *   normalizeWaveforms, pool
 * @returns { accepted: [{ eventId, spectrogram }], rejected: [{ eventId, code, reason }] }
 * @throws OptionError for invalid STFT options (before any waveform is processed)
 * @example
 * const { accepted, rejected } = computeSpectrograms(waveforms, { nperseg: 64, noverlap: 16, nfft: 512, scaling: "spectrum", mode: "magnitude", fminHz: 5, fmaxHz: 20 });
 */
export function computeSpectrograms(inputs: Iterable<WaveformInput>, options: SpectrogramBatchOptions): SpectrogramBatchResult {
  const { sampleRateHz, lengthSamples, normalizeWaveforms, pool, ...stftOptions } = options;
  const accepted: { eventId: string; spectrogram: NormalizedSpectrogram }[] = [];
  const rejected: Rejection[] = [];
  const pooled = pool ? { ...withoutOverlap(stftOptions), ...pool } : undefined;
  let plan: NormalizedSpectrogramPlan | undefined;
  let rate = sampleRateHz;
  if (rate !== undefined) plan = new NormalizedSpectrogramPlan(rate, stftOptions);
  for (const w of inputs) {
    if (rate === undefined) { rate = w.sampleRateHz; plan = new NormalizedSpectrogramPlan(rate, stftOptions); }
    const nperseg = plan!.stft.params.nperseg;
    const problem = checkWaveform(w, { sampleRateHz: rate, minSamples: nperseg, ...(lengthSamples !== undefined ? { lengthSamples } : {}) });
    if (problem) { rejected.push(problem); continue; }
    let x = w.data;
    if (normalizeWaveforms) {
      let max = 0;
      for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]!));
      if (max > 0) { x = x.slice(); for (let i = 0; i < x.length; i++) x[i] = x[i]! / max; }
    }
    try {
      const spectrogram = pooled
        ? pooledSpectrogram(x, rate, { ...pooled, eventId: w.eventId })
        : plan!.compute(x, w.eventId);
      accepted.push({ eventId: w.eventId, spectrogram });
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      rejected.push({ eventId: w.eventId, code: /median/.test(err.message) ? "zero-median" : /NaN|Infinity/.test(err.message) ? "nan" : "data", reason: err.message });
    }
  }
  return { accepted, rejected };
}

function withoutOverlap(o: Omit<NormalizedSpectrogramOptions, "eventId">): Omit<NormalizedSpectrogramOptions, "eventId" | "noverlap" | "overlapFraction"> {
  const { noverlap, overlapFraction, ...rest } = o;
  if (noverlap !== undefined || overlapFraction !== undefined) {
    throw new OptionError("computeSpectrograms: the pooled variant uses a hop of 1 sample; do not give noverlap or overlapFraction", { field: "noverlap" });
  }
  return rest;
}
