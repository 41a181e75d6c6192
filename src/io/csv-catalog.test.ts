import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FormatError } from "../core/errors.js";
import { parseTimeNs } from "../core/time.js";
import { sharedPath } from "../../test-support/shared.js";
import { parseCsvCatalog, parseCsvRows } from "./csv-catalog.js";

const read = (f: string) => parseCsvCatalog(readFileSync(sharedPath(f), "utf8"), f);

test("ncedc-event-windows/catalog.csv maps event_id, origin_time, depth_km (and file) through the aliases", () => {
  const r = read("data/ncedc-event-windows/catalog.csv");
  assert.deepEqual(r.mappedColumns, { event_id: "eventId", origin_time: "originNs", lat: "latitude", lon: "longitude", depth_km: "depthKm", mag: "magnitude", file: "extra.file" });
  assert.equal(r.events.length, 253);
  const first = r.events[0]!;
  assert.equal(first.eventId, "BG_ACR_2012082505145960");
  // PROVENANCE: no real catalogue, the origin and hypocentre columns are blank.
  assert.equal(first.originNs, undefined);
  assert.equal(first.latitude, undefined);
  assert.equal(first.extra!.file, "mseed/BG.ACR.2012082505145960.mseed");
  assert.equal(first.extra!.p_sample, "3000");
  assert.equal(r.events[252]!.eventId, "WR_SLD_2016052802511072");
  assert.equal(r.events[252]!.extra!.s_sample, "");
});

test("specufex-python-layouts/catalog.csv (the tutorial's columns): 60 events with values as in the file", () => {
  const r = read("data/specufex-python-layouts/catalog.csv");
  assert.deepEqual(r.mappedColumns, { event_ID: "eventId", otime: "originNs", lat: "latitude", lon: "longitude", depth: "depthKm", mag: "magnitude" });
  assert.equal(r.events.length, 60);
  assert.deepEqual(r.events[1], { eventId: "200037", originNs: parseTimeNs("2016-10-13T01:07:13.123457Z"), latitude: 42.79764, longitude: 13.19169, depthKm: 5.666, magnitude: 1.26, extra: { family: "1" } });
  assert.deepEqual([r.events[59]!.eventId, r.events[59]!.magnitude], ["202183", 0.38]);
});

test("ObsPy's CSV catalogues: id/time/dep/magtype aliases, and year…seconds columns combined into the origin", () => {
  const c = read("data/fixtures-fdsn-text/event-csv-obspy/catalog.csv");
  assert.equal(c.mappedColumns.dep, "depthKm");
  assert.deepEqual(c.events.map((e) => [e.eventId, e.originNs, e.depthKm, e.magnitude, e.magnitudeType]), [
    ["20120404_0000041", parseTimeNs("2012-04-04T14:21:42.3"), 1, 4.4, "mb"],
    ["20120404_0000038", parseTimeNs("2012-04-04T14:18:37"), 14.4, 4.3, "ML"],
    ["20120404_0000039", parseTimeNs("2012-04-04T14:08:46"), 7, 3, "ML"],
  ]);
  const x = read("data/fixtures-fdsn-text/event-csv-obspy/external.csv").events[0]!;
  assert.deepEqual([x.eventId, x.originNs, x.latitude, x.longitude, x.depthKm, x.magnitude, x.extra!.code], ["2023abcde", parseTimeNs("2023-05-06T19:55:01.3"), 10.1942, 124.83, 50.47, 0.2, "LI"]);
});

test("quoted fields, a pick-time column and a phase column; epoch-second times", () => {
  const text = 'evid,timestamp,latitude,longitude,depth_km,magnitude,station,p_time,phase,note\n' +
    '"ev,1",1476331506.5,42.8,13.2,8.9,1.2,T1214,2016-10-13T04:05:09.25Z,P,"said ""hi""\nand left"\n';
  const r = parseCsvCatalog(text, "picks.csv");
  assert.equal(r.mappedColumns.p_time, "picks[0].timeNs");
  const e = r.events[0]!;
  assert.equal(e.eventId, "ev,1");
  assert.equal(e.originNs, 1476331506_500000000n);
  assert.deepEqual(e.picks, [{ station: "T1214", phase: "P", timeNs: parseTimeNs("2016-10-13T04:05:09.25Z") }]);
  assert.equal(e.extra!.note, 'said "hi"\nand left');
  assert.deepEqual(parseCsvRows('a;"b;c"\r\n1;2\r\n', ";", "x").map((r) => r.cells), [["a", "b;c"], ["1", "2"]]);
});

test("errors name the file, the row's line and the column", () => {
  const bad = "event_ID,otime,lat\n1,2016-10-13T00:00:00Z,42.8\n2,2016-10-13T00:00:01Z,north\n";
  assert.throws(() => parseCsvCatalog(bad, "cat.csv"), (e: unknown) => e instanceof FormatError && e.record === 3 && e.field === "lat" && /cat\.csv: row at line 3, column "lat": "north" is not a number/.test(e.message));
  assert.throws(() => parseCsvCatalog("event_ID,otime\n1,yesterday\n", "t.csv"), (e: unknown) => e instanceof FormatError && /t\.csv: row at line 2, column "otime": "yesterday" is not a time/.test(e.message));
  assert.throws(() => parseCsvCatalog("name,otime\nx,2016-10-13\n", "n.csv"), (e: unknown) => e instanceof FormatError && /n\.csv: no event id column \(expected one of event_ID, evid/.test(e.message));
  assert.throws(() => parseCsvCatalog("event_ID,otime\n1,2016-10-13,extra\n", "w.csv"), (e: unknown) => e instanceof FormatError && /w\.csv: row at line 2: 3 fields, the header has 2/.test(e.message));
  assert.throws(() => parseCsvCatalog('event_ID,otime\n"1,2016-10-13\n', "q.csv"), (e: unknown) => e instanceof FormatError && /quote not closed/.test(e.message));
});
