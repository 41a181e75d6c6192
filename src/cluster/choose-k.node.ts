// Node-only twin of `chooseK`: the Ks of the sweep run on all cores (a small pool of worker
// threads kept for later calls), over SharedArrayBuffers. Each K runs the same code on the same
// shared data with its own Rng(seed), so the result is identical to the serial chooseK.
import { availableParallelism } from "node:os";
import { isMainThread, parentPort, workerData, type Worker } from "node:worker_threads";
import type { Matrix } from "../core/matrix.js";
import { finishChooseK, prepareChooseK, sweepOneK, type ChooseKOptions, type ChooseKPrepared, type ChooseKResolved, type ChooseKResult } from "./choose-k.js";
import { kmeansDataFrom } from "./kmeans.js";
import { spawnModuleWorker } from "./workers.node.js";

const ROLE = "specufex:choose-k";

/** The shared arrays of one sweep (SharedArrayBuffer-backed views). */
interface SweepTask {
  id: number;
  options: ChooseKResolved;
  n: number;
  f: number;
  x: Float64Array;
  xc: Float64Array;
  means: Float64Array;
  norms: Float64Array;
  distances: Float64Array | null;
  /** [next K index to take]; Ks are taken largest first. */
  counter: Int32Array;
  /** (number of Ks)×n labels. */
  labels: Int32Array;
  /** Σ k·f centres, K by K. */
  centres: Float64Array;
  /** per K: inertia, nIter, mean silhouette. */
  stats: Float64Array;
}

function sharedCopy<T extends Float64Array | Int32Array>(a: T): T {
  const s = new SharedArrayBuffer(a.byteLength);
  const out = (a instanceof Float64Array ? new Float64Array(s) : new Int32Array(s)) as T;
  out.set(a as never);
  return out;
}

function centreOffset(o: ChooseKResolved, k: number, f: number): number {
  // Σ_{k' = kMin}^{k − 1} k'·f
  return (((k - 1) * k) / 2 - ((o.kMin - 1) * o.kMin) / 2) * f;
}

/** Takes Ks from the shared counter until none is left; writes each K's result into the task's arrays. */
function work(task: SweepTask, prep: ChooseKPrepared): void {
  const o = task.options;
  const m = o.kMax - o.kMin + 1;
  const n = task.n;
  for (;;) {
    const idx = Atomics.add(task.counter, 0, 1);
    if (idx >= m) return;
    const k = o.kMax - idx;
    const q = k - o.kMin;
    const r = sweepOneK(prep, k);
    task.labels.set(r.run.labels, q * n);
    task.centres.set(r.run.centers, centreOffset(o, k, task.f));
    task.stats[q * 3] = r.run.inertia;
    task.stats[q * 3 + 1] = r.run.nIter;
    task.stats[q * 3 + 2] = r.meanSilhouette;
  }
}

function prepFromTask(task: SweepTask): ChooseKPrepared {
  const data = kmeansDataFrom({ n: task.n, f: task.f, x: task.xc, means: task.means, norms: task.norms, raw: task.x, ...(task.distances && { distances: task.distances }) });
  const x: Matrix = { data: task.x, shape: [task.n, task.f] };
  return task.distances ? { options: task.options, x, data, distances: task.distances } : { options: task.options, x, data };
}

const pool: Worker[] = [];
let nextId = 1;

/** Up to `size` pooled workers; they are unreferenced between sweeps so they never keep a process alive. */
function workers(size: number): Worker[] {
  while (pool.length < size) {
    const w = spawnModuleWorker(import.meta.url, { role: ROLE });
    w.unref();
    pool.push(w);
  }
  return pool.slice(0, size);
}

export interface ParallelChooseKOptions extends ChooseKOptions {
  /** Threads in all, the calling thread included (default: all cores). */
  threads?: number;
}

/**
 * `chooseK` on all cores; identical results. The first call starts the worker threads
 * (≈0.1 s from compiled JavaScript); later calls reuse them.
 * @throws as chooseK.
 * @example
 * const r = await chooseKParallel(x, { kMin: 3, kMax: 19, nInit: 10, seed: 42 });
 */
export async function chooseKParallel(x: Matrix, options: ParallelChooseKOptions = {}): Promise<ChooseKResult> {
  const { threads: t, ...rest } = options;
  const prep = prepareChooseK(x, rest);
  const o = prep.options;
  const m = o.kMax - o.kMin + 1;
  const threads = Math.max(1, Math.min(t ?? availableParallelism(), m, 64));
  const { n, f } = prep.data;
  const task: SweepTask = {
    id: nextId++,
    options: o,
    n,
    f,
    x: sharedCopy(x.data),
    xc: sharedCopy(prep.data.x),
    means: sharedCopy(prep.data.means),
    norms: sharedCopy(prep.data.norms),
    distances: prep.distances ? sharedCopy(prep.distances) : null,
    counter: new Int32Array(new SharedArrayBuffer(4)),
    labels: new Int32Array(new SharedArrayBuffer(m * n * 4)),
    centres: new Float64Array(new SharedArrayBuffer(centreOffset(o, o.kMax + 1, f) * 8)),
    stats: new Float64Array(new SharedArrayBuffer(m * 3 * 8)),
  };
  const helpers = threads > 1 ? workers(threads - 1) : [];
  const done = helpers.map(
    (w) =>
      new Promise<void>((resolve, reject) => {
        const onMessage = (msg: { id: number; error?: string }): void => {
          if (msg.id !== task.id) return;
          w.off("message", onMessage);
          w.off("error", onError);
          w.unref();
          if (msg.error) reject(new Error(`chooseKParallel worker: ${msg.error}`));
          else resolve();
        };
        const onError = (err: Error): void => {
          w.off("message", onMessage);
          const i = pool.indexOf(w);
          if (i >= 0) pool.splice(i, 1);
          reject(err);
        };
        w.on("message", onMessage);
        w.once("error", onError);
        w.ref();
        w.postMessage(task);
      }),
  );
  // the calling thread works too, on the same shared data as the workers
  work(task, prepFromTask(task));
  await Promise.all(done);
  const runs = [];
  for (let k = o.kMin; k <= o.kMax; k++) {
    const q = k - o.kMin;
    const off = centreOffset(o, k, f);
    runs.push({
      k,
      run: { labels: task.labels.slice(q * n, (q + 1) * n), centers: task.centres.slice(off, off + k * f), inertia: task.stats[q * 3]!, nIter: task.stats[q * 3 + 1]! },
      meanSilhouette: task.stats[q * 3 + 2]!,
    });
  }
  return finishChooseK(prep, runs);
}

if (!isMainThread && (workerData as { role?: string } | undefined)?.role === ROLE) {
  parentPort!.on("message", (task: SweepTask) => {
    try {
      work(task, prepFromTask(task));
      parentPort!.postMessage({ id: task.id });
    } catch (err) {
      parentPort!.postMessage({ id: task.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
}
