import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { sharedPath } from "../../test-support/shared.js";
import { FormatError } from "../core/errors.js";
import { evaluateResponse } from "../signal/response.js";
import { parseStationXml } from "./stationxml.js";

const root = sharedPath("data/fixtures-stationxml");
function xmlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) xmlFiles(p, out);
    else if (/\.(xml|staxml|stationxml)$/.test(name)) out.push(p);
  }
  return out;
}
const read = (rel: string) => parseStationXml(readFileSync(join(root, rel)), rel);

test("every StationXML fixture parses (channels per file as the XML lists them)", () => {
  const files = xmlFiles(root);
  assert.ok(files.length >= 30, `${files.length} files`);
  const counts: Record<string, number> = {};
  for (const f of files) {
    const text = readFileSync(f, "latin1");
    const channels = parseStationXml(readFileSync(f), f);
    // one ChannelMetadata per <Channel …code=…> element
    const expected = (text.match(/<(?:\w+:)?Channel\s[^>]*code=/g) ?? []).length;
    assert.equal(channels.length, expected, f);
    counts[f.slice(root.length + 1)] = channels.length;
  }
  assert.equal(counts["obspy-core-response/IU_ANMO_BH.xml"], 9);
  assert.equal(counts["obspy/version20.xml"], 0);
});

test("IRIS_single_channel_with_response.xml: codes, coordinates, stages and gains as the XML says", () => {
  const [c, ...rest] = read("obspy/IRIS_single_channel_with_response.xml");
  assert.equal(rest.length, 0);
  assert.deepEqual([c!.network, c!.station, c!.location, c!.channel], ["IU", "ANMO", "10", "BHZ"]);
  assert.equal(c!.latitude, 34.945913);
  assert.equal(c!.longitude, -106.457122);
  assert.equal(c!.elevationM, 1759.0);
  assert.equal(c!.depthM, 57.0);
  assert.equal(c!.dipDeg, -90);
  assert.equal(c!.sampleRateHz, 40);
  assert.equal(c!.startNs, BigInt(Date.UTC(2012, 2, 13, 8, 10)) * 1_000_000n);
  const r = c!.response!;
  assert.equal(r.sensitivity!.value, 3.31283e10);
  assert.equal(r.sensitivity!.inputUnits, "M/S");
  assert.deepEqual(r.stages.map((s) => s.kind), ["poles-zeros", "coefficients", "coefficients"]);
  const pz = r.stages[0]!;
  assert.ok(pz.kind === "poles-zeros");
  assert.equal(pz.transfer, "laplace-rad");
  assert.equal(pz.normalizationFactor, 72698900);
  assert.equal(pz.normalizationFrequencyHz, 0.1);
  assert.equal(pz.zeros.length, 2);
  assert.deepEqual(pz.poles[2], [-197.9, 197.9]);
  assert.equal(pz.gain, 19746);
  assert.equal(pz.inputUnits, "M/S");
  assert.equal(pz.outputUnits, "V");
  const dig = r.stages[1]!;
  assert.ok(dig.kind === "coefficients");
  assert.equal(dig.gain, 1677720);
  assert.equal(dig.inputSampleRateHz, 40);
  assert.equal(dig.numerators.length, 0);
  const fir = r.stages[2]!;
  assert.ok(fir.kind === "coefficients");
  assert.equal(fir.numerators[1], 0.000330318);
  assert.equal(fir.numerators[17], 0.837233);
  // the stages multiply to the instrument sensitivity at its frequency
  const h = evaluateResponse(r, Float64Array.of(r.sensitivity!.frequencyHz));
  const amp = Math.hypot(h.re[0]!, h.im[0]!);
  assert.ok(Math.abs(amp / r.sensitivity!.value - 1) < 1e-2, `|H| ${amp}`);
});

test("response lists, FIR symmetry, 2.0 and prefixed namespaces, ISO-8859-1 bytes", () => {
  const [il] = read("obspy-core-response/IM_IL31__BHZ.xml");
  const list = il!.response!.stages[0]!;
  assert.ok(list.kind === "list");
  assert.equal(list.frequenciesHz.length, 2047);
  assert.equal(list.frequenciesHz[0], 0.0098);
  assert.equal(list.amplitudes[0], 0.000073162);
  assert.equal(list.phasesDeg[0], 219);
  assert.equal(list.gain, 1.0582e11);
  assert.equal(list.inputUnits, "M");
  const firs = read("obspy-core-response/BW_RTSH.xml")[0]!.response!.stages.filter((s) => s.kind === "fir");
  assert.ok(firs.length > 0);
  for (const s of firs) assert.ok(s.kind === "fir" && ["NONE", "EVEN", "ODD"].includes(s.symmetry) && s.coefficients.length > 0);
  const fdsn = read("SeisIO/FDSNsta.xml");
  assert.deepEqual(fdsn.map((c) => `${c.network}.${c.station}.${c.location}.${c.channel}`), ["TA.C26K..BHZ"]);
  assert.equal(fdsn[0]!.response!.sensitivity!.value, 628316000);
  assert.deepEqual(read("obspy/no_default_namespace.xml"), []);
  assert.deepEqual(read("obspy/version20.xml"), []);
});

test("invalid documents throw FormatError naming the file and the problem", () => {
  const bad = (xml: string, re: RegExp): void => {
    assert.throws(() => parseStationXml(xml, "bad.xml"), (e: unknown) => e instanceof FormatError && /bad\.xml/.test(e.message) && re.test(e.message));
  };
  bad("<FDSNStationXML><Network code='XX'>", /malformed XML/);
  bad("<?xml version='1.0'?><q:quakeml xmlns:q='x'><eventParameters/></q:quakeml>", /FDSNStationXML/);
  bad("<FDSNStationXML schemaVersion='1.1'><Network code='XX'><Station code='S'><Channel code='HHZ' locationCode=''><Latitude>north</Latitude></Channel></Station></Network></FDSNStationXML>", /"north" is not a number/);
  bad("<FDSNStationXML schemaVersion='1.1'><Network code='XX'><Station code='S'><Channel code='HHZ' locationCode=''><Response><Stage number='1'><PolesZeros><PzTransferFunctionType>SPLINE</PzTransferFunctionType></PolesZeros></Stage></Response></Channel></Station></Network></FDSNStationXML>", /PzTransferFunctionType/);
  bad("<FDSNStationXML schemaVersion='9.0'/>", /schemaVersion/);
});
