import { test } from "node:test";
import assert from "node:assert/strict";
import { fromRows, type Matrix } from "../core/matrix.js";
import { OptionError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { readGolden } from "../../test-support/shared.js";
import { dbscan } from "./dbscan.js";

test("dbscan equals scikit-learn on cluster_more.json (labels, core indices exact; noise kept)", () => {
  const g = readGolden("cluster_more.json").dbscan;
  const r = dbscan(fromRows(g.X), { eps: g.eps, minSamples: g.min_samples });
  assert.deepEqual(Array.from(r.labels), g.labels);
  assert.deepEqual(Array.from(r.coreSampleIndices), g.core_sample_indices);
  const noise = (g.labels as number[]).filter((l) => l === -1).length;
  assert.ok(noise > 0);
  assert.equal(r.nNoise, noise);
  assert.equal(r.nClusters, Math.max(...(g.labels as number[])) + 1);
});

/** Reference: O(N²) DBSCAN written plainly from the definition (independent of the grid). */
function naiveDbscan(x: Matrix, eps: number, minSamples: number): Int32Array {
  const [n, f] = x.shape;
  const nb: number[][] = [];
  for (let i = 0; i < n; i++) {
    nb.push([]);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < f; p++) s += (x.data[i * f + p]! - x.data[j * f + p]!) ** 2;
      if (s <= eps * eps) nb[i]!.push(j);
    }
  }
  const core = nb.map((l) => l.length >= minSamples);
  const labels = new Int32Array(n).fill(-1);
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (!core[i] || labels[i] !== -1) continue;
    const queue = [i];
    labels[i] = c;
    while (queue.length) {
      const p = queue.shift()!;
      if (!core[p]) continue;
      for (const q of nb[p]!) if (labels[q] === -1) { labels[q] = c; queue.push(q); }
    }
    c++;
  }
  return labels;
}

test("dbscan's grid (1, 2, 3 dimensions) and all-pairs (5 dimensions) paths equal a plain O(N²) DBSCAN", () => {
  const rng = new Rng(3);
  for (const f of [1, 2, 3, 5]) {
    const n = 300;
    const data = new Float64Array(n * f);
    for (let i = 0; i < n; i++) for (let p = 0; p < f; p++) data[i * f + p] = (i % 3) * 2 + 0.6 * rng.normal();
    const x = { data, shape: [n, f] as const };
    const eps = 0.25 * f;
    const r = dbscan(x, { eps, minSamples: 4 });
    assert.deepEqual(Array.from(r.labels), Array.from(naiveDbscan(x, eps, 4)), `f = ${f}`);
  }
});

test("dbscan kinds: core, border, noise on a hand-made line", () => {
  // 0, 0.1, 0.2 are core; 0.4 is within eps of 0.2 only (border); 5 is noise
  const r = dbscan(fromRows([[0], [0.1], [0.2], [0.4], [5]]), { eps: 0.25, minSamples: 3 });
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, -1]);
  assert.deepEqual(Array.from(r.kind), [2, 2, 2, 1, 0]);
  assert.equal(r.nNoise, 1);
});

test("dbscan requires eps (OptionError)", () => {
  assert.throws(() => dbscan(fromRows([[0]]), {} as never), OptionError);
});

test("dbscan with a far outlier (grid too large for the flat cell array: the hashed grid) equals a plain O(N²) DBSCAN", () => {
  const rng = new Rng(8);
  for (const f of [2, 3]) {
    const n = 300;
    const data = new Float64Array(n * f);
    for (let i = 0; i < n; i++) for (let p = 0; p < f; p++) data[i * f + p] = (i % 3) * 2 + 0.6 * rng.normal();
    data[7 * f] = 1e6;
    const x = { data, shape: [n, f] as const };
    const r = dbscan(x, { eps: 0.4, minSamples: 4 });
    assert.deepEqual(Array.from(r.labels), Array.from(naiveDbscan(x, 0.4, 4)), `f = ${f}`);
    assert.equal(r.labels[7], -1);
  }
});
