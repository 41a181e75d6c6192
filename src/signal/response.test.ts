import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { sharedPath } from "../../test-support/shared.js";
import { DataError } from "../core/errors.js";
import type { InstrumentResponse } from "../core/response.js";
import { parseSac } from "../io/sac.js";
import { parseSacPz } from "../io/sacpz.js";
import { parseStationXml } from "../io/stationxml.js";
import { demean } from "./detrend.js";
import { irfft, rfft } from "./fft.js";
import { cosineSacTaper, evaluateResponse, groundMotionOf, invertSpectrum, removeResponse, removeSensitivity, responseFftLength } from "./response.js";
import { sacTaper } from "./taper.js";

test("IM.IL31 (one response-list stage) evaluated as velocity equals evalresp at the list's own frequencies", () => {
  const [ch] = parseStationXml(readFileSync(sharedPath("data/fixtures-stationxml/obspy-core-response/IM_IL31__BHZ.xml")), "IM_IL31__BHZ.xml");
  const stage = ch!.response!.stages[0]!;
  assert.equal(stage.kind, "list");
  const listF = stage.kind === "list" ? stage.frequenciesHz : [];
  const rows = readFileSync(sharedPath("data/fixtures-stationxml/obspy-core-response/expected_response_IM_IL31__BHZ.txt"), "utf8")
    .trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  const matched = rows.filter(([f]) => listF.some((g) => Math.abs(g - f) <= 1e-9 * f));
  assert.ok(matched.length > 1800, `${matched.length} rows at list frequencies`);
  const h = evaluateResponse(ch!.response!, Float64Array.from(matched, (r) => r[0]), { output: "velocity" });
  let worstAmp = 0, worstPhase = 0;
  matched.forEach(([, amp, phase], i) => {
    const a = Math.hypot(h.re[i]!, h.im[i]!);
    const p = (Math.atan2(h.im[i]!, h.re[i]!) * 180) / Math.PI;
    worstAmp = Math.max(worstAmp, Math.abs(a - amp) / amp);
    worstPhase = Math.max(worstPhase, Math.abs(p - phase));
  });
  assert.ok(worstAmp <= 1e-5, `amplitude relative error ${worstAmp}`);
  assert.ok(worstPhase <= 1e-3, `phase error ${worstPhase}°`);
});

test("SAC transfer (rmean; taper hanning 0.05; hrv.bhe.sacpz to displacement, freqlimits 0.005 0.01 1e5 1e6) equals SAC's 3_transfer.sac (rms misfit ≤ 5 %)", () => {
  const dir = "data/fixtures-sac/seisplotjs-filter-reference/";
  const raw = parseSac(new Uint8Array(readFileSync(sharedPath(dir + "IU.HRV.__.BHE.SAC"))), "IU.HRV.__.BHE.SAC");
  const ref = parseSac(new Uint8Array(readFileSync(sharedPath(dir + "3_transfer.sac"))), "3_transfer.sac");
  const [pz] = parseSacPz(readFileSync(sharedPath(dir + "hrv.bhe.sacpz"), "latin1"), "hrv.bhe.sacpz");
  const x = sacTaper(demean(raw.data), 0.05, "hanning");
  let nfft = 1;
  while (nfft < x.length) nfft *= 2; // SAC's transfer pads to the next power of two
  const y = removeResponse(x, 1 / raw.header.floats.delta!, pz!.response!, {
    output: "displacement", waterLevelDb: null, preFilterHz: [0.005, 0.01, 1e5, 1e6], zeroMean: false, taperFraction: 0, nfft,
  });
  assert.equal(y.length, ref.data.length);
  let se = 0, sr = 0;
  for (let i = 0; i < y.length; i++) { se += (y[i]! - ref.data[i]!) ** 2; sr += ref.data[i]! ** 2; }
  const misfit = Math.sqrt(se / sr);
  assert.ok(misfit <= 0.05, `rms misfit ${misfit}`);
  // SAC computes in float32: the agreement is in fact at that level
  assert.ok(misfit < 1e-5, `rms misfit ${misfit}`);
});

test("SAC's intermediate steps: rmean and taper hanning 0.05 equal 1_rmean.sac and 2_taper.sac (float32)", () => {
  const dir = "data/fixtures-sac/seisplotjs-filter-reference/";
  const read = (f: string): Float64Array => parseSac(new Uint8Array(readFileSync(sharedPath(dir + f))), f).data;
  const raw = read("IU.HRV.__.BHE.SAC"), rm = read("1_rmean.sac"), tp = read("2_taper.sac");
  const check = (a: Float64Array, b: Float64Array, label: string): void => {
    let worst = 0, max = 0;
    for (let i = 0; i < b.length; i++) { worst = Math.max(worst, Math.abs(a[i]! - b[i]!)); max = Math.max(max, Math.abs(b[i]!)); }
    assert.ok(worst <= 1e-6 * max, `${label}: ${worst / max}`);
  };
  check(demean(raw), rm, "rmean");
  check(sacTaper(rm, 0.05), tp, "taper");
});

const simple: InstrumentResponse = {
  stages: [{ kind: "poles-zeros", transfer: "laplace-rad", normalizationFactor: 1, normalizationFrequencyHz: 1, zeros: [[0, 0]], poles: [[-1, 0]], gain: 10, gainFrequencyHz: 1, inputUnits: "M/S", outputUnits: "V" }, { kind: "gain", gain: 100, gainFrequencyHz: 1, inputUnits: "V", outputUnits: "COUNTS" }],
};

test("analytic: s/(s+1) × 1000 in velocity, converted to displacement and acceleration by powers of iω", () => {
  const f = Float64Array.of(0.05, 1, 7);
  const v = evaluateResponse(simple, f, { output: "velocity" });
  const d = evaluateResponse(simple, f, { output: "displacement" });
  const a = evaluateResponse(simple, f, { output: "acceleration" });
  for (let i = 0; i < f.length; i++) {
    const w = 2 * Math.PI * f[i]!;
    // H_v = 1000·iω/(iω + 1)
    const den = 1 + w * w;
    const er = (1000 * w * w) / den, ei = (1000 * w) / den;
    assert.ok(Math.abs(v.re[i]! - er) < 1e-9 * 1000 && Math.abs(v.im[i]! - ei) < 1e-9 * 1000);
    // H_d = H_v·iω, H_a = H_v/(iω)
    assert.ok(Math.abs(d.re[i]! - -ei * w) < 1e-9 * 1000 * w && Math.abs(d.im[i]! - er * w) < 1e-9 * 1000 * w);
    assert.ok(Math.abs(a.re[i]! - ei / w) < 1e-9 * 1000 && Math.abs(a.im[i]! - -er / w) < 1e-9 * 1000);
  }
  assert.deepEqual(groundMotionOf("nm/s"), { motion: "velocity", perSi: 1e9 });
  assert.deepEqual(groundMotionOf("M/S**2"), { motion: "acceleration", perSi: 1 });
  assert.deepEqual(groundMotionOf("METERS"), { motion: "displacement", perSi: 1 });
  assert.equal(groundMotionOf("PA"), undefined);
  assert.throws(() => evaluateResponse({ stages: [{ ...simple.stages[1]!, inputUnits: "PA" }] }, f, { output: "velocity" }), DataError);
  const withSensitivity = { ...simple, sensitivity: { value: 1000, frequencyHz: 1, inputUnits: "M/S", outputUnits: "COUNTS" } };
  assert.deepEqual(Array.from(removeSensitivity(Float64Array.of(2000, -500), withSensitivity)), [2, -0.5]);
  assert.throws(() => removeSensitivity(Float64Array.of(1), simple), DataError);
});

test("response removal round trip: a signal passed through s/(s+1)·1000 comes back (water level off)", () => {
  const fs = 20, n = 2000;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin((2 * Math.PI * 1.3 * i) / fs) * Math.exp(-(((i - 1000) / 150) ** 2));
  // counts = FFT⁻¹(X·H): the response applied in the frequency domain (the signal ends long before n)
  const nfft = responseFftLength(n);
  assert.equal(nfft, 2 * n);
  const freqs = Float64Array.from({ length: nfft / 2 + 1 }, (_, k) => (k * fs) / nfft);
  const h = evaluateResponse(simple, freqs, { output: "velocity" });
  const X = rfft(x, nfft);
  const yr = X.re.map((v, k) => v * h.re[k]! - X.im[k]! * h.im[k]!), yi = X.re.map((v, k) => v * h.im[k]! + X.im[k]! * h.re[k]!);
  const counts = irfft(yr, yi, nfft).slice(0, n);
  const back = removeResponse(counts, fs, simple, { output: "velocity", waterLevelDb: null, zeroMean: false, taperFraction: 0 });
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(back[i]! - x[i]!));
  assert.ok(worst < 1e-9, `worst ${worst}`);
  // with ObsPy's defaults (demean, 5 % cosine taper, water level 60 dB) the middle is still recovered
  const obspy = removeResponse(counts, fs, simple);
  for (let i = 500; i < 1500; i++) assert.ok(Math.abs(obspy[i]! - x[i]!) < 1e-3, `${i}: ${obspy[i]} vs ${x[i]}`);
  const inv = { re: h.re.slice(), im: h.im.slice() };
  invertSpectrum(inv, 600);
  // (1/H)·H = 1 wherever H ≠ 0; H(0) = 0 stays 0
  assert.equal(inv.re[0], 0);
  for (let k = 1; k < freqs.length; k++) {
    const pr = inv.re[k]! * h.re[k]! - inv.im[k]! * h.im[k]!, pi = inv.re[k]! * h.im[k]! + inv.im[k]! * h.re[k]!;
    assert.ok(Math.abs(pr - 1) < 1e-12 && Math.abs(pi) < 1e-12);
  }
  const taper = cosineSacTaper(Float64Array.of(0, 0.5, 1, 1.5, 2, 5, 9, 10, 11), [0.5, 1.5, 9, 11]);
  assert.deepEqual(Array.from(taper, (v) => Math.round(v * 1e12) / 1e12), [0, 0, 0.5, 1, 1, 1, 1, 0.5, 0]);
});
