import { test } from "node:test";
import assert from "node:assert/strict";
import { readGolden } from "../../../test-support/shared.js";
import { digamma } from "../../core/special.js";
import { digammaFast } from "./hmm-digamma.js";

test("digammaFast matches mpmath on golden/digamma.json (≤ 1e-13 relative, ≤ 1e-15 absolute where |ψ| < 0.01)", () => {
  const g = readGolden<{ x: number[]; psi: number[] }>("digamma.json");
  assert.equal(g.x.length, g.psi.length);
  let worst = 0;
  for (let i = 0; i < g.x.length; i++) {
    const got = digammaFast(g.x[i]!);
    const want = g.psi[i]!;
    const err = Math.abs(got - want);
    if (Math.abs(want) < 0.01) assert.ok(err <= 1e-15, `x=${g.x[i]}: ${got} vs ${want}`);
    else {
      assert.ok(err <= 1e-13 * Math.abs(want), `x=${g.x[i]}: ${got} vs ${want}`);
      worst = Math.max(worst, err / Math.abs(want));
    }
  }
  assert.ok(worst < 1e-15, `worst relative error ${worst}`);
});

test("digammaFast agrees with core digamma across (0, 40] and at the recurrence seams", () => {
  for (let i = 1; i <= 40000; i++) {
    const x = i * 1e-3;
    const a = digammaFast(x), b = digamma(x);
    assert.ok(Math.abs(a - b) <= 2e-15 * Math.max(1, Math.abs(b)), `x=${x}: ${a} vs ${b}`);
  }
  for (const x of [1e-300, 1e-8, 1 - 1e-16, 1, 2 - 1e-15, 2, 9.999999999, 10]) assert.ok(Math.abs(digammaFast(x) - digamma(x)) <= 2e-15 * Math.max(1, Math.abs(digamma(x))), `x=${x}`);
  assert.equal(digammaFast(0), -Infinity);
  assert.ok(Number.isNaN(digammaFast(-1)));
  assert.equal(digammaFast(Infinity), Infinity);
});
