import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTimeNs, formatIsoNs } from "../../core/time.js";
import { readResults, readWaveformSet } from "../../io/layouts/index.js";
import { loadHmm, loadNmf, saveHmm, saveNmf } from "../../model/persist.node.js";
import { processingTimestamp } from "../../pipeline/export.js";
import { ProjectStore } from "../../pipeline/store.js";
import { runCli } from "../../../test-support/cli.js";
import { assertGolden, sharedPath } from "../../../test-support/shared.js";
import { H5PY_LIST_DATASETS, runH5py } from "../../../test-support/python.js";

const layouts = "data/specufex-python-layouts";
type Listing = Record<string, [string, number[]]>;

/** Per-event dataset names (digits) collapsed to <id>: { name: "dtype shape" }. */
function collapse(listing: Listing): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, [dtype, shape]] of Object.entries(listing)) out[k.replace(/\/\d+$/, "/<id>")] = `${dtype} [${shape.join(",")}]`;
  return out;
}

const REJECTED_ID = "299999";
const REJECTED_AT = 5;
let runDir = "";
const made: string[] = [];
const tmp = (name: string): string => {
  const d = mkdtempSync(join(tmpdir(), `specufex-export-${name}`));
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/**
 * A realistic small run directory, built with the library as the pipeline does: the store (event table,
 * waveforms, spectrograms, activations, state sequences, fingerprints, one event rejected at the spectrogram
 * stage, stage records) and models/nmf.h5 + models/hmm.h5 saved by us from the Python package's model files.
 */
before(async () => {
  runDir = tmp("run-");
  const set = await readWaveformSet(sharedPath(`${layouts}/tutorial_waveforms.h5`));
  const t = await readResults(sharedPath(`${layouts}/tutorial_results.h5`));
  assert.deepEqual(t.eventIds, set.eventIds);
  const n = set.eventIds.length + 1;
  const at = (i: number): number => (i < REJECTED_AT ? i : i - 1); // store index → tutorial index
  const ids = Array.from({ length: n }, (_, i) => (i === REJECTED_AT ? REJECTED_ID : set.eventIds[at(i)]!));
  const col = (v: Float64Array): Float64Array => Float64Array.from({ length: n }, (_, i) => (i === REJECTED_AT ? NaN : v[at(i)]!));
  const store = await ProjectStore.create(join(runDir, "specufex.h5"), {
    eventIds: ids,
    numeric: { lat: col(set.lat), lon: col(set.lon), depth: col(set.depth), mag: col(set.mag) },
    text: { otime: ids.map((_, i) => (i === REJECTED_AT ? "2016-10-20T00:00:00.000000Z" : formatIsoNs(parseTimeNs(set.otime[at(i)]!)))) },
  });
  const L = set.waveforms.shape[1];
  const waveforms = new Float64Array(n * L);
  for (let i = 0; i < n; i++) if (i !== REJECTED_AT) waveforms.set(set.waveforms.data.subarray(at(i) * L, (at(i) + 1) * L), i * L);
  store.writeWaveforms({ data: waveforms, shape: [n, L] }, { sampleRateHz: set.sampleRateHz, startOffsetS: -3, reference: "pick", units: "m/s" });
  const spectrogram = { nperseg: 64, noverlap: 16, windowSeconds: null, overlapFraction: null, nfft: 512, window: "tukey", tukeyAlpha: 0.25, scaling: "spectrum", mode: "magnitude", fmin: 5, fmax: 20, pool: 1 };
  const data = { waveforms: "tutorial_waveforms.h5", files: [], catalog: "catalog.csv", station: "IV.T1214..EHZ", reference: "pick", before: 3, after: 17 };
  store.completeStage("ingest", { data, preprocessing: { normalizeWaveforms: false } }, "0.1.0");
  const perEvent = <T>(xs: readonly T[]): (T | null)[] => ids.map((_, i) => (i === REJECTED_AT ? null : xs[at(i)]!));
  // Attributes as the pipeline's spectrograms stage writes them (no nperseg/fs: resolved from the settings).
  store.writeStacked("spectrograms", perEvent(t.spectrograms), { frequencies: t.frequenciesHz, times: t.timesS, fmin: 5, fmax: 20, settings: JSON.stringify(spectrogram) });
  store.writeRejections("spectrograms", [{ index: REJECTED_AT, eventId: REJECTED_ID, stage: "spectrograms", reason: "sample 5 is NaN" }]);
  store.completeStage("spectrograms", { spectrogram, normalizeWaveforms: false }, "0.1.0");
  store.completeStage("nmf-fit", { nmf: { numPatterns: 75, steps: 1500, schedule: "specufex-python", seed: 42 } }, "0.1.0");
  store.writeStacked("activations", perEvent(t.activations!));
  store.completeStage("hmm-fit", { hmm: { numStates: 8, steps: 300, schedule: "specufex-python", seed: 42 } }, "0.1.0");
  store.writeStacked("states", perEvent(t.states!));
  const fp = new Float64Array(n * 64).fill(NaN);
  for (let i = 0; i < n; i++) if (i !== REJECTED_AT) fp.set(t.fingerprints![at(i)]!.data, i * 64);
  store.writeTable("fingerprints", { data: fp, shape: [n, 64] });
  store.close();
  mkdirSync(join(runDir, "models"));
  await saveNmf(join(runDir, "models", "nmf.h5"), await loadNmf(sharedPath(`${layouts}/nmf.h5`)));
  await saveHmm(join(runDir, "models", "hmm.h5"), await loadHmm(sharedPath(`${layouts}/hmm.h5`)));
});

test("export --layout tutorial: every dataset name and dtype of tutorial_results.h5 (h5py), values round-trip, the rejected event left out", async () => {
  const out = join(runDir, "tutorial.h5");
  const r = await runCli(["export", "--project", runDir, "--layout", "tutorial", out, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual([summary.command, summary.layout, summary.events, summary.exported], ["export", "tutorial", 61, 60]);
  assert.deepEqual(summary.skipped, [{ eventId: REJECTED_ID, reason: "spectrograms: sample 5 is NaN" }]);
  assert.deepEqual(summary.warnings, []);
  assert.deepEqual(collapse(runH5py<Listing>(H5PY_LIST_DATASETS, [out])), collapse(runH5py<Listing>(H5PY_LIST_DATASETS, [sharedPath(`${layouts}/tutorial_results.h5`)])));
  const ours = await readResults(out);
  const ref = await readResults(sharedPath(`${layouts}/tutorial_results.h5`));
  assert.deepEqual(ours.eventIds, ref.eventIds);
  assert.deepEqual(ours.stft, ref.stft);
  assert.deepEqual(Array.from(ours.frequenciesHz), Array.from(ref.frequenciesHz));
  assert.deepEqual(Array.from(ours.timesS), Array.from(ref.timesS));
  for (let i = 0; i < ref.eventIds.length; i++) {
    for (const k of ["spectrograms", "activations", "states", "fingerprints"] as const) {
      assert.deepEqual(ours[k]![i]!.shape, ref[k]![i]!.shape, `${k} ${ref.eventIds[i]}`);
      assert.deepEqual(Array.from(ours[k]![i]!.data), Array.from(ref[k]![i]!.data), `${k} ${ref.eventIds[i]}`);
    }
  }
  // gain, W and EB come from the models: the package computed the stored ones from the same models.
  assertGolden(ours.gain!, ref.gain!, { rtol: 1e-12, label: "gain" });
  assertGolden(ours.EW!, ref.EW!, { rtol: 1e-12, label: "W" });
  assertGolden(ours.EB!, ref.EB!, { rtol: 1e-12, label: "EB" });
});

test("export --layout processing: every dataset name and dtype and every attribute type (norm_waveforms: int8, not numpy bool) of processing_results.h5 (h5py); raw spectrograms and As equal the package's (rtol 1e-9)", async () => {
  const out = join(runDir, "processing.h5");
  const r = await runCli(["export", "--project", runDir, "--layout", "processing", out, "--threads", "2", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual([summary.layout, summary.exported, summary.skipped.length, summary.warnings.length], ["processing", 60, 1, 0]);
  const refPath = sharedPath(`${layouts}/processing_results.h5`);
  assert.deepEqual(collapse(runH5py<Listing>(H5PY_LIST_DATASETS, [out])), collapse(runH5py<Listing>(H5PY_LIST_DATASETS, [refPath])));
  const attrScript = `import h5py, json, sys
import numpy as np
f = h5py.File(sys.argv[1], 'r')
def val(v):
    if isinstance(v, bytes): return v.decode()
    if isinstance(v, np.generic): return v.item()
    return v
out = {g: {k: [type(v).__name__, val(v)] for k, v in f[g].attrs.items()} for g in ['spectrograms', 'sgram_attrs', 'specufex_attrs', 'dataparam_attrs', 'path_attrs']}
c = f['catalog/cat_by_sta/T1214']
out['catalog'] = {k: [val(x) for x in c[k][()]] for k in ['ev_ID', 'filename', 'timestamp']}
print(json.dumps(out))`;
  type Attrs = Record<string, Record<string, [string, unknown]>> & { catalog: Record<string, unknown[]> };
  const ours = runH5py<Attrs>(attrScript, [out]);
  const theirs = runH5py<Attrs>(attrScript, [refPath]);
  // The same values as the package's run for the STFT, the spectrogram echoes (but for norm_waveforms'
  // type: numpy bool there, a 1-byte integer from h5wasm here), the SpecUFEx settings and the catalogue.
  assert.deepEqual(ours.spectrograms, theirs.spectrograms);
  assert.deepEqual(ours.sgram_attrs!.norm_waveforms, ["int8", 0]);
  assert.deepEqual(theirs.sgram_attrs!.norm_waveforms, ["bool_", false]);
  delete ours.sgram_attrs!.norm_waveforms;
  delete theirs.sgram_attrs!.norm_waveforms;
  assert.deepEqual(ours.sgram_attrs, theirs.sgram_attrs);
  assert.deepEqual(ours.specufex_attrs, theirs.specufex_attrs);
  assert.deepEqual(ours.catalog, theirs.catalog);
  // Channel echoes: same types; the values say what this run read (an HDF5 waveform set, this folder).
  assert.deepEqual(ours.dataparam_attrs, { ...theirs.dataparam_attrs, filetype: ["str", ".h5"] });
  const typesOnly = (g: Record<string, [string, unknown]>): Record<string, string> => Object.fromEntries(Object.entries(g).map(([k, [type]]) => [k, type]));
  assert.deepEqual(typesOnly(ours.path_attrs!), typesOnly(theirs.path_attrs!));
  assert.equal(ours.path_attrs!.h5name![1], "processing.h5");
  assert.equal(ours.path_attrs!.pathCat![1], "catalog.csv");

  const mine = await readResults(out);
  const ref = await readResults(refPath);
  assert.deepEqual(mine.eventIds, ref.eventIds);
  for (let i = 0; i < ref.eventIds.length; i++) {
    const id = ref.eventIds[i]!;
    assertGolden(mine.rawSpectrograms![i]!, ref.rawSpectrograms![i]!, { rtol: 1e-9, label: `raw_spectrograms/${id}` });
    assertGolden(mine.transitions![i]!, ref.transitions![i]!, { rtol: 1e-9, label: `As/${id}` });
    for (const k of ["spectrograms", "activations", "states", "fingerprints"] as const) assert.deepEqual(Array.from(mine[k]![i]!.data), Array.from(ref[k]![i]!.data), `${k} ${id}`);
  }
  for (const k of ["EW", "EA", "ElnWA", "EB"] as const) assertGolden(mine[k]!, ref[k]!, { rtol: 1e-12, label: `model_parameters/${k}` });
  assertGolden(mine.gain!, ref.gain!, { rtol: 1e-12, label: "ACM_gain" });
});

test("export of a folder that is not a finished run, or with a bad --layout: exit 2 naming what is missing", async () => {
  const empty = tmp("empty-");
  let r = await runCli(["export", "--project", empty, "--layout", "tutorial", join(empty, "x.h5")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not a run directory \(no specufex\.h5\)/);
  r = await runCli(["export", "--project", runDir, "--layout", "matlab", join(empty, "x.h5")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--layout must be tutorial or processing, got "matlab"/);
  // A store whose NMF/HMM stages never ran.
  const partial = tmp("partial-");
  const store = await ProjectStore.create(join(partial, "specufex.h5"), { eventIds: ["a", "b"], numeric: {}, text: {} });
  store.close();
  r = await runCli(["export", "--project", partial, "--layout", "tutorial", join(partial, "x.h5")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /models\/nmf\.h5: no such file \(the run's nmf-fit stage has not completed\)/);
  mkdirSync(join(partial, "models"));
  await saveNmf(join(partial, "models", "nmf.h5"), await loadNmf(sharedPath(`${layouts}/nmf.h5`)));
  await saveHmm(join(partial, "models", "hmm.h5"), await loadHmm(sharedPath(`${layouts}/hmm.h5`)));
  r = await runCli(["export", "--project", partial, "--layout", "tutorial", join(partial, "x.h5")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /specufex\.h5: no spectrograms \(the spectrograms stage has not run\)/);
  assert.equal(existsSync(join(partial, "x.h5")), false);
});

test("processing timestamps: ISO 8601 with µs → the layout's millisecond form", () => {
  assert.equal(processingTimestamp("2016-10-13T01:07:13.123456Z"), "2016-10-13 01:07:13.123");
  assert.equal(processingTimestamp("2016-10-13 01:07:13"), "2016-10-13 01:07:13.000");
  assert.equal(processingTimestamp(""), "");
});
