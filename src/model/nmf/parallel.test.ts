import assert from "node:assert/strict";
import { test } from "node:test";
import { DataError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/rng.js";
import { arraySource } from "../../core/spectrogram-source.js";
import { createStopFlag, requestStop } from "../workers.node.js";
import { BayesianNmf } from "./bayesian-nmf.js";
import { fitAsync } from "./fit-async.node.js";
import { ParallelLocalExecutor } from "./parallel-local.node.js";
import { transformMany } from "./transform-many.node.js";
import type { NmfState } from "./types.js";

function synthetic(seed: number, N = 14, D = 9): Matrix[] {
  const rng = new Rng(seed);
  return Array.from({ length: N }, (_, n) => {
    const M = 6 + (n % 4);
    const x = new Float64Array(D * M);
    for (let d = 0; d < D; d++) {
      for (let m = 0; m < M; m++) {
        const v = 10 * Math.exp(-0.5 * ((d - 2 - 2 * (n % 3)) / 1.2) ** 2) * Math.exp(-m / 5) + 3 * (rng.random() - 0.5);
        x[d * M + m] = v > 0 ? v : 0;
      }
    }
    return { data: x, shape: [D, M] as [number, number] };
  });
}

function assertSameState(a: NmfState, b: NmfState, label: string): void {
  assert.equal(a.step, b.step, `${label}: step`);
  assert.deepEqual(a.rngState, b.rngState, `${label}: random state`);
  for (const key of ["W1", "W2", "EW", "ElnWA"] as const) {
    assert.deepEqual(a[key].shape, b[key].shape);
    a[key].data.forEach((v, i) => assert.ok(Object.is(v, b[key].data[i]), `${label}: ${key}[${i}]`));
  }
  for (const key of ["A1", "A2", "EA", "gain"] as const) a[key].forEach((v, i) => assert.ok(Object.is(v, b[key][i]), `${label}: ${key}[${i}]`));
}

const X = synthetic(21);
const STEPS = 24;

test("transformMany on 2 threads equals the serial transform bit for bit (both conventions)", async () => {
  for (const schedule of ["paisley2018", "specufex-python"] as const) {
    const nmf = new BayesianNmf({ numPatterns: 5, schedule, seed: 2 }).fit(X, { steps: 10 });
    const serial = X.map((x) => nmf.transform(x));
    // Blocks of 5 (three blocks, the last one short) from a streamed source.
    const parallel = await transformMany(nmf, arraySource(X), { threads: 2, blockSize: 5 });
    assert.equal(parallel.length, X.length);
    parallel.forEach((v, n) => {
      assert.deepEqual(v.shape, serial[n]!.shape);
      v.data.forEach((u, i) => assert.ok(Object.is(u, serial[n]!.data[i]), `${schedule} V[${n}][${i}]`));
    });
  }
});

test("transformMany names a bad spectrogram before any work", async () => {
  const nmf = new BayesianNmf({ numPatterns: 4, seed: 1 }).fit(X, { steps: 3 });
  const bad = X.map((x, n) => (n === 5 ? { data: x.data.map((v, i) => (i === 3 ? -2 : v)), shape: x.shape } : x));
  await assert.rejects(transformMany(nmf, bad, { threads: 2 }), (e: unknown) => e instanceof DataError && /spectrogram 5 entry \(d 0, m 3\) is negative/.test((e as Error).message));
});

test("fitAsync in a worker equals the serial fit bit for bit (arrays in shared memory; a streamed source)", async () => {
  const cases = [["paisley2018", X], ["specufex-python", arraySource(X)]] as const;
  for (const [schedule, data] of cases) {
    const serial = new BayesianNmf({ numPatterns: 5, schedule, seed: 11 }).fit(X, { steps: STEPS }).getState();
    const steps: number[] = [];
    const a = await fitAsync(new BayesianNmf({ numPatterns: 5, schedule, seed: 11 }), data, { steps: STEPS, onProgress: (p) => steps.push(p.step) });
    assert.equal(a.stopped, false);
    assert.deepEqual(steps, Array.from({ length: STEPS }, (_, i) => i + 1));
    assertSameState(a.model.getState(), serial, schedule);
  }
});

test("fitAsync checkpoints and stops through the shared flag; resuming from a checkpoint or from the stop ends bit-identical", async () => {
  const make = () => new BayesianNmf({ numPatterns: 5, seed: 5 });
  const uninterrupted = make().fit(X, { steps: STEPS }).getState();
  const flag = createStopFlag();
  const checkpoints: NmfState[] = [];
  // A streamed source is read on this thread while the worker waits, so raising the flag
  // during the 16th read stops the fit deterministically after the step that read it.
  let reads = 0;
  const base = arraySource(X);
  const source = { ...base, get: (i: number) => (++reads === 16 && requestStop(flag), base.get(i)), getAsync: undefined };
  const stopped = await fitAsync(make(), source, {
    steps: STEPS,
    stopFlag: flag,
    checkpointEvery: 2,
    onCheckpoint: (s) => void checkpoints.push(s),
  });
  assert.equal(stopped.stopped, true);
  assert.ok(stopped.step >= 5 && stopped.step < STEPS, `stopped at step ${stopped.step}`);
  assert.deepEqual(checkpoints.slice(0, 2).map((s) => s.step), [2, 4]);
  assert.equal(checkpoints.at(-1)!.step, stopped.step, "the stop writes a checkpoint at once");
  assert.equal(stopped.model.fitted.isSorted, false);
  const fromCheckpoint = await fitAsync(BayesianNmf.fromState(checkpoints[0]!), X, { steps: STEPS, resume: true });
  assertSameState(fromCheckpoint.model.getState(), uninterrupted, "resumed from the checkpoint at step 2");
  const resumed = await fitAsync(stopped.model, arraySource(X), { steps: STEPS, resume: true });
  assertSameState(resumed.model.getState(), uninterrupted, "resumed after the stop");
});

test("fitAsync with an aborted signal stops before the first step", async () => {
  const ac = new AbortController();
  ac.abort();
  const aborted = await fitAsync(new BayesianNmf({ numPatterns: 5, seed: 5 }), X, { steps: STEPS, signal: ac.signal });
  assert.equal(aborted.stopped, true);
  assert.equal(aborted.step, 0);
});

test("fitAsync rejects with the worker's error class naming the spectrogram", async () => {
  const ids = X.map((_, i) => `ev${i}`);
  const bad = X.map((x, n) => (n === 4 ? { data: x.data.map((v, i) => (i === 0 ? NaN : v)), shape: x.shape } : x));
  await assert.rejects(fitAsync(new BayesianNmf({ numPatterns: 4, seed: 1 }), arraySource(bad, ids), { steps: 200 }), (e: unknown) => e instanceof DataError && /spectrogram 4 \(id "ev4"\) entry \(d 0, m 0\) is NaN/.test((e as Error).message));
  await assert.rejects(fitAsync(new BayesianNmf({ numPatterns: 4, seed: 1 }), bad, { steps: 5 }), (e: unknown) => e instanceof DataError && /spectrogram 4 entry/.test((e as Error).message));
});

test("a fit whose local repeats run on 2 threads (ParallelLocalExecutor, and fitAsync threads: 2) equals the one-thread fit bit for bit", async () => {
  const wide = synthetic(33, 10, 12).map((x, n) => (n % 2 === 0 ? x : { data: new Float64Array(12 * 23).map((_, i) => x.data[i % x.data.length]!), shape: [12, 23] as [number, number] }));
  const executor = await ParallelLocalExecutor.create({ threads: 2 });
  try {
    for (const schedule of ["paisley2018", "specufex-python"] as const) {
      const make = () => new BayesianNmf({ numPatterns: 6, schedule, seed: 8 });
      const serial = make().fit(wide, { steps: STEPS }).getState();
      const parallel = make().fit(wide, { steps: STEPS, executor }).getState();
      assertSameState(parallel, serial, `${schedule} executor`);
    }
  } finally {
    await executor.close();
  }
  const serial = new BayesianNmf({ numPatterns: 6, seed: 8 }).fit(wide, { steps: STEPS }).getState();
  const viaWorker = await fitAsync(new BayesianNmf({ numPatterns: 6, seed: 8 }), wide, { steps: STEPS, threads: 2 });
  assertSameState(viaWorker.model.getState(), serial, "fitAsync threads 2");
});
