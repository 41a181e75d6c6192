// Double-precision FFTs of any length: a Stockham autosort mixed-radix transform (radices 2, 3, 4, 5, 8 and a
// direct odd radix up to 61; kernels in fft-stages.ts), Bluestein's chirp-z algorithm for lengths with a larger prime factor, and a
// real-input transform (half-length complex FFT plus a split step). Plans precompute twiddles and own their
// scratch buffers, so a transform allocates nothing.
import { OptionError, ShapeError } from "../core/errors.js";
import { Bluestein } from "./bluestein.js";
import { factorize, nextFastLength, stage, stagePruned, type Stage } from "./fft-stages.js";

export { nextFastLength };

/** Largest prime factor handled by the direct odd-radix butterfly; larger ones go through Bluestein. */
const MAX_DIRECT_RADIX = 61;



/**
 * A complex FFT plan of one length (forward sign e^{−2πi·jk/n}, no scaling; the inverse is scaled by 1/n).
 * Any n ≥ 1: mixed radix when every prime factor is ≤ 61, Bluestein otherwise.
 * Not re-entrant: a plan owns its scratch buffers.
 * @example
 * const plan = new ComplexFft(6);
 * const re = new Float64Array([1, 0, 0, 0, 0, 0]), im = new Float64Array(6);
 * plan.forward(re, im, re, im); // re = [1, 1, 1, 1, 1, 1]
 */
export class ComplexFft {
  /** Transform length. */
  readonly n: number;
  readonly #stages: Stage[] = [];
  readonly #aRe: Float64Array;
  readonly #aIm: Float64Array;
  readonly #bRe: Float64Array;
  readonly #bIm: Float64Array;
  readonly #bluestein?: Bluestein;

  /** Number of interleaved transforms the work buffers hold (see the constructor). */
  readonly batch: number;

  /**
   * @param n transform length (integer ≥ 1)
   * @param batch B ≥ 1: `run()` transforms B sequences at once, interleaved in the work buffers (element i of
   *   sequence b at i·B + b), which amortises loop and twiddle costs; `forward`/`inverse` need B = 1
   * @throws OptionError when n or batch is not a positive integer
   */
  constructor(n: number, batch = 1) {
    if (!Number.isInteger(n) || n < 1) throw new OptionError(`ComplexFft: length must be an integer ≥ 1, got ${n}`);
    if (!Number.isInteger(batch) || batch < 1) throw new OptionError(`ComplexFft: batch must be an integer ≥ 1, got ${batch}`);
    this.n = n;
    this.batch = batch;
    const factors = factorize(n);
    if (factors.length > 0 && factors[factors.length - 1]! > MAX_DIRECT_RADIX) {
      if (batch !== 1) throw new OptionError(`ComplexFft: length ${n} needs Bluestein's algorithm, which runs one sequence at a time (batch 1), got batch ${batch}`);
      this.#bluestein = new Bluestein(n, (m) => new ComplexFft(m));
      this.#aRe = new Float64Array(0); this.#aIm = this.#aRe; this.#bRe = this.#aRe; this.#bIm = this.#aRe;
      return;
    }
    this.#aRe = new Float64Array(n * batch); this.#aIm = new Float64Array(n * batch);
    this.#bRe = new Float64Array(n * batch); this.#bIm = new Float64Array(n * batch);
    let len = n;
    // Batching multiplies every stage's stride: the batch index is the fastest-varying part of q.
    let s = batch;
    for (const p of factors) {
      const m = len / p;
      const twRe = new Float64Array(m * (p - 1));
      const twIm = new Float64Array(m * (p - 1));
      for (let j = 0; j < m; j++) {
        for (let k = 1; k < p; k++) {
          // (j·k) mod len keeps the angle small and exact.
          const a = (-2 * Math.PI * ((j * k) % len)) / len;
          twRe[j * (p - 1) + k - 1] = Math.cos(a);
          twIm[j * (p - 1) + k - 1] = Math.sin(a);
        }
      }
      let rootRe: Float64Array | undefined;
      let rootIm: Float64Array | undefined;
      if (p !== 2 && p !== 3 && p !== 4 && p !== 5 && p !== 8) {
        rootRe = new Float64Array(p * p);
        rootIm = new Float64Array(p * p);
        for (let r = 0; r < p; r++) for (let k = 0; k < p; k++) {
          const a = (-2 * Math.PI * ((r * k) % p)) / p;
          rootRe[r * p + k] = Math.cos(a);
          rootIm[r * p + k] = Math.sin(a);
        }
      }
      this.#stages.push(rootRe ? { p, n: len, s, twRe, twIm, rootRe, rootIm: rootIm! } : { p, n: len, s, twRe, twIm });
      s *= p;
      len = m;
    }
  }

  /**
   * Forward transform X[k] = Σ_j x[j]·e^{−2πi·jk/n}.
   * @param inRe real parts, length n; @param inIm imaginary parts, length n
   * @param outRe receives Re X (length n; may alias inRe); @param outIm receives Im X (may alias inIm)
   * @throws ShapeError when an array is shorter than n
   */
  forward(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const n = this.n;
    if (this.batch !== 1) throw new OptionError(`ComplexFft.forward: a batched plan (batch ${this.batch}) transforms through run()`);
    if (inRe.length < n || inIm.length < n || outRe.length < n || outIm.length < n) {
      throw new ShapeError(`ComplexFft.forward: arrays must hold ${n} values, got ${inRe.length}, ${inIm.length}, ${outRe.length}, ${outIm.length}`);
    }
    if (this.#bluestein) { this.#bluestein.transform(inRe, inIm, outRe, outIm); return; }
    this.#aRe.set(inRe.subarray(0, n));
    this.#aIm.set(inIm.subarray(0, n));
    const inA = this.run();
    outRe.set(inA ? this.#aRe : this.#bRe);
    outIm.set(inA ? this.#aIm : this.#bIm);
  }

  /**
   * Inverse transform x[j] = (1/n)·Σ_k X[k]·e^{+2πi·jk/n}.
   * @param inRe, inIm spectrum (length n); @param outRe, outIm receive the signal (may alias the inputs)
   */
  inverse(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const n = this.n;
    // Conjugation trick: ifft(X) = conj(fft(conj X))/n.
    for (let i = 0; i < n; i++) outIm[i] = -inIm[i]!;
    if (outRe !== inRe) outRe.set(inRe.subarray(0, n));
    this.forward(outRe, outIm, outRe, outIm);
    const scale = 1 / n;
    for (let i = 0; i < n; i++) { outRe[i] = outRe[i]! * scale; outIm[i] = -outIm[i]! * scale; }
  }

  /** @internal Work buffers for callers that fill the input in place (real FFT, STFT). */
  get workRe(): Float64Array { return this.#aRe; }
  /** @internal */
  get workIm(): Float64Array { return this.#aIm; }
  /** @internal True when the plan transforms through Bluestein (work buffers unused). */
  get isBluestein(): boolean { return this.#bluestein !== undefined; }

  /**
   * @internal Transforms the work buffers (filled by the caller); returns true when the result is in
   * `workRe/workIm`, false when it is in the second buffer pair (`resultRe/resultIm(false)`).
   * @param nonzero only the first `nonzero` inputs may be non-zero (the rest of the work buffer is ignored):
   *   stages whose butterflies see a single non-zero input reduce to twiddle multiplications.
   */
  run(nonzero: number = this.n): boolean {
    let inA = true;
    let L = nonzero;
    const first = this.#stages[0];
    if (first && L < this.n && L > first.n / first.p) { this.#aRe.fill(0, L * this.batch); this.#aIm.fill(0, L * this.batch); }
    for (const st of this.#stages) {
      const m = st.n / st.p;
      const xr = inA ? this.#aRe : this.#bRe, xi = inA ? this.#aIm : this.#bIm;
      const yr = inA ? this.#bRe : this.#aRe, yi = inA ? this.#bIm : this.#aIm;
      if (L <= m) stagePruned(st, L, xr, xi, yr, yi);
      else stage(st, xr, xi, yr, yi);
      // The non-zero part of each sub-sequence keeps its length (capped by the sub-transform length).
      if (L > m) L = m;
      inA = !inA;
    }
    return inA;
  }

  /** @internal The buffer pair holding the result of `run()`. */
  resultRe(inA: boolean): Float64Array { return inA ? this.#aRe : this.#bRe; }
  /** @internal */
  resultIm(inA: boolean): Float64Array { return inA ? this.#aIm : this.#bIm; }
}

/**
 * A real-input FFT plan: x (length n, real) → X[k], k = 0..⌊n/2⌋ (the one-sided spectrum, as numpy's rfft).
 * Even n runs a complex FFT of n/2 plus a split step; odd n a complex FFT of n.
 * Not re-entrant: a plan owns its scratch buffers.
 * @example
 * const plan = new RealFft(8);
 * const re = new Float64Array(5), im = new Float64Array(5);
 * plan.forward(new Float64Array([1, 1, 1, 1, 1, 1, 1, 1]), re, im); // re = [8, 0, 0, 0, 0]
 */
export class RealFft {
  /** Signal length. */
  readonly n: number;
  /** Number of one-sided bins, ⌊n/2⌋ + 1. */
  readonly bins: number;
  readonly #half?: ComplexFft;
  readonly #full?: ComplexFft;
  readonly #twRe: Float64Array;
  readonly #twIm: Float64Array;
  readonly #fullRe: Float64Array;
  readonly #fullIm: Float64Array;

  /**
   * @param n signal length (integer ≥ 1)
   * @throws OptionError when n is not a positive integer
   */
  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new OptionError(`RealFft: length must be an integer ≥ 1, got ${n}`);
    this.n = n;
    this.bins = Math.floor(n / 2) + 1;
    if (n % 2 === 0 && n >= 2) {
      const h = n / 2;
      this.#half = new ComplexFft(h);
      this.#twRe = new Float64Array(h + 1);
      this.#twIm = new Float64Array(h + 1);
      for (let k = 0; k <= h; k++) {
        const a = (-2 * Math.PI * k) / n;
        this.#twRe[k] = Math.cos(a);
        this.#twIm[k] = Math.sin(a);
      }
      this.#fullRe = new Float64Array(h);
      this.#fullIm = new Float64Array(h);
    } else {
      this.#full = new ComplexFft(n);
      this.#twRe = new Float64Array(0);
      this.#twIm = this.#twRe;
      this.#fullRe = new Float64Array(n);
      this.#fullIm = new Float64Array(n);
    }
  }

  /**
   * One-sided forward transform.
   * @param x signal; the first n values are used, and missing values (x shorter than n) count as zeros
   * @param outRe receives Re X[0..⌊n/2⌋] (length ≥ bins); @param outIm receives Im X
   */
  forward(x: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.forwardRange(x, 0, this.bins - 1, outRe, outIm);
  }

  /**
   * One-sided forward transform of the bins k0..k1 only (the others are not computed when n is even).
   * @param x signal (zero-padded to n when shorter)
   * @param k0 first bin, @param k1 last bin (0 ≤ k0 ≤ k1 < bins)
   * @param outRe receives Re X[k0 + i] at index i (length ≥ k1 − k0 + 1); @param outIm likewise
   * @throws ShapeError for a bad range or short outputs
   */
  forwardRange(x: Float64Array, k0: number, k1: number, outRe: Float64Array, outIm: Float64Array): void {
    const n = this.n;
    if (!(Number.isInteger(k0) && Number.isInteger(k1) && k0 >= 0 && k0 <= k1 && k1 < this.bins) || outRe.length < k1 - k0 + 1 || outIm.length < k1 - k0 + 1) {
      throw new ShapeError(`RealFft.forwardRange: bins ${k0}..${k1} of ${this.bins} into outputs of ${outRe.length}, ${outIm.length} values`);
    }
    const len = Math.min(x.length, n);
    if (this.#full) {
      const re = this.#fullRe, im = this.#fullIm;
      re.fill(0); im.fill(0);
      re.set(x.subarray(0, len));
      this.#full.forward(re, im, re, im);
      for (let k = k0; k <= k1; k++) { outRe[k - k0] = re[k]!; outIm[k - k0] = im[k]!; }
      return;
    }
    const half = this.#half!;
    const h = n / 2;
    if (half.isBluestein) {
      const zr = this.#fullRe, zi = this.#fullIm;
      packPairs(x, len, h, zr, zi);
      half.forward(zr, zi, zr, zi);
      this.split(zr, zi, k0, k1, outRe, outIm);
      return;
    }
    // Only the first ⌈len/2⌉ packed values can be non-zero: the plan prunes the stages that see zeros only.
    const nonzero = Math.min(h, Math.ceil(len / 2));
    packPairs(x, len, nonzero, half.workRe, half.workIm);
    const inA = half.run(nonzero);
    this.split(half.resultRe(inA), half.resultIm(inA), k0, k1, outRe, outIm);
  }

  /**
   * Inverse of `forward` (numpy's irfft for this n): X[0..⌊n/2⌋] → x (length n), scaled by 1/n.
   * The imaginary parts of X[0] (and of X[n/2] for even n) are ignored.
   * @param inRe, inIm one-sided spectrum (length ≥ bins); @param out receives the signal (length ≥ n)
   */
  inverse(inRe: Float64Array, inIm: Float64Array, out: Float64Array): void {
    const n = this.n;
    if (this.#full) {
      const re = this.#fullRe, im = this.#fullIm;
      re[0] = inRe[0]!; im[0] = 0;
      for (let k = 1; k < this.bins; k++) {
        re[k] = inRe[k]!; im[k] = inIm[k]!;
        re[n - k] = inRe[k]!; im[n - k] = -inIm[k]!;
      }
      this.#full.inverse(re, im, re, im);
      for (let j = 0; j < n; j++) out[j] = re[j]!;
      return;
    }
    const h = n / 2;
    const zr = this.#fullRe, zi = this.#fullIm, wr = this.#twRe, wi = this.#twIm;
    // Undo the split: Z[k] = E[k] + i·O[k], E = (X[k] + conj X[h−k])/2, O = (X[k] − conj X[h−k])·conj(W^k)/2.
    for (let k = 0; k < h; k++) {
      const ar = inRe[k]!, ai = k === 0 ? 0 : inIm[k]!;
      const br = inRe[h - k]!, bi = k === 0 ? 0 : -inIm[h - k]!; // conj X[h−k]
      const er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br), di = 0.5 * (ai - bi);
      // O = d·conj(W^k)
      const or = dr * wr[k]! + di * wi[k]!, oi = di * wr[k]! - dr * wi[k]!;
      zr[k] = er - oi; zi[k] = ei + or;
    }
    this.#half!.inverse(zr, zi, zr, zi);
    for (let j = 0; j < h; j++) { out[2 * j] = zr[j]!; out[2 * j + 1] = zi[j]!; }
  }

  // X[k] = (Z[k] + conj Z[h−k])/2 + W^k·(Z[k] − conj Z[h−k])/(2i), k = k0..k1 (written at k − k0).
  private split(zr: Float64Array, zi: Float64Array, k0: number, k1: number, outRe: Float64Array, outIm: Float64Array): void {
    const h = this.n / 2;
    const wr = this.#twRe, wi = this.#twIm;
    for (let k = k0; k <= k1; k++) {
      const o = k - k0;
      if (k === 0) { outRe[o] = zr[0]! + zi[0]!; outIm[o] = 0; continue; }
      if (k === h) { outRe[o] = zr[0]! - zi[0]!; outIm[o] = 0; continue; }
      const ar = zr[k]!, ai = zi[k]!, br = zr[h - k]!, bi = -zi[h - k]!;
      const er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
      // (a − b)/(2i) = (ai − bi)/2 − i·(ar − br)/2
      const or = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
      outRe[o] = er + or * wr[k]! - oi * wi[k]!;
      outIm[o] = ei + or * wi[k]! + oi * wr[k]!;
    }
  }
}

function packPairs(x: Float64Array, len: number, h: number, zr: Float64Array, zi: Float64Array): void {
  for (let j = 0; j < h; j++) {
    const a = 2 * j, b = a + 1;
    zr[j] = a < len ? x[a]! : 0;
    zi[j] = b < len ? x[b]! : 0;
  }
}

/**
 * One-sided FFT of a real signal (numpy's `rfft(x, n)`), allocating a plan; for repeated transforms keep a `RealFft`.
 * @param x signal (Float64Array); @param n transform length (default x.length; x is zero-padded or truncated)
 * @returns { re, im } of length ⌊n/2⌋ + 1
 */
export function rfft(x: Float64Array, n: number = x.length): { re: Float64Array; im: Float64Array } {
  const plan = new RealFft(n);
  const re = new Float64Array(plan.bins), im = new Float64Array(plan.bins);
  plan.forward(x, re, im);
  return { re, im };
}

/**
 * Inverse of `rfft` (numpy's `irfft(X, n)`): one-sided spectrum → real signal of length n.
 * @param re, im one-sided spectrum (length ≥ ⌊n/2⌋ + 1); @param n output length
 */
export function irfft(re: Float64Array, im: Float64Array, n: number): Float64Array {
  const plan = new RealFft(n);
  const out = new Float64Array(n);
  plan.inverse(re, im, out);
  return out;
}
