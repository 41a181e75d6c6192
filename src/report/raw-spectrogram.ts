// The raw (un-normalised) power spectrogram of a waveform for figure 1, evaluated at the store's
// frequencies and column times: a Hann-windowed DFT per column, one-sided power spectral density in dB.
import type { Matrix } from "../core/matrix.js";
import type { ReportWaveform } from "./data.js";

/**
 * Power spectral density (dB, 10·log10 of units²/Hz) of `wave` at `frequenciesHz` (D) for column times
 * `t0Seconds + m·dtSeconds`, m < M (times relative to the waveform's reference, like `startSeconds`).
 * Each column is the DFT of the `nperseg` samples centred on its time (zeros beyond the record),
 * Hann window, scaled as SciPy's `spectrogram(..., scaling="density")`.
 * @returns D×M matrix.
 */
export function rawSpectrogramDb(wave: ReportWaveform, frequenciesHz: Float64Array, t0Seconds: number, dtSeconds: number, M: number, nperseg: number): Matrix {
  const D = frequenciesHz.length;
  const fs = wave.sampleRateHz;
  const x = wave.data;
  const L = x.length;
  const w = new Float64Array(nperseg);
  let wss = 0;
  for (let j = 0; j < nperseg; j++) {
    // Periodic Hann, as SciPy's get_window("hann").
    w[j] = 0.5 - 0.5 * Math.cos((2 * Math.PI * j) / nperseg);
    wss += w[j]! * w[j]!;
  }
  const cosT = new Float64Array(D * nperseg);
  const sinT = new Float64Array(D * nperseg);
  for (let d = 0; d < D; d++) {
    for (let j = 0; j < nperseg; j++) {
      const ph = (2 * Math.PI * frequenciesHz[d]! * j) / fs;
      cosT[d * nperseg + j] = Math.cos(ph);
      sinT[d * nperseg + j] = Math.sin(ph);
    }
  }
  const seg = new Float64Array(nperseg);
  const out = new Float64Array(D * M);
  for (let m = 0; m < M; m++) {
    const centre = (t0Seconds + m * dtSeconds - wave.startSeconds) * fs;
    const first = Math.round(centre - nperseg / 2);
    let mean = 0;
    for (let j = 0; j < nperseg; j++) {
      const k = first + j;
      seg[j] = k >= 0 && k < L ? x[k]! : 0;
      mean += seg[j]!;
    }
    mean /= nperseg;
    // SciPy detrends each segment by its mean ("constant") by default.
    for (let j = 0; j < nperseg; j++) seg[j] = (seg[j]! - mean) * w[j]!;
    for (let d = 0; d < D; d++) {
      let re = 0;
      let im = 0;
      const o = d * nperseg;
      for (let j = 0; j < nperseg; j++) {
        re += seg[j]! * cosT[o + j]!;
        im -= seg[j]! * sinT[o + j]!;
      }
      const f = frequenciesHz[d]!;
      const oneSided = f > 0 && f < fs / 2 ? 2 : 1;
      const psd = (oneSided * (re * re + im * im)) / (fs * wss);
      out[d * M + m] = 10 * Math.log10(Math.max(psd, 1e-300));
    }
  }
  return { data: out, shape: [D, M] };
}
