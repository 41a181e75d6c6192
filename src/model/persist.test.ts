import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadHmm, loadNmf, saveHmm, saveNmf } from "./persist.node.js";
import { FormatError } from "../core/errors.js";
import { readResults } from "../io/layouts/index.js";
import { withH5 } from "../io/hdf5/index.js";
import { assertGolden, sharedPath } from "../../test-support/shared.js";
import { runH5py, H5PY_LIST_DATASETS } from "../../test-support/python.js";

const layouts = "data/specufex-python-layouts";

test("the Python package's nmf.h5 + hmm.h5 applied to its spectrograms give its stored ACM, STM and fingerprints (golden metric, rtol 1e-9)", async () => {
  const nmf = await loadNmf(sharedPath(`${layouts}/nmf.h5`));
  const hmm = await loadHmm(sharedPath(`${layouts}/hmm.h5`));
  const stored = await readResults(sharedPath(`${layouts}/tutorial_results.h5`));
  assert.equal(nmf.fitted.K, 14);
  assert.equal(stored.eventIds.length, 60);
  for (let i = 0; i < stored.eventIds.length; i++) {
    const id = stored.eventIds[i]!;
    const V = nmf.transform(stored.spectrograms[i]!);
    assertGolden(V, stored.activations![i]!, { rtol: 1e-9, label: `ACM ${id}` });
    const r = hmm.transform(V);
    assertGolden(r.gamma, stored.states![i]!, { rtol: 1e-9, label: `STM ${id}` });
    assertGolden(r.fingerprint, stored.fingerprints![i]!, { rtol: 1e-9, label: `fingerprint ${id}` });
  }
  assertGolden(nmf.fitted.gain, stored.gain!, { rtol: 1e-12, label: "gain" });
  assertGolden(nmf.fitted.EW, stored.EW!, { rtol: 1e-12, label: "W" });
  assertGolden(hmm.fitted.EB, stored.EB!, { rtol: 1e-12, label: "EB" });
});

test("our model files hold every field of the Python package's with its dtype (h5py), and reload bit-identically", async () => {
  const dir = mkdtempSync(join(tmpdir(), "specufex-persist-"));
  const nmf = await loadNmf(sharedPath(`${layouts}/nmf.h5`));
  const hmm = await loadHmm(sharedPath(`${layouts}/hmm.h5`));
  await saveNmf(join(dir, "nmf.h5"), nmf);
  await saveHmm(join(dir, "hmm.h5"), hmm);
  for (const name of ["nmf.h5", "hmm.h5"]) {
    const ours = runH5py<Record<string, [string, number[]]>>(H5PY_LIST_DATASETS, [join(dir, name)]);
    const theirs = runH5py<Record<string, [string, number[]]>>(H5PY_LIST_DATASETS, [sharedPath(`${layouts}/${name}`)]);
    assert.deepEqual(ours, theirs, name);
  }
  const nmf2 = await loadNmf(join(dir, "nmf.h5"));
  const hmm2 = await loadHmm(join(dir, "hmm.h5"));
  assert.deepEqual(nmf2.getState(), nmf.getState());
  assert.deepEqual(hmm2.getState(), hmm.getState());
  const stored = await readResults(sharedPath(`${layouts}/tutorial_results.h5`));
  const X = stored.spectrograms[3]!;
  assert.deepEqual(Array.from(hmm2.transform(nmf2.transform(X)).fingerprint.data), Array.from(hmm.transform(nmf.transform(X)).fingerprint.data));
  // The Python package's load() reads every dataset as an attribute: integral fields are int64 scalars.
  const values = runH5py<Record<string, unknown>>(
    `import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
print(json.dumps({k: [f[k].dtype.str, f[k][()].tolist() if f[k].shape == () else None] for k in ['num_pat', 'h01', 'h02', 'step', 'N_eff', 'dim']}))`,
    [join(dir, "nmf.h5")],
  );
  assert.deepEqual(values, { num_pat: ["<i8", 14], h01: ["<f8", 1 / 75], h02: ["<i8", 1], step: ["<i8", 1499], N_eff: ["<i8", 300], dim: ["<i8", 61] });
});

test("the package's test model files read: 75 patterns over 5 bins, and an HMM with 15 states over 5 patterns", async () => {
  const nmf = await loadNmf(sharedPath("data/specufex-python-saved-model-params/test_nmf_params.h5"));
  assert.deepEqual(nmf.fitted.EW.shape, [5, 75]);
  const hmm = await loadHmm(sharedPath("data/specufex-python-saved-model-params/test_hmm_params.h5"));
  assert.deepEqual(hmm.fitted.EB.shape, [15, 5]);
  const X = { data: Float64Array.from({ length: 5 * 7 }, (_, i) => (i * 37) % 11), shape: [5, 7] as [number, number] };
  const V = nmf.transform(X);
  assert.deepEqual(V.shape, [75, 7]);
  for (const v of V.data) assert.ok(Number.isFinite(v) && v > 0);
});

test("a model file missing a field is a FormatError naming the file and the field", async () => {
  const dir = mkdtempSync(join(tmpdir(), "specufex-persist-"));
  const path = join(dir, "broken.h5");
  await withH5(path, "w", (f) => {
    f.writeMatrix("W1", { data: new Float64Array(4).fill(1), shape: [2, 2] });
    f.writeScalar("h01", 0.5);
  });
  await assert.rejects(loadNmf(path), (e: unknown) => e instanceof FormatError && /broken\.h5: model file is missing the field "W2"/.test(e.message));
  copyFileSync(sharedPath(`${layouts}/nmf.h5`), join(dir, "nmf-as-hmm.h5"));
  await assert.rejects(loadHmm(join(dir, "nmf-as-hmm.h5")), (e: unknown) => e instanceof FormatError && /missing the field "B1"/.test(e.message));
});
