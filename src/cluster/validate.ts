// Input checks shared by the clustering methods (STYLE.md §4: fit checks the data against the options).
import { DataError, OptionError, ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";

/** Throws DataError naming the first non-finite entry (row and column, 0-based) of a feature matrix. */
export function checkFinite(owner: string, x: Matrix): void {
  const [n, f] = x.shape;
  const a = x.data;
  if (a.length !== n * f) throw new ShapeError(`${owner}: data of length ${a.length} cannot be ${n}×${f}`);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v - v !== 0) {
      const r = Math.floor(i / f);
      throw new DataError(`${owner}: X[${r}][${i - r * f}] is ${v} (expected a finite number)`, { record: r, field: String(i - r * f) });
    }
  }
}

/** Throws OptionError when a method needs at least `need` rows and the data has fewer. */
export function checkRows(owner: string, option: string, x: Matrix, need: number): void {
  if (x.shape[0] < need) {
    throw new OptionError(`${owner} option "${option}" needs at least ${need} rows, got ${x.shape[0]}`, { field: option });
  }
}

/** Throws ShapeError when labels and rows differ in number. */
export function checkLabels(owner: string, x: Matrix, labels: Int32Array): void {
  if (labels.length !== x.shape[0]) {
    throw new ShapeError(`${owner}: ${labels.length} labels for ${x.shape[0]} rows (expected one label per row)`);
  }
}
