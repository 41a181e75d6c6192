// Ingest with the instrument response removed and decimation (preprocessing.response, .decimate): the
// stored waveform is the library's removeResponse → decimate of the cut window, in the response's units,
// at the new rate; over the whole trace it agrees with SAC's own `transfer` output; events a response
// file does not cover are rejected by name.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatIsoNs } from "../../core/time.js";
import { parseSacPz } from "../../io/sacpz.js";
import { readWaveformFile } from "../../io/read.node.js";
import { decimate } from "../../signal/resample.js";
import { removeResponse } from "../../signal/response.js";
import { sharedPath } from "../../../test-support/shared.js";
import { ProjectStore } from "../store.js";
import { buildDataset } from "./ingest-build.js";

const DIR = "data/fixtures-sac/seisplotjs-filter-reference";
const RAW = { demean: false, detrend: false, taper: 0 };
const PRE_FILTER: [number, number, number, number] = [0.005, 0.01, 1e5, 1e6];
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function rms(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / x.length);
}

test("preprocessing.response + decimate: removeResponse → decimate of each window, units m at 10 Hz; the whole trace matches SAC's transfer; a response file without the channel rejects every event by name", async () => {
  const sac = sharedPath(`${DIR}/IU.HRV.__.BHE.SAC`);
  const pz = sharedPath(`${DIR}/hrv.bhe.sacpz`);
  const [trace] = (await readWaveformFile(sac)).traces;
  const fs = trace!.sampleRateHz;
  const n = trace!.data.length; // 31450 samples at 20 Hz
  const dir = mkdtempSync(join(tmpdir(), "specufex-response-"));
  dirs.push(dir);
  // Event "whole" spans the trace exactly (origin at sample 0, window 0 … n−1); "part" a 10-min window inside.
  const whole = trace!.startNs;
  const part = trace!.startNs + 300_000_000_000n;
  const rows = [["event_ID", "otime"], ["whole", formatIsoNs(whole)], ["part", formatIsoNs(part)]];
  writeFileSync(join(dir, "events.csv"), rows.map((r) => r.join(",")).join("\n") + "\n");
  const response = { file: pz, output: "displacement" as const, waterLevelDb: null, preFilterHz: PRE_FILTER };

  // The whole trace, no decimation: SAC's `rmean; taper hanning 0.05; transfer from polezero to none
  // freqlimits 0.005 0.01 1e5 1e6` (3_transfer.sac) up to the taper's shape and FFT length (ObsPy's here).
  const full = await buildDataset({ outDir: join(dir, "full"), files: [sac], catalog: join(dir, "events.csv"), beforeSeconds: 0, afterSeconds: (n - 1) / fs, preprocessing: { ...RAW, response } });
  assert.deepEqual(full.keptEventIds, ["whole"]);
  assert.match(full.rejected[0]!.reason, /part/);
  {
    const store = await ProjectStore.open(full.storePath);
    const got = store.file.readRows("waveforms/data", 0, 1);
    assert.equal(store.file.attrs("waveforms").units, "m");
    store.close();
    const [ref] = (await readWaveformFile(sharedPath(`${DIR}/3_transfer.sac`))).traces;
    assert.equal(got.length, ref!.data.length);
    const diff = Float64Array.from(got, (v, i) => v - ref!.data[i]!);
    // Measured: 3.9e-4 of the rms inside the tapers (5 % each side), 1.4e-3 over all samples.
    const inner = diff.subarray(Math.ceil(0.05 * n), Math.floor(0.95 * n));
    const refInner = ref!.data.subarray(Math.ceil(0.05 * n), Math.floor(0.95 * n));
    console.log(`response removal vs SAC transfer: misfit ${(rms(inner) / rms(refInner)).toExponential(2)} (inner 90 %), ${(rms(diff) / rms(ref!.data)).toExponential(2)} (all) of the rms`);
    assert.ok(rms(inner) < 2e-3 * rms(refInner), `inner misfit ${rms(inner) / rms(refInner)} of the rms`);
    assert.ok(rms(diff) < 1e-2 * rms(ref!.data), `misfit ${rms(diff) / rms(ref!.data)} of the rms`);
  }

  // A 10-minute window, decimated by 2: exactly the library calls on the cut window.
  const tenMinutes = await buildDataset({ outDir: join(dir, "part"), files: [sac], catalog: join(dir, "events.csv"), beforeSeconds: 0, afterSeconds: 600, preprocessing: { ...RAW, response, decimate: 2 } });
  assert.deepEqual(tenMinutes.keptEventIds, ["whole", "part"]);
  assert.equal(tenMinutes.sampleRateHz, 10);
  const store = await ProjectStore.open(tenMinutes.storePath);
  try {
    assert.equal(store.file.attrs("waveforms").units, "m");
    assert.equal(store.file.attrs("waveforms").sampling_rate, 10);
    const [channel] = parseSacPz(readFileSync(pz, "latin1"));
    const L = 600 * fs + 1;
    for (const [k, first] of [[0, 0], [1, 300 * fs]] as const) {
      const window = trace!.data.slice(first, first + L);
      const want = decimate(removeResponse(window, fs, channel!.response!, { output: "displacement", waterLevelDb: null, preFilterHz: PRE_FILTER }), 2);
      const got = store.file.readRows("waveforms/data", k, k + 1);
      assert.equal(got.length, 6001);
      assert.deepEqual(Array.from(got), Array.from(want), `event ${k}`);
    }
  } finally {
    store.close();
  }

  // A response file for other channels (CC.JRO): every event is rejected, naming the event and the channel.
  const other = await buildDataset({ outDir: join(dir, "other"), files: [sac], catalog: join(dir, "events.csv"), beforeSeconds: 0, afterSeconds: 600, preprocessing: { ...RAW, response: { ...response, file: sharedPath("data/fixtures-sac/SeisIO/JRO.sacpz") } } });
  assert.deepEqual(other.keptEventIds, []);
  assert.deepEqual(other.rejected.map((r) => r.eventId), ["whole", "part"]);
  assert.match(other.rejected[0]!.reason, /^response removal: event whole: .*JRO\.sacpz has no response for IU\.HRV\.\.BHE/);
});
