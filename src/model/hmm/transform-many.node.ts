import { availableParallelism } from "node:os";
import { OptionError } from "../../core/errors.js";
import { matrix, type Matrix } from "../../core/matrix.js";
import { shareMatrices, siblingModuleUrl, WorkerPool } from "../workers.node.js";
import type { BayesianHmm } from "./bayesian-hmm.js";
import { checkSequence } from "./local-pass.js";
import { runTransformTask, type TransformBuffers, type TransformTask } from "./hmm-worker.node.js";
import type { HmmTransformResult } from "./types.js";

/** Options of `transformMany`. */
export interface TransformManyOptions {
  /** Worker threads (default: all cores). 1 runs on the calling thread. */
  threads?: number;
  /** Event ids for messages, one per sequence. */
  ids?: readonly string[];
}

// Pools live for the process (idle workers do not keep it alive), so repeated calls pay no start-up.
const pools = new Map<number, WorkerPool>();

function poolOf(threads: number): WorkerPool {
  let pool = pools.get(threads);
  if (!pool) {
    pool = new WorkerPool(siblingModuleUrl(import.meta.url, "hmm-worker.node"), threads);
    pools.set(threads, pool);
  }
  return pool;
}

/**
 * `hmm.transform` of many sequences on worker threads over shared memory;
 * results are identical to the serial path (each sequence runs the same code).
 * @param sequences N activation matrices, each K×M_n (M_n ≥ 2).
 * @returns one HmmTransformResult per sequence, in order.
 * @throws NotFittedError before a fit; ShapeError/DataError naming the sequence.
 * @example
 * const results = await transformMany(hmm, activations, { threads: 2 });
 */
export async function transformMany(hmm: BayesianHmm, sequences: readonly Matrix[], options: TransformManyOptions = {}): Promise<HmmTransformResult[]> {
  const state = hmm.getState(); // throws NotFittedError before a fit
  const threads = options.threads ?? availableParallelism();
  if (!(Number.isInteger(threads) && threads >= 1)) throw new OptionError(`transformMany option "threads" must be an integer ≥ 1, got ${threads}`, { field: "threads" });
  const ids = options.ids;
  if (ids && ids.length !== sequences.length) throw new OptionError(`transformMany option "ids" must have one id per sequence (${sequences.length}), got ${ids.length}`, { field: "ids" });
  const N = sequences.length;
  const S = state.num_state;
  for (let i = 0; i < N; i++) checkSequence(sequences[i]!, state.num_pat, "transformMany", i, ids?.[i]);
  const gamOffsets: number[] = [];
  let columns = 0;
  for (const v of sequences) {
    gamOffsets.push(S * columns);
    columns += v.shape[1];
  }
  const buf = (n: number): SharedArrayBuffer => new SharedArrayBuffer(8 * Math.max(n, 1));
  const out: TransformBuffers = { A: buf(N * S * S), fp: buf(N * S * S), pi: buf(N * S), gam: buf(S * columns), gamOffsets, logLik: buf(N) };
  const workers = Math.min(threads, N);
  if (workers <= 1) {
    runTransformTask(hmm, sequences, ids, out, 0, N);
  } else {
    // Contiguous ranges of about equal total length: the calling thread transforms the first
    // itself (its code is warm), threads − 1 workers the others (only their sequences shared).
    const bounds = [0];
    let acc = 0;
    for (let i = 0; i < N && bounds.length < workers; i++) {
      acc += sequences[i]!.shape[1];
      if (acc >= (columns * bounds.length) / workers) bounds.push(i + 1);
    }
    while (bounds.length <= workers) bounds.push(N);
    const first = bounds[1]!;
    const seqs = shareMatrices(sequences.slice(first));
    const pool = poolOf(workers - 1);
    const jobs: Promise<unknown>[] = [];
    for (let w = 1; w < workers; w++) {
      if (bounds[w] === bounds[w + 1]) continue;
      const task: TransformTask = { state, seqs, ...(ids ? { ids } : {}), out, start: bounds[w]!, end: bounds[w + 1]!, seqOffset: first };
      jobs.push(pool.run(w - 1, task));
    }
    try {
      runTransformTask(hmm, sequences, ids, out, 0, first);
    } catch (err) {
      await Promise.allSettled(jobs);
      throw err;
    }
    await Promise.all(jobs);
  }
  // One copy of each output out of shared memory; the results are disjoint views of it.
  const copy = (b: SharedArrayBuffer): Float64Array => new Float64Array(b).slice();
  const A = copy(out.A), fp = copy(out.fp), pi = copy(out.pi), gam = copy(out.gam), ll = new Float64Array(out.logLik);
  const results: HmmTransformResult[] = [];
  for (let i = 0; i < N; i++) {
    const M = sequences[i]!.shape[1];
    results.push({
      fingerprint: matrix(fp.subarray(i * S * S, (i + 1) * S * S), S, S),
      A: matrix(A.subarray(i * S * S, (i + 1) * S * S), S, S),
      pi: pi.subarray(i * S, (i + 1) * S),
      gamma: matrix(gam.subarray(gamOffsets[i]!, gamOffsets[i]! + S * M), S, M),
      logLikelihood: ll[i]!,
    });
  }
  return results;
}
