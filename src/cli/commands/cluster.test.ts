import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../../core/rng.js";
import { readGolden, sharedPath } from "../../../test-support/shared.js";
import { runCli } from "../../../test-support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "specufex-cluster-"));

/** Writes a feature CSV and returns its path. */
function csv(name: string, ids: string[], rows: number[][], header?: string[]): string {
  const cols = header ?? rows[0]!.map((_, j) => `f${j + 1}`);
  const text = ["event_ID," + cols.join(","), ...rows.map((r, i) => `${ids[i]},${r.join(",")}`)].join("\n") + "\n";
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Parses the labels CSV written by the command. */
function parseOut(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trim().split("\n");
  return { header: lines[0]!.split(","), rows: lines.slice(1).map((l) => l.split(",")) };
}

/** Four well-separated blobs in 5 dimensions, 30 events each. */
function blobs(): { ids: string[]; rows: number[][]; truth: number[] } {
  const rng = new Rng(12);
  const ids: string[] = [];
  const rows: number[][] = [];
  const truth: number[] = [];
  for (let i = 0; i < 120; i++) {
    const c = i % 4;
    ids.push(`ev${1000 + i}`);
    truth.push(c);
    rows.push(Array.from({ length: 5 }, (_, p) => (p === c ? 10 : 0) + 0.3 * rng.normal()));
  }
  return { ids, rows, truth };
}

/** True when a and b are the same partition (a one-to-one renaming). */
function samePartition(a: number[], b: number[]): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]!) ?? b[i]) !== b[i] || (ba.get(b[i]!) ?? a[i]) !== a[i]) return false;
    ab.set(a[i]!, b[i]!);
    ba.set(b[i]!, a[i]!);
  }
  return true;
}

test("cluster --method kmeans --k 4 on separated blobs: labels equal the truth up to renaming, 1-based, silhouettes > 0.8, CSV on stdout", async () => {
  const { ids, rows, truth } = blobs();
  const r = await runCli(["cluster", "--input", csv("blobs.csv", ids, rows), "--out", "-", "--method", "kmeans", "--k", "4", "--seed", "3"]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseOut(r.stdout);
  assert.deepEqual(out.header, ["event_ID", "cluster", "silhouette"]);
  assert.deepEqual(out.rows.map((x) => x[0]), ids);
  const labels = out.rows.map((x) => Number(x[1]));
  assert.deepEqual([...new Set(labels)].sort(), [1, 2, 3, 4]);
  assert.ok(samePartition(labels, truth));
  for (const x of out.rows) assert.ok(Number(x[2]) > 0.8, `silhouette ${x[2]}`);
});

test("cluster --k-range 2:7 prints K, mean silhouette and SSE per K and marks K = 4 as chosen", async () => {
  const { ids, rows, truth } = blobs();
  const outPath = join(dir, "labels.csv");
  const r = await runCli(["cluster", "--input", csv("blobs2.csv", ids, rows), "--out", outPath, "--k-range", "2:7"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.match(lines[0]!, /^K\s+mean_silhouette\s+SSE$/);
  assert.equal(lines.length, 7);
  const chosen = lines.filter((l) => l.includes("<- chosen"));
  assert.equal(chosen.length, 1);
  assert.match(chosen[0]!, /^4\s/);
  // the marked K has the highest mean silhouette of the table
  const sil = lines.slice(1).map((l) => Number(l.trim().split(/\s+/)[1]));
  assert.equal(Math.max(...sil), sil[2]);
  const labels = parseOut(readFileSync(outPath, "utf8")).rows.map((x) => Number(x[1]));
  assert.ok(samePartition(labels, truth));
});

test("cluster --method ward --k 5 on cluster_more.json's first 60 rows gives SciPy's fcluster labels exactly", async () => {
  const g = readGolden("cluster_more.json");
  const rows = (g.X as number[][]).slice(0, 60);
  const ids = rows.map((_, i) => String(i));
  const r = await runCli(["cluster", "--input", csv("more60.csv", ids, rows), "--out", "-", "--method", "ward", "--k", "5"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseOut(r.stdout).rows.map((x) => Number(x[1])), g.linkage.ward.maxclust["5"]);
});

test("cluster --method dbscan writes 0 for noise and the kind core/border/noise, as scikit-learn labels the golden case", async () => {
  const g = readGolden("cluster_more.json").dbscan;
  const ids = (g.X as number[][]).map((_, i) => `e${i}`);
  const r = await runCli(["cluster", "--input", csv("db.csv", ids, g.X), "--out", "-", "--method", "dbscan", "--eps", String(g.eps), "--min-samples", String(g.min_samples)]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseOut(r.stdout);
  assert.deepEqual(out.header, ["event_ID", "cluster", "kind"]);
  assert.deepEqual(out.rows.map((x) => Number(x[1])), (g.labels as number[]).map((l) => l + 1));
  const core = new Set<number>(g.core_sample_indices);
  out.rows.forEach((x, i) => assert.equal(x[2], core.has(i) ? "core" : g.labels[i] === -1 ? "noise" : "border"));
});

test("cluster --method gmm writes the posterior probability of the chosen component", async () => {
  const { ids, rows, truth } = blobs();
  const r = await runCli(["cluster", "--input", csv("g.csv", ids, rows), "--out", "-", "--method", "gmm", "--k", "4", "--covariance", "diag"]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseOut(r.stdout);
  assert.deepEqual(out.header, ["event_ID", "cluster", "probability"]);
  assert.ok(samePartition(out.rows.map((x) => Number(x[1])), truth));
  for (const x of out.rows) assert.ok(Number(x[2]) > 0.99 && Number(x[2]) <= 1);
});

test("cluster reads fingerprints/<event_ID> from the tutorial HDF5 layout", async () => {
  const outPath = join(dir, "fp.csv");
  const r = await runCli(["cluster", "--input", sharedPath("data/specufex-python-layouts/tutorial_results.h5"), "--out", outPath, "--k", "3", "--seed", "1"]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseOut(readFileSync(outPath, "utf8"));
  assert.equal(out.rows.length, 60);
  assert.equal(out.rows[0]![0], "200000");
  assert.deepEqual([...new Set(out.rows.map((x) => x[1]))].sort(), ["1", "2", "3"]);
});

test("bad input files exit 2 with a message naming the line and column", async () => {
  const cases: [string, string, RegExp][] = [
    ["ragged.csv", "event_ID,a,b\ne1,1,2\ne2,3\n", /ragged\.csv: line 3 has 2 cells \(expected 3/],
    ["text.csv", "event_ID,a,b\ne1,1,2\ne2,3,abc\n", /text\.csv: line 3 \(event_ID "e2"\), column "b": "abc" is not a number/],
    ["nan.csv", "event_ID,a,b\ne1,NaN,2\ne2,3,4\n", /nan\.csv: line 2 \(event_ID "e1"\), column "a": is NaN/],
    ["dup.csv", "event_ID,a\ne1,1\ne2,2\ne1,3\n", /dup\.csv: line 4, column "event_ID": duplicate event_ID "e1" \(first on line 2\)/],
  ];
  for (const [name, text, pattern] of cases) {
    const p = join(dir, name);
    writeFileSync(p, text);
    const r = await runCli(["cluster", "--input", p, "--out", "-", "--k", "2"]);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stdout, "");
  }
});

test("fewer rows than K, and malformed flags, exit 2 naming the option", async () => {
  const p = csv("small.csv", ["a", "b", "c"], [[0], [1], [2]]);
  const few = await runCli(["cluster", "--input", p, "--out", "-", "--k", "5"]);
  assert.equal(few.code, 2);
  assert.match(few.stderr, /K = 5 needs at least 6 rows \(events\), got 3/);
  const cases: [string[], RegExp][] = [
    [["--k", "abc"], /--k must be an integer ≥ 1, got "abc"/],
    [["--k-range", "5:3"], /--k-range must be MIN:MAX/],
    [["--method", "kmedoids"], /--method must be one of kmeans, ward/],
    [["--method", "dbscan"], /--method dbscan needs --eps/],
    [["--method", "ward", "--eps", "1"], /--eps and --min-samples apply to --method dbscan only/],
    [["--k", "2", "--k-range", "2:3"], /give --k or --k-range, not both/],
    [["--scaler", "log"], /--scaler must be one of none, standard, minmax, robust/],
  ];
  for (const [flags, pattern] of cases) {
    const r = await runCli(["cluster", "--input", p, "--out", "-", ...flags]);
    assert.equal(r.code, 2, flags.join(" "));
    assert.match(r.stderr, pattern);
  }
  const missing = await runCli(["cluster", "--input", join(dir, "nope.csv"), "--out", "-"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.csv: cannot open/);
});
