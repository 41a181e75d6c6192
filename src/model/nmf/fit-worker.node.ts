// Worker of fitAsync: runs BayesianNmf.fit, posting progress, checkpoints and the final state.
import { parentPort, workerData } from "node:worker_threads";
import type { Matrix } from "../../core/matrix.js";
import { arraySource, type SpectrogramSource } from "../../core/spectrogram-source.js";
import { errorToMessage, isStopRequested, sharedMatrixViews, type SharedMatrices } from "../workers.node.js";
import { BayesianNmf } from "./bayesian-nmf.js";
import { ParallelLocalExecutor } from "./parallel-local.node.js";
import type { NmfOptions, NmfState } from "./types.js";

export interface FitWorkerData {
  readonly init: { kind: "options"; options: NmfOptions } | { kind: "state"; state: NmfState };
  readonly data:
    | { kind: "shared"; inputs: SharedMatrices }
    | { kind: "rpc"; count: number; rows: number; columns: Int32Array; ids?: string[]; slot: SharedArrayBuffer; ctrl: Int32Array };
  readonly steps: number;
  readonly resume: boolean;
  readonly progress: boolean;
  readonly checkpointEvery: number;
  readonly stopFlag: Int32Array;
  /** Threads for each step's local repeats (1: this thread only). */
  readonly threads: number;
}

/** A source that asks the parent thread for each spectrogram and waits for it in shared memory. */
function rpcSource(d: Extract<FitWorkerData["data"], { kind: "rpc" }>): SpectrogramSource {
  const port = parentPort!;
  return {
    count: d.count,
    rows: d.rows,
    columns: (i) => d.columns[i]!,
    id: d.ids ? (i) => d.ids![i]! : undefined,
    get(i: number): Matrix {
      Atomics.store(d.ctrl, 0, 0);
      port.postMessage({ type: "get", i });
      // Loop: a wake-up can be the late notify of the previous request (the parent stores before it
      // notifies, and this thread may already have read that answer and asked again in between).
      while (Atomics.load(d.ctrl, 0) === 0) Atomics.wait(d.ctrl, 0, 0);
      if (Atomics.load(d.ctrl, 0) !== 1) throw new Error(`fit worker: spectrogram ${i} could not be read`);
      const rows = Atomics.load(d.ctrl, 1);
      const cols = Atomics.load(d.ctrl, 2);
      return { data: new Float64Array(d.slot, 0, rows * cols).slice(), shape: [rows, cols] };
    },
  };
}

async function main(): Promise<void> {
  const port = parentPort!;
  const w = workerData as FitWorkerData;
  let executor: ParallelLocalExecutor | undefined;
  try {
    const nmf = w.init.kind === "state" ? BayesianNmf.fromState(w.init.state) : new BayesianNmf(w.init.options);
    const source = w.data.kind === "shared" ? arraySource(sharedMatrixViews(w.data.inputs)) : rpcSource(w.data);
    let stopped = false;
    let first = true;
    if (w.threads > 1) executor = await ParallelLocalExecutor.create({ threads: w.threads, backend: nmf.options.backend });
    nmf.fit(source, {
      executor,
      steps: w.steps,
      resume: w.resume,
      onProgress: w.progress ? (info) => port.postMessage({ type: "progress", info }) : undefined,
      shouldStop: (done) => {
        if (!first && w.checkpointEvery > 0 && done % w.checkpointEvery === 0) port.postMessage({ type: "checkpoint", state: nmf.getState() });
        first = false;
        if (isStopRequested(w.stopFlag)) stopped = true;
        return stopped;
      },
    });
    port.postMessage({ type: "done", state: nmf.getState(), stopped });
  } catch (err) {
    port.postMessage({ type: "error", error: errorToMessage(err) });
  } finally {
    await executor?.close();
  }
}

void main();
