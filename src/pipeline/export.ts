// A run directory's results in the Python tools' layouts (`specufex export`, FORMATS.md §2): the store's stacked
// spectrograms, activations, state sequences and fingerprints become per-event datasets again, the models give
// gain, W, EA, ElnWA and EB, and the stage records give the specufex_processing config echoes.
import { existsSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { DataError, FormatError, ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { writeProcessingResults, writeTutorialResults, type ProcessingAttrs, type SpecufexResults, type StftParameters } from "../io/layouts/index.js";
import type { BayesianHmm } from "../model/hmm/bayesian-hmm.js";
import { transformMany as hmmTransformMany } from "../model/hmm/transform-many.node.js";
import type { BayesianNmf } from "../model/nmf/bayesian-nmf.js";
import { loadHmm, loadNmf } from "../model/persist.node.js";
import { SpectrogramPlan, type SpectrogramOptions } from "../signal/stft.js";
import { ProjectStore } from "./store.js";
import { checkDatasetName } from "./transform.js";

/** The two layouts of FORMATS.md §2. */
export type ExportLayout = "tutorial" | "processing";

/** An event of the run that is not exported, and why. */
export interface ExportSkip {
  readonly eventId: string;
  readonly reason: string;
}

/** A run's results as the layout writers take them. */
export interface RunExport {
  /** Per-event arrays of the exported events (in store order), STFT parameters, model matrices. */
  readonly results: SpecufexResults;
  /** The processing layout's config echoes and catalogue. */
  readonly attrs: ProcessingAttrs;
  readonly skipped: readonly ExportSkip[];
  /** What could not be filled in (e.g. raw spectrograms without stored waveforms). */
  readonly warnings: readonly string[];
  /** Events in the store. */
  readonly events: number;
}

/** Options of `readRunExport`. */
export interface ReadRunOptions {
  /** "processing" also computes the raw spectrograms (from the stored waveforms) and transition matrices As. */
  layout?: ExportLayout;
  /** Worker threads of the HMM transforms that give As (default: all cores). */
  threads?: number;
  /** The output file name echoed as path_attrs.h5name. */
  outName?: string;
  onProgress?(done: number, total: number): void;
}

/** Paths of a run directory's store and models (docs/RUN-DIRECTORY.md). */
export function runPaths(dir: string): { store: string; nmf: string; hmm: string } {
  return { store: join(dir, "specufex.h5"), nmf: join(dir, "models", "nmf.h5"), hmm: join(dir, "models", "hmm.h5") };
}

/**
 * Reads a run directory (specufex.h5 + models/nmf.h5 + models/hmm.h5) into the data of the Python tools'
 * result layouts: per-event spectrograms (D×M), activations (K×M), state sequences (S×M) and fingerprints
 * (S×S) of every event with all four, STFT parameters, gain, EW, EA, ElnWA, EB; for the processing layout also
 * raw spectrograms (recomputed from the stored waveforms), transition matrices As (the HMM transform of each
 * activation matrix) and the config echoes (path_attrs, sgram_attrs, specufex_attrs, dataparam_attrs, catalogue).
 * @param dir run directory
 * @returns results, attributes, the events left out with reasons, and warnings
 * @throws FormatError when the store or a model is missing or unreadable; DataError when the run has no
 *   results yet or an event id cannot name a dataset; ShapeError when arrays and models disagree (naming the event)
 * @example
 * const run = await readRunExport("demo-run", { layout: "tutorial" });
 * await writeTutorialResults("results.h5", run.results);
 */
export async function readRunExport(dir: string, options: ReadRunOptions = {}): Promise<RunExport> {
  const paths = runPaths(dir);
  if (!existsSync(paths.store)) throw new FormatError(`${dir}: not a run directory (no specufex.h5)`, { file: paths.store });
  for (const [what, p] of [["nmf-fit", paths.nmf], ["hmm-fit", paths.hmm]] as const) {
    if (!existsSync(p)) throw new FormatError(`${p}: no such file (the run's ${what} stage has not completed)`, { file: p });
  }
  const nmf = await loadNmf(paths.nmf);
  const hmm = await loadHmm(paths.hmm);
  const store = await ProjectStore.open(paths.store, "r");
  try {
    return await readStore(store, dir, nmf, hmm, options);
  } finally {
    store.close();
  }
}

async function readStore(store: ProjectStore, dir: string, nmf: BayesianNmf, hmm: BayesianHmm, options: ReadRunOptions): Promise<RunExport> {
  const file = store.path;
  const stageOf: Record<string, string> = { spectrograms: "spectrograms", activations: "nmf-transform", states: "hmm-transform" };
  for (const name of ["spectrograms", "activations", "states"] as const) {
    if (!store.hasStacked(name)) throw new DataError(`${file}: no ${name} (the ${stageOf[name]} stage has not run)`, { file, field: name });
  }
  if (!store.file.has("fingerprints")) throw new DataError(`${file}: no fingerprints (the hmm-transform stage has not run)`, { file, field: "fingerprints" });
  const D = nmf.fitted.D, K = nmf.fitted.K, S = hmm.fitted.B1.shape[0];
  const fp = store.readTable("fingerprints");
  const n = store.eventCount;
  if (fp.shape[0] !== n || fp.shape[1] !== S * S) {
    throw new ShapeError(`${file}: fingerprints are ${fp.shape[0]}×${fp.shape[1]}, expected ${n}×${S * S} (N events × S² for the HMM's S = ${S})`, { file, field: "fingerprints" });
  }
  const ids = store.eventIds();
  const status = store.readStatus();
  const rejected = new Map(store.readRejections().map((r) => [r.index, `${r.stage}: ${r.reason}`]));
  const offsets = { spectrograms: store.offsets("spectrograms"), activations: store.offsets("activations"), states: store.offsets("states") };
  const skipped: ExportSkip[] = [];
  const chosen: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    if (status[i] !== 0) { skipped.push({ eventId: id, reason: rejected.get(i) ?? "rejected" }); continue; }
    const missing: string[] = (["spectrograms", "activations", "states"] as const).filter((k) => !(offsets[k][i + 1]! > offsets[k][i]!));
    if (Number.isNaN(fp.data[i * S * S]!)) missing.push("fingerprint");
    if (missing.length > 0) { skipped.push({ eventId: id, reason: `no ${missing.join(", ")}` }); continue; }
    checkDatasetName(id, file);
    chosen.push(i);
  }
  if (chosen.length === 0) throw new DataError(`${file}: no event has a spectrogram, activations, state sequence and fingerprint (${n} events, ${skipped.length} skipped)`, { file });

  const warnings: string[] = [];
  const spectrograms: Matrix[] = [], activations: Matrix[] = [], states: Matrix[] = [], fingerprints: Matrix[] = [];
  const eventIds: string[] = [];
  const total = chosen.length;
  options.onProgress?.(0, total);
  for (let j = 0; j < total; j++) {
    const i = chosen[j]!;
    const id = ids[i]!;
    const x = store.readStacked("spectrograms", i), v = store.readStacked("activations", i), g = store.readStacked("states", i);
    const M = x.shape[1];
    const expect = (what: string, m: Matrix, rows: number, model: string): void => {
      if (m.shape[0] !== rows || m.shape[1] !== M) {
        throw new ShapeError(`${file}: ${what} of event "${id}" is ${m.shape[0]}×${m.shape[1]}, expected ${rows}×${M} (${model}, the spectrogram's ${M} time steps)`, { file, event: id });
      }
    };
    expect("spectrogram", x, D, "the NMF's D frequency rows");
    expect("activation matrix", v, K, "the NMF's K patterns");
    expect("state sequence", g, S, "the HMM's S states");
    spectrograms.push(x);
    activations.push(v);
    states.push(g);
    fingerprints.push({ data: fp.data.slice(i * S * S, (i + 1) * S * S), shape: [S, S] });
    eventIds.push(id);
    options.onProgress?.(j + 1, total);
  }

  const spec = spectrogramSettings(store);
  const stft = stftParameters(store, spec, warnings);
  const frequenciesHz = store.stackedAttrs("spectrograms").frequencies;
  if (!(frequenciesHz instanceof Float64Array) || frequenciesHz.length !== D) {
    throw new DataError(`${file}: spectrograms attribute "frequencies" must hold the ${D} row frequencies (Hz), got ${frequenciesHz instanceof Float64Array ? `${frequenciesHz.length} values` : "none"}`, { file, field: "spectrograms/frequencies" });
  }
  const timesS = timeAxis(store, spectrograms[0]!.shape[1], stft, spec);

  let rawSpectrograms: Matrix[] | undefined;
  let transitions: Matrix[] | undefined;
  if (options.layout === "processing") {
    rawSpectrograms = rawSpectrogramsOf(store, chosen, spectrograms, stft, spec, warnings);
    const rs = await hmmTransformMany(hmm, activations, { ids: eventIds, ...(options.threads !== undefined ? { threads: options.threads } : {}) });
    transitions = rs.map((r) => r.A);
  }
  const f = nmf.fitted;
  const results: SpecufexResults = {
    eventIds,
    spectrograms,
    ...(rawSpectrograms ? { rawSpectrograms } : {}),
    frequenciesHz,
    timesS,
    stft,
    activations,
    states,
    fingerprints,
    ...(transitions ? { transitions } : {}),
    gain: f.gain,
    EW: f.EW,
    EA: { data: f.EA, shape: [1, f.EA.length] },
    ElnWA: f.ElnWA,
    EB: hmm.fitted.EB,
  };
  const attrs = processingAttrs(store, dir, options.outName ?? "", eventIds, chosen, stft, spec, nmf, hmm, warnings);
  return { results, attrs, skipped, warnings, events: n };
}

/** The spectrogram settings a run recorded: the stage record's, else the `settings` attribute (config section). */
interface SpectrogramSettings {
  readonly spectrogram: Record<string, unknown>;
  readonly normalizeWaveforms: boolean;
}

function spectrogramSettings(store: ProjectStore): SpectrogramSettings {
  const record = store.stage("spectrograms")?.settings as { spectrogram?: Record<string, unknown>; normalizeWaveforms?: unknown } | null | undefined;
  let spectrogram = record?.spectrogram;
  if (!spectrogram) {
    const s = store.stackedAttrs("spectrograms").settings;
    if (typeof s === "string") {
      try {
        spectrogram = JSON.parse(s) as Record<string, unknown>;
      } catch {
        spectrogram = undefined;
      }
    }
  }
  return { spectrogram: spectrogram ?? {}, normalizeWaveforms: record?.normalizeWaveforms === true };
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The store's sampling rate: the spectrograms' `fs` attribute, else the waveforms'. */
function sampleRateOf(store: ProjectStore): number | undefined {
  return num(store.stackedAttrs("spectrograms").fs) ?? (store.hasWaveforms() ? num(store.file.attrs("waveforms").sampling_rate) : undefined);
}

/** SciPy options of the recorded settings (config keys: nperseg | windowSeconds, noverlap | overlapFraction …). */
function scipyOptions(s: Record<string, unknown>): SpectrogramOptions {
  const pool = num(s.pool) ?? 1;
  const o: SpectrogramOptions = {};
  if (num(s.windowSeconds) !== undefined) o.windowSeconds = num(s.windowSeconds)!;
  else if (num(s.nperseg) !== undefined) o.nperseg = num(s.nperseg)!;
  if (pool > 1) {
    // the pooling variant's hop is 1 sample: no overlap setting applies
  } else if (num(s.overlapFraction) !== undefined) o.overlapFraction = num(s.overlapFraction)!;
  else if (num(s.noverlap) !== undefined) o.noverlap = num(s.noverlap)!;
  if (num(s.nfft) !== undefined) o.nfft = num(s.nfft)!;
  if (s.window === "hann") o.window = "hann";
  else if (num(s.tukeyAlpha) !== undefined) o.window = ["tukey", num(s.tukeyAlpha)!];
  if (s.scaling === "spectrum" || s.scaling === "density") o.scaling = s.scaling;
  if (s.mode === "magnitude" || s.mode === "psd") o.mode = s.mode;
  return o;
}

/**
 * STFT parameters: the spectrograms' attributes (docs/STORE.md: fs, nperseg, noverlap, nfft, scaling, mode,
 * fmin, fmax), else resolved from the recorded settings at the stored sampling rate.
 */
function stftParameters(store: ProjectStore, spec: SpectrogramSettings, warnings: string[]): StftParameters {
  const a = store.stackedAttrs("spectrograms");
  const s = spec.spectrogram;
  const fs = sampleRateOf(store);
  let nperseg = num(a.nperseg), noverlap = num(a.noverlap), nfft = num(a.nfft);
  let scaling = str(a.scaling) ?? str(s.scaling), mode = str(a.mode) ?? str(s.mode);
  if ((nperseg === undefined || noverlap === undefined || nfft === undefined) && fs !== undefined && Object.keys(s).length > 0) {
    const o = scipyOptions(s);
    const pool = num(s.pool) ?? 1;
    const probe = new SpectrogramPlan(fs, pool > 1 ? { ...o, noverlap: 0 } : o).params;
    nperseg ??= probe.nperseg;
    // The pooling variant runs a hop-1 STFT.
    noverlap ??= pool > 1 ? probe.nperseg - 1 : probe.noverlap;
    nfft ??= probe.nfft;
    scaling ??= probe.scaling;
    mode ??= probe.mode;
  }
  if (nperseg === undefined || noverlap === undefined || nfft === undefined) {
    throw new DataError(`${store.path}: the spectrograms carry no STFT parameters (attributes nperseg, noverlap, nfft, or the spectrograms stage's settings with a sampling rate)`, { file: store.path, field: "spectrograms" });
  }
  if (scaling === undefined || mode === undefined) warnings.push(`${store.path}: spectrogram scaling/mode not recorded; written as SciPy's defaults (density, psd)`);
  const fmin = num(a.fmin) ?? num(s.fmin), fmax = num(a.fmax) ?? num(s.fmax);
  return {
    ...(fs !== undefined ? { fs } : {}),
    nperseg,
    noverlap,
    nfft,
    scaling: scaling ?? "density",
    mode: mode ?? "psd",
    ...(fmin !== undefined ? { fmin } : {}),
    ...(fmax !== undefined ? { fmax } : {}),
  };
}

/** tSTFT: the `times` attribute, else t0 + dt·m, else the STFT's centre times for the stored waveform length. */
function timeAxis(store: ProjectStore, M: number, stft: StftParameters, spec: SpectrogramSettings): Float64Array {
  const a = store.stackedAttrs("spectrograms");
  if (a.times instanceof Float64Array && a.times.length > 0) return a.times;
  const t0 = num(a.t0), dt = num(a.dt);
  if (t0 !== undefined && dt !== undefined) return Float64Array.from({ length: M }, (_, m) => t0 + dt * m);
  if (stft.fs !== undefined && store.hasWaveforms() && (num(spec.spectrogram.pool) ?? 1) === 1) {
    const L = store.file.shape("waveforms/data")[1] ?? 0;
    const plan = new SpectrogramPlan(stft.fs, { nperseg: stft.nperseg, noverlap: stft.noverlap, nfft: stft.nfft });
    const t = plan.timesS(L);
    if (t.length === M) return t;
  }
  throw new DataError(`${store.path}: the spectrograms' time axis is not recorded (attribute "times", or "t0" and "dt")`, { file: store.path, field: "spectrograms/times" });
}

/** The linear band-limited spectrograms the normalised ones were made from, recomputed from the stored waveforms. */
function rawSpectrogramsOf(store: ProjectStore, chosen: readonly number[], normalised: readonly Matrix[], stft: StftParameters, spec: SpectrogramSettings, warnings: string[]): Matrix[] | undefined {
  const leaveOut = (why: string): undefined => {
    warnings.push(`raw spectrograms left out: ${why}`);
    return undefined;
  };
  if (!store.hasWaveforms()) return leaveOut("the store holds no waveforms");
  if ((num(spec.spectrogram.pool) ?? 1) > 1) return leaveOut("the spectrograms were pooled (workflow variant)");
  if (stft.fs === undefined || stft.fmin === undefined || stft.fmax === undefined) return leaveOut("the sampling rate or the band is not recorded");
  const o = scipyOptions(spec.spectrogram);
  const plan = new SpectrogramPlan(stft.fs, {
    nperseg: stft.nperseg,
    noverlap: stft.noverlap,
    nfft: stft.nfft,
    ...(o.window !== undefined ? { window: o.window } : {}),
    scaling: stft.scaling as "spectrum" | "density",
    mode: stft.mode as "magnitude" | "psd",
    bandHz: [stft.fmin, stft.fmax],
  });
  const out: Matrix[] = [];
  for (let j = 0; j < chosen.length; j++) {
    let x = store.readWaveform(chosen[j]!).data;
    if (spec.normalizeWaveforms) {
      let max = 0;
      for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]!));
      if (max > 0) x = x.map((v) => v / max);
    }
    const raw = plan.compute(x);
    const want = normalised[j]!.shape;
    if (raw.shape[0] !== want[0] || raw.shape[1] !== want[1]) {
      return leaveOut(`recomputed ${raw.shape[0]}×${raw.shape[1]} from the stored waveform of event ${store.eventIds()[chosen[j]!]}, but the stored spectrogram is ${want[0]}×${want[1]}`);
    }
    out.push(raw);
  }
  return out;
}

/** NET, STA, LOC, CHA of the run's channel: the ingest settings' data.station, else uniform event columns. */
function channelOf(store: ProjectStore, chosen: readonly number[]): { network: string; station: string; location: string; channel: string } {
  const data = (store.stage("ingest")?.settings as { data?: { station?: unknown } } | null | undefined)?.data;
  if (typeof data?.station === "string") {
    const [network = "", station = "", location = "", channel = ""] = data.station.split(".");
    return { network, station, location, channel };
  }
  const text = store.readEvents().text;
  const uniform = (name: string): string => {
    const col = text[name];
    if (!col) return "";
    const values = new Set(chosen.map((i) => col[i] ?? ""));
    return values.size === 1 ? [...values][0]! : "";
  };
  return { network: uniform("network"), station: uniform("station"), location: uniform("location"), channel: uniform("channel") };
}

/** "2016-10-13T01:07:13.123456Z" or "2016-10-13 01:07:13.123456" → "2016-10-13 01:07:13.123" (the processing layout's). */
export function processingTimestamp(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?/.exec(iso.trim());
  if (!m) return iso;
  return `${m[1]} ${m[2]}.${(m[3] ?? "").padEnd(3, "0").slice(0, 3)}`;
}

function processingAttrs(
  store: ProjectStore, dir: string, outName: string, eventIds: readonly string[], chosen: readonly number[],
  stft: StftParameters, spec: SpectrogramSettings, nmf: BayesianNmf, hmm: BayesianHmm, warnings: string[],
): ProcessingAttrs {
  const ingest = store.stage("ingest")?.settings as { data?: { waveforms?: unknown; files?: unknown; catalog?: unknown } } | null | undefined;
  const data = ingest?.data ?? {};
  const files = Array.isArray(data.files) ? data.files.filter((x): x is string => typeof x === "string") : [];
  const waveformPath = str(data.waveforms) ?? files[0] ?? "";
  const ch = channelOf(store, chosen);
  if (!ch.station) warnings.push("station not recorded: catalog/cat_by_sta/unknown");
  const nmfSettings = (store.stage("nmf-fit")?.settings as { nmf?: Record<string, unknown> } | null | undefined)?.nmf ?? {};
  const hmmSettings = (store.stage("hmm-fit")?.settings as { hmm?: Record<string, unknown> } | null | undefined)?.hmm ?? {};
  const otime = store.readEvents().text.otime;
  const projectPath = dir.endsWith("/") ? dir : `${dir}/`;
  const stationId = `${ch.network}.${ch.station}.${ch.location}.${ch.channel}`;
  const fs = stft.fs;
  return {
    path_attrs: { h5name: outName, key: basename(resolve(dir)), pathCat: str(data.catalog) ?? "", pathWF: waveformPath, projectPath },
    sgram_attrs: {
      ...(stft.fmax !== undefined ? { fmax: stft.fmax } : {}),
      ...(stft.fmin !== undefined ? { fmin: stft.fmin } : {}),
      fracOverlap: stft.noverlap / stft.nperseg,
      nfft: stft.nfft,
      norm_waveforms: spec.normalizeWaveforms,
      sgramType: "spectrogram",
      ...(fs !== undefined ? { winLen_Sec: stft.nperseg / fs } : {}),
    },
    specufex_attrs: {
      N_patterns_NMF: num(nmfSettings.numPatterns) ?? nmf.fitted.K0,
      N_states_HMM: hmm.fitted.B1.shape[0],
      hmm_batchsz: num(hmmSettings.batchSize) ?? 1,
      hmm_nbatch: num(hmmSettings.steps) ?? hmm.fitted.stepsDone,
      nmf_batchsz: num(nmfSettings.batchSize) ?? 1,
      nmf_nbatch: num(nmfSettings.steps) ?? nmf.fitted.step,
    },
    dataparam_attrs: {
      channel: ch.channel,
      channel_ID: 0,
      filetype: waveformPath ? extname(waveformPath) : "",
      network: ch.network,
      ...(fs !== undefined ? { sampling_rate: fs } : {}),
      station: ch.station,
    },
    catalog: {
      station: ch.station || "unknown",
      timestamps: chosen.map((i) => processingTimestamp(otime?.[i] ?? "")),
      filenames: eventIds.map((id) => `${stationId}.${id}.mseed`),
    },
  };
}

/** Options of `exportRun`. */
export interface ExportOptions {
  layout: ExportLayout;
  threads?: number;
  onProgress?(done: number, total: number): void;
}

/** What `exportRun` wrote. */
export interface ExportSummary {
  readonly project: string;
  readonly layout: ExportLayout;
  readonly out: string;
  /** Events in the store. */
  readonly events: number;
  readonly exported: number;
  readonly skipped: readonly ExportSkip[];
  readonly warnings: readonly string[];
  readonly frequencies: number;
  readonly patterns: number;
  readonly states: number;
  readonly seconds: number;
}

/**
 * Writes a run's results in a Python tool's layout (FORMATS.md §2; names and dtypes of the h5py-written files),
 * atomically: "tutorial" (spectrograms/<id>, fingerprints/<id>, SpecUFEX_output/{ACM,STM}/<id>, ACM_gain/gain,
 * W/W, EB/<last id>) or "processing" (spectrograms/{raw,transformed}_spectrograms/<id>, ACM/<id>, STM/<id>,
 * fingerprints/<id>, SpecUFEx_output/{ACM_gain,As/<id>}, model_parameters/{EW,EA,ElnWA,EB}, config echoes and
 * catalog/cat_by_sta/<station>). Events rejected by the run are left out and listed in `skipped`.
 * @param dir run directory; @param out HDF5 file to write
 * @throws as `readRunExport`
 * @example
 * const summary = await exportRun("demo-run", "demo_tutorial.h5", { layout: "tutorial" });
 */
export async function exportRun(dir: string, out: string, options: ExportOptions): Promise<ExportSummary> {
  const started = performance.now();
  const run = await readRunExport(dir, { layout: options.layout, outName: basename(out), ...(options.threads !== undefined ? { threads: options.threads } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  if (options.layout === "tutorial") await writeTutorialResults(out, run.results);
  else await writeProcessingResults(out, run.results, run.attrs);
  const r = run.results;
  return {
    project: dir,
    layout: options.layout,
    out,
    events: run.events,
    exported: r.eventIds.length,
    skipped: run.skipped,
    warnings: run.warnings,
    frequencies: r.frequenciesHz.length,
    patterns: r.EW?.shape[1] ?? 0,
    states: r.EB?.shape[0] ?? 0,
    seconds: (performance.now() - started) / 1000,
  };
}
