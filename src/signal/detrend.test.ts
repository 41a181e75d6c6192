import { test } from "node:test";
import assert from "node:assert/strict";
import { readGolden } from "../../test-support/shared.js";
import { demean, detrendLinear } from "./detrend.js";

const g = readGolden<{ x: number[]; detrend_linear: number[] }>("filters.json");

test("linear detrend equals SciPy's detrend(type='linear') (≤ 1e-9·max|y|)", () => {
  const y = detrendLinear(Float64Array.from(g.x));
  let worst = 0, max = 0;
  for (let i = 0; i < y.length; i++) { worst = Math.max(worst, Math.abs(y[i]! - g.detrend_linear[i]!)); max = Math.max(max, Math.abs(g.detrend_linear[i]!)); }
  assert.ok(worst <= 1e-9 * max, `worst ${worst}`);
});

test("analytic: a line detrends to zero; demean removes the mean and keeps differences", () => {
  const line = Float64Array.from({ length: 101 }, (_, i) => 3 - 0.25 * i);
  for (const v of detrendLinear(line)) assert.ok(Math.abs(v) < 1e-12);
  const x = Float64Array.from([1, 4, 2, 9]);
  assert.deepEqual(Array.from(demean(x)), [-3, 0, -2, 5]);
  assert.deepEqual(Array.from(detrendLinear(new Float64Array([5]))), [0]);
  assert.equal(demean(new Float64Array(0)).length, 0);
});
