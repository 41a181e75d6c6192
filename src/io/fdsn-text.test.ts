import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { FormatError } from "../core/errors.js";
import { parseTimeNs } from "../core/time.js";
import { sharedPath } from "../../test-support/shared.js";
import { parseFdsnEventText, parseFdsnStationText, parseZmap } from "./fdsn-text.js";

const DIR = "data/fixtures-fdsn-text/";
const text = (f: string) => readFileSync(sharedPath(DIR + f), "utf8");

test("FDSN event text: both events with the values of the file, empty fields left undefined", () => {
  const r = parseFdsnEventText(text("event-text/fdsnws-event-text_obspy_events.txt"), "events.txt");
  assert.deepEqual(r.events, [
    { eventId: "3337497", originNs: parseTimeNs("2012-04-11T08:38:37"), latitude: 2.2376, longitude: 93.0144, depthKm: 26.3, magnitude: 8.6, magnitudeType: "MW", extra: { author: "ISC", contributor: "ISC", magAuthor: "GCMT", locationName: "SUMATRA" } },
    { eventId: "2413", originNs: parseTimeNs("1960-05-22T19:11:14"), latitude: -38.17, longitude: -72.57, depthKm: 0, magnitude: 8.5, extra: {} },
  ]);
});

test("FDSN station text at every level: every file of station-text/ parses, values as in the files", () => {
  for (const f of readdirSync(sharedPath(DIR + "station-text"))) {
    const r = parseFdsnStationText(text("station-text/" + f), f);
    const lines = text("station-text/" + f).split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#")).length;
    assert.equal(r.rows.length, lines, f);
    assert.equal(r.level, f.includes("network") ? "network" : f.includes("station_level") || f.includes("unicode") ? "station" : "channel", f);
  }
  const ch = parseFdsnStationText(text("station-text/channel_level_fdsn.txt"), "c");
  assert.equal(ch.level, "channel");
  if (ch.level === "channel") {
    const bwn = ch.rows[2]!;
    assert.deepEqual([bwn.network, bwn.station, bwn.location, bwn.channel, bwn.latitude, bwn.longitude, bwn.elevationM, bwn.depthM, bwn.dipDeg, bwn.sampleRateHz], ["AK", "BWN", "", "LHZ", 64.1732, -149.2991, 356, 1.5, -90, 1]);
    assert.deepEqual(bwn.response!.sensitivity, { value: 4.98112e8, frequencyHz: 0.03, inputUnits: "M/S", outputUnits: "COUNTS" });
    assert.equal(bwn.startNs, parseTimeNs("2014-08-01T00:00:00"));
    assert.equal(bwn.sensorDescription, "Nanometrics Trillium 120 Sec Response/Quanterra 33");
  }
  const noEnd = parseFdsnStationText(text("station-text/channel_level_fdsn_no_endtime.txt"), "c");
  assert.ok(noEnd.rows.every((r) => r.endNs === undefined));
  const odd = parseFdsnStationText(text("station-text/obspy-clients-uncommon_channel_location.txt"), "u");
  if (odd.level === "channel") assert.deepEqual(odd.rows.map((r) => `${r.station}.${r.location}.${r.channel}`), ["BAGLA.31.RST", "BAGLB..RST", "BAGLC.31.EHE", "BAGLD..EHE"]);
  const net = parseFdsnStationText(text("station-text/network_level_fdsn.txt"), "n");
  assert.deepEqual(net.rows[0], { network: "TA", description: "USArray Transportable Array (NSF EarthScope Project)", startNs: parseTimeNs("2003-01-01T00:00:00"), endNs: parseTimeNs("2500-12-31T23:59:59"), totalStations: 1700 });
  const sta = parseFdsnStationText(text("station-text/station_level_fdsn.txt"), "s");
  assert.deepEqual(sta.rows[2], { network: "TR", station: "ALNG", latitude: 10.1814, longitude: -61.6883, elevationM: 10, siteName: "Trinidad, Point Fortin", startNs: parseTimeNs("2000-01-01T00:00:00"), endNs: parseTimeNs("2599-12-31T23:59:59") });
});

test("ZMAP: origin from year/month/day/hour/minute/second, lon and lat in that order, depth km, magnitude", () => {
  const r = parseZmap(text("event-zmap/zmap_events.txt"), "zmap.txt");
  assert.deepEqual(r.events.map((e) => [e.originNs, e.longitude, e.latitude, e.depthKm, e.magnitude]), [
    [parseTimeNs("2012-04-04T14:21:42"), 79.689, 41.818, 1, 4.4],
    [parseTimeNs("2012-04-04T14:21:42"), 79.684, 41.822, 1, 5.1],
  ]);
});

test("malformed text names the file and line", () => {
  assert.throws(() => parseFdsnEventText("#EventID | Time\n1 | 2012-01-01 | extra\n", "e.txt"), (e: unknown) => e instanceof FormatError && e.record === 2 && /e\.txt: line 2: 3 fields, the header has 2/.test(e.message));
  assert.throws(() => parseFdsnEventText("#EventID | Time | Latitude\n1|2012-01-01|x\n", "e.txt"), (e: unknown) => e instanceof FormatError && /line 2, column "latitude": "x" is not a number/.test(e.message));
  assert.throws(() => parseFdsnEventText("EventID|Time\n", "h.txt"), (e: unknown) => e instanceof FormatError && /h\.txt: line 1: expected a "#"-header/.test(e.message));
  assert.throws(() => parseZmap("1 2 3\n", "z.txt"), (e: unknown) => e instanceof FormatError && /z\.txt: line 1: 3 columns/.test(e.message));
  // Out-of-range date fields are named (a huge year once reached BigInt(NaN): a RangeError).
  assert.throws(() => parseZmap("79.7 41.8 2012.25 13 4 4.4 1 14 21 42\n", "z.txt"), (e: unknown) => e instanceof FormatError && e.field === "month" && /z\.txt: line 1: month 13 is out of range \(1–12\)/.test(e.message));
  assert.throws(() => parseZmap("79.7 41.8 1e300 4 4 4.4 1 14 21 42\n", "z.txt"), (e: unknown) => e instanceof FormatError && e.field === "year");
});
