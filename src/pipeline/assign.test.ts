// A project fitted on the demo without its family 4 (the demo's settings: 1000 NMF and HMM steps), then new
// events of every family — from the same generator with another seed — assigned to it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assignedCsv, assignEvents, assignFingerprints, FittedProject, readClusterModel, type AssignResult } from "./assign.js";
import type { SpecufexConfig } from "./config.js";
import { prepareDemo, writeDemoWaveformSet } from "./demo-run.js";
import { generateDemo, type DemoDataset, type DemoEvent } from "./demo/generate.js";
import { runPipeline, STORE_FILE } from "./run.js";
import { ProjectStore } from "./store.js";

const dir = mkdtempSync(join(tmpdir(), "specufex-assign-"));
const LEFT_OUT = 4;
let config: SpecufexConfig;
let newEvents: DemoEvent[];

/** Writes the events of `ds` that `keep` accepts as a waveform set (as prepareDemo writes the demo); `nanAt` spoils one. */
async function writeSubset(path: string, ds: DemoDataset, keep: (e: DemoEvent) => boolean, nanAt?: number): Promise<DemoEvent[]> {
  const idx = ds.events.flatMap((e, i) => (keep(e) ? [i] : []));
  let written = ds;
  if (nanAt !== undefined) {
    const spoilt = Float64Array.from(ds.waveforms[idx[nanAt]!]!);
    spoilt[500] = NaN;
    written = { ...ds, waveforms: ds.waveforms.map((w, i) => (i === idx[nanAt] ? spoilt : w)) };
  }
  await writeDemoWaveformSet(path, written, idx);
  return idx.map((i) => ds.events[i]!);
}

before(async () => {
  const setup = await prepareDemo(dir, { events: 250, seed: 42 });
  await writeSubset(join(dir, "waveforms.h5"), setup.dataset, (e) => e.family !== LEFT_OUT);
  config = { ...setup.config, report: { ...setup.config.report, enabled: false } };
  await runPipeline(config, { baseDir: dir });
  newEvents = await writeSubset(join(dir, "new.h5"), generateDemo({ events: 300, seed: 7 }), () => true, 5);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The training events' labels and centroid distances from the store. */
async function trainingResults(): Promise<Map<string, { cluster: number; distance: number }>> {
  const store = await ProjectStore.open(join(dir, STORE_FILE), "r");
  try {
    const ids = store.eventIds();
    const cluster = store.readVector("cluster");
    const distance = store.readVector("centroid_distance");
    return new Map(ids.map((id, i) => [id, { cluster: cluster[i]!, distance: distance[i]! }]));
  } finally {
    store.close();
  }
}

test("assigning the training events (waveforms → spectrograms → transforms → k-means centroids) reproduces their labels and distances exactly", async () => {
  const r = await (await FittedProject.open(dir)).assign({ input: join(dir, "waveforms.h5") });
  assert.equal(r.method, "kmeans");
  const train = await trainingResults();
  assert.equal(r.events.length, train.size);
  for (const e of r.events) {
    const t = train.get(e.eventId)!;
    assert.equal(e.cluster, t.cluster, `label of ${e.eventId}`);
    assert.equal(e.distance, t.distance, `distance of ${e.eventId}`);
  }
  const model = readClusterModel(dir);
  // novel = beyond the cluster's 99th percentile: about 1 % of the training events
  const novel = r.events.filter((e) => e.novel).length;
  assert.ok(novel <= Math.ceil(0.01 * r.events.length) + model.k, `${novel} training events flagged`);
});

/** The new events assigned once for the novelty tests. */
let assignedNew: Promise<AssignResult> | undefined;
const assignNew = (): Promise<AssignResult> => (assignedNew ??= assignEvents({ project: dir, input: join(dir, "new.h5") }));

/** Novel events / events of the left-out family and of the trained families (the spoiled event excluded). */
function noveltyCounts(r: AssignResult): { leftOut: number; leftOutNovel: number; trained: number; trainedNovel: number } {
  const family = new Map(newEvents.map((e) => [e.eventId, e.family]));
  const out = { leftOut: 0, leftOutNovel: 0, trained: 0, trainedNovel: 0 };
  for (const e of r.events) {
    if (e.cluster === 0) continue;
    if (family.get(e.eventId) === LEFT_OUT) {
      out.leftOut++;
      if (e.novel) out.leftOutNovel++;
    } else {
      out.trained++;
      if (e.novel) out.trainedNovel++;
    }
  }
  return out;
}

test("new events of the trained families: ≤ 5 % flagged novel; bad data is rejected with its reason; assigned.csv has one row per event", async () => {
  const r = await assignNew();
  const spoiled = newEvents[5]!.eventId;
  assert.deepEqual(r.rejected.map((x) => x.eventId), [spoiled]);
  assert.match(r.rejected[0]!.reason, /NaN|nan|finite/i);
  assert.equal(r.events.find((e) => e.eventId === spoiled)!.cluster, 0);
  const c = noveltyCounts(r);
  assert.ok(c.leftOut > 30 && c.trained > 150, `${c.leftOut} left-out and ${c.trained} trained-family events`);
  const csv = assignedCsv(r).split("\n");
  assert.equal(csv[0], "event_ID,cluster,distance,novel,otime,lat,lon,depth,mag");
  assert.equal(csv.length - 2, newEvents.length);
  assert.ok(c.trainedNovel / c.trained <= 0.05, `trained families: ${c.trainedNovel}/${c.trained} flagged novel`);
});

test("with a Gaussian mixture (full covariances after PCA), assigning the training events reproduces their labels exactly", async () => {
  const gmm: SpecufexConfig = { ...config, cluster: { ...config.cluster, method: "gmm", covariance: "full", pcaPve: 0.9 } };
  await runPipeline(gmm, { baseDir: dir });
  const model = readClusterModel(dir);
  assert.equal(model.method, "gmm");
  assert.ok(model.gmm && model.pca, "the model keeps the mixture and the PCA");
  const r = await assignEvents({ project: dir, input: join(dir, "waveforms.h5") });
  const train = await trainingResults();
  for (const e of r.events) assert.equal(e.cluster, train.get(e.eventId)!.cluster, `label of ${e.eventId}`);
  // the same from the stored fingerprints (no spectrograms, no transforms)
  const store = await ProjectStore.open(join(dir, STORE_FILE), "r");
  const fp = store.readTable("fingerprints");
  store.close();
  const a = assignFingerprints(model, fp);
  assert.deepEqual(Array.from(a.labels, (l) => l + 1), Array.from(train.values(), (t) => t.cluster));
  const flagged = Array.from(a.novel).reduce((s, v) => s + v, 0);
  assert.ok(flagged >= 1 && flagged <= Math.ceil(0.01 * fp.shape[0]) + 1, `1st percentile: ${flagged} of ${fp.shape[0]} training events below`);
  assert.ok(readFileSync(join(dir, "models", "cluster.json"), "utf8").includes("logDensityThreshold"));
});
