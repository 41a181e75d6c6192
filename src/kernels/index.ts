// Hot loops behind one interface (STYLE.md §7); estimators call getKernels once per fit.
import { OptionError } from "../core/errors.js";
import { jsKernels } from "./js/index.js";
import type { KernelBackend, Kernels } from "./types.js";
import { wasmKernels } from "./wasm/index.js";

export type { KernelBackend, KernelName, KernelWorkspace, Kernels } from "./types.js";
export { jsKernels } from "./js/index.js";
export { isWasmSimdAvailable } from "./wasm/index.js";

/**
 * The kernel set for a backend: "js" (plain loops), "wasm" (WebAssembly SIMD),
 * or "auto" (WebAssembly SIMD where the runtime supports it, else js).
 * The WebAssembly module is compiled once and cached.
 * @throws OptionError for an unknown backend, or "wasm" where WebAssembly SIMD is unavailable.
 * @example
 * const k = getKernels("auto");
 * k.gemmAB(2, 2, 2, a, b, c);   // c = a·b
 */
export function getKernels(backend: KernelBackend = "auto"): Kernels {
  switch (backend) {
    case "js":
      return jsKernels;
    case "auto":
      return wasmKernels() ?? jsKernels;
    case "wasm": {
      const k = wasmKernels();
      if (!k) throw new OptionError(`getKernels: backend "wasm" needs WebAssembly SIMD, which this runtime does not support (use "js" or "auto")`, { field: "backend" });
      return k;
    }
    default:
      throw new OptionError(`getKernels: backend must be one of "auto", "js", "wasm", got ${JSON.stringify(backend)}`, { field: "backend" });
  }
}
