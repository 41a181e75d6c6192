import { test } from "node:test";
import assert from "node:assert/strict";
import { ShapeError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { dendrogramLayout } from "./figures/dendrogram.js";
import { transitionsFromFingerprint } from "./load.node.js";
import { rawSpectrogramDb } from "./raw-spectrogram.js";
import { adjustedRandIndex } from "../cluster/compare.js";
import { alignLabels, contingency, envelope, principalScores2 } from "./stats.js";

const I = (xs: readonly number[]): Int32Array => Int32Array.from(xs);

test("adjusted Rand index reproduces scikit-learn's golden values (cluster_more.json, 1e-12)", () => {
  const g = readGolden("cluster_more.json") as {
    truth: number[]; kmeans: { labels: number[] }; dbscan: { labels: number[] }; gmm: { full: { labels: number[] } };
    linkage: { ward: { maxclust: Record<string, number[]> } }; ari: Record<string, number>;
  };
  const close = (a: number, b: number, label: string): void => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${label}: ${a} vs ${b}`);
  close(adjustedRandIndex(I(g.kmeans.labels), I(g.truth)), g.ari.kmeans_vs_truth!, "kmeans vs truth");
  close(adjustedRandIndex(I(g.gmm.full.labels), I(g.dbscan.labels)), g.ari.gmm_full_vs_dbscan!, "gmm full vs dbscan");
  const ward5 = g.linkage.ward.maxclust["5"]!;
  close(adjustedRandIndex(I(ward5), I(g.truth.slice(0, ward5.length))), g.ari.ward5_vs_truth!, "ward5 vs truth");
});

test("adjusted Rand index: analytic cases (renaming → 1, scikit-learn's documented examples)", () => {
  assert.equal(adjustedRandIndex(I([0, 0, 1, 1]), I([1, 1, 0, 0])), 1);
  assert.ok(Math.abs(adjustedRandIndex(I([0, 0, 1, 2]), I([0, 0, 1, 1])) - 0.5714285714285715) < 1e-15);
  assert.equal(adjustedRandIndex(I([0, 0, 0, 0]), I([0, 1, 2, 3])), 0);
  assert.ok(Math.abs(adjustedRandIndex(I([0, 0, 1, 1]), I([0, 1, 0, 1])) + 0.5) < 1e-15);
  assert.throws(() => adjustedRandIndex(I([1, 2]), I([1])), ShapeError);
});

test("contingency counts each pair of labels, rows and columns sorted", () => {
  const c = contingency(I([2, 1, 2, 2, 0]), I([5, 5, 7, 7, 7]));
  assert.deepEqual([...c.rowLabels], [0, 1, 2]);
  assert.deepEqual([...c.colLabels], [5, 7]);
  assert.deepEqual([...c.counts.data], [0, 1, 1, 0, 1, 2]);
});

test("two principal components reproduce scikit-learn's PCA (cluster.json; scores up to sign, rtol 1e-9)", () => {
  const g = readGolden("cluster.json") as { X: number[][]; pca: { mean: number[]; components: number[][]; explained_variance_ratio: number[] } };
  const N = g.X.length;
  const F = g.X[0]!.length;
  const x = { data: Float64Array.from(g.X.flat()), shape: [N, F] as const };
  const { scores, explainedVarianceRatio } = principalScores2(x);
  assertGolden(explainedVarianceRatio, g.pca.explained_variance_ratio.slice(0, 2), { rtol: 1e-9, label: "explained variance ratio" });
  for (let c = 0; c < 2; c++) {
    const expected = g.X.map((row) => row.reduce((s, v, f) => s + (v - g.pca.mean[f]!) * g.pca.components[c]![f]!, 0));
    const got = Float64Array.from({ length: N }, (_, i) => scores.data[2 * i + c]!);
    const sign = Math.sign(got[0]!) === Math.sign(expected[0]!) ? 1 : -1;
    assertGolden(got.map((v) => sign * v), expected, { rtol: 1e-9, label: `PC${c + 1} scores` });
  }
});

test("principal scores skip unselected and non-finite rows (NaN scores)", () => {
  const r = new Rng(3);
  const x = { data: Float64Array.from({ length: 30 }, () => r.normal()), shape: [10, 3] as const };
  x.data[4] = NaN;
  const use = Uint8Array.from({ length: 10 }, (_, i) => (i === 7 ? 0 : 1));
  const { scores } = principalScores2(x, use);
  for (let i = 0; i < 10; i++) assert.equal(Number.isNaN(scores.data[2 * i]!), i === 1 || i === 7, `row ${i}`);
});

test("the waveform envelope keeps the extremes in time order within maxPoints", () => {
  const L = 10_000;
  const data = Float64Array.from({ length: L }, (_, j) => Math.sin(j / 37) * Math.exp(-j / 4000));
  data[5123] = 9;
  data[777] = -4;
  const env = envelope(data, 100, -2, 1000);
  assert.ok(env.t.length <= 1000);
  assert.equal(Math.max(...env.y), 9);
  assert.equal(Math.min(...env.y), -4);
  assert.ok(env.t.includes(-2 + 5123 / 100));
  for (let j = 1; j < env.t.length; j++) assert.ok(env.t[j]! > env.t[j - 1]!, `time ${j} increases`);
  const short = envelope(Float64Array.of(1, 2, 3), 2, 0, 1000);
  assert.deepEqual([...short.t], [0, 0.5, 1]);
});

test("the raw spectrogram equals scipy.signal.spectrogram (spectrogram.json case 2: Hann, density, psd; rtol 1e-10)", () => {
  const g = readGolden("spectrogram.json") as { fs: number; waveforms: number[][]; cases: { params: { nperseg: number; noverlap: number; nfft: number | null; window: unknown; scaling: string; mode: string }; f: number[]; t: number[]; S: number[][][] }[] };
  const c = g.cases[2]!;
  assert.deepEqual([c.params.window, c.params.scaling, c.params.mode, c.params.nfft], ["hann", "density", "psd", null]);
  const f = Float64Array.from(c.f);
  const dt = c.t[1]! - c.t[0]!;
  for (let w = 0; w < g.waveforms.length; w++) {
    const wave = { data: Float64Array.from(g.waveforms[w]!), sampleRateHz: g.fs, startSeconds: 0, units: "" };
    const db = rawSpectrogramDb(wave, f, c.t[0]!, dt, c.t.length, c.params.nperseg);
    const psd = db.data.map((v) => 10 ** (v / 10));
    assertGolden(psd, c.S[w]!, { rtol: 1e-10, label: `waveform ${w} PSD` });
  }
});

test("the dendrogram layout gives SciPy's leaf order, and its cut colours leaves as fcluster(maxclust) (cluster_more.json)", () => {
  const g = readGolden("cluster_more.json") as { linkage: Record<string, { Z: number[][]; maxclust: Record<string, number[]>; leaves: number[] }> };
  for (const method of ["single", "complete", "average", "weighted", "ward"]) {
    const L = g.linkage[method]!;
    const n = L.Z.length + 1;
    const Z = Float64Array.from(L.Z.flat());
    for (const k of [2, 3, 4, 5, 6]) {
      const labels = I(L.maxclust[String(k)]!);
      const lay = dendrogramLayout(Z, n, k, labels, n - 1);
      assert.deepEqual(lay.leaves.map((l) => l.node), L.leaves, `${method}: leaf order`);
      for (const leaf of lay.leaves) assert.equal(leaf.cluster, labels[leaf.node], `${method} k=${k}: leaf ${leaf.node}`);
      const h = L.Z.map((r) => r[2]!);
      assert.ok(lay.cutHeight > h[n - 1 - k]! && lay.cutHeight < h[n - k]!, `${method} k=${k}: cut ${lay.cutHeight} between ${h[n - 1 - k]} and ${h[n - k]}`);
      assert.equal(lay.segments.length, 3 * (n - 1));
    }
    // Truncated to the last 30 merges: 31 leaves whose sizes add up to n.
    const top = dendrogramLayout(Z, n, 3, I(L.maxclust["3"]!), 30);
    assert.equal(top.leaves.length, 31);
    assert.equal(top.leaves.reduce((s, l) => s + l.size, 0), n);
  }
});

test("transitions from a fingerprint invert FP_ij = v_i·√A_ij (ALGORITHM.md §3.3)", () => {
  const r = new Rng(9);
  const S = 6;
  const A = new Float64Array(S * S);
  const v = Float64Array.from({ length: S }, () => 0.1 + r.random());
  for (let i = 0; i < S; i++) {
    let s = 0;
    for (let j = 0; j < S; j++) s += (A[i * S + j] = r.gamma(0.5, 1));
    for (let j = 0; j < S; j++) A[i * S + j]! /= s;
  }
  const FP = A.map((a, ij) => v[Math.floor(ij / S)]! * Math.sqrt(a));
  assertGolden(transitionsFromFingerprint({ data: FP, shape: [S, S] }).data, A, { rtol: 1e-13, label: "A" });
});

test("alignLabels renumbers another clustering to the chosen one's clusters it overlaps most; 0 stays 0", () => {
  // Renamed 1→3, 2→1, 3→2 plus one disagreement: numbered back; the ARI does not change.
  const main = I([1, 1, 1, 2, 2, 2, 3, 3, 3, 0]);
  const other = I([3, 3, 1, 1, 1, 1, 2, 2, 2, 0]);
  assert.deepEqual(Array.from(alignLabels(main, other)), [1, 1, 2, 2, 2, 2, 3, 3, 3, 0]);
  assert.equal(adjustedRandIndex(main, alignLabels(main, other)), adjustedRandIndex(main, other));
  // More clusters than the chosen clustering: the unmatched one gets a new number above both labelings'.
  assert.deepEqual(Array.from(alignLabels(I([1, 1, 2, 2, 2, 2]), I([5, 5, 7, 7, 9, 9]))), [1, 1, 2, 2, 10, 10]);
  // An event only the other clustering placed keeps its (renamed) cluster.
  assert.deepEqual(Array.from(alignLabels(I([0, 2, 2, 1]), I([1, 1, 1, 2]))), [2, 2, 2, 1]);
  assert.throws(() => alignLabels(I([1]), I([1, 2])), ShapeError);
});
