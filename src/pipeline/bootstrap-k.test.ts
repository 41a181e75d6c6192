import { test } from "node:test";
import assert from "node:assert/strict";
import type { Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import { bootstrapCurve } from "./bootstrap-k.js";
import { parseConfig } from "./config.js";

/** Three far-apart round blobs of 50 points in 2-D. */
function blobs(): Matrix {
  const rng = new Rng(5);
  const centres = [[0, 0], [20, 0], [10, 17]];
  const data = new Float64Array(150 * 2);
  for (let i = 0; i < 150; i++) {
    const c = centres[Math.floor(i / 50)]!;
    data[2 * i] = c[0]! + rng.normal();
    data[2 * i + 1] = c[1]! + rng.normal();
  }
  return { data, shape: [150, 2] };
}

for (const method of ["kmeans", "ward"] as const) {
  test(`bootstrap stability (${method}): far-apart blobs are found again on every resample at the true K (agreement 1), not at larger K`, () => {
    const c = parseConfig({ cluster: { method, kRange: [2, 6], nInit: 3, seed: 1 } }).cluster;
    const curve = bootstrapCurve(blobs(), c, 6);
    assert.deepEqual(curve.map((p) => p.k), [2, 3, 4, 5, 6]);
    for (const p of curve) assert.equal(p.pairs, 15, "all 6·5/2 pairs of resamples");
    const at3 = curve[1]!;
    assert.equal(at3.agreement, 1);
    assert.equal(at3.sd, 0);
    for (const p of curve.slice(2)) assert.ok(p.agreement < 1, `K = ${p.k}: a round blob is split differently on different resamples (${p.agreement})`);
    assert.deepEqual(bootstrapCurve(blobs(), c, 6), curve, "same seed → same curve");
  });
}
