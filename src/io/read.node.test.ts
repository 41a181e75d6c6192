import { test } from "node:test";
import assert from "node:assert/strict";
import { FormatError, UnknownFormatError } from "../core/errors.js";
import { sharedPath } from "../../test-support/shared.js";
import { readWaveformFile } from "./read.node.js";

test("readWaveformFile reads each format from disk with detection, or as the format given", async () => {
  const ms2 = await readWaveformFile(sharedPath("data/fixtures-miniseed2/real-misc/CO_JSC.mseed"));
  assert.deepEqual(ms2.traces.map((t) => [t.network, t.station, t.location, t.channel, t.sampleRateHz, t.data.length]), [["CO", "JSC", "00", "HHZ", 100, 3000]]);
  const ms3 = await readWaveformFile(sharedPath("data/fixtures-miniseed3/seisplotjs/one_record_HODGE_HHZ.ms3"), { format: "MSEED3" });
  assert.equal(ms3.traces[0]!.data.length, 64);
  const sacFile = await readWaveformFile(sharedPath("data/fixtures-sac/obspy/LMOW.BHE.SAC"));
  assert.equal(sacFile.traces[0]!.station, "LMOW");
});

test("a missing file is a FormatError naming it; a non-waveform file an UnknownFormatError", async () => {
  await assert.rejects(readWaveformFile("/nonexistent/x.mseed"), (e: unknown) => e instanceof FormatError && e.file === "/nonexistent/x.mseed");
  const pz = sharedPath("data/fixtures-sac/seisplotjs-filter-reference/hrv.bhe.sacpz");
  await assert.rejects(readWaveformFile(pz), (e: unknown) => e instanceof UnknownFormatError && e.file === pz);
});
