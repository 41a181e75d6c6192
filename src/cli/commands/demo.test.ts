// `specufex demo` end to end through the real binary on a small demo (100 events): every stage, the run
// directory's files checked against each other, then its report opened in Chromium (all 14 figure groups:
// k-means plus a Ward linkage as the second clustering).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadNmf, loadHmm } from "../../model/persist.node.js";
import { loadReportData } from "../../report/load.node.js";
import { ProjectStore } from "../../pipeline/store.js";
import { runCliBinary } from "../../../test-support/child.js";
import { ALL_FIGURES, assertFigureFiles, assertReportInBrowser } from "../../../test-support/report-browser.js";

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const cols = header!.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i]!, v])));
}

const out = mkdtempSync(join(tmpdir(), "specufex-demo-"));
const demo = runCliBinary(["demo", "--out", out, "--events", "100", "--seed", "42", "--json"]);

test("specufex demo runs every stage and writes a consistent run directory", async () => {
  const r = await demo;
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { eventsIn: number; eventsUsed: number; patternsLeft: number; states: number; chosenK: number; meanSilhouette: number; stages: { stage: string; status: string }[] };
  assert.equal(summary.eventsIn, 100);
  assert.deepEqual(summary.stages.map((s) => [s.stage, s.status]), ["ingest", "spectrograms", "nmf-fit", "nmf-transform", "hmm-fit", "hmm-transform", "cluster", "report"].map((s) => [s, "ran"]));
  const ari = /^ARI (-?\d\.\d+) \(clusters vs the generator's families, (\d+) events\)$/m.exec(r.stderr);
  assert.ok(ari, `an ARI line in: ${r.stderr}`);
  assert.equal(Number(ari[2]), summary.eventsUsed);
  // The clusters carry the families well above chance (ARI 0): 0.567 here; 0.50–0.52 at seeds 1, 3, 7 of this
  // size. (The 0.8 is not reached yet: the silhouette picks K = 3 for the 4 families.)
  assert.ok(Number(ari[1]) >= 0.4, `ARI ${ari[1]} against the generator's families`);
  // The same labels scored per 5-dB SNR band: 5–10, 10–15 and 15–20 dB, every scored event in one band.
  const bands = /^ARI by SNR: (.*)$/m.exec(r.stderr);
  assert.ok(bands, `an ARI-by-SNR line in: ${r.stderr}`);
  const parts = [...bands[1]!.matchAll(/(\d+)–(\d+) dB (-?\d\.\d+) \((\d+)\)/g)];
  assert.deepEqual(parts.map((p) => [Number(p[1]), Number(p[2])]), [[5, 10], [10, 15], [15, 20]]);
  assert.equal(parts.reduce((s, p) => s + Number(p[4]), 0), Number(ari[2]));

  // catalog.csv: one row per event, 1-based clusters 1..K, silhouettes in [−1, 1] whose mean is the summary's.
  const catalog = readCsv(join(out, "catalog.csv"));
  assert.equal(catalog.length, 100);
  assert.deepEqual(Object.keys(catalog[0]!).slice(0, 9), ["event_ID", "otime", "lat", "lon", "depth", "mag", "cluster", "silhouette", "centroid_distance"]);
  const clusters = new Set(catalog.map((row) => Number(row.cluster)));
  assert.deepEqual([...clusters].sort((a, b) => a - b), Array.from({ length: summary.chosenK }, (_, i) => i + 1));
  const s = catalog.map((row) => Number(row.silhouette));
  assert.ok(s.every((v) => v >= -1 && v <= 1));
  assert.ok(Math.abs(s.reduce((a, b) => a + b, 0) / s.length - summary.meanSilhouette) < 1e-9);
  const truth = readCsv(join(out, "truth.csv"));
  assert.deepEqual(truth.map((t) => t.event_ID), catalog.map((c) => c.event_ID));

  // The models and the store agree with the summary.
  const nmf = await loadNmf(join(out, "models/nmf.h5"));
  const hmm = await loadHmm(join(out, "models/hmm.h5"));
  assert.equal(nmf.fitted.K, summary.patternsLeft);
  assert.equal(hmm.fitted.EB.shape[0], summary.states);
  const store = await ProjectStore.open(join(out, "specufex.h5"));
  try {
    assert.equal(store.readTable("fingerprints").shape[1], summary.states ** 2);
    const V = store.readStacked("activations", 0);
    assert.equal(V.shape[0], summary.patternsLeft);
    assert.deepEqual(Array.from(nmf.transform(store.readStacked("spectrograms", 0)).data), Array.from(V.data), "stored activations are the model's transform");
    assert.equal(store.stages().filter((st) => st.isComplete).length, 8);
  } finally {
    store.close();
  }
  assert.equal(readFileSync(join(out, "rejected.csv"), "utf8").trim(), "event_ID,stage,reason");
  assert.ok(existsSync(join(out, "progress/nmf-fit.json")) && existsSync(join(out, "progress/hmm-fit.json")));
});

test("the demo's report has all fourteen figure groups and works in Chromium", async () => {
  const r = await demo;
  assert.equal(r.code, 0, r.stderr);
  const reportDir = join(out, "report");
  for (const name of ALL_FIGURES) assert.ok(existsSync(join(reportDir, "figures", `${name}.png`)), `${name}.png`);
  assertFigureFiles(reportDir);
  const data = await loadReportData(out);
  await assertReportInBrowser(join(reportDir, "index.html"), data);
});
