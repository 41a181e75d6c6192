// Node-only: the NMF fit in a worker thread, stoppable between steps through a
// shared stop flag (or an AbortSignal), with periodic checkpoints (STYLE.md §4).
// The worker runs the same `fit`; a fit stopped and resumed from its state ends
// bit-identical to an uninterrupted one.
import { DataError, OptionError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import { isSpectrogramSource, type SpectrogramSource } from "../../core/spectrogram-source.js";
import { createStopFlag, messageToError, requestStop, shareMatrices, siblingModuleUrl, startWorker, type ErrorMessage } from "../workers.node.js";
import { BayesianNmf } from "./bayesian-nmf.js";
import type { FitWorkerData } from "./fit-worker.node.js";
import type { NmfFitControl, NmfProgress, NmfState } from "./types.js";
import { checkSpectrogram } from "./validate.js";

export interface NmfFitAsyncOptions {
  /** Total steps (default 1000; with `resume`, including the steps already done). */
  steps?: number;
  /** Continue from the model's current state (e.g. `BayesianNmf.fromState(checkpoint)`). */
  resume?: boolean;
  onProgress?: NmfFitControl["onProgress"];
  /** Aborting stops the fit between steps. */
  signal?: AbortSignal;
  /** A shared flag (see `createStopFlag`); setting it stops the fit between steps. */
  stopFlag?: Int32Array;
  /** Post a checkpoint every this many steps (0 or absent: none). */
  checkpointEvery?: number;
  /** Receives checkpoints (awaited in order), and the final state when the fit was stopped. */
  onCheckpoint?: (state: NmfState) => void | Promise<void>;
  /** Threads for each step's local repeats (default 1); the result does not depend on it. */
  threads?: number;
}

export interface NmfFitAsyncResult {
  /** The fitted model (sorted), or the stopped one (unsorted, resumable). */
  readonly model: BayesianNmf;
  /** True when the fit ended early through the stop flag or the signal. */
  readonly stopped: boolean;
  /** Steps done. */
  readonly step: number;
}

type WorkerMessage =
  | { type: "progress"; info: NmfProgress }
  | { type: "checkpoint"; state: NmfState }
  | { type: "get"; i: number }
  | { type: "done"; state: NmfState; stopped: boolean }
  | { type: "error"; error: ErrorMessage };

/**
 * Fits `nmf`'s model in a worker thread. The result is a new model; `nmf` is not changed.
 * In-memory spectrograms are shared with the worker; a SpectrogramSource is read on the
 * calling thread one spectrogram at a time as the worker asks (it streams).
 * @throws as `BayesianNmf.fit` (the worker's error, same class).
 * @example
 * const ac = new AbortController();
 * const { model, stopped } = await fitAsync(new BayesianNmf({ seed: 1 }), spectrograms, { steps: 1000, signal: ac.signal });
 */
export async function fitAsync(nmf: BayesianNmf, source: SpectrogramSource | readonly Matrix[], options: NmfFitAsyncOptions = {}): Promise<NmfFitAsyncResult> {
  const { steps = 1000, checkpointEvery = 0, threads = 1 } = options;
  if (!Number.isInteger(threads) || threads < 1) throw new OptionError(`fitAsync: threads must be an integer ≥ 1, got ${String(threads)}`, { field: "threads" });
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 0) throw new OptionError(`fitAsync: checkpointEvery must be an integer ≥ 0, got ${String(checkpointEvery)}`, { field: "checkpointEvery" });
  const flag = options.stopFlag ?? createStopFlag();
  const onAbort = (): void => requestStop(flag);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  const resume = options.resume === true && nmf.isFitted;
  const data = describeData(source, resume ? nmf.fitted.D : undefined);
  const workerData: FitWorkerData = {
    init: resume ? { kind: "state", state: nmf.getState() } : { kind: "options", options: { ...nmf.options } },
    data: data.message,
    steps,
    resume,
    progress: options.onProgress !== undefined,
    checkpointEvery,
    stopFlag: flag,
    threads,
  };
  const worker = startWorker(siblingModuleUrl(import.meta.url, "fit-worker.node"), workerData);
  let chain: Promise<void> = Promise.resolve();
  let sourceError: unknown;
  try {
    return await new Promise<NmfFitAsyncResult>((resolve, reject) => {
      let settled = false;
      const fail = (e: unknown): void => {
        if (settled) return;
        settled = true;
        reject(e);
      };
      worker.on("message", (msg: WorkerMessage) => {
        switch (msg.type) {
          case "progress":
            try {
              options.onProgress?.(msg.info);
            } catch (e) {
              requestStop(flag);
              fail(e);
            }
            break;
          case "checkpoint":
            if (options.onCheckpoint) {
              const state = msg.state;
              chain = chain.then(() => options.onCheckpoint!(state));
              chain.catch((e) => {
                requestStop(flag);
                fail(e);
              });
            }
            break;
          case "get":
            data.serve!(msg.i).catch((e) => {
              sourceError = e;
              requestStop(flag);
            });
            break;
          case "done":
            chain
              .then(async () => {
                if (msg.stopped && options.onCheckpoint) await options.onCheckpoint(msg.state);
                if (settled) return;
                settled = true;
                resolve({ model: BayesianNmf.fromState(msg.state), stopped: msg.stopped, step: msg.state.step });
              })
              .catch(fail);
            break;
          case "error":
            fail(sourceError ?? messageToError(msg.error));
            break;
        }
      });
      worker.on("error", (e) => fail(sourceError ?? e));
      worker.on("exit", (code) => {
        if (code !== 0) fail(sourceError ?? new Error(`fitAsync: the fit worker exited with code ${code}`));
      });
    });
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await worker.terminate();
  }
}

/** How the worker gets the spectrograms: shared memory for arrays, requests to this thread for a source. */
function describeData(source: SpectrogramSource | readonly Matrix[], D: number | undefined): { message: FitWorkerData["data"]; serve?: (i: number) => Promise<void> } {
  if (!isSpectrogramSource(source)) {
    // As the serial fit: in-memory spectrograms are checked up front.
    const xs = source as readonly Matrix[];
    if (xs.length === 0) throw new DataError("BayesianNmf.fit: the source holds no spectrograms (expected at least 1)");
    xs.forEach((x, i) => checkSpectrogram("BayesianNmf.fit", x, D ?? xs[0]!.shape[0], i));
    return { message: { kind: "shared", inputs: shareMatrices(xs) } };
  }
  const src = source;
  const count = src.count;
  const columns = new Int32Array(count);
  let maxCols = 0;
  for (let i = 0; i < count; i++) {
    columns[i] = src.columns(i);
    maxCols = Math.max(maxCols, columns[i]!);
  }
  const ids = src.id ? Array.from({ length: count }, (_, i) => src.id!(i)) : undefined;
  const slot = new SharedArrayBuffer(Math.max(1, src.rows * maxCols) * 8);
  const ctrl = new Int32Array(new SharedArrayBuffer(16));
  const serve = async (i: number): Promise<void> => {
    try {
      const x = src.getAsync ? await src.getAsync(i) : src.get(i);
      const n = x.shape[0] * x.shape[1];
      if (x.shape[0] !== src.rows || x.shape[1] > maxCols || x.data.length < n) {
        throw new DataError(`fitAsync: spectrogram ${i} is ${x.shape[0]}×${x.shape[1]}, but the source announced ${src.rows}×${columns[i]}`, { event: ids?.[i] ?? i });
      }
      new Float64Array(slot, 0, n).set(x.data.subarray(0, n));
      Atomics.store(ctrl, 1, x.shape[0]);
      Atomics.store(ctrl, 2, x.shape[1]);
      Atomics.store(ctrl, 0, 1);
    } catch (e) {
      Atomics.store(ctrl, 0, 2);
      throw e;
    } finally {
      Atomics.notify(ctrl, 0);
    }
  };
  return { message: { kind: "rpc", count, rows: src.rows, columns, ids, slot, ctrl }, serve };
}
