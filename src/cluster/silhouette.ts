// Silhouette coefficients exactly as scikit-learn's `silhouette_samples` (Euclidean):
// a = mean distance to the other members of the own cluster, b = lowest mean distance to
// another cluster, s = (b − a) / max(a, b), 0 for singletons. Distances are computed in row
// blocks against all rows (memory O(block · n)), so N = 20,000 fits; each distance sums its
// features in one fixed order and each row accumulates columns in ascending order, so any
// split into row ranges (silhouette.node.ts runs them in parallel) gives identical numbers.
import { OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { centredCopy, distanceFromDot, RowProducts, rowSquaredNorms } from "./distances.js";
import { PairSilhouette, pairsFit } from "./silhouette-pairs.js";
import { preferSparse } from "./sparse-rows.js";
import { checkFinite, checkLabels } from "./validate.js";

/** Labels re-encoded to 0…L−1 (scikit-learn's LabelEncoder: sorted distinct values) with cluster sizes. */
export interface EncodedLabels {
  readonly codes: Int32Array;
  readonly counts: Float64Array;
  readonly nLabels: number;
}

/** Re-encodes arbitrary integer labels (e.g. DBSCAN's −1) to 0…L−1 in sorted order. */
export function encodeLabels(labels: Int32Array): EncodedLabels {
  const distinct = Array.from(new Set(labels)).sort((a, b) => a - b);
  const map = new Map<number, number>();
  distinct.forEach((v, i) => map.set(v, i));
  const codes = new Int32Array(labels.length);
  const counts = new Float64Array(distinct.length);
  for (let i = 0; i < labels.length; i++) {
    const c = map.get(labels[i]!)!;
    codes[i] = c;
    counts[c]! += 1;
  }
  return { codes, counts, nLabels: distinct.length };
}

/** What the row-block computation needs (shared with the parallel twin). */
export interface SilhouetteInput {
  readonly n: number;
  readonly f: number;
  /** Centred rows, n×f; the rows as given when `sparse`. */
  readonly x: Float64Array;
  /** Mostly zeros: products through SparseRows (see silhouetteRows). */
  readonly sparse: boolean;
  /** Each pair once (silhouette-pairs.ts; when its accumulators fit), else row blocks against all rows. */
  readonly pairs: boolean;
  readonly norms: Float64Array;
  readonly labels: EncodedLabels;
}

/** Checks and prepares the data: finite values, one label per row, 2 ≤ L ≤ n − 1 labels. */
export function prepareSilhouette(x: Matrix, labels: Int32Array): SilhouetteInput {
  checkFinite("silhouetteSamples", x);
  checkLabels("silhouetteSamples", x, labels);
  const enc = encodeLabels(labels);
  const n = x.shape[0];
  if (enc.nLabels < 2 || enc.nLabels > n - 1) {
    throw new OptionError(`silhouetteSamples: number of labels is ${enc.nLabels} (expected 2 to n − 1 = ${n - 1})`);
  }
  const f = x.shape[1];
  // centring would fill in the zeros; distances do not depend on it, and the recomputation of
  // near-cancelling pairs keeps them accurate without it
  const pairs = pairsFit(n, enc.nLabels);
  if (pairs && preferSparse(x.data, n, f)) return { n, f, x: x.data, norms: rowSquaredNorms(x), labels: enc, sparse: true, pairs };
  const xc = centredCopy(x);
  return { n, f, x: xc.data, norms: rowSquaredNorms(xc), labels: enc, sparse: false, pairs };
}

const ROW_BLOCK = 48;
const COL_BLOCK = 512;

/** Row blocks start at multiples of this (a parallel split must respect it to give identical numbers). */
export const SILHOUETTE_ROW_BLOCK = ROW_BLOCK;

/** Silhouettes of rows r0 ≤ i < r1 into out[i]; r0 should be a multiple of SILHOUETTE_ROW_BLOCK. */
export function silhouetteRows(input: SilhouetteInput, r0: number, r1: number, out: Float64Array): void {
  if (input.pairs) {
    pairSilhouetteRows(input, r0, r1, out);
    return;
  }
  const { n, f, norms } = input;
  const { codes, counts, nLabels: L } = input.labels;
  const rows = new RowProducts(input.x, n, f, ROW_BLOCK * COL_BLOCK);
  const x = rows.x;
  const sums = new Float64Array(ROW_BLOCK * L);
  for (let i0 = r0; i0 < r1; i0 += ROW_BLOCK) {
    const i1 = Math.min(r1, i0 + ROW_BLOCK);
    sums.fill(0);
    for (let j0 = 0; j0 < n; j0 += COL_BLOCK) {
      const j1 = Math.min(n, j0 + COL_BLOCK);
      const dots = rows.block(i0, i1, j0, j1);
      const w = j1 - j0;
      for (let i = i0; i < i1; i++) {
        const ni = norms[i]!;
        const so = (i - i0) * L;
        const dO = (i - i0) * w - j0;
        for (let j = j0; j < j1; j++) {
          sums[so + codes[j]!]! += distanceFromDot(x, f, i, j, ni, norms[j]!, dots[dO + j]!);
        }
      }
    }
    for (let i = i0; i < i1; i++) out[i] = silhouetteFromSums(sums, (i - i0) * L, codes[i]!, counts, L);
  }
}

/** The PairSilhouette of an input. */
export function pairSilhouette(input: SilhouetteInput): PairSilhouette {
  return new PairSilhouette(input.x, input.norms, input.n, input.f, input.labels.codes, input.labels.nLabels, input.sparse);
}

/** Silhouettes from the per-row cluster sums (n×L) of PairSilhouette.combine, rows r0 … r1. */
export function silhouettesFromRowSums(input: SilhouetteInput, sums: Float64Array, r0: number, r1: number, out: Float64Array): void {
  const { codes, counts, nLabels: L } = input.labels;
  for (let i = r0; i < r1; i++) out[i] = silhouetteFromSums(sums, i * L, codes[i]!, counts, L);
}

/** silhouetteRows with every pair once (silhouette-pairs.ts), all chunks on this thread. */
function pairSilhouetteRows(input: SilhouetteInput, r0: number, r1: number, out: Float64Array): void {
  const sp = pairSilhouette(input);
  const { n, L, chunks } = sp;
  const own = new Float64Array(n * L);
  const acc = new Float64Array(chunks * n * L);
  for (let h = 0; h < chunks; h++) sp.runChunk(h, own, acc);
  const sums = new Float64Array(n * L);
  sp.combine(own, acc, sums);
  silhouettesFromRowSums(input, sums, r0, r1, out);
}

/** s_i from its per-cluster distance sums (scikit-learn's `_silhouette_reduce` and the final division). */
export function silhouetteFromSums(sums: Float64Array, o: number, own: number, counts: Float64Array, L: number): number {
  const a = sums[o + own]! / (counts[own]! - 1);
  let b = Infinity;
  for (let c = 0; c < L; c++) {
    if (c === own) continue;
    const m = sums[o + c]! / counts[c]!;
    if (m < b) b = m;
  }
  const s = (b - a) / Math.max(a, b);
  return Number.isFinite(s) ? s : 0;
}

/**
 * Silhouette coefficient of every row (scikit-learn's `silhouette_samples`, Euclidean).
 * @param x N×F feature matrix.
 * @param labels one label per row, any integers (e.g. DBSCAN's −1 counts as a cluster, as in scikit-learn).
 * @throws DataError on a non-finite entry; OptionError unless 2 ≤ number of labels ≤ N − 1.
 * @example
 * const s = silhouetteSamples(x, kmeans(x, 3).labels);
 */
export function silhouetteSamples(x: Matrix, labels: Int32Array): Float64Array {
  const input = prepareSilhouette(x, labels);
  const out = new Float64Array(input.n);
  silhouetteRows(input, 0, input.n, out);
  return out;
}

/** The mean silhouette (scikit-learn's `silhouette_score`). */
export function silhouetteScore(x: Matrix, labels: Int32Array): number {
  return mean(silhouetteSamples(x, labels));
}

/**
 * Silhouettes from a full n×n distance matrix (row-major; used by chooseK, which computes it
 * once for the whole K sweep). Labels must be 0…L−1 codes of `encodeLabels`.
 */
export function silhouetteFromDistances(d: Float64Array, n: number, labels: EncodedLabels): Float64Array {
  const { codes, counts, nLabels: L } = labels;
  // columns grouped by cluster (counting sort), so each cluster's sum is a gather with no
  // store-to-load chain through a shared accumulator array
  const start = new Int32Array(L + 1);
  for (let j = 0; j < n; j++) start[codes[j]! + 1]! += 1;
  for (let c = 0; c < L; c++) start[c + 1]! += start[c]!;
  const perm = new Int32Array(n);
  const fill = start.slice(0, L);
  for (let j = 0; j < n; j++) perm[fill[codes[j]!]!++] = j;
  const sums = new Float64Array(L);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * n;
    for (let c = 0; c < L; c++) {
      let s0 = 0;
      let s1 = 0;
      let q = start[c]!;
      const end = start[c + 1]!;
      for (; q + 1 < end; q += 2) {
        s0 += d[o + perm[q]!]!;
        s1 += d[o + perm[q + 1]!]!;
      }
      if (q < end) s0 += d[o + perm[q]!]!;
      sums[c] = s0 + s1;
    }
    out[i] = silhouetteFromSums(sums, 0, codes[i]!, counts, L);
  }
  return out;
}

/** Arithmetic mean, summed in order. */
export function mean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}
