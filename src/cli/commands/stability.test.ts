// `specufex stability` in-process on a small demo with short fits (80 events, 150 NMF and 100 HMM steps): the
// command's plumbing (files, JSON, exit codes); the measure itself is tested in pipeline/stability.test.ts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { prepareDemo } from "../../pipeline/demo-run.js";
import { runCli } from "../../../test-support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "specufex-cli-stability-"));
let config: string;

before(async () => {
  const setup = await prepareDemo(dir, { events: 80, seed: 3 });
  const c = setup.config;
  config = join(dir, "specufex.yaml");
  writeFileSync(config, stringify({ ...c, nmf: { ...c.nmf, steps: 150 }, hmm: { ...c.hmm, steps: 100 }, cluster: { ...c.cluster, kRange: [2, 4], nInit: 3, alternatives: [] }, report: { enabled: false } }));
  const r = await runCli(["run", config, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("specufex stability --seeds 2 --json writes stability.json, adds consistency to catalog.csv and prints the summary", async () => {
  const r = await runCli(["stability", config, "--seeds", "2", "--bootstrap", "3", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { command: string; seeds: number[]; meanAri: number; kCounts: Record<string, number>; clusters: { stability: number }[] };
  assert.equal(out.command, "stability");
  assert.deepEqual(out.seeds, [3, 4]);
  assert.ok(out.meanAri >= -1 && out.meanAri <= 1);
  assert.equal(Object.values(out.kCounts).reduce((a, b) => a + b, 0), 2);
  assert.match(r.stderr, /mean pairwise ARI/);
  const json = JSON.parse(readFileSync(join(dir, "stability.json"), "utf8")) as { meanAri: number; runs: unknown[]; kCurve: unknown[] };
  assert.equal(json.runs.length, 2);
  assert.equal(json.kCurve.length, 3, "K = 2…4");
  assert.equal(readFileSync(join(dir, "catalog.csv"), "utf8").split("\n")[0], "event_ID,otime,lat,lon,depth,mag,cluster,silhouette,centroid_distance,consistency");
});

test("bad options exit 2 before anything runs", async () => {
  for (const args of [["--seeds", "0"], ["--consensus", "median"], ["--bootstrap", "-1"]]) {
    const r = await runCli(["stability", config, ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
  }
  const missing = await runCli(["stability", join(dir, "nope.yaml")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.yaml/);
  const fresh = mkdtempSync(join(tmpdir(), "specufex-cli-stability-empty-"));
  try {
    writeFileSync(join(fresh, "specufex.yaml"), stringify({ output: "run" }));
    const r = await runCli(["stability", join(fresh, "specufex.yaml")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no project store/);
    assert.equal(existsSync(join(fresh, "run", "stability.json")), false);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});
