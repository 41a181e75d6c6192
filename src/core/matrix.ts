import { ShapeError } from "./errors.js";

/**
 * A dense matrix of doubles, row-major: element (i, j) is `data[i * cols + j]`.
 * Orientation follows ALGORITHM.md: spectrogram X is D×M, dictionary W is D×K,
 * activations V are K×M, fingerprints S×S, feature tables N×F.
 */
export interface Matrix {
  readonly data: Float64Array;
  readonly shape: readonly [rows: number, cols: number];
}

/** A zero-filled rows×cols matrix. */
export function zeros(rows: number, cols: number): Matrix {
  return { data: new Float64Array(rows * cols), shape: [rows, cols] };
}

/** Wraps `data` (not copied) as a rows×cols matrix; throws ShapeError when the length does not match. */
export function matrix(data: Float64Array, rows: number, cols: number): Matrix {
  if (data.length !== rows * cols) {
    throw new ShapeError(`matrix: data of length ${data.length} cannot be ${rows}×${cols}`);
  }
  return { data, shape: [rows, cols] };
}

/** Builds a matrix from nested rows (e.g. parsed JSON); throws ShapeError on ragged rows. */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0]!.length;
  const data = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    const row = rows[i]!;
    if (row.length !== c) throw new ShapeError(`fromRows: row ${i} has ${row.length} values, expected ${c}`);
    for (let j = 0; j < c; j++) data[i * c + j] = row[j]!;
  }
  return { data, shape: [r, c] };
}

/** Nested rows of a matrix (for JSON and tests). */
export function toRows(m: Matrix): number[][] {
  const [r, c] = m.shape;
  const out: number[][] = [];
  for (let i = 0; i < r; i++) out.push(Array.from(m.data.subarray(i * c, (i + 1) * c)));
  return out;
}

/** A deep copy. */
export function cloneMatrix(m: Matrix): Matrix {
  return { data: m.data.slice(), shape: [m.shape[0], m.shape[1]] };
}

/** The transpose as a new matrix. */
export function transpose(m: Matrix): Matrix {
  const [r, c] = m.shape;
  const out = new Float64Array(r * c);
  const a = m.data;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j]!;
  return { data: out, shape: [c, r] };
}

/** Row i as a view (no copy). */
export function row(m: Matrix, i: number): Float64Array {
  const c = m.shape[1];
  return m.data.subarray(i * c, (i + 1) * c);
}
