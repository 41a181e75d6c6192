// Public, browser-safe API: re-exports only (STYLE.md §1). Node-only parts: src/node.ts.
export * from "./core/index.js";
export { getKernels } from "./kernels/index.js";
export type { KernelBackend, Kernels } from "./kernels/index.js";
export * from "./signal/index.js";
export * from "./model/nmf/index.js";
export * from "./model/hmm/index.js";
export { fingerprint, fingerprintInto } from "./model/fingerprint.js";
export { SCHEDULES, type Schedule } from "./model/schedules.js";
export * from "./cluster/index.js";
export * from "./io/index.js";
export * from "./io/fdsn/index.js";
export * from "./pipeline/demo/index.js";
export * from "./report/index.js";
