import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { sharedPath } from "../../test-support/shared.js";
import { FormatError } from "../core/errors.js";
import { evaluateResponse } from "../signal/response.js";
import { parseSacPz } from "./sacpz.js";
import { parseStationXml } from "./stationxml.js";

const read = (rel: string) => parseSacPz(readFileSync(sharedPath(`data/fixtures-sac/${rel}`)), rel);
const pzOf = (c: ReturnType<typeof read>[number]) => {
  const s = c.response!.stages[0]!;
  assert.ok(s.kind === "poles-zeros");
  return s;
};

test("hrv.bhe.sacpz: 3 zeros at the origin (announced, not listed), 3 poles, the constant", () => {
  const [c, ...rest] = read("seisplotjs-filter-reference/hrv.bhe.sacpz");
  assert.equal(rest.length, 0);
  const s = pzOf(c!);
  assert.deepEqual(s.zeros, [[0, 0], [0, 0], [0, 0]]);
  assert.deepEqual(s.poles, [[-0.0139, 0.01], [-0.0139, -0.01], [-31.416, 0]]);
  assert.equal(s.normalizationFactor, 2.94283674e10);
  assert.equal(s.transfer, "laplace-rad");
  assert.equal(s.inputUnits, "M");
  // SAC's genran values for this response (seisplotjs transfer.test): H(f) at 5.04028 Hz = 1.48193e10 + 1.47267e10i
  const h = evaluateResponse(c!.response!, Float64Array.of(5.04028));
  assert.ok(Math.abs(h.re[0]! / 1.48193e10 - 1) < 1e-5 && Math.abs(h.im[0]! / 1.47267e10 - 1) < 1e-5, `${h.re[0]} ${h.im[0]}`);
});

test("IRIS headers: codes, epoch, coordinates and every channel of a multi-channel file", () => {
  const all = read("obspy/IU_ANMO_BH.sacpz");
  assert.equal(all.length, 9);
  const c = all[2]!;
  assert.deepEqual([c.network, c.station, c.location, c.channel], ["IU", "ANMO", "00", "BHZ"]);
  assert.equal(c.startNs, BigInt(Date.UTC(2012, 2, 12, 20, 28)) * 1_000_000n);
  assert.equal(c.latitude, 34.945981);
  assert.equal(c.longitude, -106.457133);
  assert.equal(c.elevationM, 1671.0);
  assert.equal(c.depthM, 145.0);
  assert.equal(c.dipDeg, -90);
  assert.equal(c.sampleRateHz, 20);
  assert.equal(pzOf(c).normalizationFactor, 2.745369e14);
  assert.equal(pzOf(c).poles.length, 5);
  assert.equal(read("SeisIO/test_sac.pz").length, 15);
  assert.deepEqual(read("SeisIO/JRO.sacpz").map((x) => x.channel), ["BHE", "BHN", "BHZ"]);
});

test("the SAC pole–zero and StationXML responses of IU.ANMO agree (displacement, 0.01–0.1 Hz, 1e-3)", () => {
  const xml = parseStationXml(readFileSync(sharedPath("data/fixtures-stationxml/obspy-core-response/IU_ANMO_BH.xml")));
  const pz = read("obspy/IU_ANMO_BH.sacpz");
  const f = Float64Array.of(0.01, 0.03, 0.1);
  let compared = 0;
  for (const x of xml) {
    const p = pz.find((q) => q.channel === x.channel && q.location === x.location && q.startNs === x.startNs);
    assert.ok(p, `${x.location}.${x.channel}`);
    const a = evaluateResponse(x.response!, f, { output: "displacement" });
    const b = evaluateResponse(p.response!, f, { output: "displacement" });
    for (let i = 0; i < f.length; i++) {
      const ratio = Math.hypot(a.re[i]!, a.im[i]!) / Math.hypot(b.re[i]!, b.im[i]!);
      assert.ok(Math.abs(ratio - 1) < 1e-3, `${x.channel} ${f[i]} Hz: ${ratio}`);
      compared++;
    }
  }
  assert.equal(compared, 27);
});

test("GeoNet-style headers (NM input, CONSTANT first) equal the same response in metres", () => {
  const [nz] = read("obspy/NZCRLZ_HHZ10.pz");
  assert.deepEqual([nz!.network, nz!.station, nz!.location, nz!.channel], ["NZ", "CRLZ", "10", "HHZ"]);
  assert.equal(nz!.sampleRateHz, 100);
  assert.equal(nz!.latitude, -43.57641);
  assert.equal(pzOf(nz!).inputUnits, "NM");
  const [m] = read("obspy/SAC_PZs_NZ_CRLZ_HHZ");
  const f = Float64Array.of(0.05, 1, 10);
  const a = evaluateResponse(nz!.response!, f, { output: "displacement" });
  const b = evaluateResponse(m!.response!, f, { output: "displacement" });
  for (let i = 0; i < f.length; i++) {
    assert.ok(Math.abs(Math.hypot(a.re[i]!, a.im[i]!) / Math.hypot(b.re[i]!, b.im[i]!) - 1) < 1e-4);
  }
});

test("malformed files throw FormatError naming the file and line", () => {
  assert.throws(() => parseSacPz("ZEROS 1\nPOLES 1\n1.0 abc\n", "x.pz"), (e: unknown) => e instanceof FormatError && /x\.pz: line 3/.test(e.message));
  assert.throws(() => parseSacPz("ZEROS 1\n1 0\n2 0\n", "x.pz"), (e: unknown) => e instanceof FormatError && /more zeros/.test(e.message));
  assert.throws(() => parseSacPz("hello world\n", "x.pz"), (e: unknown) => e instanceof FormatError && /line 1/.test(e.message));
  assert.throws(() => parseSacPz("ZEROS -2\n", "x.pz"), FormatError);
});
