import { test } from "node:test";
import assert from "node:assert/strict";
import { fromRows } from "../core/matrix.js";
import { OptionError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { prepareSilhouette, silhouetteSamples, silhouetteScore } from "./silhouette.js";

test("silhouetteSamples equals scikit-learn on cluster.json (rtol 1e-9)", () => {
  const g = readGolden("cluster.json");
  const s = silhouetteSamples(fromRows(g.X), Int32Array.from(g.labels));
  assertGolden(s, g.silhouette, { rtol: 1e-9, label: "silhouette" });
});

test("silhouetteSamples equals scikit-learn on cluster_more.json (rtol 1e-9)", () => {
  const g = readGolden("cluster_more.json");
  const s = silhouetteSamples(fromRows(g.X), Int32Array.from(g.kmeans.labels));
  assertGolden(s, g.kmeans.silhouette, { rtol: 1e-9, label: "silhouette" });
});

/** Mostly-zero rows (fingerprint-like: 8 of 64 entries set, from 4 families' supports), with exact duplicates. */
function sparseRows(n: number, f: number, seed: number): { x: { data: Float64Array; shape: readonly [number, number] }; labels: Int32Array } {
  let s = seed;
  const u = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const data = new Float64Array(n * f);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    labels[i] = c;
    if (i % 17 === 5 && i >= 8) {
      data.copyWithin(i * f, (i - 8) * f, (i - 7) * f); // a duplicate of a row of the same family
      continue;
    }
    for (let t = 0; t < 8; t++) data[i * f + ((c * 13 + Math.floor(u() * 24)) % f)] = 0.2 + u();
  }
  return { x: { data, shape: [n, f] as const }, labels };
}

test("silhouetteSamples on mostly-zero rows (the sparse products) equals the direct definition (rtol 1e-11)", () => {
  const n = 300, f = 64;
  const { x, labels } = sparseRows(n, f, 7);
  assert.equal(prepareSilhouette(x, labels).sparse, true, "the sparse path is taken");
  const s = silhouetteSamples(x, labels);
  const a = x.data;
  for (let i = 0; i < n; i++) {
    const sums = [0, 0, 0, 0];
    const counts = [0, 0, 0, 0];
    for (let j = 0; j < n; j++) {
      counts[labels[j]!]!++;
      let q = 0;
      for (let p = 0; p < f; p++) q += (a[i * f + p]! - a[j * f + p]!) ** 2;
      sums[labels[j]!]! += Math.sqrt(q);
    }
    const own = labels[i]!;
    const ai = sums[own]! / (counts[own]! - 1);
    let bi = Infinity;
    for (let c = 0; c < 4; c++) if (c !== own) bi = Math.min(bi, sums[c]! / counts[c]!);
    const e = (bi - ai) / Math.max(ai, bi);
    assert.ok(Math.abs(s[i]! - e) <= 1e-11 * Math.abs(e) + 1e-15, `row ${i}: ${s[i]} vs ${e}`);
  }
});

test("silhouetteSamples with very many labels (row blocks, no per-pair accumulators) and with few (each pair once) equal the direct definition (rtol 1e-11)", () => {
  const rng = new Rng(3);
  const n = 3000, f = 4;
  const data = new Float64Array(n * f);
  for (let i = 0; i < n * f; i++) data[i] = rng.normal();
  const x = { data, shape: [n, f] as const };
  for (const L of [2900, 7]) {
    const labels = Int32Array.from({ length: n }, (_, i) => i % L);
    assert.equal(prepareSilhouette(x, labels).pairs, L === 7);
    const s = silhouetteSamples(x, labels);
    const sums = new Float64Array(L);
    const counts = new Float64Array(L);
    for (let j = 0; j < n; j++) counts[labels[j]!]! += 1;
    for (let i = 0; i < n; i += 7) {
      sums.fill(0);
      for (let j = 0; j < n; j++) {
        let q = 0;
        for (let p = 0; p < f; p++) q += (data[i * f + p]! - data[j * f + p]!) ** 2;
        sums[labels[j]!]! += Math.sqrt(q);
      }
      const own = labels[i]!;
      const a = sums[own]! / (counts[own]! - 1);
      let b = Infinity;
      for (let c = 0; c < L; c++) if (c !== own) b = Math.min(b, sums[c]! / counts[c]!);
      // scikit-learn: 0 for a singleton's own cluster (0/0)
      const e = counts[own] === 1 ? 0 : (b - a) / Math.max(a, b);
      assert.ok(Math.abs(s[i]! - e) <= 1e-11 * Math.abs(e) + 1e-15, `L ${L}, row ${i}: ${s[i]} vs ${e}`);
    }
  }
});
