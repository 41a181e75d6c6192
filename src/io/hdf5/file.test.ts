import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { H5File, withH5, writeH5Atomic } from "./index.js";
import { FormatError } from "../../core/errors.js";
import { sharedPath } from "../../../test-support/shared.js";
import { runH5py, H5PY_LIST_DATASETS } from "../../../test-support/python.js";

test("reads a Python-written model file: int64 scalars as numbers, float64 matrices row-major", async () => {
  await withH5(sharedPath("data/specufex-python-layouts/nmf.h5"), "r", (f) => {
    assert.equal(f.readScalar("num_pat"), 14);
    assert.equal(f.readScalar("N_eff"), 300);
    assert.deepEqual(Array.from(f.readNumbers("input_dims")), [300, 61, 51]);
    assert.equal(f.dtype("h02"), "<q");
    const W1 = f.readMatrix("W1");
    assert.deepEqual(W1.shape, [61, 14]);
    assert.equal(W1.data[0], 1174.0359361062106);
    assert.equal(W1.data[1], 280.9051342819033);
    assert.equal(f.readNumber("h01"), 1 / 75);
  });
});

test("reads fixed-length and variable-length string datasets and attributes of h5py files", async () => {
  await withH5(sharedPath("data/specufex-python-layouts/tutorial_waveforms.h5"), "r", (f) => {
    const ids = f.readStrings("event_ID");
    assert.equal(ids.length, 60);
    assert.equal(ids[0], "200000");
    assert.equal(ids[1], "200037");
    assert.match(f.readStrings("otime")[0]!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    assert.deepEqual(f.shape("waveform"), [60, 2501]);
    const rows = f.readRows("waveform", 1, 3);
    const all = f.readNumbers("waveform");
    assert.deepEqual(Array.from(rows), Array.from(all.subarray(2501, 3 * 2501)));
  });
  await withH5(sharedPath("data/specufex-python-layouts/processing_results.h5"), "r", (f) => {
    const a = f.attrs("spectrograms");
    assert.equal(a.nperseg, 64);
    assert.equal(a.noverlap, 16);
    assert.equal(a.mode, "magnitude");
    assert.equal(f.attrs("dataparam_attrs").station, "T1214");
  });
});

test("writes int64, float64, strings and attributes that h5py reads with the expected dtypes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "specufex-h5-"));
  const path = join(dir, "out.h5");
  await writeH5Atomic(path, (f) => {
    f.writeScalar("nperseg", 64, "i8");
    f.writeScalar("h01", 1 / 75);
    f.writeScalar("sgramMode", "magnitude");
    f.writeStrings("event_ID", ["200000", "12"], { fixedLength: true });
    f.writeStrings("otime", ["2016-10-13 04:05:06.000000"]);
    f.writeMatrix("grp/sub/W", { data: Float64Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] });
    f.writeNumbers("grow", new Float64Array(6), { shape: [2, 3], maxshape: [null, 3], chunks: [2, 3] });
    f.resize("grow", [3, 3]);
    f.writeRows("grow", 2, Float64Array.from([7, 8, 9]));
    f.createGroup("attrs");
    f.setAttr("attrs", "fs", 125);
    f.setAttr("attrs", "nfft", 512, "i8");
    f.setAttr("attrs", "mode", "psd");
  });
  assert.deepEqual(readdirSync(dir), ["out.h5"], "no temporary file is left behind");
  const listing = runH5py<Record<string, [string, number[]]>>(H5PY_LIST_DATASETS, [path]);
  assert.deepEqual(listing, {
    nperseg: ["<i8", []],
    h01: ["<f8", []],
    sgramMode: ["object", []],
    event_ID: ["|S6", [2]],
    otime: ["object", [1]],
    "grp/sub/W": ["<f8", [2, 3]],
    grow: ["<f8", [3, 3]],
  });
  const values = runH5py<Record<string, unknown>>(
    `import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
a = f['attrs'].attrs
print(json.dumps({'W': f['grp/sub/W'][()].tolist(), 'grow': f['grow'][2].tolist(), 'ids': [x.decode() for x in f['event_ID'][()]],
  'fs': [type(a['fs']).__name__, float(a['fs'])], 'nfft': [type(a['nfft']).__name__, int(a['nfft'])], 'mode': str(a['mode']), 'h01': float(f['h01'][()])}))`,
    [path],
  );
  assert.deepEqual(values, { W: [[1, 2, 3], [4, 5, 6]], grow: [7, 8, 9], ids: ["200000", "12"], fs: ["float64", 125], nfft: ["int64", 512], mode: "psd", h01: 1 / 75 });
  const f = await H5File.open(path, "r");
  assert.deepEqual(f.readStrings("event_ID"), ["200000", "12"]);
  assert.equal(f.readScalar("sgramMode"), "magnitude");
  f.close();
});

test("a missing dataset or file is a FormatError naming the file and the path", async () => {
  await assert.rejects(H5File.open("/nonexistent/x.h5"), (e: unknown) => e instanceof FormatError && /x\.h5/.test(e.message));
  await withH5(sharedPath("data/specufex-python-layouts/nmf.h5"), "r", (f) => {
    assert.throws(() => f.readNumbers("W9"), (e: unknown) => e instanceof FormatError && /nmf\.h5: missing W9/.test(e.message));
  });
});
