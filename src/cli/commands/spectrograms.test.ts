import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { H5File, withH5 } from "../../io/hdf5/index.js";
import { readWaveformSet, writeWaveformSet } from "../../io/layouts/index.js";
import { runCli } from "../../../test-support/cli.js";
import { assertGolden, sharedPath } from "../../../test-support/shared.js";
import { H5PY_LIST_DATASETS, runH5py } from "../../../test-support/python.js";

const layouts = "data/specufex-python-layouts";
const made: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "specufex-sg-"));
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
type Listing = Record<string, [string, number[]]>;

/** Every dataset of a file as { path: values } (numbers as arrays, strings as strings). */
async function contents(path: string): Promise<Record<string, unknown>> {
  return withH5(path, "r", (f) => {
    const out: Record<string, unknown> = {};
    for (const k of f.keys("spectrograms")) {
      const p = `spectrograms/${k}`;
      out[p] = f.shape(p).length === 0 ? f.readScalar(p) : Array.from(f.readNumbers(p));
    }
    return out;
  });
}

/** CSV rows (fields may be quoted, "" inside quotes is a quote). */
function parseCsv(text: string): string[][] {
  return text.trim().split("\n").map((line) => {
    const fields: string[] = [];
    const re = /("((?:[^"]|"")*)"|[^,]*)(,|$)/g;
    for (let m = re.exec(line); m && m.index < line.length; m = re.exec(line)) {
      fields.push(m[2] !== undefined ? m[2].replace(/""/g, '"') : m[1]!);
      if (m[3] === "") break;
    }
    return fields;
  });
}

test("spectrograms of tutorial_waveforms.h5 (nperseg 64, noverlap 16, nfft 512, 5–20 Hz) equal tutorial_results.h5's (golden metric, rtol 1e-9), with its dataset names and dtypes (h5py)", async () => {
  const dir = tmp();
  const out = join(dir, "sg.h5");
  const r = await runCli(["spectrograms", "--input", sharedPath(`${layouts}/tutorial_waveforms.h5`), "--out", out, "--nperseg", "64", "--noverlap", "16", "--nfft", "512", "--fmin", "5", "--fmax", "20", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.events, 60);
  assert.equal(summary.spectrograms, 60);
  assert.equal(summary.rejected, 0);
  assert.deepEqual([summary.frequencies, summary.times, summary.nperseg, summary.noverlap, summary.nfft], [61, 51, 64, 16, 512]);
  const ref = await H5File.open(sharedPath(`${layouts}/tutorial_results.h5`));
  const ours = await H5File.open(out);
  try {
    const ids = ref.keys("spectrograms").filter((k) => /^\d+$/.test(k));
    assert.equal(ids.length, 60);
    assert.deepEqual(ours.keys("spectrograms").filter((k) => /^\d+$/.test(k)), ids);
    for (const id of ids) assertGolden(ours.readMatrix(`spectrograms/${id}`), ref.readMatrix(`spectrograms/${id}`), { rtol: 1e-9, label: `spectrograms/${id}` });
    assertGolden(ours.readNumbers("spectrograms/fSTFT"), ref.readNumbers("spectrograms/fSTFT"), { rtol: 1e-12, label: "fSTFT" });
    assertGolden(ours.readNumbers("spectrograms/tSTFT"), ref.readNumbers("spectrograms/tSTFT"), { rtol: 1e-12, label: "tSTFT" });
    for (const k of ["nperseg", "noverlap", "nfft", "sgramScaling", "sgramMode"]) assert.equal(ours.readScalar(`spectrograms/${k}`), ref.readScalar(`spectrograms/${k}`), k);
  } finally {
    ours.close();
    ref.close();
  }
  // h5py sees the same names, dtypes and shapes as in the tutorial's file (its spectrograms group).
  const theirs = runH5py<Listing>(H5PY_LIST_DATASETS, [sharedPath(`${layouts}/tutorial_results.h5`)]);
  const expected = Object.fromEntries(Object.entries(theirs).filter(([k]) => k.startsWith("spectrograms/")));
  assert.deepEqual(runH5py<Listing>(H5PY_LIST_DATASETS, [out]), expected);
  assert.equal(expected["spectrograms/nperseg"]![0], "<i8");
  assert.equal(expected["spectrograms/sgramMode"]![0], "object");
  assert.deepEqual(parseCsv(readFileSync(join(dir, "rejected.csv"), "utf8")), [["event_ID", "stage", "reason"]]);

  // The same STFT given in seconds and as a fraction: 0.512 s · 125 Hz = 64 samples, 25 % overlap = 16.
  const out2 = join(tmp(), "sg.h5");
  const r2 = await runCli(["spectrograms", "--input", sharedPath(`${layouts}/tutorial_waveforms.h5`), "--out", out2, "--window-seconds", "0.512", "--overlap", "0.25", "--nfft", "512", "--quiet"]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(r2.stderr, "");
  assert.deepEqual(await contents(out2), await contents(out));
});

test("the h5py-written specufex_processing data file, as specufex_processing runs it (0.512 s windows, 25 % overlap, --normalize-waveforms), gives the tutorial's spectrograms (rtol 1e-9)", async () => {
  const out = join(tmp(), "sg.h5");
  const r = await runCli(["spectrograms", "--input", sharedPath(`${layouts}/processing_data.h5`), "--out", out, "--window-seconds", "0.512", "--overlap", "0.25", "--normalize-waveforms", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.inputLayout, "processing");
  assert.deepEqual([summary.events, summary.spectrograms, summary.nperseg, summary.noverlap, summary.nfft, summary.normalizeWaveforms], [60, 60, 64, 16, 512, true]);
  const ref = await H5File.open(sharedPath(`${layouts}/tutorial_results.h5`));
  const ours = await H5File.open(out);
  try {
    const ids = ref.keys("spectrograms").filter((k) => /^\d+$/.test(k));
    assert.deepEqual(ours.keys("spectrograms").filter((k) => /^\d+$/.test(k)), ids);
    for (const id of ids) assertGolden(ours.readMatrix(`spectrograms/${id}`), ref.readMatrix(`spectrograms/${id}`), { rtol: 1e-9, label: `spectrograms/${id}` });
  } finally {
    ours.close();
    ref.close();
  }
});

test("a waveform set with a NaN sample and a too-short waveform: exit 0, both in rejected.csv with reasons, the rest computed", async () => {
  const dir = tmp();
  const set = await readWaveformSet(sharedPath(`${layouts}/tutorial_waveforms.h5`));
  const L = set.waveforms.shape[1];
  const row = (i: number): Float64Array => set.waveforms.data.slice(i * L, (i + 1) * L);
  const ids = set.eventIds.slice(0, 4);
  // specufex_processing data layout: one dataset per event, so lengths may differ; lenData is the expected one.
  const input = join(dir, "processing_data.h5");
  const withNaN = row(1);
  withNaN[1000] = NaN;
  await withH5(input, "w", (f) => {
    f.writeNumbers(`waveforms/T1214/EHZ/${ids[0]}`, row(0));
    f.writeNumbers(`waveforms/T1214/EHZ/${ids[1]}`, withNaN);
    f.writeNumbers(`waveforms/T1214/EHZ/${ids[2]}`, row(2).slice(0, 40));
    f.writeNumbers(`waveforms/T1214/EHZ/${ids[3]}`, row(3));
    f.writeScalar("T1214/processing_info/lenData", L, "i8");
    f.writeScalar("T1214/processing_info/sampling_rate_Hz", 125, "i8");
  });
  const out = join(dir, "out", "sg.h5");
  mkdirSync(join(dir, "out"));
  const r = await runCli(["spectrograms", "--input", input, "--out", out, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.inputLayout, "processing");
  assert.deepEqual([summary.events, summary.spectrograms, summary.rejected], [4, 2, 2]);
  assert.deepEqual(summary.rejectedByReason, { nan: 1, "too-short": 1 });
  assert.match(r.stderr, /2 waveforms rejected/);
  const rows = parseCsv(readFileSync(join(dir, "out", "rejected.csv"), "utf8"));
  assert.deepEqual(rows[0], ["event_ID", "stage", "reason"]);
  assert.equal(rows.length, 3);
  const byId = new Map(rows.slice(1).map((x) => [x[0], x]));
  assert.deepEqual(byId.get(ids[1]), [ids[1], "spectrograms", "sample 1000 is NaN"]);
  assert.deepEqual(byId.get(ids[2]), [ids[2], "spectrograms", `40 samples, fewer than ${L}`]);
  // The usable ones are the tutorial's spectrograms (default STFT = the tutorial's).
  const ref = await H5File.open(sharedPath(`${layouts}/tutorial_results.h5`));
  const ours = await H5File.open(out);
  try {
    assert.deepEqual(ours.keys("spectrograms").filter((k) => /^\d+$/.test(k)), [ids[0], ids[3]]);
    for (const id of [ids[0]!, ids[3]!]) assertGolden(ours.readMatrix(`spectrograms/${id}`), ref.readMatrix(`spectrograms/${id}`), { rtol: 1e-9, label: id });
  } finally {
    ours.close();
    ref.close();
  }

  // The tutorial layout (one N×L matrix): a NaN is rejected the same way.
  const tut = join(dir, "tutorial.h5");
  const data = set.waveforms.data.slice(0, 3 * L);
  data[L + 7] = NaN;
  await writeWaveformSet(tut, { ...set, eventIds: set.eventIds.slice(0, 3), waveforms: { data, shape: [3, L] }, otime: set.otime.slice(0, 3), lat: set.lat.slice(0, 3), lon: set.lon.slice(0, 3), depth: set.depth.slice(0, 3), mag: set.mag.slice(0, 3) });
  const r2 = await runCli(["spectrograms", "--input", tut, "--out", join(dir, "tut-sg.h5"), "--normalize-waveforms"]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.deepEqual(parseCsv(readFileSync(join(dir, "rejected.csv"), "utf8")).slice(1), [[set.eventIds[1], "spectrograms", "sample 7 is NaN"]]);
  // Dividing by the maximum |x| leaves the dB spectrogram unchanged (up to rounding).
  await withH5(join(dir, "tut-sg.h5"), "r", async (f) => {
    const ref2 = await H5File.open(sharedPath(`${layouts}/tutorial_results.h5`));
    try {
      assertGolden(f.readMatrix(`spectrograms/${set.eventIds[2]}`), ref2.readMatrix(`spectrograms/${set.eventIds[2]}`), { rtol: 1e-9, label: "normalised waveform" });
    } finally {
      ref2.close();
    }
  });
});

test("bad options and unusable inputs exit 2 naming the flag or the file; nothing is written", async () => {
  const dir = tmp();
  const input = sharedPath(`${layouts}/tutorial_waveforms.h5`);
  const out = join(dir, "sg.h5");
  let r = await runCli(["spectrograms", "--input", input, "--out", out, "--nperseg", "64", "--window-seconds", "0.5"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--nperseg or --window-seconds, not both/);
  r = await runCli(["spectrograms", "--input", input, "--out", out, "--overlap", "1.5"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--overlap must be a fraction/);
  r = await runCli(["spectrograms", "--input", input, "--out", out, "--nperseg", "64", "--nfft", "32"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nfft must be ≥ nperseg \(64\), got 32/);
  r = await runCli(["spectrograms", "--input", join(dir, "missing.h5"), "--out", out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /missing\.h5: no such file/);
  r = await runCli(["spectrograms", "--input", sharedPath(`${layouts}/nmf.h5`), "--out", out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nmf\.h5: not a waveform set/);
  // Waveforms all shorter than the window: every one rejected → exit 2, reasons in rejected.csv, no output.
  const set = await readWaveformSet(input);
  const short = join(dir, "short.h5");
  const L = set.waveforms.shape[1];
  const data = new Float64Array(2 * 50);
  for (let i = 0; i < 2; i++) data.set(set.waveforms.data.subarray(i * L, i * L + 50), i * 50);
  await writeWaveformSet(short, { ...set, eventIds: set.eventIds.slice(0, 2), waveforms: { data, shape: [2, 50] }, otime: set.otime.slice(0, 2), lat: set.lat.slice(0, 2), lon: set.lon.slice(0, 2), depth: set.depth.slice(0, 2), mag: set.mag.slice(0, 2) });
  r = await runCli(["spectrograms", "--input", short, "--out", out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /none of the 2 waveforms gave a spectrogram/);
  assert.equal(existsSync(out), false);
  assert.equal(parseCsv(readFileSync(join(dir, "rejected.csv"), "utf8")).length, 3);
});

test("--help lists the options and examples", async () => {
  const r = await runCli(["spectrograms", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--window-seconds <S>/);
  assert.match(r.stdout, /Examples:\n {2}specufex spectrograms --input tutorial_waveforms\.h5 --out spectrograms\.h5\n/);
});
