// Distances for the clustering methods: row norms, blocked row products on the project's
// kernels (WebAssembly SIMD where available), the ‖x‖² − 2x·y + ‖y‖² trick with a direct
// recomputation where it would cancel, full and condensed (SciPy's pdist layout) matrices.
import type { Matrix } from "../core/matrix.js";
import { getKernels, type KernelBackend, type Kernels } from "../kernels/index.js";
import { preferSparse, SparseRows } from "./sparse-rows.js";

/** ‖x_i‖² for every row of an n×f matrix. */
export function rowSquaredNorms(x: Matrix): Float64Array {
  const [n, f] = x.shape;
  const a = x.data;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * f;
    let s = 0;
    for (let p = 0; p < f; p++) {
      const v = a[o + p]!;
      s += v * v;
    }
    out[i] = s;
  }
  return out;
}

/** Column means of an n×f matrix. */
export function columnMeans(x: Matrix): Float64Array {
  const [n, f] = x.shape;
  const a = x.data;
  const out = new Float64Array(f);
  for (let i = 0; i < n; i++) {
    const o = i * f;
    for (let p = 0; p < f; p++) out[p]! += a[o + p]!;
  }
  for (let p = 0; p < f; p++) out[p]! /= n;
  return out;
}

/** A copy of x with the column means subtracted (distances are translation invariant; centring makes the trick accurate). */
export function centredCopy(x: Matrix, means: Float64Array = columnMeans(x)): Matrix {
  const [n, f] = x.shape;
  const a = x.data;
  const out = new Float64Array(n * f);
  for (let i = 0; i < n; i++) {
    const o = i * f;
    for (let p = 0; p < f; p++) out[o + p] = a[o + p]! - means[p]!;
  }
  return { data: out, shape: [n, f] };
}

/**
 * Rows copied once into a kernel workspace (WebAssembly memory for the SIMD backend, so products
 * run in place), with a scratch block for products of row ranges. Every product entry is summed
 * by the same kernel code whatever its position, and callers use fixed block boundaries, so
 * results do not depend on how work is split between threads.
 */
export class RowProducts {
  readonly n: number;
  readonly f: number;
  /** The rows, n×f, inside the workspace. */
  readonly x: Float64Array;
  readonly kernels: Kernels;
  readonly #scratch: Float64Array;

  /** @param blockCapacity the largest product block (rows × columns) that will be asked for. */
  constructor(x: Float64Array, n: number, f: number, blockCapacity: number, backend: KernelBackend = "auto") {
    this.n = n;
    this.f = f;
    // a few features: the plain kernels, without a WebAssembly memory to set up
    this.kernels = getKernels(f < 16 ? "js" : backend);
    const ws = this.kernels.workspace(n * f + blockCapacity);
    this.x = ws.take(n * f);
    this.x.set(x.subarray(0, n * f));
    this.#scratch = ws.take(blockCapacity);
  }

  /** x_i · x_j for i0 ≤ i < i1, j0 ≤ j < j1, as an (i1 − i0)×(j1 − j0) row-major view of the scratch block. */
  block(i0: number, i1: number, j0: number, j1: number): Float64Array {
    const f = this.f;
    const out = this.#scratch.subarray(0, (i1 - i0) * (j1 - j0));
    this.kernels.gemmABt(i1 - i0, j1 - j0, f, this.x.subarray(i0 * f, i1 * f), this.x.subarray(j0 * f, j1 * f), out);
    return out;
  }
}

/** Σ_p (a[ao + p] − b[bo + p])², computed directly (four accumulators: no add-latency chain). */
export function squaredDistance(a: Float64Array, ao: number, b: Float64Array, bo: number, f: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let p = 0;
  for (; p + 4 <= f; p += 4) {
    const d0 = a[ao + p]! - b[bo + p]!;
    const d1 = a[ao + p + 1]! - b[bo + p + 1]!;
    const d2 = a[ao + p + 2]! - b[bo + p + 2]!;
    const d3 = a[ao + p + 3]! - b[bo + p + 3]!;
    s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
  }
  for (; p < f; p++) {
    const d = a[ao + p]! - b[bo + p]!;
    s0 += d * d;
  }
  return (s0 + s1) + (s2 + s3);
}

// Below this ratio of d² to ‖x‖² + ‖y‖² the trick loses more than ~1e-12 relative: recompute directly.
export const CANCEL_RATIO = 1e-4;

/**
 * Euclidean distance between rows i and j from ‖x_i‖² + ‖x_j‖² − 2 x_i·x_j, recomputed directly
 * when the trick would cancel; 0 on the diagonal.
 */
export function distanceFromDot(x: Float64Array, f: number, i: number, j: number, ni: number, nj: number, dot: number): number {
  if (i === j) return 0;
  const nn = ni + nj;
  let d2 = nn - 2 * dot;
  if (d2 < CANCEL_RATIO * nn) d2 = squaredDistance(x, i * f, x, j * f, f);
  return Math.sqrt(d2);
}

/** The full n×n Euclidean distance matrix of (centred) rows, both triangles, same values as `distanceFromDot`. */
export function distanceMatrix(data: { x: Float64Array; norms: Float64Array; n: number; f: number }): Float64Array {
  const { norms, n, f } = data;
  const B = 128;
  const rows = new RowProducts(data.x, n, f, B * B);
  const x = rows.x;
  const out = new Float64Array(n * n);
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j0 = i0; j0 < n; j0 += B) {
      const j1 = Math.min(n, j0 + B);
      const block = rows.block(i0, i1, j0, j1);
      const w = j1 - j0;
      // distances in place, then rows (i, j) and the mirrored rows (j, i), both written contiguously
      for (let i = i0; i < i1; i++) {
        const ni = norms[i]!;
        const r = (i - i0) * w - j0;
        for (let j = j0; j < j1; j++) {
          const nn = ni + norms[j]!;
          let d2 = nn - 2 * block[r + j]!;
          if (d2 < CANCEL_RATIO * nn) d2 = i === j ? 0 : squaredDistance(x, i * f, x, j * f, f);
          block[r + j] = Math.sqrt(d2);
        }
        out.set(block.subarray((i - i0) * w, (i - i0 + 1) * w), i * n + j0);
      }
      if (j0 === i0) continue;
      for (let j = j0; j < j1; j++) {
        const o = j * n;
        for (let i = i0; i < i1; i++) out[o + i] = block[(i - i0) * w + j - j0]!;
      }
    }
  }
  return out;
}

/**
 * Condensed Euclidean distances as SciPy's `pdist(X)`: entry (i, j), i < j, at
 * n·i − i(i+1)/2 + (j − i − 1). Computed with the trick, on centred rows in blocks, or for
 * mostly-zero rows through SparseRows; pairs whose squared distance is small against the norms
 * are recomputed directly, so every entry is accurate to ~1e-12 relative. Equal, entry for
 * entry, to `squareDistances`.
 */
export function condensedDistances(x: Matrix): Float64Array {
  const [n] = x.shape;
  const out = new Float64Array((n * (n - 1)) / 2);
  upperDistances(x, (i, j0, row) => out.set(row, n * i - (i * (i + 1)) / 2 + (j0 - i - 1)));
  return out;
}

/**
 * The full n×n Euclidean distance matrix (both triangles, 0 on the diagonal), entry for entry
 * `condensedDistances`; written into `out` (n² entries, every one overwritten) when given.
 */
export function squareDistances(x: Matrix, out?: Float64Array): Float64Array {
  const [n] = x.shape;
  if (out === undefined) out = new Float64Array(n * n);
  else if (out.length !== n * n) throw new RangeError(`squareDistances: out has ${out.length} entries, not ${n * n}`);
  else for (let i = 0; i < n; i++) out[i * n + i] = 0;
  const D = out;
  upperDistances(x, (i, j0, row) => D.set(row, i * n + j0));
  // the lower triangle by 64×64 tiles (a column write per entry would miss the cache each time)
  const T = 64;
  for (let i0 = 0; i0 < n; i0 += T) {
    const i1 = Math.min(n, i0 + T);
    for (let j0 = i0; j0 < n; j0 += T) {
      const j1 = Math.min(n, j0 + T);
      for (let j = j0; j < j1; j++) {
        const o = j * n;
        for (let i = i0; i < i1 && i < j; i++) D[o + i] = D[i * n + j]!;
      }
    }
  }
  return D;
}

/**
 * Distances (i, j) for j > i, handed out as runs of one row: emit(i, j0, d) with d[q] the distance
 * (i, j0 + q). The runs of a row come in ascending j0; rows come in block order.
 */
function upperDistances(x: Matrix, emit: (i: number, j0: number, d: Float64Array) => void): void {
  const [n, f] = x.shape;
  if (preferSparse(x.data, n, f)) {
    const a = x.data;
    const norms = rowSquaredNorms(x);
    const rows = new SparseRows(a, n, f);
    const cursor = rows.colStart.slice(0, f);
    const d = new Float64Array(n);
    for (let i = 0; i < n - 1; i++) {
      rows.laterDots(i, cursor, d);
      const ni = norms[i]!;
      for (let j = i + 1; j < n; j++) {
        const nn = ni + norms[j]!;
        let d2 = nn - 2 * d[j]!;
        if (d2 < CANCEL_RATIO * nn) d2 = squaredDistance(a, i * f, a, j * f, f);
        d[j] = Math.sqrt(d2);
      }
      emit(i, i + 1, d.subarray(i + 1, n));
    }
    return;
  }
  const c = centredCopy(x);
  const norms = rowSquaredNorms(c);
  const B = 128;
  const rows = new RowProducts(c.data, n, f, B * B);
  const a = rows.x;
  const run = new Float64Array(B);
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j0 = i0; j0 < n; j0 += B) {
      const j1 = Math.min(n, j0 + B);
      const block = rows.block(i0, i1, j0, j1);
      const w = j1 - j0;
      for (let i = i0; i < i1; i++) {
        const ni = norms[i]!;
        const r = (i - i0) * w - j0;
        const js = j0 > i ? j0 : i + 1;
        if (js >= j1) continue;
        for (let j = js; j < j1; j++) run[j - js] = distanceFromDot(a, f, i, j, ni, norms[j]!, block[r + j]!);
        emit(i, js, run.subarray(0, j1 - js));
      }
    }
  }
}

/** Index of (i, j), i ≠ j, in a condensed n×n distance vector. */
export function condensedIndex(n: number, i: number, j: number): number {
  if (i > j) {
    const t = i;
    i = j;
    j = t;
  }
  return n * i - (i * (i + 1)) / 2 + (j - i - 1);
}
