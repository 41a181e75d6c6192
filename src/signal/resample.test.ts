import { test } from "node:test";
import assert from "node:assert/strict";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { OptionError } from "../core/errors.js";
import { chebyshev1, decimate } from "./resample.js";

// Independent reference printed by SciPy 1.17.1 for the golden waveform of filters.json:
// cheby1(8, 0.05, 0.8/4, output='sos'), cheby1(5, 1, [2, 10], 'bandpass', fs=50, output='sos'),
// decimate(x, 4) (samples 0–5 and 300–305, length) and decimate(x, 5, zero_phase=False) (samples 0–5).
const SCIPY = {"cheby1_8_q4": [[4.035929289347816e-06, 8.071858578695632e-06, 4.035929289347816e-06, 1.0, -1.56114551504306, 0.6208867204122571], [1.0, 2.0, 1.0, 1.0, -1.5250458329054375, 0.6766201966243859], [1.0, 2.0, 1.0, 1.0, -1.4921757093741046, 0.7792186655259177], [1.0, 2.0, 1.0, 1.0, -1.5187459010488156, 0.9185404655031641]], "cheby1_5_bp": [[0.0027455270649004372, 0.0054910541298008745, 0.0027455270649004372, 1.0, -0.9332826933228594, 0.7158763169129743], [1.0, 2.0, 1.0, 1.0, -1.4353008936355436, 0.7254017712872705], [1.0, 0.0, -1.0, 1.0, -1.774136255923927, 0.8782922443788104], [1.0, -2.0, 1.0, 1.0, -0.5925491192586486, 0.8867815580468597], [1.0, -2.0, 1.0, 1.0, -1.9063461819970837, 0.9688851347542489]], "dec4_head": [0.37046628637154105, 0.2794782702856956, 0.3227626334949081, 0.2554551301034284, 0.24273363331290407, 0.30663483719498036], "dec4_mid": [0.2572946082101785, 0.28789096591027385, 0.32667745142937077, 0.29106273825714946, 0.30246069969863143, 0.34031529195331367], "dec4_len": 626, "dec5_causal_head": [2.775970215303265e-07, 0.0017984533494776246, 0.05963821735083956, 0.2684990708412987, 0.35347913132930425, 0.24209842727113456]};
const g = readGolden<{ x: number[] }>("filters.json");
const x = Float64Array.from(g.x);

test("Chebyshev I designs equal SciPy's cheby1 sections (rtol 1e-12)", () => {
  assertGolden(chebyshev1(8, 0.05, (0.8 / 4) * 62.5, "lowpass", 125), SCIPY.cheby1_8_q4, { rtol: 1e-12, label: "cheby1 q4" });
  assertGolden(chebyshev1(5, 1, [2, 10], "bandpass", 50), SCIPY.cheby1_5_bp, { rtol: 1e-12, label: "cheby1 bandpass" });
});

test("decimate equals SciPy's decimate (zero phase and causal, ≤ 1e-9·max|y|)", () => {
  const y = decimate(x, 4);
  assert.equal(y.length, SCIPY.dec4_len);
  const tol = 1e-9 * Math.max(...x.map(Math.abs));
  const near = (a: ArrayLike<number>, b: number[], label: string): void => {
    for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${label} ${i}: ${a[i]} vs ${b[i]}`);
  };
  near(y, SCIPY.dec4_head, "head");
  near(y.subarray(300), SCIPY.dec4_mid, "mid");
  near(decimate(x, 5, { zeroPhase: false }), SCIPY.dec5_causal_head, "causal");
});

test("analytic: decimation keeps a low tone and removes one above the new Nyquist", () => {
  const fs = 100, n = 4000;
  const low = Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 2 * i) / fs));
  const high = Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 30 * i) / fs));
  const yl = decimate(low, 4), yh = decimate(high, 4);
  for (let i = 100; i < yl.length - 100; i++) {
    assert.ok(Math.abs(yl[i]! - low[4 * i]!) < 1e-2, `low ${i}`);
    assert.ok(Math.abs(yh[i]!) < 1e-3, `high ${i}`);
  }
  assert.deepEqual(Array.from(decimate(Float64Array.of(1, 2, 3), 1)), [1, 2, 3]);
  assert.throws(() => decimate(x, 2.5), OptionError);
});
