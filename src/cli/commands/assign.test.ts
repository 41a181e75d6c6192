// `specufex assign` in-process on a small demo with short fits (80 events, 150 NMF and 100 HMM steps): the
// command's plumbing; exact reproduction and novelty are tested in pipeline/assign.test.ts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { prepareDemo } from "../../pipeline/demo-run.js";
import { runCli } from "../../../test-support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "specufex-cli-assign-"));

before(async () => {
  const setup = await prepareDemo(dir, { events: 80, seed: 5 });
  const c = setup.config;
  const config = join(dir, "specufex.yaml");
  writeFileSync(config, stringify({ ...c, nmf: { ...c.nmf, steps: 150 }, hmm: { ...c.hmm, steps: 100 }, cluster: { ...c.cluster, kRange: [2, 4], nInit: 3, alternatives: [] }, report: { enabled: false } }));
  const r = await runCli(["run", config, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** catalog.csv or assigned.csv rows as event_ID → column → value. */
function rowsOf(text: string): Map<string, Record<string, string>> {
  const [head, ...lines] = text.trim().split("\n");
  const names = head!.split(",");
  return new Map(lines.map((l) => {
    const v = l.split(",");
    return [v[0]!, Object.fromEntries(names.map((n, j) => [n, v[j]!]))];
  }));
}

test("specufex assign --out - prints event_ID, cluster, distance, novel and the catalogue columns; the training events keep their clusters", async () => {
  const r = await runCli(["assign", "--project", dir, "--input", join(dir, "waveforms.h5"), "--out", "-"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split("\n")[0], "event_ID,cluster,distance,novel,otime,lat,lon,depth,mag");
  const assigned = rowsOf(r.stdout);
  const catalog = rowsOf(readFileSync(join(dir, "catalog.csv"), "utf8"));
  assert.equal(assigned.size, 80);
  for (const [id, row] of assigned) {
    assert.equal(row.cluster, catalog.get(id)!.cluster, id);
    assert.equal(row.distance, catalog.get(id)!.centroid_distance, id);
    assert.equal(row.lat, catalog.get(id)!.lat);
  }
  assert.match(r.stderr, /80 events into \d clusters \(kmeans\)/);
});

test("specufex assign --json --out FILE writes the CSV and prints a summary", async () => {
  const out = join(dir, "assigned.csv");
  const r = await runCli(["assign", "--project", dir, "--input", join(dir, "waveforms.h5"), "--out", out, "--json", "--threads", "1"]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { command: string; assigned: number; rejected: number; perCluster: Record<string, number> };
  assert.equal(s.command, "assign");
  assert.equal(s.assigned, 80);
  assert.equal(s.rejected, 0);
  assert.equal(Object.values(s.perCluster).reduce((a, b) => a + b, 0), 80);
  assert.equal(readFileSync(out, "utf8").trim().split("\n").length, 81);
});

test("a project that is not fitted, an unreadable input, and waveform files without a catalogue are usage errors (exit 2)", async () => {
  const empty = mkdtempSync(join(tmpdir(), "specufex-cli-assign-none-"));
  try {
    const a = await runCli(["assign", "--project", empty, "--input", join(dir, "waveforms.h5"), "--out", join(empty, "a.csv")]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /no project store/);
    const junk = join(empty, "junk.h5");
    writeFileSync(junk, "not hdf5 at all");
    const b = await runCli(["assign", "--project", dir, "--input", junk, "--out", join(empty, "b.csv")]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--catalog/);
    const c = await runCli(["assign", "--project", dir, "--input", join(dir, "catalog.csv"), "--catalog", join(empty, "missing.csv"), "--out", join(empty, "c.csv")]);
    assert.equal(c.code, 2, c.stderr);
    assert.equal(existsSync(join(empty, "c.csv")), false);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
