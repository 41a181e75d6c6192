// The few WebAssembly JS-API members the backends use (the project's lib has no DOM types), and the one
// way they compile and instantiate a WAT module: assembled at first use (no build step; works in browsers),
// cached, null where WebAssembly SIMD is unavailable.
import { assembleWat } from "./wat.js";

/** Bytes in a WebAssembly memory page. */
export const PAGE = 65536;

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** A function that compiles `wat` on its first call and returns the cached module (null: no WebAssembly SIMD). */
export function lazyWatModule(wat: string): () => object | null {
  let compiled: object | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = wasmApi ? new wasmApi.Module(assembleWat(wat)) : null;
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}

/** An instance of a compiled module over a fresh memory of `pages` pages, imported as `env.mem`. */
export function instantiateWat<E>(mod: object, pages: number): { readonly memory: WasmMemory; readonly exports: E } {
  const memory = new wasmApi!.Memory({ initial: pages });
  const exports = new wasmApi!.Instance(mod, { env: { mem: memory } }).exports as E;
  return { memory, exports };
}
