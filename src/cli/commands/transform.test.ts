import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ShapeError } from "../../core/errors.js";
import { withH5 } from "../../io/hdf5/index.js";
import { readResults, writeTutorialResults } from "../../io/layouts/index.js";
import { loadHmm, loadNmf } from "../../model/persist.node.js";
import { ProjectStore } from "../../pipeline/store.js";
import { openSpectrogramSet, transformSpectrograms } from "../../pipeline/transform.js";
import { runCli } from "../../../test-support/cli.js";
import { assertGolden, sharedPath } from "../../../test-support/shared.js";
import { H5PY_LIST_DATASETS, runH5py } from "../../../test-support/python.js";

const layouts = "data/specufex-python-layouts";
const made: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "specufex-tf-"));
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
type Listing = Record<string, [string, number[]]>;
const RESULT_GROUPS = /^(fingerprints|SpecUFEX_output)\//;

/** Every dataset of a file as { path: number[] }. */
async function allNumbers(path: string): Promise<Record<string, number[]>> {
  return withH5(path, "r", (f) => {
    const out: Record<string, number[]> = {};
    const walk = (g: string): void => {
      for (const k of f.keys(g)) {
        const p = g === "/" ? k : `${g}/${k}`;
        if (f.isGroup(p)) walk(p);
        else out[p] = Array.from(f.readNumbers(p));
      }
    };
    walk("/");
    return out;
  });
}

test("transform with the Python package's nmf.h5 + hmm.h5 on tutorial_results.h5 gives its stored ACM, STM and fingerprints (golden metric, rtol 1e-9); --threads 2 is bit-identical to --threads 1", async () => {
  const dir = tmp();
  const args = (out: string, threads: string): string[] => ["transform", "--nmf", sharedPath(`${layouts}/nmf.h5`), "--hmm", sharedPath(`${layouts}/hmm.h5`), "--input", sharedPath(`${layouts}/tutorial_results.h5`), "--out", out, "--threads", threads, "--json"];
  const out1 = join(dir, "out1.h5"), out2 = join(dir, "out2.h5");
  const r1 = await runCli(args(out1, "1"));
  assert.equal(r1.code, 0, r1.stderr);
  const summary = JSON.parse(r1.stdout);
  assert.equal(summary.command, "transform");
  assert.equal(summary.inputLayout, "tutorial");
  assert.deepEqual([summary.events, summary.transformed, summary.skipped, summary.frequencies, summary.patterns, summary.states], [60, 60, 0, 61, 14, 8]);
  const stored = await readResults(sharedPath(`${layouts}/tutorial_results.h5`));
  const ours = await readResults(out1);
  assert.deepEqual(ours.eventIds, stored.eventIds);
  for (let i = 0; i < stored.eventIds.length; i++) {
    const id = stored.eventIds[i]!;
    assertGolden(ours.activations![i]!, stored.activations![i]!, { rtol: 1e-9, label: `ACM/${id}` });
    assertGolden(ours.states![i]!, stored.states![i]!, { rtol: 1e-9, label: `STM/${id}` });
    assertGolden(ours.fingerprints![i]!, stored.fingerprints![i]!, { rtol: 1e-9, label: `fingerprints/${id}` });
  }
  assertGolden(ours.gain!, stored.gain!, { rtol: 1e-12, label: "ACM_gain/gain" });
  assertGolden(ours.EW!, stored.EW!, { rtol: 1e-12, label: "W/W" });
  assertGolden(ours.EB!, stored.EB!, { rtol: 1e-12, label: "EB" });
  // Names, dtypes and shapes as the tutorial writes them (h5py), EB under the last event's id included.
  const theirs = runH5py<Listing>(H5PY_LIST_DATASETS, [sharedPath(`${layouts}/tutorial_results.h5`)]);
  assert.deepEqual(runH5py<Listing>(H5PY_LIST_DATASETS, [out1]), Object.fromEntries(Object.entries(theirs).filter(([k]) => RESULT_GROUPS.test(k))));

  const r2 = await runCli(args(out2, "2"));
  assert.equal(r2.code, 0, r2.stderr);
  assert.deepEqual(await allNumbers(out2), await allNumbers(out1));
});

test("--input also takes the processing layout and a project store (rejected events skipped), with the same numbers", async () => {
  const dir = tmp();
  const nmf = sharedPath(`${layouts}/nmf.h5`), hmm = sharedPath(`${layouts}/hmm.h5`);
  const ref = join(dir, "ref.h5");
  assert.equal((await runCli(["transform", "--nmf", nmf, "--hmm", hmm, "--input", sharedPath(`${layouts}/tutorial_results.h5`), "--out", ref, "--threads", "1", "--quiet"])).code, 0);
  const expected = await allNumbers(ref);

  const fromProcessing = join(dir, "p.h5");
  const rp = await runCli(["transform", "--nmf", nmf, "--hmm", hmm, "--input", sharedPath(`${layouts}/processing_results.h5`), "--out", fromProcessing, "--threads", "1", "--json"]);
  assert.equal(rp.code, 0, rp.stderr);
  assert.equal(JSON.parse(rp.stdout).inputLayout, "processing");
  assert.deepEqual(await allNumbers(fromProcessing), expected);

  // A store with 6 events of which the 3rd was rejected (no spectrogram): 5 transformed, 1 skipped.
  const t = await readResults(sharedPath(`${layouts}/tutorial_results.h5`));
  const ids = t.eventIds.slice(0, 6);
  const storePath = join(dir, "specufex.h5");
  const store = await ProjectStore.create(storePath, { eventIds: ids, numeric: {}, text: {} });
  store.writeStacked("spectrograms", ids.map((_, i) => (i === 2 ? null : t.spectrograms[i]!)), { frequencies: t.frequenciesHz, times: t.timesS });
  store.writeRejections("spectrograms", [{ index: 2, eventId: ids[2]!, stage: "spectrograms", reason: "sample 5 is NaN" }]);
  store.close();
  const fromStore = join(dir, "s.h5");
  const rs = await runCli(["transform", "--nmf", nmf, "--hmm", hmm, "--input", storePath, "--out", fromStore, "--threads", "2", "--json"]);
  assert.equal(rs.code, 0, rs.stderr);
  const s = JSON.parse(rs.stdout);
  assert.deepEqual([s.inputLayout, s.events, s.transformed, s.skipped], ["store", 5, 5, 1]);
  const got = await allNumbers(fromStore);
  const kept = ids.filter((_, i) => i !== 2);
  for (const id of kept) {
    for (const g of ["fingerprints", "SpecUFEX_output/ACM", "SpecUFEX_output/STM"]) assert.deepEqual(got[`${g}/${id}`], expected[`${g}/${id}`], `${g}/${id}`);
  }
  assert.equal(got[`fingerprints/${ids[2]}`], undefined);
  assert.deepEqual(got[`SpecUFEX_output/EB/${kept[kept.length - 1]}`], expected[`SpecUFEX_output/EB/${t.eventIds[59]}`]);
});

test("a spectrogram with the wrong number of rows: exit 2 naming the event and the file, nothing written; the library throws ShapeError", async () => {
  const dir = tmp();
  const t = await readResults(sharedPath(`${layouts}/tutorial_results.h5`));
  const ids = t.eventIds.slice(0, 4);
  const spectrograms = ids.map((_, i) => t.spectrograms[i]!);
  // Event 3 loses its last frequency row: 60×51 instead of 61×51.
  const bad = spectrograms[2]!;
  spectrograms[2] = { data: bad.data.slice(0, 60 * 51), shape: [60, 51] };
  const input = join(dir, "bad.h5");
  await writeTutorialResults(input, { eventIds: ids, spectrograms, frequenciesHz: t.frequenciesHz, timesS: t.timesS, stft: t.stft });
  const out = join(dir, "out.h5");
  const r = await runCli(["transform", "--nmf", sharedPath(`${layouts}/nmf.h5`), "--hmm", sharedPath(`${layouts}/hmm.h5`), "--input", input, "--out", out]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `specufex: ${input}: spectrogram of event "${ids[2]}" is 60×51, expected 61 rows (the NMF model's frequency bins D)\n`);
  assert.equal(existsSync(out), false);

  const nmf = await loadNmf(sharedPath(`${layouts}/nmf.h5`));
  const hmm = await loadHmm(sharedPath(`${layouts}/hmm.h5`));
  const set = await openSpectrogramSet(input);
  try {
    await assert.rejects(transformSpectrograms(nmf, hmm, set, { threads: 1 }), (e: unknown) => e instanceof ShapeError && (e as ShapeError).event === ids[2] && (e as ShapeError).file === input);
  } finally {
    set.close();
  }

  // A NaN entry: DataError naming the event, exit 2.
  const withNaN = ids.map((_, i) => t.spectrograms[i]!);
  const nanData = withNaN[1]!.data.slice();
  nanData[3 * 51 + 7] = NaN;
  withNaN[1] = { data: nanData, shape: [61, 51] };
  const input2 = join(dir, "nan.h5");
  await writeTutorialResults(input2, { eventIds: ids, spectrograms: withNaN, frequenciesHz: t.frequenciesHz, timesS: t.timesS, stft: t.stft });
  const r2 = await runCli(["transform", "--nmf", sharedPath(`${layouts}/nmf.h5`), "--hmm", sharedPath(`${layouts}/hmm.h5`), "--input", input2, "--out", out, "--threads", "1"]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, new RegExp(`nan\\.h5: spectrogram 1 \\(id "${ids[1]}"\\) entry \\(d 3, m 7\\) is NaN`));
  assert.equal(existsSync(out), false);

  // Models that do not belong together (the package's test HMM over 5 patterns): exit 2 naming the HMM file.
  const r3 = await runCli(["transform", "--nmf", sharedPath(`${layouts}/nmf.h5`), "--hmm", sharedPath("data/specufex-python-saved-model-params/test_hmm_params.h5"), "--input", sharedPath(`${layouts}/tutorial_results.h5`), "--out", out]);
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /test_hmm_params\.h5: emissions over 5 patterns, but .*nmf\.h5 has K = 14 patterns/);
  // A file without spectrograms, and a bad --threads.
  const r4 = await runCli(["transform", "--nmf", sharedPath(`${layouts}/nmf.h5`), "--hmm", sharedPath(`${layouts}/hmm.h5`), "--input", sharedPath(`${layouts}/hmm.h5`), "--out", out]);
  assert.equal(r4.code, 2);
  assert.match(r4.stderr, /hmm\.h5: no spectrograms found/);
  const r5 = await runCli(["transform", "--nmf", "a", "--hmm", "b", "--input", "c", "--out", out, "--threads", "0"]);
  assert.equal(r5.code, 2);
  assert.match(r5.stderr, /--threads must be an integer ≥ 1, got "0"/);
});

test("transform --help lists the exit codes and examples", async () => {
  const r = await runCli(["transform", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Exit codes: 0 done; 2 bad options or bad input/);
  assert.match(r.stdout, /Examples:\n {2}specufex transform --nmf run\/models\/nmf\.h5/);
});
