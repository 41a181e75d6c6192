import { test } from "node:test";
import assert from "node:assert/strict";
import { bandDftKernel, type BandDftSpec } from "./band-dft.js";
import { isWasmSimdAvailable } from "./index.js";

/** |X[k]|·f or |X[k]|²·f of each (detrended) windowed segment by the DFT definition, D×M. */
function naive(spec: BandDftSpec, x: Float64Array, m: number, step: number): Float64Array {
  const { nperseg, window: w, nfft, firstBin, lastBin, factor } = spec;
  const d = lastBin - firstBin + 1;
  const out = new Float64Array(d * m);
  for (let i = 0; i < m; i++) {
    let mean = 0;
    if (spec.isConstantDetrend) { for (let j = 0; j < nperseg; j++) mean += x[i * step + j]!; mean /= nperseg; }
    for (let r = 0; r < d; r++) {
      const k = firstBin + r;
      let re = 0, im = 0;
      for (let j = 0; j < nperseg; j++) {
        const v = (x[i * step + j]! - mean) * w[j]!;
        const a = (2 * Math.PI * ((j * k) % nfft)) / nfft;
        re += v * Math.cos(a);
        im -= v * Math.sin(a);
      }
      const p = re * re + im * im;
      out[r * m + i] = (spec.isMagnitude ? Math.sqrt(p) : p) * factor[r]!;
    }
  }
  return out;
}

function waveform(n: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = 50 + 3 * Math.sin(0.3 * i + seed) + Math.cos(0.0137 * i * i) * (1 + (i % 7)) + seed;
  return x;
}

const backends = ["js", "wasm"] as const;

test("band DFT equals the DFT definition (rtol 1e-11) for even and odd nperseg, any band, both detrends and modes, on every backend", () => {
  const cases = [
    { nperseg: 64, nfft: 512, firstBin: 26, lastBin: 102, step: 48 },
    { nperseg: 63, nfft: 257, firstBin: 0, lastBin: 128, step: 53 },
    { nperseg: 7, nfft: 7, firstBin: 0, lastBin: 3, step: 1 },
    { nperseg: 10, nfft: 2000, firstBin: 100, lastBin: 105, step: 3 },
    { nperseg: 1, nfft: 4, firstBin: 1, lastBin: 2, step: 1 },
  ];
  for (const backend of backends) for (const c of cases) for (const isMagnitude of [true, false]) for (const isConstantDetrend of [true, false]) {
    const d = c.lastBin - c.firstBin + 1;
    const w = Float64Array.from({ length: c.nperseg }, (_, j) => 0.5 + 0.5 * Math.sin((Math.PI * (j + 1)) / (c.nperseg + 1)));
    const factor = Float64Array.from({ length: d }, (_, r) => 1 + r / d);
    const spec: BandDftSpec = { nperseg: c.nperseg, window: w, nfft: c.nfft, firstBin: c.firstBin, lastBin: c.lastBin, factor, isMagnitude, isConstantDetrend };
    const k = bandDftKernel(backend, spec);
    assert.equal(k.rows, d);
    // a small m first, then a larger one (the buffers grow), then the small one again
    for (const m of [3, 37, 5]) {
      const x = waveform((m - 1) * c.step + c.nperseg + 2, m);
      const got = k.compute(x, m, c.step);
      assert.equal(got.length, d * m);
      const want = naive(spec, x, m, c.step);
      let max = 0;
      for (const v of want) max = Math.max(max, Math.abs(v));
      for (let i = 0; i < want.length; i++) {
        assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-11 * Math.abs(want[i]!) + 1e-13 * max,
          `${backend} ${JSON.stringify(c)} mag ${isMagnitude} detrend ${isConstantDetrend} m ${m} [${i}]: ${got[i]} vs ${want[i]}`);
      }
    }
  }
});

test("band DFT: the js and wasm backends give the same bits (Node 20 has WebAssembly SIMD)", () => {
  assert.equal(isWasmSimdAvailable(), true);
  const w = Float64Array.from({ length: 64 }, (_, j) => Math.sin((Math.PI * j) / 64) ** 2);
  const spec: BandDftSpec = { nperseg: 64, window: w, nfft: 2000, firstBin: 99, lastBin: 401, factor: new Float64Array(303).fill(0.37), isMagnitude: true, isConstantDetrend: true };
  const x = waveform(3000, 1);
  const a = bandDftKernel("js", spec).compute(x, 62, 48);
  const b = bandDftKernel("wasm", spec).compute(x, 62, 48);
  assert.deepEqual(a, b);
});

/** numpy's median by sorting. */
function sortedMedian(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

test("decibelsAboveMedian: numpy's median exactly and max(20·log10(v/med), 0) within 1e-13 dB, same bits on both backends", () => {
  assert.equal(isWasmSimdAvailable(), true);
  const w = Float64Array.from({ length: 16 }, () => 1);
  for (const [m, step, dc] of [[1, 1, 0], [2, 3, 0], [7, 5, 1e3], [40, 9, 1e-5], [41, 2, 0]] as const) {
    const spec: BandDftSpec = { nperseg: 16, window: w, nfft: 64, firstBin: 0, lastBin: 32, factor: new Float64Array(33).fill(1), isMagnitude: true, isConstantDetrend: false };
    const x = waveform((m - 1) * step + 16, m).map((v, i) => v * dc + Math.sin(i * i));
    const results: Float64Array[] = [];
    for (const backend of backends) {
      const k = bandDftKernel(backend, spec);
      const raw = k.compute(x, m, step).slice();
      const med = k.decibelsAboveMedian();
      assert.equal(med, sortedMedian(raw), `${backend} m ${m} median`);
      const got = k.compute(x, m, step); // recompute: the view holds the raw values again
      assert.deepEqual(got, raw);
      k.decibelsAboveMedian();
      for (let i = 0; i < raw.length; i++) {
        const want = Math.max(0, 20 * Math.log10(raw[i]! / med));
        assert.ok(Math.abs(got[i]! - want) <= 1e-13 * Math.max(1, want), `${backend} m ${m} [${i}]: ${got[i]} vs ${want}`);
      }
      results.push(got.slice());
      // squared output: the same median of the magnitudes (within rounding) and the same dB within 1e-12
      const sq = k.compute(x, m, step, true);
      for (let i = 0; i < raw.length; i++) assert.ok(Math.abs(sq[i]! - raw[i]! * raw[i]!) <= 1e-14 * raw[i]! * raw[i]! + 1e-300, `${backend} squared [${i}]`);
      const medSq = k.decibelsAboveMedian();
      assert.ok(Math.abs(medSq - med) <= 1e-15 * med, `${backend} m ${m}: squared median ${medSq} vs ${med}`);
      for (let i = 0; i < raw.length; i++) assert.ok(Math.abs(sq[i]! - got[i]!) <= 1e-12 * Math.max(1, got[i]!), `${backend} m ${m} squared dB [${i}]: ${sq[i]} vs ${got[i]}`);
      results.push(sq.slice());
    }
    assert.deepEqual(results[0], results[2], `m ${m}: js and wasm bits`);
    assert.deepEqual(results[1], results[3], `m ${m}: js and wasm bits (squared)`);
  }
});

test("decibelsAboveMedian leaves the values and reports NaN for NaN/Inf, and 0 for a zero median", () => {
  const w = Float64Array.from({ length: 8 }, () => 1);
  const spec: BandDftSpec = { nperseg: 8, window: w, nfft: 8, firstBin: 0, lastBin: 4, factor: new Float64Array(5).fill(1), isMagnitude: false, isConstantDetrend: true };
  for (const backend of backends) {
    const k = bandDftKernel(backend, spec);
    const x = Float64Array.from({ length: 20 }, (_, i) => Math.cos(i));
    x[3] = NaN;
    const raw = k.compute(x, 3, 4).slice();
    assert.ok(Number.isNaN(k.decibelsAboveMedian()));
    assert.deepEqual(k.compute(x, 3, 4), raw);
    const flat = new Float64Array(20).fill(5);
    k.compute(flat, 3, 4); // constant detrend: all zeros
    assert.equal(k.decibelsAboveMedian(), 0);
  }
});

test("decibelsAboveMedian with exact zeros below, at and above the middle ranks equals numpy's median", () => {
  const w = Float64Array.from({ length: 8 }, () => 1);
  const spec: BandDftSpec = { nperseg: 8, window: w, nfft: 8, firstBin: 0, lastBin: 4, factor: new Float64Array(5).fill(1), isMagnitude: true, isConstantDetrend: false };
  // 10 segments × 5 rows = 50 values; each all-zero segment adds 5 zeros
  for (const backend of backends) for (const zeroSegments of [0, 4, 5, 6, 7]) {
    const x = Float64Array.from({ length: 80 }, (_, i) => (i < zeroSegments * 8 ? 0 : 1 + Math.sin(i * 0.7) ** 2 + i / 80));
    const k = bandDftKernel(backend, spec);
    const raw = k.compute(x, 10, 8).slice();
    const want = sortedMedian(raw);
    const med = k.decibelsAboveMedian();
    if (want > 0) assert.equal(med, want, `${backend}, ${zeroSegments} zero segments`);
    else assert.equal(med, 0, `${backend}, ${zeroSegments} zero segments: zero median`);
  }
});
