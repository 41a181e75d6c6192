import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.js";
import { chooseK } from "./choose-k.js";
import { chooseKParallel } from "./choose-k.node.js";

const dense = (): { data: Float64Array; shape: readonly [number, number] } => {
  const rng = new Rng(8);
  const n = 300, f = 6;
  const data = new Float64Array(n * f);
  for (let i = 0; i < n; i++) for (let p = 0; p < f; p++) data[i * f + p] = (p === i % 5 ? 3 : 0) + rng.normal();
  return { data, shape: [n, f] as const };
};

/** Mostly-zero rows (k-means and distances through the compressed rows). */
const sparse = (): { data: Float64Array; shape: readonly [number, number] } => {
  const rng = new Rng(9);
  const n = 300, f = 40;
  const data = new Float64Array(n * f);
  for (let i = 0; i < n; i++) for (let t = 0; t < 6; t++) data[i * f + (((i % 5) * 7 + rng.integer(14)) % f)] = 0.5 + rng.random();
  return { data, shape: [n, f] as const };
};

for (const [name, make] of [["dense", dense], ["mostly-zero", sparse]] as const) test(`chooseKParallel (3 threads) gives chooseK's result exactly on ${name} rows: every K's labels, SSE, n_iter, mean silhouette; best K, centres, silhouettes`, async () => {
  const x = make();
  const opts = { kMin: 2, kMax: 9, nInit: 3, seed: 21 };
  const serial = chooseK(x, opts);
  const parallel = await chooseKParallel(x, { ...opts, threads: 3 });
  assert.equal(parallel.bestK, serial.bestK);
  assert.equal(parallel.entries.length, serial.entries.length);
  serial.entries.forEach((e, i) => {
    const p = parallel.entries[i]!;
    assert.equal(p.k, e.k);
    assert.deepEqual(Array.from(p.labels), Array.from(e.labels), `K = ${e.k}`);
    assert.equal(p.sse, e.sse);
    assert.equal(p.nIter, e.nIter);
    assert.equal(p.meanSilhouette, e.meanSilhouette);
  });
  assert.deepEqual(Array.from(parallel.best.centers.data), Array.from(serial.best.centers.data));
  assert.deepEqual(Array.from(parallel.silhouettes), Array.from(serial.silhouettes));
  // a second call reuses the pool
  const again = await chooseKParallel(x, { ...opts, threads: 3 });
  assert.equal(again.bestK, serial.bestK);
});
