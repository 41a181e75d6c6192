// Applying fitted models to a set of spectrograms (`specufex transform`): read the spectrograms from the project
// store or a results file of the Python tools (tutorial or specufex_processing layout), run the NMF and HMM
// transforms on worker threads block by block, and write the tutorial's per-event results.
import { DataError, FormatError, OptionError, ShapeError, SpecufexError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import type { SpectrogramSource } from "../core/spectrogram-source.js";
import { H5File, writeH5Atomic } from "../io/hdf5/index.js";
import { detectResultsLayout } from "../io/layouts/index.js";
import type { BayesianHmm } from "../model/hmm/bayesian-hmm.js";
import { transformMany as hmmTransformMany } from "../model/hmm/transform-many.node.js";
import type { BayesianNmf } from "../model/nmf/bayesian-nmf.js";
import { transformMany as nmfTransformMany } from "../model/nmf/transform-many.node.js";
import { checkSpectrogram } from "../model/nmf/validate.js";
import { loadHmm, loadNmf } from "../model/persist.node.js";
import { ProjectStore, STORE_FORMAT } from "./store.js";

/** Where a spectrogram set comes from: our project store, or a results file of the Python tools. */
export type SpectrogramSetLayout = "store" | "tutorial" | "processing";

/** Spectrograms of a file, streamed one event at a time, with their event ids and shapes. */
export interface SpectrogramSet extends SpectrogramSource {
  readonly path: string;
  readonly layout: SpectrogramSetLayout;
  /** Event ids in source order (source index i ↔ eventIds[i]). */
  readonly eventIds: readonly string[];
  /** Events of the file without a spectrogram (rejected in a store); not in the source. */
  readonly skipped: number;
  /** Shape [rows, columns] of spectrogram i, read from the file's metadata (no values read). */
  shape(i: number): readonly [number, number];
  /** Closes the file. */
  close(): void;
}

// Scalars and axes stored beside the per-event spectrograms of the tutorial layout.
const TUTORIAL_FIELDS = new Set(["fSTFT", "tSTFT", "nperseg", "noverlap", "nfft", "sgramScaling", "sgramMode"]);

/**
 * Opens the spectrograms of a project store (`specufex.h5`, recognised by its `format` attribute; rejected
 * events are left out) or of a results file in the tutorial (`spectrograms/<event_ID>`) or specufex_processing
 * (`spectrograms/transformed_spectrograms/<event_ID>`) layout. Values are read on demand.
 * @param path an HDF5 file
 * @returns a SpectrogramSet (call `close()` when done)
 * @throws FormatError when the file is missing, not HDF5, or holds none of these layouts;
 *   DataError when a store has no spectrograms yet
 * @example
 * const set = await openSpectrogramSet("tutorial_results.h5");
 * try { console.log(set.layout, set.count, set.shape(0)); } finally { set.close(); }
 */
export async function openSpectrogramSet(path: string): Promise<SpectrogramSet> {
  const f = await H5File.open(path, "r");
  let isStore: boolean;
  try {
    isStore = f.attrs("/").format === STORE_FORMAT;
    if (!isStore) return fromResultsFile(f);
  } catch (err) {
    f.close();
    throw err;
  }
  f.close();
  return fromStore(path);
}

async function fromStore(path: string): Promise<SpectrogramSet> {
  const store = await ProjectStore.open(path, "r");
  try {
    if (!store.hasStacked("spectrograms")) {
      throw new DataError(`${path}: the project store holds no spectrograms yet (run the spectrograms stage first)`, { file: path, field: "spectrograms" });
    }
    const src = store.spectrogramSource();
    const all = store.eventIds();
    const eventIds = Array.from(src.indices, (i) => all[i]!);
    return {
      path,
      layout: "store",
      eventIds,
      skipped: all.length - eventIds.length,
      count: src.count,
      rows: src.rows,
      get: (i) => src.get(i),
      getAsync: async (i) => src.get(i),
      columns: (i) => src.columns(i),
      id: (i) => eventIds[i]!,
      shape: (i) => [src.rows, src.columns(i)] as const,
      close: () => store.close(),
    };
  } catch (err) {
    store.close();
    throw err;
  }
}

function fromResultsFile(f: H5File): SpectrogramSet {
  const layout = detectResultsLayout(f);
  const group = layout === "processing" ? "spectrograms/transformed_spectrograms" : "spectrograms";
  if (!layout || !f.has(group) || !f.isGroup(group)) {
    throw new FormatError(
      `${f.path}: no spectrograms found (expected a project store with format "${STORE_FORMAT}", spectrograms/<event_ID> of the tutorial layout or spectrograms/transformed_spectrograms/<event_ID> of the specufex_processing layout)`,
      { file: f.path },
    );
  }
  const eventIds = f.keys(group).filter((k) => !(layout === "tutorial" && TUTORIAL_FIELDS.has(k)) && f.isDataset(`${group}/${k}`));
  const shapes = eventIds.map((id) => {
    const s = f.shape(`${group}/${id}`);
    if (s.length !== 2) throw new FormatError(`${f.path}: ${group}/${id} has shape [${s.join(", ")}], expected D×M`, { file: f.path, event: id });
    return [s[0]!, s[1]!] as const;
  });
  const read = (i: number): Matrix => f.readMatrix(`${group}/${eventIds[i]!}`);
  return {
    path: f.path,
    layout,
    eventIds,
    skipped: 0,
    count: eventIds.length,
    rows: shapes[0]?.[0] ?? 0,
    get: read,
    getAsync: async (i) => read(i),
    columns: (i) => shapes[i]![1],
    id: (i) => eventIds[i]!,
    shape: (i) => shapes[i]!,
    close: () => f.close(),
  };
}

/** One event through the fitted models. */
export interface EventTransformResult {
  readonly eventId: string;
  /** Activation matrix V, K×M (the tutorial's ACM). */
  readonly activations: Matrix;
  /** State-sequence matrix γ, S×M (the tutorial's STM). */
  readonly states: Matrix;
  /** Fingerprint, S×S. */
  readonly fingerprint: Matrix;
  /** Transition pseudo-counts A, S×S (the processing layout's As). */
  readonly transitions: Matrix;
  /** Forward log-likelihood per column. */
  readonly logLikelihood: number;
}

/** Options of `transformSpectrograms`. */
export interface TransformOptions {
  /** Worker threads (default: all cores); 1 runs on the calling thread. Results are identical either way. */
  threads?: number;
  /** Spectrograms read and transformed at a time (default 256), so a large set is streamed. */
  blockSize?: number;
  /** Called after each block with the events done so far. */
  onProgress?(done: number, total: number): void;
  /** Receives each result in order; then `transformSpectrograms` returns an empty array. */
  onResult?(index: number, result: EventTransformResult): void;
}

/** Names a source in messages: its file when it has one. */
function whereOf(source: SpectrogramSource): string {
  const p = (source as Partial<SpectrogramSet>).path;
  return typeof p === "string" ? p : "transformSpectrograms";
}

/**
 * Checks that an NMF and an HMM belong together: the HMM's pattern count equals the NMF's K.
 * @throws ShapeError naming both counts
 */
export function checkModelPair(nmf: BayesianNmf, hmm: BayesianHmm, names: { nmf?: string; hmm?: string } = {}): void {
  const K = nmf.fitted.K;
  const hmmK = hmm.fitted.B1.shape[1];
  if (hmmK !== K) {
    throw new ShapeError(`${names.hmm ?? "HMM"}: emissions over ${hmmK} patterns, but ${names.nmf ?? "the NMF"} has K = ${K} patterns (expected the HMM fitted on this NMF's activations)`, {
      ...(names.hmm ? { file: names.hmm } : {}),
      field: "num_pat",
    });
  }
}

/**
 * Checks every spectrogram's shape against the NMF from metadata alone (nothing is transformed on bad input):
 * D rows, and at least 2 time steps (an HMM sequence needs 2).
 * @throws ShapeError (rows) or DataError (columns) naming the file and the event
 */
export function checkSpectrogramShapes(source: SpectrogramSource, D: number): void {
  const where = whereOf(source);
  const shapeOf = (source as Partial<SpectrogramSet>).shape;
  for (let i = 0; i < source.count; i++) {
    const [rows, cols] = shapeOf ? shapeOf(i) : [source.rows, source.columns(i)];
    const id = source.id?.(i) ?? String(i);
    const ctx = { ...(where !== "transformSpectrograms" ? { file: where } : {}), event: id };
    if (rows !== D) throw new ShapeError(`${where}: spectrogram of event "${id}" is ${rows}×${cols}, expected ${D} rows (the NMF model's frequency bins D)`, ctx);
    if (cols < 2) throw new DataError(`${where}: spectrogram of event "${id}" has ${cols} time step${cols === 1 ? "" : "s"}, expected at least 2 (an HMM sequence needs 2)`, ctx);
  }
}

/**
 * Activations, state sequences, fingerprints and transition matrices of every spectrogram of a source,
 * computed block by block on worker threads (`threads: 1`: on this thread; identical numbers).
 * @param nmf fitted NMF (D rows, K patterns); @param hmm fitted HMM over the same K patterns
 * @param source D×M_n spectrograms, e.g. `openSpectrogramSet(path)` or `arraySource(matrices, ids)`
 * @returns one EventTransformResult per spectrogram, in order (empty when `onResult` is given)
 * @throws ShapeError for a model mismatch or a spectrogram without D rows, DataError for fewer than 2 time
 *   steps or a NaN/Inf/negative entry — all checked before the event is transformed, naming the event
 * @example
 * const set = await openSpectrogramSet("tutorial_results.h5");
 * const results = await transformSpectrograms(await loadNmf("nmf.h5"), await loadHmm("hmm.h5"), set, { threads: 2 });
 * set.close();
 */
export async function transformSpectrograms(nmf: BayesianNmf, hmm: BayesianHmm, source: SpectrogramSource, options: TransformOptions = {}): Promise<EventTransformResult[]> {
  checkModelPair(nmf, hmm);
  const D = nmf.fitted.D;
  checkSpectrogramShapes(source, D);
  const blockSize = options.blockSize ?? 256;
  if (!(Number.isInteger(blockSize) && blockSize >= 1)) throw new OptionError(`transformSpectrograms option "blockSize" must be an integer ≥ 1, got ${blockSize}`, { field: "blockSize" });
  const threads = options.threads;
  const where = whereOf(source);
  const out: EventTransformResult[] = [];
  const total = source.count;
  options.onProgress?.(0, total);
  for (let start = 0; start < total; start += blockSize) {
    const end = Math.min(total, start + blockSize);
    const xs: Matrix[] = [];
    const ids: string[] = [];
    for (let i = start; i < end; i++) {
      const x = source.getAsync ? await source.getAsync(i) : source.get(i);
      const id = source.id?.(i) ?? String(i);
      try {
        checkSpectrogram(where, x, D, i, id);
      } catch (err) {
        if (err instanceof SpecufexError && where !== "transformSpectrograms") throw rewrap(err, { file: where, event: id });
        throw err;
      }
      xs.push(x);
      ids.push(id);
    }
    const Vs = await nmfTransformMany(nmf, xs, threads === undefined ? {} : { threads });
    const rs = await hmmTransformMany(hmm, Vs, { ids, ...(threads === undefined ? {} : { threads }) });
    for (let j = 0; j < xs.length; j++) {
      const r = rs[j]!;
      const result: EventTransformResult = { eventId: ids[j]!, activations: Vs[j]!, states: r.gamma, fingerprint: r.fingerprint, transitions: r.A, logLikelihood: r.logLikelihood };
      if (options.onResult) options.onResult(start + j, result);
      else out.push(result);
    }
    options.onProgress?.(end, total);
  }
  return out;
}

/** The same error class with the file named in its context (the message already names it). */
function rewrap(err: SpecufexError, ctx: { file: string; event: string }): SpecufexError {
  const Ctor = err.constructor as new (message: string, context: object) => SpecufexError;
  return new Ctor(err.message, { ...ctx, cause: err });
}

/** Options of `transformToFile`. */
export interface TransformFileOptions extends Omit<TransformOptions, "onResult"> {
  /** NMF model file (ours or the Python package's) or a fitted model. */
  nmf: string | BayesianNmf;
  /** HMM model file or a fitted model. */
  hmm: string | BayesianHmm;
  /** Spectrograms: a project store or a tutorial/processing results file. */
  input: string;
  /** Results file to write (tutorial layout, written atomically). */
  out: string;
}

/** What `transformToFile` did. */
export interface TransformSummary {
  readonly input: string;
  readonly inputLayout: SpectrogramSetLayout;
  readonly out: string;
  /** Events with a spectrogram in the input. */
  readonly events: number;
  readonly transformed: number;
  /** Events of a store without a spectrogram (rejected earlier). */
  readonly skipped: number;
  readonly frequencies: number;
  readonly patterns: number;
  readonly states: number;
  readonly seconds: number;
}

/**
 * Applies an NMF and an HMM to a set of spectrograms and writes the results as the tutorial writes them:
 * `fingerprints/<event_ID>` (S×S), `SpecUFEX_output/ACM/<event_ID>` (K×M), `SpecUFEX_output/STM/<event_ID>`
 * (S×M), `SpecUFEX_output/ACM_gain/gain` (K), `SpecUFEX_output/W/W` (D×K) and `SpecUFEX_output/EB/<last
 * event_ID>` (S×K), all float64 (FORMATS.md §2). Every shape is checked before anything is transformed; the
 * output appears only when complete (temp file + rename).
 * @returns counts, model sizes and wall time
 * @throws FormatError for unreadable inputs or models; ShapeError/DataError naming the event for bad spectrograms
 * @example
 * const summary = await transformToFile({ nmf: "nmf.h5", hmm: "hmm.h5", input: "tutorial_results.h5", out: "out.h5", threads: 2 });
 */
export async function transformToFile(options: TransformFileOptions): Promise<TransformSummary> {
  const started = performance.now();
  const nmf = typeof options.nmf === "string" ? await loadNmf(options.nmf) : options.nmf;
  const hmm = typeof options.hmm === "string" ? await loadHmm(options.hmm) : options.hmm;
  checkModelPair(nmf, hmm, { ...(typeof options.nmf === "string" ? { nmf: options.nmf } : {}), ...(typeof options.hmm === "string" ? { hmm: options.hmm } : {}) });
  const set = await openSpectrogramSet(options.input);
  try {
    for (const id of set.eventIds) checkDatasetName(id, set.path);
    const { out } = options;
    let transformed = 0;
    await writeH5Atomic(out, async (f) => {
      f.createGroup("fingerprints");
      f.createGroup("SpecUFEX_output/ACM");
      f.createGroup("SpecUFEX_output/STM");
      await transformSpectrograms(nmf, hmm, set, {
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
        ...(options.blockSize !== undefined ? { blockSize: options.blockSize } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        onResult: (_i, r) => {
          f.writeMatrix(`fingerprints/${r.eventId}`, r.fingerprint);
          f.writeMatrix(`SpecUFEX_output/ACM/${r.eventId}`, r.activations);
          f.writeMatrix(`SpecUFEX_output/STM/${r.eventId}`, r.states);
          transformed++;
        },
      });
      f.writeNumbers("SpecUFEX_output/ACM_gain/gain", nmf.fitted.gain);
      f.writeMatrix("SpecUFEX_output/W/W", nmf.fitted.EW);
      // The tutorial stores EB once, under the last event's id.
      const last = set.eventIds[set.eventIds.length - 1];
      if (last !== undefined) f.writeMatrix(`SpecUFEX_output/EB/${last}`, hmm.fitted.EB);
    });
    return {
      input: options.input,
      inputLayout: set.layout,
      out,
      events: set.count,
      transformed,
      skipped: set.skipped,
      frequencies: nmf.fitted.D,
      patterns: nmf.fitted.K,
      states: hmm.fitted.B1.shape[0],
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    set.close();
  }
}

/**
 * Checks that an event id can name an HDF5 dataset of the Python layouts (non-empty, no "/", not "." or "..").
 * @throws DataError naming the event and the file it came from
 */
export function checkDatasetName(id: string, file: string): void {
  if (id === "" || id === "." || id === ".." || id.includes("/")) {
    throw new DataError(`${file}: event_ID ${JSON.stringify(id)} cannot name an HDF5 dataset (expected a non-empty name without "/")`, { file, event: id });
  }
}
