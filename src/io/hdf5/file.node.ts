// The one wrapper around h5wasm that every HDF5 reader and writer of specufex uses:
// int64 ↔ bigint, fixed/variable strings, attributes, sliced reads, atomic writes.
import h5wasm from "h5wasm/node";
import type { Dataset as H5Dataset, Group as H5Group, File as H5FileRaw } from "h5wasm/node";
import { existsSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { FormatError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";

let ready: Promise<unknown> | undefined;

/** Resolves when the h5wasm module is loaded (idempotent). */
export async function h5Ready(): Promise<void> {
  ready ??= h5wasm.ready;
  await ready;
}

/** On-disk numeric types we write, named as numpy/h5py spell them. */
export type NumericDtype = "f8" | "f4" | "i8" | "i4" | "u1" | "b1";

const H5_DTYPE: Record<NumericDtype, string> = { f8: "<d", f4: "<f", i8: "<q", i4: "<i", u1: "<B", b1: "<b" };

/** A value stored as an attribute or scalar dataset. */
export type H5Scalar = number | bigint | string | boolean;

export interface WriteNumbersOptions {
  /** Dataset shape (defaults to [data.length]); [] for a scalar. */
  shape?: readonly number[];
  dtype?: NumericDtype;
  /** Chunk shape; required for maxshape or compression. */
  chunks?: readonly number[];
  /** Maximum shape, null = unlimited along that axis (resizable datasets). */
  maxshape?: readonly (number | null)[];
  /** gzip level 1–9. */
  gzip?: number;
}

/**
 * An open HDF5 file. Paths are "/"-separated from the root ("spectrograms/fSTFT").
 * Reads convert: any numeric type → Float64Array (int64 checked to be exact), strings → string[].
 */
export class H5File {
  readonly path: string;
  readonly #raw: H5FileRaw;
  #closed = false;

  private constructor(path: string, raw: H5FileRaw) {
    this.path = path;
    this.#raw = raw;
  }

  /** Opens a file: "r" read, "a" read/write (created when missing), "w" truncate. */
  static async open(path: string, mode: "r" | "a" | "w" = "r"): Promise<H5File> {
    await h5Ready();
    if (mode === "r" && !existsSync(path)) throw new FormatError(`${path}: no such file`, { file: path });
    const actual = mode === "a" && !existsSync(path) ? "w" : mode;
    let raw: H5FileRaw;
    try {
      raw = new h5wasm.File(path, actual);
    } catch (err) {
      throw new FormatError(`${path}: cannot open as HDF5 (${String(err)})`, { file: path, cause: err });
    }
    if (!raw.file_id || raw.file_id < 0n) throw new FormatError(`${path}: not an HDF5 file`, { file: path });
    return new H5File(path, raw);
  }

  /** True when an object (group or dataset) exists at `path`. */
  has(path: string): boolean {
    const parts = splitPath(path);
    let cur = "";
    for (const p of parts) {
      const parent = this.#groupOrNull(cur);
      if (!parent || !parent.keys().includes(p)) return false;
      cur = cur ? `${cur}/${p}` : p;
    }
    return true;
  }

  isGroup(path: string): boolean {
    return this.has(path) && this.#raw.get(path) instanceof h5wasm.Group;
  }

  isDataset(path: string): boolean {
    return this.has(path) && this.#raw.get(path) instanceof h5wasm.Dataset;
  }

  /** Names of the members of a group, in the file's order. */
  keys(group = "/"): string[] {
    const g = this.#group(group);
    return g.keys();
  }

  /** Shape of a dataset ([] for a scalar). */
  shape(path: string): number[] {
    return (this.#dataset(path).shape ?? []).slice();
  }

  /** numpy-style dtype string of a dataset as h5wasm reports it (e.g. "<d", "<q", "S", "S6"). */
  dtype(path: string): string {
    return String(this.#dataset(path).dtype);
  }

  /** A numeric dataset of any shape as doubles, row-major. */
  readNumbers(path: string): Float64Array {
    return toFloat64(this.#dataset(path).value, `${this.path}: ${path}`);
  }

  /** A 2-D numeric dataset as a Matrix (a 1-D one becomes 1×n). */
  readMatrix(path: string): Matrix {
    const shape = this.shape(path);
    const data = this.readNumbers(path);
    if (shape.length === 2) return { data, shape: [shape[0]!, shape[1]!] };
    if (shape.length === 1) return { data, shape: [1, shape[0]!] };
    throw new FormatError(`${this.path}: ${path} has ${shape.length} dimensions, expected 2`, { file: this.path, field: path });
  }

  /** Rows [start, end) of a dataset's first axis, all of the other axes (a sliced read). */
  readRows(path: string, start: number, end: number): Float64Array {
    const ds = this.#dataset(path);
    const rank = (ds.shape ?? []).length;
    const ranges: [number, number][] = [[start, end]];
    for (let i = 1; i < rank; i++) ranges.push([0, ds.shape![i]!]);
    return toFloat64(ds.slice(ranges as never), `${this.path}: ${path}[${start}:${end}]`);
  }

  /** A scalar dataset (number, string or boolean); int64 → number when exact. */
  readScalar(path: string): H5Scalar {
    return toScalar(this.#dataset(path).value, `${this.path}: ${path}`);
  }

  /** A scalar or 1-element numeric dataset as a number. */
  readNumber(path: string): number {
    const v = this.readNumbers(path);
    if (v.length !== 1) throw new FormatError(`${this.path}: ${path} holds ${v.length} values, expected one`, { file: this.path, field: path });
    return v[0]!;
  }

  /** A string dataset (fixed- or variable-length, scalar or 1-D) as string[]. */
  readStrings(path: string): string[] {
    const v = this.#dataset(path).value;
    const arr = Array.isArray(v) ? v : [v];
    return arr.map((s) => (s instanceof Uint8Array ? new TextDecoder().decode(s) : String(s)).replace(/\0+$/, ""));
  }

  /** The attributes of a group or dataset, numbers/strings/booleans converted (int64 → number when exact). */
  attrs(path = "/"): Record<string, H5Scalar | Float64Array | string[]> {
    const obj = this.#object(path);
    const out: Record<string, H5Scalar | Float64Array | string[]> = {};
    for (const [name, attr] of Object.entries(obj.attrs)) {
      const v = attr.value;
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) out[name] = v as string[];
      else if (ArrayBuffer.isView(v) && (attr.shape ?? []).length > 0) out[name] = toFloat64(v, `${this.path}: ${path}@${name}`);
      else out[name] = toScalar(v, `${this.path}: ${path}@${name}`);
    }
    return out;
  }

  /** Creates a group and its parents when missing. */
  createGroup(path: string): void {
    let cur = "";
    for (const p of splitPath(path)) {
      const parent = this.#group(cur || "/");
      const next = cur ? `${cur}/${p}` : p;
      if (!parent.keys().includes(p)) parent.create_group(p);
      cur = next;
    }
  }

  /** Writes a numeric dataset (parents created). Numbers are float64 unless `dtype` says otherwise. */
  writeNumbers(path: string, data: Float64Array | Int32Array | BigInt64Array | Uint8Array | readonly number[], options: WriteNumbersOptions = {}): void {
    const dtype = options.dtype ?? (data instanceof BigInt64Array ? "i8" : "f8");
    const shape = options.shape ?? [data.length];
    const values = convertForWrite(data, dtype);
    this.#parentOf(path).create_dataset({
      name: basename(path),
      data: values,
      shape: [...shape],
      dtype: H5_DTYPE[dtype],
      ...(options.chunks ? { chunks: [...options.chunks] } : {}),
      ...(options.maxshape ? { maxshape: [...options.maxshape] } : {}),
      ...(options.gzip ? { compression: "gzip" as const, compression_opts: options.gzip } : {}),
    });
  }

  /** Writes a Matrix as a 2-D float64 dataset. */
  writeMatrix(path: string, m: Matrix, options: Omit<WriteNumbersOptions, "shape" | "dtype"> = {}): void {
    this.writeNumbers(path, m.data, { ...options, shape: [m.shape[0], m.shape[1]] });
  }

  /** Writes a scalar dataset: numbers as float64 (or dtype "i8" for int64), strings variable-length UTF-8. */
  writeScalar(path: string, value: H5Scalar, dtype?: NumericDtype): void {
    if (typeof value === "string") {
      this.#parentOf(path).create_dataset({ name: basename(path), data: value, shape: [], dtype: "S" });
      return;
    }
    const d = dtype ?? (typeof value === "bigint" ? "i8" : typeof value === "boolean" ? "b1" : "f8");
    this.writeNumbers(path, [typeof value === "bigint" ? Number(value) : Number(value)], { shape: [], dtype: d });
  }

  /**
   * Writes a 1-D string dataset. `fixedLength: true` writes h5py's fixed-length bytes (|S<n>, n = the
   * longest UTF-8 length); otherwise variable-length UTF-8 strings.
   */
  writeStrings(path: string, values: readonly string[], options: { fixedLength?: boolean } = {}): void {
    const enc = new TextEncoder();
    const width = Math.max(1, ...values.map((s) => enc.encode(s).length));
    this.#parentOf(path).create_dataset({
      name: basename(path),
      data: [...values],
      shape: [values.length],
      dtype: options.fixedLength ? `S${width}` : "S",
    });
  }

  /** Sets an attribute: number → float64 (or the given dtype), bigint → int64, string → UTF-8, boolean → numpy bool-like int8. */
  setAttr(path: string, name: string, value: H5Scalar | Float64Array, dtype?: NumericDtype): void {
    const obj = this.#object(path);
    if (name in obj.attrs) obj.delete_attribute(name);
    if (typeof value === "string") obj.create_attribute(name, value, [], "S");
    else if (value instanceof Float64Array) obj.create_attribute(name, value, [value.length], "<d");
    else {
      const d = dtype ?? (typeof value === "bigint" ? "i8" : typeof value === "boolean" ? "b1" : "f8");
      obj.create_attribute(name, convertForWrite([Number(value)], d), [], H5_DTYPE[d]);
    }
  }

  /** Grows a resizable dataset to `shape`. */
  resize(path: string, shape: readonly number[]): void {
    this.#dataset(path).resize([...shape]);
  }

  /** Writes rows [start, start + rows) of a 2-D dataset (row-major values). */
  writeRows(path: string, start: number, values: Float64Array | BigInt64Array | Int32Array | Uint8Array): void {
    const ds = this.#dataset(path);
    const shape = ds.shape ?? [];
    const cols = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
    const rows = values.length / cols;
    const ranges: [number, number][] = [[start, start + rows]];
    for (let i = 1; i < shape.length; i++) ranges.push([0, shape[i]!]);
    ds.write_slice(ranges as never, values);
  }

  /** Removes a dataset or group link (space is not reclaimed). */
  remove(path: string): void {
    if (!this.has(path)) return;
    const parent = this.#parentOf(path) as H5Group & { delete?: (name: string) => void };
    const mod = h5wasm as unknown as { Module: { H5Ldelete?: (id: bigint, p: string) => number } };
    if (typeof mod.Module?.H5Ldelete === "function") mod.Module.H5Ldelete(this.#raw.file_id, "/" + splitPath(path).join("/"));
    else if (typeof parent.delete === "function") parent.delete(basename(path));
    else throw new FormatError(`${this.path}: cannot remove ${path} with this h5wasm`, { file: this.path });
  }

  flush(): void {
    this.#raw.flush();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#raw.close();
  }

  #object(path: string): H5Group | H5Dataset {
    if (path === "/" || path === "") return this.#raw;
    if (!this.has(path)) throw new FormatError(`${this.path}: missing ${path}`, { file: this.path, field: path });
    return this.#raw.get(path) as H5Group | H5Dataset;
  }

  #groupOrNull(path: string): H5Group | null {
    if (path === "/" || path === "") return this.#raw;
    const g = this.#raw.get(path);
    return g instanceof h5wasm.Group ? g : null;
  }

  #group(path: string): H5Group {
    const obj = this.#object(path);
    if (!(obj instanceof h5wasm.Group)) throw new FormatError(`${this.path}: ${path} is not a group`, { file: this.path, field: path });
    return obj;
  }

  #dataset(path: string): H5Dataset {
    const obj = this.#object(path);
    if (!(obj instanceof h5wasm.Dataset)) throw new FormatError(`${this.path}: ${path} is not a dataset`, { file: this.path, field: path });
    return obj;
  }

  #parentOf(path: string): H5Group {
    const parts = splitPath(path);
    const parent = parts.slice(0, -1).join("/");
    if (parent) this.createGroup(parent);
    if (this.has(path)) throw new FormatError(`${this.path}: ${path} exists already`, { file: this.path, field: path });
    return this.#group(parent || "/");
  }
}

/** Opens, runs `fn`, and closes even when `fn` throws. */
export async function withH5<T>(path: string, mode: "r" | "a" | "w", fn: (file: H5File) => T | Promise<T>): Promise<T> {
  const file = await H5File.open(path, mode);
  try {
    return await fn(file);
  } finally {
    file.close();
  }
}

/**
 * Writes a new file atomically: `fn` writes into a temporary file beside `path`, which is renamed over
 * `path` only after it was closed successfully, so a crash never leaves a half-written file.
 */
export async function writeH5Atomic(path: string, fn: (file: H5File) => void | Promise<void>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await withH5(tmp, "w", fn);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function splitPath(path: string): string[] {
  return path.split("/").filter((p) => p.length > 0);
}

function toFloat64(v: unknown, where: string): Float64Array {
  if (v instanceof Float64Array) return v;
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = exactNumber(v[i]!, where);
    return out;
  }
  if (ArrayBuffer.isView(v)) return Float64Array.from(v as unknown as ArrayLike<number>);
  if (typeof v === "number") return Float64Array.of(v);
  if (typeof v === "bigint") return Float64Array.of(exactNumber(v, where));
  if (typeof v === "boolean") return Float64Array.of(v ? 1 : 0);
  throw new FormatError(`${where}: expected numbers, found ${v === null ? "no data" : typeof v}`);
}

function toScalar(v: unknown, where: string): H5Scalar {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return exactNumber(v, where);
  if (Array.isArray(v) && v.length === 1) return toScalar(v[0], where);
  if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<unknown>).length === 1) return toScalar((v as unknown as ArrayLike<unknown>)[0], where);
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  throw new FormatError(`${where}: expected a scalar`);
}

function exactNumber(b: bigint, where: string): number {
  const n = Number(b);
  if (!Number.isSafeInteger(n)) throw new FormatError(`${where}: integer ${b} is too large for a double`);
  return n;
}

function convertForWrite(data: ArrayLike<number> | BigInt64Array, dtype: NumericDtype): Float64Array | Float32Array | BigInt64Array | Int32Array | Uint8Array | Int8Array {
  switch (dtype) {
    case "f8":
      return data instanceof Float64Array ? data : Float64Array.from(data as ArrayLike<number>, Number);
    case "f4":
      return Float32Array.from(data as ArrayLike<number>, Number);
    case "i8":
      if (data instanceof BigInt64Array) return data;
      return BigInt64Array.from(data as ArrayLike<number>, (x) => BigInt(Math.trunc(Number(x))));
    case "i4":
      return data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>, Number);
    case "u1":
      return Uint8Array.from(data as ArrayLike<number>, Number);
    case "b1":
      return Int8Array.from(data as ArrayLike<number>, Number);
  }
}
