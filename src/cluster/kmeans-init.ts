// Greedy k-means++ (scikit-learn's `_kmeans_plusplus`, ALGORITHM.md §6): each new centre is the
// best of 2 + ⌊ln k⌋ candidates drawn with probability ∝ D², "best" = lowest resulting potential.
import type { Rng } from "../core/rng.js";
import { RowProducts } from "./distances.js";

/** Squared distances from one row to every row (an interface so a precomputed Gram matrix can serve them). */
export interface RowDistances {
  readonly n: number;
  /** out[j] = ‖x_c − x_j‖² for every row j. */
  squaredFromRow(c: number, out: Float64Array): void;
  /** Σ_j min(‖x_c − x_j‖², closest[j]): the potential if row c became a centre. */
  potential(c: number, closest: Float64Array, scratch: Float64Array): number;
}

/** Squared distances by ‖x‖² − 2x·y + ‖y‖² from the data itself. */
export class DataRowDistances implements RowDistances {
  readonly n: number;
  readonly #norms: Float64Array;
  #rows?: RowProducts;
  readonly #x: Float64Array;
  readonly #f: number;
  constructor(x: Float64Array, norms: Float64Array, n: number, f: number) {
    this.n = n;
    this.#x = x;
    this.#norms = norms;
    this.#f = f;
  }
  squaredFromRow(c: number, out: Float64Array): void {
    // rows copied into the kernels' workspace at first use
    this.#rows ??= new RowProducts(this.#x, this.n, this.#f, this.n);
    const dots = this.#rows.block(0, this.n, c, c + 1);
    const norms = this.#norms;
    const nc = norms[c]!;
    for (let j = 0; j < this.n; j++) {
      const d = nc + norms[j]! - 2 * dots[j]!;
      out[j] = d > 0 ? d : 0;
    }
    out[c] = 0;
  }
  potential(c: number, closest: Float64Array, scratch: Float64Array): number {
    this.squaredFromRow(c, scratch);
    let p = 0;
    for (let j = 0; j < this.n; j++) {
      const v = scratch[j]!;
      const w = closest[j]!;
      p += v < w ? v : w;
    }
    return p;
  }
}

/** Squared distances from a precomputed n×n distance matrix: O(n) per row instead of O(n·f). */
export class MatrixRowDistances implements RowDistances {
  readonly n: number;
  readonly #d: Float64Array;
  constructor(distances: Float64Array, n: number) {
    this.n = n;
    this.#d = distances;
  }
  squaredFromRow(c: number, out: Float64Array): void {
    const d = this.#d;
    const o = c * this.n;
    for (let j = 0; j < this.n; j++) {
      const v = d[o + j]!;
      out[j] = v * v;
    }
  }
  potential(c: number, closest: Float64Array): number {
    const d = this.#d;
    const o = c * this.n;
    let p = 0;
    for (let j = 0; j < this.n; j++) {
      const v = d[o + j]! * d[o + j]!;
      const w = closest[j]!;
      p += v < w ? v : w;
    }
    return p;
  }
}

/** Scratch buffers of k-means++, allocated once per (n, k) and reused by every restart. */
export class PlusPlusWorkspace {
  readonly n: number;
  readonly k: number;
  readonly trials: number;
  readonly indices: Int32Array;
  readonly closest: Float64Array;
  readonly cum: Float64Array;
  readonly cand: Float64Array;
  readonly candIds: Int32Array;
  readonly candPot: Float64Array;
  constructor(n: number, k: number) {
    this.n = n;
    this.k = k;
    this.trials = 2 + Math.floor(Math.log(k));
    this.indices = new Int32Array(k);
    this.closest = new Float64Array(n);
    this.cum = new Float64Array(n);
    this.cand = new Float64Array(n);
    this.candIds = new Int32Array(this.trials);
    this.candPot = new Float64Array(this.trials);
  }
}

/**
 * Greedy k-means++ seeding: the chosen rows in ws.indices and, as a by-product, the squared
 * distances from every row to every chosen centre in `squared` (n×k, row-major).
 * @param rng the run's generator: one integer draw, then (k − 1)·(2 + ⌊ln k⌋) uniforms.
 */
export function kmeansPlusPlus(dist: RowDistances, rng: Rng, ws: PlusPlusWorkspace, squared: Float64Array): Int32Array {
  const { n, k, trials, indices, closest, cum, cand, candIds, candPot } = ws;
  const first = rng.integer(n);
  indices[0] = first;
  dist.squaredFromRow(first, closest);
  let pot = 0;
  for (let j = 0; j < n; j++) {
    pot += closest[j]!;
    squared[j * k] = closest[j]!;
  }
  for (let c = 1; c < k; c++) {
    let s = 0;
    for (let j = 0; j < n; j++) {
      s += closest[j]!;
      cum[j] = s;
    }
    for (let t = 0; t < trials; t++) {
      const r = rng.random() * pot;
      // searchsorted(cum, r, side="left"), clipped to n − 1
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cum[mid]! < r) lo = mid + 1;
        else hi = mid;
      }
      candIds[t] = lo < n ? lo : n - 1;
    }
    let best = 0;
    for (let t = 0; t < trials; t++) {
      const p = dist.potential(candIds[t]!, closest, cand);
      candPot[t] = p;
      if (p < candPot[best]!) best = t;
    }
    pot = candPot[best]!;
    indices[c] = candIds[best]!;
    dist.squaredFromRow(candIds[best]!, cand);
    for (let j = 0; j < n; j++) {
      const v = cand[j]!;
      squared[j * k + c] = v;
      if (v < closest[j]!) closest[j] = v;
    }
  }
  return indices;
}
