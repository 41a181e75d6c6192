// queryEvents and queryStations against the local replay server holding recorded answers:
// the USGS QuakeML of the SC dataset (with the query that produced it), FDSN event text (ObsPy's),
// the IRIS StationXML of CO.BIRD/CO.JSC and of IU.ANMO.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { FetchError, FormatError, OptionError } from "../../core/errors.js";
import { parseTimeNs } from "../../core/time.js";
import { sharedPath } from "../../../test-support/shared.js";
import { isoToUs, startReplayServer, type ReplayServer } from "../../../test-support/fdsn-replay.js";
import { FdsnClient } from "./client.js";

let sc: ReplayServer;
let other: ReplayServer;
before(async () => {
  sc = await startReplayServer({
    events: [{ file: sharedPath("data/seisplotjs-sc-event-dataset/dataset/catalog.quakeml"), format: "xml", recorded: { startUs: isoToUs("2021-12-27T00:00:00"), endUs: isoToUs("2021-12-28T00:00:00"), box: [33, 35, -81, -79] } }],
    stations: [{ file: sharedPath("data/seisplotjs-sc-event-dataset/dataset/inventory.staxml") }],
  });
  other = await startReplayServer({
    events: [{ file: sharedPath("data/fixtures-fdsn-text/event-text/fdsnws-event-text_obspy_events.txt"), format: "text" }],
    stations: [{ file: sharedPath("data/fixtures-stationxml/obspy-core-response/IU_ANMO_BH.xml") }],
  });
});
after(async () => {
  await sc.close();
  await other.close();
});

const sleeps: number[] = [];
const client = (base: string, extra: object = {}): FdsnClient => new FdsnClient({ baseUrl: base, timeoutMs: 2000, retries: 2, backoffMs: 1, sleep: async (ms) => void sleeps.push(ms), ...extra });
const t = (s: string): bigint => parseTimeNs(s);
const SC_QUERY = { startNs: t("2021-12-27"), endNs: t("2021-12-28"), box: { minLatitude: 33, maxLatitude: 35, minLongitude: -81, maxLongitude: -79 } };

test("QuakeML events: the query's window, box and format reach the service; the three SC events come back", async () => {
  sc.clearLog();
  const r = await client(sc.baseUrl).queryEvents(SC_QUERY);
  assert.deepEqual(sc.log[0]!.params, {
    starttime: "2021-12-27T00:00:00.000000", endtime: "2021-12-28T00:00:00.000000",
    minlatitude: "33", maxlatitude: "35", minlongitude: "-81", maxlongitude: "-79", format: "xml",
  });
  // PROVENANCE.md: 23:22:50.18 M2.3 (34.155, −80.729, 0.74 km); 22:38:21.70 M2.57; 19:18:54.19 M3.3.
  assert.deepEqual(r.events.map((e) => [e.originNs, e.latitude, e.longitude, e.depthKm, e.magnitude]), [
    [t("2021-12-27T23:22:50.18Z"), 34.155, -80.729, 0.74, 2.3],
    [t("2021-12-27T22:38:21.70Z"), 34.175, -80.716, 1.33, 2.57],
    [t("2021-12-27T19:18:54.19Z"), 34.1823333, -80.7196667, 3.07, 3.3],
  ]);
});

test("magnitude and radius limits select events; a window outside the recording is refused (400) and no match is an empty catalogue", async () => {
  const big = await client(sc.baseUrl).queryEvents({ ...SC_QUERY, minMagnitude: 2.5 });
  assert.deepEqual(big.events.map((e) => e.magnitude), [2.57, 3.3]);
  const deep = await client(sc.baseUrl).queryEvents({ ...SC_QUERY, minDepthKm: 1, maxDepthKm: 2 });
  assert.deepEqual(deep.events.map((e) => e.depthKm), [1.33]);
  // Within 1.5 km of (34.17, −80.72): the 22:38 event (0.67 km) and the 19:18 event (1.37 km), not the 23:22 one (1.86 km).
  sc.clearLog();
  const { box: _box, ...window } = SC_QUERY;
  const near = await client(sc.baseUrl).queryEvents({ ...window, radius: { latitude: 34.17, longitude: -80.72, maxRadiusKm: 1.5 } });
  assert.ok(Math.abs(Number(sc.log[0]!.params.maxradius) - 1.5 / 111.19492664455873) < 1e-15);
  assert.deepEqual(near.events.map((e) => e.magnitude), [2.57, 3.3]);
  await assert.rejects(client(sc.baseUrl).queryEvents({ ...SC_QUERY, endNs: t("2021-12-29") }), (e: unknown) => e instanceof FetchError && e.status === 400 && e.attempt === 1 && /outside the recorded query/.test(e.message));
  sc.clearLog();
  const none = await client(sc.baseUrl).queryEvents({ ...SC_QUERY, minMagnitude: 4 });
  assert.equal(sc.log[0]!.status, 204);
  assert.deepEqual(none.events, []);
  assert.match(none.warnings[0]!, /no data \(HTTP 204\)/);
});

test("FDSN event text: format=text is asked for and read; a 503 then a timeout are retried", async () => {
  other.clearLog();
  sleeps.length = 0;
  other.faults.push({ service: "event", kind: "status", status: 503 }, { service: "event", kind: "delay", ms: 300 });
  const r = await client(other.baseUrl, { timeoutMs: 100 }).queryEvents({ format: "text", minMagnitude: 8.55 });
  assert.deepEqual(other.log.map((l) => [l.params.format, l.params.minmagnitude, l.status ?? "timed out"]), [["text", "8.55", 503], ["text", "8.55", "timed out"], ["text", "8.55", 200]]);
  assert.deepEqual(sleeps, [1, 2]);
  assert.deepEqual(r.events.map((e) => [e.eventId, e.originNs, e.latitude, e.longitude, e.depthKm, e.magnitude]), [["3337497", t("2012-04-11T08:38:37Z"), 2.2376, 93.0144, 26.3, 8.6]]);
});

test("StationXML: the channel codes and level=response are sent; the answer gives the channel with its sensitivity", async () => {
  sc.clearLog();
  const chans = await client(sc.baseUrl).queryStations({ network: "CO", station: "BIRD", location: "00", channel: "HHZ" });
  assert.deepEqual(sc.log[0]!.params, { network: "CO", station: "BIRD", location: "00", channel: "HHZ", level: "response", format: "xml" });
  assert.equal(chans.length, 1);
  const c = chans[0]!;
  assert.deepEqual([c.network, c.station, c.location, c.channel, c.latitude, c.longitude, c.elevationM, c.sampleRateHz, c.startNs], ["CO", "BIRD", "00", "HHZ", 34.645, -80.4615, 132, 100, t("2018-07-30T19:20:00Z")]);
  assert.equal(c.response?.sensitivity?.value, 5.043164837540085e8);
  const many = await client(sc.baseUrl).queryStations({ network: "CO", station: "BIRD,JSC", channel: "HH?" });
  assert.deepEqual(many.map((x) => `${x.station}.${x.channel}`), ["BIRD.HHE", "BIRD.HHN", "BIRD.HHZ", "JSC.HHE", "JSC.HHN", "JSC.HHZ"]);
});

test("StationXML of IU.ANMO: epochs start in 2012; asking for 2010 is answered 204 and gives no channel", async () => {
  const all = await client(other.baseUrl).queryStations({ network: "IU", station: "ANMO", location: "00", channel: "BHZ" });
  assert.deepEqual(all.map((c) => [c.location, c.channel, c.startNs]), [["00", "BHZ", t("2012-03-12T20:28:00Z")]]);
  assert.ok((all[0]!.response?.stages.length ?? 0) > 0);
  other.clearLog();
  const in2010 = await client(other.baseUrl).queryStations({ network: "IU", station: "ANMO", location: "00", channel: "BHZ", startNs: t("2010-02-27T06:30:00Z"), endNs: t("2010-02-27T06:40:00Z") });
  assert.equal(other.log[0]!.status, 204);
  assert.deepEqual(in2010, []);
});

test("a broken answer is a FormatError naming the URL; a provider without the service is an OptionError", async () => {
  sc.faults.push({ service: "station", kind: "body", status: 200, payload: "<html>maintenance</html>" });
  await assert.rejects(client(sc.baseUrl).queryStations({ network: "CO" }), (e: unknown) => e instanceof FormatError && e.message.startsWith(`${sc.baseUrl}/fdsnws/station/1/query?network=CO`));
  assert.throws(() => new FdsnClient({ provider: "ORFEUS" }).serviceUrl("event"), (e: unknown) => e instanceof OptionError && /has no fdsnws-event service/.test(e.message));
  assert.throws(() => new FdsnClient({ provider: "IRIS", baseUrl: "http://x.org" }), /not both/);
  assert.throws(() => new FdsnClient({ baseUrl: "ftp://x.org" }), /must be an http\(s\) URL/);
  assert.throws(() => new FdsnClient({ baseUrl: "http://x.org", retries: -1 } as never), /retries" must be an integer ≥ 0/);
});
