// Silhouette distance sums for mostly-zero rows, each pair once: the rows reordered by cluster
// (stable), row s's products with the later rows from SparseRows, and each distance d(s, j), j > s,
// added to row s's own sum for j's cluster and to row j's sum for s's cluster. The second kind
// goes to an accumulator per chunk of rows (chunks fixed by n and the number of labels, never by
// the number of threads), and row sums are combined in chunk order, so every split of the chunks
// between threads gives identical numbers.
import { CANCEL_RATIO, squaredDistance } from "./distances.js";
import { SparseRows } from "./sparse-rows.js";

/** Doubles allowed for the per-chunk accumulators (chunks × n × labels). */
const ACCUMULATOR_DOUBLES = 1 << 23;
const MAX_CHUNKS = 16;

export class SparseSilhouette {
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
  readonly #rows: SparseRows;

  /** @param x n×f rows as given; norms ‖x_i‖²; codes 0…L−1. */
  constructor(x: Float64Array, norms: Float64Array, n: number, f: number, codes: Int32Array, L: number) {
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
    this.#rows = new SparseRows(xs, n, f);
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
    const { n, L } = this;
    const f = this.#f;
    const start = this.#start;
    const code = this.#code;
    const xs = this.#xs;
    const ns = this.#ns;
    const dots = new Float64Array(n);
    const ao = h * n * L;
    for (let s = this.bounds[h]!; s < this.bounds[h + 1]!; s++) {
      this.#rows.rowDots(s, s + 1, dots);
      const ni = ns[s]!;
      const tc = ao + code[s]!;
      const dOff = s + 1;
      for (let c = 0; c < L; c++) {
        let a0 = 0;
        const end = start[c + 1]!;
        let j = start[c]!;
        if (j <= s) j = s + 1;
        for (; j < end; j++) {
          const nn = ni + ns[j]!;
          let d2 = nn - 2 * dots[j - dOff]!;
          if (d2 < CANCEL_RATIO * nn) d2 = squaredDistance(xs, s * f, xs, j * f, f);
          const d = Math.sqrt(d2);
          a0 += d;
          acc[tc + j * L]! += d;
        }
        own[s * L + c] = a0;
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
