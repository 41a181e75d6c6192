import { test } from "node:test";
import assert from "node:assert/strict";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { OptionError } from "../core/errors.js";
import { cosineTaper, getWindow, hannWindow, obspyTaper, sacTaper, tukeyWindow } from "./taper.js";

test("tukey(L, 0.05) (symmetric) equals the golden SciPy window (rtol 1e-12)", () => {
  const g = readGolden<{ tukey_0_05: number[] }>("filters.json");
  assertGolden(tukeyWindow(g.tukey_0_05.length, 0.05), g.tukey_0_05, { rtol: 1e-12, label: "tukey_0_05" });
});

test("analytic windows: Hann and Tukey shapes, periodic = symmetric of M+1 with the last sample dropped", () => {
  assert.deepEqual(Array.from(hannWindow(3)), [0, 1, 0]);
  const h5 = hannWindow(5);
  [0, 0.5, 1, 0.5, 0].forEach((v, i) => assert.ok(Math.abs(h5[i]! - v) < 1e-15));
  const p = hannWindow(4, false);
  [0, 0.5, 1, 0.5].forEach((v, i) => assert.ok(Math.abs(p[i]! - v) < 1e-15));
  assert.deepEqual(Array.from(tukeyWindow(5, 0.5)), [0, 1, 1, 1, 0]);
  assert.deepEqual(Array.from(tukeyWindow(4, 0)), [1, 1, 1, 1]);
  const t1 = tukeyWindow(9, 1), hann9 = hannWindow(9);
  for (let i = 0; i < 9; i++) assert.ok(Math.abs(t1[i]! - hann9[i]!) < 1e-15);
  assert.deepEqual(Array.from(getWindow(["tukey", 0.25], 64)), Array.from(tukeyWindow(65, 0.25).subarray(0, 64)));
  assert.deepEqual(Array.from(getWindow("hann", 10)), Array.from(hannWindow(11).subarray(0, 10)));
  assert.throws(() => getWindow("blackman" as never, 8), OptionError);
});

test("ObsPy's taper: ⌊fraction·npts⌋ samples per side shaped as SciPy's symmetric hann(2·wlen + 1)", () => {
  const y = obspyTaper(new Float64Array(20).fill(2), 0.1); // wlen 2: hann(5) = [0, .5, 1, .5, 0]
  [0, 1].forEach((v, i) => assert.ok(Math.abs(y[i]! - v) < 1e-15));
  for (let i = 2; i < 18; i++) assert.equal(y[i], 2);
  [1, 0].forEach((v, i) => assert.ok(Math.abs(y[18 + i]! - v) < 1e-15));
  const left = obspyTaper(new Float64Array(20).fill(1), 0.1, { side: "left" });
  assert.equal(left[0], 0);
  assert.equal(left[19], 1);
  // 5 % per side is not SciPy's tukey(L, 0.05) (2.5 % per side)
  const ones = new Float64Array(1000).fill(1);
  const hann = obspyTaper(ones, 0.05);
  assert.equal(hann.findIndex((v) => v === 1), 50);
  assert.equal(tukeyWindow(1000, 0.05).findIndex((v) => v === 1), 25);
  // ObsPy cosine_taper(p=1) of 2·wlen+1 samples: zero ends, one in the middle
  const c = cosineTaper(11, 1);
  assert.equal(c[0], 0); assert.equal(c[5], 1); assert.equal(c[10], 0);
  assert.throws(() => obspyTaper(ones, 0.6), OptionError);
});

test("SAC taper: hanning of ⌊width·npts⌋ samples, f0 − f1·cos(π·i/len)", () => {
  const y = sacTaper(new Float64Array(100).fill(1), 0.05);
  for (let i = 0; i < 5; i++) {
    const v = 0.5 - 0.5 * Math.cos((Math.PI * i) / 5);
    assert.ok(Math.abs(y[i]! - v) < 1e-15 && Math.abs(y[99 - i]! - v) < 1e-15);
  }
  assert.equal(y[5], 1);
});
