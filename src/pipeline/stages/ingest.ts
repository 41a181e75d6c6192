// Stage `ingest`: waveforms and their catalogue into the project store — from an HDF5 waveform set
// (tutorial or specufex_processing layout) or from waveform files + a catalogue — then preprocessing
// (the Amatrice makeH5 notebook: demean, linear detrend, taper, band-pass). Every event is kept in the
// event table; one without a usable waveform is rejected with its reason.
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { CatalogEvent } from "../../core/catalog.js";
import { DataError, OptionError, SpecufexError } from "../../core/errors.js";
import { formatIsoNs, parseTimeNs } from "../../core/time.js";
import type { Trace } from "../../core/trace.js";
import type { ChannelMetadata } from "../../core/response.js";
import { readWaveformSet } from "../../io/layouts/index.js";
import { parseSacPz } from "../../io/sacpz.js";
import { parseStationXml } from "../../io/stationxml.js";
import { readCatalogFile } from "../../io/read-catalog.node.js";
import { readWaveformFile } from "../../io/read.node.js";
import { demean, detrendLinear } from "../../signal/detrend.js";
import { mergeTraces } from "../../signal/merge.js";
import { decimate } from "../../signal/resample.js";
import { removeResponse } from "../../signal/response.js";
import { butterworthFilter } from "../../signal/sosfilt.js";
import { obspyTaper } from "../../signal/taper.js";
import { cutWindow } from "../../signal/window.js";
import type { SpecufexConfig } from "../config.js";
import type { StageContext, StageDefinition, StageInfo } from "../stage.js";
import { ProjectStore, type Rejection } from "../store.js";

/** Events with their (uncut or cut) waveforms before preprocessing. */
interface Loaded {
  eventIds: string[];
  waveforms: (Float64Array | null)[];
  /** Per event, the channel NET.STA.LOC.CHA and the window's reference time, where known (response lookup). */
  channels: (string | null)[];
  timesNs: (bigint | null)[];
  sampleRateHz: number;
  numeric: Record<string, Float64Array>;
  text: Record<string, string[]>;
  rejections: Rejection[];
  warnings: string[];
  source: string;
}

const NUMERIC_COLUMNS = ["lat", "lon", "depth", "mag"] as const;

export const ingestStage: StageDefinition = {
  name: "ingest",
  settings: (c: SpecufexConfig) => ({ data: c.data, preprocessing: c.preprocessing }),
  async run(ctx: StageContext): Promise<StageInfo> {
    const { data } = ctx.config;
    const loaded = data.waveforms ? await fromWaveformSet(ctx) : await fromFiles(ctx);
    const { waveforms, sampleRateHz, units } = preprocessAll(loaded, ctx);
    const storePath = join(ctx.runDir, "specufex.h5");
    const tmp = join(ctx.runDir, `.specufex.h5.${process.pid}.tmp`);
    const store = await ProjectStore.create(tmp, { eventIds: loaded.eventIds, numeric: loaded.numeric, text: loaded.text });
    try {
      store.writeWaveforms(waveforms, { sampleRateHz, startOffsetS: -data.before, reference: data.reference, units });
      store.writeRejections("ingest", loaded.rejections);
      const station = ctx.config.data.stationCoordinates;
      if (ctx.config.data.station) store.file.setAttr("/", "station", ctx.config.data.station);
      if (station) {
        store.file.setAttr("/", "station_latitude", station.latitude);
        store.file.setAttr("/", "station_longitude", station.longitude);
        store.file.setAttr("/", "station_elevation_m", station.elevationM);
      }
      store.close();
      renameSync(tmp, storePath);
    } catch (err) {
      store.close();
      rmSync(tmp, { force: true });
      throw err;
    }
    ctx.log(`${loaded.eventIds.length} events from ${loaded.source}, ${loaded.rejections.length} rejected`);
    const response = ctx.config.preprocessing.response;
    // The response file as an absolute path, so `assign` finds it from any working directory.
    const responseFile = response ? { responseFile: resolve(ctx.baseDir, response.file) } : {};
    return { events: loaded.eventIds.length, rejected: loaded.rejections.length, sampleRateHz, samples: waveforms.shape[1], units, ...responseFile, warnings: loaded.warnings };
  },
};

async function fromWaveformSet(ctx: StageContext): Promise<Loaded> {
  const path = resolve(ctx.baseDir, ctx.config.data.waveforms!);
  const set = await readWaveformSet(path);
  const n = set.eventIds.length;
  const L = set.waveforms.shape[1];
  const numeric: Record<string, Float64Array> = { lat: set.lat.slice(), lon: set.lon.slice(), depth: set.depth.slice(), mag: set.mag.slice() };
  const text: Record<string, string[]> = { otime: set.otime.map(normaliseTime) };
  const warnings: string[] = [];
  if (ctx.config.data.catalog) joinCatalog(resolve(ctx.baseDir, ctx.config.data.catalog), set.eventIds, numeric, text, warnings);
  return {
    eventIds: set.eventIds,
    waveforms: Array.from({ length: n }, (_, i) => set.waveforms.data.subarray(i * L, (i + 1) * L)),
    channels: new Array<string | null>(n).fill(ctx.config.data.station),
    timesNs: text.otime!.map((t) => {
      try {
        return t ? parseTimeNs(t) : null;
      } catch {
        return null;
      }
    }),
    sampleRateHz: set.sampleRateHz,
    numeric,
    text,
    rejections: [],
    warnings,
    source: path,
  };
}

/** "2016-10-13 00:00:00.000" (h5 files) → ISO 8601 with µs; unparseable text is kept as it is. */
function normaliseTime(s: string): string {
  if (!s) return "";
  try {
    return formatIsoNs(parseTimeNs(s));
  } catch {
    return s;
  }
}

/** Fills missing hypocentre/magnitude/time values and extra columns from a catalogue, joined on event_ID. */
function joinCatalog(path: string, ids: readonly string[], numeric: Record<string, Float64Array>, text: Record<string, string[]>, warnings: string[]): void {
  const catalog = readCatalogFile(path);
  const byId = new Map(catalog.events.map((e) => [e.eventId, e]));
  let missing = 0;
  ids.forEach((id, i) => {
    const e = byId.get(id);
    if (!e) return void missing++;
    const values: Record<(typeof NUMERIC_COLUMNS)[number], number | undefined> = { lat: e.latitude, lon: e.longitude, depth: e.depthKm, mag: e.magnitude };
    for (const c of NUMERIC_COLUMNS) if (Number.isNaN(numeric[c]![i]) && values[c] !== undefined) numeric[c]![i] = values[c]!;
    if (!text.otime![i] && e.originNs !== undefined) text.otime![i] = formatIsoNs(e.originNs);
    for (const [k, v] of Object.entries(e.extra ?? {})) {
      const col = (text[k] ??= new Array<string>(ids.length).fill(""));
      col[i] = v;
    }
  });
  if (missing) warnings.push(`${missing} events of the waveform set are not in the catalogue ${path}`);
}

async function fromFiles(ctx: StageContext): Promise<Loaded> {
  const { data } = ctx.config;
  if (!data.catalog) throw new OptionError("data.catalog is required with data.files (or give data.waveforms)", { field: "data.catalog" });
  const catalogPath = resolve(ctx.baseDir, data.catalog);
  const catalog = readCatalogFile(catalogPath);
  const events = catalog.events;
  const warnings = [...catalog.warnings];
  // A file column naming each event's own waveform file (relative to the catalogue) needs no data.files.
  const perEventFiles = events.length > 0 && events.every((e) => e.extra?.file);
  if (data.files.length === 0 && !perEventFiles) {
    throw new OptionError("data: give data.waveforms (an HDF5 waveform set), or data.files with data.catalog (or a catalogue with a file column)", { field: "data.files" });
  }
  const files = data.files.flatMap((f) => expandFiles(resolve(ctx.baseDir, f)));
  // A continuous archive: read every file once; event files: read each event's own file.
  const archive = perEventFiles ? undefined : await readTraces(files, warnings);
  const rejections: Rejection[] = [];
  const waveforms: (Float64Array | null)[] = [];
  const channels: (string | null)[] = [];
  const timesNs: (bigint | null)[] = [];
  let rate = NaN;
  const n = events.length;
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    try {
      const traces = archive ?? (await readTraces([resolve(dirname(catalogPath), e.extra!.file!)], warnings));
      const channel = selectChannel(traces, data.station ?? stationOf(e), e.eventId);
      const referenceNs = referenceTime(e, data.reference, channel[0]!);
      const { traces: merged } = mergeTraces(channel);
      const cut = cutWindow(merged, referenceNs, { beforeS: data.before, afterS: data.after, policy: data.onBadWindow, eventId: e.eventId });
      if (Number.isNaN(rate)) rate = cut.trace.sampleRateHz;
      else if (cut.trace.sampleRateHz !== rate) throw new DataError(`event ${e.eventId}: sampled at ${cut.trace.sampleRateHz} Hz, the first usable event at ${rate} Hz`, { event: e.eventId });
      waveforms.push(cut.trace.data);
      channels.push(`${cut.trace.network}.${cut.trace.station}.${cut.trace.location}.${cut.trace.channel}`);
      timesNs.push(referenceNs);
      if (cut.paddedSamples > 0) warnings.push(`event ${e.eventId}: ${cut.paddedSamples} samples padded with zeros`);
    } catch (err) {
      if (!(err instanceof SpecufexError) || err.code === "E_OPTION") throw err;
      waveforms.push(null);
      channels.push(null);
      timesNs.push(null);
      rejections.push({ index: i, eventId: e.eventId, stage: "ingest", reason: err.message });
    }
    ctx.progress({ stage: "ingest", done: i + 1, total: n });
  }
  const column = (get: (e: CatalogEvent) => number | undefined): Float64Array => Float64Array.from(events, (e) => get(e) ?? NaN);
  const text: Record<string, string[]> = { otime: events.map((e) => (e.originNs !== undefined ? formatIsoNs(e.originNs) : "")) };
  for (const e of events) for (const k of Object.keys(e.extra ?? {})) text[k] ??= events.map((x) => x.extra?.[k] ?? "");
  return {
    eventIds: events.map((e) => e.eventId),
    waveforms,
    channels,
    timesNs,
    sampleRateHz: rate,
    numeric: { lat: column((e) => e.latitude), lon: column((e) => e.longitude), depth: column((e) => e.depthKm), mag: column((e) => e.magnitude) },
    text,
    rejections,
    warnings,
    source: `${files.length || "per-event"} files and ${catalogPath}`,
  };
}

function expandFiles(path: string): string[] {
  if (!existsSync(path)) throw new OptionError(`data.files: ${path} does not exist`, { file: path });
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().map((f) => join(path, f)).filter((p) => statSync(p).isFile());
}

async function readTraces(paths: readonly string[], warnings: string[]): Promise<Trace[]> {
  const out: Trace[] = [];
  for (const p of paths) {
    const r = await readWaveformFile(p);
    out.push(...r.traces);
    for (const w of r.warnings) warnings.push(`${p}: ${w}`);
  }
  return out;
}

/** NET.STA.LOC.CHA from a catalogue row's network/station/channel columns, when it has them. */
function stationOf(e: CatalogEvent): string | null {
  const x = e.extra ?? {};
  return x.station && x.channel ? `${x.network ?? "*"}.${x.station}.${x.location ?? "*"}.${x.channel}` : null;
}

/**
 * Whether a channel's codes match `pattern` NET.STA.LOC.CHA: "*" or a missing field matches anything, an
 * empty field an empty code.
 */
function matchesChannel(pattern: string, c: { readonly network: string; readonly station: string; readonly location: string; readonly channel: string }): boolean {
  const [net, sta, loc, cha] = pattern.split(".");
  const match = (want: string | undefined, got: string): boolean => want === undefined || want === "*" || (want === "" ? got === "" || loc === undefined : want === got);
  return match(net, c.network) && match(sta, c.station) && (loc === "*" || loc === undefined || c.location === loc) && match(cha, c.channel);
}

/** The traces of one channel: `pattern` NET.STA.LOC.CHA ("*" or empty fields match anything). */
function selectChannel(traces: readonly Trace[], pattern: string | null, eventId: string): Trace[] {
  const ids = [...new Set(traces.map((t) => `${t.network}.${t.station}.${t.location}.${t.channel}`))];
  if (!pattern) {
    if (ids.length === 1) return [...traces];
    throw new OptionError(`data.station is needed: the waveform files hold ${ids.length} channels (${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", …" : ""})`, { field: "data.station" });
  }
  const chosen = traces.filter((t) => matchesChannel(pattern, t));
  if (chosen.length === 0) throw new DataError(`event ${eventId}: no data for ${pattern} (files hold ${ids.slice(0, 5).join(", ")})`, { event: eventId });
  return chosen;
}

/**
 * The window's reference time: the origin, or the P pick at the waveforms' station (phase P, else the
 * earliest Pg/Pn/Pb; a pick without a station is the row's own, as in a CSV with a pick column), or
 * p_sample in a file starting at file_start_time.
 */
function referenceTime(e: CatalogEvent, reference: "origin" | "pick", at: Trace): bigint {
  if (reference === "origin") {
    if (e.originNs === undefined) throw new DataError(`event ${e.eventId}: no origin time (data.reference is origin)`, { event: e.eventId });
    return e.originNs;
  }
  // A catalogue with picks at many stations (QuakeML, hypoDD): only this station's P counts.
  const picks = (e.picks ?? []).filter((x) => (x.station === "" || x.station === at.station) && (!x.network || x.network === at.network) && /^P[gnb]?$/i.test(x.phase));
  const p = picks.find((x) => x.phase.toUpperCase() === "P") ?? [...picks].sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0))[0];
  if (p) return p.timeNs;
  const x = e.extra ?? {};
  if (x.p_sample && x.file_start_time && x.sampling_rate_hz) {
    const offsetS = Number(x.p_sample) / Number(x.sampling_rate_hz);
    if (Number.isFinite(offsetS)) return parseTimeNs(x.file_start_time, `event ${e.eventId} file_start_time`) + BigInt(Math.round(offsetS * 1e9));
  }
  throw new DataError(`event ${e.eventId}: no P pick at ${at.network}.${at.station} (data.reference is pick)`, { event: e.eventId });
}

/** Units of the ground motion `removeResponse` returns. */
const MOTION_UNITS = { displacement: "m", velocity: "m/s", acceleration: "m/s²" } as const;

/**
 * Preprocessing of every usable waveform into one N×L matrix (rows of rejected events stay 0): response
 * removal, demean, detrend, taper, band-pass, decimation — in that order. An event whose response cannot be
 * removed (no channel epoch at its time, a response without the needed stages) is rejected with the reason.
 */
function preprocessAll(loaded: Loaded, ctx: StageContext): { waveforms: { data: Float64Array; shape: [number, number] }; sampleRateHz: number; units: string } {
  const p = ctx.config.preprocessing;
  const fs = loaded.sampleRateHz;
  const responses = p.response ? readResponseFile(resolve(ctx.baseDir, p.response.file)) : null;
  // Each waveform goes straight into its row (one N×L matrix in memory, however many events).
  const lengths = loaded.waveforms.filter((w): w is Float64Array => w !== null).map((w) => w.length);
  const inputLength = lengths.length ? Math.max(...lengths) : 0;
  const L = p.decimate ? Math.ceil(inputLength / p.decimate) : inputLength;
  const out = new Float64Array(loaded.eventIds.length * L);
  loaded.waveforms.forEach((w, i) => {
    if (!w) return;
    let x: Float64Array = w;
    if (p.response) {
      const r = p.response;
      try {
        const epoch = responseEpoch(responses!, loaded.channels[i] ?? null, loaded.timesNs[i] ?? null, loaded.eventIds[i]!, r.file);
        x = removeResponse(x, fs, epoch.response!, { output: r.output, waterLevelDb: r.waterLevelDb, preFilterHz: r.preFilterHz });
        for (let j = 0; j < x.length; j++) if (!Number.isFinite(x[j]!)) throw new DataError(`event ${loaded.eventIds[i]}: sample ${j} is not finite after response removal`, { event: loaded.eventIds[i]! });
      } catch (err) {
        if (!(err instanceof SpecufexError) || err.code === "E_OPTION") throw err;
        loaded.rejections.push({ index: i, eventId: loaded.eventIds[i]!, stage: "ingest", reason: `response removal: ${err.message}` });
        return;
      }
    }
    if (p.demean) x = demean(x);
    if (p.detrend) x = detrendLinear(x);
    if (p.taper > 0) x = obspyTaper(x, p.taper);
    if (p.bandpass) {
      x = butterworthFilter(x, fs, { type: "bandpass", cornersHz: [p.bandpass.fmin, p.bandpass.fmax], order: p.bandpass.corners, zeroPhase: p.bandpass.zeroPhase ? "scipy" : "none" });
    }
    if (p.decimate) x = decimate(x, p.decimate);
    if (x.length !== L) {
      loaded.rejections.push({ index: i, eventId: loaded.eventIds[i]!, stage: "ingest", reason: `waveform has ${w.length} samples, the others ${inputLength}` });
      return;
    }
    out.set(x, i * L);
  });
  const units = p.response ? MOTION_UNITS[p.response.output] : (ctx.config.data.units ?? "as recorded");
  return { waveforms: { data: out, shape: [loaded.eventIds.length, L] }, sampleRateHz: p.decimate ? fs / p.decimate : fs, units };
}

/** The channel epochs of a StationXML or SAC pole-zero file (told apart by a leading "<"). */
function readResponseFile(path: string): ChannelMetadata[] {
  if (!existsSync(path)) throw new OptionError(`preprocessing.response.file: ${path} does not exist`, { file: path });
  const bytes = readFileSync(path);
  const head = bytes.subarray(0, 256).toString("latin1").trimStart();
  const channels = head.startsWith("<") ? parseStationXml(bytes, path) : parseSacPz(bytes.toString("latin1"), path);
  if (channels.length === 0) throw new OptionError(`preprocessing.response.file: ${path} holds no channel`, { file: path });
  return channels;
}

/**
 * The epoch of `channel` (NET.STA.LOC.CHA; null: the file's only channel) covering `timeNs` (null: the only
 * epoch) that has a response. Epochs without a channel id (a bare pole-zero file) match any channel.
 * @throws DataError naming the event when there is none; OptionError when the channel is ambiguous
 */
function responseEpoch(epochs: readonly ChannelMetadata[], channel: string | null, timeNs: bigint | null, eventId: string, file: string): ChannelMetadata {
  const idOf = (c: ChannelMetadata): string => `${c.network}.${c.station}.${c.location}.${c.channel}`;
  const ids = [...new Set(epochs.map(idOf))];
  let mine: readonly ChannelMetadata[];
  if (channel === null) {
    if (ids.length !== 1) throw new OptionError(`preprocessing.response: ${file} holds ${ids.length} channels (${ids.slice(0, 5).join(", ")}); give data.station to choose one`, { field: "data.station" });
    mine = epochs;
  } else {
    // A pole-zero file without station lines (only ZEROS/POLES/CONSTANT) applies to any channel; metadata
    // write an empty location as "--" or blanks.
    const anonymous = (c: ChannelMetadata): boolean => c.station === "" && c.channel === "";
    const blank = (l: string): string => (l.trim() === "--" ? "" : l.trim());
    mine = epochs.filter((c) => anonymous(c) || matchesChannel(channel, { ...c, location: blank(c.location) }));
    if (mine.length === 0) throw new DataError(`event ${eventId}: ${file} has no response for ${channel} (it holds ${ids.slice(0, 5).join(", ")})`, { event: eventId });
  }
  const covering = timeNs === null ? (mine.length === 1 ? mine : []) : mine.filter((c) => (c.startNs === undefined || c.startNs <= timeNs) && (c.endNs === undefined || c.endNs >= timeNs));
  const epoch = covering.find((c) => c.response && (c.response.stages.length > 0 || c.response.sensitivity));
  if (!epoch) {
    const when = timeNs === null ? "(the event has no time and the file several epochs)" : `at ${formatIsoNs(timeNs)}`;
    throw new DataError(`event ${eventId}: ${file} has no response for ${channel ?? ids[0]} ${when}`, { event: eventId });
  }
  return epoch;
}
