// Node-only: NMF transforms of many spectrograms on worker_threads (STYLE.md §4),
// with results identical to the serial `transform` (same code, same kernels).
import { availableParallelism } from "node:os";
import { OptionError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import { arraySource, isSpectrogramSource, type SpectrogramSource } from "../../core/spectrogram-source.js";
import { shareMatrices, sharedMatrixViews, sharedOutputs, siblingModuleUrl, WorkerPool, type SharedMatrices } from "../workers.node.js";
import type { BayesianNmf } from "./bayesian-nmf.js";
import type { NmfFitted } from "./types.js";
import { checkSpectrogram } from "./validate.js";
import type { TransformTask } from "./transform-worker.node.js";

export interface TransformManyOptions {
  /** Threads in all, the calling one included (default: the machine's available parallelism); 1 runs on the calling thread alone. */
  threads?: number;
  /** Spectrograms read and shared with the workers at a time (default 512), so a large source is streamed. */
  blockSize?: number;
  /** Receives each result as it is ready (in index order); then transformMany returns an empty array. */
  onResult?: (index: number, V: Matrix) => void;
}

const pools = new Map<number, WorkerPool>();
const modelKeys = new WeakMap<NmfFitted, number>();
let nextKey = 1;

function poolOf(threads: number): WorkerPool {
  let pool = pools.get(threads);
  if (!pool) {
    pool = new WorkerPool(siblingModuleUrl(import.meta.url, "transform-worker.node"), threads);
    pools.set(threads, pool);
  }
  return pool;
}

/**
 * Activation matrices V (K×M_n) of many spectrograms, transformed in parallel in
 * blocks read from the source. Each block is checked first (errors name the index
 * or id); results equal `nmf.transform(x)` bit for bit.
 * @throws NotFittedError, ShapeError, DataError as `transform`; OptionError for bad options.
 * @example
 * const Vs = await transformMany(nmf, spectrograms, { threads: 2 });
 */
export async function transformMany(nmf: BayesianNmf, spectrograms: SpectrogramSource | readonly Matrix[], options: TransformManyOptions = {}): Promise<Matrix[]> {
  const threads = options.threads ?? availableParallelism();
  const blockSize = options.blockSize ?? 512;
  if (!Number.isInteger(threads) || threads < 1) throw new OptionError(`transformMany: threads must be an integer ≥ 1, got ${String(threads)}`, { field: "threads" });
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new OptionError(`transformMany: blockSize must be an integer ≥ 1, got ${String(blockSize)}`, { field: "blockSize" });
  const src = isSpectrogramSource(spectrograms) ? spectrograms : arraySource(spectrograms as readonly Matrix[]);
  const fitted = nmf.fitted;
  const results: Matrix[] = [];
  const emit = (i: number, V: Matrix): void => {
    if (options.onResult) options.onResult(i, V);
    else results.push(V);
  };
  for (let start = 0; start < src.count; start += blockSize) {
    const end = Math.min(src.count, start + blockSize);
    const xs: Matrix[] = [];
    for (let i = start; i < end; i++) {
      const x = src.getAsync ? await src.getAsync(i) : src.get(i);
      checkSpectrogram("transformMany", x, fitted.D, i, src.id?.(i));
      xs.push(x);
    }
    if (threads === 1 || xs.length <= 1) {
      xs.forEach((x, j) => emit(start + j, nmf.transform(x)));
      continue;
    }
    const Vs = await transformBlock(nmf, fitted, xs, threads);
    Vs.forEach((V, j) => emit(start + j, V));
  }
  return results;
}

/**
 * One block on `threads` threads: the calling thread transforms the first range itself
 * while threads − 1 pool workers take the others (only their spectrograms are copied
 * into shared memory).
 */
async function transformBlock(nmf: BayesianNmf, fitted: NmfFitted, xs: Matrix[], threads: number): Promise<Matrix[]> {
  // Contiguous ranges of about equal total columns.
  const total = xs.reduce((s, x) => s + x.shape[1], 0);
  const bounds = [0];
  let acc = 0;
  for (let i = 0; i < xs.length && bounds.length < threads; i++) {
    acc += xs[i]!.shape[1];
    if (acc >= (total * bounds.length) / threads) bounds.push(i + 1);
  }
  while (bounds.length <= threads) bounds.push(xs.length);
  const first = bounds[1]!;
  const rest = xs.slice(first);
  const jobs: Promise<unknown>[] = [];
  let outputs: SharedMatrices | undefined;
  if (rest.length > 0) {
    const inputs = shareMatrices(rest);
    outputs = sharedOutputs(rest.map((x) => [fitted.K, x.shape[1]] as const));
    let key = modelKeys.get(fitted);
    if (key === undefined) {
      key = nextKey++;
      modelKeys.set(fitted, key);
    }
    const state = nmf.getState();
    const pool = poolOf(threads - 1);
    for (let t = 1; t < threads; t++) {
      const task: TransformTask = { key, state, inputs, outputs, start: bounds[t]! - first, end: bounds[t + 1]! - first };
      if (task.end > task.start) jobs.push(pool.run(t - 1, task));
    }
  }
  // The calling thread's range meanwhile (the block was checked already).
  const mine: Matrix[] = [];
  let maxM = 0;
  for (let i = 0; i < first; i++) maxM = Math.max(maxM, xs[i]!.shape[1]);
  if (first > 0) {
    const transformer = nmf.transformer(maxM);
    for (let i = 0; i < first; i++) {
      const M = xs[i]!.shape[1];
      const out = new Float64Array(fitted.K * M);
      transformer.transformInto(xs[i]!.data, M, out);
      mine.push({ data: out, shape: [fitted.K, M] });
    }
  }
  await Promise.all(jobs);
  if (outputs) for (const v of sharedMatrixViews(outputs)) mine.push({ data: v.data.slice(), shape: v.shape });
  return mine;
}
