// Silhouette distance sums with each pair computed once: the rows reordered by cluster (stable),
// row s's products with the later rows from SparseRows (mostly-zero rows, as given) or from blocked
// products on the kernels (centred rows), and each distance d(s, j), j > s,
// added to row s's own sum for j's cluster and to row j's sum for s's cluster. The second kind
// goes to an accumulator per chunk of rows (chunks fixed by n and the number of labels, never by
// the number of threads), and row sums are combined in chunk order, so every split of the chunks
// between threads gives identical numbers.
import { CANCEL_RATIO, distanceFromDot, RowProducts, squaredDistance } from "./distances.js";
import { SparseRows } from "./sparse-rows.js";

/** Doubles allowed for the per-chunk accumulators (chunks × n × labels). */
const ACCUMULATOR_DOUBLES = 1 << 23;
const MAX_CHUNKS = 16;
const ROW_BLOCK = 48;
const COL_BLOCK = 512;

/**
 * Whether the pair scheme fits with at least 4 chunks (so the parallel twin has work for 4 threads):
 * its accumulators take ≤ 64 MB; else silhouette.ts uses row blocks (O(48·L) memory).
 */
export function pairsFit(n: number, L: number): boolean {
  return n * L * 4 <= ACCUMULATOR_DOUBLES;
}

export class PairSilhouette {
  readonly n: number;
  readonly L: number;
  /** Row chunks (in cluster order): chunk h is rows bounds[h] … bounds[h+1]. */
  readonly chunks: number;
  readonly bounds: Int32Array;
  readonly #f: number;
  /** Cluster c's rows are start[c] … start[c+1] in cluster order; pos[i] is row i's place. */
  readonly #start: Int32Array;
  readonly #pos: Int32Array;
  readonly #code: Int32Array;
  readonly #xs: Float64Array;
  readonly #ns: Float64Array;
  readonly #sparse: SparseRows | null;
  readonly #dense: RowProducts | null;

  /**
   * @param x n×f rows (as given when `sparse`, else centred); norms ‖x_i‖²; codes 0…L−1.
   * @param sparse products through SparseRows instead of blocked products.
   */
  constructor(x: Float64Array, norms: Float64Array, n: number, f: number, codes: Int32Array, L: number, sparse: boolean) {
    this.n = n;
    this.L = L;
    this.#f = f;
    const start = new Int32Array(L + 1);
    for (let j = 0; j < n; j++) start[codes[j]! + 1]! += 1;
    for (let c = 0; c < L; c++) start[c + 1]! += start[c]!;
    const pos = new Int32Array(n);
    const code = new Int32Array(n);
    const at = start.slice(0, L);
    const xs = new Float64Array(n * f);
    const ns = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const s = at[codes[j]!]!++;
      pos[j] = s;
      code[s] = codes[j]!;
      xs.set(x.subarray(j * f, (j + 1) * f), s * f);
      ns[s] = norms[j]!;
    }
    this.#start = start;
    this.#pos = pos;
    this.#code = code;
    this.#xs = xs;
    this.#ns = ns;
    this.#sparse = sparse ? new SparseRows(xs, n, f) : null;
    this.#dense = sparse ? null : new RowProducts(xs, n, f, ROW_BLOCK * COL_BLOCK);
    // chunks of about equal work (row s pairs with n − s − 1 rows)
    const chunks = Math.max(1, Math.min(MAX_CHUNKS, Math.floor(ACCUMULATOR_DOUBLES / (n * L)), n));
    const bounds = new Int32Array(chunks + 1);
    const total = (n * (n - 1)) / 2;
    let s = 0;
    let done = 0;
    for (let h = 1; h < chunks; h++) {
      while (s < n && done < (total * h) / chunks) done += n - 1 - s++;
      bounds[h] = s;
    }
    bounds[chunks] = n;
    this.chunks = chunks;
    this.bounds = bounds;
  }

  /**
   * Pairs of chunk h: own[s·L + c] = Σ d(s, j) over later rows j of cluster c; acc[(h·n + j)·L + code(s)]
   * += d(s, j). own is n×L and acc chunks×n×L (zero-filled), both in cluster order.
   */
  runChunk(h: number, own: Float64Array, acc: Float64Array): void {
    if (this.#dense) {
      this.#runDense(h, own, acc);
      return;
    }
    const { n, L } = this;
    const f = this.#f;
    const start = this.#start;
    const code = this.#code;
    const xs = this.#xs;
    const ns = this.#ns;
    const dots = new Float64Array(n);
    const sparse = this.#sparse!;
    const cursor = sparse.colStart.slice(0, sparse.f);
    const ao = h * n * L;
    for (let s = this.bounds[h]!; s < this.bounds[h + 1]!; s++) {
      sparse.laterDots(s, cursor, dots);
      const ni = ns[s]!;
      const tc = ao + code[s]!;
      for (let c = 0; c < L; c++) {
        let a0 = 0;
        const end = start[c + 1]!;
        let j = start[c]!;
        if (j <= s) j = s + 1;
        for (; j < end; j++) {
          const nn = ni + ns[j]!;
          let d2 = nn - 2 * dots[j]!;
          if (d2 < CANCEL_RATIO * nn) d2 = squaredDistance(xs, s * f, xs, j * f, f);
          const d = Math.sqrt(d2);
          a0 += d;
          acc[tc + j * L]! += d;
        }
        own[s * L + c] = a0;
      }
    }
  }

  /** runChunk with blocked products: rows of 48 × columns of 512, the own sums added up block by block. */
  #runDense(h: number, own: Float64Array, acc: Float64Array): void {
    const { n, L } = this;
    const f = this.#f;
    const start = this.#start;
    const code = this.#code;
    const ns = this.#ns;
    const rows = this.#dense!;
    const a = rows.x;
    const ao = h * n * L;
    const end = this.bounds[h + 1]!;
    for (let s0 = this.bounds[h]!; s0 < end; s0 += ROW_BLOCK) {
      const s1 = Math.min(end, s0 + ROW_BLOCK);
      for (let j0 = s0; j0 < n; j0 += COL_BLOCK) {
        const j1 = Math.min(n, j0 + COL_BLOCK);
        const block = rows.block(s0, s1, j0, j1);
        const w = j1 - j0;
        for (let s = s0; s < s1; s++) {
          const ni = ns[s]!;
          const tc = ao + code[s]!;
          const r = (s - s0) * w - j0;
          let j = j0 > s ? j0 : s + 1;
          while (j < j1) {
            const c = code[j]!;
            const stop = Math.min(j1, start[c + 1]!);
            let sum = 0;
            for (; j < stop; j++) {
              const d = distanceFromDot(a, f, s, j, ni, ns[j]!, block[r + j]!);
              sum += d;
              acc[tc + j * L]! += d;
            }
            own[s * L + c]! += sum;
          }
        }
      }
    }
  }

  /** sums[i·L + c] (rows in the given order) = own part + each chunk's part, in chunk order. */
  combine(own: Float64Array, acc: Float64Array, sums: Float64Array): void {
    const { n, L, chunks } = this;
    const pos = this.#pos;
    for (let i = 0; i < n; i++) {
      const s = pos[i]!;
      for (let c = 0; c < L; c++) {
        let v = own[s * L + c]!;
        for (let h = 0; h < chunks; h++) v += acc[(h * n + s) * L + c]!;
        sums[i * L + c] = v;
      }
    }
  }
}
