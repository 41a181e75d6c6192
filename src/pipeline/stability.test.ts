// On the embedded demo (200 events, 4 families, the demo's own settings: 1000 NMF and 1000 HMM steps), 3 seeds.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../core/rng.js";
import type { Matrix } from "../core/matrix.js";
import type { SpecufexConfig } from "./config.js";
import { prepareDemo } from "./demo-run.js";
import { runPipeline, STORE_FILE } from "./run.js";
import { stabilityOfSpectrograms, type StabilityResult } from "./stability.js";
import { readSpectrograms, runStability } from "./stability-run.js";
import { ProjectStore } from "./store.js";
import { formatSummary } from "./summary.js";

const dir = mkdtempSync(join(tmpdir(), "specufex-stability-"));
let config: SpecufexConfig;
let result: StabilityResult;

before(async () => {
  const setup = await prepareDemo(dir, { events: 200, seed: 42 });
  config = { ...setup.config, report: { ...setup.config.report, enabled: false } };
  await runPipeline(config, { baseDir: dir });
  result = (await runStability(config, { baseDir: dir, seeds: 3, bootstrap: 5 })).result;
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** catalog.csv as column → values. */
function readCatalog(): Record<string, string[]> {
  const [head, ...lines] = readFileSync(join(dir, "catalog.csv"), "utf8").trim().split("\n");
  const names = head!.split(",");
  const cols: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const line of lines) line.split(",").forEach((v, j) => cols[names[j]!]!.push(v));
  return cols;
}

test("the demo's runs with three seeds agree (mean pairwise ARI ≥ 0.9); a null set with every spectrogram entry permuted agrees at least 0.3 less", async () => {
  const c = result.comparison;
  assert.equal(result.runs.length, 3);
  assert.equal(result.runs[0]!.reused, true, "seed +0 is the pipeline's own run, read from the store");
  assert.deepEqual(result.runs.map((r) => r.seeds.nmf), [42, 43, 44]);
  assert.ok(c.meanAri >= 0.9, `mean pairwise ARI ${c.meanAri.toFixed(3)} (ARIs ${c.ari.map((r) => r.map((v) => v.toFixed(3)).join(" ")).join(" | ")}; K ${result.runs.map((r) => r.k)})`);

  const store = await ProjectStore.open(join(dir, STORE_FILE), "r");
  const { spectrograms, eventIds } = readSpectrograms(store);
  store.close();
  const all: number[] = [];
  for (const x of spectrograms) for (const v of x.data) all.push(v);
  const rng = new Rng(2024);
  for (let i = all.length - 1; i > 0; i--) {
    const j = rng.integer(i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  let q = 0;
  const permuted: Matrix[] = spectrograms.map((x) => ({ data: Float64Array.from(x.data, () => all[q++]!), shape: x.shape }));
  const nul = await stabilityOfSpectrograms(permuted, eventIds, config, { seeds: 3, bootstrap: 0 });
  assert.ok(nul.comparison.meanAri <= c.meanAri - 0.3, `null set: mean pairwise ARI ${nul.comparison.meanAri.toFixed(3)} (trivial runs ${nul.comparison.trivialRuns}), demo ${c.meanAri.toFixed(3)}`);
});

test("stability.json, results/consistency, the catalog's consistency column and summary.json agree with the analysis", async () => {
  const json = JSON.parse(readFileSync(join(dir, "stability.json"), "utf8")) as { consistency: number[]; eventIds: string[]; consensus: { labels: number[] }; meanAri: number; runs: { labels: number[] }[] };
  const c = result.comparison;
  assert.deepEqual(json.eventIds, result.eventIds);
  assert.deepEqual(json.consensus.labels, Array.from(c.labels, (l) => l + 1));
  assert.deepEqual(json.runs[0]!.labels, Array.from(result.runs[0]!.labels, (l) => l + 1));
  const cat = readCatalog();
  const byId = new Map(cat.event_ID!.map((id, i) => [id, i]));
  result.eventIds.forEach((id, r) => {
    const i = byId.get(id)!;
    assert.equal(Number(cat.consistency![i]), c.consistency[r], `consistency of ${id}`);
    assert.equal(Number(cat.cluster![i]), result.runs[0]!.labels[r]! + 1, "the catalog holds run 0, the pipeline's own clustering");
  });
  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as { stability: { meanAri: number; consensusK: number } };
  assert.equal(summary.stability.meanAri, c.meanAri);
  assert.equal(summary.stability.consensusK, c.k);
  // per-event consistency: share of runs whose aligned label is the consensus label
  for (let i = 0; i < c.labels.length; i++) {
    const agree = c.aligned.filter((a) => a[i] === c.labels[i]).length;
    assert.equal(c.consistency[i], agree / 3);
  }
});

test("cluster.consensus {seeds: 3} makes the consensus the pipeline's answer, identical to the stability run with the same seeds", async () => {
  const withConsensus: SpecufexConfig = { ...config, cluster: { ...config.cluster, consensus: { seeds: 3, method: "vote" } } };
  const summary = await runPipeline(withConsensus, { baseDir: dir });
  assert.deepEqual(summary.stages.filter((s) => s.status === "ran").map((s) => s.stage), ["cluster", "report"], "only the clustering is redone");
  const model = JSON.parse(readFileSync(join(dir, "models", "cluster.json"), "utf8")) as { method: string; k: number; labels: number[]; eventIds: string[]; consensus: { seeds: number[] } };
  assert.equal(model.method, "consensus");
  assert.deepEqual(model.consensus.seeds, [42, 43, 44]);
  assert.deepEqual(model.eventIds, [...result.eventIds]);
  assert.deepEqual(model.labels, Array.from(result.comparison.labels, (l) => l + 1), "consensus labels identical on the rerun");
  assert.equal(model.k, result.comparison.k);
  assert.deepEqual((model as unknown as { parameters: unknown }).parameters, withConsensus.cluster, "the model keeps the method's parameters");
  const lines = formatSummary(summary);
  for (const k of result.comparison.clusters) assert.ok(lines.includes(`  cluster ${k.cluster + 1}: ${k.size} events, stability ${k.stability.toFixed(3)}`), `summary lines: ${lines.join(" | ")}`);
  const cat = readCatalog();
  const byId = new Map(cat.event_ID!.map((id, i) => [id, i]));
  result.eventIds.forEach((id, r) => {
    assert.equal(Number(cat.cluster![byId.get(id)!]), result.comparison.labels[r]! + 1);
    assert.equal(Number(cat.consistency![byId.get(id)!]), result.comparison.consistency[r]);
  });
});
