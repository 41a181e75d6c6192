import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FormatError } from "../core/errors.js";
import { sharedPath } from "../../test-support/shared.js";
import { H5File } from "../io/hdf5/index.js";
import { readFeatures } from "./features.node.js";

const open = (p: string) => H5File.open(p, "r");

test("readFeatures reads the tutorial layout's fingerprints/<event_ID> (60 events, 8×8 → 64 features, first row as h5py reads it)", async () => {
  const t = await readFeatures(sharedPath("data/specufex-python-layouts/tutorial_results.h5"), open);
  assert.equal(t.ids.length, 60);
  assert.deepEqual(t.x.shape, [60, 64]);
  assert.equal(t.ids[0], "200000");
  // values printed by h5py 3.7: fingerprints/200000[0, 1], [1, 1] and fingerprints/202183[7, 7]
  assert.equal(t.x.data[1], 0.0180540585987814);
  assert.equal(t.x.data[9], 0.2011493503754754);
  assert.equal(t.ids[59], "202183");
  assert.equal(t.x.data[59 * 64 + 63], 0.1800991542779729);
});

test("readFeatures reads the processing layout's fingerprints, equal to the tutorial file's (as h5py finds)", async () => {
  const a = await readFeatures(sharedPath("data/specufex-python-layouts/processing_results.h5"), open);
  const b = await readFeatures(sharedPath("data/specufex-python-layouts/tutorial_results.h5"), open);
  assert.deepEqual(a.ids, b.ids);
  assert.deepEqual(a.x.shape, [60, 64]);
  assert.deepEqual(Array.from(a.x.data), Array.from(b.x.data));
});

test("readFeatures reads a CSV and rejects an HDF5 file without fingerprints", async () => {
  const dir = mkdtempSync(join(tmpdir(), "specufex-features-"));
  writeFileSync(join(dir, "f.csv"), "event_ID,a\ne1,1\ne2,2\n");
  const t = await readFeatures(join(dir, "f.csv"));
  assert.deepEqual(t.ids, ["e1", "e2"]);
  await assert.rejects(readFeatures(sharedPath("data/specufex-python-layouts/tutorial_waveforms.h5"), open), FormatError);
});

test("readFeatures reads a project store (format attribute, events/event_ID, stacked fingerprints) and skips rejected events' NaN rows", async () => {
  const dir = mkdtempSync(join(tmpdir(), "specufex-store-"));
  const path = join(dir, "specufex.h5");
  const f = await H5File.open(path, "w");
  f.setAttr("/", "format", "specufex-store");
  f.writeStrings("events/event_ID", ["a", "b", "c"]);
  f.writeMatrix("fingerprints", { data: Float64Array.of(0.1, 0.2, 0.3, 0.4, NaN, NaN, NaN, NaN, 0.5, 0.6, 0.7, 0.8), shape: [3, 4] });
  f.close();
  const t = await readFeatures(path, open);
  assert.deepEqual(t.ids, ["a", "c"]);
  assert.deepEqual(t.skipped, ["b"]);
  assert.deepEqual(t.columns, ["fp_1_1", "fp_1_2", "fp_2_1", "fp_2_2"]);
  assert.deepEqual(Array.from(t.x.data), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
});
