import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DataError, FormatError } from "../core/errors.js";
import { parseTimeNs } from "../core/time.js";
import type { Trace } from "../core/trace.js";
import { sharedPath } from "../../test-support/shared.js";
import { parseSac, readSac, sac, SAC_FLOAT_NAMES, SAC_INT_NAMES, SAC_STRING_NAMES, sacEvent, sacFromTrace, sacTrace, writeSac } from "./sac.js";

const DIR = "data/fixtures-sac/";
const bytesOf = (f: string) => new Uint8Array(readFileSync(sharedPath(DIR + f)));

test("test.sac (little-endian) and test.sac.swap (big-endian) read identically (the files differ only in DEPMEN)", () => {
  const le = parseSac(bytesOf("obspy/test.sac"), "test.sac");
  const be = parseSac(bytesOf("obspy/test.sac.swap"), "test.sac.swap");
  assert.equal(le.littleEndian, true);
  assert.equal(be.littleEndian, false);
  // The one stored difference: the mean (DEPMEN) was recomputed when the swapped copy was written.
  assert.equal(le.header.floats.depmen, 8.34465e-8);
  assert.equal(be.header.floats.depmen, 8.753946e-8);
  const withoutMean = (h: typeof le.header) => ({ ...h, floats: { ...h.floats, depmen: 0 } });
  assert.deepEqual(withoutMean(be.header), withoutMean(le.header));
  assert.deepEqual(Array.from(be.data), Array.from(le.data));
  assert.deepEqual(sacTrace(be), sacTrace(le));
});

test("test.sac has ObsPy's known values: STA, Q, 100 samples at 1 Hz, start 269596810 s, B 10, NVHDR 6, first samples", () => {
  const { traces, warnings } = readSac(bytesOf("obspy/test.sac"), "test.sac");
  assert.deepEqual(warnings, []);
  const t = traces[0]!;
  assert.equal(t.station, "STA");
  assert.equal(t.channel, "Q");
  assert.equal(t.data.length, 100);
  assert.equal(t.sampleRateHz, 1);
  assert.equal(t.startNs, 269596810n * 1_000_000_000n);
  const r = parseSac(bytesOf("obspy/test.sac"), "test.sac");
  assert.equal(r.header.ints.nvhdr, 6);
  assert.equal(r.header.floats.b, 10);
  assert.equal(r.header.floats.delta, 1);
  // obspy/io/sac/tests/test_core.py: testdata (float32).
  const obspy = [-8.74227766e-8, -3.09016973e-1, -5.87785363e-1, -8.09017122e-1, -9.510566e-1, -1, -9.51056302e-1, -8.09016585e-1, -5.87784529e-1, -3.09016049e-1];
  assert.deepEqual(Array.from(t.data.subarray(0, 10)), obspy.map(Math.fround));
});

test("test.sac equals its alphanumeric twin testxy.sac in every header field but KSTNM case, reference time and DEPMEN, and in all 100 samples (7 digits)", () => {
  const text = readFileSync(sharedPath(DIR + "obspy/testxy.sac"), "latin1").split("\n");
  const floats = text.slice(0, 14).join(" ").trim().split(/\s+/).map(Number);
  const ints = text.slice(14, 22).join(" ").trim().split(/\s+/).map(Number);
  const strings: string[] = [];
  for (let l = 22; l < 30; l++) {
    const line = text[l]!.padEnd(24);
    if (l === 22) strings.push(line.slice(0, 8), line.slice(8, 24));
    else strings.push(line.slice(0, 8), line.slice(8, 16), line.slice(16, 24));
  }
  const data = text.slice(30).join(" ").trim().split(/\s+/).map(Number);
  assert.deepEqual([floats.length, ints.length, strings.length, data.length], [70, 40, 23, 100]);
  const r = parseSac(bytesOf("obspy/test.sac"), "test.sac");
  // The text file lowercased KSTNM, left the reference time undefined and has the DEPMEN of test.sac.swap.
  const rewritten = new Set(["depmen", "nzyear", "nzjday", "nzhour", "nzmin", "nzsec", "nzmsec", "kstnm"]);
  SAC_FLOAT_NAMES.forEach((n, i) => {
    if (rewritten.has(n)) return;
    const v = r.header.floats[n] ?? -12345;
    assert.ok(Math.abs(v - floats[i]!) <= 5e-7 * Math.abs(floats[i]!), `${n}: ${v} vs ${floats[i]}`);
  });
  SAC_INT_NAMES.forEach((n, i) => { if (!rewritten.has(n)) assert.equal(r.header.ints[n] ?? -12345, ints[i], n); });
  SAC_STRING_NAMES.forEach((n, i) => { if (!rewritten.has(n)) assert.equal(r.header.strings[n] ?? "-12345", strings[i]!.trim(), n); });
  assert.equal(r.header.strings.kstnm, strings[0]!.trim().toUpperCase());
  data.forEach((v, i) => assert.ok(Math.abs(r.data[i]! - v) <= 5e-7 * Math.abs(v) + 1e-7, `sample ${i}: ${r.data[i]} vs ${v}`));
});

test("real files match the header facts of PROVENANCE.md (byte order, rate, NPTS, station, channel)", () => {
  const cases: [string, boolean, number, number, string, string][] = [
    ["seisplotjs-filter-reference/IU.HRV.__.BHE.SAC", false, 20, 31450, "HRV", "BHE"],
    ["SeisIO/test_be.sac", false, 40, 145120, "CON", "BH1"],
    ["SeisIO/test_le.sac", true, 100, 1000, "CDV", ""],
    ["seismo-live/example.sac", true, 20, 126001, "BELA", "BHN"],
    ["seismo-live/waveform_BFO_BHZ.sac", true, 20, 60000, "BFO", "BHZ"],
    ["obspy-signal-response-removal/CRLZ.HHZ.10.NZ.SAC", true, 100, 32768, "CRLZ", "HHZ"],
  ];
  for (const [f, le, rate, npts, station, channel] of cases) {
    const r = parseSac(bytesOf(f), f);
    const t = sacTrace(r, f);
    assert.equal(r.littleEndian, le, f);
    assert.equal(t.sampleRateHz, rate, f);
    assert.equal(t.data.length, npts, f);
    assert.equal(t.station, station, f);
    assert.equal(t.channel, channel, f);
  }
  const crlz = sacTrace(parseSac(bytesOf("obspy-signal-response-removal/CRLZ.HHZ.10.NZ.SAC"), "x"));
  assert.deepEqual([crlz.network, crlz.location], ["NZ", "10"]);
});

test("seism.sac: origin O, event coordinates and picks A and T1 are reference time + their offsets", () => {
  const r = parseSac(bytesOf("obspy/seism.sac"), "seism.sac");
  const event = sacEvent(r);
  const ref = parseTimeNs("1981-03-29T10:38:14");
  assert.equal(event.originNs, ref);
  assert.equal(event.latitude, 47.99997);
  assert.equal(event.longitude, -125);
  assert.deepEqual(event.picks!.map((p) => [p.phase, p.timeNs, p.station]), [
    ["P", ref + 10_470_000_000n, "CDV"], // KA "IPD0": impulsive P, down, weight 0
    ["T1", ref + 20_000_000_000n, "CDV"],
  ]);
  assert.equal(sacTrace(r).startNs, ref + 9_459_999_000n);
});

test("write → read round trips: test.sac is rewritten byte for byte in both orders; a trace survives", () => {
  for (const f of ["obspy/test.sac", "obspy/test.sac.swap", "obspy/seism.sac"]) {
    const original = bytesOf(f);
    const r = parseSac(original, f);
    assert.deepEqual(writeSac(r), original, f);
    const swapped = parseSac(writeSac(r, { littleEndian: !r.littleEndian }), f);
    assert.deepEqual(swapped.header, r.header, f);
    assert.deepEqual(Array.from(swapped.data), Array.from(r.data), f);
  }
  const data = Float64Array.from({ length: 2501 }, (_, i) => Math.fround(Math.cos(i / 9) * 100));
  const t: Trace = { network: "IV", station: "T1214", location: "", channel: "EHZ", startNs: parseTimeNs("2016-10-13T04:05:06.123456Z"), sampleRateHz: 125, data };
  const bytes = sac.write!([t]);
  assert.equal(sac.sniff(bytes.subarray(0, 1024)), true);
  const back = sac.read(bytes, "rt.sac").traces[0]!;
  assert.deepEqual({ ...back, data: Array.from(back.data) }, { ...t, data: Array.from(data) });
  const withEvent = parseSac(writeSac(sacFromTrace(t, { floats: { evla: 42.81, evdp: 8.9, mag: 1.26, a: 3 }, strings: { ka: "P" } })), "x");
  // Pick times are relative to the reference time, the start rounded down to the millisecond.
  assert.deepEqual(sacEvent(withEvent).picks!.map((p) => [p.phase, p.timeNs]), [["P", t.startNs - 456_000n + 3_000_000_000n]]);
  assert.deepEqual([withEvent.header.floats.evla, withEvent.header.floats.evdp, withEvent.header.floats.mag], [42.81, 8.9, 1.26]);
});

test("defects are named: too short a file, extra bytes, not SAC, not a time series", () => {
  assert.throws(() => readSac(bytesOf("obspy/seism-shorter.sac"), "seism-shorter.sac"), (e: unknown) => e instanceof FormatError && /seism-shorter\.sac: file is 4624 bytes, NPTS 1000 needs 4632/.test(e.message));
  const longer = readSac(bytesOf("obspy/seism-longer.sac"), "seism-longer.sac");
  assert.equal(longer.traces[0]!.data.length, 998);
  assert.match(longer.warnings[0]!, /8 bytes after the data/);
  assert.throws(() => readSac(bytesOf("obspy/testxy.sac"), "testxy.sac"), (e: unknown) => e instanceof FormatError && e.file === "testxy.sac");
  assert.throws(() => readSac(bytesOf("seisplotjs-filter-reference/hrv.bhe.sacpz"), "hrv.bhe.sacpz"), FormatError);
  assert.throws(() => readSac(bytesOf("seisplotjs-filter-reference/IU.HRV.__.BHE_fft.sac.am"), "am"), (e: unknown) => e instanceof DataError && /IFTYPE 4/.test(e.message));
  assert.equal(sac.sniff(bytesOf("obspy/testxy.sac").subarray(0, 1024)), false);
});

test("undefined strings written as the integer −12345 read as undefined (test_encode.sac)", () => {
  const r = parseSac(bytesOf("obspy/test_encode.sac"), "test_encode.sac");
  assert.equal(r.header.strings.kstnm, undefined);
  assert.equal(r.header.strings.kcmpnm, undefined);
  assert.equal(r.data.length, 499);
});
