// The tutorial normalisation SpecUFEx results depend on (ALGORITHM.md §1): band fMin ≤ f ≤ fMax, divide by
// the spectrogram's own median, 20·log10, floor at 0; and the workflow's time-pooling variant.
import { DataError, OptionError } from "../core/errors.js";
import { SpectrogramPlan, type SpectrogramOptions, type SpectrogramResult } from "./stft.js";

/** The frequency band of the normalisation, Hz (inclusive at both ends). */
export interface BandOptions {
  readonly fminHz: number;
  readonly fmaxHz: number;
  /** Event id named in errors. */
  readonly eventId?: string;
}

/** A normalised spectrogram: dB above its median, floored at 0 (D×M), with its axes and the median. */
export interface NormalizedSpectrogram extends SpectrogramResult {
  /** The median of the band's linear values that the spectrogram was divided by. */
  readonly median: number;
}

/**
 * Median of all values (numpy's `median`: the mean of the two middle values for an even count).
 * @param values any Float64Array (not modified); @param scratch optional buffer of the same length
 * @returns the median, NaN when `values` holds a NaN or is empty
 */
export function median(values: Float64Array, scratch?: Float64Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  const a = scratch && scratch.length >= n ? scratch.subarray(0, n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) return NaN;
    a[i] = v;
  }
  const hi = n >> 1;
  const upper = select(a, hi);
  if (n % 2 === 1) return upper;
  // After selecting index hi, the lower half holds the values ≤ a[hi]; its maximum is the other middle value.
  let lower = -Infinity;
  for (let i = 0; i < hi; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}

// Quickselect (Hoare partition, median-of-three pivot): places the k-th smallest at a[k].
function select(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three into a[mid]
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) { swap(a, i, j); i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!; a[i] = a[j]!; a[j] = t;
}

/**
 * Replaces linear values by 20·log10(v / median), floored at 0 (a zero entry gives 0), in place.
 * Non-negative input (magnitudes, PSDs) takes a fast path: a histogram of the doubles' exponent/mantissa bits
 * finds the median in three linear passes, and the logarithms come from a 256-entry table plus a short series
 * (absolute error below 1e-14 dB); other input is handled by quickselect and Math.log10.
 * @param values linear spectrogram values (modified)
 * @param eventId named in errors
 * @param scratch optional buffer of values.length doubles, reused across calls
 * @returns the median used
 * @throws DataError when a value is NaN/±Inf or the median is 0 (ALGORITHM.md §1: never silently kept)
 */
export function medianDecibelsInPlace(values: Float64Array, eventId?: string, scratch?: Float64Array): number {
  const where = eventId === undefined ? "normalizeSpectrogram" : `normalizeSpectrogram (event ${eventId})`;
  const ctx = eventId === undefined ? {} : { event: eventId };
  const n = values.length;
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  const stats = scanKeys(words, n);
  if (stats.badIndex >= 0) {
    const v = values[stats.badIndex]!;
    throw new DataError(`${where}: spectrogram value ${stats.badIndex} is ${v} (expected finite values)`, ctx);
  }
  if (stats.hasNegative || n === 0) return medianDecibelsGeneric(values, where, ctx, scratch);
  const med = stats.zeros * 2 > n ? 0 : medianFromHistogram(values, words, n, stats.zeros, stats.kmin, stats.kmax, scratch);
  if (!(med > 0)) throw new DataError(`${where}: spectrogram median is ${med} (expected > 0)`, ctx);
  decibelsAbove(values, words, n, med);
  return med;
}

// Pass 1 over the high words: the first NaN/±Inf, negatives, exact zeros (±0) and the range of histogram keys
// (high word >>> 12: exponent + 8 mantissa bits).
function scanKeys(words: Uint32Array, n: number): { badIndex: number; hasNegative: boolean; zeros: number; kmin: number; kmax: number } {
  const hiOff = HI, loOff = LO;
  let kmin = 0xffffffff, kmax = 0, zeros = 0, hasNegative = false;
  for (let i = 0; i < n; i++) {
    const hi = words[hiOff + 2 * i]!;
    const abs = hi & 0x7fffffff;
    if (abs >= 0x7ff00000) return { badIndex: i, hasNegative, zeros, kmin, kmax };
    if (abs === 0 && words[loOff + 2 * i] === 0) { zeros++; continue; }
    if (hi !== abs) { hasNegative = true; continue; }
    const k = hi >>> 12;
    if (k < kmin) kmin = k;
    if (k > kmax) kmax = k;
  }
  return { badIndex: -1, hasNegative, zeros, kmin, kmax };
}

// dB = 20/ln10 · (ln v − ln med), with ln split as e·ln2 + ln(mantissa) so the exponents cancel exactly; zero and
// subnormal inputs land far below the median and floor to 0 like any smaller value.
function decibelsAbove(values: Float64Array, words: Uint32Array, n: number, med: number): void {
  const hiOff = HI, loOff = LO;
  const medWords = new Uint32Array(Float64Array.of(med).buffer);
  const eMed = (medWords[hiOff]! >>> 20) - 1023;
  const restMed = lnMantissa(medWords[hiOff]!, medWords[loOff]!);
  const K = 20 / Math.LN10;
  const ln2 = Math.LN2;
  for (let i = 0; i < n; i++) {
    const hi = words[hiOff + 2 * i]! & 0x7fffffff; // −0 as +0
    const lo = words[loOff + 2 * i]!;
    const db = K * (((hi >>> 20) - 1023 - eMed) * ln2 + (lnMantissa(hi, lo) - restMed));
    // max(db, 0) without a branch (about half the entries are below the median, so a branch mispredicts):
    // db + |db| is exactly 2·db or +0.
    values[i] = (db + Math.abs(db)) * 0.5;
  }
}

function medianDecibelsGeneric(values: Float64Array, where: string, ctx: { event?: string }, scratch?: Float64Array): number {
  const med = median(values, scratch);
  if (!(med > 0)) throw new DataError(`${where}: spectrogram median is ${med} (expected > 0)`, ctx);
  for (let i = 0; i < values.length; i++) {
    const db = 20 * Math.log10(values[i]! / med);
    values[i] = db > 0 ? db : 0;
  }
  return med;
}

// Word order of a double in a Uint32Array view: hosts are little-endian in practice; checked once.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

// ln of a double's mantissa m ∈ [1, 2): ln c_j + ln(1 + r), c_j = 1 + (j + ½)/256 from the top 8 mantissa bits,
// r = m/c_j − 1 (|r| < 2⁻⁹), seven series terms (truncation < 3e-23).
const LN_TABLE_INV = new Float64Array(256);
const LN_TABLE_LOG = new Float64Array(256);
for (let j = 0; j < 256; j++) {
  const c = 1 + (j + 0.5) / 256;
  LN_TABLE_INV[j] = 1 / c;
  LN_TABLE_LOG[j] = Math.log(c);
}
const TWO_M52 = 2 ** -52;
function lnMantissa(hi: number, lo: number): number {
  const j = (hi >>> 12) & 0xff;
  const m = 1 + ((hi & 0xfffff) * 4294967296 + lo) * TWO_M52;
  const r = m * LN_TABLE_INV[j]! - 1;
  const p = r * (1 - r * (0.5 - r * (1 / 3 - r * (0.25 - r * (0.2 - r * (1 / 6 - r / 7))))));
  return LN_TABLE_LOG[j]! + p;
}

const MAX_BUCKETS = 4096;
// Reused histogram (module scratch: JavaScript runs this synchronously, one call at a time per thread).
const HIST = new Uint32Array(MAX_BUCKETS);

// numpy's median of non-negative finite values with `zeros` exact zeros: one pass buckets the non-zero values by
// high-word bits, a scan finds the buckets of the middle ranks, one more pass gathers them and a sort settles it.
function medianFromHistogram(values: Float64Array, words: Uint32Array, n: number, zeros: number, kmin: number, kmax: number, scratch?: Float64Array): number {
  if (kmax < kmin) return 0; // all zero
  const hiOff = HI, loOff = LO;
  let shift = 12;
  while (((kmax << 12) >>> shift) - ((kmin << 12) >>> shift) + 1 > MAX_BUCKETS) shift++;
  const base = (kmin << 12) >>> shift;
  const size = ((kmax << 12) >>> shift) - base + 1;
  const hist = HIST;
  hist.fill(0, 0, size);
  for (let i = 0; i < n; i++) {
    const hi = words[hiOff + 2 * i]! & 0x7fffffff; // −0 counts as a zero
    if (hi === 0 && words[loOff + 2 * i] === 0) continue;
    hist[(hi >>> shift) - base]!++;
  }
  // Middle ranks among the non-zero values (ranks below `zeros` are zeros).
  const r1 = ((n - 1) >> 1) - zeros, r2 = (n >> 1) - zeros;
  let b1 = -1, b2 = -1, before1 = 0, before2 = 0, cum = 0;
  for (let b = 0; b < size && b2 < 0; b++) {
    const c = hist[b]!;
    if (b1 < 0 && r1 >= 0 && cum + c > r1) { b1 = b; before1 = cum; }
    if (cum + c > r2) { b2 = b; before2 = cum; }
    cum += c;
  }
  const count = b1 < 0 || b1 === b2 ? hist[b2]! : hist[b1]! + hist[b2]!;
  const gather = scratch && scratch.length >= count ? scratch.subarray(0, count) : new Float64Array(count);
  let g = 0;
  for (let i = 0; i < n; i++) {
    const hi = words[hiOff + 2 * i]! & 0x7fffffff;
    const b = (hi >>> shift) - base;
    if ((b === b2 || b === b1) && !(hi === 0 && words[loOff + 2 * i] === 0)) gather[g++] = values[i]!;
  }
  gather.sort();
  // Bucket b1 < b2 holds smaller values, so it sorts first.
  const v2 = gather[(b1 >= 0 && b1 !== b2 ? hist[b1]! : 0) + r2 - before2]!;
  if (r1 === r2) return v2;
  const v1 = r1 < 0 ? 0 : gather[r1 - before1]!;
  return (v1 + v2) / 2;
}

/**
 * The tutorial normalisation of a computed spectrogram: keep fmin ≤ f ≤ fmax, divide by the median of those
 * rows, 20·log10, floor at 0.
 * @param spec a spectrogram (values D×M with its frequencies and times), linear magnitudes
 * @param band { fminHz, fmaxHz, eventId? }
 * @returns a new NormalizedSpectrogram (D'×M, D' = bins in the band)
 * @throws OptionError when the band holds no bin; DataError for NaN/Inf or a zero median
 * @example normalizeSpectrogram(spectrogram(x, 125, opts), { fminHz: 5, fmaxHz: 20 })
 */
export function normalizeSpectrogram(spec: SpectrogramResult, band: BandOptions): NormalizedSpectrogram {
  const f = spec.frequenciesHz;
  const [d, m] = spec.values.shape;
  let k0 = d, k1 = -1;
  for (let k = 0; k < d; k++) if (f[k]! >= band.fminHz && f[k]! <= band.fmaxHz) { if (k < k0) k0 = k; k1 = k; }
  if (k1 < k0) throw new OptionError(`normalizeSpectrogram: band ${band.fminHz}–${band.fmaxHz} Hz holds no row (rows ${f[0]}–${f[d - 1]} Hz)`, { field: "fminHz" });
  const data = spec.values.data.slice(k0 * m, (k1 + 1) * m);
  const med = medianDecibelsInPlace(data, band.eventId);
  return { frequenciesHz: f.slice(k0, k1 + 1), timesS: spec.timesS.slice(), values: { data, shape: [k1 - k0 + 1, m] }, median: med };
}

/** Options of `normalizedSpectrogram`: the STFT's plus the band. */
export type NormalizedSpectrogramOptions = Omit<SpectrogramOptions, "bandHz"> & BandOptions;

/**
 * A reusable plan for the tutorial pipeline: STFT of the band rows only, then the median normalisation.
 * @example
 * const plan = new NormalizedSpectrogramPlan(100, { nperseg: 64, noverlap: 16, nfft: 512, scaling: "spectrum", mode: "magnitude", fminHz: 5, fmaxHz: 20 });
 * const s = plan.compute(x); // s.values: dB ≥ 0, 77 × 62 for 3000 samples
 */
export class NormalizedSpectrogramPlan {
  readonly stft: SpectrogramPlan;
  readonly #scratch: Float64Array[] = [];

  /** @param sampleRateHz fs (Hz); @param options STFT options plus fminHz, fmaxHz */
  constructor(sampleRateHz: number, options: NormalizedSpectrogramOptions) {
    const { fminHz, fmaxHz, eventId: _unused, ...stftOptions } = options;
    checkBand(fminHz, fmaxHz);
    this.stft = new SpectrogramPlan(sampleRateHz, { ...stftOptions, bandHz: [fminHz, fmaxHz] });
  }

  /**
   * @param x waveform; @param eventId named in errors
   * @param out optional buffer of D·M doubles for the values (reused across calls to avoid allocation)
   * @throws DataError for a waveform shorter than nperseg, NaN/Inf values or a zero median, or an `out` of
   *   another length
   */
  compute(x: Float64Array, eventId?: string, out?: Float64Array): NormalizedSpectrogram {
    const dft = this.stft.bandDft;
    if (dft && x.length >= this.stft.params.nperseg) {
      // Direct method: spectrogram, median and dB in the kernel's buffers, one copy out.
      const m = this.stft.segments(x.length);
      const step = this.stft.params.nperseg - this.stft.params.noverlap;
      if (out !== undefined && out.length !== dft.rows * m) throw new DataError(`normalizedSpectrogram: output buffer holds ${out.length} values, expected ${dft.rows}×${m}`);
      // Squared magnitudes (no square roots); the dB values are those of the magnitudes.
      const view = dft.compute(x, m, step, true);
      const med = dft.decibelsAboveMedian();
      const data = out ?? new Float64Array(view.length);
      let median = med;
      if (med > 0) data.set(view);
      else {
        // A bad value or a zero/unusual median: the checked path on the plain values reports or handles it.
        data.set(dft.compute(x, m, step));
        median = medianDecibelsInPlace(data, eventId);
      }
      return { frequenciesHz: this.stft.frequenciesHz.slice(), timesS: this.stft.timesS(x.length), values: { data, shape: [dft.rows, m] }, median };
    }
    const values = this.stft.compute(x, out);
    let scratch = this.#scratch[0];
    if (!scratch || scratch.length < values.data.length) { scratch = new Float64Array(values.data.length); this.#scratch[0] = scratch; }
    const med = medianDecibelsInPlace(values.data, eventId, scratch);
    return { frequenciesHz: this.stft.frequenciesHz.slice(), timesS: this.stft.timesS(x.length), values, median: med };
  }
}

/**
 * STFT then the tutorial normalisation, computing only the band's rows.
 * @param x waveform; @param sampleRateHz fs (Hz)
 * @param options STFT options (samples or seconds) plus { fminHz, fmaxHz, eventId? }
 * @returns NormalizedSpectrogram (dB ≥ 0, D×M)
 */
export function normalizedSpectrogram(x: Float64Array, sampleRateHz: number, options: NormalizedSpectrogramOptions): NormalizedSpectrogram {
  return new NormalizedSpectrogramPlan(sampleRateHz, options).compute(x, options.eventId);
}

/** Options of the workflow's time-pooling variant. */
export type PooledSpectrogramOptions = Omit<SpectrogramOptions, "bandHz" | "noverlap" | "overlapFraction"> & BandOptions & {
  /** Number of consecutive hop-1 columns averaged into one (≥ 1). */
  readonly pool: number;
  /** Keep centre times tminS ≤ t (s from the first sample) before pooling. */
  readonly tminS?: number;
  /** Keep centre times t ≤ tmaxS before pooling. */
  readonly tmaxS?: number;
};

/**
 * The workflow's time-pooling variant: STFT with a hop of 1 sample, optional trim to tminS ≤ t ≤ tmaxS on
 * centre times, mean of the linear values over consecutive non-overlapping blocks of `pool` columns (the
 * remainder dropped; a block's time is its first centre time), then the tutorial normalisation.
 * @param x waveform; @param sampleRateHz fs (Hz); @param options STFT options, band, pool, tminS, tmaxS
 * @returns NormalizedSpectrogram with ⌊M'/pool⌋ columns
 * @throws OptionError for pool < 1; DataError when fewer than `pool` columns remain, or for NaN/zero median
 */
export function pooledSpectrogram(x: Float64Array, sampleRateHz: number, options: PooledSpectrogramOptions): NormalizedSpectrogram {
  const { fminHz, fmaxHz, eventId, pool, tminS, tmaxS, ...stftOptions } = options;
  if (!(Number.isInteger(pool) && pool >= 1)) throw new OptionError(`pooledSpectrogram option "pool" must be an integer ≥ 1, got ${pool}`, { field: "pool" });
  checkBand(fminHz, fmaxHz);
  const probe = new SpectrogramPlan(sampleRateHz, { ...stftOptions, noverlap: 0 });
  const plan = new SpectrogramPlan(sampleRateHz, { ...stftOptions, noverlap: probe.params.nperseg - 1, bandHz: [fminHz, fmaxHz] });
  const full = plan.compute(x);
  const times = plan.timesS(x.length);
  const [d, m] = full.shape;
  let c0 = 0, c1 = m - 1;
  if (tminS !== undefined) while (c0 < m && !(times[c0]! >= tminS)) c0++;
  if (tmaxS !== undefined) while (c1 >= 0 && !(times[c1]! <= tmaxS)) c1--;
  const kept = Math.max(0, c1 - c0 + 1);
  const blocks = Math.floor(kept / pool);
  const where = eventId === undefined ? "pooledSpectrogram" : `pooledSpectrogram (event ${eventId})`;
  if (blocks < 1) throw new DataError(`${where}: ${kept} columns after trimming, fewer than pool ${pool}`, eventId === undefined ? {} : { event: eventId });
  const data = new Float64Array(d * blocks);
  const src = full.data;
  for (let k = 0; k < d; k++) {
    const row = k * m;
    for (let b = 0; b < blocks; b++) {
      let s = 0;
      const start = row + c0 + b * pool;
      for (let j = 0; j < pool; j++) s += src[start + j]!;
      data[k * blocks + b] = s / pool;
    }
  }
  const timesS = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) timesS[b] = times[c0 + b * pool]!;
  const med = medianDecibelsInPlace(data, eventId);
  return { frequenciesHz: plan.frequenciesHz.slice(), timesS, values: { data, shape: [d, blocks] }, median: med };
}

function checkBand(fminHz: number, fmaxHz: number): void {
  if (!(Number.isFinite(fminHz) && Number.isFinite(fmaxHz) && fminHz <= fmaxHz)) {
    throw new OptionError(`normalisation band must be finite with fminHz ≤ fmaxHz, got ${fminHz}–${fmaxHz} Hz`, { field: "fminHz" });
  }
}

