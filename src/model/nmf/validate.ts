import { DataError, ShapeError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";

/** Names a spectrogram in messages: `spectrogram 3` or `spectrogram 3 (id "ev42")`. */
export function describeSpectrogram(index: number, id?: string): string {
  return id === undefined || id === String(index) ? `spectrogram ${index}` : `spectrogram ${index} (id ${JSON.stringify(id)})`;
}

/**
 * Checks one spectrogram: D rows (when D is known), at least one column, a data
 * array of rows·cols values, every entry finite and ≥ 0.
 * @throws ShapeError for a row count other than D or a malformed matrix; DataError for 0 columns or a bad entry.
 */
export function checkSpectrogram(where: string, x: Matrix, D: number | undefined, index: number, id?: string): void {
  const name = describeSpectrogram(index, id);
  const event = id ?? index;
  if (typeof x !== "object" || x === null || !(x.data instanceof Float64Array) || !x.shape || x.shape.length !== 2) {
    throw new ShapeError(`${where}: ${name} is not a Matrix { data: Float64Array, shape: [rows, cols] }`, { event });
  }
  const [rows, cols] = x.shape;
  if (x.data.length !== rows * cols) {
    throw new ShapeError(`${where}: ${name} has ${x.data.length} values for shape ${rows}×${cols} (expected ${rows * cols})`, { event });
  }
  if (D !== undefined && rows !== D) {
    throw new ShapeError(`${where}: ${name} is ${rows}×${cols}, expected ${D} rows (the model's frequency bins D)`, { event });
  }
  if (rows === 0) throw new DataError(`${where}: ${name} has 0 rows (expected at least 1 frequency bin)`, { event });
  if (cols === 0) throw new DataError(`${where}: ${name} has 0 columns (expected at least 1 time step)`, { event });
  const a = x.data;
  const n = rows * cols;
  for (let i = 0; i < n; i++) {
    const v = a[i]!;
    // One predictable branch catches NaN, ±Inf and negatives (faster than min/sum tricks in V8).
    if (v >= 0 && v < Infinity) continue;
    const d = Math.floor(i / cols);
    const m = i % cols;
    const what = Number.isNaN(v) ? "is NaN" : v === Infinity ? "is +Infinity" : v === -Infinity ? "is −Infinity" : `is negative (${v})`;
    throw new DataError(`${where}: ${name} entry (d ${d}, m ${m}) ${what} (expected a finite value ≥ 0)`, { event });
  }
}
