// The band-DFT kernel in plain loops (the reference and the fallback of kernels/band-dft.ts): for each R-row
// basis panel and W-segment panel, the cos and sin products summed over p in order, then |X| or |X|² times the
// row factor. The WebAssembly kernel performs the same operations in the same order.
import type { BandDftBuffers } from "../band-dft.js";
import { BAND_DFT_ROWS as R, BAND_DFT_VECTORS, LOG_CONSTANTS } from "../wasm/band-dft-wat.js";

const W = 2 * BAND_DFT_VECTORS;

/** Where a band DFT keeps its packed buffers and how it runs the product (one per backend). */
export interface BandDftMemory {
  readonly name: "js" | "wasm-simd";
  /** Fresh zero-filled buffers of the given lengths (doubles); earlier ones may become invalid. */
  allocate(lengths: readonly number[]): Float64Array[];
  /** Whether `fold` copies x into buf.samples (which must then hold x.length doubles). */
  readonly copiesSamples: boolean;
  /**
   * Even/odd folded panels of x's m segments (start i·step; constant detrend, then the window): E_p = a + b,
   * O_p = a − b with a, b the windowed samples c ± u_p (odd nperseg: p = 0 is the middle sample, O_0 = 0).
   * Padding lanes of the last panel repeat segment m − 1 (their outputs are never stored).
   */
  fold(x: Float64Array, m: number, step: number, nperseg: number, h: number, isConstantDetrend: boolean, mp: number, buf: BandDftBuffers): void;
  /** out (d×m) from the packed panels: dp basis panels, mp segment panels, h taps. */
  run(dp: number, mp: number, h: number, buf: BandDftBuffers, d: number, m: number, isMagnitude: boolean, factor: Float64Array): void;
  // The normalisation steps on out[0..n) (see band-dft-wat.ts for their contracts).
  /** true when a value is NaN, ±Inf or negative; else stats = [min positive or Inf, max, zero count]. */
  scan(n: number, buf: BandDftBuffers): boolean;
  histogram(n: number, buf: BandDftBuffers, shift: number, base: number, size: number): void;
  gather(n: number, buf: BandDftBuffers, shift: number, base: number, b1: number, b2: number): number;
  /** v ← v > threshold ? max((ln v − lnRef)·scale, 0) : 0. */
  decibels(n: number, buf: BandDftBuffers, threshold: number, lnRef: number, scale: number): void;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
const { lg1, lg2, lg3, lg4, lg5, lg6, lg7, ln2Hi, ln2Lo } = LOG_CONSTANTS;

/** The high word of a double (sign, exponent, top 20 mantissa bits). */
export function highWord(x: number): number {
  BITS[0] = x;
  return WORDS[HI]!;
}

/** ln x for positive normal x: the WebAssembly kernel's fdlibm log, operation for operation (same bits). */
export function lnKernel(x: number): number {
  BITS[0] = x;
  const hi = WORDS[HI]!;
  let k = (hi >>> 20) - 1023;
  const hx = hi & 0xfffff;
  const i = (hx + 0x95f64) & 0x100000;
  WORDS[HI] = hx | (i ^ 0x3ff00000);
  const xn = BITS[0]!;
  k += i >>> 20;
  const f = xn - 1;
  const s = f / (2 + f);
  const z = s * s, w = z * z;
  const r = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7))) + w * (lg2 + w * (lg4 + w * lg6));
  const hf = 0.5 * f * f;
  return k * ln2Hi - ((hf - (s * (hf + r) + k * ln2Lo)) - f);
}

function bucket(x: number, shift: number, base: number): number {
  BITS[0] = x;
  return (WORDS[HI]! >>> shift) - base;
}

/** The plain-loop backend. */
export function bandDftJs(): BandDftMemory {
  const re = new Float64Array(R * W);
  return {
    name: "js",
    allocate: (lengths) => lengths.map((n) => new Float64Array(n)),
    copiesSamples: false,
    fold(x, m, step, nperseg, h, isConstantDetrend, mp, buf) {
      const { even, odd, window: w } = buf;
      const half = Math.ceil(nperseg / 2);
      // Pairs (c + u_p, c − u_p): samples (hi0 + p, lo0 − p).
      const hi0 = nperseg % 2 === 0 ? half : half - 1;
      const lo0 = half - 1;
      const p0 = nperseg % 2 === 0 ? 0 : 1;
      for (let g = 0; g < mp; g++) {
        for (let l = 0; l < W; l++) {
          const base = g * h * W + l;
          const start = Math.min(g * W + l, m - 1) * step;
          let mean = 0;
          if (isConstantDetrend) {
            for (let j = 0; j < nperseg; j++) mean += x[start + j]!;
            mean /= nperseg;
          }
          if (p0 === 1) { even[base] = (x[start + hi0]! - mean) * w[hi0]!; odd[base] = 0; }
          for (let p = p0; p < half; p++) {
            const a = (x[start + hi0 + p]! - mean) * w[hi0 + p]!;
            const b = (x[start + lo0 - p]! - mean) * w[lo0 - p]!;
            even[base + p * W] = a + b;
            odd[base + p * W] = a - b;
          }
        }
      }
    },
    scan(n, { out, stats }) {
      let min = Infinity, max = 0, zeros = 0;
      for (let i = 0; i < n; i++) {
        const x = out[i]!;
        if (!(x >= 0 && x < Infinity)) return true;
        if (x === 0) zeros++;
        else if (x < min) min = x;
        if (x > max) max = x;
      }
      stats[0] = min; stats[1] = max; stats[2] = zeros;
      return false;
    },
    histogram(n, { out, hist }, shift, base, size) {
      const h = new Uint32Array(hist.buffer, hist.byteOffset, size + 1);
      h.fill(0);
      for (let i = 0; i < n; i++) {
        const x = out[i]!;
        h[x === 0 ? size : bucket(x, shift, base)]!++;
      }
    },
    gather(n, { out, gathered }, shift, base, b1, b2) {
      let g = 0;
      for (let i = 0; i < n; i++) {
        const x = out[i]!;
        if (x === 0) continue;
        const b = bucket(x, shift, base);
        if (b === b1 || b === b2) gathered[g++] = x;
      }
      return g;
    },
    decibels(n, { out }, threshold, lnRef, scale) {
      for (let i = 0; i < n; i++) {
        const x = out[i]!;
        if (!(x > threshold)) { out[i] = 0; continue; }
        const db = (lnKernel(x) - lnRef) * scale;
        out[i] = db > 0 ? db : 0;
      }
    },
    run(dp, mp, h, buf, d, m, isMagnitude, factor) {
      const { basisCos, basisSin, even, odd, out } = buf;
      for (let q = 0; q < dp; q++) {
        const qo = q * h * R;
        for (let g = 0; g < mp; g++) {
          const go = g * h * W;
          for (let r = 0; r < R; r++) {
            for (let l = 0; l < W; l++) {
              let s = 0;
              for (let p = 0; p < h; p++) s += basisCos[qo + p * R + r]! * even[go + p * W + l]!;
              re[r * W + l] = s;
            }
          }
          for (let r = 0; r < R; r++) {
            const row = q * R + r;
            if (row >= d) break;
            const f = factor[row]!;
            for (let l = 0; l < W; l++) {
              const col = g * W + l;
              if (col >= m) break;
              let s = 0;
              for (let p = 0; p < h; p++) s += basisSin[qo + p * R + r]! * odd[go + p * W + l]!;
              const c = re[r * W + l]!;
              const pw = c * c + s * s;
              out[row * m + col] = (isMagnitude ? Math.sqrt(pw) : pw) * f;
            }
          }
        }
      }
    },
  };
}
