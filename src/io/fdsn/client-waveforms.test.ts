// fetchWaveforms against the local replay server holding the recorded dataselect answers of
// fixtures-fdsn-dataselect/ (IU.ANMO 2010, TA.A25A bulk), with libmseed's decode as the expected samples.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FetchError } from "../../core/errors.js";
import { parseTimeNs } from "../../core/time.js";
import { sharedPath } from "../../../test-support/shared.js";
import { isoToUs, startReplayServer, type ReplayServer } from "../../../test-support/fdsn-replay.js";
import { FdsnClient, type FdsnClientOptions, type WaveformData, type WaveformRejection } from "./client.js";
import type { WaveformRequest } from "./urls.js";

const DIR = "data/fixtures-fdsn-dataselect";
interface LibmseedJson { records: { id: string; start: string; samprate: number; samplecnt: number }[]; traces: { id: string; start: string; samples: number[] }[] }
const json = (name: string): LibmseedJson => JSON.parse(readFileSync(sharedPath(`${DIR}/_expected_libmseed2/${name}.json`), "utf8")) as LibmseedJson;

let server: ReplayServer;
before(async () => {
  server = await startReplayServer({
    waveforms: ["dataselect_example.mseed", "bulk.mseed"].map((f) => ({ file: sharedPath(`${DIR}/obspy-clients-fdsn/${f}`), libmseedJson: sharedPath(`${DIR}/_expected_libmseed2/${f}.json`) })),
  });
});
after(async () => server.close());

const sleeps: number[] = [];
function client(extra: Partial<FdsnClientOptions> = {}): FdsnClient {
  return new FdsnClient({ baseUrl: server.baseUrl, timeoutMs: 2000, retries: 3, backoffMs: 1, sleep: async (ms) => void sleeps.push(ms), ...extra });
}

const t = (s: string): bigint => parseTimeNs(s);
const ANMO: WaveformRequest = { network: "IU", station: "ANMO", location: "00", channel: "BHZ", startNs: t("2010-02-27T06:32:00Z"), endNs: t("2010-02-27T06:34:00Z") };
const A25A_BHE: WaveformRequest = { network: "TA", station: "A25A", location: "", channel: "BHE", startNs: t("2010-03-25T00:00:01Z"), endNs: t("2010-03-25T00:00:03Z") };
const A25A_BHZ: WaveformRequest = { network: "TA", station: "A25A", location: "", channel: "BHZ", startNs: t("2011-07-22T14:50:23.5Z"), endNs: t("2011-07-22T14:50:25Z") };

/** libmseed's samples of the records of `id` overlapping [s, e] (records are contiguous in these files). */
function expectedSamples(file: string, id: string, s: string, e: string): { samples: number[]; startUs: number } {
  const j = json(file);
  const trace = j.traces.find((tr) => tr.id === id)!;
  let index = 0;
  let first = -1;
  let last = -1;
  let startUs = 0;
  for (const r of j.records.filter((x) => x.id === id)) {
    const rs = isoToUs(r.start);
    const re = rs + (r.samplecnt / r.samprate) * 1e6;
    if (rs <= isoToUs(e) && re > isoToUs(s)) {
      if (first < 0) { first = index; startUs = rs; }
      last = index + r.samplecnt;
    }
    index += r.samplecnt;
  }
  return { samples: trace.samples.slice(first, last), startUs };
}

function assertSamples(result: WaveformData, file: string, id: string, s: string, e: string): void {
  const exp = expectedSamples(file, id, s, e);
  assert.equal(result.traces.length, 1, `${id}: one continuous trace`);
  const tr = result.traces[0]!;
  assert.equal(`${tr.network}.${tr.station}.${tr.location}.${tr.channel}`, id);
  assert.equal(Number(tr.startNs / 1000n), exp.startUs, `${id}: start time`);
  assert.deepEqual(Array.from(tr.data), exp.samples, `${id}: samples equal libmseed's`);
}

test("one bulk POST brings each window its own records, equal to libmseed's decode", async () => {
  server.clearLog();
  const results = await client().fetchWaveforms([ANMO, A25A_BHE, A25A_BHZ]);
  assert.equal(server.log.length, 1);
  assert.equal(server.log[0]!.method, "POST");
  assert.deepEqual(server.log[0]!.lines, [
    "IU ANMO 00 BHZ 2010-02-27T06:32:00.000000 2010-02-27T06:34:00.000000",
    "TA A25A -- BHE 2010-03-25T00:00:01.000000 2010-03-25T00:00:03.000000",
    "TA A25A -- BHZ 2011-07-22T14:50:23.500000 2011-07-22T14:50:25.000000",
  ]);
  assert.deepEqual(results.map((r) => r.kind), ["data", "data", "data"]);
  assertSamples(results[0] as WaveformData, "dataselect_example.mseed", "IU.ANMO.00.BHZ", "2010-02-27T06:32:00", "2010-02-27T06:34:00");
  assertSamples(results[1] as WaveformData, "bulk.mseed", "TA.A25A..BHE", "2010-03-25T00:00:01", "2010-03-25T00:00:03");
  assertSamples(results[2] as WaveformData, "bulk.mseed", "TA.A25A..BHZ", "2011-07-22T14:50:23.5", "2011-07-22T14:50:25");
  for (const r of results) assert.deepEqual((r as WaveformData).warnings, []);
});

test("maxBulkLines splits the POSTs by station; results keep the input order", async () => {
  server.clearLog();
  const results = await client({ maxBulkLines: 1 }).fetchWaveforms([A25A_BHZ, ANMO, A25A_BHE]);
  assert.equal(server.log.length, 3);
  assert.deepEqual(server.log.map((l) => l.lines.length), [1, 1, 1]);
  assert.deepEqual(results.map((r) => r.request), [A25A_BHZ, ANMO, A25A_BHE]);
  assert.deepEqual(results.map((r) => r.kind), ["data", "data", "data"]);
});

test("a window the service has nothing for is a named 'no data' result; the other windows keep their data", async () => {
  const empty: WaveformRequest = { ...ANMO, startNs: t("2011-01-01T00:00:00Z"), endNs: t("2011-01-01T00:01:00Z") };
  const mixed = await client().fetchWaveforms([empty, ANMO]);
  assert.equal(mixed[0]!.kind, "rejected");
  assert.equal((mixed[0] as WaveformRejection).reason, "no data");
  assert.equal(mixed[1]!.kind, "data");
  server.clearLog();
  const alone = await client().fetchWaveforms([empty]);
  assert.equal(server.log[0]!.status, 204);
  assert.equal((alone[0] as WaveformRejection).reason, "no data");
  assert.equal((alone[0] as WaveformRejection).status, 204);
  server.clearLog();
  const as404 = await client({ nodata: 404 }).fetchWaveforms([empty]);
  assert.equal(server.log[0]!.params.nodata, "404");
  assert.equal(server.log[0]!.status, 404);
  assert.equal((as404[0] as WaveformRejection).reason, "no data");
});

test("500s, 503 and 429 are retried with exponential backoff, and Retry-After is honoured", async () => {
  server.clearLog();
  sleeps.length = 0;
  server.faults.push({ service: "dataselect", kind: "status", status: 500 }, { service: "dataselect", kind: "status", status: 503 }, { service: "dataselect", kind: "status", status: 429, retryAfter: "7" });
  const results = await client({ backoffMs: 10 }).fetchWaveforms([ANMO]);
  assert.deepEqual(server.log.map((l) => l.status), [500, 503, 429, 200]);
  assert.deepEqual(sleeps, [10, 20, 7000]);
  assertSamples(results[0] as WaveformData, "dataselect_example.mseed", "IU.ANMO.00.BHZ", "2010-02-27T06:32:00", "2010-02-27T06:34:00");
});

test("a timeout and a connection dropped mid-body are retried; nothing is lost", async () => {
  server.clearLog();
  server.faults.push({ service: "dataselect", kind: "delay", ms: 400 }, { service: "dataselect", kind: "drop", keepBytes: 1000 });
  const results = await client({ timeoutMs: 100 }).fetchWaveforms([ANMO, A25A_BHE]);
  assert.equal(server.log.length, 3);
  assert.deepEqual(server.log.map((l) => l.fault ?? "none"), ["delay", "drop", "none"]);
  assertSamples(results[0] as WaveformData, "dataselect_example.mseed", "IU.ANMO.00.BHZ", "2010-02-27T06:32:00", "2010-02-27T06:34:00");
  assertSamples(results[1] as WaveformData, "bulk.mseed", "TA.A25A..BHE", "2010-03-25T00:00:01", "2010-03-25T00:00:03");
});

test("spent retries reject only the windows of the failed POST, with a FetchError naming URL, status and attempt", async () => {
  server.clearLog();
  server.faults.push({ service: "dataselect", kind: "status", status: 500, times: 10, match: (r) => r.lines.some((l) => l.startsWith("IU ANMO")) });
  const results = await client({ retries: 2, maxBulkLines: 1 }).fetchWaveforms([ANMO, A25A_BHE]);
  server.faults.length = 0;
  const bad = results[0] as WaveformRejection;
  assert.equal(bad.reason, "request failed");
  assert.ok(bad.error instanceof FetchError);
  assert.equal(bad.error.status, 500);
  assert.equal(bad.error.attempt, 3);
  assert.equal(bad.error.url, `${server.baseUrl}/fdsnws/dataselect/1/query`);
  assert.match(bad.message, /\/fdsnws\/dataselect\/1\/query \(bulk POST of 1 line, attempt 3 of 3\): HTTP 500/);
  assert.equal(results[1]!.kind, "data");
  assert.equal(server.log.filter((l) => l.lines[0]!.startsWith("IU ANMO")).length, 3);
});

test("a 400 is not retried; an HTML page with status 200 is 'unreadable data'", async () => {
  server.clearLog();
  server.faults.push({ service: "dataselect", kind: "status", status: 400 });
  const r400 = await client().fetchWaveforms([ANMO]);
  assert.equal(server.log.length, 1);
  assert.equal((r400[0] as WaveformRejection).reason, "request failed");
  assert.equal((r400[0] as WaveformRejection).status, 400);
  server.faults.push({ service: "dataselect", kind: "body", status: 200, payload: "<html><body>Service maintenance</body></html>" });
  const html = await client().fetchWaveforms([ANMO, A25A_BHE]);
  for (const r of html) {
    assert.equal((r as WaveformRejection).reason, "unreadable data");
    assert.match((r as WaveformRejection).message, /not miniSEED .*Service maintenance/);
  }
});

test("a truncated miniSEED answer surfaces the reader's warning on the windows of that answer, with the complete records kept", async () => {
  const full = expectedSamples("dataselect_example.mseed", "IU.ANMO.00.BHZ", "2010-02-27T06:32:00", "2010-02-27T06:34:00");
  // 512-byte records: keep 3 whole records and 300 bytes of the fourth.
  server.faults.push({ service: "dataselect", kind: "truncate", keepBytes: 3 * 512 + 300 });
  const [r] = await client().fetchWaveforms([ANMO]);
  const data = r as WaveformData;
  assert.equal(data.kind, "data");
  assert.equal(data.warnings.length, 1);
  assert.match(data.warnings[0]!, /record 3 at byte 1536: truncated final record dropped/);
  const three = json("dataselect_example.mseed").records.filter((x) => x.id === "IU.ANMO.00.BHZ");
  const firstIdx = three.findIndex((x) => isoToUs(x.start) === full.startUs);
  const kept = three.slice(firstIdx, firstIdx + 3).reduce((a, x) => a + x.samplecnt, 0);
  assert.deepEqual(Array.from(data.traces[0]!.data), full.samples.slice(0, kept));
});

test("an abort signal stops the client with the abort reason, not a rejection", async () => {
  const controller = new AbortController();
  server.faults.push({ service: "dataselect", kind: "delay", ms: 300 });
  const pending = client({ signal: controller.signal }).fetchWaveforms([ANMO]);
  setTimeout(() => controller.abort(new Error("stopped by the user")), 20);
  await assert.rejects(pending, /stopped by the user/);
});

test("the concurrency limit holds: never more requests in flight than allowed", async () => {
  const bytes = readFileSync(sharedPath(`${DIR}/obspy-clients-fdsn/dataselect_example.mseed`));
  let active = 0;
  let peak = 0;
  let calls = 0;
  const fakeFetch = async (): Promise<Response> => {
    calls++;
    active++;
    peak = Math.max(peak, active);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    active--;
    return new Response(bytes, { status: 200 });
  };
  const windows: WaveformRequest[] = [];
  for (let m = 0; m < 8; m++) windows.push({ ...ANMO, startNs: t(`2010-02-27T06:3${m}:00Z`), endNs: t(`2010-02-27T06:3${m}:30Z`) });
  const results = await new FdsnClient({ baseUrl: "http://127.0.0.1:9", fetch: fakeFetch, concurrency: 3, maxBulkLines: 1 }).fetchWaveforms(windows);
  assert.equal(calls, 8);
  assert.equal(peak, 3);
  assert.deepEqual(results.map((r) => r.kind), new Array(8).fill("data"));
});
