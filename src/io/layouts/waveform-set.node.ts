// Waveform sets in the Python tools' layouts (FORMATS.md §1): the tutorial's root datasets, and the
// specufex_processing data file (waveforms/<STA>/<CHA>/<id> with catalog/global_catalog).
import { FormatError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import { H5File, withH5, writeH5Atomic } from "../hdf5/index.js";

/** Equal-length event waveforms with their event table. */
export interface WaveformSet {
  readonly eventIds: string[];
  /** N×L samples, one row per event. */
  readonly waveforms: Matrix;
  readonly sampleRateHz: number;
  /** Origin times as stored (`YYYY-MM-DD HH:MM:SS.ffffff`, UTC), "" when unknown. */
  readonly otime: string[];
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  readonly depth: Float64Array;
  readonly mag: Float64Array;
  /** "tutorial" or "processing". */
  readonly layout: "tutorial" | "processing";
  /** Station and channel where the layout names them. */
  readonly station?: string;
  readonly channel?: string;
}

/** Reads a waveform set, detecting the layout; errors name the file and the missing dataset. */
export async function readWaveformSet(path: string): Promise<WaveformSet> {
  return withH5(path, "r", (f) => (f.has("waveform") ? readTutorial(f) : f.has("waveforms") ? readProcessing(f) : fail(f)));
}

function fail(f: H5File): never {
  throw new FormatError(`${f.path}: not a waveform set (expected a root "waveform" dataset (tutorial layout) or a "waveforms" group (specufex_processing layout); found ${f.keys().join(", ")})`, { file: f.path });
}

function readTutorial(f: H5File): WaveformSet {
  const shape = f.shape("waveform");
  if (shape.length !== 2) throw new FormatError(`${f.path}: waveform has shape [${shape}], expected N×L`, { file: f.path, field: "waveform" });
  const n = shape[0]!;
  const waveforms: Matrix = { data: f.readNumbers("waveform"), shape: [n, shape[1]!] };
  const eventIds = f.readStrings("event_ID");
  if (eventIds.length !== n) throw new FormatError(`${f.path}: event_ID has ${eventIds.length} entries, waveform has ${n} rows`, { file: f.path, field: "event_ID" });
  const column = (name: string): Float64Array => {
    if (!f.has(name)) return new Float64Array(n).fill(NaN);
    const v = f.readNumbers(name);
    if (v.length !== n) throw new FormatError(`${f.path}: ${name} has ${v.length} entries, expected ${n}`, { file: f.path, field: name });
    return v;
  };
  if (!f.has("sampling_rate")) throw new FormatError(`${f.path}: missing sampling_rate`, { file: f.path, field: "sampling_rate" });
  return {
    layout: "tutorial",
    eventIds,
    waveforms,
    sampleRateHz: f.readNumber("sampling_rate"),
    otime: f.has("otime") ? f.readStrings("otime") : new Array<string>(n).fill(""),
    lat: column("lat"),
    lon: column("lon"),
    depth: column("depth"),
    mag: column("mag"),
  };
}

function readProcessing(f: H5File): WaveformSet {
  const stations = f.keys("waveforms");
  if (stations.length === 0) fail(f);
  const station = stations[0]!;
  const channel = f.keys(`waveforms/${station}`)[0];
  if (!channel) throw new FormatError(`${f.path}: waveforms/${station} has no channel group`, { file: f.path });
  const base = `waveforms/${station}/${channel}`;
  const ids = f.keys(base);
  const info = `${station}/processing_info/sampling_rate_Hz`;
  if (!f.has(info)) throw new FormatError(`${f.path}: missing ${info}`, { file: f.path, field: info });
  const rows = ids.map((id) => f.readNumbers(`${base}/${id}`));
  const L = rows[0]?.length ?? 0;
  const data = new Float64Array(ids.length * L);
  rows.forEach((r, i) => {
    if (r.length !== L) throw new FormatError(`${f.path}: ${base}/${ids[i]} has ${r.length} samples, expected ${L}`, { file: f.path, event: ids[i] });
    data.set(r, i * L);
  });
  // The global catalogue gives timestamps for the ids it lists.
  const otime = new Array<string>(ids.length).fill("");
  if (f.has("catalog/global_catalog/evID") && f.has("catalog/global_catalog/timestamp")) {
    // h5py writes evID as int64 (the workflow's ids) or as strings (fixed or variable length).
    const evPath = "catalog/global_catalog/evID";
    const ev = /^[SAUO]/.test(f.dtype(evPath).replace(/^[<>|=]/, "")) ? f.readStrings(evPath) : Array.from(f.readNumbers(evPath), String);
    const ts = f.readStrings("catalog/global_catalog/timestamp");
    const byId = new Map(ev.map((e, i) => [e, ts[i] ?? ""]));
    ids.forEach((id, i) => (otime[i] = byId.get(id) ?? ""));
  }
  const nan = (): Float64Array => new Float64Array(ids.length).fill(NaN);
  return { layout: "processing", eventIds: ids, waveforms: { data, shape: [ids.length, L] }, sampleRateHz: f.readNumber(info), otime, lat: nan(), lon: nan(), depth: nan(), mag: nan(), station, channel };
}

/** Writes a waveform set in the tutorial layout (FORMATS.md §1), atomically. */
export async function writeWaveformSet(path: string, set: Omit<WaveformSet, "layout">): Promise<void> {
  await writeH5Atomic(path, (f) => {
    f.writeMatrix("waveform", set.waveforms);
    f.writeStrings("event_ID", set.eventIds, { fixedLength: true });
    f.writeStrings("otime", set.otime);
    f.writeNumbers("lat", set.lat);
    f.writeNumbers("lon", set.lon);
    f.writeNumbers("depth", set.depth);
    f.writeNumbers("mag", set.mag);
    f.writeScalar("sampling_rate", set.sampleRateHz);
  });
}
