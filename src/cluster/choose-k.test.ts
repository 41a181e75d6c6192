import { test } from "node:test";
import assert from "node:assert/strict";
import type { Matrix } from "../core/matrix.js";
import { OptionError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { assertGolden } from "../../test-support/shared.js";
import { chooseK } from "./choose-k.js";
import { kmeans } from "./kmeans.js";
import { silhouetteSamples } from "./silhouette.js";

function blobs(seed: number, n: number, f: number, k: number, spread: number): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(n * f);
  for (let i = 0; i < n; i++) for (let p = 0; p < f; p++) data[i * f + p] = (p === i % k ? 6 : 0) + spread * rng.normal();
  return { data, shape: [n, f] };
}

test("chooseK picks K = 4 on four separated blobs; each K's fit equals kmeans with the same seed, each silhouette equals silhouetteSamples (rtol 1e-12)", () => {
  const x = blobs(1, 200, 6, 4, 0.5);
  const r = chooseK(x, { kMin: 2, kMax: 7, nInit: 4, seed: 11 });
  assert.equal(r.bestK, 4);
  assert.deepEqual(r.entries.map((e) => e.k), [2, 3, 4, 5, 6, 7]);
  const best = Math.max(...r.entries.map((e) => e.meanSilhouette));
  assert.equal(r.entries.find((e) => e.k === 4)!.meanSilhouette, best);
  for (const e of r.entries) {
    const km = kmeans(x, e.k, { nInit: 4, seed: 11, maxIter: 500 });
    assert.deepEqual(Array.from(e.labels), Array.from(km.labels), `K = ${e.k}`);
    assertGolden([e.sse], [km.inertia], { rtol: 1e-12, label: `SSE K=${e.k}` });
    const s = silhouetteSamples(x, e.labels);
    assertGolden([e.meanSilhouette], [s.reduce((a, b) => a + b, 0) / s.length], { rtol: 1e-12, label: `silhouette K=${e.k}` });
  }
  assertGolden(r.silhouettes, silhouetteSamples(x, r.best.labels), { rtol: 1e-12, label: "best silhouettes" });
  // SSE falls with K
  for (let i = 1; i < r.entries.length; i++) assert.ok(r.entries[i]!.sse < r.entries[i - 1]!.sse);
});

test("chooseK without the shared distance matrix (large-N path) gives the same result", () => {
  const x = blobs(2, 150, 5, 3, 0.7);
  const a = chooseK(x, { kMin: 2, kMax: 5, nInit: 3, seed: 4 });
  const b = chooseK(x, { kMin: 2, kMax: 5, nInit: 3, seed: 4, maxDistanceMatrixRows: 0 });
  assert.equal(a.bestK, b.bestK);
  for (let i = 0; i < a.entries.length; i++) {
    assert.deepEqual(Array.from(a.entries[i]!.labels), Array.from(b.entries[i]!.labels));
    assertGolden([a.entries[i]!.meanSilhouette], [b.entries[i]!.meanSilhouette], { rtol: 1e-12, label: "silhouette" });
  }
});

test("chooseK rejects kMin > kMax and a range needing more rows than given (OptionError)", () => {
  const x = blobs(3, 10, 2, 2, 1);
  assert.throws(() => chooseK(x, { kMin: 5, kMax: 3 }), OptionError);
  assert.throws(() => chooseK(x, { kMin: 3, kMax: 10 }), (e: unknown) => e instanceof OptionError && /kMax/.test((e as Error).message));
});
