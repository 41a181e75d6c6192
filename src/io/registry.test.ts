import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FormatError, UnknownFormatError } from "../core/errors.js";
import { sharedPath } from "../../test-support/shared.js";
import { detectFormat, readWaveform, WAVEFORM_FORMATS } from "./registry.js";

const head = (f: string) => new Uint8Array(readFileSync(sharedPath(f))).subarray(0, 1024);

test("detection order is miniSEED 3, miniSEED 2, SAC, and each fixture kind is recognised by its bytes", () => {
  assert.deepEqual(WAVEFORM_FORMATS.map((f) => f.name), ["MSEED3", "MSEED2", "SAC"]);
  const cases: [string, string][] = [
    ["data/fixtures-miniseed3/seisplotjs/bird_jsc.ms3", "MSEED3"],
    ["data/fixtures-miniseed3/libmseed3-reference/reference-testdata-mstlpack-rollingbuffer.mseed", "MSEED3"],
    ["data/fixtures-miniseed2/obspy-cases/test.mseed", "MSEED2"],
    ["data/fixtures-miniseed2/obspy-cases/fullseed.mseed", "MSEED2"],
    ["data/fixtures-miniseed2/obspy-encoding/int32_INT32_littleEndian.mseed", "MSEED2"],
    ["data/fixtures-sac/obspy/test.sac", "SAC"],
    ["data/fixtures-sac/seisplotjs-filter-reference/IU.HRV.__.BHE.SAC", "SAC"],
    // A misleading extension does not matter: the bytes decide.
    ["data/fixtures-sac/obspy/dis.G.SCZ.__.BHE_short", "SAC"],
  ];
  for (const [f, name] of cases) assert.equal(detectFormat(head(f), f).name, name, f);
  assert.equal(detectFormat(head("data/fixtures-miniseed2/obspy-cases/test.mseed"), "renamed.sac").name, "MSEED2");
});

test("unknown bytes give UnknownFormatError naming the file and the formats tried", () => {
  const f = "data/fixtures-sac/obspy/testxy.sac";
  assert.throws(() => detectFormat(head(f), "testxy.sac"), (e: unknown) =>
    e instanceof UnknownFormatError && e instanceof FormatError && e.file === "testxy.sac" &&
    (e.tried as string[]).join() === "MSEED3,MSEED2,SAC" && /testxy\.sac: not a known waveform format \(tried MSEED3, MSEED2, SAC\)/.test(e.message));
  assert.throws(() => detectFormat(new Uint8Array(0), "empty"), UnknownFormatError);
});

test("a format given by the user skips detection (and then fails as that format)", () => {
  const bytes = new Uint8Array(readFileSync(sharedPath("data/fixtures-sac/obspy/test.sac")));
  assert.equal(readWaveform(bytes, "test.sac").traces[0]!.station, "STA");
  assert.throws(() => readWaveform(bytes, "test.sac", { format: "MSEED2" }), (e: unknown) => e instanceof FormatError && /no miniSEED 2 data record/.test(e.message));
  assert.throws(() => readWaveform(bytes, "test.sac", { format: "GSE2" as never }), UnknownFormatError);
});
