// The new events of `specufex assign`, read with the fitted project's settings: waveforms (an HDF5 waveform set,
// or files with a catalogue) through the project's ingest stage in a scratch directory, then spectrograms in
// memory; or spectrograms as they are (a project store or a results file of the Python tools).
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FormatError, OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { H5File } from "../io/hdf5/index.js";
import { readCatalogFile } from "../io/read-catalog.node.js";
import { computeSpectrograms, type WaveformInput } from "../signal/quality.js";
import { parseConfig, type SpecufexConfig } from "./config.js";
import { STORE_FILE } from "./run.js";
import type { StageContext } from "./stage.js";
import { ingestStage } from "./stages/ingest.js";
import { spectrogramOptions } from "./stages/spectrograms.js";
import { ProjectStore, STORE_FORMAT, type EventTable, type Rejection } from "./store.js";
import { openSpectrogramSet } from "./transform.js";

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function isHdf5(path: string): boolean {
  if (!existsSync(path) || statSync(path).isDirectory()) return false;
  const fd = openSync(path, "r");
  try {
    const head = new Uint8Array(8);
    return readSync(fd, head, 0, 8, 0) === 8 && HDF5_SIGNATURE.every((b, i) => head[i] === b);
  } finally {
    closeSync(fd);
  }
}

/** What an HDF5 input holds: waveforms (re-ingested with the project's settings) or spectrograms. */
async function hdf5Kind(path: string): Promise<"waveforms" | "spectrograms"> {
  const f = await H5File.open(path, "r");
  try {
    if (f.attrs("/").format === STORE_FORMAT) return "spectrograms";
    if (f.has("waveform") || f.has("waveforms")) return "waveforms";
    if (f.has("spectrograms")) return "spectrograms";
    throw new FormatError(`${path}: neither a waveform set (waveform / waveforms) nor spectrograms (a project store, spectrograms/…) found (keys: ${f.keys().join(", ")})`, { file: path });
  } finally {
    f.close();
  }
}

/** The project's settings (its data, preprocessing and spectrogram sections, from the store's stage records) and sampling rate. */
export async function projectSettings(storePath: string, runDir: string): Promise<{ config: SpecufexConfig; rateHz: number }> {
  const store = await ProjectStore.open(storePath, "r");
  try {
    return { config: projectConfig(store, runDir), rateHz: Number(store.file.attrs("waveforms").sampling_rate) };
  } finally {
    store.close();
  }
}

function projectConfig(store: ProjectStore, runDir: string): SpecufexConfig {
  const ingest = store.stage("ingest");
  const spec = store.stage("spectrograms");
  if (!ingest?.isComplete || !spec?.isComplete) throw new OptionError(`${runDir}: the project's ingest and spectrograms stages are not complete`, { file: runDir });
  const i = ingest.settings as { data: Record<string, unknown>; preprocessing: { response?: { file: string } | null } };
  const s = spec.settings as { spectrogram: unknown; normalizeWaveforms: boolean };
  // The response file as the run resolved it (the config's own path may be relative to its folder).
  const responseFile = (ingest.info as { responseFile?: string } | undefined)?.responseFile;
  const preprocessing = { ...i.preprocessing, ...(i.preprocessing.response && responseFile ? { response: { ...i.preprocessing.response, file: responseFile } } : {}) };
  return parseConfig({ data: i.data, preprocessing: { ...preprocessing, normalizeWaveforms: s.normalizeWaveforms }, spectrogram: s.spectrogram }, `${runDir} (stage records)`);
}

/** New events: catalogue, spectrograms (null when rejected), rejections with reasons. */
export interface NewEvents {
  eventIds: string[];
  catalog: EventTable;
  /** Per event: its spectrogram, or null when rejected. */
  spectrograms: (Matrix | null)[];
  rejected: Rejection[];
  warnings: string[];
  readSeconds: number;
  spectrogramSeconds: number;
}

/** Waveforms through the project's ingest stage (cutting, preprocessing, checks) in a scratch directory, then spectrograms in memory. */
async function fromWaveforms(config: SpecufexConfig, data: Partial<SpecufexConfig["data"]>, rateHz: number, log: (l: string) => void): Promise<NewEvents> {
  const t0 = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), "specufex-assign-"));
  try {
    const cfg: SpecufexConfig = { ...config, output: scratch, data: { ...config.data, waveforms: null, files: [], catalog: null, ...data } };
    const ctx = {
      config: cfg,
      runDir: scratch,
      baseDir: process.cwd(),
      get store(): ProjectStore {
        throw new Error("internal: ingest has no store yet");
      },
      threads: 1,
      signal: new AbortController().signal,
      log: (line: string) => log(`ingest: ${line}`),
      progress: () => {},
    } as StageContext;
    const info = await ingestStage.run(ctx);
    const store = await ProjectStore.open(join(scratch, STORE_FILE), "r");
    let waveforms: Matrix, status: Int32Array, catalog: EventTable, rejected: Rejection[];
    try {
      catalog = store.readEvents();
      status = store.readStatus();
      rejected = store.readRejections();
      waveforms = store.file.readMatrix("waveforms/data");
    } finally {
      store.close();
    }
    const t1 = performance.now();
    const n = catalog.eventIds.length;
    const L = waveforms.shape[1];
    const inputs: (WaveformInput & { index: number })[] = [];
    for (let i = 0; i < n; i++) {
      if (status[i] === 0) inputs.push({ index: i, eventId: catalog.eventIds[i]!, data: waveforms.data.subarray(i * L, (i + 1) * L), sampleRateHz: Number(info.sampleRateHz) });
    }
    const result = computeSpectrograms(inputs, { ...spectrogramOptions(cfg.spectrogram, cfg.preprocessing.normalizeWaveforms), sampleRateHz: rateHz });
    const indexOf = new Map(inputs.map((w) => [w.eventId, w.index]));
    const spectrograms: (Matrix | null)[] = new Array(n).fill(null);
    for (const a of result.accepted) spectrograms[indexOf.get(a.eventId)!] = a.spectrogram.values;
    for (const r of result.rejected) rejected.push({ index: indexOf.get(r.eventId)!, eventId: r.eventId, stage: "spectrograms", reason: r.reason });
    return { eventIds: [...catalog.eventIds], catalog, spectrograms, rejected, warnings: (info.warnings as string[] | undefined) ?? [], readSeconds: (t1 - t0) / 1000, spectrogramSeconds: (performance.now() - t1) / 1000 };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Spectrograms as they are (a project store or a results file); they must have the project's D rows. */
async function fromSpectrograms(path: string, config: SpecufexConfig): Promise<NewEvents> {
  const t0 = performance.now();
  const set = await openSpectrogramSet(path);
  const warnings: string[] = [];
  try {
    let catalog: EventTable = { eventIds: set.eventIds, numeric: {}, text: {} };
    if (set.layout === "store") {
      const store = await ProjectStore.open(path, "r");
      try {
        const theirs = (store.stage("spectrograms")?.settings as { spectrogram?: unknown } | undefined)?.spectrogram;
        if (JSON.stringify(theirs) !== JSON.stringify(config.spectrogram)) warnings.push(`${path}: its spectrograms were made with other settings than the project's (${JSON.stringify(theirs)})`);
        const all = store.readEvents();
        const pos = new Map(all.eventIds.map((id, i) => [id, i]));
        const pick = (col: ArrayLike<number> | readonly string[]): unknown[] => set.eventIds.map((id) => (col as unknown[])[pos.get(id)!]);
        catalog = {
          eventIds: set.eventIds,
          numeric: Object.fromEntries(Object.entries(all.numeric).map(([k, v]) => [k, Float64Array.from(pick(v) as number[])])),
          text: Object.fromEntries(Object.entries(all.text).map(([k, v]) => [k, pick(v) as string[]])),
        };
      } finally {
        store.close();
      }
    }
    const spectrograms: (Matrix | null)[] = [];
    for (let i = 0; i < set.count; i++) spectrograms.push(set.get(i));
    const t = (performance.now() - t0) / 1000;
    return { eventIds: [...set.eventIds], catalog, spectrograms, rejected: [], warnings, readSeconds: t, spectrogramSeconds: 0 };
  } finally {
    set.close();
  }
}

/** Fills catalogue columns from a catalogue file, joined on event_ID. */
function joinCatalog(table: EventTable, path: string): EventTable {
  const cat = readCatalogFile(path);
  const byId = new Map(cat.events.map((e) => [e.eventId, e]));
  const n = table.eventIds.length;
  const numeric: Record<string, Float64Array> = { ...table.numeric };
  const text: Record<string, string[]> = Object.fromEntries(Object.entries(table.text).map(([k, v]) => [k, [...v]]));
  const fields = { lat: "latitude", lon: "longitude", depth: "depthKm", mag: "magnitude" } as const;
  for (const [col, field] of Object.entries(fields)) {
    const v = (numeric[col] ??= new Float64Array(n).fill(NaN));
    table.eventIds.forEach((id, i) => {
      const x = byId.get(id)?.[field];
      if (Number.isNaN(v[i]) && typeof x === "number") v[i] = x;
    });
  }
  return { eventIds: table.eventIds, numeric, text };
}

/**
 * Reads new events with the project's settings. One HDF5 file: a waveform set (re-ingested) or spectrograms;
 * otherwise waveform files or folders, which need a catalogue.
 * @throws OptionError (missing catalogue or path), FormatError (unreadable input)
 */
export async function readNewEvents(config: SpecufexConfig, rateHz: number, input: string | readonly string[], catalog: string | undefined, log: (line: string) => void): Promise<NewEvents> {
  const inputs = (typeof input === "string" ? [input] : [...input]).map((p) => resolve(p));
  if (inputs.length === 0) throw new OptionError("assign: no input given", { field: "input" });
  const catalogPath = catalog ? resolve(catalog) : undefined;
  if (inputs.length === 1 && isHdf5(inputs[0]!)) {
    if ((await hdf5Kind(inputs[0]!)) === "waveforms") return fromWaveforms(config, { waveforms: inputs[0]!, ...(catalogPath ? { catalog: catalogPath } : {}) }, rateHz, log);
    const events = await fromSpectrograms(inputs[0]!, config);
    if (catalogPath) events.catalog = joinCatalog(events.catalog, catalogPath);
    return events;
  }
  if (!catalogPath) throw new OptionError("assign: waveform files need a catalogue (--catalog)", { field: "catalog" });
  for (const p of inputs) if (!existsSync(p)) throw new OptionError(`assign: ${p} does not exist`, { file: p });
  return fromWaveforms(config, { files: inputs, catalog: catalogPath }, rateHz, log);
}
