// `specufex run` and `specufex status` options on a real small run (the layouts folder's 60 waveforms, two
// of them made unusable): the summary (events in, rejected by reason, patterns left, states, chosen K,
// silhouette, wall time per stage), rejected.csv, --json/--quiet/--verbose, --from/--only, status with
// settings, and a SpecUFEx_workflow config saying what it mapped and ignored.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { readWaveformSet, writeWaveformSet } from "../../io/layouts/index.js";
import { runCli } from "../../../test-support/cli.js";
import { sharedPath } from "../../../test-support/shared.js";

const layouts = "data/specufex-python-layouts";
const STAGE_NAMES = ["ingest", "spectrograms", "nmf-fit", "nmf-transform", "hmm-fit", "hmm-transform", "cluster", "report"];
const BAD = { nan: 3, inf: 7 };

interface Summary {
  eventsIn: number;
  eventsUsed: number;
  rejected: { total: number; byReason: Record<string, number>; byStage: Record<string, number> };
  patternsLeft: number;
  states: number;
  chosenK: number;
  meanSilhouette: number;
  stages: { stage: string; status: string; seconds: number }[];
  wallSeconds: number;
}

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const cols = header!.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i]!, v])));
}

const project = (async () => {
  const dir = mkdtempSync(join(tmpdir(), "specufex-run-opts-"));
  // The tutorial waveform set with event 3 holding a NaN and event 7 an infinity.
  const set = await readWaveformSet(sharedPath(`${layouts}/tutorial_waveforms.h5`));
  const L = set.waveforms.shape[1];
  const data = set.waveforms.data.slice();
  data[BAD.nan * L + 100] = NaN;
  data[BAD.inf * L + 5] = Infinity;
  const { layout: _layout, ...rest } = set;
  await writeWaveformSet(join(dir, "waveforms.h5"), { ...rest, waveforms: { data, shape: set.waveforms.shape } });
  const config = {
    output: "run",
    data: { waveforms: "waveforms.h5" },
    spectrogram: { nperseg: 64, noverlap: 16, nfft: 512, fmin: 5, fmax: 20 },
    nmf: { numPatterns: 20, steps: 40, seed: 3 },
    hmm: { numStates: 5, steps: 30, seed: 3 },
    cluster: { kRange: [2, 4], nInit: 2, alternatives: [] },
    report: { enabled: false },
  };
  const path = join(dir, "specufex.yaml");
  writeFileSync(path, stringify(config));
  const first = await runCli(["run", path, "--json"]);
  return { dir, path, config, set, first };
})();

test("the run summary: events in, rejected by reason, patterns left, states, chosen K, silhouette, wall time per stage; rejected.csv and catalog.csv", async () => {
  const { dir, set, first } = await project;
  assert.equal(first.code, 0, first.stderr);
  const s = JSON.parse(first.stdout) as Summary;
  const N = set.eventIds.length;
  assert.equal(s.eventsIn, N);
  assert.equal(s.eventsUsed, N - 2);
  assert.deepEqual(s.rejected.byStage, { spectrograms: 2 });
  assert.equal(s.rejected.total, 2);
  assert.equal(Object.values(s.rejected.byReason).reduce((a, b) => a + b, 0), 2);
  assert.deepEqual(s.stages.map((t) => [t.stage, t.status]), STAGE_NAMES.map((n) => [n, "ran"]));
  assert.ok(s.stages.every((t) => t.seconds >= 0) && s.wallSeconds >= s.stages.reduce((a, t) => a + t.seconds, 0) - 1e-9);
  assert.equal(s.states, 5);
  assert.ok(s.patternsLeft >= 1 && s.patternsLeft <= 20);
  assert.ok(s.chosenK >= 2 && s.chosenK <= 4);
  // The same on stderr for a person.
  const e = first.stderr;
  assert.match(e, new RegExp(`^events in: ${N}, used: ${N - 2}, rejected: 2$`, "m"));
  for (const [reason, n] of Object.entries(s.rejected.byReason)) assert.ok(e.includes(`  rejected ${n}: ${reason}\n`), `reason line for ${reason}`);
  assert.match(e, new RegExp(`^NMF patterns left: ${s.patternsLeft}$`, "m"));
  assert.match(e, /^HMM states: 5$/m);
  assert.match(e, new RegExp(`^clusters: K = ${s.chosenK}, mean silhouette ${s.meanSilhouette.toFixed(3)}$`, "m"));
  for (const t of s.stages) assert.match(e, new RegExp(`^  ${t.stage} +ran +${t.seconds.toFixed(2)} s$`, "m"));
  assert.match(e, /^wall time: \d+\.\d s$/m);
  // Non-TTY progress: a plain final line per long stage, no bar.
  assert.match(e, /^nmf-fit: 40\/40 steps {2}[\d.]+\/s {2}[\d.]+ s$/m);
  assert.ok(!e.includes("\r"));

  // rejected.csv names both events with their stage and reason; catalog.csv keeps them with no cluster.
  const rejected = readCsv(join(dir, "run/rejected.csv"));
  assert.deepEqual(rejected.map((r) => [r.event_ID, r.stage]), [[set.eventIds[BAD.nan], "spectrograms"], [set.eventIds[BAD.inf], "spectrograms"]]);
  assert.ok(rejected.every((r) => r.reason!.length > 0));
  const catalog = readCsv(join(dir, "run/catalog.csv"));
  assert.equal(catalog.length, N);
  assert.deepEqual(Object.keys(catalog[0]!).slice(0, 9), ["event_ID", "otime", "lat", "lon", "depth", "mag", "cluster", "silhouette", "centroid_distance"]);
  for (const i of [BAD.nan, BAD.inf]) assert.deepEqual([catalog[i]!.cluster, catalog[i]!.silhouette, catalog[i]!.centroid_distance], ["0", "", ""], `rejected event ${i}: cluster 0, no silhouette`);
  assert.equal(catalog.filter((r) => Number(r.cluster) >= 1 && Number(r.cluster) <= s.chosenK).length, N - 2);
});

test("--quiet prints nothing but the --json data; --verbose adds each stage's resolved settings", async () => {
  const { path } = await project;
  const quiet = await runCli(["--quiet", "run", path]);
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stderr, "");
  assert.equal(quiet.stdout, "");
  const quietJson = await runCli(["run", path, "--json", "--quiet"]);
  assert.equal(quietJson.stderr, "");
  assert.deepEqual((JSON.parse(quietJson.stdout) as Summary).stages.map((t) => t.status), STAGE_NAMES.map(() => "skipped"));
  const normal = await runCli(["run", path]);
  const verbose = await runCli(["--verbose", "run", path]);
  assert.equal(verbose.code, 0);
  assert.match(verbose.stderr, /^nmf-fit: settings \{"nmf":\{"numPatterns":20,"steps":40,/m);
  assert.match(verbose.stderr, /^hmm-fit: settings \{"hmm":\{"numStates":5,"steps":30,/m);
  assert.ok(!normal.stderr.includes("settings {"), "settings only with --verbose");
  assert.equal(verbose.stderr.split("\n").length, normal.stderr.split("\n").length + STAGE_NAMES.length);
});

test("--from redoes that stage and every later one; --only runs one stage and marks the later ones not done", async () => {
  const { dir, path } = await project;
  const catalogBefore = readFileSync(join(dir, "run/catalog.csv"), "utf8");
  const from = await runCli(["run", path, "--from", "hmm-transform", "--json", "--quiet"]);
  assert.equal(from.code, 0, from.stderr);
  assert.deepEqual((JSON.parse(from.stdout) as Summary).stages.map((t) => t.status), ["skipped", "skipped", "skipped", "skipped", "skipped", "ran", "ran", "ran"]);
  assert.equal(readFileSync(join(dir, "run/catalog.csv"), "utf8"), catalogBefore, "same seeds → the same clusters");

  const only = await runCli(["run", path, "--only", "cluster", "--json", "--quiet"]);
  assert.equal(only.code, 0, only.stderr);
  assert.deepEqual((JSON.parse(only.stdout) as Summary).stages.map((t) => [t.stage, t.status]), [["cluster", "ran"]]);
  const status = await runCli(["status", path]);
  assert.match(status.stdout, /^cluster +done/m);
  assert.match(status.stdout, /^report +incomplete/m, "the report depends on the redone clusters");
  const next = await runCli(["run", path, "--json", "--quiet"]);
  assert.deepEqual((JSON.parse(next.stdout) as Summary).stages.map((t) => t.status), [...STAGE_NAMES.slice(0, 7).map(() => "skipped"), "ran"]);

  // A checkpoint left by an earlier interrupted hmm-fit belongs to the old activations: --only nmf-transform
  // drops it and marks hmm-fit and everything after it not done; the next run redoes them.
  const stale = join(dir, "run/checkpoints/hmm-fit.h5");
  mkdirSync(dirname(stale), { recursive: true });
  writeFileSync(stale, "stale");
  const onlyTransform = await runCli(["run", path, "--only", "nmf-transform", "--quiet"]);
  assert.equal(onlyTransform.code, 0, onlyTransform.stderr);
  assert.ok(!existsSync(stale), "the later stage's checkpoint is dropped");
  const st = (await runCli(["status", path])).stdout;
  for (const n of STAGE_NAMES.slice(4)) assert.match(st, new RegExp(`^${n} +incomplete`, "m"));
  const redo = await runCli(["run", path, "--json", "--quiet"]);
  assert.deepEqual((JSON.parse(redo.stdout) as Summary).stages.map((t) => t.status), [...STAGE_NAMES.slice(0, 4).map(() => "skipped"), ...STAGE_NAMES.slice(4).map(() => "ran")]);
  assert.equal(readFileSync(join(dir, "run/catalog.csv"), "utf8"), catalogBefore, "redone from the same activations and seeds: the same clusters");

  const bad = await runCli(["run", path, "--from", "clustering"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--from must be one of ingest, spectrograms, nmf-fit, nmf-transform, hmm-fit, hmm-transform, cluster, report, got "clustering"/);
  // --only a stage whose earlier stages are not done with the current settings: exit 2, nothing run.
  const changed = join(dir, "changed.yaml");
  writeFileSync(changed, readFileSync(path, "utf8").replace("steps: 30", "steps: 31"));
  const early = await runCli(["run", changed, "--only", "cluster"]);
  assert.equal(early.code, 2);
  assert.match(early.stderr, /--only cluster: the earlier stage hmm-fit is not done with the current settings/);
});

test("exit codes: a config naming a missing file is a config error (2, nothing made); an unreadable data file a runtime failure (3)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "specufex-run-exit-"));
  const missing = join(dir, "missing.yaml");
  writeFileSync(missing, stringify({ output: "run", data: { waveforms: "nope.h5" } }));
  const r2 = await runCli(["run", missing]);
  assert.equal(r2.code, 2);
  assert.equal(r2.stderr, `specufex: data.waveforms: no such file or folder ${join(dir, "nope.h5")}\n`);
  assert.ok(!existsSync(join(dir, "run")), "no run directory was made");
  writeFileSync(join(dir, "garbage.h5"), "not an HDF5 file");
  const broken = join(dir, "broken.yaml");
  writeFileSync(broken, stringify({ output: "run", data: { waveforms: "garbage.h5" } }));
  const r3 = await runCli(["run", broken]);
  assert.equal(r3.code, 3, r3.stderr);
  assert.match(r3.stderr, /garbage\.h5/);
  assert.match((await runCli(["status", broken])).stderr, /run: nothing run yet/);
});

test("status: each stage done or not, with its settings, and which would rerun under a changed config", async () => {
  const { dir, path } = await project;
  const st = await runCli(["status", path]);
  assert.equal(st.code, 0);
  const lines = st.stdout.trim().split("\n");
  assert.deepEqual(lines.map((l) => l.split(/\s+/)[0]), STAGE_NAMES);
  assert.match(lines[2]!, /^nmf-fit +done {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}settings \{"nmf":\{"numPatterns":20,"steps":40,"schedule":"paisley2018","seed":3,/);
  const changed = join(dir, "changed-status.yaml");
  writeFileSync(changed, readFileSync(path, "utf8").replace("steps: 30", "steps: 31"));
  const after = await runCli(["status", changed, "--json"]);
  const records = (JSON.parse(after.stdout) as { stages: { stage: string; isComplete: boolean; current: boolean }[] }).stages;
  assert.deepEqual(records.map((r) => [r.stage, r.current]), STAGE_NAMES.map((n) => [n, n !== "hmm-fit"]));
  const text = await runCli(["status", changed]);
  assert.match(text.stdout, /^hmm-fit +done \(settings changed: will rerun\)/m);
  const none = await runCli(["status", join(mkdtempSync(join(tmpdir(), "specufex-st-")), "nope.yaml")]);
  assert.equal(none.code, 2);
});

test("a SpecUFEx_workflow config: run says which keys it mapped and which it ignored, then checks the data", async () => {
  const dir = mkdtempSync(join(tmpdir(), "specufex-workflow-"));
  const path = join(dir, "config.yaml");
  copyFileSync(sharedPath(`${layouts}/workflow_config.yaml`), path);
  const r = await runCli(["run", path]);
  assert.match(r.stderr, /config\.yaml: a SpecUFEx_workflow config; mapped: .*sgramParams\.winLen_Sec → spectrogram\.windowSeconds.*specufexParams\.N_patterns_NMF → nmf\.numPatterns/);
  assert.match(r.stderr, /paths\.waveformPath → data\.files/);
  assert.match(r.stderr, /config\.yaml: ignored: clusterParams\.PVE \(clusterOn is fingerprints\), paths\.key, paths\.h5name, sgramParams\.sgramType, specufexParams\.nmf_batchsz, specufexParams\.hmm_batchsz\n/);
  // Its waveform folder needs a catalogue to cut event windows from: a usage error before anything runs.
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /specufex: data: give data\.waveforms \(an HDF5 waveform set\), or data\.catalog with data\.files/);
  assert.ok(!existsSync(join(dir, "layouts_run")), "no run directory was made");
});

test("run --help ends with examples that work when pasted", async () => {
  const help = await runCli(["run", "--help"]);
  assert.equal(help.code, 0);
  const examples = help.stdout.slice(help.stdout.indexOf("Examples:\n") + 10).trim().split("\n").map((l) => l.trim());
  assert.deepEqual(examples, ["specufex init my-project && specufex run my-project/specufex.yaml", "specufex run my-project/specufex.yaml --from cluster --json > summary.json", "specufex run my-project/specufex.yaml --only report"]);
  // Pasted in an empty folder: init, run (its defaults need data, so a config error naming data), then --from/--only parse.
  const cwd = mkdtempSync(join(tmpdir(), "specufex-help-"));
  const path = join(cwd, "my-project/specufex.yaml");
  assert.equal((await runCli(["init", join(cwd, "my-project")])).code, 0);
  const r = await runCli(["run", path, "--from", "cluster", "--json"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /data: give data\.waveforms/);
});
