// The spectrogram's band of frequency rows by a direct DFT (STYLE.md §7): each segment has only nperseg non-zero
// samples of nfft, and only rows k0..k1 are wanted, so X[k] = Σ_j s_j e^{−2πi·jk/nfft} over the segment is one
// (rows × taps)·(taps × segments) matrix product, halved by pairing samples symmetric about the segment centre c:
//   X[k]·e^{2πi·ck/nfft} = Σ_p E_p cos(2πk·u_p/nfft) − i Σ_p O_p sin(2πk·u_p/nfft),
//   E_p = s(c + u_p) + s(c − u_p), O_p = s(c + u_p) − s(c − u_p),  u_p = p + ½ (even nperseg) or p (odd),
// and |X[k]| is unchanged by the unit phase factor. Backends: "js" plain loops, "wasm" WebAssembly SIMD; both
// use the same packed layouts and the same operation order, so they give the same bits.
import { OptionError } from "../core/errors.js";
import type { KernelBackend, KernelName } from "./types.js";
import { BAND_DFT_ROWS, BAND_DFT_VECTORS } from "./wasm/band-dft-wat.js";
import { bandDftJs, highWord, lnKernel, type BandDftMemory } from "./js/band-dft.js";
import { wasmBandDft } from "./wasm/band-dft.js";

/** What a band DFT computes: the STFT's segment handling and the output rows. */
export interface BandDftSpec {
  /** Segment length (samples). */
  readonly nperseg: number;
  /** Window of nperseg samples (already periodic/normalised as the caller wants). */
  readonly window: Float64Array;
  /** DFT length ≥ nperseg (the segment is zero-padded to it). */
  readonly nfft: number;
  /** First and last DFT bin of the output rows (0 ≤ firstBin ≤ lastBin ≤ ⌊nfft/2⌋). */
  readonly firstBin: number;
  readonly lastBin: number;
  /** Per-row factor (length lastBin − firstBin + 1): output = |X|·factor (magnitude) or |X|²·factor (power). */
  readonly factor: Float64Array;
  /** true: |X|·factor; false: |X|²·factor. */
  readonly isMagnitude: boolean;
  /** Subtract each segment's mean before windowing (SciPy's detrend "constant"). */
  readonly isConstantDetrend: boolean;
}

/** Rows per basis panel and segments per segment panel of the packed layouts. */
export const BAND_DFT_PANEL_ROWS = BAND_DFT_ROWS;
export const BAND_DFT_PANEL_SEGMENTS = 2 * BAND_DFT_VECTORS;

/** The packed operands of one run; views into the backend's memory. */
export interface BandDftBuffers {
  /** Cos and sin basis panels: panel q holds, for p < h, rows qR..qR+R−1 (p-major). */
  readonly basisCos: Float64Array;
  readonly basisSin: Float64Array;
  /** Row factors, padded with zeros to whole panels, and their squares (power output of a magnitude spec). */
  readonly factor: Float64Array;
  readonly factorSquared: Float64Array;
  /** Even/odd folded segments: panel g holds, for p < h, segments gW..gW+W−1 (p-major). */
  readonly even: Float64Array;
  readonly odd: Float64Array;
  /** D×M output. */
  readonly out: Float64Array;
  /** The window (nperseg) and room for the waveform (backends that fold from their own memory copy x here). */
  readonly window: Float64Array;
  readonly samples: Float64Array;
  /** Normalisation scratch: [min positive, max, zeros]; bucket counts (u32, MAX_BUCKETS + 1); gathered values. */
  readonly stats: Float64Array;
  readonly hist: Float64Array;
  readonly gathered: Float64Array;
}

/** Histogram buckets of the median search (plus one spare for zeros). */
const MAX_BUCKETS = 1024;
const MIN_NORMAL = 2.2250738585072014e-308;
const K_DB = 20 / Math.LN10;

/**
 * A band-DFT spectrogram kernel with buffers for up to `capacity` segments (grown on demand).
 * Not re-entrant: it owns its buffers.
 */
export class BandDft {
  readonly name: KernelName;
  /** Output rows D = lastBin − firstBin + 1. */
  readonly rows: number;
  /** Folded taps per segment, ⌈nperseg/2⌉. */
  readonly taps: number;
  readonly #spec: BandDftSpec;
  readonly #mem: BandDftMemory;
  #buffers: BandDftBuffers;
  #capacity = 0;
  #samples = 0;
  #last = 0;
  #isSquared = false;

  constructor(spec: BandDftSpec, mem: BandDftMemory) {
    this.#spec = spec;
    this.#mem = mem;
    this.name = mem.name;
    const d = spec.lastBin - spec.firstBin + 1;
    this.rows = d;
    this.taps = Math.ceil(spec.nperseg / 2);
    this.#buffers = this.#layout(BAND_DFT_PANEL_SEGMENTS, spec.nperseg);
    this.#fillBasis();
  }

  #layout(segments: number, samples: number): BandDftBuffers {
    const R = BAND_DFT_PANEL_ROWS, W = BAND_DFT_PANEL_SEGMENTS, h = this.taps;
    const dp = Math.ceil(this.rows / R), mp = Math.ceil(segments / W);
    const n = this.rows * mp * W;
    const { nperseg } = this.#spec;
    const b = this.#mem.allocate([dp * R * h, dp * R * h, dp * R, dp * R, nperseg, mp * W * h, mp * W * h, n, 3, (MAX_BUCKETS + 2) / 2, n, samples]);
    this.#capacity = mp * W;
    this.#samples = samples;
    b[4]!.set(this.#spec.window);
    return { basisCos: b[0]!, basisSin: b[1]!, factor: b[2]!, factorSquared: b[3]!, window: b[4]!, even: b[5]!, odd: b[6]!, out: b[7]!, stats: b[8]!, hist: b[9]!, gathered: b[10]!, samples: b[11]! };
  }

  // Basis panels: cos/sin(π·(k·t_p mod 2n)/n) with t_p = 2u_p (an integer), so the angle is reduced exactly.
  #fillBasis(): void {
    const { nperseg, nfft, firstBin, factor } = this.#spec;
    const { basisCos, basisSin, factor: f, factorSquared: f2 } = this.#buffers;
    const R = BAND_DFT_PANEL_ROWS, h = this.taps, half = Math.ceil(nperseg / 2);
    const isEven = nperseg % 2 === 0;
    basisCos.fill(0); basisSin.fill(0); f.fill(0);
    for (let row = 0; row < this.rows; row++) {
      const k = firstBin + row;
      const base = Math.floor(row / R) * h * R + (row % R);
      f[row] = factor[row]!;
      f2[row] = factor[row]! * factor[row]!;
      for (let p = 0; p < half; p++) {
        const t = isEven ? 2 * p + 1 : 2 * p;
        const a = (Math.PI * ((k * t) % (2 * nfft))) / nfft;
        basisCos[base + p * R] = Math.cos(a);
        basisSin[base + p * R] = Math.sin(a);
      }
    }
  }

  /** Ensures room for m segments and a waveform of `samples`; growing moves the buffers (all but the basis are scratch). */
  #ensure(m: number, samples: number): BandDftBuffers {
    if (m <= this.#capacity && samples <= this.#samples) return this.#buffers;
    const old = this.#buffers;
    const cos = old.basisCos.slice(), sin = old.basisSin.slice(), f = old.factor.slice(), f2 = old.factorSquared.slice();
    this.#buffers = this.#layout(Math.max(m, this.#capacity), Math.max(samples, this.#samples));
    this.#buffers.basisCos.set(cos); this.#buffers.basisSin.set(sin); this.#buffers.factor.set(f); this.#buffers.factorSquared.set(f2);
    return this.#buffers;
  }

  /**
   * The D×M spectrogram rows of x's first m segments (segment i starts at i·step), as a view that stays valid
   * until the next call.
   * @param x waveform (length ≥ (m − 1)·step + nperseg); @param m segments (≥ 1); @param step hop (samples)
   * @param isSquared for a magnitude spec, output (|X|·factor)² instead (for `decibelsAboveMedian`, which then
   *   normalises the magnitudes all the same)
   */
  compute(x: Float64Array, m: number, step: number, isSquared = false): Float64Array {
    const buf = this.#ensure(m, this.#mem.copiesSamples ? x.length : 0);
    const h = this.taps;
    const { nperseg, isConstantDetrend } = this.#spec;
    const mp = Math.ceil(m / BAND_DFT_PANEL_SEGMENTS);
    this.#mem.fold(x, m, step, nperseg, h, isConstantDetrend, mp, buf);
    const out = buf.out.subarray(0, this.rows * m);
    // Squared magnitudes skip the square roots; the normalisation takes the median's root and halves the logs.
    const squared = isSquared && this.#spec.isMagnitude;
    this.#mem.run(Math.ceil(this.rows / BAND_DFT_PANEL_ROWS), mp, h, buf, this.rows, m, this.#spec.isMagnitude && !squared, squared ? buf.factorSquared : buf.factor);
    this.#last = this.rows * m;
    this.#isSquared = squared;
    return out;
  }

  /**
   * The tutorial normalisation of the last `compute` output, in place (ALGORITHM.md §1): med = numpy's median of
   * all D·M values, then v ← max(20·log10(v/med), 0). The median is found exactly by a histogram of the values'
   * high words, a gather of the one or two middle buckets and a sort of those few values.
   * @returns med (> 0, of the magnitudes also after a squared `compute`); or 0 (zero median) or NaN (a NaN, ±Inf or
   *   negative value, or a median whose square or value is not a normal double) with the values left unchanged,
   *   for the caller's checked path to report (recompute without `isSquared` first)
   */
  decibelsAboveMedian(): number {
    const n = this.#last, buf = this.#buffers, mem = this.#mem;
    if (n === 0 || mem.scan(n, buf)) return NaN;
    const minPos = buf.stats[0]!, max = buf.stats[1]!, zeros = buf.stats[2]!;
    const r1 = (n - 1) >> 1, r2 = n >> 1;
    if (r2 < zeros) return 0;
    let v1: number, v2: number;
    if (r1 < zeros) {
      v1 = 0; v2 = minPos;
    } else {
      const hiMin = highWord(minPos), hiMax = highWord(max);
      let shift = 12;
      while ((hiMax >>> shift) - (hiMin >>> shift) + 1 > MAX_BUCKETS) shift++;
      const base = hiMin >>> shift, size = (hiMax >>> shift) - base + 1;
      mem.histogram(n, buf, shift, base, size);
      const hist = new Uint32Array(buf.hist.buffer, buf.hist.byteOffset, size);
      // ranks among the positive values
      const q1 = r1 - zeros, q2 = r2 - zeros;
      let b1 = -1, b2 = -1, before1 = 0, before2 = 0, cum = 0;
      for (let b = 0; b < size && b2 < 0; b++) {
        const c = hist[b]!;
        if (b1 < 0 && cum + c > q1) { b1 = b; before1 = cum; }
        if (cum + c > q2) { b2 = b; before2 = cum; }
        cum += c;
      }
      const first = b1 !== b2 ? hist[b1]! : 0;
      const g = mem.gather(n, buf, shift, base, b1, b2);
      // bucket b1 < b2 holds the smaller values, so they sort first
      const sorted = buf.gathered.subarray(0, g).sort();
      v1 = sorted[q1 - before1]!;
      v2 = sorted[first + q2 - before2]!;
    }
    if (this.#isSquared) { v1 = Math.sqrt(v1); v2 = Math.sqrt(v2); }
    const med = r1 === r2 ? v2 : (v1 + v2) / 2;
    // 20·log10(v/med), or 10·log10(v²/med²) on squared output
    const threshold = this.#isSquared ? med * med : med;
    if (!(med > 0)) return med === 0 ? 0 : NaN;
    if (!(threshold >= MIN_NORMAL && threshold < Infinity)) return NaN;
    mem.decibels(n, buf, threshold, lnKernel(threshold), this.#isSquared ? K_DB / 2 : K_DB);
    return med;
  }
}

/**
 * A band-DFT kernel for a backend: "js" (plain loops), "wasm" (WebAssembly SIMD) or "auto" (wasm where
 * available). Both give the same bits.
 * @throws OptionError for "wasm" where WebAssembly SIMD is unavailable
 * @example
 * const k = bandDftKernel("auto", { nperseg: 64, window, nfft: 512, firstBin: 26, lastBin: 102, factor, isMagnitude: true, isConstantDetrend: true });
 * const values = k.compute(x, 62, 48); // 77 × 62, row-major
 */
export function bandDftKernel(backend: KernelBackend, spec: BandDftSpec): BandDft {
  if (backend === "js") return new BandDft(spec, bandDftJs());
  const mem = wasmBandDft();
  if (backend === "wasm" && !mem) {
    throw new OptionError(`bandDftKernel: backend "wasm" needs WebAssembly SIMD, which this runtime does not support (use "js" or "auto")`, { field: "backend" });
  }
  return new BandDft(spec, mem ?? bandDftJs());
}
