// The HMM's worker module: pool workers answer transform tasks (transformMany),
// a dedicated worker runs one fit (fitAsync) with progress, checkpoints and a stop flag.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { Matrix } from "../../core/matrix.js";
import { errorToMessage, isStopRequested, servePool, sharedMatrixViews, type ErrorMessage, type SharedMatrices } from "../workers.node.js";
import { BayesianHmm } from "./bayesian-hmm.js";
import type { HmmOptions, HmmProgress, HmmState } from "./types.js";

/** Outputs of transformMany in shared memory: A and fingerprints N×S², π N×S, γ (S×M_n each, stacked), log-likelihood N. */
export interface TransformBuffers {
  readonly A: SharedArrayBuffer;
  readonly fp: SharedArrayBuffer;
  readonly pi: SharedArrayBuffer;
  readonly gam: SharedArrayBuffer;
  readonly gamOffsets: readonly number[];
  readonly logLik: SharedArrayBuffer;
}

/** One pool task: transform sequences start…end−1 (seqs[i − seqOffset]) under the model `state`. */
export interface TransformTask {
  readonly state: HmmState;
  readonly seqs: SharedMatrices;
  readonly ids?: readonly (string | undefined)[];
  readonly out: TransformBuffers;
  readonly start: number;
  readonly end: number;
  /** Index of seqs[0] among all sequences (only those from here on are shared). */
  readonly seqOffset: number;
}

/** What a fit worker is started with. */
export interface FitJob {
  readonly kind: "specufex-hmm-fit";
  /** A fresh fit from options, or a model to resume. */
  readonly options?: HmmOptions;
  readonly state?: HmmState;
  readonly seqs: SharedMatrices;
  readonly ids?: readonly (string | undefined)[];
  readonly steps: number;
  readonly resume: boolean;
  /** Int32Array on shared memory: 1 asks the fit to stop before its next step. */
  readonly stop: Int32Array;
  readonly checkpointEverySteps: number;
  readonly checkpointEveryMs: number;
}

/** Messages from a fit worker. */
export type FitMessage =
  | { type: "progress"; info: HmmProgress }
  | { type: "checkpoint"; state: HmmState }
  | { type: "done"; state: HmmState }
  | { type: "error"; error: ErrorMessage };

/** Transforms sequences start…end−1 (seqs[i − seqOffset]) into the shared outputs (also the calling thread's part of transformMany). */
export function runTransformTask(
  hmm: BayesianHmm, seqs: readonly Matrix[], ids: readonly (string | undefined)[] | undefined, out: TransformBuffers, start: number, end: number, seqOffset = 0,
): void {
  const S = hmm.options.numStates;
  const A = new Float64Array(out.A), fp = new Float64Array(out.fp), pi = new Float64Array(out.pi), gam = new Float64Array(out.gam), ll = new Float64Array(out.logLik);
  for (let i = start; i < end; i++) {
    const r = hmm.transform(seqs[i - seqOffset]!, i, ids?.[i]);
    A.set(r.A.data, i * S * S);
    fp.set(r.fingerprint.data, i * S * S);
    pi.set(r.pi, i * S);
    gam.set(r.gamma.data, out.gamOffsets[i]!);
    ll[i] = r.logLikelihood;
  }
}

function runFit(job: FitJob): void {
  const post = (m: FitMessage): void => parentPort!.postMessage(m);
  try {
    const hmm = job.state ? BayesianHmm.fromState(job.state) : new BayesianHmm(job.options);
    const seqs = sharedMatrixViews(job.seqs);
    const ids = job.ids;
    const source = { count: seqs.length, get: (i: number) => seqs[i]!, id: (i: number) => ids?.[i] ?? String(i) };
    let lastStep = 0;
    let lastTime = performance.now();
    hmm.fit(ids ? source : seqs, {
      steps: job.steps,
      resume: job.resume,
      shouldStop: () => isStopRequested(job.stop),
      onProgress: (info) => {
        post({ type: "progress", info });
        const now = performance.now();
        if (info.step - lastStep >= job.checkpointEverySteps || now - lastTime >= job.checkpointEveryMs) {
          lastStep = info.step;
          lastTime = now;
          post({ type: "checkpoint", state: hmm.getState() });
        }
      },
    });
    post({ type: "done", state: hmm.getState() });
  } catch (err) {
    post({ type: "error", error: errorToMessage(err) });
  }
}

if (!isMainThread && parentPort) {
  const data = workerData as { pool?: boolean; kind?: string } | null;
  if (data?.pool) {
    servePool((task: TransformTask) => {
      runTransformTask(BayesianHmm.fromState(task.state), sharedMatrixViews(task.seqs), task.ids, task.out, task.start, task.end, task.seqOffset);
      return true;
    });
  } else if (data?.kind === "specufex-hmm-fit") {
    runFit(data as FitJob);
  }
}
