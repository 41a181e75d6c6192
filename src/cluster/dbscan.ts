// DBSCAN equal to scikit-learn's: a point is core when at least minSamples points (itself
// included) lie within eps (squared distance ≤ eps², as its KD-tree compares); clusters grow from
// cores in index order, so they are numbered by their lowest core index and a border point
// reachable from two clusters belongs to the first. Noise is −1 and is always reported.
// Neighbours: a uniform grid of cell size eps in up to 3 dimensions (adjacent cells only),
// otherwise all pairs (with an early exit once a partial sum exceeds eps²).
import { OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { int, num, resolveOptions } from "../core/options.js";
import { checkFinite } from "./validate.js";

export interface DbscanOptions {
  /** Neighbourhood radius (> 0). */
  eps: number;
  /** Points within eps, itself included, that make a core point (default 5). */
  minSamples?: number;
}

export interface DbscanResult {
  /** Cluster of each point, 0-based; −1 for noise. */
  labels: Int32Array;
  /** Indices of the core points, ascending. */
  coreSampleIndices: Int32Array;
  /** Per point: 2 core, 1 border, 0 noise. */
  kind: Uint8Array;
  nClusters: number;
  nNoise: number;
}

const RULES = { eps: num({ above: 0 }), minSamples: int({ min: 1 }, 5) };

/**
 * Density-based clustering (scikit-learn's `DBSCAN(eps, min_samples)`).
 * @param x N×F feature matrix.
 * @throws OptionError on a missing/invalid eps or minSamples; DataError on a non-finite entry.
 * @example
 * const { labels, nNoise } = dbscan(x, { eps: 0.35, minSamples: 6 });
 */
export function dbscan(x: Matrix, options: DbscanOptions): DbscanResult {
  const o = resolveOptions<Required<DbscanOptions>>("dbscan", RULES, options);
  if (o.eps === undefined) throw new OptionError(`dbscan option "eps" is required (a finite number > 0)`, { field: "eps" });
  checkFinite("dbscan", x);
  const [n, f] = x.shape;
  const nb = f <= 3 ? (denseGridNeighbours(x, o.eps) ?? gridNeighbours(x, o.eps)) : bruteNeighbours(x, o.eps);
  const { start, list } = nb;
  const isCore = new Uint8Array(n);
  let nCore = 0;
  for (let i = 0; i < n; i++) {
    if (start[i + 1]! - start[i]! >= o.minSamples) {
      isCore[i] = 1;
      nCore++;
    }
  }
  const labels = new Int32Array(n).fill(-1);
  const stack = new Int32Array(list.length + 1);
  let label = 0;
  for (let s = 0; s < n; s++) {
    if (labels[s] !== -1 || !isCore[s]) continue;
    let top = 0;
    let i = s;
    for (;;) {
      if (labels[i] === -1) {
        labels[i] = label;
        if (isCore[i]) {
          for (let q = start[i]!; q < start[i + 1]!; q++) {
            const v = list[q]!;
            if (labels[v] === -1) stack[top++] = v;
          }
        }
      }
      if (top === 0) break;
      i = stack[--top]!;
    }
    label++;
  }
  const coreSampleIndices = new Int32Array(nCore);
  const kind = new Uint8Array(n);
  let c = 0;
  let nNoise = 0;
  for (let i = 0; i < n; i++) {
    if (isCore[i]) {
      coreSampleIndices[c++] = i;
      kind[i] = 2;
    } else if (labels[i]! >= 0) kind[i] = 1;
    else nNoise++;
  }
  return { labels, coreSampleIndices, kind, nClusters: label, nNoise };
}

/** Neighbour lists in CSR form: the neighbours of i are list[start[i] … start[i+1]). */
interface Neighbours {
  start: Int32Array;
  list: Int32Array;
}

class IntBuffer {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
}

/**
 * gridNeighbours with the cells in a flat array (when the grid's bounding box has at most ~8n
 * cells): points sorted by cell with their coordinates copied contiguously, a cell's neighbours
 * found by fixed index offsets (one empty cell of padding on each side, so no offset wraps). The
 * pairs and the distance test are gridNeighbours'. Null when the grid would be too large.
 */
function denseGridNeighbours(x: Matrix, eps: number): Neighbours | null {
  const [n, f] = x.shape;
  const a = x.data;
  const eps2 = eps * eps;
  const lo = [0, 0, 0];
  const dims = [3, 3, 3];
  for (let p = 0; p < f; p++) {
    let m = Infinity;
    let M = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = a[i * f + p]!;
      if (v < m) m = v;
      if (v > M) M = v;
    }
    lo[p] = m;
    const cells = Math.floor((M - m) / eps) + 3;
    if (!(cells <= 8 * n + 64)) return null;
    dims[p] = cells;
  }
  const g1 = dims[1]!;
  const g2 = dims[2]!;
  const G = dims[0]! * g1 * g2;
  if (G > 8 * n + 4096) return null;
  // cell of each point, and the points sorted by cell (counting sort)
  const key = new Int32Array(n);
  const cellStart = new Int32Array(G + 1);
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (let p = 0; p < 3; p++) {
      const c = p < f ? Math.floor((a[i * f + p]! - lo[p]!) / eps) + 1 : 1;
      k = k * dims[p]! + c;
    }
    key[i] = k;
    cellStart[k + 1]! += 1;
  }
  for (let c = 0; c < G; c++) cellStart[c + 1]! += cellStart[c]!;
  const at = cellStart.slice(0, G);
  const order = new Int32Array(n);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const pz = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = at[key[i]!]!++;
    order[u] = i;
    px[u] = a[i * f]!;
    if (f > 1) py[u] = a[i * f + 1]!;
    if (f > 2) pz[u] = a[i * f + 2]!;
  }
  // the 13 forward neighbour cells as index offsets ((d0, d1, d2) > 0 lexicographically)
  const offsets = new Int32Array(13);
  let no = 0;
  for (let d0 = -1; d0 <= 1; d0++) for (let d1 = -1; d1 <= 1; d1++) for (let d2 = -1; d2 <= 1; d2++) {
    if (d0 > 0 || (d0 === 0 && (d1 > 0 || (d1 === 0 && d2 > 0)))) offsets[no++] = (d0 * g1 + d1) * g2 + d2;
  }
  let pairs = new Int32Array(Math.max(1024, 16 * n));
  let np = 0;
  const degree = new Int32Array(n).fill(1); // sorted positions; each point is its own neighbour
  for (let c = 0; c < G; c++) {
    const s0 = cellStart[c]!;
    const s1 = cellStart[c + 1]!;
    if (s0 === s1) continue;
    for (let o = -1; o < 13; o++) {
      const other = o < 0 ? c : c + offsets[o]!;
      const t1 = cellStart[other + 1]!;
      for (let u = s0; u < s1; u++) {
        const xu = px[u]!, yu = py[u]!, zu = pz[u]!;
        for (let v = o < 0 ? u + 1 : cellStart[other]!; v < t1; v++) {
          // Σ_p (a_p − b_p)² in p order, as gridNeighbours (absent dimensions add exact zeros)
          const dx = xu - px[v]!;
          const dy = yu - py[v]!;
          const dz = zu - pz[v]!;
          if (dx * dx + dy * dy + dz * dz <= eps2) {
            if (np + 2 > pairs.length) {
              const grown = new Int32Array(pairs.length * 2);
              grown.set(pairs);
              pairs = grown;
            }
            pairs[np++] = u;
            pairs[np++] = v;
            degree[u]!++;
            degree[v]!++;
          }
        }
      }
    }
  }
  // CSR in the original numbering
  const start = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) start[order[u]! + 1] = degree[u]!;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const list = new Int32Array(start[n]!);
  const fill = start.slice(0, n);
  for (let i = 0; i < n; i++) list[fill[i]!++] = i;
  for (let q = 0; q < np; q += 2) {
    const i = order[pairs[q]!]!;
    const j = order[pairs[q + 1]!]!;
    list[fill[i]!++] = j;
    list[fill[j]!++] = i;
  }
  return { start, list };
}

/**
 * Neighbour lists from a uniform grid of cell size eps (d ≤ 3): points are bucketed by cell, and
 * every pair of points in the same or adjacent cells is compared once (each cell against itself
 * and its 13 "forward" neighbours in 3-D), then the pairs within eps become CSR lists. Neighbour
 * order does not matter to DBSCAN's labels.
 */
function gridNeighbours(x: Matrix, eps: number): Neighbours {
  const [n, f] = x.shape;
  const a = x.data;
  const eps2 = eps * eps;
  // integer cell coordinates (padded to 3-D), shifted to start at 0
  const lo = [Infinity, Infinity, Infinity];
  const hi = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let p = 0; p < f; p++) if (a[i * f + p]! < lo[p]!) lo[p] = a[i * f + p]!;
  const cell = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < f; p++) {
      const c = Math.floor((a[i * f + p]! - lo[p]!) / eps);
      cell[i * 3 + p] = c;
      if (c > hi[p]!) hi[p] = c;
    }
  }
  // cell keys: exact integers while the grid has fewer than 2^52 cells, else strings
  const ny = hi[1]! + 3;
  const nz = hi[2]! + 3;
  const numeric = (hi[0]! + 3) * ny * nz < 2 ** 52;
  const key = (c0: number, c1: number, c2: number): number | string => (numeric ? (c0 * ny + c1) * nz + c2 : `${c0},${c1},${c2}`);
  const cellIndex = new Map<number | string, number>();
  const cellOf = new Int32Array(n);
  const cellCoords: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = key(cell[i * 3]!, cell[i * 3 + 1]!, cell[i * 3 + 2]!);
    let c = cellIndex.get(k);
    if (c === undefined) {
      c = cellCoords.length / 3;
      cellIndex.set(k, c);
      cellCoords.push(cell[i * 3]!, cell[i * 3 + 1]!, cell[i * 3 + 2]!);
    }
    cellOf[i] = c;
  }
  // points grouped by cell (CSR)
  const nCells = cellCoords.length / 3;
  const cellStart = new Int32Array(nCells + 1);
  for (let i = 0; i < n; i++) cellStart[cellOf[i]! + 1]! += 1;
  for (let c = 0; c < nCells; c++) cellStart[c + 1]! += cellStart[c]!;
  const members = new Int32Array(n);
  const fillAt = cellStart.slice(0, nCells);
  for (let i = 0; i < n; i++) members[fillAt[cellOf[i]!]!++] = i;
  // forward neighbour offsets: (d0, d1, d2) > (0, 0, 0) lexicographically, within the used dimensions
  const offsets: [number, number, number][] = [];
  for (let d0 = -1; d0 <= 1; d0++) for (let d1 = -1; d1 <= 1; d1++) for (let d2 = -1; d2 <= 1; d2++) {
    if ((f < 2 && d1 !== 0) || (f < 3 && d2 !== 0)) continue;
    if (d0 > 0 || (d0 === 0 && (d1 > 0 || (d1 === 0 && d2 > 0)))) offsets.push([d0, d1, d2]);
  }
  const pairs = new IntBuffer();
  const degree = new Int32Array(n).fill(1); // each point is its own neighbour
  const close = (i: number, j: number): boolean => {
    let s = 0;
    for (let p = 0; p < f; p++) {
      const v = a[i * f + p]! - a[j * f + p]!;
      s += v * v;
    }
    return s <= eps2;
  };
  for (let c = 0; c < nCells; c++) {
    const s0 = cellStart[c]!;
    const s1 = cellStart[c + 1]!;
    for (let u = s0; u < s1; u++) {
      const i = members[u]!;
      for (let v = u + 1; v < s1; v++) {
        const j = members[v]!;
        if (close(i, j)) {
          pairs.push(i);
          pairs.push(j);
          degree[i]!++;
          degree[j]!++;
        }
      }
    }
    const c0 = cellCoords[c * 3]!, c1 = cellCoords[c * 3 + 1]!, c2 = cellCoords[c * 3 + 2]!;
    for (const [d0, d1, d2] of offsets) {
      const other = cellIndex.get(key(c0 + d0, c1 + d1, c2 + d2));
      if (other === undefined) continue;
      const t0 = cellStart[other]!;
      const t1 = cellStart[other + 1]!;
      for (let u = s0; u < s1; u++) {
        const i = members[u]!;
        for (let v = t0; v < t1; v++) {
          const j = members[v]!;
          if (close(i, j)) {
            pairs.push(i);
            pairs.push(j);
            degree[i]!++;
            degree[j]!++;
          }
        }
      }
    }
  }
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + degree[i]!;
  const list = new Int32Array(start[n]!);
  const at = start.slice(0, n);
  for (let i = 0; i < n; i++) list[at[i]!++] = i;
  const pd = pairs.data;
  for (let q = 0; q < pairs.length; q += 2) {
    const i = pd[q]!;
    const j = pd[q + 1]!;
    list[at[i]!++] = j;
    list[at[j]!++] = i;
  }
  return { start, list };
}

/** All pairs (any dimension); a partial sum above eps² ends a comparison early. */
function bruteNeighbours(x: Matrix, eps: number): Neighbours {
  const [n, f] = x.shape;
  const a = x.data;
  const eps2 = eps * eps;
  const start = new Int32Array(n + 1);
  const list = new IntBuffer();
  for (let i = 0; i < n; i++) {
    const io = i * f;
    for (let j = 0; j < n; j++) {
      const jo = j * f;
      let s = 0;
      for (let p = 0; p < f && s <= eps2; p++) {
        const v = a[io + p]! - a[jo + p]!;
        s += v * v;
      }
      if (s <= eps2) list.push(j);
    }
    start[i + 1] = list.length;
  }
  return { start, list: list.data.subarray(0, list.length) };
}
