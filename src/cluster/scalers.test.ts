import { test } from "node:test";
import assert from "node:assert/strict";
import { fromRows } from "../core/matrix.js";
import { DataError } from "../core/errors.js";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { Scaler, scale } from "./scalers.js";

test("scalers equal scikit-learn's Standard, MinMax and Robust scalers on cluster_more.json's first 50 rows (rtol 1e-9)", () => {
  const g = readGolden("cluster_more.json");
  const x = fromRows((g.X as number[][]).slice(0, 50));
  assertGolden(scale(x, "standard"), g.scalers.standard, { rtol: 1e-9, label: "standard" });
  assertGolden(scale(x, "minmax"), g.scalers.minmax, { rtol: 1e-9, label: "minmax" });
  assertGolden(scale(x, "robust"), g.scalers.robust, { rtol: 1e-9, label: "robust" });
});

test("a constant feature keeps scale 1 and \"none\" is the identity", () => {
  const x = fromRows([[1, 5], [2, 5], [4, 5]]);
  assert.deepEqual(Array.from(scale(x, "standard").data.filter((_, i) => i % 2 === 1)), [0, 0, 0]);
  assert.deepEqual(Array.from(scale(x, "minmax").data), [0, 0, 1 / 3, 0, 1, 0]);
  assert.deepEqual(Array.from(scale(x, "none").data), Array.from(x.data));
});

test("a NaN entry is a DataError naming row and column", () => {
  const x = fromRows([[1, 2], [3, NaN]]);
  assert.throws(() => new Scaler().fit(x), (e: unknown) => e instanceof DataError && /X\[1\]\[1\]/.test(e.message));
});
