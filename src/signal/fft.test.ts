import { test } from "node:test";
import assert from "node:assert/strict";
import { OptionError } from "../core/errors.js";
import { ComplexFft, irfft, nextFastLength, RealFft, rfft } from "./fft.js";

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const R = new Float64Array(n), I = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let a = 0, b = 0;
    for (let j = 0; j < n; j++) {
      const t = (-2 * Math.PI * ((j * k) % n)) / n;
      a += re[j]! * Math.cos(t) - im[j]! * Math.sin(t);
      b += re[j]! * Math.sin(t) + im[j]! * Math.cos(t);
    }
    R[k] = a; I[k] = b;
  }
  return [R, I];
}
let seed = 7;
const rnd = (): number => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; };
const relErr = (r: Float64Array, i: Float64Array, R: Float64Array, I: Float64Array, n: number): number => {
  let e = 0, m = 0;
  for (let k = 0; k < n; k++) { e = Math.max(e, Math.hypot(r[k]! - R[k]!, i[k]! - I[k]!)); m = Math.max(m, Math.hypot(R[k]!, I[k]!)); }
  return e / m;
};
// radices 8/4/2, 3, 5, a direct odd radix (7, 11, 61) and Bluestein (67, 257, 1009, 2·263)
const LENGTHS = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 16, 30, 32, 60, 61, 64, 67, 100, 128, 250, 256, 257, 500, 512, 526, 1000, 1009];

test("the complex FFT equals a naive DFT for every kind of length (≤ 1e-13 relative) and inverts", () => {
  for (const n of LENGTHS) {
    const re = Float64Array.from({ length: n }, rnd), im = Float64Array.from({ length: n }, rnd);
    const [R, I] = naiveDft(re, im);
    const plan = new ComplexFft(n);
    const oR = new Float64Array(n), oI = new Float64Array(n);
    plan.forward(re, im, oR, oI);
    assert.ok(relErr(oR, oI, R, I, n) < 1e-13, `n ${n}: ${relErr(oR, oI, R, I, n)}`);
    plan.inverse(oR, oI, oR, oI);
    for (let j = 0; j < n; j++) assert.ok(Math.abs(oR[j]! - re[j]!) < 1e-13 && Math.abs(oI[j]! - im[j]!) < 1e-13, `inverse n ${n}`);
  }
});

test("the real FFT equals the DFT's first ⌊n/2⌋+1 bins, for zero-padded inputs too, and irfft inverts it", () => {
  for (const n of [...LENGTHS, 2000, 2048]) {
    const plan = new RealFft(n);
    // repeated use of one plan with inputs of several lengths (stale buffers, pruned stages)
    for (const len of [n, 1, Math.max(1, n >> 3), Math.max(1, (n >> 3) + 1), Math.max(1, n >> 1), Math.max(1, n - 1)]) {
      const x = Float64Array.from({ length: len }, rnd);
      const full = new Float64Array(n);
      full.set(x);
      const [R, I] = naiveDft(full, new Float64Array(n));
      const re = new Float64Array(plan.bins), im = new Float64Array(plan.bins);
      plan.forward(x, re, im);
      assert.ok(relErr(re, im, R, I, plan.bins) < 1e-13, `n ${n} len ${len}`);
      const back = new Float64Array(n);
      plan.inverse(re, im, back);
      for (let j = 0; j < n; j++) assert.ok(Math.abs(back[j]! - full[j]!) < 1e-13, `irfft n ${n} len ${len}`);
    }
    // a range of bins equals the same bins of the full transform
    const x = Float64Array.from({ length: n }, rnd);
    const { re, im } = rfft(x);
    const k0 = Math.floor(plan.bins / 4), k1 = Math.floor((3 * plan.bins) / 4);
    const pr = new Float64Array(k1 - k0 + 1), pi = new Float64Array(k1 - k0 + 1);
    plan.forwardRange(x, k0, k1, pr, pi);
    for (let k = k0; k <= k1; k++) assert.ok(pr[k - k0] === re[k] && pi[k - k0] === im[k], `range n ${n}`);
    const y = irfft(re, im, n);
    for (let j = 0; j < n; j++) assert.ok(Math.abs(y[j]! - x[j]!) < 1e-13);
  }
});

test("analytic: a cosine on bin 5 of 2000 puts n/2 in that bin and nothing elsewhere", () => {
  const n = 2000;
  const x = Float64Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * 5 * j) / n));
  const { re, im } = rfft(x);
  for (let k = 0; k < re.length; k++) {
    const a = Math.hypot(re[k]!, im[k]!);
    if (k === 5) assert.ok(Math.abs(a - n / 2) < 1e-9);
    else assert.ok(a < 1e-9, `bin ${k}: ${a}`);
  }
  assert.equal(nextFastLength(513), 540);
  assert.equal(nextFastLength(1), 1);
  assert.throws(() => new RealFft(0), OptionError);
  assert.throws(() => new ComplexFft(2.5), OptionError);
});
