// The band-DFT kernel in plain loops (the reference and the fallback of kernels/band-dft.ts): for each R-row
// basis panel and W-segment panel, the cos and sin products summed over p in order, then |X| or |X|² times the
// row factor. The WebAssembly kernel performs the same operations in the same order.
import type { BandDftBuffers } from "../band-dft.js";
import { BAND_DFT_ROWS as R, BAND_DFT_VECTORS } from "../wasm/band-dft-wat.js";

const W = 2 * BAND_DFT_VECTORS;

/** Where a band DFT keeps its packed buffers and how it runs the product (one per backend). */
export interface BandDftMemory {
  readonly name: "js" | "wasm-simd";
  /** Fresh zero-filled buffers of the given lengths (doubles); earlier ones may become invalid. */
  allocate(lengths: readonly number[]): Float64Array[];
  /** out (d×m) from the packed panels: dp basis panels, mp segment panels, h taps (even). */
  run(dp: number, mp: number, h: number, buf: BandDftBuffers, d: number, m: number, isMagnitude: boolean): void;
}

/** The plain-loop backend. */
export function bandDftJs(): BandDftMemory {
  const re = new Float64Array(R * W);
  return {
    name: "js",
    allocate: (lengths) => lengths.map((n) => new Float64Array(n)),
    run(dp, mp, h, buf, d, m, isMagnitude) {
      const { basisCos, basisSin, factor, even, odd, out } = buf;
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
