// The embedded demo: a synthetic data set with known families, written as a waveform set, run through
// the whole pipeline, and scored against the truth (adjusted Rand index).
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { adjustedRandIndex } from "../cluster/compare.js";
import { DataError } from "../core/errors.js";
import { formatIsoNs } from "../core/time.js";
import { writeWaveformSet } from "../io/layouts/index.js";
import { parseConfig, type SpecufexConfig } from "./config.js";
import { demoConfig } from "./demo/config.js";
import { generateDemo, type DemoDataset } from "./demo/generate.js";
import { csvField, writeCsv } from "./outputs.js";

export interface DemoSetup {
  readonly runDir: string;
  readonly config: SpecufexConfig;
  readonly dataset: DemoDataset;
}

/**
 * Writes events of a demo data set as a waveform set (FORMATS.md §1, the tutorial layout).
 * @param indices which events, in this order (default: all)
 */
export async function writeDemoWaveformSet(path: string, dataset: DemoDataset, indices?: readonly number[]): Promise<void> {
  const idx = indices ?? dataset.events.map((_, i) => i);
  const events = idx.map((i) => dataset.events[i]!);
  const L = dataset.waveforms[0]?.length ?? 0;
  const waveforms = new Float64Array(idx.length * L);
  idx.forEach((i, r) => waveforms.set(dataset.waveforms[i]!, r * L));
  await writeWaveformSet(path, {
    eventIds: events.map((e) => e.eventId),
    waveforms: { data: waveforms, shape: [idx.length, L] },
    sampleRateHz: dataset.sampleRateHz,
    otime: events.map((e) => formatIsoNs(e.originNs).replace("T", " ").replace("Z", "")),
    lat: Float64Array.from(events, (e) => e.latitude),
    lon: Float64Array.from(events, (e) => e.longitude),
    depth: Float64Array.from(events, (e) => e.depthKm),
    mag: Float64Array.from(events, (e) => e.magnitude),
  });
}

/** Generates the demo data set into `runDir` (waveforms.h5, truth.csv) and returns the config to run. */
export async function prepareDemo(runDir: string, options: { events: number; seed: number }): Promise<DemoSetup> {
  const dir = resolve(runDir);
  mkdirSync(dir, { recursive: true });
  const dataset = generateDemo({ events: options.events, seed: options.seed });
  await writeDemoWaveformSet(join(dir, "waveforms.h5"), dataset);
  writeCsv(join(dir, "truth.csv"), ["event_ID", "family", "snr_db"], dataset.events.map((e) => [e.eventId, e.family, e.snrDb.toFixed(2)]));
  const raw = demoConfig(options) as { data?: Record<string, unknown> } & Record<string, unknown>;
  const s = dataset.station;
  const config = parseConfig(
    {
      ...raw,
      output: ".",
      data: {
        ...(raw.data ?? {}),
        waveforms: "waveforms.h5",
        before: dataset.preSeconds,
        station: `${s.network}.${s.station}.${s.location}.${s.channel}`,
        stationCoordinates: { latitude: s.latitude, longitude: s.longitude, elevationM: s.elevationM },
      },
    },
    "demo config",
  );
  return { runDir: dir, config, dataset };
}

/** Reads a CSV of (event_ID, value) columns into a map (for truth.csv and catalog.csv). */
function readColumn(path: string, column: string): Map<string, string> {
  const lines = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const header = lines[0]!.split(",");
  const idIndex = header.indexOf("event_ID");
  const col = header.indexOf(column);
  if (idIndex < 0 || col < 0) throw new DataError(`${path}: no ${idIndex < 0 ? "event_ID" : column} column (columns: ${header.join(", ")})`, { file: path, field: column });
  const out = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    out.set(cells[idIndex]!, cells[col]!);
  }
  return out;
}

/**
 * The events scored against a reference: the `cluster` column of a run's catalog.csv joined on event_ID with a
 * reference column of another CSV (cluster 0 = DBSCAN noise and events missing from either are left out).
 */
function scoredEvents(catalogPath: string, truthPath: string, column: string): { ids: string[]; truth: number[]; cluster: number[] } {
  const truth = readColumn(truthPath, column);
  const clusters = readColumn(catalogPath, "cluster");
  const out = { ids: [] as string[], truth: [] as number[], cluster: [] as number[] };
  for (const [id, c] of clusters) {
    const t = truth.get(id);
    if (t === undefined || t === "" || c === undefined || c === "" || c === "0") continue;
    out.ids.push(id);
    out.truth.push(Number(t));
    out.cluster.push(Number(c));
  }
  return out;
}

/**
 * ARI between the `cluster` column of a run's catalog.csv and a reference column of another CSV (joined on
 * event_ID), over the clustered events (cluster 0 = DBSCAN noise and events missing from either are left out).
 */
export function clusterAri(catalogPath: string, truthPath: string, column: string): { ari: number; events: number } {
  const { truth, cluster } = scoredEvents(catalogPath, truthPath, column);
  return { ari: adjustedRandIndex(Int32Array.from(truth), Int32Array.from(cluster)), events: truth.length };
}

/** The ARI of the events whose SNR lies in [fromDb, toDb). */
export interface SnrBandAri {
  readonly fromDb: number;
  readonly toDb: number;
  readonly ari: number;
  readonly events: number;
}

/**
 * ARI between the clusters of catalog.csv and the families of truth.csv, over the clustered events; with
 * `bySnr`, the same labels scored within SNR bands of `bandDb` dB (truth.csv's snr_db), so a user sees
 * where the method recovers the families and where the noise wins.
 */
export function demoAri(runDir: string, bandDb = 5): { ari: number; events: number; bySnr: SnrBandAri[] } {
  const catalogPath = join(runDir, "catalog.csv");
  const truthPath = join(runDir, "truth.csv");
  const scored = scoredEvents(catalogPath, truthPath, "family");
  // A truth.csv of an older demo has no snr_db column: then no bands.
  const header = readFileSync(truthPath, "utf8").split(/\r?\n/, 1)[0]!.split(",");
  const snr = header.includes("snr_db") ? readColumn(truthPath, "snr_db") : new Map<string, string>();
  let maxDb = -Infinity;
  for (const v of snr.values()) if (Number(v) > maxDb) maxDb = Number(v);
  // The largest SNR (the draw's upper end, e.g. 20 dB) belongs to the band below it.
  const lastBand = Math.ceil(maxDb / bandDb) - 1;
  const bands = new Map<number, { a: number[]; b: number[] }>();
  scored.ids.forEach((id, q) => {
    const db = Number(snr.get(id));
    if (!Number.isFinite(db)) return;
    const band = Math.min(Math.floor(db / bandDb), lastBand);
    const slot = bands.get(band) ?? { a: [], b: [] };
    slot.a.push(scored.truth[q]!);
    slot.b.push(scored.cluster[q]!);
    bands.set(band, slot);
  });
  const bySnr = [...bands.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([band, { a, b }]) => ({ fromDb: band * bandDb, toDb: (band + 1) * bandDb, ari: adjustedRandIndex(Int32Array.from(a), Int32Array.from(b)), events: a.length }));
  const ari = adjustedRandIndex(Int32Array.from(scored.truth), Int32Array.from(scored.cluster));
  return { ari, events: scored.truth.length, bySnr };
}
