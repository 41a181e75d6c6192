import { digamma as digammaScalar } from "../../core/special.js";
import type { KernelWorkspace, Kernels } from "../types.js";
import { affineProduct, expectationExp, logWeightsExp, poissonLogSum } from "./elementwise.js";
import { gemmAB, gemmABt, gemmAtB } from "./gemm.js";
import { poissonRatio } from "./poisson-ratio.js";

/** A bump allocator over one Float64Array. */
export function arenaWorkspace(kernels: Kernels, length: number, buffer?: Float64Array): KernelWorkspace {
  const data = buffer ?? new Float64Array(length);
  let used = 0;
  return {
    kernels,
    take(n: number): Float64Array {
      if (!(Number.isInteger(n) && n >= 0) || used + n > data.length) {
        throw new RangeError(`KernelWorkspace.take: cannot take ${n} doubles, ${data.length - used} free`);
      }
      const view = data.subarray(used, used + n);
      view.fill(0);
      used += n;
      return view;
    },
    get free() {
      return data.length - used;
    },
  };
}

/** The plain TypeScript backend: the reference and the fallback. */
export const jsKernels: Kernels = {
  name: "js",
  workspace(length: number): KernelWorkspace {
    return arenaWorkspace(jsKernels, length);
  },
  gemmAB,
  gemmABt,
  gemmAtB,
  poissonRatio,
  expectationExp,
  logWeightsExp,
  affineProduct,
  poissonLogSum,
  digamma(n: number, x: Float64Array, out: Float64Array): void {
    for (let i = 0; i < n; i++) out[i] = digammaScalar(x[i]!);
  },
  exp(n: number, x: Float64Array, out: Float64Array): void {
    for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
  },
};
