import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.js";
import { prepareSilhouette, silhouetteSamples } from "./silhouette.js";
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

test("silhouetteSamplesParallel (3 threads) is bit-identical to silhouetteSamples on mostly-zero rows (the sparse products)", async () => {
  const rng = new Rng(5);
  const n = 2100, f = 100;
  const data = new Float64Array(n * f);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let t = 0; t < 6; t++) data[i * f + ((labels[i]! * 30 + rng.integer(40)) % f)] = rng.random();
  }
  const x = { data, shape: [n, f] as const };
  assert.equal(prepareSilhouette(x, labels).sparse, true);
  const serial = silhouetteSamples(x, labels);
  const parallel = await silhouetteSamplesParallel(x, labels, { threads: 3, minRowsForWorkers: 1 });
  for (let i = 0; i < n; i++) assert.ok(Object.is(parallel[i], serial[i]), `row ${i}: ${parallel[i]} vs ${serial[i]}`);
});
