// Small, generic worker_threads helpers for the estimators' Node-only twins
// (fitAsync, transformMany): worker module resolution under tsx and in dist,
// a shared stop flag, matrices in shared memory, errors across threads, a pool.
import { extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parentPort, Worker, type TransferListItem } from "node:worker_threads";
import { DataError, FormatError, NotFittedError, OptionError, ShapeError, SpecufexError, type ErrorCode } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";

/**
 * The URL of a sibling module `name` (without extension) next to `base`
 * (an `import.meta.url`), with base's own extension: `.ts` under tsx, `.js` in dist.
 */
export function siblingModuleUrl(base: string, name: string): URL {
  const ext = extname(fileURLToPath(base)) || ".js";
  return new URL(`./${name}${ext}`, base);
}

/**
 * Starts a worker on a module URL, inheriting the parent's execArgv. A `.ts` module
 * (tests and benches run TypeScript through a loader given with `--import`) is started
 * through a tiny bootstrap that imports those `--import` modules in the worker first:
 * Node 20 does not apply an inherited `--import` loader to a worker's entry module.
 */
export function startWorker(url: URL, workerData: unknown, transferList?: readonly TransferListItem[]): Worker {
  const options = { workerData, transferList: transferList as TransferListItem[] | undefined, execArgv: process.execArgv };
  if (!url.pathname.endsWith(".ts")) return new Worker(url, options);
  const imports = preloadedModules(process.execArgv);
  // tsx's `--import tsx` entry registers its loader on the main thread only; its API registers anywhere.
  const code = `(async () => {
    for (const m of ${JSON.stringify(imports)}) {
      if (m === "tsx") (await import("tsx/esm/api")).register();
      else await import(m);
    }
    await import(${JSON.stringify(url.href)});
  })().catch((e) => setImmediate(() => { throw e; }));`;
  return new Worker(code, { ...options, eval: true });
}

/** The modules given to `--import` (paths as file URLs, package names as they are). */
function preloadedModules(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    const spec = a === "--import" ? execArgv[++i] : a.startsWith("--import=") ? a.slice("--import=".length) : undefined;
    if (spec === undefined) continue;
    out.push(/^(\.{0,2}\/|[A-Za-z]:[\\/])/.test(spec) ? pathToFileURL(spec).href : spec);
  }
  return out;
}

/** A stop flag in shared memory (one Int32; 0 = run, 1 = stop), checked by workers between steps. */
export function createStopFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/** Asks the worker(s) watching `flag` to stop at their next check. */
export function requestStop(flag: Int32Array): void {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

/** True once `requestStop` was called on `flag`. */
export function isStopRequested(flag: Int32Array): boolean {
  return Atomics.load(flag, 0) !== 0;
}

/** Matrices packed into one SharedArrayBuffer (row-major data back to back). */
export interface SharedMatrices {
  readonly buffer: SharedArrayBuffer;
  /** Per matrix: offset (in doubles), rows, cols. */
  readonly layout: Float64Array;
}

/** Copies matrices into shared memory (once), for workers to read without copying. */
export function shareMatrices(ms: readonly Matrix[]): SharedMatrices {
  let total = 0;
  for (const m of ms) total += m.shape[0] * m.shape[1];
  const buffer = new SharedArrayBuffer(total * 8);
  const data = new Float64Array(buffer);
  const layout = new Float64Array(ms.length * 3);
  let at = 0;
  ms.forEach((m, i) => {
    const n = m.shape[0] * m.shape[1];
    data.set(m.data.subarray(0, n), at);
    layout[3 * i] = at;
    layout[3 * i + 1] = m.shape[0];
    layout[3 * i + 2] = m.shape[1];
    at += n;
  });
  return { buffer, layout };
}

/** Shared buffers for outputs of the given shapes. */
export function sharedOutputs(shapes: readonly (readonly [number, number])[]): SharedMatrices {
  let total = 0;
  for (const [r, c] of shapes) total += r * c;
  const layout = new Float64Array(shapes.length * 3);
  let at = 0;
  shapes.forEach(([r, c], i) => {
    layout[3 * i] = at;
    layout[3 * i + 1] = r;
    layout[3 * i + 2] = c;
    at += r * c;
  });
  return { buffer: new SharedArrayBuffer(total * 8), layout };
}

/** Views (no copies) of packed matrices. */
export function sharedMatrixViews(s: SharedMatrices): Matrix[] {
  const data = new Float64Array(s.buffer);
  const out: Matrix[] = [];
  for (let i = 0; i < s.layout.length / 3; i++) {
    const at = s.layout[3 * i]!;
    const rows = s.layout[3 * i + 1]!;
    const cols = s.layout[3 * i + 2]!;
    out.push({ data: data.subarray(at, at + rows * cols), shape: [rows, cols] });
  }
  return out;
}

/** An error as a structured-clone-safe message. */
export interface ErrorMessage {
  readonly name: string;
  readonly message: string;
  readonly code?: ErrorCode;
  readonly context?: Record<string, unknown>;
  readonly stack?: string;
}

/** Serialises an error for postMessage. */
export function errorToMessage(err: unknown): ErrorMessage {
  if (err instanceof SpecufexError) {
    const context: Record<string, unknown> = {};
    for (const key of ["file", "event", "field", "record", "offset"] as const) if (err[key] !== undefined) context[key] = err[key];
    return { name: err.name, message: err.message, code: err.code, context, stack: err.stack };
  }
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: "Error", message: String(err) };
}

/** Rebuilds an error of the same SpecufexError class (or a plain Error) from its message. */
export function messageToError(m: ErrorMessage): Error {
  const ctx = (m.context ?? {}) as never;
  let err: Error;
  switch (m.name) {
    case "DataError": err = new DataError(m.message, ctx); break;
    case "ShapeError": err = new ShapeError(m.message, ctx); break;
    case "OptionError": err = new OptionError(m.message, ctx); break;
    case "FormatError": err = new FormatError(m.message, ctx); break;
    case "NotFittedError": err = new NotFittedError(m.message.split(":")[0] ?? "model"); break;
    default:
      err = m.code ? new SpecufexError(m.message, m.code, ctx) : new Error(m.message);
      if (!m.code) err.name = m.name;
  }
  if (m.stack) err.stack = m.stack;
  return err;
}

/**
 * A fixed set of workers running one module that answers `{ id, task }` messages
 * with `{ id, result }` or `{ id, error }`. Idle workers do not keep the process alive.
 */
export class WorkerPool {
  readonly size: number;
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; worker: Worker }>();
  readonly #busy = new Map<Worker, number>();
  #nextId = 1;
  #failed?: Error;

  constructor(url: URL, size: number) {
    this.size = size;
    for (let i = 0; i < size; i++) {
      const w = startWorker(url, { pool: true });
      w.on("message", (msg: { id: number; result?: unknown; error?: ErrorMessage }) => {
        const p = this.#pending.get(msg.id);
        if (!p) return;
        this.#pending.delete(msg.id);
        this.#release(w);
        if (msg.error) p.reject(messageToError(msg.error));
        else p.resolve(msg.result);
      });
      w.on("error", (e) => this.#fail(e instanceof Error ? e : new Error(String(e))));
      w.on("exit", (code) => code !== 0 && this.#fail(new Error(`worker exited with code ${code}`)));
      w.unref();
      this.#workers.push(w);
      this.#busy.set(w, 0);
    }
  }

  /** Runs `task` on worker `index` (0 ≤ index < size); resolves with its result. */
  run<T>(index: number, task: unknown): Promise<T> {
    if (this.#failed) return Promise.reject(this.#failed);
    const w = this.#workers[index];
    if (!w) return Promise.reject(new RangeError(`WorkerPool.run: no worker ${index} (size ${this.size})`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, worker: w });
      const busy = this.#busy.get(w)!;
      if (busy === 0) w.ref();
      this.#busy.set(w, busy + 1);
      w.postMessage({ id, task });
    });
  }

  /** Ends every worker. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  #release(w: Worker): void {
    const busy = this.#busy.get(w)! - 1;
    this.#busy.set(w, busy);
    if (busy === 0) w.unref();
  }

  #fail(e: Error): void {
    this.#failed ??= e;
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      this.#release(p.worker);
      p.reject(e);
    }
  }
}

/** In a pool worker module: answers each `{ id, task }` with the handler's result or error. */
export function servePool(handler: (task: never) => unknown): void {
  const port = parentPort;
  if (!port) throw new Error("servePool: not in a worker thread");
  port.on("message", async (msg: { id: number; task: unknown }) => {
    try {
      const result = await handler(msg.task as never);
      port.postMessage({ id: msg.id, result });
    } catch (err) {
      port.postMessage({ id: msg.id, error: errorToMessage(err) });
    }
  });
}
