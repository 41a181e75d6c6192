// SciPy's single (MST, Prim) and nearest-neighbour-chain linkage on the full n×n distance matrix
// instead of the condensed vector: a cluster's distances to all others are one contiguous row,
// where the condensed layout scatters half of them over the whole vector (a cache miss each).
// Same algorithms, same scan order and comparisons as linkage.ts, so Z is the same. The updates
// are SciPy's formulas (linkage-update.ts) inlined per method, written to row y and column y.
import type { Update } from "./linkage-update.js";

/** SciPy's mst_single_linkage on a square matrix; Z unsorted (the caller sorts and relabels). */
export function mstSingleSquare(D: Float64Array, n: number): Float64Array {
  const Z = new Float64Array((n - 1) * 4);
  const best = new Float64Array(n).fill(Infinity);
  const active = new Int32Array(n);
  for (let i = 0; i < n; i++) active[i] = i;
  let count = n;
  let x = 0;
  let y = 0;
  for (let k = 0; k < n - 1; k++) {
    let currentMin = Infinity;
    count = removeValue(active, count, x);
    const row = x * n;
    for (let q = 0; q < count; q++) {
      const i = active[q]!;
      const dist = D[row + i]!;
      let b = best[i]!;
      if (b > dist) best[i] = b = dist;
      if (b < currentMin) {
        y = i;
        currentMin = b;
      }
    }
    Z[k * 4] = x;
    Z[k * 4 + 1] = y;
    Z[k * 4 + 2] = currentMin;
    x = y;
  }
  return Z;
}

/** Removes v from the ascending list active[0 … count); returns the new count. */
function removeValue(active: Int32Array, count: number, v: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (active[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  active.copyWithin(lo, lo + 1, count);
  return count - 1;
}

export type ChainMethod = "complete" | "average" | "weighted" | "ward";

/** SciPy's nn_chain on a square matrix (overwritten); Z unsorted (the caller sorts and relabels). */
export function nnChainSquare(D: Float64Array, n: number, method: ChainMethod, update: Update): Float64Array {
  const Z = new Float64Array((n - 1) * 4);
  const size = new Int32Array(n).fill(1);
  const chain = new Int32Array(n);
  const active = new Int32Array(n);
  for (let i = 0; i < n; i++) active[i] = i;
  let count = n;
  let chainLength = 0;
  let y = 0;
  for (let k = 0; k < n - 1; k++) {
    if (chainLength === 0) {
      chainLength = 1;
      chain[0] = active[0]!;
    }
    let x = 0;
    let currentMin = Infinity;
    for (;;) {
      x = chain[chainLength - 1]!;
      currentMin = Infinity;
      if (chainLength > 1) {
        y = chain[chainLength - 2]!;
        currentMin = D[x * n + y]!;
      }
      const row = x * n;
      for (let q = 0; q < count; q++) {
        const i = active[q]!;
        if (i === x) continue;
        const dist = D[row + i]!;
        if (dist < currentMin) {
          currentMin = dist;
          y = i;
        }
      }
      if (chainLength > 1 && y === chain[chainLength - 2]) break;
      chain[chainLength++] = y;
    }
    chainLength -= 2;
    if (x > y) {
      const t = x;
      x = y;
      y = t;
    }
    const nx = size[x]!;
    const ny = size[y]!;
    Z[k * 4] = x;
    Z[k * 4 + 1] = y;
    Z[k * 4 + 2] = currentMin;
    Z[k * 4 + 3] = nx + ny;
    size[x] = 0;
    size[y] = nx + ny;
    count = removeValue(active, count, x);
    const rx = x * n;
    const ry = y * n;
    const dxy = currentMin;
    // SciPy's _hierarchy_distance_update.pxi, operation order kept (see linkage-update.ts)
    switch (method) {
      case "average": {
        const s = nx + ny;
        for (let q = 0; q < count; q++) {
          const i = active[q]!;
          if (i === y) continue;
          const v = (nx * D[rx + i]! + ny * D[ry + i]!) / s;
          D[ry + i] = v;
          D[i * n + y] = v;
        }
        break;
      }
      case "ward": {
        for (let q = 0; q < count; q++) {
          const i = active[q]!;
          if (i === y) continue;
          const ni = size[i]!;
          const t = 1.0 / (nx + ny + ni);
          const dxi = D[rx + i]!;
          const dyi = D[ry + i]!;
          const v = Math.sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy);
          D[ry + i] = v;
          D[i * n + y] = v;
        }
        break;
      }
      default: {
        for (let q = 0; q < count; q++) {
          const i = active[q]!;
          if (i === y) continue;
          const v = update(D[rx + i]!, D[ry + i]!, dxy, nx, ny, size[i]!);
          D[ry + i] = v;
          D[i * n + y] = v;
        }
      }
    }
  }
  return Z;
}
