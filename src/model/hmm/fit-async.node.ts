import { DataError, OptionError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import { BayesianHmm } from "./bayesian-hmm.js";
import { checkSequence } from "./local-pass.js";
import { createStopFlag, messageToError, requestStop, shareMatrices, siblingModuleUrl, startWorker } from "../workers.node.js";
import type { FitJob, FitMessage } from "./hmm-worker.node.js";
import type { HmmActivations, HmmProgress, HmmState } from "./types.js";

/** Options of `fitAsync`: those of `fit` plus stopping and checkpoints. */
export interface FitAsyncOptions {
  /** Total SVI steps (default 1000), as in `fit`. */
  steps?: number;
  onProgress?(info: HmmProgress): void;
  /** Continue the unfinished fit held by `hmm` (from `BayesianHmm.fromState(checkpoint)`). */
  resume?: boolean;
  /** Aborting stops the fit before its next step; the result is then resumable. */
  signal?: AbortSignal;
  /** Called with the model's state every `checkpointEverySteps` steps or `checkpointEveryMs` ms. */
  onCheckpoint?(state: HmmState): void;
  checkpointEverySteps?: number;
  checkpointEveryMs?: number;
}

/** What `fitAsync` returns. */
export interface FitAsyncResult {
  /** The fitted (or, when stopped, the unfinished and resumable) model. */
  readonly model: BayesianHmm;
  /** True when the signal stopped the fit before `steps`. */
  readonly stopped: boolean;
  readonly stepsDone: number;
}

/**
 * `hmm.fit` in a worker thread, stoppable between steps through an AbortSignal
 * (a shared flag the worker checks before every step). A stopped fit's model,
 * or any checkpoint, resumed with `{ resume: true }` ends bit-identical to an
 * uninterrupted fit (the state carries the Rng state and step counters).
 * A source's sequences are read (with getAsync when it has one) into shared memory first.
 * @throws DataError/ShapeError naming the sequence (checked before the worker starts).
 * @example
 * const ctl = new AbortController();
 * const { model, stopped } = await fitAsync(hmm, activations, { steps: 1000, signal: ctl.signal, onCheckpoint: save });
 */
export async function fitAsync(hmm: BayesianHmm, activations: HmmActivations, options: FitAsyncOptions = {}): Promise<FitAsyncResult> {
  const steps = options.steps ?? 1000;
  if (!(Number.isInteger(steps) && steps >= 0)) throw new OptionError(`fitAsync: steps must be an integer ≥ 0, got ${steps}`, { field: "steps" });
  const seqs: Matrix[] = [];
  const ids: (string | undefined)[] = [];
  if (Array.isArray(activations)) {
    seqs.push(...(activations as readonly Matrix[]));
  } else {
    const src = activations as Exclude<HmmActivations, readonly Matrix[]>;
    for (let i = 0; i < src.count; i++) {
      seqs.push(src.getAsync ? await src.getAsync(i) : src.get(i));
      ids.push(src.id?.(i));
    }
  }
  if (seqs.length === 0) throw new DataError(`fitAsync: no sequences (expected at least 1, got 0)`);
  const gain = hmm.isFitted ? hmm.fitted.gain : hmm.options.gain;
  if (!gain) throw new OptionError(`fitAsync: no gain (give option "nmf" or "gain")`, { field: "gain" });
  seqs.forEach((v, i) => checkSequence(v, gain.length, "BayesianHmm.fit", i, ids[i]));

  const resuming = options.resume === true && hmm.isFitted && hmm.getState().fitComplete === false;
  const stop = createStopFlag();
  const { gain: _g, ...rest } = hmm.options;
  const job: FitJob = {
    kind: "specufex-hmm-fit",
    ...(resuming ? { state: hmm.getState() } : { options: { ...rest, gain } }),
    seqs: shareMatrices(seqs),
    ...(ids.length ? { ids } : {}),
    steps,
    resume: resuming,
    stop,
    checkpointEverySteps: options.checkpointEverySteps ?? 50,
    checkpointEveryMs: options.checkpointEveryMs ?? 5000,
  };
  const worker = startWorker(siblingModuleUrl(import.meta.url, "hmm-worker.node"), job);
  const onAbort = (): void => { requestStop(stop); };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort);
  try {
    const final = await new Promise<HmmState>((resolve, reject) => {
      worker.on("message", (m: FitMessage) => {
        if (m.type === "progress") options.onProgress?.(m.info);
        else if (m.type === "checkpoint") options.onCheckpoint?.(m.state);
        else if (m.type === "done") resolve(m.state);
        else reject(messageToError(m.error));
      });
      worker.on("error", reject);
      worker.on("exit", (code) => { if (code !== 0) reject(new Error(`fitAsync: worker exited with code ${code}`)); });
    });
    const model = BayesianHmm.fromState(final);
    return { model, stopped: final.fitComplete === false, stepsDone: final.stepsDone ?? 0 };
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}
