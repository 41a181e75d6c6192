// The fetch stage end to end against the local replay server: the linked SC chain (events → CO.BIRD
// StationXML → miniSEED 3 windows), injected failures with a re-run that completes the set from the cache,
// and the IU.ANMO case (waveforms from 2010, channel epochs from 2012).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CatalogEvent } from "../../core/catalog.js";
import { parseTimeNs } from "../../core/time.js";
import { FdsnClient } from "../../io/fdsn/index.js";
import { withH5 } from "../../io/hdf5/index.js";
import { readMiniseed3 } from "../../io/miniseed3.js";
import { isoToUs, startReplayServer, type ReplayServer } from "../../../test-support/fdsn-replay.js";
import { sharedPath } from "../../../test-support/shared.js";
import { fetchWaveformSet, type FetchProgress } from "./fetch.js";

const SC = "data/seisplotjs-sc-event-dataset/dataset";
const SEISMOGRAMS = ["", "_2021-12-27_2", "_2021-12-27_3"].flatMap((s) =>
  ["CO.BIRD.00.HHZ", "CO.BIRD.00.HHE", "CO.JSC.00.HHZ"].map((c) => sharedPath(`${SC}/seismograms/${c}${s}.ms3`)));

// The three events (catalog.quakeml, USGS), as PROVENANCE.md lists them.
const EVENTS: CatalogEvent[] = [
  { eventId: "se60141243", originNs: parseTimeNs("2021-12-27T23:22:50.180Z"), latitude: 34.155, longitude: -80.729, depthKm: 0.74, magnitude: 2.3 },
  { eventId: "se60141143", originNs: parseTimeNs("2021-12-27T22:38:21.700Z"), latitude: 34.175, longitude: -80.716, depthKm: 1.33, magnitude: 2.57 },
  { eventId: "se60377836", originNs: parseTimeNs("2021-12-27T19:18:54.190Z"), latitude: 34.1823333, longitude: -80.7196667, depthKm: 3.07, magnitude: 3.3 },
];
// Straight ray at 6 km/s to CO.BIRD (34.645, −80.4615, 132 m), computed with Python (haversine, R 6371 km).
const TRAVEL_S = [9.960710144, 9.543027333, 9.454301529];
// The file of each event at CO.BIRD HHZ and its first sample.
const BIRD_FILES = ["CO.BIRD.00.HHZ.ms3", "CO.BIRD.00.HHZ_2021-12-27_2.ms3", "CO.BIRD.00.HHZ_2021-12-27_3.ms3"];
const BIRD_SENSITIVITY = 5.043164837540085e8; // counts per m/s (inventory.staxml, HHZ)

let server: ReplayServer;
let anmo: ReplayServer;
const dirs: string[] = [];
before(async () => {
  server = await startReplayServer({
    events: [{ file: sharedPath(`${SC}/catalog.quakeml`), format: "xml", recorded: { startUs: isoToUs("2021-12-27T00:00:00"), endUs: isoToUs("2021-12-28T00:00:00"), box: [33, 35, -81, -79] } }],
    stations: [{ file: sharedPath(`${SC}/inventory.staxml`) }],
    waveforms: SEISMOGRAMS.map((file) => ({ file })),
  });
  anmo = await startReplayServer({
    events: [{ file: sharedPath("data/fixtures-quakeml/SeisIO/fdsnws-event_2017-01-12T03-18-55Z.xml"), format: "xml" }],
    stations: [{ file: sharedPath("data/fixtures-stationxml/obspy-core-response/IU_ANMO_BH.xml") }],
    waveforms: [{ file: sharedPath("data/fixtures-fdsn-dataselect/obspy-clients-fdsn/dataselect_example.mseed"), libmseedJson: sharedPath("data/fixtures-fdsn-dataselect/_expected_libmseed2/dataselect_example.mseed.json") }],
  });
});
after(async () => {
  await server.close();
  await anmo.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function outDir(): string {
  const d = mkdtempSync(join(tmpdir(), "specufex-fetch-"));
  dirs.push(d);
  return d;
}

const sleeps: number[] = [];
const client = (base: string, extra: object = {}): FdsnClient =>
  new FdsnClient({ baseUrl: base, timeoutMs: 2000, retries: 2, backoffMs: 1, maxBulkLines: 1, sleep: async (ms) => void sleeps.push(ms), ...extra });

const BIRD = { network: "CO", station: "BIRD", location: "00", channel: "HHZ" };

interface WaveformFile { ids: string[]; otime: string[]; lat: Float64Array; depth: Float64Array; mag: Float64Array; rate: number; shape: number[]; data: Float64Array }
const readSet = (path: string): Promise<WaveformFile> => withH5(path, "r", (f) => ({
  ids: f.readStrings("event_ID"), otime: f.readStrings("otime"), lat: f.readNumbers("lat"), depth: f.readNumbers("depth"), mag: f.readNumbers("mag"),
  rate: f.readNumber("sampling_rate"), shape: f.shape("waveform"), data: f.readNumbers("waveform"),
}));

/** Expected row: the raw counts of the window, minus the mean of the fetched (padded) span, over the sensitivity. */
function expectedRow(k: number, padS: number): Float64Array {
  const { traces } = readMiniseed3(readFileSync(sharedPath(`${SC}/seismograms/${BIRD_FILES[k]}`)), BIRD_FILES[k]!);
  const x = traces[0]!.data;
  const p = Number(EVENTS[k]!.originNs! - traces[0]!.startNs) / 1e9 + TRAVEL_S[k]!; // P, s after the first sample
  const first = Math.round((p - 3) * 100);
  const a = Math.floor((p - 3 - padS) * 100);
  const b = Math.ceil((p + 17 + padS) * 100) + 1;
  let mean = 0;
  for (let i = a; i < b; i++) mean += x[i]!;
  mean /= b - a;
  const out = new Float64Array(2001);
  for (let i = 0; i < 2001; i++) out[i] = (x[first + i]! - mean) / BIRD_SENSITIVITY;
  return out;
}

/**
 * A flat (sensitivity-only) response removed as ObsPy does equals (counts − mean)/S plus one term: ObsPy
 * (and signal/response.ts after it) replaces the Nyquist bin X_N of the 2·npts transform by |X_N|, which adds
 * c·(−1)^n with c = (|X_N| − X_N)/nfft/S (0 when X_N ≥ 0). So actual − expected must be c·(−1)^n with one
 * constant c, small against the signal; checked with the golden metric at rtol.
 */
function assertFlatResponseRemoved(actual: Float64Array, expected: Float64Array, rtol: number, label: string): void {
  let max = 0;
  for (const v of expected) max = Math.max(max, Math.abs(v));
  const c = actual[0]! - expected[0]!;
  assert.ok(Math.abs(c) <= 1e-3 * max, `${label}: the Nyquist term ${c} is not small against ${max}`);
  for (let i = 0; i < expected.length; i++) {
    const model = expected[i]! + (i % 2 === 0 ? c : -c);
    if (Math.abs(actual[i]! - model) > rtol * Math.abs(model) + 1e-12 * max) assert.fail(`${label}: index ${i}: ${actual[i]} vs ${model}`);
  }
}

test("SC chain: events from the event service (QuakeML), the P window predicted at CO.BIRD is fetched by bulk POST, the response removed, and the waveform set written", async () => {
  const out = outDir();
  server.clearLog();
  const progress: FetchProgress[] = [];
  const r = await fetchWaveformSet({
    outDir: out, client: client(server.baseUrl, { maxBulkLines: 100 }), channel: BIRD,
    events: { query: { startNs: parseTimeNs("2021-12-27"), endNs: parseTimeNs("2021-12-28"), box: { minLatitude: 33, maxLatitude: 35, minLongitude: -81, maxLongitude: -79 } } },
    reference: "pick", beforeSeconds: 3, afterSeconds: 17, padSeconds: 5, onProgress: (p) => progress.push(p),
  });
  assert.deepEqual(server.log[0]!.params, {
    starttime: "2021-12-27T00:00:00.000000", endtime: "2021-12-28T00:00:00.000000", minlatitude: "33", maxlatitude: "35", minlongitude: "-81", maxlongitude: "-79", format: "xml",
  });
  assert.deepEqual(r.rejected, []);
  assert.equal(r.kept, 3);
  assert.equal(r.fetched, 3);
  const station = server.log.filter((l) => l.service === "station");
  assert.equal(station.length, 1);
  assert.deepEqual(station[0]!.params, { network: "CO", station: "BIRD", location: "00", channel: "HHZ", level: "response", format: "xml" });
  const posts = server.log.filter((l) => l.service === "dataselect");
  assert.equal(posts.length, 1, "one bulk POST for one station");
  assert.equal(posts[0]!.lines.length, 3);
  // Each line asks for [P − 3 − 5, P + 17 + 5] around the predicted P (to the microsecond, rounded outwards).
  EVENTS.forEach((ev, k) => {
    const pUs = Number(ev.originNs! / 1000n) + TRAVEL_S[k]! * 1e6;
    const line = posts[0]!.lines.find((l) => Math.abs(isoToUs(l.split(" ")[4]!) - (pUs - 8e6)) <= 1);
    assert.ok(line, `a line for event ${ev.eventId} starting at P − 8 s`);
    const f = line.split(" ");
    assert.deepEqual(f.slice(0, 4), ["CO", "BIRD", "00", "HHZ"]);
    assert.ok(Math.abs(isoToUs(f[5]!) - (pUs + 22e6)) <= 1, `event ${ev.eventId}: end at P + 22 s`);
  });
  const set = await readSet(r.waveformPath!);
  assert.deepEqual(set.ids, ["se60141243", "se60141143", "se60377836"]);
  assert.deepEqual(set.otime, ["2021-12-27 23:22:50.180000", "2021-12-27 22:38:21.700000", "2021-12-27 19:18:54.190000"]);
  assert.deepEqual(Array.from(set.mag), [2.3, 2.57, 3.3]);
  assert.deepEqual(Array.from(set.depth), [0.74, 1.33, 3.07]);
  assert.equal(set.rate, 100);
  assert.deepEqual(set.shape, [3, 2001]);
  for (let k = 0; k < 3; k++) assertFlatResponseRemoved(set.data.subarray(k * 2001, (k + 1) * 2001), expectedRow(k, 5), 1e-9, `event ${k}`);
  assert.equal(readFileSync(r.rejectedPath, "utf8"), "event_ID,stage,reason\n");
  assert.deepEqual(progress.at(-1), { ...progress.at(-1)!, done: 3, total: 3, fromCache: 0 });
  assert.ok(progress.at(-1)!.ratePerSecond > 0);
});

test("injected failures are listed as rejections; a re-run fetches only what is missing and completes the set", async () => {
  const out = outDir();
  server.clearLog();
  sleeps.length = 0;
  const forEvent = (k: number) => (req: { lines: readonly string[] }): boolean => req.lines.some((l) => l.includes(`T${["23:22:5", "22:38:2", "19:18:5"][k]}`));
  server.faults.push(
    { service: "dataselect", kind: "status", status: 429, retryAfter: "3", match: forEvent(0) },
    { service: "dataselect", kind: "status", status: 500, times: 3, match: forEvent(1) },
    { service: "dataselect", kind: "truncate", keepBytes: 30000, match: forEvent(2) },
  );
  const opts = { outDir: out, events: { catalog: EVENTS }, channel: BIRD, reference: "pick" as const, padSeconds: 5 };
  const first = await fetchWaveformSet({ ...opts, client: client(server.baseUrl) });
  assert.equal(server.faults.length, 0, "every fault was used");
  assert.ok(sleeps.includes(3000), "Retry-After: 3 was honoured");
  assert.equal(first.kept, 1);
  assert.deepEqual(first.rejected.map((x) => [x.eventId, x.reason]), [["se60141143", "request failed"], ["se60377836", "unreadable data"]]);
  assert.match(first.rejected[0]!.detail, /HTTP 500/);
  assert.match(first.rejected[1]!.detail, /truncated final record dropped/);
  const csv = readFileSync(first.rejectedPath, "utf8").trim().split("\n");
  assert.equal(csv.length, 3);
  assert.match(csv[1]!, /^se60141143,fetch,"request failed: .*HTTP 500/);
  assert.match(csv[2]!, /^se60377836,fetch,"?unreadable data: /);
  assert.deepEqual((await readSet(first.waveformPath!)).ids, ["se60141243"]);
  assert.equal(readdirSync(join(out, "cache")).filter((f) => f.endsWith(".mseed")).length, 1);

  server.clearLog();
  const second = await fetchWaveformSet({ ...opts, client: client(server.baseUrl) });
  assert.equal(second.fromCache, 1);
  assert.equal(second.fetched, 2);
  const asked = server.log.filter((l) => l.service === "dataselect").flatMap((l) => l.lines);
  assert.equal(asked.length, 2, "only the two missing windows are asked for");
  assert.ok(asked.every((l) => !forEvent(0)({ lines: [l] })));
  assert.deepEqual(second.rejected, []);
  // The completed set equals a clean run's.
  const clean = await fetchWaveformSet({ ...opts, outDir: outDir(), client: client(server.baseUrl), useCache: false });
  const a = await readSet(second.waveformPath!);
  const b = await readSet(clean.waveformPath!);
  assert.deepEqual(a.ids, ["se60141243", "se60141143", "se60377836"]);
  assert.deepEqual(a.ids, b.ids);
  assert.deepEqual(a.data, b.data);
  for (let k = 0; k < 3; k++) assertFlatResponseRemoved(a.data.subarray(k * 2001, (k + 1) * 2001), expectedRow(k, 5), 1e-9, `event ${k}`);
});

test("a 204 is a 'no data' rejection, a timeout is retried, and a third run takes everything from the cache", async () => {
  const out = outDir();
  server.faults.push({ service: "dataselect", kind: "nodata", match: (r) => r.lines.some((l) => l.includes("T22:38:2")) }, { service: "dataselect", kind: "delay", ms: 400 });
  const opts = { outDir: out, events: { catalog: EVENTS }, channel: BIRD, reference: "pick" as const, padSeconds: 5 };
  const first = await fetchWaveformSet({ ...opts, client: client(server.baseUrl, { timeoutMs: 150 }) });
  assert.deepEqual(first.rejected.map((x) => [x.eventId, x.reason]), [["se60141143", "no data"]]);
  const second = await fetchWaveformSet({ ...opts, client: client(server.baseUrl) });
  assert.equal(second.kept, 3);
  assert.equal(second.fromCache, 2);
  server.clearLog();
  const third = await fetchWaveformSet({ ...opts, client: client(server.baseUrl) });
  assert.equal(third.fromCache, 3);
  assert.equal(server.log.filter((l) => l.service === "dataselect").length, 0);
});

test("a given P pick sets the window (raw counts cut at the exact sample); events without origin, duplicates and a window off the data are rejected by name", async () => {
  const out = outDir();
  server.clearLog();
  const pick = parseTimeNs("2021-12-27T23:23:00.5Z");
  const catalog: CatalogEvent[] = [
    { ...EVENTS[0]!, picks: [{ network: "CO", station: "BIRD", phase: "P", timeNs: pick }, { station: "JSC", phase: "P", timeNs: pick - 5_000_000_000n }] },
    { ...EVENTS[0]! },
    { eventId: "no-origin", latitude: 34, longitude: -80, depthKm: 1 },
    { ...EVENTS[1]!, eventId: "late", originNs: EVENTS[1]!.originNs! + 3_600_000_000_000n },
  ];
  const r = await fetchWaveformSet({ outDir: out, client: client(server.baseUrl, { maxBulkLines: 100 }), events: { catalog }, channel: BIRD, reference: "pick", padSeconds: 0, output: "counts" });
  assert.deepEqual(r.rejected.map((x) => [x.eventId, x.reason]), [["se60141243", "duplicate event"], ["no-origin", "no origin"], ["late", "no data"]]);
  const lines = server.log.filter((l) => l.service === "dataselect").flatMap((l) => l.lines);
  assert.ok(lines.includes("CO BIRD 00 HHZ 2021-12-27T23:22:57.500000 2021-12-27T23:23:17.500000"), lines.join("\n"));
  const set = await readSet(r.waveformPath!);
  assert.deepEqual(set.ids, ["se60141243"]);
  // Raw counts: the window starts 27.5 s after the file's first sample (23:22:30.000), i.e. at sample 2750.
  const raw = readMiniseed3(readFileSync(sharedPath(`${SC}/seismograms/${BIRD_FILES[0]}`)), BIRD_FILES[0]!).traces[0]!;
  assert.equal(raw.startNs, parseTimeNs("2021-12-27T23:22:30Z"));
  assert.deepEqual(set.data, raw.data.slice(2750, 2750 + 2001));
  assert.match(readFileSync(r.rejectedPath, "utf8"), /^late,fetch,"no data: .*the answer holds no record of CO\.BIRD\.00\.HHZ 2021-12-27T23:38:28\.243027Z/m);
});

test("IU.ANMO: waveforms from 2010 but channel epochs from 2012 end as 'no response for this time', with no waveform request", async () => {
  const out = outDir();
  anmo.clearLog();
  const r = await fetchWaveformSet({
    outDir: out, client: client(anmo.baseUrl), events: { query: { startNs: parseTimeNs("2010-02-27"), endNs: parseTimeNs("2010-02-28"), minMagnitude: 8 } },
    channel: { network: "IU", station: "ANMO", location: "00", channel: "BHZ" }, reference: "origin", beforeSeconds: 60, afterSeconds: 300,
  });
  assert.equal(r.eventsIn, 1, "the IRIS recording holds one event of M ≥ 8 on 2010-02-27 (Maule, Chile)");
  assert.equal(r.kept, 0);
  assert.equal(r.waveformPath, undefined);
  assert.deepEqual(r.rejected.map((x) => [x.eventId, x.reason]), [["2844986", "no response for this time"]]);
  assert.match(r.rejected[0]!.detail, /IU\.ANMO\.00\.BHZ has no channel epoch covering 2010-02-27T06:33:13\.330000Z.*epochs: 2012-03-12T20:28:00\.000000Z to 2599-12-31T23:59:59\.000000Z/);
  assert.equal(anmo.log.filter((l) => l.service === "dataselect").length, 0);
  assert.equal(readFileSync(r.rejectedPath, "utf8").split("\n")[1]!.split(",").slice(0, 3).join(","), "2844986,fetch,no response for this time: IU.ANMO.00.BHZ has no channel epoch covering 2010-02-27T06:33:13.330000Z–2010-02-27T06:39:13.330000Z (epochs: 2012-03-12T20:28:00.000000Z to 2599-12-31T23:59:59.000000Z)");
});

test("a window reaching before the data is 'incomplete data', a channel the station service lacks is 'no station metadata', an unreadable cache file is fetched again", async () => {
  const out = outDir();
  // The files start about 20 s before each origin: 30 s before the origin is not there.
  const early = await fetchWaveformSet({ outDir: out, client: client(server.baseUrl), events: { catalog: EVENTS }, channel: BIRD, beforeSeconds: 30, afterSeconds: 10, padSeconds: 0 });
  assert.deepEqual(early.rejected.map((x) => x.reason), ["incomplete data", "incomplete data", "incomplete data"]);
  assert.match(early.rejected[0]!.detail, /CO\.BIRD\.00\.HHZ: window 2021-12-27T23:22:20\.180000Z \+ 40 s not covered \(the data do not reach over the window; data 2021-12-27T23:22:30\.000000Z \+ 97\.010 s\)/);
  const missing = await fetchWaveformSet({ outDir: outDir(), client: client(server.baseUrl), events: { catalog: EVENTS }, channel: { ...BIRD, channel: "HNZ" } });
  assert.deepEqual(missing.rejected.map((x) => [x.reason, x.detail]), new Array(3).fill(["no station metadata", "the station service has no channel CO.BIRD.00.HNZ"]));
  // A cache entry that no longer decodes is dropped and its window fetched again.
  const dir = outDir();
  const opts = { outDir: dir, events: { catalog: EVENTS.slice(0, 1) }, channel: BIRD, padSeconds: 0 };
  await fetchWaveformSet({ ...opts, client: client(server.baseUrl) });
  const entry = readdirSync(join(dir, "cache")).find((f) => f.endsWith(".mseed"))!;
  writeFileSync(join(dir, "cache", entry), "not miniSEED");
  server.clearLog();
  const again = await fetchWaveformSet({ ...opts, client: client(server.baseUrl) });
  assert.equal(again.fromCache, 0);
  assert.equal(again.fetched, 1);
  assert.equal(again.kept, 1);
  assert.equal(server.log.filter((l) => l.service === "dataselect").length, 1);
  assert.notEqual(readFileSync(join(dir, "cache", entry), "utf8").slice(0, 12), "not miniSEED");
});
