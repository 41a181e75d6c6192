import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { FormatError } from "../core/errors.js";
import { parseTimeNs } from "../core/time.js";
import { traceId, type Trace } from "../core/trace.js";
import { sharedPath } from "../../test-support/shared.js";
import { crc32c, miniseed3, parseSourceId, readMiniseed3, scanMiniseed3, writeMiniseed3 } from "./miniseed3.js";
import { traceText } from "./waveform-result.js";

const FDSN = "data/fixtures-miniseed3/fdsn-miniSEED3-reference-data/";
const LIBMSEED3 = "data/fixtures-miniseed3/libmseed3-reference/";
const TWIN_JSON = "data/fixtures-miniseed2/_expected_libmseed2/libmseed3-reference-mseed2/";

test("CRC-32C of '123456789' is the standard check value 0xE3069283", () => {
  assert.equal(crc32c(new TextEncoder().encode("123456789")), 0xe3069283);
});

test("every FDSN reference record matches its JSON: SID, start (ns), rate, count, CRC, extra headers, all samples", () => {
  const files = readdirSync(sharedPath(FDSN)).filter((f) => f.endsWith(".mseed3"));
  assert.equal(files.length, 11);
  for (const f of files) {
    const exp = (JSON.parse(readFileSync(sharedPath(FDSN + f.replace(".mseed3", ".json")), "utf8")) as any[])[0];
    const { records, warnings } = scanMiniseed3(readFileSync(sharedPath(FDSN + f)), f);
    assert.equal(records.length, 1, f);
    assert.deepEqual(warnings, [], f);
    const r = records[0]!;
    assert.equal(r.sourceId, exp.SID, f);
    assert.equal(r.recordLength, exp.RecordLength, f);
    assert.equal(r.startNs, parseTimeNs(exp.StartTime), f);
    assert.equal(r.sampleRateHz, exp.SampleRate, f);
    assert.equal(r.sampleCount, exp.SampleCount, f);
    assert.equal(r.encoding, exp.EncodingFormat, f);
    assert.equal(r.publicationVersion, exp.PublicationVersion, f);
    assert.equal(r.flags, exp.Flags.RawUInt8, f);
    assert.equal(`0x${r.crc.toString(16).toUpperCase().padStart(8, "0")}`, exp.CRC, f);
    assert.deepEqual(r.extraHeaders, exp.ExtraHeaders, f);
    if (typeof exp.Data === "string") assert.equal(traceText({ data: r.data! }), exp.Data, f);
    else if (exp.Data) {
      const want = (exp.Data as number[]).map((v) => (r.encoding === 4 ? Math.fround(v) : v));
      assert.deepEqual(Array.from(r.data!), want, f);
    } else assert.equal(r.data, null, f);
  }
});

test("the libmseed 3 reference files give the traces libmseed 2 gives for their miniSEED 2 twins", () => {
  // flushidle's two versions differ in channel and rate (HHZ 100 Hz vs BHZ 40 Hz) but share the samples.
  const files = readdirSync(sharedPath(LIBMSEED3)).filter((f) => f.endsWith(".mseed3"));
  assert.equal(files.length, 17);
  for (const f of files) {
    const exp = JSON.parse(readFileSync(sharedPath(TWIN_JSON + f.replace(".mseed3", ".mseed2.json")), "utf8"));
    const { traces } = readMiniseed3(readFileSync(sharedPath(LIBMSEED3 + f)), f, { keepNonWaveform: true });
    assert.equal(traces.length, exp.traces.length, f);
    exp.traces.forEach((e: any, i: number) => {
      const t = traces[i]!;
      const where = `${f} trace ${i}`;
      if (f !== "reference-testdata-flushidle.mseed3") {
        assert.equal(traceId(t), e.id, where);
        assert.ok(Math.abs(t.sampleRateHz - e.samprate) <= 1e-9 * e.samprate, where);
        // miniSEED 2 keeps microseconds: the twin's start is ours rounded to 1 µs.
        const dt = t.startNs - parseTimeNs(e.start);
        assert.ok(dt > -1000n && dt < 1000n, `${where}: start ${t.startNs} vs ${e.start}`);
      }
      assert.equal(t.data.length, e.numsamples, where);
      if (e.sampletype === "a") assert.equal(traceText(t), e.samples, where);
      else if (Array.isArray(e.samples)) assert.deepEqual(Array.from(t.data), e.sampletype === "f" ? e.samples.map(Math.fround) : e.samples, where);
    });
  }
});

test("the seisplotjs South Carolina event files read: 27 traces at 100/200 Hz, starts before the origins", () => {
  const dir = "data/seisplotjs-sc-event-dataset/dataset/seismograms/";
  const files = readdirSync(sharedPath(dir)).filter((f) => f.endsWith(".ms3"));
  assert.equal(files.length, 27);
  for (const f of files) {
    const { traces, warnings } = readMiniseed3(readFileSync(sharedPath(dir + f)), f);
    assert.deepEqual(warnings, [], f);
    assert.equal(traces.length, 1, f);
    const t = traces[0]!;
    assert.equal(`${traceId(t)}`, f.split("_")[0]!.replace(/\.ms3$/, ""), f);
    assert.equal(t.sampleRateHz, t.channel.startsWith("HN") ? 200 : 100, f);
    // PROVENANCE: HH about 97 s (9700–9801 samples), HN 19401 samples.
    if (t.channel.startsWith("HN")) assert.equal(t.data.length, 19401, f);
    else assert.ok(t.data.length >= 9700 && t.data.length <= 9801, f);
    const origin = parseTimeNs(f.includes("_3") ? "2021-12-27T19:18:54.19Z" : f.includes("_2") ? "2021-12-27T22:38:21.70Z" : "2021-12-27T23:22:50.18Z");
    const lead = Number(origin - t.startNs) / 1e9;
    assert.ok(lead > 19 && lead < 23, `${f}: starts ${lead} s before the origin`);
  }
  const one = readMiniseed3(readFileSync(sharedPath("data/fixtures-miniseed3/seisplotjs/one_record_HODGE_HHZ.ms3")), "x").traces[0]!;
  const twin = readFileSync(sharedPath("data/fixtures-miniseed2/_expected_libmseed2/real-misc/one_record_HODGE_HHZ.ms2.json"), "utf8");
  assert.deepEqual(Array.from(one.data), JSON.parse(twin).traces[0].samples);
});

test("source identifiers split into SEED codes", () => {
  assert.deepEqual(parseSourceId("FDSN:XX_TEST__L_H_Z"), { network: "XX", station: "TEST", location: "", channel: "LHZ" });
  assert.deepEqual(parseSourceId("FDSN:IU_COLA_00_L_H_1"), { network: "IU", station: "COLA", location: "00", channel: "LH1" });
  assert.deepEqual(parseSourceId("FDSN:XX_STA_00_VX_1_2"), { network: "XX", station: "STA", location: "00", channel: "VX_1_2" });
});

test("write → read round trip keeps codes, nanosecond start, rate and float64 samples", () => {
  const data = Float64Array.from({ length: 10000 }, (_, i) => Math.sin(i / 7) * 1e3 + i * 1e-6);
  const t: Trace = { network: "IV", station: "T1214", location: "", channel: "EHZ", startNs: 1476331506123456789n, sampleRateHz: 125, data };
  const bytes = writeMiniseed3([t], { maxSamples: 3000 });
  assert.equal(miniseed3.sniff(bytes.subarray(0, 1024)), true);
  const { records } = scanMiniseed3(bytes, "rt.ms3");
  assert.equal(records.length, 4);
  const back = readMiniseed3(bytes, "rt.ms3");
  assert.equal(back.traces.length, 1);
  const r = back.traces[0]!;
  assert.equal(traceId(r), "IV.T1214..EHZ");
  assert.equal(r.startNs, t.startNs);
  assert.equal(r.sampleRateHz, 125);
  assert.deepEqual(Array.from(r.data), Array.from(data));
});

test("a CRC mismatch, a bad signature or version is a FormatError naming record and offset; a cut final record is warned", () => {
  const f = "reference-testdata-steim2.mseed3";
  const bytes = new Uint8Array(readFileSync(sharedPath(LIBMSEED3 + f)));
  const { records } = scanMiniseed3(bytes, f);
  assert.ok(records.length >= 2);
  const second = records[1]!.offset;
  const flipped = bytes.slice();
  flipped[second + 100]! ^= 1;
  assert.throws(() => readMiniseed3(flipped, f), (e: unknown) => e instanceof FormatError && e.record === 1 && e.offset === second && /CRC-32C mismatch/.test(e.message));
  const bad = bytes.slice();
  bad[second + 2] = 2;
  assert.throws(() => readMiniseed3(bad, f), (e: unknown) => e instanceof FormatError && /format version 2 is not 3/.test(e.message));
  const cut = bytes.subarray(0, bytes.length - 10);
  const partial = readMiniseed3(cut, f);
  assert.equal(partial.warnings.length, 1);
  assert.match(partial.warnings[0]!, /record \d+ at byte \d+: truncated final record dropped/);
  const whole = readMiniseed3(bytes, f).traces[0]!;
  assert.ok(partial.traces[0]!.data.length < whole.data.length);
  assert.throws(() => readMiniseed3(cut, f, { strict: true }), FormatError);
});
