// The project store `specufex.h5` (docs/STORE.md): per-event arrays stacked along time, one event table,
// one completion record per stage. Everything is float64; redone stages overwrite resizable datasets in place.
import { createHash } from "node:crypto";
import { DataError, FormatError, ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import type { SpectrogramSource } from "../core/spectrogram-source.js";
import { H5File } from "../io/hdf5/index.js";

export const STORE_FORMAT = "specufex-store";
export const STORE_VERSION = 1;

/** Arrays stacked along time: row r of `columns` is one time step; event i owns rows offsets[i]..offsets[i+1]. */
export type StackedName = "spectrograms" | "activations" | "states";

/** The event table: one row per event, joined to every array by position. */
export interface EventTable {
  readonly eventIds: readonly string[];
  /** Numeric catalogue columns (NaN where unknown), e.g. lat, lon, depth, mag. */
  readonly numeric: Readonly<Record<string, Float64Array>>;
  /** Text catalogue columns, e.g. otime (ISO 8601 UTC). */
  readonly text: Readonly<Record<string, readonly string[]>>;
}

/** One completed stage: what ran, with which settings (and their hash), when. */
export interface StageRecord {
  readonly name: string;
  readonly settings: unknown;
  readonly hash: string;
  readonly version: string;
  readonly completedAt: string;
  readonly isComplete: boolean;
  /** Free-form results (counts, chosen K, …). */
  readonly info?: unknown;
}

/** An event the run could not use, with the stage and reason. */
export interface Rejection {
  readonly index: number;
  readonly eventId: string;
  readonly stage: string;
  readonly reason: string;
}

/** The canonical hash of a settings object (key order does not matter). */
export function settingsHash(settings: unknown): string {
  return createHash("sha256").update(canonicalJson(settings)).digest("hex").slice(0, 16);
}

function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
}

const CHUNK_ROWS = 4096;

/**
 * The project store. Open with `ProjectStore.create` (new, with the event table) or `ProjectStore.open`.
 * h5wasm reads are synchronous, so `spectrogramSource()` serves the engine's synchronous `get(i)`.
 */
export class ProjectStore {
  readonly path: string;
  readonly file: H5File;
  #offsets = new Map<StackedName, Float64Array>();

  private constructor(path: string, file: H5File) {
    this.path = path;
    this.file = file;
  }

  /** Creates a new store (truncating any file at `path`) with its event table. */
  static async create(path: string, events: EventTable): Promise<ProjectStore> {
    const n = events.eventIds.length;
    for (const [name, col] of Object.entries(events.numeric)) {
      if (col.length !== n) throw new ShapeError(`${path}: event column ${name} has ${col.length} rows, expected ${n}`);
    }
    for (const [name, col] of Object.entries(events.text)) {
      if (col.length !== n) throw new ShapeError(`${path}: event column ${name} has ${col.length} rows, expected ${n}`);
    }
    const seen = new Set<string>();
    for (const id of events.eventIds) {
      if (seen.has(id)) throw new DataError(`${path}: duplicate event_ID "${id}"`, { event: id });
      seen.add(id);
    }
    const file = await H5File.open(path, "w");
    file.setAttr("/", "format", STORE_FORMAT);
    file.setAttr("/", "version", STORE_VERSION, "i8");
    file.writeStrings("events/event_ID", events.eventIds);
    for (const [name, col] of Object.entries(events.numeric)) file.writeNumbers(`events/numeric/${name}`, col);
    for (const [name, col] of Object.entries(events.text)) file.writeStrings(`events/text/${name}`, col);
    // 0 = usable; otherwise the event was rejected (see /rejections).
    file.writeNumbers("events/status", new Int32Array(n), { dtype: "i4", chunks: [Math.max(1, Math.min(n, CHUNK_ROWS))] });
    file.createGroup("stages");
    file.flush();
    return new ProjectStore(path, file);
  }

  /** Opens an existing store; checks the format attribute. */
  static async open(path: string, mode: "r" | "a" = "r"): Promise<ProjectStore> {
    const file = await H5File.open(path, mode);
    const attrs = file.attrs("/");
    if (attrs.format !== STORE_FORMAT) {
      file.close();
      throw new FormatError(`${path}: not a specufex project store (format attribute ${JSON.stringify(attrs.format)})`, { file: path });
    }
    return new ProjectStore(path, file);
  }

  get eventCount(): number {
    return this.file.shape("events/event_ID")[0] ?? 0;
  }

  eventIds(): string[] {
    return this.file.readStrings("events/event_ID");
  }

  /** The whole event table. */
  readEvents(): EventTable {
    const numeric: Record<string, Float64Array> = {};
    const text: Record<string, string[]> = {};
    if (this.file.has("events/numeric")) for (const k of this.file.keys("events/numeric")) numeric[k] = this.file.readNumbers(`events/numeric/${k}`);
    if (this.file.has("events/text")) for (const k of this.file.keys("events/text")) text[k] = this.file.readStrings(`events/text/${k}`);
    return { eventIds: this.eventIds(), numeric, text };
  }

  /** Per-event status codes: 0 usable, 1 rejected. */
  readStatus(): Int32Array {
    return Int32Array.from(this.file.readNumbers("events/status"));
  }

  /** Records rejections of one stage (replacing that stage's earlier list) and marks the events unusable. */
  writeRejections(stage: string, rejections: readonly Rejection[]): void {
    const all = this.#rejectionsByStage();
    all[stage] = [...rejections];
    // JSON as UTF-8 bytes in a resizable dataset: h5wasm cannot rewrite variable-length strings in place.
    const bytes = new TextEncoder().encode(JSON.stringify(all));
    this.#writeResizable("rejections", Float64Array.from(bytes), [bytes.length], "u1");
    const status = new Int32Array(this.eventCount);
    for (const list of Object.values(all)) for (const r of list) status[r.index] = 1;
    this.file.writeRows("events/status", 0, status);
    this.file.flush();
  }

  /** Every rejection of every stage, by event index. */
  readRejections(): Rejection[] {
    return Object.values(this.#rejectionsByStage()).flat().sort((a, b) => a.index - b.index);
  }

  #rejectionsByStage(): Record<string, Rejection[]> {
    if (!this.file.has("rejections")) return {};
    const bytes = Uint8Array.from(this.file.readNumbers("rejections"));
    return bytes.length ? (JSON.parse(new TextDecoder().decode(bytes)) as Record<string, Rejection[]>) : {};
  }

  /**
   * Writes per-event matrices (each rows×M_i, e.g. spectrograms D×M_i) stacked time-major as
   * `<name>/columns` (ΣM×rows) with `<name>/offsets` (N+1). Events without data (rejected) get M_i = 0:
   * pass `null`. Overwrites an earlier write in place (resizable datasets).
   */
  writeStacked(name: StackedName, matrices: readonly (Matrix | null)[], attrs: Record<string, number | string | Float64Array> = {}): void {
    const n = matrices.length;
    let rows = -1;
    const offsets = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const m = matrices[i];
      if (m) {
        if (rows < 0) rows = m.shape[0];
        else if (m.shape[0] !== rows) throw new ShapeError(`${this.path}: ${name} of event ${i} has ${m.shape[0]} rows, expected ${rows}`, { event: i });
      }
      offsets[i + 1] = offsets[i]! + (m ? m.shape[1] : 0);
    }
    if (rows < 0) rows = 0;
    const total = offsets[n]!;
    const columns = new Float64Array(total * rows);
    for (let i = 0; i < n; i++) {
      const m = matrices[i];
      if (!m) continue;
      const M = m.shape[1];
      const base = offsets[i]! * rows;
      // Transpose D×M (row-major) into M×D rows.
      for (let d = 0; d < rows; d++) for (let t = 0; t < M; t++) columns[base + t * rows + d] = m.data[d * M + t]!;
    }
    this.#writeResizable(`${name}/columns`, columns, [total, rows]);
    this.#writeResizable(`${name}/offsets`, offsets, [n + 1], "i8");
    for (const [k, v] of Object.entries(attrs)) this.file.setAttr(name, k, v);
    this.#offsets.delete(name);
    this.file.flush();
  }

  /** True when `<name>/columns` exists. */
  hasStacked(name: StackedName): boolean {
    return this.file.has(`${name}/columns`);
  }

  /** Offsets (N+1) of a stacked array. */
  offsets(name: StackedName): Float64Array {
    let o = this.#offsets.get(name);
    if (!o) {
      o = this.file.readNumbers(`${name}/offsets`);
      this.#offsets.set(name, o);
    }
    return o;
  }

  /** Event i of a stacked array as rows×M_i (one contiguous read). */
  readStacked(name: StackedName, i: number): Matrix {
    const o = this.offsets(name);
    if (i < 0 || i >= o.length - 1) throw new ShapeError(`${this.path}: ${name} has no event ${i} (N = ${o.length - 1})`);
    const start = o[i]!;
    const end = o[i + 1]!;
    const rows = this.file.shape(`${name}/columns`)[1] ?? 0;
    const M = end - start;
    const out = new Float64Array(rows * M);
    if (M > 0) {
      const block = this.file.readRows(`${name}/columns`, start, end);
      for (let t = 0; t < M; t++) for (let d = 0; d < rows; d++) out[d * M + t] = block[t * rows + d]!;
    }
    return { data: out, shape: [rows, M] };
  }

  /** Writes the N×L waveforms (zeros for events without one) with their attributes (docs/STORE.md). */
  writeWaveforms(waveforms: Matrix, attrs: { sampleRateHz: number; startOffsetS: number; reference: string; units: string }): void {
    if (waveforms.shape[0] !== this.eventCount) throw new ShapeError(`${this.path}: ${waveforms.shape[0]} waveforms for ${this.eventCount} events`);
    this.#writeResizable("waveforms/data", waveforms.data, [waveforms.shape[0], waveforms.shape[1]]);
    this.file.setAttr("waveforms", "sampling_rate", attrs.sampleRateHz);
    this.file.setAttr("waveforms", "start_offset_s", attrs.startOffsetS);
    this.file.setAttr("waveforms", "reference", attrs.reference);
    this.file.setAttr("waveforms", "units", attrs.units);
    this.file.flush();
  }

  /** The waveform of event i (one row read) and its sampling rate. */
  readWaveform(i: number): { data: Float64Array; sampleRateHz: number; startOffsetS: number } {
    const a = this.file.attrs("waveforms");
    return { data: this.file.readRows("waveforms/data", i, i + 1), sampleRateHz: Number(a.sampling_rate), startOffsetS: Number(a.start_offset_s) };
  }

  hasWaveforms(): boolean {
    return this.file.has("waveforms/data");
  }

  /** Attributes of a stacked group (e.g. the STFT parameters and frequencies of `spectrograms`). */
  stackedAttrs(name: StackedName): Record<string, unknown> {
    return this.file.attrs(name);
  }

  /**
   * The usable spectrograms as a SpectrogramSource (rejected events left out; `indices` maps source
   * index → event index). Streams from disk: nothing is held in memory beyond the offsets.
   */
  spectrogramSource(): SpectrogramSource & { readonly indices: Int32Array } {
    const status = this.readStatus();
    const o = this.offsets("spectrograms");
    const usable: number[] = [];
    for (let i = 0; i < status.length; i++) if (status[i] === 0 && o[i + 1]! > o[i]!) usable.push(i);
    const indices = Int32Array.from(usable);
    const ids = this.eventIds();
    const rows = this.file.shape("spectrograms/columns")[1] ?? 0;
    return {
      indices,
      count: indices.length,
      rows,
      get: (i) => this.readStacked("spectrograms", indices[i]!),
      getAsync: async (i) => this.readStacked("spectrograms", indices[i]!),
      columns: (i) => o[indices[i]! + 1]! - o[indices[i]!]!,
      id: (i) => ids[indices[i]!]!,
    };
  }

  /** Writes an N×F feature table (e.g. fingerprints N×S²), NaN rows for events without one. */
  writeTable(name: "fingerprints" | "clusters/features", table: Matrix): void {
    this.#writeResizable(name, table.data, [table.shape[0], table.shape[1]]);
    this.file.flush();
  }

  readTable(name: "fingerprints" | "clusters/features"): Matrix {
    return this.file.readMatrix(name);
  }

  /** Writes a per-event vector (e.g. cluster labels, silhouettes) under `results/<name>`. */
  writeVector(name: string, values: Float64Array | Int32Array): void {
    this.#writeResizable(`results/${name}`, values instanceof Float64Array ? values : Float64Array.from(values), [values.length]);
    this.file.flush();
  }

  readVector(name: string): Float64Array {
    return this.file.readNumbers(`results/${name}`);
  }

  hasVector(name: string): boolean {
    return this.file.has(`results/${name}`);
  }

  /** Marks a stage as started (incomplete): a crash before `completeStage` leaves it incomplete. */
  startStage(name: string, settings: unknown): void {
    this.file.createGroup(`stages/${name}`);
    this.file.setAttr(`stages/${name}`, "complete", 0, "i8");
    this.file.setAttr(`stages/${name}`, "settings", JSON.stringify(settings ?? null));
    this.file.setAttr(`stages/${name}`, "hash", settingsHash(settings));
    this.file.flush();
  }

  /** Records a completed stage; the `complete` flag is written last. */
  completeStage(name: string, settings: unknown, version: string, info?: unknown): void {
    const g = `stages/${name}`;
    this.file.createGroup(g);
    this.file.setAttr(g, "settings", JSON.stringify(settings ?? null));
    this.file.setAttr(g, "hash", settingsHash(settings));
    this.file.setAttr(g, "version", version);
    this.file.setAttr(g, "completed_at", new Date().toISOString());
    this.file.setAttr(g, "info", JSON.stringify(info ?? null));
    this.file.flush();
    this.file.setAttr(g, "complete", 1, "i8");
    this.file.flush();
  }

  /** Marks a stage (and so its results) as not done. */
  invalidateStage(name: string): void {
    if (this.file.has(`stages/${name}`)) {
      this.file.setAttr(`stages/${name}`, "complete", 0, "i8");
      this.file.flush();
    }
  }

  /** The record of a stage, or undefined when it never started. */
  stage(name: string): StageRecord | undefined {
    const g = `stages/${name}`;
    if (!this.file.has(g)) return undefined;
    const a = this.file.attrs(g);
    return {
      name,
      settings: JSON.parse(String(a.settings ?? "null")),
      hash: String(a.hash ?? ""),
      version: String(a.version ?? ""),
      completedAt: String(a.completed_at ?? ""),
      isComplete: a.complete === 1,
      info: JSON.parse(String(a.info ?? "null")),
    };
  }

  /** Every stage record, in the order they were created. */
  stages(): StageRecord[] {
    if (!this.file.has("stages")) return [];
    return this.file.keys("stages").map((n) => this.stage(n)!);
  }

  close(): void {
    this.file.close();
  }

  #writeResizable(path: string, data: Float64Array, shape: readonly number[], dtype: "f8" | "i8" | "u1" = "f8"): void {
    const values = dtype === "i8" ? BigInt64Array.from(data, (x) => BigInt(x)) : dtype === "u1" ? Uint8Array.from(data) : data;
    if (this.file.has(path)) {
      const old = this.file.shape(path);
      if (old.length !== shape.length) throw new FormatError(`${this.path}: ${path} has rank ${old.length}, expected ${shape.length}`);
      this.file.resize(path, shape);
      if (data.length > 0) this.file.writeRows(path, 0, values);
      return;
    }
    const chunks = shape.map((s, i) => (i === 0 ? Math.max(1, Math.min(dtype === "u1" ? 65536 : CHUNK_ROWS, s || 1)) : Math.max(1, s)));
    this.file.writeNumbers(path, values, {
      shape,
      dtype,
      chunks,
      maxshape: shape.map(() => null),
    });
  }
}
