// Comparing clusterings (runs, seeds, methods): contingency tables, the adjusted Rand index
// (scikit-learn's `adjusted_rand_score`, exact integer pair counts) and one-to-one label
// matching by the Hungarian algorithm (maximum total overlap).
import { ShapeError } from "../core/errors.js";

export interface ContingencyTable {
  /** Sorted distinct labels of a (rows) and b (columns). */
  rowLabels: Int32Array;
  colLabels: Int32Array;
  /** rows×cols counts, row-major. */
  counts: Int32Array;
}

/**
 * Counts of points per (label in a, label in b).
 * @example
 * contingencyTable(Int32Array.of(0, 0, 1), Int32Array.of(1, 1, 1)).counts; // [2, 1]
 */
export function contingencyTable(a: Int32Array, b: Int32Array): ContingencyTable {
  if (a.length !== b.length) throw new ShapeError(`contingencyTable: ${a.length} labels against ${b.length}`);
  const rowLabels = Int32Array.from(new Set(a)).sort();
  const colLabels = Int32Array.from(new Set(b)).sort();
  const ri = new Map<number, number>();
  const cj = new Map<number, number>();
  rowLabels.forEach((v, i) => ri.set(v, i));
  colLabels.forEach((v, j) => cj.set(v, j));
  const counts = new Int32Array(rowLabels.length * colLabels.length);
  for (let i = 0; i < a.length; i++) counts[ri.get(a[i]!)! * colLabels.length + cj.get(b[i]!)!]! += 1;
  return { rowLabels, colLabels, counts };
}

/**
 * Adjusted Rand index between two labelings (1 = identical up to renaming; ≈ 0 for chance).
 * Pair counts are exact integers (BigInt), as scikit-learn's Python integers.
 * @example
 * adjustedRandIndex(Int32Array.of(0, 0, 1, 1), Int32Array.of(1, 1, 0, 0)); // 1
 */
export function adjustedRandIndex(a: Int32Array, b: Int32Array): number {
  const t = contingencyTable(a, b);
  const R = t.rowLabels.length;
  const C = t.colLabels.length;
  const n = BigInt(a.length);
  const nc = new Array<bigint>(R).fill(0n);
  const nk = new Array<bigint>(C).fill(0n);
  let sumSquares = 0n;
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      const v = BigInt(t.counts[r * C + c]!);
      nc[r] = nc[r]! + v;
      nk[c] = nk[c]! + v;
      sumSquares += v * v;
    }
  }
  // scikit-learn's pair_confusion_matrix
  let cDotNk = 0n;
  let ctDotNc = 0n;
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      const v = BigInt(t.counts[r * C + c]!);
      cDotNk += v * nk[c]!;
      ctDotNc += v * nc[r]!;
    }
  }
  const tp = sumSquares - n;
  const fp = cDotNk - sumSquares;
  const fn = ctDotNc - sumSquares;
  const tn = n * n - fp - fn - sumSquares;
  if (fn === 0n && fp === 0n) return 1.0;
  return (2.0 * Number(tp * tn - fn * fp)) / Number((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

/**
 * Minimum-cost assignment of rows to columns (Hungarian algorithm, shortest augmenting paths,
 * O(n²m)); rows ≤ columns is not required. Returns for each row its column or −1.
 */
export function linearSumAssignment(cost: Float64Array, rows: number, cols: number): Int32Array {
  const transpose = rows > cols;
  const n = transpose ? cols : rows;
  const m = transpose ? rows : cols;
  const c = (i: number, j: number): number => (transpose ? cost[j * cols + i]! : cost[i * cols + j]!);
  // 1-based potentials (e-maxx formulation)
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = c(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Int32Array(rows).fill(-1);
  for (let j = 1; j <= m; j++) {
    if (p[j] === 0) continue;
    if (transpose) out[j - 1] = p[j]! - 1;
    else out[p[j]! - 1] = j - 1;
  }
  return out;
}

export interface LabelMatch {
  /** `labels` renamed to the reference's names where matched; unmatched clusters get new names above the reference's. */
  labels: Int32Array;
  /** Pairs [label in `labels`, reference label]. */
  mapping: [number, number][];
}

/**
 * Renames the clusters of `labels` to those of `reference` so that the total overlap is maximal
 * (one-to-one; Hungarian algorithm on the contingency table).
 * @example
 * matchLabels(Int32Array.of(0, 0, 1), Int32Array.of(5, 5, 2)).labels; // [0, 0, 1]
 */
export function matchLabels(reference: Int32Array, labels: Int32Array): LabelMatch {
  const t = contingencyTable(labels, reference);
  const R = t.rowLabels.length;
  const C = t.colLabels.length;
  const cost = new Float64Array(R * C);
  for (let i = 0; i < R * C; i++) cost[i] = -t.counts[i]!;
  const assign = linearSumAssignment(cost, R, C);
  let next = C > 0 ? t.colLabels[C - 1]! + 1 : 0;
  const rename = new Map<number, number>();
  const mapping: [number, number][] = [];
  for (let r = 0; r < R; r++) {
    const to = assign[r]! >= 0 ? t.colLabels[assign[r]!]! : next++;
    rename.set(t.rowLabels[r]!, to);
    mapping.push([t.rowLabels[r]!, to]);
  }
  return { labels: labels.map((l) => rename.get(l)!), mapping };
}
