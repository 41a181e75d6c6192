import { test } from "node:test";
import assert from "node:assert/strict";
import { DataError, NotFittedError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/rng.js";
import { BayesianHmm } from "./bayesian-hmm.js";
import { transformMany } from "./transform-many.node.js";

function sequences(N: number, K: number, seed: number): Matrix[] {
  const rng = new Rng(seed);
  return Array.from({ length: N }, (_, n) => {
    const M = 8 + (n % 7); // different lengths
    return { data: Float64Array.from({ length: K * M }, () => rng.gamma(0.7, 2)), shape: [K, M] as const };
  });
}

const V = sequences(23, 5, 3);
const gain = Float64Array.from([3, 1, 7, 2, 5]);

test("transformMany on 2 worker threads equals the serial transform bit for bit (both schedules)", async () => {
  for (const schedule of ["paisley2018", "specufex-python"] as const) {
    const hmm = new BayesianHmm({ numStates: 6, gain, seed: 4, schedule, nEff: 100 }).fit(V, { steps: 5 });
    const serial = V.map((v) => hmm.transform(v));
    const parallel = await transformMany(hmm, V, { threads: 2 });
    assert.equal(parallel.length, V.length);
    for (let i = 0; i < V.length; i++) assert.deepEqual(parallel[i], serial[i], `sequence ${i}`);
    assert.deepEqual(await transformMany(hmm, V, { threads: 1 }), serial);
  }
});

test("transformMany names a bad sequence by id and refuses an unfitted model", async () => {
  const hmm = new BayesianHmm({ numStates: 3, gain, seed: 1 }).fit(V, { steps: 2 });
  const bad = [...V.slice(0, 4), { data: new Float64Array(5), shape: [5, 1] as const }];
  await assert.rejects(transformMany(hmm, bad, { threads: 2, ids: ["a", "b", "c", "d", "ev9"] }), (e: unknown) => e instanceof DataError && /sequence 4 \(id ev9\)/.test(e.message));
  await assert.rejects(transformMany(new BayesianHmm({ gain }), V), NotFittedError);
});
