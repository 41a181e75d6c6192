// Node-only: the local repeats of each NMF step (§2.1) on column chunks, the calling
// thread taking the first chunk and helper threads the others. Every quantity of the
// local repeats is per column, so the gathered result equals the one-thread result bit
// for bit; the cross-column sums (R·E_Hᵀ and the rest) stay on the calling thread.
import { MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import { getKernels } from "../../kernels/index.js";
import type { KernelBackend, Kernels } from "../../kernels/types.js";
import { messageToError, siblingModuleUrl, startWorker, type ErrorMessage } from "../workers.node.js";
import type { NmfLocalExecutor } from "./engine.js";
import { NmfLocalStep, type NmfLocalInputs } from "./local-step.js";

/**
 * A helper's buffers, posted on its port only when they change (SharedArrayBuffers are
 * shared, not copied); each step's numbers travel in the shared control block instead.
 */
export interface LocalBuffers {
  readonly quit?: boolean;
  readonly D: number;
  readonly K0: number;
  readonly capacity: number;
  /** lnEW, eW (D×K) then lnH2 (K), shared by all helpers. */
  readonly common: SharedArrayBuffer;
  /** This helper's X (D×M) in, then R (D×M), H1, lnEH, eH (K×M) out. */
  readonly own: SharedArrayBuffer;
}

// ctrl (Int32 per helper, SLOTS slots): [0] command sequence, [1] done sequence, [2] marked
// entries, [3] failed, [4] buffers version, [5] K, [6] M, [7] iterations.
// args (Float64 per helper, 2 slots): [0] T, [1] h01.
export const SLOTS = 8;
/** Loads of the control word a waiting side spins through before it sleeps (Atomics.wait). */
export const SPIN_LOADS = 200_000;
export const ARG_SLOTS = 2;

export interface ParallelLocalOptions {
  /** Threads in all, the calling one included (≥ 2). */
  threads: number;
  /** The kernel backend of the helpers; the same as the model's, so numbers agree. */
  backend?: KernelBackend;
}

/**
 * Runs the local repeats of NMF steps on `threads` threads. Create it once, pass it to
 * `fit(source, { executor })` (or use `fitAsync(..., { threads })`), then `close()` it.
 * While a step runs the calling thread blocks (Atomics.wait), as a synchronous fit does.
 */
export class ParallelLocalExecutor implements NmfLocalExecutor {
  readonly threads: number;
  readonly minColumns: number;
  readonly #kernels: Kernels;
  readonly #workers: Worker[];
  readonly #ports: MessagePort[];
  readonly #ctrl: Int32Array;
  readonly #args: Float64Array;
  readonly #errors: (ErrorMessage | undefined)[];
  readonly #bounds: Int32Array;
  #seq = 0;
  #version = 0;
  #common?: SharedArrayBuffer;
  #commonView?: Float64Array;
  #own: SharedArrayBuffer[] = [];
  #ownViews: Float64Array[] = [];
  #mine?: { D: number; K0: number; capacity: number; lnEW: Float64Array; eW: Float64Array; lnH2: Float64Array; local: NmfLocalStep };

  private constructor(threads: number, backend: KernelBackend, workers: Worker[], ports: MessagePort[], ctrl: Int32Array, args: Float64Array, errors: (ErrorMessage | undefined)[]) {
    this.threads = threads;
    this.minColumns = 4 * threads;
    this.#kernels = getKernels(backend);
    this.#workers = workers;
    this.#ports = ports;
    this.#ctrl = ctrl;
    this.#args = args;
    this.#errors = errors;
    this.#bounds = new Int32Array(threads + 1);
  }

  /** Starts threads − 1 helpers and waits until they are ready. */
  static async create(options: ParallelLocalOptions): Promise<ParallelLocalExecutor> {
    const { threads, backend = "auto" } = options;
    if (!Number.isInteger(threads) || threads < 2) throw new RangeError(`ParallelLocalExecutor: threads must be an integer ≥ 2, got ${threads}`);
    const helpers = threads - 1;
    const ctrl = new Int32Array(new SharedArrayBuffer(4 * SLOTS * helpers));
    const args = new Float64Array(new SharedArrayBuffer(8 * ARG_SLOTS * helpers));
    const workers: Worker[] = [];
    const ports: MessagePort[] = [];
    const errors: (ErrorMessage | undefined)[] = new Array(helpers).fill(undefined);
    const ready: Promise<void>[] = [];
    const url = siblingModuleUrl(import.meta.url, "local-worker.node");
    for (let h = 0; h < helpers; h++) {
      const { port1, port2 } = new MessageChannel();
      const w = startWorker(url, { ctrl, args, index: h, backend, port: port2 }, [port2]);
      ready.push(
        new Promise<void>((resolve, reject) => {
          w.once("message", (m: { ready?: boolean; error?: ErrorMessage }) => (m.ready ? resolve() : reject(messageToError(m.error!))));
          w.once("error", reject);
        }),
      );
      w.on("message", (m: { error?: ErrorMessage }) => {
        if (m.error) errors[h] = m.error;
      });
      workers.push(w);
      ports.push(port1);
    }
    try {
      await Promise.all(ready);
      // Idle helpers must not keep the process alive (close() ends them).
      for (const w of workers) w.unref();
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new ParallelLocalExecutor(threads, backend, workers, ports, ctrl, args, errors);
  }

  runLocal(inp: NmfLocalInputs, full: NmfLocalStep, M: number): number {
    const { D, K } = inp;
    const helpers = this.#workers.length;
    const ctrl = this.#ctrl;
    const bounds = this.#chunks(M);
    let widest = 0;
    for (let c = 0; c <= helpers; c++) widest = Math.max(widest, bounds[c + 1]! - bounds[c]!);
    this.#ensure(D, Math.max(K, this.#mine?.K0 ?? 0), Math.max(widest, this.#mine?.capacity ?? 0));
    const mine = this.#mine!;
    const cap = mine.capacity;
    // Inputs shared by the helpers.
    const common = this.#commonView!;
    common.set(inp.lnEW.subarray(0, D * K), 0);
    common.set(inp.eW.subarray(0, D * K), D * K);
    common.set(inp.lnH2.subarray(0, K), 2 * D * K);
    this.#seq++;
    for (let h = 0; h < helpers; h++) {
      const c0 = bounds[h + 1]!;
      const Mc = bounds[h + 2]! - c0;
      copyColumnsOut(full.X, M, D, c0, Mc, this.#ownViews[h]!, 0);
      const o = h * SLOTS;
      ctrl[o + 4] = this.#version;
      ctrl[o + 5] = K;
      ctrl[o + 6] = Mc;
      ctrl[o + 7] = inp.iterations;
      this.#args[h * ARG_SLOTS] = inp.T;
      this.#args[h * ARG_SLOTS + 1] = inp.h01;
      Atomics.store(ctrl, o, this.#seq);
      Atomics.notify(ctrl, o);
    }
    // The first chunk here.
    const M0 = bounds[1]!;
    mine.lnEW.set(inp.lnEW.subarray(0, D * K));
    mine.eW.set(inp.eW.subarray(0, D * K));
    mine.lnH2.set(inp.lnH2.subarray(0, K));
    copyColumnsOut(full.X, M, D, 0, M0, mine.local.X, 0);
    let marked = mine.local.run({ ...inp, lnEW: mine.lnEW, eW: mine.eW, lnH2: mine.lnH2 }, M0);
    copyColumnsIn(mine.local.R, 0, D, M0, full.R, M, 0);
    copyColumnsIn(mine.local.H1, 0, K, M0, full.H1, M, 0);
    copyColumnsIn(mine.local.lnEH, 0, K, M0, full.lnEH, M, 0);
    copyColumnsIn(mine.local.eH, 0, K, M0, full.eH, M, 0);
    // The helpers' chunks.
    for (let h = 0; h < helpers; h++) {
      const done = h * SLOTS + 1;
      // Spin first (~0.2–0.4 ms): a step's chunks end close together, and a futex wake-up costs
      // 50–100 µs here, as much as a whole step of the small case A (1 thread 0.9 ms per step).
      for (let spin = 0; spin < SPIN_LOADS && Atomics.load(ctrl, done) !== this.#seq; spin++);
      while (Atomics.load(ctrl, done) !== this.#seq) {
        if (Atomics.load(ctrl, h * SLOTS + 3) !== 0 || this.#errors[h]) {
          throw this.#errors[h] ? messageToError(this.#errors[h]!) : new Error(`ParallelLocalExecutor: helper ${h} failed`);
        }
        Atomics.wait(ctrl, done, Atomics.load(ctrl, done), 1000);
      }
      marked += Atomics.load(ctrl, h * SLOTS + 2);
      const c0 = bounds[h + 1]!;
      const Mc = bounds[h + 2]! - c0;
      const own = this.#ownViews[h]!;
      copyColumnsIn(own, D * cap, D, Mc, full.R, M, c0);
      copyColumnsIn(own, 2 * D * cap, K, Mc, full.H1, M, c0);
      copyColumnsIn(own, 2 * D * cap + mine.K0 * cap, K, Mc, full.lnEH, M, c0);
      copyColumnsIn(own, 2 * D * cap + 2 * mine.K0 * cap, K, Mc, full.eH, M, c0);
    }
    return marked;
  }

  /** Stops and ends the helper threads. */
  async close(): Promise<void> {
    this.#seq++;
    for (let h = 0; h < this.#workers.length; h++) {
      this.#ports[h]!.postMessage({ quit: true });
      this.#ctrl[h * SLOTS + 4] = ++this.#version;
      Atomics.store(this.#ctrl, h * SLOTS, this.#seq);
      Atomics.notify(this.#ctrl, h * SLOTS);
    }
    await Promise.all(this.#workers.map((w) => w.terminate()));
    for (const p of this.#ports) p.close();
  }

  /**
   * Chunk bounds of M columns: the helpers' chunks a multiple of 4 columns wide (whole
   * register blocks in the kernels), the calling thread's chunk first with the rest.
   */
  #chunks(M: number): Int32Array {
    const b = this.#bounds;
    const chunks = this.threads;
    let helperWidth = Math.max(4, Math.round(M / chunks / 4) * 4);
    if (helperWidth * (chunks - 1) >= M) helperWidth = Math.floor(M / chunks / 4) * 4; // M ≥ minColumns = 4·threads
    const first = Math.max(1, M - helperWidth * (chunks - 1));
    b[0] = 0;
    b[1] = first;
    for (let c = 2; c <= chunks; c++) b[c] = Math.min(M, first + (c - 1) * helperWidth);
    b[chunks] = M;
    return b;
  }

  /** Buffers for chunks of up to `capacity` columns (grown, never shrunk); posted to the helpers when new. */
  #ensure(D: number, K0: number, capacity: number): void {
    const m = this.#mine;
    if (m && m.D === D && m.K0 >= K0 && m.capacity >= capacity) return;
    const ws = this.#kernels.workspace(2 * D * K0 + K0 + NmfLocalStep.size(D, K0, capacity));
    const lnEW = ws.take(D * K0);
    const eW = ws.take(D * K0);
    const lnH2 = ws.take(K0);
    this.#mine = { D, K0, capacity, lnEW, eW, lnH2, local: new NmfLocalStep(ws, D, K0, capacity) };
    this.#common = new SharedArrayBuffer((2 * D * K0 + K0) * 8);
    this.#commonView = new Float64Array(this.#common);
    this.#own = this.#workers.map(() => new SharedArrayBuffer((2 * D * capacity + 3 * K0 * capacity) * 8));
    this.#ownViews = this.#own.map((b) => new Float64Array(b));
    this.#version++;
    for (let h = 0; h < this.#workers.length; h++) {
      const msg: LocalBuffers = { D, K0, capacity, common: this.#common, own: this.#own[h]! };
      this.#ports[h]!.postMessage(msg);
    }
  }
}

/** Copies columns [c0, c0+Mc) of a rows×M matrix into a dense rows×Mc one at `at`. */
function copyColumnsOut(src: Float64Array, M: number, rows: number, c0: number, Mc: number, dst: Float64Array, at: number): void {
  for (let r = 0; r < rows; r++) {
    const s = r * M + c0;
    const d = at + r * Mc;
    for (let j = 0; j < Mc; j++) dst[d + j] = src[s + j]!;
  }
}

/** Copies a dense rows×Mc matrix (at `at` in src) into columns [c0, c0+Mc) of a rows×M one. */
function copyColumnsIn(src: Float64Array, at: number, rows: number, Mc: number, dst: Float64Array, M: number, c0: number): void {
  for (let r = 0; r < rows; r++) {
    const s = at + r * Mc;
    const d = r * M + c0;
    for (let j = 0; j < Mc; j++) dst[d + j] = src[s + j]!;
  }
}
