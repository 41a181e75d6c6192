// `specufex fetch` end to end against the local replay server (the SC chain), flags and config.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withH5 } from "../../io/hdf5/index.js";
import { configTemplate } from "../../pipeline/config-template.js";
import { runCli } from "../../../test-support/cli.js";
import { isoToUs, startReplayServer, type ReplayServer } from "../../../test-support/fdsn-replay.js";
import { sharedPath } from "../../../test-support/shared.js";

const SC = "data/seisplotjs-sc-event-dataset/dataset";
let server: ReplayServer;
const dirs: string[] = [];
before(async () => {
  server = await startReplayServer({
    events: [{ file: sharedPath(`${SC}/catalog.quakeml`), format: "xml", recorded: { startUs: isoToUs("2021-12-27T00:00:00"), endUs: isoToUs("2021-12-28T00:00:00"), box: [33, 35, -81, -79] } }],
    stations: [{ file: sharedPath(`${SC}/inventory.staxml`) }],
    waveforms: ["", "_2021-12-27_2", "_2021-12-27_3"].map((s) => ({ file: sharedPath(`${SC}/seismograms/CO.JSC.00.HHZ${s}.ms3`) })),
  });
});
after(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "specufex-cli-fetch-"));
  dirs.push(d);
  return d;
};

test("fetch with flags: events by box and magnitude, JSC windows around the origin, waveform set and summary", async () => {
  const out = tmp();
  server.clearLog();
  const r = await runCli(["fetch", "--out", out, "--base-url", server.baseUrl, "--start", "2021-12-27", "--end", "2021-12-28",
    "--box", "33,35,-81,-79", "--min-mag", "2.5", "--station", "CO.JSC.00.HHZ", "--before", "5", "--after", "40", "--retries", "0"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /fetch: 2 of 2 events written to .*waveforms\.h5 \(2 fetched, 0 from the cache\)/);
  // Not a terminal: the progress display ends with one plain line (a bar only on a TTY).
  assert.match(r.stderr, /^fetch: 2\/2 windows {2}\S+\/s {2}\d+\.\d s {2}0 from the cache$/m);
  assert.doesNotMatch(r.stderr, /\r/);
  const ev = server.log.find((l) => l.service === "event")!;
  assert.equal(ev.params.minmagnitude, "2.5");
  const lines = server.log.filter((l) => l.service === "dataselect").flatMap((l) => l.lines).sort();
  // Around the origin: [origin − 5 − 10, origin + 40 + 10] (default pad 10 s).
  assert.deepEqual(lines, [
    "CO JSC 00 HHZ 2021-12-27T19:18:39.190000 2021-12-27T19:19:44.190000",
    "CO JSC 00 HHZ 2021-12-27T22:38:06.700000 2021-12-27T22:39:11.700000",
  ]);
  const set = await withH5(join(out, "waveforms.h5"), "r", (f) => ({ ids: f.readStrings("event_ID"), shape: f.shape("waveform"), rate: f.readNumber("sampling_rate") }));
  assert.deepEqual(set, { ids: ["se60141143", "se60377836"], shape: [2, 4501], rate: 100 });
  assert.equal(readFileSync(join(out, "rejected.csv"), "utf8"), "event_ID,stage,reason\n");
});

test("fetch with --config: the data: section gives the keys, flags override them; bad input is exit 2", async () => {
  const out = tmp();
  const cfg = join(out, "fetch.yaml");
  writeFileSync(cfg, [
    "output: ignored-by-fetch", "data:", `  baseUrl: ${server.baseUrl}`, "  start: 2021-12-27T00:00:00", "  end: 2021-12-28T00:00:00",
    "  box: [33, 35, -81, -79]", "  station: CO.JSC.00.HHZ", "  before: 5", "  after: 40", "  minMag: 3", "  onBadWindow: reject", "",
  ].join("\n"));
  const r = await runCli(["fetch", "--out", out, "--config", cfg, "--min-mag", "2", "--output", "counts"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /fetch: 3 of 3 events written/);
  writeFileSync(cfg, "data:\n  stations: CO.JSC.00.HHZ\n");
  const bad = await runCli(["fetch", "--out", out, "--config", cfg]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /fetch\.yaml: data: stations is not a key fetch knows/);
  const both = await runCli(["fetch", "--out", out, "--base-url", server.baseUrl, "--start", "2021-12-27", "--end", "2021-12-28", "--box", "1,2,3,4", "--radius", "1,2,3", "--station", "CO.JSC.00.HHZ"]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give --box or --radius, not both/);
  const noStation = await runCli(["fetch", "--out", out, "--base-url", server.baseUrl, "--start", "2021-12-27", "--end", "2021-12-28"]);
  assert.equal(noStation.code, 2);
  assert.match(noStation.stderr, /needs --station NET\.STA\.LOC\.CHA/);
  const unknown = await runCli(["fetch", "--out", out, "--provider", "NOWHERE", "--start", "2021-12-27", "--end", "2021-12-28", "--station", "CO.JSC.00.HHZ"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /provider/);
});

test("fetch with a local catalogue (the QuakeML file) and a failing event service never asks the event service", async () => {
  const out = tmp();
  server.clearLog();
  server.faults.push({ service: "event", kind: "status", status: 500, times: 10 });
  const r = await runCli(["fetch", "--out", out, "--base-url", server.baseUrl, "--catalog", sharedPath(`${SC}/catalog.quakeml`), "--station", "CO.JSC.00.HHZ", "--after", "40", "--output", "counts"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(server.log.filter((l) => l.service === "event").length, 0);
  assert.equal(server.faults.splice(0).length, 1, "the event fault was never triggered");
  assert.match(r.stderr, /fetch: 3 events from .*catalog\.quakeml/);
  assert.match(r.stderr, /fetch: 3 of 3 events written/);
});

test("one config serves run and fetch: the init template (every pipeline data key, e.g. stationCoordinates) is accepted by fetch --config", async () => {
  const out = tmp();
  const cfg = join(out, "specufex.yaml");
  writeFileSync(cfg, configTemplate().replace("  stationCoordinates: null", "  stationCoordinates: {latitude: 34.5, longitude: -80.5}"));
  const r = await runCli(["fetch", "--out", out, "--config", cfg, "--base-url", server.baseUrl, "--start", "2021-12-27", "--end", "2021-12-28",
    "--box", "33,35,-81,-79", "--station", "CO.JSC.00.HHZ", "--after", "40", "--output", "counts"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /fetch: 3 of 3 events written/);
});

test("a config's data section alone drives fetch (time span, box, station, window, output), and run with that config asks for the fetched waveforms", async () => {
  const out = tmp();
  const cfg = join(out, "specufex.yaml");
  writeFileSync(cfg, [
    "data:",
    "  start: 2021-12-27T00:00:00",
    "  end: 2021-12-28T00:00:00",
    "  box: [33, 35, -81, -79]",
    "  station: CO.JSC.00.HHZ",
    "  after: 40",
    "  output: counts",
    "",
  ].join("\n"));
  const r = await runCli(["fetch", "--out", out, "--config", cfg, "--base-url", server.baseUrl]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /fetch: 3 of 3 events written/);
  const ev = server.log.filter((l) => l.service === "event").at(-1)!;
  assert.equal(Number(ev.params.minlatitude), 33);
  assert.equal(Number(ev.params.maxlongitude), -79);
  assert.match(ev.params.starttime!, /^2021-12-27T00:00:00/);
  const run = await runCli(["run", cfg]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /specufex fetch --config/);
});
