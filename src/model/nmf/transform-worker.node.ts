// Worker of transformMany: rebuilds the model from its state (cached per model key)
// and transforms a range of spectrograms from shared memory into shared memory.
import { servePool, sharedMatrixViews, type SharedMatrices } from "../workers.node.js";
import { BayesianNmf } from "./bayesian-nmf.js";
import type { NmfState } from "./types.js";

export interface TransformTask {
  readonly key: number;
  readonly state: NmfState;
  readonly inputs: SharedMatrices;
  readonly outputs: SharedMatrices;
  readonly start: number;
  readonly end: number;
}

let cached: { key: number; model: BayesianNmf } | undefined;

servePool((task: TransformTask) => {
  if (!cached || cached.key !== task.key) cached = { key: task.key, model: BayesianNmf.fromState(task.state) };
  const xs = sharedMatrixViews(task.inputs);
  const vs = sharedMatrixViews(task.outputs);
  let maxM = 0;
  for (let i = task.start; i < task.end; i++) maxM = Math.max(maxM, xs[i]!.shape[1]);
  const transformer = cached.model.transformer(maxM);
  for (let i = task.start; i < task.end; i++) transformer.transformInto(xs[i]!.data, xs[i]!.shape[1], vs[i]!.data);
  return task.end - task.start;
});
