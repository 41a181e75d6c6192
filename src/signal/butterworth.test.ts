import { test } from "node:test";
import assert from "node:assert/strict";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { OptionError } from "../core/errors.js";
import { butterworth, butterworthZpk, type FilterType } from "./butterworth.js";

const g = readGolden<{ fs: number; sos: number[][] }>("filters.json");

test("butter(4, [1, 40], bandpass, fs=125) equals the golden sos rows in zpk2sos 'nearest' order (rtol 1e-12)", () => {
  const sos = butterworth(4, [1, 40], "bandpass", g.fs);
  assert.deepEqual(sos.shape, [4, 6]);
  assertGolden(sos, g.sos, { rtol: 1e-12, label: "sos" });
});

// Independent reference: scipy.signal.butter(N, Wn, btype, fs=fs, output='sos') printed by SciPy 1.17.1.
const SCIPY: { order: number; corners: number | number[]; type: FilterType; fs: number; sos: number[][] }[] = [{"order": 3, "corners": 10, "type": "lowpass", "fs": 100, "sos": [[0.018098933007514428, 0.036197866015028855, 0.018098933007514428, 1.0, -0.5095254494944288, 0.0], [1.0, 1.0, 0.0, 1.0, -1.2505164308487402, 0.5457233155094579]]}, {"order": 5, "corners": 2.5, "type": "highpass", "fs": 50, "sos": [[0.5999402042196301, -0.5999402042196301, 0.0, 1.0, -0.726542528005361, 0.0], [1.0, -2.0, 1.0, 1.0, -1.5216904260722461, 0.6000000000000003], [1.0, -2.0, 1.0, 1.0, -1.7363101655347295, 0.8256645486206606]]}, {"order": 2, "corners": [5, 15], "type": "bandstop", "fs": 100, "sos": [[0.6389455251590223, -1.0870390549388818, 0.6389455251590221, 1.0, -1.0246612719312358, 0.5441183540527813], [1.0, -1.7013016167040798, 0.9999999999999998, 1.0, -1.6489176331890314, 0.7586614107417984]]}, {"order": 3, "corners": [0.5, 8], "type": "bandpass", "fs": 40, "sos": [[0.0845665257828225, 0.169133051565645, 0.0845665257828225, 1.0, -0.4606554440430587, 0.3961616726573415], [1.0, 0.0, -1.0, 1.0, -1.132363909413649, 0.19891236737965803], [1.0, -2.0, 1.0, 1.0, -1.922798482863903, 0.9290283345093868]]}, {"order": 1, "corners": 20, "type": "lowpass", "fs": 100, "sos": [[0.4208077798377318, 0.4208077798377318, 0.0, 1.0, -0.15838444032453627, 0.0]]}, {"order": 6, "corners": [0.1, 45], "type": "bandpass", "fs": 100, "sos": [[0.5366376460245817, 1.0732752920491635, 0.5366376460245817, 1.0, 1.4644562978415903, 0.539964283159127], [1.0, 2.0, 1.0, 1.0, 1.5609471836676254, 0.6413589977739751], [1.0, 2.0, 1.0, 1.0, 1.7613502938693462, 0.8520056724160192], [1.0, -2.0, 1.0, 1.0, -1.9878854613558155, 0.9879247742824753], [1.0, -2.0, 1.0, 1.0, -1.9911142619080273, 0.9911536046885479], [1.0, -2.0, 1.0, 1.0, -1.9967162600391157, 0.9967556795325905]]}];

test("lowpass, highpass, bandstop and odd-order designs equal SciPy's sections (rtol 1e-12)", () => {
  for (const c of SCIPY) {
    const sos = butterworth(c.order, c.corners, c.type, c.fs);
    assert.deepEqual(sos.shape, [c.sos.length, 6], `${c.type} ${c.order}`);
    assertGolden(sos, c.sos, { rtol: 1e-12, label: `${c.type} order ${c.order}` });
  }
});

test("the design has unit gain in the passband and poles inside the unit circle", () => {
  const zpk = butterworthZpk(4, [1, 40], "bandpass", 125);
  for (const p of zpk.poles) assert.ok(Math.hypot(p.re, p.im) < 1);
  // |H(e^{iω})| at the geometric centre of the band is 1 for a Butterworth band-pass
  const sos = butterworth(4, [1, 40], "bandpass", 125);
  // the bilinear transform maps the analog centre √(ω1·ω2) (pre-warped) to ω = 2·atan(√(tan(πf1/fs)·tan(πf2/fs)))
  const w = 2 * Math.atan(Math.sqrt(Math.tan((Math.PI * 1) / 125) * Math.tan((Math.PI * 40) / 125)));
  let hr = 1, hi = 0;
  for (let s = 0; s < 4; s++) {
    const r = sos.data.subarray(s * 6, s * 6 + 6);
    const num = [r[0]! + r[1]! * Math.cos(w) + r[2]! * Math.cos(2 * w), -(r[1]! * Math.sin(w) + r[2]! * Math.sin(2 * w))];
    const den = [1 + r[4]! * Math.cos(w) + r[5]! * Math.cos(2 * w), -(r[4]! * Math.sin(w) + r[5]! * Math.sin(2 * w))];
    const d2 = den[0]! ** 2 + den[1]! ** 2;
    const qr = (num[0]! * den[0]! + num[1]! * den[1]!) / d2, qi = (num[1]! * den[0]! - num[0]! * den[1]!) / d2;
    [hr, hi] = [hr * qr - hi * qi, hr * qi + hi * qr];
  }
  assert.ok(Math.abs(Math.hypot(hr, hi) - 1) < 1e-12, `|H| = ${Math.hypot(hr, hi)}`);
});

test("invalid designs throw OptionError naming the problem", () => {
  assert.throws(() => butterworth(4, [1, 70], "bandpass", 125), (e: unknown) => e instanceof OptionError && /Nyquist/.test(e.message));
  assert.throws(() => butterworth(4, [10, 5], "bandpass", 125), OptionError);
  assert.throws(() => butterworth(0, 5, "lowpass", 125), OptionError);
  assert.throws(() => butterworth(2, [1, 2], "lowpass", 125), OptionError);
});
