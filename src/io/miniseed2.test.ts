import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FormatError, OptionError } from "../core/errors.js";
import { parseTimeNs } from "../core/time.js";
import { traceId } from "../core/trace.js";
import { sharedPath } from "../../test-support/shared.js";
import { miniseed2, readMiniseed2, scanMiniseed2 } from "./miniseed2.js";
import { traceText } from "./waveform-result.js";

const ROOT = "data/fixtures-miniseed2/";

interface LibmseedJson {
  records: { id: string; seq: number; quality: string; start: string; samprate: number; samplecnt: number; encoding: number; reclen: number }[];
  read_status: string;
  traces: { id: string; start: string; samprate: number; numsamples: number; sampletype: string; samples?: number[] | string }[];
}

function summary(): string[][] {
  return readFileSync(sharedPath(ROOT + "SUMMARY.tsv"), "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
}

function expected(file: string): LibmseedJson {
  return JSON.parse(readFileSync(sharedPath(`${ROOT}_expected_libmseed2/${file}.json`), "utf8")) as LibmseedJson;
}

/** Compares our traces with libmseed's: ids, start (µs), rate, sample count, every sample exactly. */
function assertSameAsLibmseed(label: string, traces: readonly { network: string; station: string; location: string; channel: string; startNs: bigint; sampleRateHz: number; data: Float64Array }[], exp: LibmseedJson["traces"], startToleranceNs = 0n): void {
  assert.equal(traces.length, exp.length, `${label}: trace count`);
  exp.forEach((e, i) => {
    const t = traces[i]!;
    const where = `${label} trace ${i} (${e.id})`;
    assert.equal(traceId(t), e.id, `${where}: id`);
    const startNs = parseTimeNs(e.start);
    const dt = t.startNs - startNs;
    assert.ok(dt <= startToleranceNs && dt >= -startToleranceNs, `${where}: start ${t.startNs} vs ${startNs}`);
    assert.ok(Math.abs(t.sampleRateHz - e.samprate) <= 1e-9 * Math.abs(e.samprate), `${where}: rate ${t.sampleRateHz} vs ${e.samprate}`);
    assert.equal(t.data.length, e.numsamples, `${where}: sample count`);
    if (e.sampletype === "a") {
      assert.equal(traceText(t), e.samples, `${where}: text`);
    } else if (Array.isArray(e.samples)) {
      // FLOAT32 samples are printed with 9 significant digits: they round back to the exact float32.
      const exact = e.sampletype === "f" ? e.samples.map(Math.fround) : e.samples;
      for (let k = 0; k < exact.length; k++) {
        if (t.data[k] !== exact[k]) assert.fail(`${where}: sample ${k} is ${t.data[k]}, libmseed ${exact[k]}`);
      }
    }
  });
}

test("every file of fixtures-miniseed2/SUMMARY.tsv decodes to libmseed 2.19.8's records and traces (all samples exact)", () => {
  const rows = summary();
  assert.ok(rows.length >= 109, `SUMMARY lists ${rows.length} files`);
  let readable = 0;
  for (const row of rows) {
    const [file, bytesText, nRecords, , , , nTraces, , , totalSamples, status] = row as [string, string, string, string, string, string, string, string, string, string, string];
    const bytes = readFileSync(sharedPath(ROOT + file));
    assert.equal(bytes.length, Number(bytesText), `${file}: size`);
    const exp = expected(file);
    if (exp.records.length === 0) {
      assert.equal(status, "No SEED data detected");
      assert.throws(() => readMiniseed2(bytes, file), (e: unknown) => e instanceof FormatError && e.message.startsWith(file) && e.file === file, file);
      continue;
    }
    readable++;
    const scan = scanMiniseed2(bytes, file);
    assert.equal(scan.records.length, Number(nRecords), `${file}: records`);
    exp.records.forEach((er, i) => {
      const r = scan.records[i]!;
      assert.equal(`${r.network}.${r.station}.${r.location}.${r.channel}`, er.id, `${file} record ${i}: id`);
      assert.equal(r.startNs, parseTimeNs(er.start), `${file} record ${i}: start`);
      assert.equal(r.sampleCount, er.samplecnt, `${file} record ${i}: samples`);
      assert.equal(r.encoding, er.encoding, `${file} record ${i}: encoding`);
      assert.equal(r.recordLength, er.reclen, `${file} record ${i}: length`);
      assert.equal(r.quality, er.quality, `${file} record ${i}: quality`);
      assert.equal(r.sequenceNumber, er.seq, `${file} record ${i}: sequence number`);
    });
    const { traces, warnings } = readMiniseed2(bytes, file, { keepNonWaveform: true });
    assertSameAsLibmseed(file, traces, exp.traces);
    assert.equal(traces.length, Number(nTraces), `${file}: traces (SUMMARY)`);
    assert.equal(traces.reduce((s, t) => s + t.data.length, 0), Number(totalSamples), `${file}: total samples (SUMMARY)`);
    // Files made only of records read cleanly; anything skipped or left over is warned.
    const covered = scan.records.reduce((s, r) => s + r.recordLength, 0);
    const defects = warnings.filter((w) => /skipped|truncated|trailing/.test(w));
    assert.equal(defects.length > 0, covered !== bytes.length, `${file}: ${covered} of ${bytes.length} bytes in records, warnings: ${warnings.join(" | ")}`);
  }
  assert.equal(readable, rows.length - 3);
});

test("brokenlastrecord.mseed: the complete record is read and the broken rest is dropped with a warning", () => {
  const file = "obspy-cases/brokenlastrecord.mseed";
  const { traces, warnings } = readMiniseed2(readFileSync(sharedPath(ROOT + file)), file);
  assert.equal(traces.length, 1);
  assert.equal(traces[0]!.data.length, 5980);
  assert.equal(traces[0]!.data[0], 2787);
  assert.ok(warnings.some((w) => w.includes("byte 4096")), warnings.join(" | "));
  assert.throws(() => readMiniseed2(readFileSync(sharedPath(ROOT + file)), file, { strict: true }), (e: unknown) => e instanceof FormatError && e.offset === 4096);
});

test("a final record cut short is dropped with a warning naming its byte offset; strict mode throws", () => {
  const file = "obspy-cases/test.mseed";
  const whole = readFileSync(sharedPath(ROOT + file));
  const cut = whole.subarray(0, 4096 + 1000);
  const { traces, warnings } = readMiniseed2(cut, "cut.mseed");
  const full = readMiniseed2(whole, file).traces[0]!;
  assert.equal(traces.length, 1);
  assert.deepEqual(Array.from(traces[0]!.data), Array.from(full.data.subarray(0, traces[0]!.data.length)));
  assert.ok(traces[0]!.data.length < full.data.length);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /cut\.mseed: record 1 at byte 4096: truncated final record dropped/);
  assert.throws(() => readMiniseed2(cut, "cut.mseed", { strict: true }), FormatError);
});

test("default mode drops text channels with a warning; keepNonWaveform keeps them as libmseed does", () => {
  const file = "obspy-cases/rt130_sr0_cropped.mseed";
  const bytes = readFileSync(sharedPath(ROOT + file));
  const plain = readMiniseed2(bytes, file);
  assert.equal(plain.traces.length, 0);
  assert.match(plain.warnings.join("\n"), /GR\.FUR\.\.LOG: 195 text or rate-less samples dropped/);
  const kept = readMiniseed2(bytes, file, { keepNonWaveform: true });
  assert.equal(kept.traces.length, 5);
  assert.match(traceText(kept.traces[0]!), /\S/);
});

test("gaps.mseed: four segments starting where libmseed reports the gaps", () => {
  const file = "obspy-cases/gaps.mseed";
  const { traces } = readMiniseed2(readFileSync(sharedPath(ROOT + file)), file);
  assert.deepEqual(traces.map((t) => t.data.length), [412, 824, 824, 50668]);
  assert.deepEqual(traces.map((t) => t.startNs), ["2007-12-31T23:59:59.915", "2008-01-01T00:00:04.035", "2008-01-01T00:00:10.215", "2008-01-01T00:00:18.455"].map((s) => parseTimeNs(s)));
});

test("sniff accepts data records and full-SEED volumes, rejects other bytes; unknown options are errors", () => {
  const head = (f: string) => readFileSync(sharedPath(ROOT + f)).subarray(0, 1024);
  assert.equal(miniseed2.sniff(head("obspy-cases/test.mseed")), true);
  assert.equal(miniseed2.sniff(head("obspy-cases/bizarre/endiantest.le-header.le-data.mseed")), true);
  assert.equal(miniseed2.sniff(head("obspy-cases/RJOB.BW.EHZ.D.300806.0000.fullseed")), true);
  assert.equal(miniseed2.sniff(head("obspy-cases/fullseed.mseed")), true);
  assert.equal(miniseed2.sniff(head("obspy-cases/not2.mseed")), false);
  assert.equal(miniseed2.sniff(new Uint8Array(10)), false);
  assert.equal(miniseed2.sniff(readFileSync(sharedPath("data/fixtures-sac/obspy/test.sac")).subarray(0, 1024)), false);
  assert.throws(() => readMiniseed2(new Uint8Array(0), "x", { keep: true } as never), OptionError);
});
