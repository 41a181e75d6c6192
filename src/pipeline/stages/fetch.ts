// The fetch stage: catalogue (FDSN event query or a local catalogue) + one channel → P arrival (pick or
// predicted) → dataselect windows (bulk POST, cached on disk) → cut, response removed → the waveform set
// (FORMATS.md §1) and rejected.csv, which lists every event not fetched with its reason.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { CatalogEvent } from "../../core/catalog.js";
import { OptionError } from "../../core/errors.js";
import type { ChannelMetadata } from "../../core/response.js";
import { formatIsoNs } from "../../core/time.js";
import { readMiniseedBytes, type EventQuery, type FdsnClient, type WaveformRequest, type WaveformResult } from "../../io/fdsn/index.js";
import { writeWaveformSet } from "../../io/layouts/index.js";
import { WaveformCache, writeFileAtomic } from "./fetch-cache.js";
import { cutWindow, findArrival, type CutResult } from "./fetch-window.js";
import { DEFAULT_VELOCITY_MODEL, checkVelocityModel, type VelocityModel } from "./fetch-travel-time.js";

/** Why an event is not in the waveform set. */
export type FetchRejectionReason =
  | "duplicate event" | "no origin" | "no station metadata" | "no response for this time" | "no P arrival"
  | "no data" | "request failed" | "unreadable data" | "incomplete data" | "sampling rate differs" | "response removal failed";

export interface FetchRejection {
  readonly eventId: string;
  readonly reason: FetchRejectionReason;
  readonly detail: string;
}

/** Progress of the waveform phase: windows done of total, and the network rate. */
export interface FetchProgress {
  readonly done: number;
  readonly total: number;
  readonly fromCache: number;
  /** Windows fetched per second over the network so far (0 before the first). */
  readonly ratePerSecond: number;
}

/** The channel to fetch, as NET.STA.LOC.CHA codes (no wildcards). */
export interface ChannelSelection {
  readonly network: string;
  readonly station: string;
  readonly location: string;
  readonly channel: string;
}

export interface FetchStageOptions {
  /** Output folder: waveforms.h5, rejected.csv, cache/. */
  readonly outDir: string;
  /** Serves station metadata and waveforms (and events, unless `eventClient`). */
  readonly client: FdsnClient;
  readonly eventClient?: FdsnClient;
  /** Events: an fdsnws-event query, or a catalogue already read (a local file). */
  readonly events: { readonly query: EventQuery } | { readonly catalog: readonly CatalogEvent[] };
  readonly channel: ChannelSelection;
  /** Channel epochs with responses; queried from the station service when absent. */
  readonly inventory?: readonly ChannelMetadata[];
  /** Cut around the origin time or the P arrival (pick, else predicted). Default "origin". */
  readonly reference?: "origin" | "pick";
  readonly beforeSeconds?: number;
  readonly afterSeconds?: number;
  /** Extra data fetched on each side for the response removal's taper (default 10 s). */
  readonly padSeconds?: number;
  readonly velocityModel?: VelocityModel;
  /** Ground motion to write (default velocity, m/s); "counts" keeps the raw samples. */
  readonly output?: "displacement" | "velocity" | "acceleration" | "counts";
  /** Water level, dB below the response maximum (default 60); null = none. */
  readonly waterLevelDb?: number | null;
  /** Pre-filter [f1, f2, f3, f4] Hz (ObsPy's pre_filt). */
  readonly preFilterHz?: readonly [number, number, number, number] | null;
  /** Use and fill `<outDir>/cache` (default true). */
  readonly useCache?: boolean;
  readonly onProgress?: (p: FetchProgress) => void;
}

export interface FetchStageResult {
  /** The waveform set; undefined when no event could be kept. */
  readonly waveformPath?: string;
  readonly rejectedPath: string;
  readonly eventsIn: number;
  readonly kept: number;
  readonly rejected: readonly FetchRejection[];
  readonly fromCache: number;
  readonly fetched: number;
  readonly sampleRateHz?: number;
  readonly samplesPerEvent?: number;
  /** Reader and service warnings, per window. */
  readonly warnings: readonly string[];
}

const nowMs = (): number => performance.now();

function check(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= min)) throw new OptionError(`fetch: ${name} must be a finite number ≥ ${min}, got ${v}`, { field: name });
}

/** Same codes, with "" and "--" the same empty location. */
export function sameChannel(a: ChannelSelection, b: ChannelSelection): boolean {
  const loc = (l: string): string => (l.trim() === "--" ? "" : l.trim());
  return a.network === b.network && a.station === b.station && loc(a.location) === loc(b.location) && a.channel === b.channel;
}

/**
 * Runs the fetch stage (see the file comment). Never throws for one event: each failure is a rejection.
 * @throws FetchError when the event or station query fails after its retries (nothing is written);
 *   OptionError for bad options.
 */
export async function fetchWaveformSet(options: FetchStageOptions): Promise<FetchStageResult> {
  const before = options.beforeSeconds ?? 3;
  const after = options.afterSeconds ?? 17;
  const pad = options.padSeconds ?? 10;
  check("beforeSeconds", before, 0);
  check("afterSeconds", after, 0);
  check("padSeconds", pad, 0);
  if (before + after <= 0) throw new OptionError("fetch: the window (beforeSeconds + afterSeconds) must be longer than 0 s", { field: "afterSeconds" });
  const model = options.velocityModel ?? DEFAULT_VELOCITY_MODEL;
  checkVelocityModel(model, "fetch: velocityModel");
  const reference = options.reference ?? "origin";
  const output = options.output ?? "velocity";
  const sel = options.channel;
  const client = options.client;
  const service = client.serviceUrl("dataselect"); // fails early when the data centre has no dataselect
  mkdirSync(options.outDir, { recursive: true });

  const catalog = shortEventIds("catalog" in options.events ? [...options.events.catalog] : (await (options.eventClient ?? client).queryEvents(options.events.query)).events);
  const inventory = options.inventory ?? (await client.queryStations({ network: sel.network, station: sel.station, location: sel.location, channel: sel.channel, level: output === "counts" ? "channel" : "response" }));
  const epochs = inventory.filter((c) => sameChannel(c, sel));

  const rejected = new Map<number, FetchRejection>();
  const reject = (i: number, reason: FetchRejectionReason, detail: string): void => void rejected.set(i, { eventId: catalog[i]!.eventId, reason, detail });
  const id = `${sel.network}.${sel.station}.${sel.location}.${sel.channel}`;
  const windows: { index: number; request: WaveformRequest; cutStartNs: bigint; epoch: ChannelMetadata }[] = [];
  const seen = new Set<string>();
  catalog.forEach((ev, i) => {
    if (seen.has(ev.eventId)) return reject(i, "duplicate event", `event_ID ${ev.eventId} appears more than once in the catalogue; the first is kept`);
    seen.add(ev.eventId);
    if (ev.originNs === undefined) return reject(i, "no origin", `event ${ev.eventId} has no origin time`);
    if (epochs.length === 0) return reject(i, "no station metadata", `the station service has no channel ${id}`);
    const arrival = reference === "origin" ? { timeNs: ev.originNs, how: "origin" } : findArrival(ev, epochs, sel, model);
    if (typeof arrival === "string") return reject(i, "no P arrival", arrival);
    const cutStartNs = arrival.timeNs - BigInt(Math.round(before * 1e9));
    const cutEndNs = arrival.timeNs + BigInt(Math.round(after * 1e9));
    const epoch = epochs.find((c) => (c.startNs === undefined || c.startNs <= cutStartNs) && (c.endNs === undefined || c.endNs >= cutEndNs));
    if (!epoch) {
      const list = epochs.map((c) => `${c.startNs === undefined ? "…" : formatIsoNs(c.startNs)} to ${c.endNs === undefined ? "…" : formatIsoNs(c.endNs)}`).join(", ");
      return reject(i, "no response for this time", `${id} has no channel epoch covering ${formatIsoNs(cutStartNs)}–${formatIsoNs(cutEndNs)} (epochs: ${list})`);
    }
    if (output !== "counts" && !epoch.response?.sensitivity && !(epoch.response?.stages.length)) {
      return reject(i, "no response for this time", `the ${id} epoch from ${epoch.startNs === undefined ? "…" : formatIsoNs(epoch.startNs)} has no instrument response`);
    }
    const padNs = BigInt(Math.round(pad * 1e9));
    windows.push({ index: i, cutStartNs, epoch, request: { ...sel, startNs: cutStartNs - padNs, endNs: cutEndNs + padNs } });
  });

  const useCache = options.useCache ?? true;
  const cache = useCache ? new WaveformCache(join(options.outDir, "cache")) : undefined;
  const cut = new Map<number, CutResult>();
  const warnings: string[] = [];
  let done = 0;
  let fromCache = 0;
  let fetched = 0;
  const started = nowMs();
  const progress = (): void => options.onProgress?.({ done, total: windows.length, fromCache, ratePerSecond: fetched > 0 ? fetched / ((nowMs() - started) / 1000) : 0 });
  const cutOptions = { beforeSeconds: before, afterSeconds: after, output, waterLevelDb: options.waterLevelDb === undefined ? 60 : options.waterLevelDb, preFilterHz: options.preFilterHz ?? null };
  const accept = (w: (typeof windows)[number], result: WaveformResult): void => {
    if (result.kind === "rejected") return reject(w.index, result.reason, result.message);
    for (const warning of result.warnings) warnings.push(`${catalog[w.index]!.eventId}: ${warning}`);
    const c = cutWindow(result.traces, w.request, w.cutStartNs, w.epoch, cutOptions);
    if (typeof c === "object" && "reason" in c) return reject(w.index, c.reason, `${c.detail}${result.warnings.length ? ` (warnings: ${result.warnings.join("; ")})` : ""}`);
    cut.set(w.index, c);
  };

  const toFetch: (typeof windows)[number][] = [];
  for (const w of windows) {
    const key = WaveformCache.key(service, w.request);
    const bytes = cache?.get(key);
    if (!bytes) { toFetch.push(w); continue; }
    try {
      const read = readMiniseedBytes(bytes, join(cache!.dir, `${key}.mseed`));
      accept(w, { kind: "data", request: w.request, traces: read.traces, warnings: read.warnings, bytes, url: service });
      fromCache++;
      done++;
      progress();
    } catch {
      cache!.remove(key); // unreadable cache entry: fetch again
      toFetch.push(w);
    }
  }
  progress();
  try {
    await client.fetchWaveforms(toFetch.map((w) => w.request), {
      onResult: (k, result) => {
        const w = toFetch[k]!;
        if (result.kind === "data" && result.warnings.length === 0 && cache) cache.put(WaveformCache.key(service, w.request), service, w.request, result.bytes);
        if (result.kind === "data") fetched++;
        accept(w, result);
        done++;
        progress();
      },
    });
  } finally {
    cache?.flush();
  }

  // Every kept event shares the sampling rate of the first kept event (catalogue order).
  const keptIdx = [...cut.keys()].sort((a, b) => a - b);
  const rate = keptIdx.length ? cut.get(keptIdx[0]!)!.sampleRateHz : undefined;
  for (const i of keptIdx) {
    const c = cut.get(i)!;
    if (Math.abs(c.sampleRateHz / rate! - 1) > 1e-9) {
      reject(i, "sampling rate differs", `${id} is sampled at ${c.sampleRateHz} Hz for this event, ${rate} Hz for the first kept event`);
      cut.delete(i);
    }
  }
  const kept = keptIdx.filter((i) => cut.has(i));
  const waveformPath = join(options.outDir, "waveforms.h5");
  const rejectedPath = join(options.outDir, "rejected.csv");
  let L: number | undefined;
  if (kept.length > 0) {
    L = cut.get(kept[0]!)!.data.length;
    const data = new Float64Array(kept.length * L);
    kept.forEach((i, r) => data.set(cut.get(i)!.data, r * L!));
    const column = (f: (e: CatalogEvent) => number | undefined): Float64Array => Float64Array.from(kept, (i) => f(catalog[i]!) ?? NaN);
    await writeWaveformSet(waveformPath, {
      eventIds: kept.map((i) => catalog[i]!.eventId),
      waveforms: { data, shape: [kept.length, L] },
      sampleRateHz: rate!,
      otime: kept.map((i) => formatIsoNs(catalog[i]!.originNs!).replace("T", " ").replace("Z", "")),
      lat: column((e) => e.latitude),
      lon: column((e) => e.longitude),
      depth: column((e) => e.depthKm),
      mag: column((e) => e.magnitude),
      station: sel.station,
      channel: sel.channel,
    });
  } else if (existsSync(waveformPath)) {
    rmSync(waveformPath); // an old set would look like this run's result
  }
  const list = [...rejected.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  writeFileAtomic(rejectedPath, rejectedCsv(list));
  return {
    ...(kept.length > 0 ? { waveformPath, sampleRateHz: rate!, samplesPerEvent: L! } : {}),
    rejectedPath, eventsIn: catalog.length, kept: kept.length, rejected: list, fromCache, fetched, warnings,
  };
}

/**
 * QuakeML ids are URIs ("quakeml:earthquake.usgs.gov/fdsnws/event/1/query?eventid=se60141243&format=quakeml",
 * "smi:service.iris.edu/fdsnws/event/1/query?eventid=2844986"): the waveform set gets the data centre's own id
 * (the eventid parameter, else the last path segment), unless that would make two events share one.
 */
export function shortEventIds(events: CatalogEvent[]): CatalogEvent[] {
  const short = events.map((e) => {
    if (!/^(smi|quakeml|https?):/i.test(e.eventId)) return e.eventId;
    const q = /[?&]eventid=([^&]+)/i.exec(e.eventId);
    if (q) return decodeURIComponent(q[1]!);
    const last = e.eventId.split(/[/#]/).filter((x) => x !== "").at(-1);
    return last ?? e.eventId;
  });
  const counts = new Map<string, number>();
  for (const s of short) counts.set(s, (counts.get(s) ?? 0) + 1);
  const originals = new Map<string, number>();
  for (const e of events) originals.set(e.eventId, (originals.get(e.eventId) ?? 0) + 1);
  // A short id is used only when it is as unique as the original id was.
  return events.map((e, i) => (short[i] !== e.eventId && counts.get(short[i]!) === originals.get(e.eventId) ? { ...e, eventId: short[i]! } : e));
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** rejected.csv: `event_ID,stage,reason` (docs/RUN-DIRECTORY.md), the reason as "<name>: <detail>". */
export function rejectedCsv(list: readonly FetchRejection[]): string {
  return ["event_ID,stage,reason", ...list.map((r) => [r.eventId, "fetch", `${r.reason}: ${r.detail}`].map(csvField).join(","))].join("\n") + "\n";
}

