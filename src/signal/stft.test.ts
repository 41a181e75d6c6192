import { test } from "node:test";
import assert from "node:assert/strict";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { DataError, OptionError } from "../core/errors.js";
import { spectrogram, SpectrogramPlan, type SpectrogramOptions } from "./stft.js";
import { normalizeSpectrogram, normalizedSpectrogram, pooledSpectrogram, median } from "./normalize.js";

interface Case { params: { nperseg: number; noverlap: number; nfft: number | null; window: "hann" | ["tukey", number]; scaling: "spectrum" | "density"; mode: "magnitude" | "psd" }; f: number[]; t: number[]; S: number[][][] }
const g = readGolden<{ fs: number; waveforms: number[][]; cases: Case[]; normalised: { fmin: number; fmax: number; f: number[]; median: number[]; dB: number[][][] } }>("spectrogram.json");

test("spectrogram matches SciPy on every golden case (rtol 1e-10), nfft 512, null and the prime 257, by FFT and by direct DFT", () => {
  assert.equal(g.cases.length, 4);
  for (const method of ["auto", "fft", "direct"] as const) for (const [ci, c] of g.cases.entries()) {
    const p = c.params;
    const opts: SpectrogramOptions = { nperseg: p.nperseg, noverlap: p.noverlap, nfft: p.nfft, window: p.window, scaling: p.scaling, mode: p.mode, method };
    assert.equal(new SpectrogramPlan(g.fs, opts).method, method === "auto" ? new SpectrogramPlan(g.fs, opts).method : method);
    for (const [wi, w] of g.waveforms.entries()) {
      const s = spectrogram(Float64Array.from(w), g.fs, opts);
      assert.deepEqual(s.values.shape, [c.f.length, c.t.length]);
      assertGolden(s.values, c.S[wi]!, { rtol: 1e-10, label: `${method}: case ${ci} waveform ${wi} S` });
      assertGolden(s.frequenciesHz, c.f, { rtol: 1e-10, label: `case ${ci} f` });
      assertGolden(s.timesS, c.t, { rtol: 1e-10, label: `case ${ci} t` });
    }
  }
});

test("options in seconds give nperseg = ⌊winLen·fs⌋ and noverlap = ⌊nperseg·frac⌋, equal to the sample form", () => {
  const x = Float64Array.from(g.waveforms[0]!);
  // 0.512 s · 125 Hz = 64 samples, 0.25·64 = 16
  const bySeconds = new SpectrogramPlan(125, { windowSeconds: 0.512, overlapFraction: 0.25, nfft: 512, scaling: "spectrum", mode: "magnitude" });
  assert.equal(bySeconds.params.nperseg, 64);
  assert.equal(bySeconds.params.noverlap, 16);
  assertGolden(bySeconds.compute(x), g.cases[0]!.S[0]!, { rtol: 1e-10, label: "seconds form" });
  // the workflow's rounding: 0.29 s at 100 Hz is 28.999… samples → 28
  assert.equal(new SpectrogramPlan(100, { windowSeconds: 0.29, overlapFraction: 0.5 }).params.nperseg, 28);
  assert.equal(new SpectrogramPlan(100, { windowSeconds: 0.29, overlapFraction: 0.5 }).params.noverlap, 14);
  // SciPy's default overlap nperseg // 8
  assert.equal(new SpectrogramPlan(100, { nperseg: 100 }).params.noverlap, 12);
});

test("bandHz computes exactly the golden rows of the band (by FFT and by direct DFT)", () => {
  const c = g.cases[0]!;
  const x = Float64Array.from(g.waveforms[2]!);
  for (const method of ["fft", "direct"] as const) {
    const s = spectrogram(x, g.fs, { nperseg: 64, noverlap: 16, nfft: 512, scaling: "spectrum", mode: "magnitude", bandHz: [5, 20], method });
    const k0 = c.f.findIndex((f) => f >= 5);
    const rows = c.S[2]!.slice(k0, k0 + s.values.shape[0]);
    assert.deepEqual(Array.from(s.frequenciesHz), g.normalised.f);
    assertGolden(s.values, rows, { rtol: 1e-10, label: `${method}: band rows` });
  }
});

test("the tutorial normalisation equals the golden normalised block (median, dB)", () => {
  const n = g.normalised;
  for (const [wi, w] of g.waveforms.entries()) {
    const x = Float64Array.from(w);
    const opts = { nperseg: 64, noverlap: 16, nfft: 512, scaling: "spectrum", mode: "magnitude" } as const;
    const full = normalizeSpectrogram(spectrogram(x, g.fs, opts), { fminHz: n.fmin, fmaxHz: n.fmax });
    assertGolden([full.median], [n.median[wi]!], { rtol: 1e-10, label: `median ${wi}` });
    assertGolden(full.values, n.dB[wi]!, { rtol: 1e-10, label: `dB ${wi}` });
    assertGolden(full.frequenciesHz, n.f, { rtol: 1e-10, label: "f" });
    const fused = normalizedSpectrogram(x, g.fs, { ...opts, fminHz: n.fmin, fmaxHz: n.fmax });
    assertGolden(fused.values, n.dB[wi]!, { rtol: 1e-10, label: `fused dB ${wi}` });
    // floor at 0: about half the entries, as with real data
    let zeros = 0;
    for (const v of fused.values.data) { assert.ok(v >= 0); if (v === 0) zeros++; }
    assert.ok(zeros > 0.3 * fused.values.data.length && zeros < 0.7 * fused.values.data.length, `zeros ${zeros}`);
  }
});

test("median equals numpy's for odd and even counts, ties and unsorted input", () => {
  assert.equal(median(new Float64Array([3, 1, 2])), 2);
  assert.equal(median(new Float64Array([4, 1, 3, 2])), 2.5);
  assert.equal(median(new Float64Array([5, 5, 5, 1, 9, 5])), 5);
  assert.ok(Number.isNaN(median(new Float64Array([1, NaN, 3]))));
  const a = new Float64Array(1001);
  for (let i = 0; i < a.length; i++) a[i] = (i * 7919) % 1001;
  assert.equal(median(a), 500);
});

test("time pooling: hop 1, trim on centre times, block means of linear values, then the normalisation", () => {
  const x = Float64Array.from(g.waveforms[1]!).subarray(0, 400);
  const fs = g.fs;
  const pool = 7, tminS = 0.5, tmaxS = 2.5;
  const pooled = pooledSpectrogram(x, fs, { nperseg: 64, nfft: 512, scaling: "spectrum", mode: "magnitude", fminHz: 5, fmaxHz: 20, pool, tminS, tmaxS });
  // independent construction from the hop-1 STFT of the full band
  const hop1 = spectrogram(x, fs, { nperseg: 64, noverlap: 63, nfft: 512, scaling: "spectrum", mode: "magnitude" });
  const keep: number[] = [];
  hop1.timesS.forEach((t, i) => { if (t >= tminS && t <= tmaxS) keep.push(i); });
  const blocks = Math.floor(keep.length / pool);
  assert.equal(pooled.values.shape[1], blocks);
  const rows: number[] = [];
  hop1.frequenciesHz.forEach((f, k) => { if (f >= 5 && f <= 20) rows.push(k); });
  const M = hop1.values.shape[1];
  const lin: number[] = [];
  for (const k of rows) for (let b = 0; b < blocks; b++) {
    let s = 0;
    for (let j = 0; j < pool; j++) s += hop1.values.data[k * M + keep[b * pool + j]!]!;
    lin.push(s / pool);
  }
  const sorted = [...lin].sort((a, b) => a - b);
  const med = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  assertGolden([pooled.median], [med], { rtol: 1e-12, label: "pooled median" });
  assertGolden(pooled.values, lin.map((v) => Math.max(0, 20 * Math.log10(v / med))), { rtol: 1e-10, label: "pooled dB" });
  assertGolden(pooled.timesS, Array.from({ length: blocks }, (_, b) => hop1.timesS[keep[b * pool]!]!), { rtol: 1e-15, label: "block times" });
});

test("analytic: a cosine on a bin puts its magnitude spectrum in one bin (boxcar, spectrum scaling gives amplitude/2)", () => {
  const fs = 100, n = 200;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = 3 * Math.cos((2 * Math.PI * 10 * i) / fs);
  const s = spectrogram(x, fs, { nperseg: 100, noverlap: 0, window: "boxcar", scaling: "spectrum", mode: "magnitude" });
  const m = s.values.shape[1];
  for (let k = 0; k < s.values.shape[0]; k++) {
    const v = s.values.data[k * m]!;
    if (s.frequenciesHz[k] === 10) assert.ok(Math.abs(v - 1.5) < 1e-12, `peak ${v}`);
    else assert.ok(v < 1e-12, `bin ${k}: ${v}`);
  }
});

test("bad parameters and short or invalid waveforms throw named errors", () => {
  assert.throws(() => new SpectrogramPlan(100, { nperseg: 64, windowSeconds: 1 }), OptionError);
  assert.throws(() => new SpectrogramPlan(100, { nperseg: 64, noverlap: 64 }), OptionError);
  assert.throws(() => new SpectrogramPlan(100, { nperseg: 64, nfft: 32 }), OptionError);
  assert.throws(() => new SpectrogramPlan(100, { nperseg: 64, bandHz: [60, 70] }), OptionError);
  assert.throws(() => new SpectrogramPlan(0, { nperseg: 64 }), OptionError);
  assert.throws(() => new SpectrogramPlan(100, { nperseg: 64, scaling: "energy" as never }), /scaling/);
  assert.throws(() => new SpectrogramPlan(100, { npersegs: 64 } as never), /not known/);
  assert.throws(() => spectrogram(new Float64Array(10), 100, { nperseg: 64 }), DataError);
  const flat = new Float64Array(500);
  assert.throws(() => normalizedSpectrogram(flat, 100, { nperseg: 64, fminHz: 5, fmaxHz: 20, eventId: "ev7" }), (e: unknown) => e instanceof DataError && /ev7/.test(e.message) && /median/.test(e.message));
  const withNaN = Float64Array.from(g.waveforms[0]!);
  withNaN[100] = NaN;
  assert.throws(() => normalizedSpectrogram(withNaN, 125, { nperseg: 64, fminHz: 5, fmaxHz: 20, eventId: "ev8" }), (e: unknown) => e instanceof DataError && /ev8/.test(e.message) && /NaN/.test(e.message));
});

test("the fast median/dB path equals quickselect + Math.log10 (zeros, −0, ties, wide ranges, even and odd counts)", async () => {
  const { medianDecibelsInPlace } = await import("./normalize.js");
  let seed = 3;
  const rnd = (): number => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
  const cases: Float64Array[] = [];
  for (const n of [1, 2, 3, 4, 10, 101, 1000, 4774]) {
    cases.push(Float64Array.from({ length: n }, () => Math.exp(6 * rnd())));
    cases.push(Float64Array.from({ length: n }, () => Math.exp(200 * (rnd() - 0.5)))); // spans ~170 binades
    cases.push(Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : Math.round(5 * rnd()) + 1))); // zeros and ties
  }
  cases.push(Float64Array.of(-0, 0, 3, 5, 7));
  cases.push(Float64Array.of(1e-310, 2e-310, 1, 2, 3)); // subnormals
  for (const x of cases) {
    const expectedMedian = median(x);
    const fast = x.slice();
    if (!(expectedMedian > 0)) { assert.throws(() => medianDecibelsInPlace(fast), DataError); continue; }
    assert.equal(medianDecibelsInPlace(fast), expectedMedian);
    for (let i = 0; i < x.length; i++) {
      const db = Math.max(0, 20 * Math.log10(x[i]! / expectedMedian));
      assert.ok(Math.abs(fast[i]! - db) <= 1e-13 * Math.max(1, db), `n ${x.length} i ${i}: ${fast[i]} vs ${db}`);
    }
  }
});

test("odd nperseg with even nfft, psd and density, no detrend: equals a naive DFT of each windowed segment", async () => {
  const { hannWindow } = await import("./taper.js");
  const x = Float64Array.from(g.waveforms[3]!).subarray(0, 700);
  const fs = 125, nperseg = 75, noverlap = 20, nfft = 160;
  for (const method of ["fft", "direct"] as const) for (const detrend of ["constant", "none"] as const) {
    const s = spectrogram(x, fs, { nperseg, noverlap, nfft, window: "hann", scaling: "density", mode: "psd", detrend, method });
    const w = hannWindow(nperseg + 1).subarray(0, nperseg);
    let sw2 = 0;
    for (const v of w) sw2 += v * v;
    const [d, m] = s.values.shape;
    assert.equal(m, Math.floor((700 - noverlap) / (nperseg - noverlap)));
    const expected: number[] = new Array(d * m);
    for (let i = 0; i < m; i++) {
      const seg = x.subarray(i * (nperseg - noverlap), i * (nperseg - noverlap) + nperseg);
      const mean = detrend === "constant" ? seg.reduce((a, b) => a + b, 0) / nperseg : 0;
      for (let k = 0; k < d; k++) {
        let re = 0, im = 0;
        for (let j = 0; j < nperseg; j++) {
          const v = (seg[j]! - mean) * w[j]!;
          re += v * Math.cos((2 * Math.PI * j * k) / nfft);
          im -= v * Math.sin((2 * Math.PI * j * k) / nfft);
        }
        const doubled = k > 0 && k < nfft / 2 ? 2 : 1;
        expected[k * m + i] = ((re * re + im * im) * doubled) / (fs * sw2);
      }
    }
    assertGolden(s.values, expected, { rtol: 1e-10, label: `${method}: naive DFT (${detrend})` });
  }
});
