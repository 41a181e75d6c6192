// The HMM local-pass kernel for a backend (STYLE.md §7): "js" plain loops,
// "wasm" the WebAssembly SIMD sweep, "auto" the latter where available. Both
// give the same bits (the SIMD code repeats the JS operations in order).
import { OptionError } from "../core/errors.js";
import { JsHmmKernel, type HmmLocalKernel } from "./js/hmm.js";
import { WasmHmmKernel, isHmmWasmAvailable } from "./wasm/hmm.js";
import type { KernelBackend } from "./types.js";

export type { HmmLocalKernel } from "./js/hmm.js";
export { isHmmWasmAvailable } from "./wasm/hmm.js";

/**
 * A local-pass kernel with buffers for S states and up to M time steps (and K patterns for its emission).
 * @throws OptionError for "wasm" where WebAssembly SIMD is unavailable.
 */
export function hmmKernel(backend: KernelBackend, S: number, M: number, K = 0): HmmLocalKernel {
  if (backend === "js") return new JsHmmKernel(S, M);
  if (backend === "wasm" && !isHmmWasmAvailable()) {
    throw new OptionError(`hmmKernel: backend "wasm" needs WebAssembly SIMD, which this runtime does not support (use "js" or "auto")`, { field: "backend" });
  }
  return isHmmWasmAvailable() ? new WasmHmmKernel(S, M, K) : new JsHmmKernel(S, M);
}
