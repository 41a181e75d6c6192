// Agglomerative hierarchical clustering equal to SciPy's `linkage` (1.10): the same algorithms
// in the same order, so ties break the same way and Z matches element for element:
// single → minimum spanning tree (Prim, O(N²)); complete, average, weighted, ward →
// nearest-neighbour chain; centroid, median → the generic algorithm with a heap (Müllner 2011).
// Memory: up to SQUARE_MAX_ROWS points the full N×N matrix for the MST and the chain
// (linkage-square.ts: contiguous rows), else the condensed vector, N(N−1)/2 doubles.
import { OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { condensedDistances, squareDistances } from "./distances.js";
import { generic } from "./linkage-generic.js";
import { mstSingleSquare, nnChainSquare, type ChainMethod } from "./linkage-square.js";
import { ci, UPDATES, type Update } from "./linkage-update.js";
import { checkFinite, checkRows } from "./validate.js";

export type LinkageMethod = "single" | "complete" | "average" | "weighted" | "centroid" | "median" | "ward";

export const LINKAGE_METHODS: readonly LinkageMethod[] = ["single", "complete", "average", "weighted", "centroid", "median", "ward"];

/**
 * Hierarchical clustering of the rows of x (Euclidean distances), SciPy's linkage matrix Z:
 * (N−1)×4, row k = [cluster a, cluster b, distance, size]; clusters ≥ N are earlier rows (N + row).
 * @throws DataError on a non-finite entry; OptionError on an unknown method or N < 2.
 * @example
 * const Z = linkage(x, "ward"); const labels = fclusterMaxclust(Z, 4);
 */
export function linkage(x: Matrix, method: LinkageMethod = "single"): Matrix {
  checkMethod(method);
  checkFinite("linkage", x);
  checkRows("linkage", "rows", x, 2);
  const n = x.shape[0];
  if (useSquare(n, method)) {
    const D = squareDistances(x, spareSquare(n));
    const Z = linkageSquare(D, n, method);
    keepSquare(D);
    return Z;
  }
  // the distances are ours: the algorithms may overwrite them (no 8·N²/2-byte copy)
  return linkageOwned(condensedDistances(x), n, method);
}

/** Up to this many points, single/complete/average/weighted/ward run on the N×N matrix (8·N² bytes: 288 MB at 6000). */
export const SQUARE_MAX_ROWS = 6000;

// The last call's n×n matrix, held weakly: the next call of the same size writes into it while
// the collector has not reclaimed it, which skips the page faults of mapping 8·n² fresh bytes
// (~0.12 s at 5000 points, a quarter of the distances' cost). Every entry is rewritten: results
// are the same either way.
let spare: WeakRef<Float64Array> | undefined;

function spareSquare(n: number): Float64Array | undefined {
  const D = spare?.deref();
  spare = undefined;
  return D !== undefined && D.length === n * n ? D : undefined;
}

function keepSquare(D: Float64Array): void {
  spare = new WeakRef(D);
}

function useSquare(n: number, method: LinkageMethod): boolean {
  return n <= SQUARE_MAX_ROWS && method !== "centroid" && method !== "median";
}

/** Dispatch on a square distance matrix the algorithms may overwrite. */
function linkageSquare(D: Float64Array, n: number, method: LinkageMethod): Matrix {
  if (method === "single") return labelSorted(mstSingleSquare(D, n), n);
  return labelSorted(nnChainSquare(D, n, method as ChainMethod, UPDATES[method]), n);
}

/** As `linkage`, from a condensed distance vector (SciPy's pdist layout; not modified). */
export function linkageFromDistances(d: Float64Array, n: number, method: LinkageMethod = "single"): Matrix {
  checkMethod(method);
  if (d.length !== (n * (n - 1)) / 2) throw new OptionError(`linkage: ${d.length} distances cannot be the condensed matrix of ${n} points`);
  if (useSquare(n, method)) {
    const D = spareSquare(n) ?? new Float64Array(n * n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const v = d[k++]!;
        D[i * n + j] = v;
        D[j * n + i] = v;
      }
      D[i * n + i] = 0;
    }
    const Z = linkageSquare(D, n, method);
    keepSquare(D);
    return Z;
  }
  return linkageOwned(method === "single" ? d : d.slice(), n, method);
}

/** Dispatch on a condensed distance vector the algorithms may overwrite (exported for tests: the layout used above SQUARE_MAX_ROWS). */
export function linkageOwned(d: Float64Array, n: number, method: LinkageMethod): Matrix {
  if (method === "single") return mstSingle(d, n);
  if (method === "centroid" || method === "median") return generic(d, n, UPDATES[method]);
  return nnChain(d, n, UPDATES[method]);
}

function checkMethod(method: string): void {
  if (!LINKAGE_METHODS.includes(method as LinkageMethod)) {
    throw new OptionError(`linkage: method must be one of ${LINKAGE_METHODS.join(", ")}, got ${JSON.stringify(method)}`, { field: "method" });
  }
}

/** SciPy's mst_single_linkage (the points not yet merged kept in an ascending list: same order, less scanning). */
function mstSingle(dists: Float64Array, n: number): Matrix {
  const Z = new Float64Array((n - 1) * 4);
  const D = new Float64Array(n).fill(Infinity);
  const active = new Int32Array(n);
  for (let i = 0; i < n; i++) active[i] = i;
  let count = n;
  let x = 0;
  let y = 0;
  for (let k = 0; k < n - 1; k++) {
    let currentMin = Infinity;
    removeActive(active, count--, x);
    for (let q = 0; q < count; q++) {
      const i = active[q]!;
      const dist = dists[i < x ? ci(n, i, x) : ci(n, x, i)]!;
      if (D[i]! > dist) D[i] = dist;
      if (D[i]! < currentMin) {
        y = i;
        currentMin = D[i]!;
      }
    }
    Z[k * 4] = x;
    Z[k * 4 + 1] = y;
    Z[k * 4 + 2] = currentMin;
    x = y;
  }
  return labelSorted(Z, n);
}

/** Removes value v from the ascending list active[0 … count). */
function removeActive(active: Int32Array, count: number, v: number): void {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (active[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  active.copyWithin(lo, lo + 1, count);
}

/**
 * SciPy's nn_chain (complete, average, weighted, ward). The live clusters are kept in an ascending
 * list, so scans visit them in SciPy's order (same ties) without stepping over dead ones.
 */
function nnChain(D: Float64Array, n: number, update: Update): Matrix {
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
      if (chainLength > 1) {
        y = chain[chainLength - 2]!;
        currentMin = D[x < y ? ci(n, x, y) : ci(n, y, x)]!;
      } else {
        currentMin = Infinity;
      }
      // i < x: column x of the rows above; i > x: row x, contiguous
      let q = 0;
      for (; q < count; q++) {
        const i = active[q]!;
        if (i >= x) break;
        const dist = D[ci(n, i, x)]!;
        if (dist < currentMin) {
          currentMin = dist;
          y = i;
        }
      }
      const row = ci(n, x, x + 1) - (x + 1);
      for (q++; q < count; q++) {
        const i = active[q]!;
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
    removeActive(active, count--, x);
    for (let q = 0; q < count; q++) {
      const i = active[q]!;
      if (i === y) continue;
      const ix = i < x ? ci(n, i, x) : ci(n, x, i);
      const iy = i < y ? ci(n, i, y) : ci(n, y, i);
      D[iy] = update(D[ix]!, D[iy]!, currentMin, nx, ny, size[i]!);
    }
  }
  return labelSorted(Z, n);
}

/** Stable sort of Z by distance (numpy's mergesort), then SciPy's `label` (union–find relabelling). */
function labelSorted(Z: Float64Array, n: number): Matrix {
  const m = n - 1;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => Z[a * 4 + 2]! - Z[b * 4 + 2]! || a - b);
  const S = new Float64Array(m * 4);
  for (let r = 0; r < m; r++) S.set(Z.subarray(order[r]! * 4, order[r]! * 4 + 4), r * 4);
  const parent = new Int32Array(2 * n - 1);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const sizes = new Int32Array(2 * n - 1).fill(1);
  let nextLabel = n;
  const find = (x: number): number => {
    let p = x;
    while (parent[x] !== x) x = parent[x]!;
    while (parent[p] !== x) {
      const q = parent[p]!;
      parent[p] = x;
      p = q;
    }
    return x;
  };
  for (let r = 0; r < m; r++) {
    const xr = find(S[r * 4]!);
    const yr = find(S[r * 4 + 1]!);
    S[r * 4] = Math.min(xr, yr);
    S[r * 4 + 1] = Math.max(xr, yr);
    parent[xr] = nextLabel;
    parent[yr] = nextLabel;
    const s = sizes[xr]! + sizes[yr]!;
    sizes[nextLabel] = s;
    nextLabel++;
    S[r * 4 + 3] = s;
  }
  return { data: S, shape: [m, 4] };
}
