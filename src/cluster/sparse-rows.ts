// Row products when most entries are 0, as in fingerprints (a 51-step state sequence fills at most
// 50 of the S² transition entries): the rows in compressed form (CSR) and the columns (CSC), so
// row i's products with all later rows cost Σ_{p ∈ nz(i)} (entries of column p), not n·f.
// Product (i, j) sums x_ip·x_jp over the common support in ascending p, starting from 0, so it is
// the same number for (j, i), in any block or thread split: results are deterministic.

/** Rows and columns of an n×f matrix in compressed form (zeros dropped). */
export class SparseRows {
  readonly n: number;
  readonly f: number;
  readonly rowStart: Int32Array;
  readonly rowCol: Int32Array;
  readonly rowVal: Float64Array;
  readonly colStart: Int32Array;
  /** Row indices of each column's entries, ascending. */
  readonly colRow: Int32Array;
  readonly colVal: Float64Array;

  constructor(x: Float64Array, n: number, f: number) {
    this.n = n;
    this.f = f;
    let nnz = 0;
    const colStart = new Int32Array(f + 1);
    for (let i = 0; i < n * f; i++) {
      if (x[i] !== 0) {
        nnz++;
        colStart[(i % f) + 1]! += 1;
      }
    }
    for (let p = 0; p < f; p++) colStart[p + 1]! += colStart[p]!;
    const rowStart = new Int32Array(n + 1);
    const rowCol = new Int32Array(nnz);
    const rowVal = new Float64Array(nnz);
    const colRow = new Int32Array(nnz);
    const colVal = new Float64Array(nnz);
    const at = colStart.slice(0, f);
    let q = 0;
    for (let i = 0; i < n; i++) {
      const o = i * f;
      for (let p = 0; p < f; p++) {
        const v = x[o + p]!;
        if (v === 0) continue;
        rowCol[q] = p;
        rowVal[q++] = v;
        const c = at[p]!++;
        colRow[c] = i;
        colVal[c] = v;
      }
      rowStart[i + 1] = q;
    }
    this.rowStart = rowStart;
    this.rowCol = rowCol;
    this.rowVal = rowVal;
    this.colStart = colStart;
    this.colRow = colRow;
    this.colVal = colVal;
  }

  /**
   * x_i · x_j for j0 ≤ j < n into out[j − j0] (out is zeroed here; it needs n − j0 entries).
   * Entries with no common support are exactly 0.
   */
  rowDots(i: number, j0: number, out: Float64Array): void {
    const { rowStart, rowCol, rowVal, colStart, colRow, colVal } = this;
    out.fill(0, 0, this.n - j0);
    for (let q = rowStart[i]!; q < rowStart[i + 1]!; q++) {
      const p = rowCol[q]!;
      const v = rowVal[q]!;
      const end = colStart[p + 1]!;
      let c = colStart[p]!;
      if (j0 > 0) {
        // first entry of the column at a row ≥ j0
        let hi = end;
        while (c < hi) {
          const mid = (c + hi) >>> 1;
          if (colRow[mid]! < j0) c = mid + 1;
          else hi = mid;
        }
      }
      for (; c < end; c++) out[colRow[c]! - j0]! += v * colVal[c]!;
    }
  }

  /**
   * As rowDots(i, i + 1, ·) for rows visited in ascending order, but into out[j] (absolute
   * index; out[i + 1 … n) is zeroed here) and without searching the columns: cursor[p] (start it
   * at colStart[p]) only moves forward, to the first entry of column p below row i.
   * The same sums in the same order as rowDots.
   */
  laterDots(i: number, cursor: Int32Array, out: Float64Array): void {
    const { rowStart, rowCol, rowVal, colStart, colRow, colVal } = this;
    out.fill(0, i + 1, this.n);
    for (let q = rowStart[i]!; q < rowStart[i + 1]!; q++) {
      const p = rowCol[q]!;
      const v = rowVal[q]!;
      const end = colStart[p + 1]!;
      let c = cursor[p]!;
      // row i holds an entry of column p, so this stops inside the column
      while (colRow[c]! <= i) c++;
      cursor[p] = c;
      for (; c < end; c++) out[colRow[c]!]! += v * colVal[c]!;
    }
  }
}

/**
 * True when products through SparseRows cost clearly less than dense ones: the scatter work
 * Σ_p (entries in column p)² against n²·f multiply–adds of the blocked product (a scattered
 * update costs ~10 dense SIMD multiply–adds, and a margin on top).
 */
export function preferSparse(x: Float64Array, n: number, f: number): boolean {
  if (n < 64 || f < 8) return false;
  const counts = new Float64Array(f);
  for (let i = 0; i < n; i++) {
    const o = i * f;
    for (let p = 0; p < f; p++) if (x[o + p] !== 0) counts[p]! += 1;
  }
  let work = 0;
  for (let p = 0; p < f; p++) work += counts[p]! * counts[p]!;
  return work * 16 <= n * n * f;
}

/** At most a quarter of the entries nonzero (and f ≥ 16): k-means distances go through the nonzeros (row-space.ts). */
export function mostlyZero(x: Float64Array, n: number, f: number): boolean {
  if (f < 16) return false;
  let nnz = 0;
  for (let i = 0; i < n * f; i++) if (x[i] !== 0) nnz++;
  return nnz * 4 <= n * f;
}
