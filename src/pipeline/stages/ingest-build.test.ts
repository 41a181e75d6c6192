// The data set builder end to end on the tutorial's events: written out as miniSEED 3 files (one per
// event, or one continuous archive with a second channel), the builder must give back the tutorial's
// waveform set and, through the store's SpectrogramSource, the tutorial's spectrograms.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OptionError } from "../../core/errors.js";
import { formatIsoNs, parseTimeNs } from "../../core/time.js";
import type { Trace } from "../../core/trace.js";
import { H5File } from "../../io/hdf5/index.js";
import { readWaveformSet, type WaveformSet } from "../../io/layouts/index.js";
import { writeMiniseed3 } from "../../io/miniseed3.js";
import { assertGolden, sharedPath } from "../../../test-support/shared.js";
import { ProjectStore } from "../store.js";
import { buildDataset } from "./ingest-build.js";

const LAYOUTS = "data/specufex-python-layouts";
const RAW = { demean: false, detrend: false, taper: 0 };
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "specufex-build-"));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const row = (set: WaveformSet, i: number): Float64Array => set.waveforms.data.slice(i * 2501, (i + 1) * 2501);
const trace = (channel: string, startNs: bigint, data: Float64Array): Trace => ({ network: "IV", station: "T1214", location: "", channel, startNs, sampleRateHz: 125, data });
const csv = (rows: (string | number)[][]): string => rows.map((r) => r.join(",")).join("\n") + "\n";

/** The tutorial's spectrograms of `ids` against the store's SpectrogramSource (golden metric, rtol 1e-9). */
async function assertTutorialSpectrograms(storePath: string, ids: readonly string[]): Promise<void> {
  const store = await ProjectStore.open(storePath);
  const ref = await H5File.open(sharedPath(`${LAYOUTS}/tutorial_results.h5`));
  try {
    assert.equal(store.stage("ingest")?.isComplete, true);
    assert.equal(store.stage("spectrograms")?.isComplete, true);
    const source = store.spectrogramSource();
    assert.equal(source.count, ids.length);
    assert.equal(source.rows, 61);
    for (let k = 0; k < source.count; k++) {
      assert.equal(source.id?.(k), ids[k]);
      assert.equal(source.columns(k), 51);
      assertGolden(source.get(k), ref.readMatrix(`spectrograms/${ids[k]}`), { rtol: 1e-9, label: `spectrograms/${ids[k]}` });
    }
  } finally {
    ref.close();
    store.close();
  }
}

test("per-event miniSEED files + a CSV of P picks → the tutorial's waveform set and spectrograms; a missing file, a window off the data, another sampling rate and a NaN are rejected by name", async () => {
  const set = await readWaveformSet(sharedPath(`${LAYOUTS}/tutorial_waveforms.h5`));
  const dir = tmp();
  const base = parseTimeNs("2016-10-13T00:00:00Z");
  const n = 9;
  const rows: (string | number)[][] = [["event_ID", "otime", "lat", "lon", "depth", "mag", "pick_time", "file"]];
  for (let i = 0; i < n; i++) {
    const id = set.eventIds[i]!;
    // Each file starts at its own time; the P pick is 3 s after the first sample (2501 samples = 3 s + 17 s).
    const startNs = base + BigInt(i) * 3_600_000_000_000n + 123_000_000n;
    const data = row(set, i);
    if (i === 5) data[1234] = NaN;
    // Event 8 is sampled at 100 Hz, unlike the others.
    const t = i === 8 ? { ...trace("EHZ", startNs, data), sampleRateHz: 100 } : trace("EHZ", startNs, data);
    if (i !== 3) writeFileSync(join(dir, `${id}.ms3`), writeMiniseed3([t], { maxSamples: 700 }));
    // Event 6's pick is 1 s early: its window starts before the file.
    const pickNs = startNs + 3_000_000_000n - (i === 6 ? 1_000_000_000n : 0n);
    rows.push([id, formatIsoNs(pickNs - 2_000_000_000n), set.lat[i]!, set.lon[i]!, set.depth[i]!, set.mag[i]!, formatIsoNs(pickNs), `${id}.ms3`]);
  }
  writeFileSync(join(dir, "picks.csv"), csv(rows));
  const out = join(dir, "out");
  const progress: string[] = [];
  const r = await buildDataset({ outDir: out, catalog: join(dir, "picks.csv"), reference: "pick", beforeSeconds: 3, afterSeconds: 17, preprocessing: RAW, onProgress: (p) => progress.push(`${p.stage} ${p.done}/${p.total}`) });
  const ids = set.eventIds.slice(0, n);
  const keptIdx = [0, 1, 2, 4, 7];
  assert.equal(r.eventsIn, n);
  assert.deepEqual(r.keptEventIds, keptIdx.map((i) => ids[i]));
  assert.equal(r.sampleRateHz, 125);
  assert.deepEqual(r.rejected.map((x) => [x.eventId, x.stage]), [[ids[3], "ingest"], [ids[5], "spectrograms"], [ids[6], "ingest"], [ids[8], "ingest"]]);
  assert.match(r.rejected[0]!.reason, new RegExp(`${ids[3]}\\.ms3`));
  assert.match(r.rejected[1]!.reason, /sample 1234 is NaN/);
  assert.match(r.rejected[2]!.reason, new RegExp(`event ${ids[6]}.*(before|off|start)`));
  assert.equal(r.rejected[3]!.reason, `event ${ids[8]}: sampled at 100 Hz, the first usable event at 125 Hz`);
  assert.deepEqual(progress.filter((p) => p.startsWith("ingest")).at(-1), `ingest ${n}/${n}`);
  const csvRows = readFileSync(r.rejectedPath, "utf8").trim().split("\n");
  assert.equal(csvRows[0], "event_ID,stage,reason");
  assert.deepEqual(csvRows.slice(1).map((l) => l.split(",")[0]), [ids[3], ids[5], ids[6], ids[8]]);

  // The waveform set (FORMATS.md §1): the tutorial's rows, exactly, with the catalogue's values.
  const ws = await readWaveformSet(r.waveformSetPath);
  assert.equal(ws.layout, "tutorial");
  assert.deepEqual(ws.eventIds, r.keptEventIds);
  assert.deepEqual(ws.waveforms.shape, [keptIdx.length, 2501]);
  assert.equal(ws.sampleRateHz, 125);
  keptIdx.forEach((i, k) => {
    assert.deepEqual(Array.from(ws.waveforms.data.subarray(k * 2501, (k + 1) * 2501)), Array.from(row(set, i)), `waveform of ${ids[i]}`);
    assert.equal(ws.lat[k], set.lat[i]);
    assert.equal(ws.depth[k], set.depth[i]);
    assert.equal(ws.mag[k], set.mag[i]);
    assert.equal(ws.otime[k], formatIsoNs(base + BigInt(i) * 3_600_000_000_000n + 1_123_000_000n).replace("T", " ").replace("Z", ""));
  });
  assert.match(ws.otime[0]!, /^2016-10-13 00:00:01\.123000$/);
  await assertTutorialSpectrograms(r.storePath, keptIdx.map((i) => ids[i]!));

  // The other window policy: event 6's window, 1 s (125 samples) before its file, is padded with zeros and warned.
  const padded = await buildDataset({ outDir: join(dir, "padded"), catalog: join(dir, "picks.csv"), reference: "pick", onBadWindow: "pad-zero", preprocessing: RAW });
  assert.deepEqual(padded.keptEventIds, [0, 1, 2, 4, 6, 7].map((i) => ids[i]));
  assert.ok(padded.warnings.includes(`event ${ids[6]}: 125 samples padded with zeros`), padded.warnings.join(" | "));
  const pws = await readWaveformSet(padded.waveformSetPath);
  const six = pws.waveforms.data.subarray(4 * 2501, 5 * 2501);
  assert.deepEqual(Array.from(six.subarray(0, 125)), new Array(125).fill(0));
  assert.deepEqual(Array.from(six.subarray(125)), Array.from(row(set, 6).subarray(0, 2501 - 125)));
});

test("a continuous archive (two channels, many records) + a CSV of origin times → windows cut from the chosen channel, equal to the tutorial's", async () => {
  const set = await readWaveformSet(sharedPath(`${LAYOUTS}/tutorial_waveforms.h5`));
  const dir = tmp();
  const n = 6;
  const first = 10;
  const spacing = 30 * 125; // one event every 30 s
  const startNs = parseTimeNs("2016-10-14T05:00:00Z");
  const z = new Float64Array((n + 1) * spacing);
  const e = new Float64Array(z.length);
  for (let k = 0; k < n; k++) z.set(row(set, first + k), 500 + k * spacing);
  for (let i = 0; i < e.length; i++) e[i] = Math.sin(i / 3) * 1e3;
  mkdirSync(join(dir, "archive"));
  // The archive ends with a record cut short (a transfer that broke off): dropped with a warning.
  const records = writeMiniseed3([trace("EHZ", startNs, z), trace("EHE", startNs, e)], { maxSamples: 1000 });
  const cutRecord = writeMiniseed3([trace("EHZ", startNs + 3_600_000_000_000n, e.subarray(0, 500))]).subarray(0, 300);
  const archive = new Uint8Array(records.length + cutRecord.length);
  archive.set(records);
  archive.set(cutRecord, records.length);
  writeFileSync(join(dir, "archive", "day.ms3"), archive);
  const rows: (string | number)[][] = [["evid", "time", "latitude", "longitude", "depth_km", "magnitude"]];
  for (let k = 0; k < n; k++) {
    // Origin 3 s after the window's first sample, which sits at sample 500 + k·spacing.
    const originNs = startNs + (BigInt(500 + k * spacing) * 1_000_000_000n) / 125n + 3_000_000_000n;
    rows.push([set.eventIds[first + k]!, formatIsoNs(originNs), set.lat[first + k]!, set.lon[first + k]!, set.depth[first + k]!, set.mag[first + k]!]);
  }
  writeFileSync(join(dir, "catalog.csv"), csv(rows));
  // Two channels in the files: the builder needs to be told which.
  await assert.rejects(buildDataset({ outDir: join(dir, "x"), files: [join(dir, "archive")], catalog: join(dir, "catalog.csv"), preprocessing: RAW }), (err: unknown) => err instanceof OptionError && /data\.station is needed.*2 channels/.test(err.message));
  const r = await buildDataset({ outDir: join(dir, "out"), files: [join(dir, "archive", "day.ms3")], catalog: join(dir, "catalog.csv"), station: "IV.T1214..EHZ", preprocessing: RAW });
  const ids = set.eventIds.slice(first, first + n);
  assert.deepEqual(r.keptEventIds, ids);
  assert.deepEqual(r.rejected, []);
  // The reader's warning reaches the result (and so the run summary), naming the file and the byte offset.
  assert.equal(r.warnings.length, 1, r.warnings.join(" | "));
  assert.match(r.warnings[0]!, new RegExp(`day\\.ms3: .*record \\d+ at byte ${records.length}: truncated final record dropped`));
  const ws = await readWaveformSet(r.waveformSetPath);
  for (let k = 0; k < n; k++) assert.deepEqual(Array.from(ws.waveforms.data.subarray(k * 2501, (k + 1) * 2501)), Array.from(row(set, first + k)), ids[k]);
  await assertTutorialSpectrograms(r.storePath, ids);
});

test("a hypoDD phase file with picks at several stations: the window is cut around the P of the waveforms' station", async () => {
  const set = await readWaveformSet(sharedPath(`${LAYOUTS}/tutorial_waveforms.h5`));
  const dir = tmp();
  const n = 3;
  const spacing = 30 * 125;
  const startNs = parseTimeNs("2016-10-14T05:00:00Z");
  const z = new Float64Array((n + 1) * spacing);
  for (let k = 0; k < n; k++) z.set(row(set, 20 + k), 500 + k * spacing); // window k starts at 4 s + 30k s
  mkdirSync(join(dir, "archive"));
  writeFileSync(join(dir, "archive", "day.ms3"), writeMiniseed3([trace("EHZ", startNs, z)], { maxSamples: 1000 }));
  // Origin 1 s after the window's start; another station's P comes first in the file, 1.5 s earlier than ours.
  const lines: string[] = [];
  for (let k = 0; k < n; k++) {
    lines.push(`# 2016 10 14  5  0 ${String(5 + 30 * k).padStart(2)}.00  42.8 13.2 8.0 1.2 0.0 0.0 0.0 ${set.eventIds[20 + k]}`);
    lines.push("T1213      0.500  1.000   P", "T1214      2.000  1.000   P", "T1214      4.100  1.000   S");
  }
  // 30k + 5 s is past a minute for k = 2: write it as minute 1.
  writeFileSync(join(dir, "phase.dat"), lines.join("\n").replace("  0 65.00", "  1  5.00") + "\n");
  const r = await buildDataset({ outDir: join(dir, "out"), files: [join(dir, "archive")], catalog: join(dir, "phase.dat"), reference: "pick", preprocessing: RAW });
  assert.deepEqual(r.rejected, []);
  assert.deepEqual(r.keptEventIds, set.eventIds.slice(20, 20 + n));
  const ws = await readWaveformSet(r.waveformSetPath);
  for (let k = 0; k < n; k++) assert.deepEqual(Array.from(ws.waveforms.data.subarray(k * 2501, (k + 1) * 2501)), Array.from(row(set, 20 + k)), `event ${k}`);
  // No P at this station: a named rejection.
  writeFileSync(join(dir, "phase2.dat"), lines.slice(0, 4).join("\n").replace("T1214      2.000  1.000   P", "T1215      2.000  1.000   P") + "\n");
  const none = await buildDataset({ outDir: join(dir, "out2"), files: [join(dir, "archive")], catalog: join(dir, "phase2.dat"), reference: "pick", preprocessing: RAW });
  assert.deepEqual(none.rejected.map((x) => x.reason), [`event ${set.eventIds[20]}: no P pick at IV.T1214 (data.reference is pick)`]);
});
