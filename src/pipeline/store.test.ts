import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProjectStore, settingsHash } from "./store.js";
import { DataError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { runH5py } from "../../test-support/python.js";

function spectrogram(D: number, M: number, seed: number): Matrix {
  const data = new Float64Array(D * M);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7919 + seed * 104729) % 1000) / 7;
  return { data, shape: [D, M] };
}

test("the store round-trips spectrograms of different lengths exactly through the SpectrogramSource", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "specufex-store-")), "specufex.h5");
  const ids = ["a1", "b2", "c3", "d4"];
  const store = await ProjectStore.create(path, {
    eventIds: ids,
    numeric: { lat: Float64Array.from([42.1, 42.2, 42.3, 42.4]), mag: Float64Array.from([1, 2, 3, NaN]) },
    text: { otime: ["2016-10-13T00:00:00.000000Z", "2016-10-13T01:00:00.000000Z", "2016-10-14T00:00:00.000000Z", "2016-10-15T00:00:00.000000Z"] },
  });
  const X = [spectrogram(5, 7, 1), spectrogram(5, 3, 2), null, spectrogram(5, 11, 4)];
  store.writeStacked("spectrograms", X, { frequencies: Float64Array.from([1, 2, 3, 4, 5]), nperseg: 64 });
  store.writeRejections("spectrograms", [{ index: 2, eventId: "c3", stage: "spectrograms", reason: "zero median" }]);
  store.close();

  const again = await ProjectStore.open(path);
  assert.deepEqual(again.eventIds(), ids);
  const events = again.readEvents();
  assert.deepEqual(Array.from(events.numeric.lat!), [42.1, 42.2, 42.3, 42.4]);
  assert.ok(Number.isNaN(events.numeric.mag![3]!));
  assert.equal(events.text.otime![2], "2016-10-14T00:00:00.000000Z");
  const src = again.spectrogramSource();
  assert.equal(src.count, 3);
  assert.deepEqual(Array.from(src.indices), [0, 1, 3]);
  assert.equal(src.rows, 5);
  assert.deepEqual([src.columns(0), src.columns(1), src.columns(2)], [7, 3, 11]);
  for (const [k, i] of [[0, 0], [1, 1], [2, 3]] as const) {
    const m = src.get(k);
    assert.deepEqual(m.shape, X[i]!.shape);
    assert.deepEqual(Array.from(m.data), Array.from(X[i]!.data), `event ${ids[i]}`);
    assert.equal(src.id!(k), ids[i]);
  }
  assert.deepEqual(again.readRejections(), [{ index: 2, eventId: "c3", stage: "spectrograms", reason: "zero median" }]);
  assert.deepEqual(Array.from(again.readStatus()), [0, 0, 1, 0]);
  assert.deepEqual(Array.from(again.stackedAttrs("spectrograms").frequencies as Float64Array), [1, 2, 3, 4, 5]);
  again.close();

  // Time-major layout as documented (docs/STORE.md): h5py sees columns ΣM×D and offsets N+1.
  const layout = runH5py<{ columns: number[]; offsets: number[]; first: number[] }>(
    `import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
print(json.dumps({'columns': list(f['spectrograms/columns'].shape), 'offsets': f['spectrograms/offsets'][()].tolist(), 'first': f['spectrograms/columns'][0].tolist()}))`,
    [path],
  );
  assert.deepEqual(layout.columns, [21, 5]);
  assert.deepEqual(layout.offsets, [0, 7, 10, 10, 21]);
  assert.deepEqual(layout.first, [0, 1, 2, 3, 4].map((d) => X[0]!.data[d * 7]!));
});

test("redoing a stage overwrites its arrays in place, with a new shape", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "specufex-store-")), "specufex.h5");
  const store = await ProjectStore.create(path, { eventIds: ["x", "y"], numeric: {}, text: {} });
  store.writeStacked("activations", [spectrogram(4, 6, 1), spectrogram(4, 2, 2)]);
  const redo = [spectrogram(3, 5, 3), spectrogram(3, 9, 4)];
  store.writeStacked("activations", redo);
  assert.deepEqual(Array.from(store.readStacked("activations", 1).data), Array.from(redo[1]!.data));
  assert.deepEqual(store.readStacked("activations", 0).shape, [3, 5]);
  store.writeTable("fingerprints", { data: Float64Array.from([1, 2, 3, 4]), shape: [2, 2] });
  store.writeTable("fingerprints", { data: Float64Array.from([5, 6, 7, 8, 9, 10]), shape: [2, 3] });
  assert.deepEqual(Array.from(store.readTable("fingerprints").data), [5, 6, 7, 8, 9, 10]);
  store.close();
});

test("stage records: incomplete until completed, hash independent of key order, invalidation", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "specufex-store-")), "specufex.h5");
  const store = await ProjectStore.create(path, { eventIds: ["x"], numeric: {}, text: {} });
  assert.equal(settingsHash({ a: 1, b: [1, 2] }), settingsHash({ b: [1, 2], a: 1 }));
  assert.notEqual(settingsHash({ a: 1 }), settingsHash({ a: 2 }));
  store.startStage("nmf-fit", { steps: 10 });
  assert.equal(store.stage("nmf-fit")!.isComplete, false);
  store.completeStage("nmf-fit", { steps: 10 }, "0.1.0", { patternsLeft: 7 });
  const rec = store.stage("nmf-fit")!;
  assert.equal(rec.isComplete, true);
  assert.equal(rec.hash, settingsHash({ steps: 10 }));
  assert.deepEqual(rec.info, { patternsLeft: 7 });
  store.invalidateStage("nmf-fit");
  assert.equal(store.stage("nmf-fit")!.isComplete, false);
  assert.equal(store.stage("never"), undefined);
  store.close();
});

test("duplicate event ids are a DataError naming the id", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "specufex-store-")), "specufex.h5");
  await assert.rejects(ProjectStore.create(path, { eventIds: ["x", "x"], numeric: {}, text: {} }), (e: unknown) => e instanceof DataError && /"x"/.test(e.message));
});
