import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readWaveformSet, writeWaveformSet, readResults, writeTutorialResults, writeProcessingResults } from "./index.js";
import { FormatError } from "../../core/errors.js";
import { sharedPath } from "../../../test-support/shared.js";
import { runH5py, H5PY_LIST_DATASETS } from "../../../test-support/python.js";

const dir = "data/specufex-python-layouts";
type Listing = Record<string, [string, number[]]>;

/** Collapses per-event dataset names (digits) to "<id>" so listings of files with different events compare. */
function collapse(listing: Listing): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, [dtype, shape]] of Object.entries(listing)) out[k.replace(/\/\d+$/, "/<id>")] = `${dtype} rank ${shape.length}`;
  return out;
}

test("reads the tutorial waveform set (fixed-length ids, variable-length otime) and the processing data file to the same samples", async () => {
  const t = await readWaveformSet(sharedPath(`${dir}/tutorial_waveforms.h5`));
  assert.equal(t.layout, "tutorial");
  assert.deepEqual(t.waveforms.shape, [60, 2501]);
  assert.equal(t.sampleRateHz, 125);
  assert.equal(t.eventIds[1], "200037");
  const p = await readWaveformSet(sharedPath(`${dir}/processing_data.h5`));
  assert.equal(p.layout, "processing");
  assert.equal(p.station, "T1214");
  assert.equal(p.channel, "EHZ");
  assert.equal(p.sampleRateHz, 125);
  assert.deepEqual(p.eventIds, t.eventIds);
  assert.deepEqual(Array.from(p.waveforms.data.subarray(2501, 5002)), Array.from(t.waveforms.data.subarray(2501, 5002)));
  assert.equal(p.otime[0], "2016-10-13 00:00:00.000");
  // The catalogue CSV beside them (rounded to 5 and 2 decimals) agrees on the first events.
  assert.ok(Math.abs(t.lat[0]! - 42.80983) <= 5e-6, `lat ${t.lat[0]}`);
  assert.ok(Math.abs(t.mag[1]! - 1.26) <= 5e-3, `mag ${t.mag[1]}`);
});

test("reads both results layouts: the same spectrograms, activations, state sequences and fingerprints", async () => {
  const t = await readResults(sharedPath(`${dir}/tutorial_results.h5`));
  const p = await readResults(sharedPath(`${dir}/processing_results.h5`));
  assert.equal(t.layout, "tutorial");
  assert.equal(p.layout, "processing");
  assert.equal(t.eventIds.length, 60);
  assert.deepEqual(p.eventIds, t.eventIds);
  assert.deepEqual(t.stft, { nperseg: 64, noverlap: 16, nfft: 512, scaling: "spectrum", mode: "magnitude" });
  assert.deepEqual(p.stft, { fs: 125, nperseg: 64, noverlap: 16, nfft: 512, scaling: "spectrum", mode: "magnitude", fmin: 5, fmax: 20 });
  assert.deepEqual(t.spectrograms[5]!.shape, [61, 51]);
  assert.deepEqual(Array.from(p.spectrograms[5]!.data), Array.from(t.spectrograms[5]!.data));
  assert.deepEqual(Array.from(p.activations![7]!.data), Array.from(t.activations![7]!.data));
  assert.deepEqual(Array.from(p.states![7]!.data), Array.from(t.states![7]!.data));
  assert.deepEqual(Array.from(p.fingerprints![7]!.data), Array.from(t.fingerprints![7]!.data));
  assert.deepEqual(t.activations![0]!.shape, [14, 51]);
  assert.deepEqual(t.EB!.shape, [8, 14]);
  assert.deepEqual(Array.from(p.EB!.data), Array.from(t.EB!.data));
  assert.deepEqual(Array.from(p.gain!), Array.from(t.gain!));
  assert.equal(t.frequenciesHz.length, 61);
  assert.equal(t.frequenciesHz[0]! >= 5 && t.frequenciesHz[60]! <= 20, true);
});

test("exports in both layouts carry every dataset name and dtype of the Python-written files (checked with h5py)", async () => {
  const out = mkdtempSync(join(tmpdir(), "specufex-layouts-"));
  const t = await readResults(sharedPath(`${dir}/tutorial_results.h5`));
  const p = await readResults(sharedPath(`${dir}/processing_results.h5`));
  const tutorialOut = join(out, "tutorial.h5");
  await writeTutorialResults(tutorialOut, t);
  assert.deepEqual(collapse(runH5py<Listing>(H5PY_LIST_DATASETS, [tutorialOut])), collapse(runH5py<Listing>(H5PY_LIST_DATASETS, [sharedPath(`${dir}/tutorial_results.h5`)])));
  const processingOut = join(out, "processing.h5");
  const timestamps = (await readWaveformSet(sharedPath(`${dir}/processing_data.h5`))).otime;
  await writeProcessingResults(processingOut, p, {
    path_attrs: { h5name: "layouts.h5", key: "layouts", pathCat: "layouts/cat.csv", pathWF: "layouts/data/", projectPath: "layouts/" },
    sgram_attrs: { fmax: 20, fmin: 5, fracOverlap: 0.25, nfft: 512, sgramType: "spectrogram", winLen_Sec: 0.512 },
    specufex_attrs: { N_patterns_NMF: 75, N_states_HMM: 8, hmm_batchsz: 1, hmm_nbatch: 300, nmf_batchsz: 1, nmf_nbatch: 1500 },
    dataparam_attrs: { channel: "EHZ", channel_ID: 0, filetype: ".mseed", network: "IV", sampling_rate: 125, station: "T1214" },
    catalog: { station: "T1214", timestamps, filenames: p.eventIds.map((id) => `T1214.EHZ.${id}.mseed`.padEnd(26, "_").slice(0, 26)) },
  });
  const ours = collapse(runH5py<Listing>(H5PY_LIST_DATASETS, [processingOut]));
  const theirs = collapse(runH5py<Listing>(H5PY_LIST_DATASETS, [sharedPath(`${dir}/processing_results.h5`)]));
  // The Python file's filename strings are |S26; ours are as wide as what we write (also 26 here).
  assert.deepEqual(ours, theirs);
  const attrScript = `import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
print(json.dumps({g: {k: type(v).__name__ for k, v in f[g].attrs.items()} for g in ['spectrograms', 'sgram_attrs', 'specufex_attrs', 'dataparam_attrs', 'path_attrs']}))`;
  const ourAttrs = runH5py<Record<string, Record<string, string>>>(attrScript, [processingOut]);
  const theirAttrs = runH5py<Record<string, Record<string, string>>>(attrScript, [sharedPath(`${dir}/processing_results.h5`)]);
  delete theirAttrs.sgram_attrs!.norm_waveforms; // numpy bool: not written by us
  assert.deepEqual(ourAttrs, theirAttrs);
  // Values survive the round trip.
  const back = await readResults(processingOut);
  assert.deepEqual(Array.from(back.fingerprints![3]!.data), Array.from(p.fingerprints![3]!.data));
  assert.deepEqual(back.stft, p.stft);
});

test("a waveform set round-trips through the tutorial layout; a non-waveform file is a FormatError naming it", async () => {
  const out = mkdtempSync(join(tmpdir(), "specufex-layouts-"));
  const t = await readWaveformSet(sharedPath(`${dir}/tutorial_waveforms.h5`));
  const path = join(out, "w.h5");
  await writeWaveformSet(path, t);
  const back = await readWaveformSet(path);
  assert.deepEqual(back.eventIds, t.eventIds);
  assert.deepEqual(back.otime, t.otime);
  assert.deepEqual(Array.from(back.waveforms.data), Array.from(t.waveforms.data));
  assert.deepEqual(Array.from(back.depth), Array.from(t.depth));
  assert.deepEqual(collapse(runH5py<Listing>(H5PY_LIST_DATASETS, [path])), collapse(runH5py<Listing>(H5PY_LIST_DATASETS, [sharedPath(`${dir}/tutorial_waveforms.h5`)])));
  await assert.rejects(readWaveformSet(sharedPath(`${dir}/nmf.h5`)), (e: unknown) => e instanceof FormatError && /nmf\.h5: not a waveform set/.test(e.message));
});

test("event ids written by h5py as variable-length strings (tutorial event_ID, processing evID) read as the fixed-length ones", async () => {
  const out = mkdtempSync(join(tmpdir(), "specufex-layouts-"));
  const tutorial = join(out, "vlen.h5");
  const processing = join(out, "vlen-processing.h5");
  // Copies of the two h5py-written files with the id and time columns' string kinds swapped.
  runH5py(`import h5py, json, sys
src = h5py.File(sys.argv[1], 'r')
with h5py.File(sys.argv[2], 'w') as f:
    for k in ['waveform', 'lat', 'lon', 'depth', 'mag', 'sampling_rate']:
        f.create_dataset(k, data=src[k][()])
    f.create_dataset('event_ID', data=[s.decode() for s in src['event_ID'][()]], dtype=h5py.string_dtype())
    f.create_dataset('otime', data=[s.decode() if isinstance(s, bytes) else s for s in src['otime'][()]], dtype='S26')
p = h5py.File(sys.argv[3], 'r')
with h5py.File(sys.argv[4], 'w') as f:
    p.copy('waveforms', f)
    p.copy('T1214', f)
    g = f.create_group('catalog/global_catalog')
    g.create_dataset('evID', data=[str(v) for v in p['catalog/global_catalog/evID'][()]], dtype=h5py.string_dtype())
    g.create_dataset('timestamp', data=p['catalog/global_catalog/timestamp'][()])
print('true')`, [sharedPath(`${dir}/tutorial_waveforms.h5`), tutorial, sharedPath(`${dir}/processing_data.h5`), processing]);
  const dtypes = runH5py<Record<string, string>>(`import h5py, json, sys
a = h5py.File(sys.argv[1], 'r'); b = h5py.File(sys.argv[2], 'r')
print(json.dumps({'event_ID': str(h5py.check_string_dtype(a['event_ID'].dtype).length), 'otime': a['otime'].dtype.str, 'evID': str(h5py.check_string_dtype(b['catalog/global_catalog/evID'].dtype).length)}))`, [tutorial, processing]);
  assert.deepEqual(dtypes, { event_ID: "None", otime: "|S26", evID: "None" }); // None = variable length
  const original = await readWaveformSet(sharedPath(`${dir}/tutorial_waveforms.h5`));
  const t = await readWaveformSet(tutorial);
  assert.deepEqual(t.eventIds, original.eventIds);
  assert.deepEqual(t.otime, original.otime);
  assert.deepEqual(Array.from(t.waveforms.data), Array.from(original.waveforms.data));
  const p = await readWaveformSet(processing);
  const pOriginal = await readWaveformSet(sharedPath(`${dir}/processing_data.h5`));
  assert.deepEqual(p.eventIds, original.eventIds);
  assert.deepEqual(p.otime, pOriginal.otime);
  assert.equal(p.otime[1], "2016-10-13 01:07:13.123");
});
