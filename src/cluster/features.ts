// Feature tables for clustering, from text or from arrays already read (pure: features.node.ts
// does the file access): a CSV with an `event_ID` column then numeric columns; per-event
// fingerprint datasets (the Python tools' `fingerprints/<event_ID>`, S×S flattened row-major);
// the project store's stacked N×S² table. Bad input names the row and the column.
import { DataError, FormatError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";

/** One row per event. */
export interface FeatureTable {
  ids: string[];
  /** Column names (F). */
  columns: string[];
  /** N×F. */
  x: Matrix;
  /** Events present in the source but without features (e.g. rejected in the project store). */
  skipped: string[];
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Splits CSV text into rows of cells (RFC 4180 quoting; CRLF or LF; a leading BOM is dropped). */
export function splitCsv(text: string, source: string): { cells: string[]; line: number }[] {
  const rows: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = (): void => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0]!.trim() === "")) rows.push({ cells, line: rowLine });
    cells = [];
    cell = "";
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new FormatError(`${source}: line ${rowLine}: unterminated quoted cell`, { file: source, record: rowLine });
  if (cell !== "" || cells.length > 0) endRow();
  return rows;
}

/** Parses one numeric cell or throws a DataError naming line, event and column. */
function parseCell(raw: string, source: string, line: number, id: string, column: string): number {
  const s = raw.trim();
  const where = `${source}: line ${line} (event_ID ${JSON.stringify(id)}), column ${JSON.stringify(column)}`;
  if (NUMBER.test(s)) return Number(s);
  const lower = s.toLowerCase();
  const problem = s === "" ? "is empty" : lower === "nan" ? "is NaN" : /^[+-]?inf(inity)?$/.test(lower) ? `is ${s}` : `${JSON.stringify(s)} is not a number`;
  throw new DataError(`${where}: ${problem} (expected a finite number)`, { file: source, record: line, event: id, field: column });
}

/**
 * Parses a feature CSV: header `event_ID,<feature>,…`, then one row per event.
 * @param source the file name used in messages.
 * @throws FormatError (no header, no `event_ID` first column, ragged rows); DataError (empty or
 * duplicate id, non-numeric/NaN/infinite cell, no rows) — each naming the line and column.
 * @example
 * const t = parseFeatureCsv("event_ID,a,b\nev1,0.1,0.2\nev2,0.3,0.1\n", "fp.csv");
 */
export function parseFeatureCsv(text: string, source = "features.csv"): FeatureTable {
  const rows = splitCsv(text, source);
  if (rows.length === 0) throw new FormatError(`${source}: empty file (expected a header "event_ID,…")`, { file: source });
  const header = rows[0]!.cells.map((c) => c.trim());
  if (header[0] !== "event_ID") {
    throw new FormatError(`${source}: line ${rows[0]!.line}: first column is ${JSON.stringify(header[0])} (expected "event_ID")`, { file: source, record: rows[0]!.line, field: header[0] ?? "" });
  }
  if (header.length < 2) throw new FormatError(`${source}: line ${rows[0]!.line}: no feature columns after "event_ID"`, { file: source, record: rows[0]!.line });
  const columns = header.slice(1);
  const f = columns.length;
  const n = rows.length - 1;
  if (n === 0) throw new DataError(`${source}: no data rows after the header`, { file: source });
  const data = new Float64Array(n * f);
  const ids: string[] = [];
  const seen = new Map<string, number>();
  for (let r = 0; r < n; r++) {
    const { cells, line } = rows[r + 1]!;
    if (cells.length !== header.length) {
      throw new FormatError(`${source}: line ${line} has ${cells.length} cells (expected ${header.length}, as the header)`, { file: source, record: line });
    }
    const id = cells[0]!.trim();
    if (id === "") throw new DataError(`${source}: line ${line}, column "event_ID": empty event_ID`, { file: source, record: line, field: "event_ID" });
    const first = seen.get(id);
    if (first !== undefined) {
      throw new DataError(`${source}: line ${line}, column "event_ID": duplicate event_ID ${JSON.stringify(id)} (first on line ${first})`, { file: source, record: line, event: id, field: "event_ID" });
    }
    seen.set(id, line);
    ids.push(id);
    for (let p = 0; p < f; p++) data[r * f + p] = parseCell(cells[p + 1]!, source, line, id, columns[p]!);
  }
  return { ids, columns, x: { data, shape: [n, f] }, skipped: [] };
}

/** Column names of a flattened S×S fingerprint: fp_<row>_<col>, 1-based. */
export function fingerprintColumns(rows: number, cols: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= rows; i++) for (let j = 1; j <= cols; j++) out.push(`fp_${i}_${j}`);
  return out;
}

/**
 * A feature table from per-event datasets (e.g. `fingerprints/<event_ID>`, each S×S, flattened row-major).
 * @throws FormatError when shapes differ; DataError on a non-finite value (naming event and column) or no datasets.
 */
export function featuresFromDatasets(entries: readonly { id: string; data: Float64Array; shape: readonly number[] }[], source: string): FeatureTable {
  if (entries.length === 0) throw new DataError(`${source}: no fingerprint datasets`, { file: source });
  const shape = entries[0]!.shape;
  const f = entries[0]!.data.length;
  const columns = shape.length === 2 ? fingerprintColumns(shape[0]!, shape[1]!) : Array.from({ length: f }, (_, p) => `f${p + 1}`);
  const n = entries.length;
  const data = new Float64Array(n * f);
  const ids: string[] = [];
  const seen = new Set<string>();
  entries.forEach((e, r) => {
    if (e.data.length !== f || e.shape.join("×") !== shape.join("×")) {
      throw new FormatError(`${source}: dataset ${JSON.stringify(e.id)} has shape ${e.shape.join("×")} (expected ${shape.join("×")}, as ${JSON.stringify(entries[0]!.id)})`, { file: source, event: e.id });
    }
    if (seen.has(e.id)) throw new DataError(`${source}: duplicate event_ID ${JSON.stringify(e.id)}`, { file: source, event: e.id });
    seen.add(e.id);
    for (let p = 0; p < f; p++) {
      const v = e.data[p]!;
      if (!Number.isFinite(v)) {
        throw new DataError(`${source}: event_ID ${JSON.stringify(e.id)} (row ${r + 1}), column ${JSON.stringify(columns[p])}: is ${v} (expected a finite number)`, { file: source, event: e.id, record: r + 1, field: columns[p]! });
      }
      data[r * f + p] = v;
    }
    ids.push(e.id);
  });
  return { ids, columns, x: { data, shape: [n, f] }, skipped: [] };
}

/**
 * A feature table from a stacked N×F table and its event ids (the project store's `fingerprints`);
 * all-NaN rows (events rejected earlier) are skipped and listed, a partly NaN row is an error.
 */
export function featuresFromTable(ids: readonly string[], table: Matrix, source: string, columns?: string[]): FeatureTable {
  const [n, f] = table.shape;
  if (ids.length !== n) throw new FormatError(`${source}: ${ids.length} event ids for ${n} feature rows`, { file: source });
  const s = Math.round(Math.sqrt(f));
  const cols = columns ?? (s * s === f ? fingerprintColumns(s, s) : Array.from({ length: f }, (_, p) => `f${p + 1}`));
  const keep: number[] = [];
  const skipped: string[] = [];
  for (let r = 0; r < n; r++) {
    let nan = 0;
    let firstBad = -1;
    for (let p = 0; p < f; p++) {
      const v = table.data[r * f + p]!;
      if (Number.isNaN(v)) nan++;
      if (!Number.isFinite(v) && firstBad < 0) firstBad = p;
    }
    if (nan === f) {
      skipped.push(ids[r]!);
      continue;
    }
    if (firstBad >= 0) {
      throw new DataError(`${source}: event_ID ${JSON.stringify(ids[r])} (row ${r + 1}), column ${JSON.stringify(cols[firstBad])}: is ${table.data[r * f + firstBad]} (expected a finite number)`, { file: source, event: ids[r]!, record: r + 1, field: cols[firstBad]! });
    }
    keep.push(r);
  }
  const data = new Float64Array(keep.length * f);
  keep.forEach((r, i) => data.set(table.data.subarray(r * f, (r + 1) * f), i * f));
  if (keep.length === 0) throw new DataError(`${source}: no event has features (all ${n} rows are NaN)`, { file: source });
  return { ids: keep.map((r) => ids[r]!), columns: cols, x: { data, shape: [keep.length, f] }, skipped };
}

/** The few reads of an HDF5 file the fingerprint layouts need (io/hdf5's H5File provides them). */
export interface FeatureFile {
  attrs(path: string): Record<string, unknown>;
  isGroup(path: string): boolean;
  isDataset(path: string): boolean;
  keys(group: string): string[];
  shape(path: string): number[];
  readNumbers(path: string): Float64Array;
  readMatrix(path: string): Matrix;
  readStrings(path: string): string[];
}

/**
 * A feature table from an open HDF5 file: the project store (root attribute format =
 * "specufex-store": `events/event_ID` and the stacked `fingerprints` table, docs/STORE.md) or the
 * Python tools' `fingerprints/<event_ID>` datasets (tutorial and specufex_processing layouts, FORMATS.md §2).
 * @throws FormatError when neither layout is there.
 */
export function featuresFromHdf5(file: FeatureFile, source: string): FeatureTable {
  if (file.attrs("/").format === "specufex-store") {
    if (!file.isDataset("fingerprints")) throw new FormatError(`${source}: the project store has no fingerprints yet (run the hmm-transform stage first)`, { file: source });
    return featuresFromTable(file.readStrings("events/event_ID"), file.readMatrix("fingerprints"), source);
  }
  if (!file.isGroup("fingerprints")) {
    throw new FormatError(`${source}: no "fingerprints" group (expected fingerprints/<event_ID> datasets, or a specufex project store)`, { file: source });
  }
  const entries = file.keys("fingerprints").map((id) => {
    const p = `fingerprints/${id}`;
    if (!file.isDataset(p)) throw new FormatError(`${source}: fingerprints/${id} is not a dataset`, { file: source, event: id });
    return { id, data: file.readNumbers(p), shape: file.shape(p) };
  });
  return featuresFromDatasets(entries, source);
}

/** Quotes a CSV cell when needed. */
export function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * Formats a result table as CSV: `event_ID` then the given columns (numbers written in full precision).
 * @example
 * formatCsv(["ev1"], { cluster: [1], silhouette: [0.5] }); // "event_ID,cluster,silhouette\nev1,1,0.5\n"
 */
export function formatCsv(ids: readonly string[], columns: Readonly<Record<string, ArrayLike<number | string>>>): string {
  const names = Object.keys(columns);
  const lines = [["event_ID", ...names].map(csvCell).join(",")];
  for (let i = 0; i < ids.length; i++) {
    const cells = [csvCell(ids[i]!)];
    for (const name of names) {
      const v = columns[name]![i]!;
      cells.push(typeof v === "number" ? String(v) : csvCell(v));
    }
    lines.push(cells.join(","));
  }
  return lines.join("\n") + "\n";
}
