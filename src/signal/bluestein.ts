// Bluestein's chirp-z FFT for lengths with a large prime factor (used by fft.ts's ComplexFft).
import { nextFastLength } from "./fft-stages.js";

/** The complex FFT the convolution runs through (a ComplexFft of a 5-smooth length). */
export interface InnerFft {
  forward(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void;
  inverse(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void;
}


// Bluestein: X[k] = w̄[k]·Σ_j (x[j]·w̄[j])·w[k−j], w[j] = e^{iπj²/n}; the convolution runs as an FFT of a
// 5-smooth length M ≥ 2n−1.
export class Bluestein {
  readonly n: number;
  readonly #inner: InnerFft;
  readonly #chirpRe: Float64Array;
  readonly #chirpIm: Float64Array;
  readonly #kernelRe: Float64Array;
  readonly #kernelIm: Float64Array;
  readonly #re: Float64Array;
  readonly #im: Float64Array;

  /** @param n length; @param makeInner builds the plan of the convolution length m (a 5-smooth m ≥ 2n − 1) */
  constructor(n: number, makeInner: (m: number) => InnerFft) {
    this.n = n;
    const m = nextFastLength(2 * n - 1);
    this.#inner = makeInner(m);
    this.#chirpRe = new Float64Array(n);
    this.#chirpIm = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      // j² mod 2n keeps the angle exact for large j.
      const a = (Math.PI * ((j * j) % (2 * n))) / n;
      this.#chirpRe[j] = Math.cos(a);
      this.#chirpIm[j] = -Math.sin(a);
    }
    this.#kernelRe = new Float64Array(m);
    this.#kernelIm = new Float64Array(m);
    for (let j = 0; j < n; j++) {
      // kernel = conj(chirp) at ±j
      this.#kernelRe[j] = this.#chirpRe[j]!;
      this.#kernelIm[j] = -this.#chirpIm[j]!;
      if (j > 0) { this.#kernelRe[m - j] = this.#chirpRe[j]!; this.#kernelIm[m - j] = -this.#chirpIm[j]!; }
    }
    this.#inner.forward(this.#kernelRe, this.#kernelIm, this.#kernelRe, this.#kernelIm);
    this.#re = new Float64Array(m);
    this.#im = new Float64Array(m);
  }

  transform(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const n = this.n;
    const re = this.#re, im = this.#im, cr = this.#chirpRe, ci = this.#chirpIm;
    const m = re.length;
    for (let j = 0; j < n; j++) {
      const xr = inRe[j]!, xi = inIm[j]!;
      re[j] = xr * cr[j]! - xi * ci[j]!;
      im[j] = xr * ci[j]! + xi * cr[j]!;
    }
    re.fill(0, n); im.fill(0, n);
    this.#inner.forward(re, im, re, im);
    const kr = this.#kernelRe, ki = this.#kernelIm;
    for (let j = 0; j < m; j++) {
      const ar = re[j]!, ai = im[j]!;
      re[j] = ar * kr[j]! - ai * ki[j]!;
      im[j] = ar * ki[j]! + ai * kr[j]!;
    }
    this.#inner.inverse(re, im, re, im);
    for (let k = 0; k < n; k++) {
      const ar = re[k]!, ai = im[k]!;
      outRe[k] = ar * cr[k]! - ai * ci[k]!;
      outIm[k] = ar * ci[k]! + ai * cr[k]!;
    }
  }
}

