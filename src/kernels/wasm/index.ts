// The WebAssembly SIMD backend: matrix products, the fused Poisson ratio, exp and ψ in
// 128-bit SIMD (f64x2), 3–5× the plain loops on the bench shapes. The module is
// assembled from WAT text at first use (no build step; works in browsers).
import { arenaWorkspace } from "../js/index.js";
import type { KernelWorkspace, Kernels } from "../types.js";
import { KERNELS_WAT } from "./kernels-wat.js";
import { PAGE, instantiateWat, lazyWatModule, type WasmMemory } from "./module.js";

interface KernelExports {
  gemm(m: number, n: number, k: number, a: number, rsA: number, csA: number, b: number, c: number): void;
  ratio(m: number, n: number, k: number, a: number, b: number, x: number, r: number, zMin: number): number;
  gemmABt(m: number, n: number, k: number, a: number, b: number, c: number): void;
  digamma(n: number, x: number, out: number): void;
  exp(n: number, x: number, out: number): void;
  expectationExp(k: number, m: number, h: number, shift: number, hasShift: number, invT: number, lnOut: number, expOut: number, colMax: number): void;
  logWeightsExp(d: number, k: number, W1: number, W2: number, cA: number, cB: number, invT: number, lnOut: number, expOut: number): void;
  affineProduct(n: number, u: number, v: number, w: number, hasW: number, alpha: number, beta: number, gamma: number, out: number): void;
  poissonLogSum(n: number, x: number, lam: number): number;
}

/** The compiled kernel module, or null where WebAssembly SIMD is unavailable. */
export const wasmKernelModule = lazyWatModule(KERNELS_WAT);

/** True where the runtime compiles the SIMD kernels. */
export function isWasmSimdAvailable(): boolean {
  return wasmKernelModule() !== null;
}

/**
 * A kernel set over its own WebAssembly memory. Arrays inside that memory (views
 * from `workspace().take`) are used in place; any other array goes through a
 * separate copying instance (correct, slower).
 */
class WasmKernels implements Kernels {
  readonly name = "wasm-simd" as const;
  readonly #mem: WasmMemory;
  readonly #ex: KernelExports;
  readonly #growable: boolean;
  #copier?: WasmKernels;

  constructor(pages: number, growable: boolean) {
    const mod = wasmKernelModule();
    if (!mod) throw new Error("WebAssembly SIMD is not available");
    const instance = instantiateWat<KernelExports>(mod, pages);
    this.#mem = instance.memory;
    this.#ex = instance.exports;
    this.#growable = growable;
  }

  workspace(length: number): KernelWorkspace {
    const set = new WasmKernels(Math.max(1, Math.ceil((length * 8) / PAGE)), false);
    return arenaWorkspace(set, length, new Float64Array(set.#mem.buffer, 0, length));
  }

  gemmAB(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
    const buf = this.#mem.buffer;
    if (a.buffer === buf && b.buffer === buf && c.buffer === buf) this.#ex.gemm(m, n, k, a.byteOffset, k * 8, 8, b.byteOffset, c.byteOffset);
    else this.#copy().#copied([a, m * k, b, k * n], [c, m * n], (p) => this.#copier!.#ex.gemm(m, n, k, p[0]!, k * 8, 8, p[1]!, p[2]!));
  }

  gemmAtB(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
    const buf = this.#mem.buffer;
    if (a.buffer === buf && b.buffer === buf && c.buffer === buf) this.#ex.gemm(m, n, k, a.byteOffset, 8, m * 8, b.byteOffset, c.byteOffset);
    else this.#copy().#copied([a, k * m, b, k * n], [c, m * n], (p) => this.#copier!.#ex.gemm(m, n, k, p[0]!, 8, m * 8, p[1]!, p[2]!));
  }

  gemmABt(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
    const buf = this.#mem.buffer;
    if (a.buffer === buf && b.buffer === buf && c.buffer === buf) this.#ex.gemmABt(m, n, k, a.byteOffset, b.byteOffset, c.byteOffset);
    else this.#copy().#copied([a, m * k, b, n * k], [c, m * n], (p) => this.#copier!.#ex.gemmABt(m, n, k, p[0]!, p[1]!, p[2]!));
  }

  poissonRatio(d: number, m: number, k: number, eW: Float64Array, eH: Float64Array, x: Float64Array, r: Float64Array, zMin: number): number {
    const buf = this.#mem.buffer;
    if (eW.buffer === buf && eH.buffer === buf && x.buffer === buf && r.buffer === buf) {
      return this.#ex.ratio(d, m, k, eW.byteOffset, eH.byteOffset, x.byteOffset, r.byteOffset, zMin);
    }
    let marked = 0;
    this.#copy().#copied([eW, d * k, eH, k * m, x, d * m], [r, d * m], (p) => {
      marked = this.#copier!.#ex.ratio(d, m, k, p[0]!, p[1]!, p[2]!, p[3]!, zMin);
    });
    return marked;
  }

  digamma(n: number, x: Float64Array, out: Float64Array): void {
    const buf = this.#mem.buffer;
    if (x.buffer === buf && out.buffer === buf) this.#ex.digamma(n, x.byteOffset, out.byteOffset);
    else this.#copy().#copied([x, n], [out, n], (p) => this.#copier!.#ex.digamma(n, p[0]!, p[1]!));
  }

  exp(n: number, x: Float64Array, out: Float64Array): void {
    const buf = this.#mem.buffer;
    if (x.buffer === buf && out.buffer === buf) this.#ex.exp(n, x.byteOffset, out.byteOffset);
    else this.#copy().#copied([x, n], [out, n], (p) => this.#copier!.#ex.exp(n, p[0]!, p[1]!));
  }

  expectationExp(k: number, m: number, h: Float64Array, shift: Float64Array | null, invT: number, lnOut: Float64Array, expOut: Float64Array, colMax: Float64Array): void {
    const buf = this.#mem.buffer;
    if (h.buffer === buf && (shift === null || shift.buffer === buf) && lnOut.buffer === buf && expOut.buffer === buf && colMax.buffer === buf) {
      this.#ex.expectationExp(k, m, h.byteOffset, shift === null ? 0 : shift.byteOffset, shift === null ? 0 : 1, invT, lnOut.byteOffset, expOut.byteOffset, colMax.byteOffset);
      return;
    }
    const sh = shift ?? new Float64Array(k);
    this.#copy().#copied([h, k * m, sh, k], [lnOut, k * m, expOut, k * m, colMax, m], (p) =>
      this.#copier!.#ex.expectationExp(k, m, p[0]!, p[1]!, shift === null ? 0 : 1, invT, p[2]!, p[3]!, p[4]!));
  }

  logWeightsExp(d: number, k: number, W1: Float64Array, W2: Float64Array, cA: Float64Array, cB: Float64Array, invT: number, lnOut: Float64Array, expOut: Float64Array): void {
    const buf = this.#mem.buffer;
    if (W1.buffer === buf && W2.buffer === buf && cA.buffer === buf && cB.buffer === buf && lnOut.buffer === buf && expOut.buffer === buf) {
      this.#ex.logWeightsExp(d, k, W1.byteOffset, W2.byteOffset, cA.byteOffset, cB.byteOffset, invT, lnOut.byteOffset, expOut.byteOffset);
      return;
    }
    this.#copy().#copied([W1, d * k, W2, d * k, cA, k, cB, k], [lnOut, d * k, expOut, d * k], (p) =>
      this.#copier!.#ex.logWeightsExp(d, k, p[0]!, p[1]!, p[2]!, p[3]!, invT, p[4]!, p[5]!));
  }

  affineProduct(n: number, u: Float64Array, v: Float64Array, w: Float64Array | null, alpha: number, beta: number, gamma: number, out: Float64Array): void {
    const buf = this.#mem.buffer;
    if (u.buffer === buf && v.buffer === buf && (w === null || w.buffer === buf) && out.buffer === buf) {
      this.#ex.affineProduct(n, u.byteOffset, v.byteOffset, w === null ? 0 : w.byteOffset, w === null ? 0 : 1, alpha, beta, gamma, out.byteOffset);
      return;
    }
    const ww = w ?? new Float64Array(n);
    this.#copy().#copied([u, n, v, n, ww, n], [out, n], (p) =>
      this.#copier!.#ex.affineProduct(n, p[0]!, p[1]!, p[2]!, w === null ? 0 : 1, alpha, beta, gamma, p[3]!));
  }

  poissonLogSum(n: number, x: Float64Array, lambda: Float64Array): number {
    const buf = this.#mem.buffer;
    if (x.buffer === buf && lambda.buffer === buf) return this.#ex.poissonLogSum(n, x.byteOffset, lambda.byteOffset);
    let sum = NaN;
    this.#copy().#copied([x, n, lambda, n], [], (p) => {
      sum = this.#copier!.#ex.poissonLogSum(n, p[0]!, p[1]!);
    });
    return sum;
  }

  #copy(): this {
    this.#copier ??= this.#growable ? this : new WasmKernels(1, true);
    return this;
  }

  /** Copies inputs and outputs (array, length pairs) into the copier's memory, runs, copies the outputs back. */
  #copied(inputs: (Float64Array | number)[], outputs: (Float64Array | number)[], run: (ptrs: number[]) => void): void {
    const cp = this.#copier!;
    const all = [...inputs, ...outputs];
    let bytes = 0;
    for (let i = 1; i < all.length; i += 2) bytes += (all[i] as number) * 8;
    const need = Math.ceil(bytes / PAGE) - cp.#mem.buffer.byteLength / PAGE;
    if (need > 0) cp.#mem.grow(need);
    const mem = new Float64Array(cp.#mem.buffer);
    const ptrs: number[] = [];
    let at = 0;
    for (let i = 0; i < all.length; i += 2) {
      const a = all[i] as Float64Array;
      const len = all[i + 1] as number;
      mem.set(a.subarray(0, len), at);
      ptrs.push(at * 8);
      at += len;
    }
    run(ptrs);
    at = 0;
    for (let i = 0; i < all.length; i += 2) {
      const len = all[i + 1] as number;
      if (i >= inputs.length) (all[i] as Float64Array).set(mem.subarray(at, at + len));
      at += len;
    }
  }
}

let shared: WasmKernels | undefined;

/** The WebAssembly SIMD kernel set (null where unavailable). */
export function wasmKernels(): Kernels | null {
  if (!isWasmSimdAvailable()) return null;
  shared ??= new WasmKernels(1, true);
  return shared;
}
