import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.js";
import { silhouetteSamples } from "./silhouette.js";
import { silhouetteSamplesParallel } from "./silhouette.node.js";

test("silhouetteSamplesParallel (3 threads) is bit-identical to silhouetteSamples on 2,500 × 12 rows", async () => {
  const rng = new Rng(4);
  const n = 2500, f = 12;
  const data = new Float64Array(n * f);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 5;
    for (let p = 0; p < f; p++) data[i * f + p] = labels[i]! * 0.5 + rng.normal();
  }
  const x = { data, shape: [n, f] as const };
  const serial = silhouetteSamples(x, labels);
  const parallel = await silhouetteSamplesParallel(x, labels, { threads: 3, minRowsForWorkers: 1 });
  assert.equal(parallel.length, n);
  for (let i = 0; i < n; i++) assert.ok(Object.is(parallel[i], serial[i]), `row ${i}: ${parallel[i]} vs ${serial[i]}`);
});
