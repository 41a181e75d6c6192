// scipy.signal.spectrogram, exactly (ALGORITHM.md §1): constant detrend per segment, periodic window,
// one-sided real FFT of any length, 'spectrum'/'density' scaling, 'magnitude'/'psd' modes.
import { DataError, OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { custom, int, num, oneOf, resolveOptions, type Rules } from "../core/options.js";
import { bandDftKernel, type BandDft, type BandDftSpec } from "../kernels/band-dft.js";
import { isWasmSimdAvailable } from "../kernels/index.js";
import { ComplexFft, RealFft } from "./fft.js";
import { getWindow, type WindowSpec } from "./taper.js";

/**
 * Spectrogram parameters, as `scipy.signal.spectrogram` takes them, in samples or in seconds.
 * Give either `nperseg` (samples) or `windowSeconds` (nperseg = ⌊windowSeconds·fs⌋), and either `noverlap`
 * (samples) or `overlapFraction` (noverlap = ⌊nperseg·overlapFraction⌋); defaults as SciPy.
 */
export interface SpectrogramOptions {
  /** Segment length in samples (SciPy's default 256). */
  nperseg?: number;
  /** Overlap of consecutive segments in samples (default ⌊nperseg/8⌋). */
  noverlap?: number;
  /** FFT length ≥ nperseg, any integer (default, or null: nperseg). */
  nfft?: number | null;
  /** Segment length in seconds (the workflow's `winLen_Sec`). */
  windowSeconds?: number;
  /** Overlap as a fraction of the segment, 0 ≤ f < 1 (the workflow's `fracOverlap`). */
  overlapFraction?: number;
  /** Window, periodic form (SciPy's get_window); default ["tukey", 0.25]. */
  window?: WindowSpec;
  /** "density" (SciPy's default): 1/(fs·Σw²); "spectrum": 1/(Σw)². */
  scaling?: "spectrum" | "density";
  /** "psd" (SciPy's default): |F|²·c with one-sided doubling; "magnitude": |F|·√c. */
  mode?: "magnitude" | "psd";
  /** "constant" (SciPy's default): subtract each segment's mean; "none": no detrending. */
  detrend?: "constant" | "none";
  /** Keep only the rows fmin ≤ f ≤ fmax (Hz), computing nothing else (the tutorial's band). */
  bandHz?: readonly [number, number];
  /**
   * How the rows are computed (same numbers within rounding): "fft" a real FFT of nfft per segment; "direct" a
   * direct DFT of the segment's nperseg samples onto the output rows only (one matrix product, WebAssembly SIMD
   * where available); "auto" (default) "direct" when WebAssembly SIMD is available and rows·nperseg is small
   * against nfft·log2(nfft) (a band of a zero-padded segment), else "fft".
   */
  method?: "auto" | "fft" | "direct";
}

/** A spectrogram: values D×M (frequency rows, time columns), frequencies (Hz) and segment centre times (s). */
export interface SpectrogramResult {
  /** Frequencies of the rows, Hz (length D). */
  readonly frequenciesHz: Float64Array;
  /** Segment centre times from the first sample, s (length M). */
  readonly timesS: Float64Array;
  /** D×M, row-major. */
  readonly values: Matrix;
}

/** Resolved parameters of a spectrogram plan. */
export interface SpectrogramParams {
  readonly sampleRateHz: number;
  readonly nperseg: number;
  readonly noverlap: number;
  readonly nfft: number;
  readonly scaling: "spectrum" | "density";
  readonly mode: "magnitude" | "psd";
  readonly detrend: "constant" | "none";
}

const isBand = (v: unknown): boolean =>
  Array.isArray(v) && v.length === 2 && v.every((f) => typeof f === "number" && Number.isFinite(f)) && (v[0] as number) <= (v[1] as number);
const isWindow = (v: unknown): boolean =>
  v === "hann" || v === "boxcar" || v instanceof Float64Array ||
  (Array.isArray(v) && v[0] === "tukey" && typeof v[1] === "number") ||
  (typeof v === "object" && v !== null && (v as { type?: unknown }).type === "tukey" && typeof (v as { alpha?: unknown }).alpha === "number");

/** Segments transformed together by the batched FFT (amortises loop and twiddle costs; 16·nfft·2 doubles of buffers). */
const BATCH = 8;

const RULES: Rules = {
  nperseg: int({ min: 1 }),
  noverlap: int({ min: 0 }),
  nfft: custom<number | null>("an integer ≥ 1 or null", (v) => v === null || (typeof v === "number" && Number.isInteger(v) && v >= 1)),
  windowSeconds: num({ above: 0 }),
  overlapFraction: num({ min: 0, max: 1 }),
  window: custom<WindowSpec>('"hann", "boxcar", ["tukey", alpha] or a Float64Array', isWindow, ["tukey", 0.25] as const),
  scaling: oneOf(["spectrum", "density"] as const, "density"),
  mode: oneOf(["magnitude", "psd"] as const, "psd"),
  detrend: oneOf(["constant", "none"] as const, "constant"),
  bandHz: custom<readonly [number, number]>("[fmin, fmax] with fmin ≤ fmax (Hz)", isBand),
  method: oneOf(["auto", "fft", "direct"] as const, "auto"),
};

/**
 * A precomputed spectrogram: window, scale, FFT plan and band are fixed once, so `compute` allocates only its
 * output. Plans are not re-entrant (they own scratch buffers).
 * @example
 * const plan = new SpectrogramPlan(125, { nperseg: 64, noverlap: 16, nfft: 512, scaling: "spectrum", mode: "magnitude" });
 * const { values, timesS } = plan.compute(waveform); // values: 257 × 51 for 2501 samples
 */
export class SpectrogramPlan {
  readonly params: SpectrogramParams;
  /** Frequencies of the output rows (the band, or all ⌊nfft/2⌋ + 1 bins), Hz. */
  readonly frequenciesHz: Float64Array;
  /** First and last FFT bin of the output rows. */
  readonly firstBin: number;
  readonly lastBin: number;
  readonly #window: Float64Array;
  readonly #fft: RealFft;
  readonly #segment: Float64Array;
  readonly #re: Float64Array;
  readonly #im: Float64Array;
  readonly #factor: Float64Array;
  /** Even nfft: a batched half-length complex FFT transforming BATCH segments at once, and split twiddles. */
  readonly #batched?: ComplexFft;
  readonly #splitRe?: Float64Array;
  readonly #splitIm?: Float64Array;
  /** The direct band DFT's spec when that method is chosen (see SpectrogramOptions.method); its kernel, built at first use. */
  readonly #dftSpec?: BandDftSpec;
  #dft?: BandDft;

  /**
   * @param sampleRateHz sampling rate fs (Hz, > 0)
   * @param options see SpectrogramOptions
   * @throws OptionError for inconsistent or invalid options (both nperseg and windowSeconds, noverlap ≥ nperseg,
   *   nfft < nperseg, a band without bins)
   */
  constructor(sampleRateHz: number, options: SpectrogramOptions = {}) {
    if (!(typeof sampleRateHz === "number" && Number.isFinite(sampleRateHz) && sampleRateHz > 0)) {
      throw new OptionError(`spectrogram: sampling rate must be a finite number > 0 (Hz), got ${String(sampleRateHz)}`, { field: "sampleRateHz" });
    }
    const o = resolveOptions<Required<Omit<SpectrogramOptions, "nperseg" | "noverlap" | "nfft" | "windowSeconds" | "overlapFraction" | "bandHz" | "method">> & { method: "auto" | "fft" | "direct" } & SpectrogramOptions>("spectrogram", RULES, options);
    if (o.nperseg !== undefined && o.windowSeconds !== undefined) {
      throw new OptionError(`spectrogram: give nperseg (samples) or windowSeconds, not both (got ${o.nperseg} and ${o.windowSeconds})`, { field: "windowSeconds" });
    }
    if (o.noverlap !== undefined && o.overlapFraction !== undefined) {
      throw new OptionError(`spectrogram: give noverlap (samples) or overlapFraction, not both (got ${o.noverlap} and ${o.overlapFraction})`, { field: "overlapFraction" });
    }
    if (o.overlapFraction !== undefined && o.overlapFraction >= 1) {
      throw new OptionError(`spectrogram option "overlapFraction" must be < 1, got ${o.overlapFraction}`, { field: "overlapFraction" });
    }
    let nperseg = o.nperseg ?? 256;
    if (o.windowSeconds !== undefined) {
      nperseg = Math.floor(o.windowSeconds * sampleRateHz);
      if (nperseg < 1) throw new OptionError(`spectrogram: windowSeconds ${o.windowSeconds} s at ${sampleRateHz} Hz gives nperseg ${nperseg} (expected ≥ 1)`, { field: "windowSeconds" });
    }
    const noverlap = o.noverlap ?? (o.overlapFraction !== undefined ? Math.floor(nperseg * o.overlapFraction) : Math.floor(nperseg / 8));
    if (noverlap >= nperseg) throw new OptionError(`spectrogram: noverlap must be less than nperseg (${nperseg}), got ${noverlap}`, { field: "noverlap" });
    const nfft = o.nfft ?? nperseg;
    if (nfft < nperseg) throw new OptionError(`spectrogram: nfft must be ≥ nperseg (${nperseg}), got ${nfft}`, { field: "nfft" });
    this.params = Object.freeze({ sampleRateHz, nperseg, noverlap, nfft, scaling: o.scaling, mode: o.mode, detrend: o.detrend });

    const bins = Math.floor(nfft / 2) + 1;
    // numpy's rfftfreq: k · (1/(n·d)), d = 1/fs.
    const val = 1.0 / (nfft * (1 / sampleRateHz));
    let k0 = 0, k1 = bins - 1;
    if (o.bandHz) {
      const [fmin, fmax] = o.bandHz;
      k0 = bins; k1 = -1;
      for (let k = 0; k < bins; k++) {
        const f = k * val;
        if (f >= fmin && f <= fmax) { if (k < k0) k0 = k; k1 = k; }
      }
      if (k1 < k0) throw new OptionError(`spectrogram: band ${fmin}–${fmax} Hz holds no frequency bin (bins 0–${(bins - 1) * val} Hz every ${val} Hz)`, { field: "bandHz" });
    }
    this.firstBin = k0;
    this.lastBin = k1;
    this.frequenciesHz = new Float64Array(k1 - k0 + 1);
    for (let k = k0; k <= k1; k++) this.frequenciesHz[k - k0] = k * val;

    this.#window = getWindow(o.window, nperseg);
    this.#fft = new RealFft(nfft);
    const half = nfft % 2 === 0 ? new ComplexFft(nfft / 2) : undefined;
    if (half && !half.isBluestein) {
      this.#batched = new ComplexFft(nfft / 2, BATCH);
      this.#splitRe = new Float64Array(nfft / 2 + 1);
      this.#splitIm = new Float64Array(nfft / 2 + 1);
      for (let k = 0; k <= nfft / 2; k++) {
        this.#splitRe[k] = Math.cos((-2 * Math.PI * k) / nfft);
        this.#splitIm[k] = Math.sin((-2 * Math.PI * k) / nfft);
      }
    }
    this.#segment = new Float64Array(nperseg);
    this.#re = new Float64Array(k1 - k0 + 1);
    this.#im = new Float64Array(k1 - k0 + 1);
    // Per-row factor: √c for magnitude; c (doubled except DC and an even nfft's Nyquist) for psd.
    let sw = 0, sw2 = 0;
    for (let i = 0; i < nperseg; i++) { sw += this.#window[i]!; sw2 += this.#window[i]! * this.#window[i]!; }
    const scale = o.scaling === "spectrum" ? 1.0 / (sw * sw) : 1.0 / (sampleRateHz * sw2);
    this.#factor = new Float64Array(k1 - k0 + 1);
    for (let k = k0; k <= k1; k++) {
      if (o.mode === "magnitude") this.#factor[k - k0] = Math.sqrt(scale);
      else {
        const doubled = k > 0 && !(nfft % 2 === 0 && k === nfft / 2);
        this.#factor[k - k0] = doubled ? 2 * scale : scale;
      }
    }
    // Direct DFT cost ∝ rows·nperseg per segment (SIMD matrix product); FFT cost ∝ nfft·log2(nfft) (scalar).
    const isDirect = o.method === "direct" ||
      (o.method === "auto" && isWasmSimdAvailable() && (k1 - k0 + 1) * nperseg <= 4 * nfft * Math.log2(nfft));
    if (isDirect) {
      this.#dftSpec = Object.freeze({
        nperseg, window: this.#window, nfft, firstBin: k0, lastBin: k1, factor: this.#factor,
        isMagnitude: o.mode === "magnitude", isConstantDetrend: o.detrend === "constant",
      });
    }
  }

  /** "direct" when the rows come from the band DFT, "fft" otherwise. */
  get method(): "fft" | "direct" {
    return this.#dftSpec ? "direct" : "fft";
  }

  /** The band-DFT kernel of the "direct" method (the normalised plan normalises in its buffers), else undefined. */
  get bandDft(): BandDft | undefined {
    if (this.#dftSpec && !this.#dft) this.#dft = bandDftKernel("auto", this.#dftSpec);
    return this.#dft;
  }

  /** Number of segments (columns) for a waveform of `length` samples: ⌊(L − noverlap)/step⌋, 0 when L < nperseg. */
  segments(length: number): number {
    const { nperseg, noverlap } = this.params;
    if (length < nperseg) return 0;
    return Math.floor((length - noverlap) / (nperseg - noverlap));
  }

  /** Segment centre times (s from the first sample) for a waveform of `length` samples. */
  timesS(length: number): Float64Array {
    const { nperseg, noverlap, sampleRateHz } = this.params;
    const m = this.segments(length);
    const step = nperseg - noverlap;
    const t = new Float64Array(m);
    for (let i = 0; i < m; i++) t[i] = (nperseg / 2 + i * step) / sampleRateHz;
    return t;
  }

  /**
   * The spectrogram of one waveform.
   * @param x waveform samples (length L ≥ nperseg)
   * @param out optional output buffer of length D·M (reused across calls to avoid allocation)
   * @returns D×M matrix (rows = `frequenciesHz`, columns = segments)
   * @throws DataError when the waveform is shorter than nperseg
   */
  compute(x: Float64Array, out?: Float64Array): Matrix {
    const { nperseg, noverlap } = this.params;
    if (x.length < nperseg) {
      throw new DataError(`spectrogram: waveform has ${x.length} samples, fewer than nperseg ${nperseg}`);
    }
    const m = this.segments(x.length);
    const d = this.lastBin - this.firstBin + 1;
    if (out !== undefined && out.length !== d * m) throw new DataError(`spectrogram: output buffer holds ${out.length} values, expected ${d}×${m}`);
    const data = out ?? new Float64Array(d * m);
    const step = nperseg - noverlap;
    const dft = this.bandDft;
    if (dft) {
      data.set(dft.compute(x, m, step));
      return { data, shape: [d, m] };
    }
    if (this.#batched) {
      this.computeBatched(x, data, m, d);
      return { data, shape: [d, m] };
    }
    const w = this.#window, seg = this.#segment, re = this.#re, im = this.#im, factor = this.#factor;
    const isConstant = this.params.detrend === "constant";
    const isMagnitude = this.params.mode === "magnitude";
    for (let i = 0; i < m; i++) {
      const start = i * step;
      let mean = 0;
      if (isConstant) {
        for (let j = 0; j < nperseg; j++) mean += x[start + j]!;
        mean /= nperseg;
      }
      for (let j = 0; j < nperseg; j++) seg[j] = (x[start + j]! - mean) * w[j]!;
      this.#fft.forwardRange(seg, this.firstBin, this.lastBin, re, im);
      if (isMagnitude) for (let k = 0; k < d; k++) data[k * m + i] = Math.sqrt(re[k]! * re[k]! + im[k]! * im[k]!) * factor[k]!;
      else for (let k = 0; k < d; k++) data[k * m + i] = (re[k]! * re[k]! + im[k]! * im[k]!) * factor[k]!;
    }
    return { data, shape: [d, m] };
  }

  // Even nfft: segments go BATCH at a time through one interleaved half-length complex FFT (z = x[2j] + i·x[2j+1]),
  // then the real-FFT split X[k] = (Z[k] + conj Z[h−k])/2 + W^k·(Z[k] − conj Z[h−k])/(2i) for the output rows only.
  private computeBatched(x: Float64Array, data: Float64Array, m: number, d: number): void {
    const { nperseg, noverlap, nfft, detrend, mode } = this.params;
    const step = nperseg - noverlap;
    const fft = this.#batched!;
    const B = fft.batch;
    const h = nfft / 2;
    const nonzero = Math.min(h, Math.ceil(nperseg / 2));
    const zr = fft.workRe, zi = fft.workIm;
    const w = this.#window, factor = this.#factor, swr = this.#splitRe!, swi = this.#splitIm!;
    const k0 = this.firstBin, k1 = this.lastBin;
    const isConstant = detrend === "constant";
    const isMagnitude = mode === "magnitude";
    const odd = nperseg % 2 === 1;
    const pairs = odd ? nonzero - 1 : nonzero;
    for (let i0 = 0; i0 < m; i0 += B) {
      const nb = Math.min(B, m - i0);
      for (let b = 0; b < nb; b++) {
        const start = (i0 + b) * step;
        let mean = 0;
        if (isConstant) {
          for (let j = 0; j < nperseg; j++) mean += x[start + j]!;
          mean /= nperseg;
        }
        for (let j = 0; j < pairs; j++) {
          const a = start + 2 * j;
          zr[j * B + b] = (x[a]! - mean) * w[2 * j]!;
          zi[j * B + b] = (x[a + 1]! - mean) * w[2 * j + 1]!;
        }
        if (odd) { zr[pairs * B + b] = (x[start + nperseg - 1]! - mean) * w[nperseg - 1]!; zi[pairs * B + b] = 0; }
      }
      // Unused lanes of a last, partial batch keep earlier (finite) values; their outputs are not read.
      const inA = fft.run(nonzero);
      const Zr = fft.resultRe(inA), Zi = fft.resultIm(inA);
      for (let k = k0; k <= k1; k++) {
        const row = (k - k0) * m + i0;
        const f = factor[k - k0]!;
        if (k === 0 || k === h) {
          for (let b = 0; b < nb; b++) {
            const v = k === 0 ? Zr[b]! + Zi[b]! : Zr[b]! - Zi[b]!;
            data[row + b] = isMagnitude ? Math.abs(v) * f : v * v * f;
          }
          continue;
        }
        const wr = swr[k]!, wi = swi[k]!;
        const fh = isMagnitude ? 0.5 * f : 0.25 * f;
        const ka = k * B, kb = (h - k) * B;
        for (let b = 0; b < nb; b++) {
          // 2·X[k] (the ½ of the split is folded into the row factor fh)
          const ar = Zr[ka + b]!, ai = Zi[ka + b]!, br = Zr[kb + b]!, bi = -Zi[kb + b]!;
          const er = ar + br, ei = ai + bi;
          const or = ai - bi, oi = br - ar;
          const xr = er + or * wr - oi * wi, xi = ei + or * wi + oi * wr;
          const p = xr * xr + xi * xi;
          data[row + b] = isMagnitude ? Math.sqrt(p) * fh : p * fh;
        }
      }
    }
  }
}

/**
 * `scipy.signal.spectrogram(x, fs, ...)` with one-sided output (ALGORITHM.md §1).
 * @param x waveform (Float64Array, length L ≥ nperseg)
 * @param sampleRateHz fs, Hz
 * @param options SpectrogramOptions (samples or seconds; window, scaling, mode, band)
 * @returns { frequenciesHz (D), timesS (M, segment centres), values D×M }
 * @throws OptionError for invalid options; DataError for a waveform shorter than nperseg
 * @example
 * const s = spectrogram(x, 125, { nperseg: 64, noverlap: 16, nfft: 512, scaling: "spectrum", mode: "magnitude" });
 */
export function spectrogram(x: Float64Array, sampleRateHz: number, options: SpectrogramOptions = {}): SpectrogramResult {
  const plan = new SpectrogramPlan(sampleRateHz, options);
  const values = plan.compute(x);
  return { frequenciesHz: plan.frequenciesHz.slice(), timesS: plan.timesS(x.length), values };
}
