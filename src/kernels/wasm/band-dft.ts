// The band-DFT kernel's WebAssembly SIMD backend: packed buffers in the module's own memory (16-byte aligned),
// the product in band-dft-wat.ts.
import type { BandDftMemory } from "../js/band-dft.js";
import { BAND_DFT_ROWS, BAND_DFT_VECTORS, BAND_DFT_WAT } from "./band-dft-wat.js";
import { PAGE, instantiateWat, lazyWatModule } from "./module.js";

interface BandDftExports {
  bandDft(dp: number, mp: number, h: number, bc: number, bs: number, pe: number, po: number, f: number, out: number, d: number, m: number, isMag: number, tmp: number): void;
  fold(m: number, step: number, nperseg: number, h: number, isConst: number, mp: number, x: number, w: number, even: number, odd: number): void;
  scan(n: number, v: number, stats: number): number;
  histogram(n: number, v: number, hist: number, shift: number, base: number, size: number): void;
  gather(n: number, v: number, dst: number, shift: number, base: number, b1: number, b2: number): number;
  decibels(n: number, v: number, threshold: number, lnRef: number, scale: number): void;
}
const bandDftModule = lazyWatModule(BAND_DFT_WAT);

/** The WebAssembly SIMD backend over a fresh memory, or null where WebAssembly SIMD is unavailable. */
export function wasmBandDft(): BandDftMemory | null {
  const mod = bandDftModule();
  if (!mod) return null;
  const { memory: mem, exports: ex } = instantiateWat<BandDftExports>(mod, 1);
  // The first bytes hold the product's scratch (R·V vectors).
  const tmpBytes = BAND_DFT_ROWS * BAND_DFT_VECTORS * 16;
  return {
    name: "wasm-simd",
    allocate(lengths) {
      let bytes = tmpBytes;
      for (const n of lengths) bytes += Math.ceil((n * 8) / 16) * 16;
      const have = mem.buffer.byteLength;
      if (bytes > have) mem.grow(Math.ceil((bytes - have) / PAGE));
      const views: Float64Array[] = [];
      let at = tmpBytes;
      for (const n of lengths) {
        const v = new Float64Array(mem.buffer, at, n);
        v.fill(0);
        views.push(v);
        at += Math.ceil((n * 8) / 16) * 16;
      }
      return views;
    },
    run(dp, mp, h, buf, d, m, isMagnitude, factor) {
      ex.bandDft(dp, mp, h, buf.basisCos.byteOffset, buf.basisSin.byteOffset, buf.even.byteOffset, buf.odd.byteOffset,
        factor.byteOffset, buf.out.byteOffset, d, m, isMagnitude ? 1 : 0, 0);
    },
    copiesSamples: true,
    fold(x, m, step, nperseg, h, isConstantDetrend, mp, buf) {
      buf.samples.set(x);
      ex.fold(m, step, nperseg, h, isConstantDetrend ? 1 : 0, mp, buf.samples.byteOffset, buf.window.byteOffset, buf.even.byteOffset, buf.odd.byteOffset);
    },
    scan: (n, buf) => ex.scan(n, buf.out.byteOffset, buf.stats.byteOffset) !== 0,
    histogram: (n, buf, shift, base, size) => ex.histogram(n, buf.out.byteOffset, buf.hist.byteOffset, shift, base, size),
    gather: (n, buf, shift, base, b1, b2) => ex.gather(n, buf.out.byteOffset, buf.gathered.byteOffset, shift, base, b1, b2),
    decibels: (n, buf, threshold, lnRef, scale) => ex.decibels(n, buf.out.byteOffset, threshold, lnRef, scale),
  };
}
