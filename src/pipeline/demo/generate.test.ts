import { test } from "node:test";
import assert from "node:assert/strict";
import { OptionError } from "../../core/errors.js";
import { parseTimeNs } from "../../core/time.js";
import { RealFft } from "../../signal/fft.js";
import { NormalizedSpectrogramPlan } from "../../signal/normalize.js";
import { generateDemo, type DemoDataset } from "./generate.js";

// One default data set (1000 events, seed 42) shared by the statistical tests.
const demo: DemoDataset = generateDemo();
const N = demo.events.length;
const FS = demo.sampleRateHz;

/** Haversine distance (km) on a sphere of radius 6371 km, written independently of the generator. */
function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(a));
}

function meanSquare(x: Float64Array, a: number, b: number): number {
  let s = 0;
  for (let i = a; i < b; i++) s += x[i]! * x[i]!;
  return s / (b - a);
}

test("same seed gives a bit-identical data set; another seed gives a different one", () => {
  const a = generateDemo({ events: 100, seed: 5 });
  const b = generateDemo({ events: 100, seed: 5 });
  const c = generateDemo({ events: 100, seed: 6 });
  for (let e = 0; e < 100; e++) {
    assert.deepEqual(new Uint8Array(a.waveforms[e]!.slice().buffer), new Uint8Array(b.waveforms[e]!.slice().buffer), `waveform ${e}`);
    assert.deepEqual(a.events[e], b.events[e]);
  }
  let differing = 0;
  for (let e = 0; e < 100; e++) if (a.waveforms[e]![1000] !== c.waveforms[e]![1000]) differing++;
  assert.equal(differing, 100);
  assert.notDeepEqual(a.events.map((x) => x.magnitude), c.events.map((x) => x.magnitude));
});

test("shapes: one waveform per event, all of durationSeconds·fs samples, ids unique, truth labels 1…families", () => {
  assert.equal(demo.waveforms.length, 1000);
  for (const w of demo.waveforms) assert.equal(w.length, 2000);
  assert.equal(new Set(demo.events.map((e) => e.eventId)).size, 1000);
  const labels = new Set(demo.events.map((e) => e.family));
  assert.deepEqual([...labels].sort(), [1, 2, 3, 4]);
  assert.equal(demo.familyInfo.length, 4);
  assert.equal(demo.preSeconds, 3);
});

test("magnitudes: Gutenberg–Richter with Aki's b within 0.8–1.2 over more than 2 units from Mmin 0.5", () => {
  const m = demo.events.map((e) => e.magnitude);
  const min = Math.min(...m), max = Math.max(...m);
  assert.ok(min >= 0.5, `min ${min}`);
  assert.ok(max - min >= 2, `range ${max - min}`);
  // Aki (1965): b = log10(e)/(mean(M) − Mmin); magnitudes are continuous draws above 0.5 rounded to 0.01.
  const mean = m.reduce((s, v) => s + v, 0) / N;
  const b = Math.LOG10E / (mean - 0.5);
  assert.ok(b >= 0.8 && b <= 1.2, `Aki b = ${b}`);
});

test("S − P equals R·(1/vs − 1/vp) with R from the catalogue hypocentre and the station (vp 6 km/s, vs = vp/√3)", () => {
  const st = demo.station;
  let worst = 0;
  for (const e of demo.events) {
    const epi = greatCircleKm(st.latitude, st.longitude, e.latitude, e.longitude);
    const r = Math.hypot(epi, e.depthKm + st.elevationM / 1000);
    const expected = r * (Math.sqrt(3) / 6 - 1 / 6);
    const got = Number(e.sArrivalNs - e.pArrivalNs) / 1e9;
    worst = Math.max(worst, Math.abs(got - expected));
    assert.ok(Math.abs(e.hypocentralDistanceKm - r) < 1e-9, `event ${e.eventId}: R ${e.hypocentralDistanceKm} vs ${r}`);
    assert.ok(e.pArrivalNs - e.originNs === BigInt(Math.round((r / 6) * 1e9)), `event ${e.eventId}: P travel time`);
  }
  assert.ok(worst <= 5e-9, `worst S−P error ${worst} s`);
});

test("the waveform's energy rises at the catalogue's S time (≥ 97 % of events) and not 0.5 s before or after it (≤ 40 %)", () => {
  const h = Math.round(0.5 * FS);
  const risingAt = (shiftSeconds: number): number => {
    let rising = 0;
    for (let e = 0; e < N; e++) {
      const ev = demo.events[e]!;
      const iS = Math.round((demo.preSeconds + Number(ev.sArrivalNs - ev.pArrivalNs) / 1e9 + shiftSeconds) * FS);
      if (meanSquare(demo.waveforms[e]!, iS, iS + h) > meanSquare(demo.waveforms[e]!, iS - h, iS)) rising++;
    }
    return rising / N;
  };
  const atS = risingAt(0), before = risingAt(-0.5), after = risingAt(0.5);
  assert.ok(atS >= 0.97, `rising at S: ${atS}`);
  assert.ok(before <= 0.4 && after <= 0.4, `rising 0.5 s off S: ${before}, ${after}`);
});

test("the P arrival is at preSeconds: the first 0.5 s after it carry more energy than the noise before it (≥ 97 % of events)", () => {
  const iP = Math.round(demo.preSeconds * FS);
  let ok = 0;
  for (let e = 0; e < N; e++) if (meanSquare(demo.waveforms[e]!, iP, iP + Math.round(0.5 * FS)) > 1.44 * meanSquare(demo.waveforms[e]!, 0, iP)) ok++;
  assert.ok(ok / N >= 0.97, `P visible in ${ok} of ${N}`);
});

test("SNR measured on each waveform (mean x² over [P, S + 2τ) over mean x² before P) equals the reported value and lies in 5–20 dB", () => {
  const iP = Math.round(demo.preSeconds * FS);
  const n = demo.waveforms[0]!.length;
  let worst = 0, lo = Infinity, hi = -Infinity;
  for (let e = 0; e < N; e++) {
    const ev = demo.events[e]!;
    const sp = Number(ev.sArrivalNs - ev.pArrivalNs) / 1e9;
    const end = Math.min(n, Math.round((demo.preSeconds + sp + 2 * ev.codaDecaySeconds) * FS));
    assert.equal(Math.round(ev.snrWindowSeconds[0] * FS), iP);
    assert.ok(Math.abs(Math.round(ev.snrWindowSeconds[1] * FS) - end) <= 1, `event ${ev.eventId}: window end`);
    const x = demo.waveforms[e]!;
    const snr = 10 * Math.log10(meanSquare(x, iP, end) / meanSquare(x, 0, iP));
    worst = Math.max(worst, Math.abs(snr - ev.snrDb));
    lo = Math.min(lo, snr);
    hi = Math.max(hi, snr);
  }
  assert.ok(worst < 1e-6, `worst |measured − reported| ${worst} dB`);
  assert.ok(lo >= 5 - 1e-6 && hi <= 20 + 1e-6, `SNR range ${lo}–${hi} dB`);
  assert.ok(lo < 5.5 && hi > 19.5, `SNR draws cover the range: ${lo}–${hi} dB`);
});

test("family corner frequencies lie within a factor of 2, and fc scales mildly with moment (slope ≈ −1/12 in log–log)", () => {
  const fc = demo.familyInfo.map((f) => f.cornerHz);
  assert.ok(Math.max(...fc) / Math.min(...fc) <= 2, `families' fc ${fc.join(", ")}`);
  const medians: number[] = [];
  for (const f of demo.familyInfo) {
    const ev = demo.events.filter((e) => e.family === f.family);
    const sorted = ev.map((e) => e.cornerHz).sort((a, b) => a - b);
    medians.push(sorted[sorted.length >> 1]!);
    // Least-squares slope of log10 fc on log10 M0 within the family.
    const xs = ev.map((e) => Math.log10(e.momentNm)), ys = ev.map((e) => Math.log10(e.cornerHz));
    const mx = xs.reduce((s, v) => s + v, 0) / xs.length, my = ys.reduce((s, v) => s + v, 0) / ys.length;
    let sxy = 0, sxx = 0;
    for (let i = 0; i < xs.length; i++) { sxy += (xs[i]! - mx) * (ys[i]! - my); sxx += (xs[i]! - mx) ** 2; }
    const slope = sxy / sxx;
    assert.ok(slope > -0.12 && slope < -0.05, `family ${f.family}: d log fc / d log M0 = ${slope}`);
  }
  assert.ok(Math.max(...medians) / Math.min(...medians) <= 2, `median event fc per family ${medians.join(", ")}`);
});

test("the displacement spectrum falls off as f^−2 above the corner (attenuation removed; 400 Hz, SNR 80 dB; slope −2 ± 0.25)", () => {
  // Families 1–2 (little attenuation); fit log|U(f)| between 3·fc (= 2·fc_P) and 0.8·Nyquist. Brune's own
  // curvature near the corner (local slope −2x²/(1 + x²)) makes the fit slightly shallower than −2.
  const d = generateDemo({ events: 40, seed: 3, sampleRateHz: 400, snrDb: [80, 80], families: 2 });
  const n = d.waveforms[0]!.length;
  const plan = new RealFft(n);
  const re = new Float64Array(plan.bins), im = new Float64Array(plan.bins), xt = new Float64Array(n);
  const slopes: number[] = [];
  for (let e = 0; e < d.events.length; e++) {
    const ev = d.events[e]!, x = d.waveforms[e]!;
    for (let i = 0; i < n; i++) xt[i] = x[i]! * Math.sin((Math.PI * i) / n) ** 2;
    plan.forward(xt, re, im);
    let sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
    for (let k = 1; k < plan.bins; k++) {
      const f = (k * d.sampleRateHz) / n;
      if (f < 3 * ev.cornerHz || f > 0.4 * d.sampleRateHz) continue;
      const u = (Math.hypot(re[k]!, im[k]!) / (2 * Math.PI * f)) * Math.exp(Math.PI * f * ev.tStarSeconds);
      const lx = Math.log10(f), ly = Math.log10(u);
      sx += lx; sy += ly; sxx += lx * lx; sxy += lx * ly; m++;
    }
    slopes.push((m * sxy - sx * sy) / (m * sxx - sx * sx));
  }
  const mean = slopes.reduce((s, v) => s + v, 0) / slopes.length;
  assert.ok(mean > -2.25 && mean < -1.75, `mean slope ${mean}`);
  for (const s of slopes) assert.ok(s > -2.5 && s < -1.5, `event slope ${s}`);
});

test("hypocentres cluster per family: every event is nearer its own family centroid, and own-centroid distances are smaller on average", () => {
  const kmPerDeg = (Math.PI * 6371) / 180;
  const xyz = (lat: number, lon: number, depth: number) => [lat * kmPerDeg, lon * kmPerDeg * Math.cos((42.7 * Math.PI) / 180), depth];
  const cents = demo.familyInfo.map((f) => xyz(f.latitude, f.longitude, f.depthKm));
  const sum = demo.familyInfo.map(() => new Float64Array(demo.familyInfo.length));
  const count = new Float64Array(demo.familyInfo.length);
  let nearestOwn = 0;
  for (const e of demo.events) {
    const p = xyz(e.latitude, e.longitude, e.depthKm);
    let best = 0, bestD = Infinity;
    for (let k = 0; k < cents.length; k++) {
      const d = Math.hypot(p[0]! - cents[k]![0]!, p[1]! - cents[k]![1]!, p[2]! - cents[k]![2]!);
      sum[e.family - 1]![k]! += d;
      if (d < bestD) { bestD = d; best = k; }
    }
    count[e.family - 1]!++;
    if (best === e.family - 1) nearestOwn++;
  }
  for (let f = 0; f < cents.length; f++) {
    const own = sum[f]![f]! / count[f]!;
    for (let k = 0; k < cents.length; k++) if (k !== f) assert.ok(own < sum[f]![k]! / count[f]!, `family ${f + 1}: own ${own} km vs family ${k + 1}`);
    assert.ok(own > 0.5 && own < 3, `family ${f + 1}: mean distance to centroid ${own} km (a spread, not a point)`);
  }
  assert.ok(nearestOwn / N >= 0.95, `nearest own centroid: ${nearestOwn} of ${N}`);
});

test("origin times are in order and span more than 6 of the 7 days from the start time", () => {
  const start = parseTimeNs("2016-09-01T00:00:00Z");
  const day = 86_400_000_000_000n;
  for (let e = 1; e < N; e++) assert.ok(demo.events[e]!.originNs >= demo.events[e - 1]!.originNs);
  assert.ok(demo.events[0]!.originNs >= start && demo.events[N - 1]!.originNs < start + 7n * day);
  assert.ok(demo.events[N - 1]!.originNs - demo.events[0]!.originNs > 6n * day);
});

test("spectrograms differ between families (spectral centroid), but not trivially (two families overlap)", () => {
  // The tutorial's spectrogram settings (nperseg 64, noverlap 16, nfft 512, 5–20 Hz, median-normalised dB).
  const plan = new NormalizedSpectrogramPlan(FS, { nperseg: 64, noverlap: 16, nfft: 512, scaling: "spectrum", mode: "magnitude", window: ["tukey", 0.25], fminHz: 5, fmaxHz: 20 });
  const byFamily = demo.familyInfo.map(() => [] as number[]);
  for (let e = 0; e < N; e++) {
    const s = plan.compute(demo.waveforms[e]!);
    const [rows, cols] = s.values.shape;
    let num = 0, den = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) { const v = s.values.data[i * cols + j]!; num += v * s.frequenciesHz[i]!; den += v; }
    byFamily[demo.events[e]!.family - 1]!.push(num / den);
  }
  const stats = byFamily.map((v) => {
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1));
    return { mean, sd, se: sd / Math.sqrt(v.length) };
  });
  // Bright families (1, 2: high fc, little attenuation) against dull ones (3, 4).
  for (const b of [0, 1]) for (const d of [2, 3]) {
    const gap = stats[b]!.mean - stats[d]!.mean;
    assert.ok(gap > 10 * Math.hypot(stats[b]!.se, stats[d]!.se), `families ${b + 1} vs ${d + 1}: centroid gap ${gap} Hz`);
  }
  const pooled = Math.hypot(stats[0]!.sd, stats[1]!.sd) / Math.SQRT2;
  assert.ok(Math.abs(stats[0]!.mean - stats[1]!.mean) < 2 * pooled, `families 1 and 2 overlap in spectral centroid`);
});

test("bad options throw OptionError naming the option", () => {
  assert.throws(() => generateDemo({ events: 0 }), (e) => e instanceof OptionError && /"events"/.test(e.message));
  assert.throws(() => generateDemo({ families: 9 }), (e) => e instanceof OptionError && /"families"/.test(e.message));
  assert.throws(() => generateDemo({ snrDb: [1, 5] }), (e) => e instanceof OptionError && /"snrDb"/.test(e.message));
  assert.throws(() => generateDemo({ durationSeconds: 5 }), (e) => e instanceof OptionError && /"durationSeconds"/.test(e.message));
  assert.throws(() => generateDemo({ colour: "red" } as never), (e) => e instanceof OptionError && /"colour"/.test(e.message));
});
