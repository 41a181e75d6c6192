import { test } from "node:test";
import assert from "node:assert/strict";
import { ShapeError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/rng.js";
import { BayesianHmm } from "./bayesian-hmm.js";
import { fitAsync } from "./fit-async.node.js";
import type { HmmState } from "./types.js";

function sequences(N: number, K: number, seed: number): Matrix[] {
  const rng = new Rng(seed);
  return Array.from({ length: N }, () => ({ data: Float64Array.from({ length: K * 12 }, () => rng.gamma(0.7, 2)), shape: [K, 12] as const }));
}
const V = sequences(15, 4, 9);
const gain = Float64Array.from([3, 1, 7, 2]);

test("fitAsync in a worker equals the synchronous fit bit for bit, with progress after every step", async () => {
  for (const schedule of ["paisley2018", "specufex-python"] as const) {
    const sync = new BayesianHmm({ numStates: 5, gain, seed: 8, schedule }).fit(V, { steps: 12 });
    const steps: number[] = [];
    const { model, stopped, stepsDone } = await fitAsync(new BayesianHmm({ numStates: 5, gain, seed: 8, schedule }), V, { steps: 12, onProgress: (p) => steps.push(p.step) });
    assert.equal(stopped, false);
    assert.equal(stepsDone, 12);
    assert.deepEqual(steps, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(model.fitted.B1.data, sync.fitted.B1.data);
    assert.deepEqual(model.fitted.B2.data, sync.fitted.B2.data);
  }
});

test("fitAsync stopped by an AbortSignal resumes from its state (or a checkpoint) to the uninterrupted model", async () => {
  for (const schedule of ["paisley2018", "specufex-python"] as const) {
    const sync = new BayesianHmm({ numStates: 5, gain, seed: 2, schedule }).fit(V, { steps: 300 }); // long enough that the abort at step 7 lands mid-fit
    const ctl = new AbortController();
    const checkpoints: HmmState[] = [];
    const first = await fitAsync(new BayesianHmm({ numStates: 5, gain, seed: 2, schedule }), V, {
      steps: 300,
      signal: ctl.signal,
      checkpointEverySteps: 3,
      onCheckpoint: (s) => checkpoints.push(s),
      onProgress: (p) => { if (p.step === 7) ctl.abort(); },
    });
    assert.equal(first.stopped, true);
    assert.ok(first.stepsDone >= 7 && first.stepsDone < 300, `stopped at ${first.stepsDone}`);
    const resumed = await fitAsync(first.model, V, { steps: 300, resume: true });
    assert.equal(resumed.stopped, false);
    assert.deepEqual(resumed.model.fitted.B1.data, sync.fitted.B1.data);
    // From the checkpoint at step 3 (what a killed run leaves on disk), synchronously.
    const cp = checkpoints.find((s) => s.stepsDone === 3)!;
    assert.ok(cp, "a checkpoint at step 3");
    const again = BayesianHmm.fromState(cp).fit(V, { steps: 300, resume: true });
    assert.deepEqual(again.fitted.B1.data, sync.fitted.B1.data);
    assert.deepEqual(again.fitted.B2.data, sync.fitted.B2.data);
  }
});

test("fitAsync checks the sequences before starting the worker", async () => {
  const bad = [...V.slice(0, 2), { data: new Float64Array(3 * 12), shape: [3, 12] as const }];
  await assert.rejects(fitAsync(new BayesianHmm({ numStates: 3, gain }), bad, { steps: 3 }), (e: unknown) => e instanceof ShapeError && /sequence 2/.test(e.message));
});
