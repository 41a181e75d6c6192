import { test } from "node:test";
import assert from "node:assert/strict";
import { adjustedRandIndex } from "../cluster/compare.js";
import { Rng } from "../core/rng.js";
import { alignTo, bestJaccard, compareRuns } from "./consensus.js";

const I = (...v: number[]): Int32Array => Int32Array.from(v);

/** Renames labels l → perm[l]. */
const rename = (labels: Int32Array, perm: readonly number[]): Int32Array => labels.map((l) => (l < 0 ? l : perm[l]!));

test("renamed copies of one partition agree perfectly: ARI 1, stability 1, consistency 1, the base run's names kept", () => {
  const a = I(0, 0, 1, 1, 2, 2, 2, 1);
  const c = compareRuns([a, rename(a, [2, 0, 1]), rename(a, [1, 2, 0])], { method: "vote" });
  assert.deepEqual(c.ari, [[1, 1, 1], [1, 1, 1], [1, 1, 1]]);
  assert.equal(c.meanAri, 1);
  assert.deepEqual(Array.from(c.labels), Array.from(a), "consensus named as run 0");
  assert.deepEqual(Array.from(c.consistency), new Array(8).fill(1));
  assert.deepEqual(c.clusters.map((k) => [k.size, k.stability]), [[2, 1], [3, 1], [3, 1]]);
  assert.deepEqual(c.runStability, [[1, 1, 1], [1, 1, 1], [1, 1, 1]]);
  for (const al of c.aligned) assert.deepEqual(Array.from(al), Array.from(a), "every run aligned to the consensus names");
});

test("per-cluster stability is the mean Jaccard index of the best match (hand-computed: 3/4 and 4/5)", () => {
  const a = I(0, 0, 0, 0, 1, 1, 1, 1);
  const b = I(5, 5, 5, 7, 7, 7, 7, 7);
  assert.deepEqual(Array.from(bestJaccard(a, b)), [3 / 4, 4 / 5]);
  // b's clusters {0,1,2} and {3..7}: best matches 3/4 and 4/5 again
  assert.deepEqual(Array.from(bestJaccard(I(0, 0, 0, 1, 1, 1, 1, 1), a)), [3 / 4, 4 / 5]);
  const c = compareRuns([a, b], { method: "vote" });
  assert.deepEqual(c.runStability, [[3 / 4, 4 / 5], [3 / 4, 4 / 5]]);
  assert.equal(c.ari[0]![1], adjustedRandIndex(a, b));
});

test("Hungarian alignment renames clusters by maximal overlap; unmatched clusters get new names; noise stays −1", () => {
  assert.deepEqual(Array.from(alignTo(I(0, 0, 1, 1, 2, 2), I(9, 9, 4, 4, 4, 7))), [0, 0, 1, 1, 1, 2]);
  assert.deepEqual(Array.from(alignTo(I(0, 0, 1, 1), I(3, 5, 6, -1))), [0, 2, 1, -1], "two clusters compete for reference 0: the tie goes to one, the other gets name 2");
});

test("the aligned majority vote recovers a planted partition from five noisy, renamed runs; consistency counts the runs that kept each event", () => {
  const n = 1000;
  const k = 4;
  const rng = new Rng(3);
  const planted = Int32Array.from({ length: n }, () => rng.integer(k));
  const kept = new Int32Array(n).fill(5);
  const runs: Int32Array[] = [];
  for (let r = 0; r < 5; r++) {
    const noisy = planted.slice();
    // At most 2 of the 5 runs move an event (always to another cluster), so its planted label keeps a majority.
    for (let i = 0; i < n; i++) {
      if (rng.random() < 0.08 && kept[i]! > 3) {
        noisy[i] = (planted[i]! + 1 + rng.integer(k - 1)) % k;
        kept[i]!--;
      }
    }
    runs.push(rename(noisy, [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1], [1, 0, 2, 3]][r]!));
  }
  const c = compareRuns(runs, { method: "vote" });
  assert.equal(adjustedRandIndex(c.labels, planted), 1, "consensus = planted partition");
  assert.equal(c.k, 4);
  for (let i = 0; i < n; i++) assert.equal(c.consistency[i], kept[i]! / 5, `event ${i}`);
  assert.deepEqual(Array.from(c.confidence), Array.from(c.consistency), "vote confidence = share of runs voting for the label");
  runs.forEach((r, i) => assert.equal(c.ariToConsensus[i], adjustedRandIndex(r, planted), `run ${i} against the consensus`));
});

test("co-association + average linkage on a hand-computed case: partition, confidence = mean co-association with the other members", () => {
  const runs = [I(0, 0, 1, 1), I(0, 0, 1, 1), I(0, 1, 1, 1)];
  const c = compareRuns(runs, { method: "coassociation" });
  assert.equal(c.method, "coassociation");
  assert.deepEqual(Array.from(c.labels), [0, 0, 1, 1]);
  [2 / 3, 2 / 3, 1, 1].forEach((v, i) => assert.ok(Math.abs(c.confidence[i]! - v) < 1e-15, `confidence ${i}: ${c.confidence[i]} vs ${v}`));
  assert.deepEqual(Array.from(c.consistency), [1, 2 / 3, 1, 1]);
  assert.equal(compareRuns(runs).method, "vote", "the default");
  assert.equal(compareRuns(runs, { method: "coassociation", maxCoassociationEvents: 3 }).method, "vote", "the vote above the limit");
});

test("runs that put every event in one cluster reproduce no structure: their agreement is 0 and they are listed", () => {
  const one = new Int32Array(50);
  const c = compareRuns([one, one.slice(), one.slice()]);
  assert.deepEqual(c.trivialRuns, [0, 1, 2]);
  assert.equal(c.meanAri, 0);
  assert.equal(adjustedRandIndex(one, one), 1, "scikit-learn's convention for the 0/0 case, which the stability measure does not use");
  const split = Int32Array.from({ length: 50 }, (_, i) => (i < 25 ? 0 : 1));
  const d = compareRuns([split, split.slice(), one]);
  assert.deepEqual(d.trivialRuns, [2]);
  assert.equal(d.ari[0]![1], 1);
  assert.equal(d.ari[0]![2], 0);
  assert.ok(Math.abs(d.meanAri - 1 / 3) < 1e-15);
});

test("DBSCAN noise (−1) casts no vote and joins no cluster", () => {
  const c = compareRuns([I(0, 0, 1, 1, -1), I(1, 1, 0, -1, -1), I(0, 0, 1, 1, -1)], { method: "vote" });
  assert.deepEqual(Array.from(c.labels), [0, 0, 1, 1, -1]);
  assert.deepEqual(Array.from(c.consistency), [1, 1, 1, 2 / 3, 0]);
});

test("10⁵ events: the vote (no N² matrix) gives each event its majority label (ties: run 0's) and is identical on a rerun", () => {
  const n = 100_000;
  const rng = new Rng(11);
  const planted = Int32Array.from({ length: n }, () => rng.integer(6));
  const perms = [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [2, 3, 4, 5, 0, 1]];
  const noisy = perms.map(() => {
    const x = planted.slice();
    for (let q = 0; q < 500; q++) x[rng.integer(n)] = rng.integer(6);
    return x;
  });
  const expected = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b, c] = [noisy[0]![i]!, noisy[1]![i]!, noisy[2]![i]!];
    expected[i] = b === c && b !== a ? b : a;
  }
  const runs = noisy.map((x, r) => rename(x, perms[r]!));
  const c = compareRuns(runs, { method: "coassociation" });
  assert.equal(c.method, "vote", "no co-association matrix for 10⁵ events");
  assert.equal(adjustedRandIndex(c.labels, expected), 1);
  const again = compareRuns(runs, { method: "coassociation" });
  assert.deepEqual(again.labels, c.labels);
  assert.deepEqual(again.consistency, c.consistency);
});
