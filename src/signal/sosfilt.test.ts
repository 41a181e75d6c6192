import { test } from "node:test";
import assert from "node:assert/strict";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { OptionError } from "../core/errors.js";
import { fromRows } from "../core/matrix.js";
import { butterworth } from "./butterworth.js";
import { butterworthFilter, filtfiltUnpadded, sosfilt, sosfiltfilt, sosfiltState, sosfiltZi } from "./sosfilt.js";

const g = readGolden<{ fs: number; x: number[]; sos: number[][]; sosfilt: number[]; sosfiltfilt: number[] }>("filters.json");
const x = Float64Array.from(g.x);
const sos = fromRows(g.sos);
const maxAbs = (a: ArrayLike<number>): number => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!)); return m; };
/** filters.json's tolerance: every |a − b| ≤ 1e-9·max|b|. */
function assertOutput(actual: Float64Array, expected: readonly number[], label: string): void {
  assert.equal(actual.length, expected.length);
  const tol = 1e-9 * maxAbs(expected);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  assert.ok(worst <= tol, `${label}: worst |a − b| = ${worst}, allowed ${tol}`);
}

test("sosfilt (causal, zero state) equals SciPy's golden output (≤ 1e-9·max|y|)", () => {
  assertOutput(sosfilt(sos, x), g.sosfilt, "sosfilt");
  assertOutput(sosfilt(butterworth(4, [1, 40], "bandpass", g.fs), x), g.sosfilt, "sosfilt with our design");
});

test("sosfiltfilt with SciPy's default odd padding (27 samples) equals the golden output (≤ 1e-9·max|y|)", () => {
  assertOutput(sosfiltfilt(sos, x), g.sosfiltfilt, "sosfiltfilt");
  assertOutput(butterworthFilter(x, g.fs, { type: "bandpass", cornersHz: [1, 40], zeroPhase: "scipy" }), g.sosfiltfilt, "butterworthFilter scipy");
  assertOutput(butterworthFilter(x, g.fs, { type: "bandpass", cornersHz: [1, 40] }), g.sosfilt, "butterworthFilter causal");
});

// Independent reference: SciPy 1.17.1 sosfilt_zi(sos) of the golden sections.
const SCIPY_ZI = [[0.30801446841622976, 0.14665069720418933], [0.43829995789705184, 0.03396161399174998], [-0.935842009722638, 0.9358420097226338], [-0.0, 0.0]];
// SciPy 1.17.1: sosfiltfilt with padtype 'even', 'constant' (padlen 100) and None; ObsPy's forward–backward
// (sosfilt of the reversed sosfilt output, reversed) — first and last 5 samples.
const SCIPY_PADS: Record<"even" | "constant100" | "none" | "obspy", { head: number[]; tail: number[] }> = {"even": {"head": [0.021669021559282527, -0.01330875375397106, -0.039283057701304164, 0.0026644357745564153, 0.0330090590591476], "tail": [0.015510355178529792, 0.07271861379579928, 0.03434370570102134, -0.04697436639742663, -0.07769030049229586]}, "constant100": {"head": [0.007418726965145811, -0.06731689053860543, -0.07951978700444064, -0.03070088557745386, -0.006491594333628795], "tail": [0.014794858932509074, 0.08263754839051388, 0.03453583708832194, -0.05730770092993468, -0.04273014308750896]}, "none": {"head": [0.007418726965148524, -0.06731689053860315, -0.07951978700443871, -0.030700885577452326, -0.006491594333627665], "tail": [0.05390220141236131, 0.11182201321611672, 0.08188518922249945, 0.0207511097272685, 2.9837243786801082e-15]}, "obspy": {"head": [0.12313022352193022, 0.1479334216960751, 0.08766126057106027, 0.12166839241048011, 0.16169410020609004], "tail": [0.023435794035122824, 0.06745643151049685, 0.016953677828684573, -0.025824626050886416, -0.012261186845998095]}};

test("sosfiltZi equals SciPy's sosfilt_zi and gives the steady state of a step", () => {
  assertGolden(sosfiltZi(sos), SCIPY_ZI, { rtol: 1e-12, label: "zi" });
  // steady state: a constant input through a low-pass started from zi·c stays at c from the first sample
  const lp = butterworth(5, 10, "lowpass", 100);
  const zi = sosfiltZi(lp);
  const c = 3.5;
  const { y } = sosfiltState(lp, new Float64Array(200).fill(c), { data: zi.data.map((v) => v * c), shape: zi.shape });
  for (const v of y) assert.ok(Math.abs(v - c) < 1e-12, `${v}`);
});

test("other paddings and ObsPy's unpadded forward–backward equal SciPy/numpy at the ends", () => {
  const n = x.length;
  const check = (y: Float64Array, ref: { head: number[]; tail: number[] }, label: string): void => {
    const tol = 1e-9 * maxAbs(g.sosfiltfilt);
    for (let i = 0; i < 5; i++) {
      assert.ok(Math.abs(y[i]! - ref.head[i]!) <= tol, `${label} head ${i}: ${y[i]} vs ${ref.head[i]}`);
      assert.ok(Math.abs(y[n - 5 + i]! - ref.tail[i]!) <= tol, `${label} tail ${i}: ${y[n - 5 + i]} vs ${ref.tail[i]}`);
    }
  };
  check(sosfiltfilt(sos, x, { padType: "even" }), SCIPY_PADS.even, "even");
  check(sosfiltfilt(sos, x, { padType: "constant", padLength: 100 }), SCIPY_PADS.constant100, "constant");
  check(sosfiltfilt(sos, x, { padType: "none" }), SCIPY_PADS.none, "none");
  const obspy = filtfiltUnpadded(sos, x);
  check(obspy, SCIPY_PADS.obspy, "obspy");
  assertOutput(butterworthFilter(x, g.fs, { type: "bandpass", cornersHz: [1, 40], zeroPhase: "obspy" }), Array.from(obspy), "butterworthFilter obspy");
  // golden README: the unpadded filter differs from sosfiltfilt by ~27 % of the peak
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(obspy[i]! - g.sosfiltfilt[i]!));
  const ratio = worst / maxAbs(g.sosfiltfilt);
  assert.ok(ratio > 0.25 && ratio < 0.29, `ratio ${ratio}`);
});

test("inputs not longer than the pad and bad sections throw named errors", () => {
  assert.throws(() => sosfiltfilt(sos, new Float64Array(27)), OptionError);
  assert.throws(() => sosfilt(fromRows([[1, 0, 0, 2, 0, 0]]), x), OptionError);
  assert.throws(() => butterworthFilter(x, 125, { type: "bandpass", cornersHz: [1, 62.5] }), OptionError);
});
