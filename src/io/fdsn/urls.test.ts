import { test } from "node:test";
import assert from "node:assert/strict";
import { OptionError } from "../../core/errors.js";
import { parseTimeNs } from "../../core/time.js";
import { bulkBody, bulkLine, dataselectQueryUrl, eventQueryUrl, fdsnTime, groupBulkRequests, kmToDegrees, stationQueryUrl, type WaveformRequest } from "./urls.js";
import { getProvider, serviceUrl } from "./providers.js";

const t = (s: string): bigint => parseTimeNs(s);

test("FDSN times are UTC with microseconds and no zone letter; starts round down and ends round up", () => {
  assert.equal(fdsnTime(t("2021-12-27T23:22:50.180Z")), "2021-12-27T23:22:50.180000");
  assert.equal(fdsnTime(t("2021-12-27T23:22:50.1234567Z"), "floor"), "2021-12-27T23:22:50.123456");
  assert.equal(fdsnTime(t("2021-12-27T23:22:50.1234561Z"), "ceil"), "2021-12-27T23:22:50.123457");
  assert.equal(fdsnTime(t("2021-12-27T23:22:50.123456Z"), "ceil"), "2021-12-27T23:22:50.123456");
  assert.equal(fdsnTime(-1500n, "floor"), "1969-12-31T23:59:59.999998");
  assert.equal(fdsnTime(-1500n, "ceil"), "1969-12-31T23:59:59.999999");
});

test("a radius in km becomes maxradius in degrees (111.19 km per degree on the 6371 km sphere)", () => {
  assert.ok(Math.abs(kmToDegrees(111.19492664455873) - 1) < 1e-15);
  const url = eventQueryUrl("https://x.org/fdsnws/event/1", { radius: { latitude: 42.7, longitude: 13.2, maxRadiusKm: 55.597463322279365 } });
  const p = new URL(url).searchParams;
  assert.equal(Number(p.get("maxradius")), 0.5);
  assert.equal(p.get("latitude"), "42.7");
  assert.equal(p.get("longitude"), "13.2");
});

test("the event query carries every limit under its FDSN name, QuakeML by default", () => {
  const url = eventQueryUrl("https://earthquake.usgs.gov/fdsnws/event/1", {
    startNs: t("2021-12-27"), endNs: t("2021-12-28"),
    box: { minLatitude: 33, maxLatitude: 35, minLongitude: -81, maxLongitude: -79 },
    minMagnitude: 2.5, minDepthKm: 0, maxDepthKm: 10,
  });
  assert.equal(url,
    "https://earthquake.usgs.gov/fdsnws/event/1/query?starttime=2021-12-27T00:00:00.000000&endtime=2021-12-28T00:00:00.000000" +
    "&minlatitude=33&maxlatitude=35&minlongitude=-81&maxlongitude=-79&mindepth=0&maxdepth=10&minmagnitude=2.5&format=xml");
  assert.match(eventQueryUrl("https://a.b/fdsnws/event/1", { format: "text" }, { nodata: 404 }), /\?format=text&nodata=404$/);
});

test("inconsistent event limits are OptionErrors naming the field", () => {
  const base = "https://a.b/fdsnws/event/1";
  assert.throws(() => eventQueryUrl(base, { startNs: t("2021-12-28"), endNs: t("2021-12-27") }), (e: unknown) => e instanceof OptionError && e.field === "endNs");
  assert.throws(() => eventQueryUrl(base, { minMagnitude: 3, maxMagnitude: 2 }), (e: unknown) => e instanceof OptionError && e.field === "minMagnitude");
  assert.throws(() => eventQueryUrl(base, { box: { minLatitude: 10, maxLatitude: 5, minLongitude: 0, maxLongitude: 1 } }), OptionError);
  assert.throws(() => eventQueryUrl(base, { box: { minLatitude: 0, maxLatitude: 95, minLongitude: 0, maxLongitude: 1 } }), /maxLatitude must be a finite number in \[-90, 90\]/);
  assert.throws(() => eventQueryUrl(base, { radius: { latitude: 0, longitude: 0 } }), /needs maxRadiusKm or maxRadiusDeg/);
  assert.throws(() => eventQueryUrl(base, { box: { minLatitude: 0, maxLatitude: 1, minLongitude: 0, maxLongitude: 1 }, radius: { latitude: 0, longitude: 0, maxRadiusDeg: 1 } }), /not both/);
});

test("the station query asks for responses by default and writes an empty location as --", () => {
  const url = stationQueryUrl("https://service.iris.edu/fdsnws/station/1", { network: "CO", station: "BIRD,JSC", location: "", channel: "HH?" });
  assert.equal(url, "https://service.iris.edu/fdsnws/station/1/query?network=CO&station=BIRD,JSC&location=--&channel=HH%3F&level=response&format=xml");
  assert.throws(() => stationQueryUrl("https://a.b/fdsnws/station/1", { format: "text" }), /level "response" needs format "xml"/);
  assert.throws(() => stationQueryUrl("https://a.b/fdsnws/station/1", { network: "C O" }), /network code "C O" is not valid/);
});

const req = (net: string, sta: string, loc: string, cha: string, s: string, e: string): WaveformRequest => ({ network: net, station: sta, location: loc, channel: cha, startNs: t(s), endNs: t(e) });

test("dataselect GET and bulk lines name the channel and the window; wildcards and reversed windows are refused", () => {
  const r = req("IU", "ANMO", "00", "BHZ", "2010-02-27T06:30:00Z", "2010-02-27T06:40:00Z");
  assert.equal(dataselectQueryUrl("https://service.iris.edu/fdsnws/dataselect/1", r),
    "https://service.iris.edu/fdsnws/dataselect/1/query?network=IU&station=ANMO&location=00&channel=BHZ&starttime=2010-02-27T06:30:00.000000&endtime=2010-02-27T06:40:00.000000");
  assert.equal(bulkLine(req("TA", "A25A", "", "BHE", "2010-03-25T00:00:00Z", "2010-03-25T00:00:06Z")), "TA A25A -- BHE 2010-03-25T00:00:00.000000 2010-03-25T00:00:06.000000");
  assert.equal(bulkBody([r], { quality: "B", nodata: 404 }), "quality=B\nnodata=404\nIU ANMO 00 BHZ 2010-02-27T06:30:00.000000 2010-02-27T06:40:00.000000\n");
  assert.throws(() => bulkLine({ ...r, channel: "BH?" }), /no wildcards/);
  assert.throws(() => bulkLine({ ...r, endNs: r.startNs }), /ends .* before it starts/);
});

test("bulk requests are grouped by station, at most maxLines lines each, a large station split in time order", () => {
  const rs: WaveformRequest[] = [];
  for (let i = 0; i < 5; i++) rs.push(req("CO", "JSC", "00", "HHZ", `2021-12-27T0${i}:00:00Z`, `2021-12-27T0${i}:01:00Z`));
  for (let i = 0; i < 3; i++) rs.push(req("CO", "BIRD", "00", "HHZ", `2021-12-27T0${i}:00:00Z`, `2021-12-27T0${i}:01:00Z`));
  rs.push(req("AA", "X", "", "HHZ", "2021-12-27T09:00:00Z", "2021-12-27T09:01:00Z"));
  const groups = groupBulkRequests(rs, 4);
  // Stations in code order: AA.X (1) + CO.BIRD (3) fill the first; CO.JSC (5) is split 4 + 1.
  assert.deepEqual(groups, [[8, 5, 6, 7], [0, 1, 2, 3], [4]]);
  for (const g of groups) assert.ok(g.length <= 4);
  assert.deepEqual([...groups.flat()].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(groupBulkRequests(rs, 100), [[8, 5, 6, 7, 0, 1, 2, 3, 4]]);
  assert.throws(() => groupBulkRequests(rs, 0), OptionError);
});

test("providers give service roots under /fdsnws/<service>/1; unknown names list the known ones", () => {
  const ingv = getProvider("ingv");
  assert.equal(serviceUrl(ingv.baseUrl, "event"), "https://webservices.ingv.it/fdsnws/event/1");
  assert.deepEqual(getProvider("USGS").services, ["event"]);
  assert.throws(() => getProvider("NOPE"), (e: unknown) => e instanceof OptionError && /known: .*IRIS.*USGS/.test(e.message));
});
