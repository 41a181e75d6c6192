// Starting worker threads on a module of this folder, from the compiled JavaScript or from the
// TypeScript sources (tests, `tsx`): worker threads do not inherit tsx's loader, so there the
// worker registers it before importing the module.
import { Worker } from "node:worker_threads";

/**
 * A worker running the module at `moduleUrl` (pass `import.meta.url`).
 * @param workerData the worker's `workerData`.
 */
export function spawnModuleWorker(moduleUrl: string, workerData: unknown): Worker {
  const url = new URL(moduleUrl);
  if (!url.pathname.endsWith(".ts")) return new Worker(url, { workerData });
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
