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

/** One step's command to a helper (sent on its port; SharedArrayBuffers are shared, not copied). */
export interface LocalCommand {
  readonly quit?: boolean;
  readonly D: number;
  readonly K0: number;
  readonly K: number;
  readonly M: number;
  readonly capacity: number;
  readonly T: number;
  readonly h01: number;
  readonly iterations: number;
  /** lnEW, eW (D×K) then lnH2 (K), shared by all helpers. */
  readonly common: SharedArrayBuffer;
  /** This helper's X (D×M) in, then R (D×M), H1, lnEH, eH (K×M) out. */
  readonly own: SharedArrayBuffer;
}

// ctrl (Int32 per helper, 4 slots): [0] command sequence, [1] done sequence, [2] marked entries, [3] failed
const SLOTS = 4;

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
  readonly #errors: (ErrorMessage | undefined)[];
  #seq = 0;
  #common?: SharedArrayBuffer;
  #own: SharedArrayBuffer[] = [];
  #mine?: { D: number; K0: number; capacity: number; lnEW: Float64Array; eW: Float64Array; lnH2: Float64Array; local: NmfLocalStep };

  private constructor(threads: number, backend: KernelBackend, workers: Worker[], ports: MessagePort[], ctrl: Int32Array, errors: (ErrorMessage | undefined)[]) {
    this.threads = threads;
    this.minColumns = 4 * threads;
    this.#kernels = getKernels(backend);
    this.#workers = workers;
    this.#ports = ports;
    this.#ctrl = ctrl;
    this.#errors = errors;
  }

  /** Starts threads − 1 helpers and waits until they are ready. */
  static async create(options: ParallelLocalOptions): Promise<ParallelLocalExecutor> {
    const { threads, backend = "auto" } = options;
    if (!Number.isInteger(threads) || threads < 2) throw new RangeError(`ParallelLocalExecutor: threads must be an integer ≥ 2, got ${threads}`);
    const helpers = threads - 1;
    const ctrl = new Int32Array(new SharedArrayBuffer(4 * SLOTS * helpers));
    const workers: Worker[] = [];
    const ports: MessagePort[] = [];
    const errors: (ErrorMessage | undefined)[] = new Array(helpers).fill(undefined);
    const ready: Promise<void>[] = [];
    const url = siblingModuleUrl(import.meta.url, "local-worker.node");
    for (let h = 0; h < helpers; h++) {
      const { port1, port2 } = new MessageChannel();
      const w = startWorker(url, { ctrl, index: h, backend, port: port2 }, [port2]);
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
    return new ParallelLocalExecutor(threads, backend, workers, ports, ctrl, errors);
  }

  runLocal(inp: NmfLocalInputs, full: NmfLocalStep, M: number): number {
    const { D, K } = inp;
    const helpers = this.#workers.length;
    const chunks = helpers + 1;
    const bounds = Array.from({ length: chunks + 1 }, (_, c) => Math.floor((c * M) / chunks));
    const K0 = Math.max(K, this.#mine?.K0 ?? 0);
    const capacity = bounds[1]! - bounds[0]! + 1;
    this.#ensure(D, K0, Math.max(capacity, this.#mine?.capacity ?? 0));
    // Inputs shared by the helpers.
    const common = new Float64Array(this.#common!);
    common.set(inp.lnEW.subarray(0, D * K), 0);
    common.set(inp.eW.subarray(0, D * K), D * K);
    common.set(inp.lnH2.subarray(0, K), 2 * D * K);
    this.#seq++;
    for (let h = 0; h < helpers; h++) {
      const c0 = bounds[h + 1]!;
      const Mc = bounds[h + 2]! - c0;
      copyColumnsOut(full.X, M, D, c0, Mc, new Float64Array(this.#own[h]!), 0);
      const cmd: LocalCommand = { D, K0, K, M: Mc, capacity: this.#mine!.capacity, T: inp.T, h01: inp.h01, iterations: inp.iterations, common: this.#common!, own: this.#own[h]! };
      this.#ports[h]!.postMessage(cmd);
      Atomics.store(this.#ctrl, h * SLOTS, this.#seq);
      Atomics.notify(this.#ctrl, h * SLOTS);
    }
    // The first chunk here.
    const mine = this.#mine!;
    const M0 = bounds[1]!;
    mine.lnEW.set(inp.lnEW.subarray(0, D * K));
    mine.eW.set(inp.eW.subarray(0, D * K));
    mine.lnH2.set(inp.lnH2.subarray(0, K));
    copyColumnsOut(full.X, M, D, 0, M0, mine.local.X, 0);
    let marked = mine.local.run({ ...inp, lnEW: mine.lnEW, eW: mine.eW, lnH2: mine.lnH2 }, M0);
    copyColumnsIn(mine.local.R, D, M0, full.R, M, 0);
    copyColumnsIn(mine.local.H1, K, M0, full.H1, M, 0);
    copyColumnsIn(mine.local.lnEH, K, M0, full.lnEH, M, 0);
    copyColumnsIn(mine.local.eH, K, M0, full.eH, M, 0);
    // The helpers' chunks.
    for (let h = 0; h < helpers; h++) {
      const done = h * SLOTS + 1;
      while (Atomics.load(this.#ctrl, done) !== this.#seq) {
        if (Atomics.load(this.#ctrl, h * SLOTS + 3) !== 0 || this.#errors[h]) {
          throw this.#errors[h] ? messageToError(this.#errors[h]!) : new Error(`ParallelLocalExecutor: helper ${h} failed`);
        }
        Atomics.wait(this.#ctrl, done, Atomics.load(this.#ctrl, done), 1000);
      }
      marked += Atomics.load(this.#ctrl, h * SLOTS + 2);
      const c0 = bounds[h + 1]!;
      const Mc = bounds[h + 2]! - c0;
      const own = new Float64Array(this.#own[h]!);
      const cap = this.#mine!.capacity;
      copyColumnsIn(own.subarray(D * cap), D, Mc, full.R, M, c0);
      copyColumnsIn(own.subarray(2 * D * cap), K, Mc, full.H1, M, c0);
      copyColumnsIn(own.subarray(2 * D * cap + K0 * cap), K, Mc, full.lnEH, M, c0);
      copyColumnsIn(own.subarray(2 * D * cap + 2 * K0 * cap), K, Mc, full.eH, M, c0);
    }
    return marked;
  }

  /** Stops and ends the helper threads. */
  async close(): Promise<void> {
    this.#seq++;
    for (let h = 0; h < this.#workers.length; h++) {
      this.#ports[h]!.postMessage({ quit: true });
      Atomics.store(this.#ctrl, h * SLOTS, this.#seq);
      Atomics.notify(this.#ctrl, h * SLOTS);
    }
    await Promise.all(this.#workers.map((w) => w.terminate()));
    for (const p of this.#ports) p.close();
  }

  /** Buffers for chunks of up to `capacity` columns (grown, never shrunk). */
  #ensure(D: number, K0: number, capacity: number): void {
    const m = this.#mine;
    if (m && m.D === D && m.K0 >= K0 && m.capacity >= capacity) return;
    const ws = this.#kernels.workspace(2 * D * K0 + K0 + NmfLocalStep.size(D, K0, capacity));
    const lnEW = ws.take(D * K0);
    const eW = ws.take(D * K0);
    const lnH2 = ws.take(K0);
    this.#mine = { D, K0, capacity, lnEW, eW, lnH2, local: new NmfLocalStep(ws, D, K0, capacity) };
    this.#common = new SharedArrayBuffer((2 * D * K0 + K0) * 8);
    this.#own = this.#workers.map(() => new SharedArrayBuffer((2 * D * capacity + 3 * K0 * capacity) * 8));
  }
}

/** Copies columns [c0, c0+Mc) of a rows×M matrix into a dense rows×Mc one at `at`. */
function copyColumnsOut(src: Float64Array, M: number, rows: number, c0: number, Mc: number, dst: Float64Array, at: number): void {
  for (let r = 0; r < rows; r++) dst.set(src.subarray(r * M + c0, r * M + c0 + Mc), at + r * Mc);
}

/** Copies a dense rows×Mc matrix into columns [c0, c0+Mc) of a rows×M one. */
function copyColumnsIn(src: Float64Array, rows: number, Mc: number, dst: Float64Array, M: number, c0: number): void {
  for (let r = 0; r < rows; r++) dst.set(src.subarray(r * Mc, (r + 1) * Mc), r * M + c0);
}
