import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FormatError } from "../core/errors.js";
import { parseTimeNs } from "../core/time.js";
import { sharedPath } from "../../test-support/shared.js";
import { parseQuakeml } from "./quakeml.js";

const DIR = "data/fixtures-quakeml/";
const read = (f: string) => parseQuakeml(readFileSync(sharedPath(f), "utf8"), f);

test("every QuakeML file of fixtures-quakeml/MANIFEST.tsv parses, with as many events as <event> elements", () => {
  const files = readFileSync(sharedPath(DIR + "MANIFEST.tsv"), "utf8").trim().split("\n").slice(1).map((l) => l.split("\t")[0]!);
  assert.equal(files.length, 26);
  for (const f of files) {
    const xml = readFileSync(sharedPath(DIR + f), "utf8");
    const r = parseQuakeml(xml, f);
    assert.equal(r.events.length, (xml.match(/<(\w+:)?event[\s>]/g) ?? []).length, f);
    assert.ok(r.events.every((e) => e.eventId.length > 0), f);
  }
});

test("the South Carolina catalogue: the three events of PROVENANCE.md at the XML's full precision (time, lat, lon, depth km, magnitude)", () => {
  const { events } = read("data/seisplotjs-sc-event-dataset/dataset/catalog.quakeml");
  const got = events.map((e) => [e.originNs, e.latitude, e.longitude, e.depthKm, e.magnitude]).sort((a, b) => Number((a[0] as bigint) - (b[0] as bigint)));
  assert.deepEqual(got, [
    [parseTimeNs("2021-12-27T19:18:54.19Z"), 34.1823333, -80.7196667, 3.07, 3.3],
    [parseTimeNs("2021-12-27T22:38:21.70Z"), 34.175, -80.716, 1.33, 2.57],
    [parseTimeNs("2021-12-27T23:22:50.18Z"), 34.155, -80.729, 0.74, 2.3],
  ]);
});

test("quakeml_1.2_origin.xml and iris_events.xml: origin values as in the XML, depth metres → km", () => {
  const o = read(DIR + "obspy/quakeml_1.2_origin.xml").events[0]!;
  assert.equal(o.originNs, parseTimeNs("2011-03-11T05:46:24.120000Z"));
  assert.deepEqual([o.latitude, o.longitude, o.depthKm], [38.297, 142.373, 0.029]);
  const iris = read(DIR + "obspy/iris_events.xml").events;
  assert.deepEqual([iris[0]!.magnitude, iris[0]!.magnitudeType], [9.1, "MW"]);
});

test("preferred origin and magnitude are chosen by their IDs (usgs.xml: Mww 7.6, 210.097 km)", () => {
  const e = read(DIR + "seisplotjs/usgs.xml").events[0]!;
  assert.equal(e.eventId, "quakeml:us.anss.org/event/6000kawn");
  assert.equal(e.originNs, parseTimeNs("2023-05-10T16:02:00.451Z"));
  assert.deepEqual([e.latitude, e.longitude, e.depthKm, e.magnitude, e.magnitudeType], [-15.6002, -174.6077, 210.097, 7.6, "Mww"]);
  assert.equal(e.extra!.magnitudeId, "quakeml:us.anss.org/magnitude/6000kawn/mww");
});

test("picks carry their waveform ids and the phase of the preferred origin's arrival (over the phase hint)", () => {
  const usgs = read(DIR + "seisplotjs/usgs.xml").events[0]!;
  assert.equal(usgs.picks!.length, 117);
  assert.deepEqual(usgs.picks![0], { network: "G", station: "FUTU", location: "00", channel: "BHZ", phase: "Pn", timeNs: parseTimeNs("2023-05-10T16:03:00.28Z") });
  const rar = usgs.picks!.find((p) => p.station === "RAR")!;
  assert.deepEqual([rar.network, rar.location, rar.phase, rar.timeNs], ["IU", "10", "P", parseTimeNs("2023-05-10T16:05:21.84Z")]);
  const nlloc = read(DIR + "obspy/nlloc.qml").events[0]!;
  assert.deepEqual(nlloc.picks!.slice(0, 2).map((p) => [p.station, p.phase, p.timeNs]), [
    ["HM02", "P", parseTimeNs("2006-07-15T17:21:20.630000Z")],
    ["HM04", "P", parseTimeNs("2006-07-15T17:21:20.640000Z")],
  ]);
  const hint = read(DIR + "obspy/quakeml_1.2_pick.xml").events[0]!.picks!;
  assert.deepEqual([hint[0]!.network, hint[0]!.station, hint[0]!.phase, hint[0]!.timeNs], ["BW", "FUR", "Pn", parseTimeNs("2005-09-18T22:04:35Z")]);
});

test("not QuakeML or not XML: a FormatError naming the file", () => {
  assert.throws(() => read("data/seisplotjs-sc-event-dataset/dataset/inventory.staxml"), (e: unknown) => e instanceof FormatError && /inventory\.staxml: not QuakeML \(expected <quakeml><eventParameters>, got <FDSNStationXML>\)/.test(e.message));
  assert.throws(() => parseQuakeml("<quakeml><eventParameters>", "cut.xml"), (e: unknown) => e instanceof FormatError && /cut\.xml: not well-formed XML/.test(e.message));
  // The validator lets an unclosed processing instruction at the end through; the parser's refusal is named too.
  assert.throws(() => parseQuakeml('<?xml version="1.0"?><quakeml><eventParameters></eventParameters></quakeml><?x', "pi.xml"), (e: unknown) => e instanceof FormatError && /pi\.xml: not well-formed XML \(Pi Tag is not closed/.test(e.message));
  const bad = readFileSync(sharedPath(DIR + "obspy/quakeml_1.2_origin.xml"), "utf8").replace("<value>38.297</value>", "<value>north</value>");
  assert.throws(() => parseQuakeml(bad, "bad.xml"), (e: unknown) => e instanceof FormatError && e.field === "latitude" && /bad\.xml: event smi:ch\.ethz\.sed\/event\/historical\/1165: latitude is "north"/.test(e.message));
});
