// `specufex run` through the real binary: interruption by SIGKILL and SIGINT during the NMF fit, then a
// rerun that resumes from the checkpoint and ends bit-identical to an uninterrupted run (same seed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { H5File, withH5 } from "../../io/hdf5/index.js";
import { sharedPath } from "../../../test-support/shared.js";
import { runCliBinary, startCli } from "../../../test-support/child.js";

function writeConfig(dir: string, overrides: Record<string, unknown> = {}): string {
  const config = {
    output: "run",
    data: { waveforms: sharedPath("data/specufex-python-layouts/tutorial_waveforms.h5"), catalog: sharedPath("data/specufex-python-layouts/catalog.csv") },
    spectrogram: { nperseg: 64, noverlap: 16, nfft: 512, fmin: 5, fmax: 20 },
    nmf: { numPatterns: 40, steps: 1500, seed: 7 },
    hmm: { numStates: 6, steps: 60, seed: 7 },
    cluster: { kRange: [2, 4], nInit: 2, alternatives: [] },
    report: { enabled: false },
    ...overrides,
  };
  const path = join(dir, "specufex.yaml");
  writeFileSync(path, stringify(config));
  return path;
}

/** The NMF model's arrays, for a bitwise comparison. */
async function modelArrays(path: string): Promise<Record<string, number[]>> {
  return withH5(path, "r", (f) => Object.fromEntries(["W1", "W2", "A1", "A2", "EW", "ElnWA", "gain"].map((k) => [k, Array.from(f.readNumbers(k))])));
}

/** Polls the store (read-only) until it records an NMF checkpoint at step > 0. */
async function waitForCheckpoint(storePath: string, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 40));
    if (!existsSync(storePath)) continue;
    try {
      const f = await H5File.open(storePath, "r");
      try {
        const step = f.has("stages/nmf-fit") ? Number(f.attrs("stages/nmf-fit").checkpoint_step ?? 0) : 0;
        if (step > 0) return step;
      } finally {
        f.close();
      }
    } catch {
      // The writer may be mid-update; read again.
    }
  }
  throw new Error(`no checkpoint recorded in ${storePath} within ${timeoutMs} ms`);
}

const uninterrupted = (async () => {
  const dir = mkdtempSync(join(tmpdir(), "specufex-run-ref-"));
  const config = writeConfig(dir);
  const r = await runCliBinary(["run", config]);
  return { dir, r };
})();

test("an uninterrupted run completes every stage and a rerun skips them all", async () => {
  const { dir, r } = await uninterrupted;
  assert.equal(r.code, 0, r.stderr);
  for (const f of ["run/specufex.h5", "run/models/nmf.h5", "run/models/hmm.h5", "run/models/cluster.json", "run/catalog.csv", "run/rejected.csv", "run/summary.json"]) {
    assert.ok(existsSync(join(dir, f)), f);
  }
  assert.ok(!existsSync(join(dir, "run/checkpoints/nmf-fit.h5")), "the checkpoint is removed when the fit completes");
  const again = await runCliBinary(["run", join(dir, "specufex.yaml"), "--json"]);
  assert.equal(again.code, 0, again.stderr);
  const summary = JSON.parse(again.stdout) as { stages: { stage: string; status: string }[] };
  assert.deepEqual(summary.stages.map((s) => s.status), ["skipped", "skipped", "skipped", "skipped", "skipped", "skipped", "skipped", "skipped"]);
  const status = await runCliBinary(["status", join(dir, "specufex.yaml")]);
  assert.match(status.stdout, /nmf-fit\s+done/);
});

for (const signal of ["SIGKILL", "SIGINT"] as const) {
  test(`a run stopped by ${signal} during the NMF fit resumes from its checkpoint and ends bit-identical`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `specufex-run-${signal}-`));
    const config = writeConfig(dir);
    const { child, done } = startCli(["run", config]);
    const step = await waitForCheckpoint(join(dir, "run/specufex.h5"), 120_000);
    child.kill(signal);
    const stopped = await done;
    if (signal === "SIGKILL") assert.equal(stopped.signal, "SIGKILL");
    else {
      assert.equal(stopped.code, 130, stopped.stderr);
      assert.match(stopped.stderr, /interrupted at step \d+/);
    }
    assert.ok(!existsSync(join(dir, "run/models/nmf.h5")), "no model before the fit completed");
    const resumed = await runCliBinary(["run", config]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const m = /resumed from step (\d+)/.exec(resumed.stderr);
    assert.ok(m, `resumed message in: ${resumed.stderr}`);
    assert.ok(Number(m[1]) >= step && Number(m[1]) < 1500, `resumed from ${m[1]}, checkpoint seen at ${step}`);
    const { dir: refDir, r } = await uninterrupted;
    assert.equal(r.code, 0);
    assert.deepEqual(await modelArrays(join(dir, "run/models/nmf.h5")), await modelArrays(join(refDir, "run/models/nmf.h5")));
  });
}

test("config errors exit 2 naming the key path, before anything runs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "specufex-run-bad-"));
  const config = writeConfig(dir, { nmf: { numPatterns: "ten" } });
  const r = await runCliBinary(["run", config]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nmf\.numPatterns: expected number, received string, got "ten"/);
  assert.ok(!existsSync(join(dir, "run")), "nothing was run");
  const missing = await runCliBinary(["run", join(dir, "nope.yaml")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.yaml: no such config file/);
});
