// Node-only twin of `silhouetteSamples`: the same row-block code (silhouette.ts) run on all
// cores with worker_threads over SharedArrayBuffers. Each row's value depends only on that row's
// computation, so the result is bit-identical to the single-threaded one.
import { availableParallelism } from "node:os";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { Matrix } from "../core/matrix.js";
import { spawnModuleWorker } from "./workers.node.js";
import { prepareSilhouette, SILHOUETTE_ROW_BLOCK, silhouetteRows, silhouettesFromRowSums, pairSilhouette, type SilhouetteInput } from "./silhouette.js";

const TASK = "specufex:silhouette-rows";

interface SharedInput {
  task: typeof TASK;
  n: number;
  f: number;
  nLabels: number;
  sparse: boolean;
  pairs: boolean;
  x: SharedArrayBuffer;
  norms: SharedArrayBuffer;
  codes: SharedArrayBuffer;
  counts: SharedArrayBuffer;
  out: SharedArrayBuffer;
  r0: number;
  r1: number;
  /** Pairs scheme: the PairSilhouette chunks this worker runs, into the shared own/acc sums. */
  chunkList?: number[];
  own?: SharedArrayBuffer;
  acc?: SharedArrayBuffer;
}

export interface ParallelSilhouetteOptions {
  /** Threads in all, the calling thread included (default: all cores). */
  threads?: number;
  /** Below this many rows everything runs on the calling thread (default 2000; workers take ~0.1 s to start). */
  minRowsForWorkers?: number;
}

/**
 * `silhouetteSamples` on all cores; identical numbers.
 * @param x N×F feature matrix.
 * @param labels one label per row.
 * @throws as `silhouetteSamples`.
 * @example
 * const s = await silhouetteSamplesParallel(x, labels);
 */
export async function silhouetteSamplesParallel(x: Matrix, labels: Int32Array, options: ParallelSilhouetteOptions = {}): Promise<Float64Array> {
  const input = prepareSilhouette(x, labels);
  const { n, f } = input;
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), 64));
  if (threads === 1 || n < (options.minRowsForWorkers ?? 2000)) {
    const out = new Float64Array(n);
    silhouetteRows(input, 0, n, out);
    return out;
  }
  const share = (a: Float64Array | Int32Array): SharedArrayBuffer => {
    const s = new SharedArrayBuffer(a.byteLength);
    new Uint8Array(s).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return s;
  };
  const shared = {
    task: TASK,
    n,
    f,
    nLabels: input.labels.nLabels,
    sparse: input.sparse,
    pairs: input.pairs,
    x: share(input.x),
    norms: share(input.norms),
    codes: share(input.labels.codes),
    counts: share(input.labels.counts),
    out: new SharedArrayBuffer(n * 8),
  } as const;
  if (input.pairs) {
    // every pair once; chunk h runs on thread h mod threads (the numbers do not depend on the split)
    const sp = pairSilhouette(input);
    const { L, chunks } = sp;
    const own = new SharedArrayBuffer(n * L * 8);
    const acc = new SharedArrayBuffer(chunks * n * L * 8);
    const lists = Array.from({ length: threads }, (_, t) => Array.from({ length: chunks }, (_, h) => h).filter((h) => h % threads === t));
    const running = lists.slice(1).filter((l) => l.length > 0).map((chunkList) => runWorker({ ...shared, r0: 0, r1: 0, chunkList, own, acc }));
    const ownView = new Float64Array(own);
    const accView = new Float64Array(acc);
    for (const h of lists[0]!) sp.runChunk(h, ownView, accView);
    await Promise.all(running);
    const sums = new Float64Array(n * L);
    sp.combine(ownView, accView, sums);
    const out = new Float64Array(n);
    silhouettesFromRowSums(input, sums, 0, n, out);
    return out;
  }
  // split at multiples of the row block, so every block is the one the serial code computes
  const blocks = Math.ceil(n / SILHOUETTE_ROW_BLOCK);
  const bounds = Array.from({ length: threads + 1 }, (_, t) => Math.min(n, Math.round((t * blocks) / threads) * SILHOUETTE_ROW_BLOCK));
  const workers: Promise<void>[] = [];
  for (let t = 1; t < threads; t++) {
    const data: SharedInput = { ...shared, r0: bounds[t]!, r1: bounds[t + 1]! };
    workers.push(
      new Promise<void>((resolve, reject) => {
        const w = spawnModuleWorker(import.meta.url, data);
        w.once("message", () => resolve());
        w.once("error", reject);
        w.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`silhouette worker exited with code ${code}`))));
      }),
    );
  }
  // the calling thread takes the first range
  silhouetteRows(fromShared({ ...shared, r0: 0, r1: bounds[1]! }), 0, bounds[1]!, new Float64Array(shared.out));
  await Promise.all(workers);
  return new Float64Array(shared.out).slice();
}

function runWorker(data: SharedInput): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const w = spawnModuleWorker(import.meta.url, data);
    w.once("message", () => resolve());
    w.once("error", reject);
    w.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`silhouette worker exited with code ${code}`))));
  });
}

function fromShared(s: SharedInput): SilhouetteInput {
  return {
    n: s.n,
    f: s.f,
    x: new Float64Array(s.x),
    sparse: s.sparse,
    pairs: s.pairs,
    norms: new Float64Array(s.norms),
    labels: { codes: new Int32Array(s.codes), counts: new Float64Array(s.counts), nLabels: s.nLabels },
  };
}

if (!isMainThread && (workerData as SharedInput | undefined)?.task === TASK) {
  const s = workerData as SharedInput;
  if (s.chunkList) {
    const sp = pairSilhouette(fromShared(s));
    const own = new Float64Array(s.own!);
    const acc = new Float64Array(s.acc!);
    for (const h of s.chunkList) sp.runChunk(h, own, acc);
  } else {
    silhouetteRows(fromShared(s), s.r0, s.r1, new Float64Array(s.out));
  }
  parentPort!.postMessage("done");
}
