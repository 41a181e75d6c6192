// Helper thread of ParallelLocalExecutor: waits on its control slot, runs the local
// repeats of one column chunk per step, and writes R, H1, ln E_H, E_H back to shared memory.
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads";
import { getKernels } from "../../kernels/index.js";
import type { KernelBackend } from "../../kernels/types.js";
import { errorToMessage } from "../workers.node.js";
import { NmfLocalStep } from "./local-step.js";
import { ARG_SLOTS, SLOTS, SPIN_LOADS, type LocalBuffers } from "./parallel-local.node.js";

const { ctrl, args, index, backend, port } = workerData as { ctrl: Int32Array; args: Float64Array; index: number; backend: KernelBackend; port: MessagePort };
const kernels = getKernels(backend);
const base = index * SLOTS;
interface Buffers {
  D: number;
  K0: number;
  capacity: number;
  lnEW: Float64Array;
  eW: Float64Array;
  lnH2: Float64Array;
  local: NmfLocalStep;
  common: Float64Array;
  own: Float64Array;
}
let buffers: Buffers | undefined;
let version = 0;

/** Takes the buffers posted with the step's version (posted before the sequence number was raised). */
function takeBuffers(want: number): boolean {
  while (version !== want) {
    const msg = receiveMessageOnPort(port);
    if (!msg) {
      Atomics.wait(ctrl, base + 3, 0, 1); // the message may lag the sequence number briefly
      continue;
    }
    const m = msg.message as LocalBuffers;
    version++;
    if (m.quit) return false;
    const { D, K0, capacity } = m;
    if (!buffers || buffers.D !== D || buffers.K0 < K0 || buffers.capacity < capacity) {
      const ws = kernels.workspace(2 * D * K0 + K0 + NmfLocalStep.size(D, K0, capacity));
      buffers = { D, K0, capacity, lnEW: ws.take(D * K0), eW: ws.take(D * K0), lnH2: ws.take(K0), local: new NmfLocalStep(ws, D, K0, capacity), common: new Float64Array(m.common), own: new Float64Array(m.own) };
    } else {
      buffers = { ...buffers, common: new Float64Array(m.common), own: new Float64Array(m.own) };
    }
    buffers.capacity = capacity;
  }
  return true;
}

function serve(): void {
  let seen = 0;
  parentPort!.postMessage({ ready: true });
  for (;;) {
    // Spin before sleeping: steps follow each other within ~0.1 ms during a fit (the global
    // update on the calling thread), and a futex wake-up per step would cost as much.
    for (let spin = 0; spin < SPIN_LOADS && Atomics.load(ctrl, base) === seen; spin++);
    // Loop: a late notify of the previous step must not start this step twice.
    while (Atomics.load(ctrl, base) === seen) Atomics.wait(ctrl, base, seen);
    seen = Atomics.load(ctrl, base);
    if (!takeBuffers(ctrl[base + 4]!)) return;
    const b = buffers!;
    const D = b.D;
    const K = ctrl[base + 5]!;
    const M = ctrl[base + 6]!;
    const cap = b.capacity;
    const K0 = b.K0;
    const { common, own } = b;
    b.lnEW.set(common.subarray(0, D * K));
    b.eW.set(common.subarray(D * K, 2 * D * K));
    b.lnH2.set(common.subarray(2 * D * K, 2 * D * K + K));
    b.local.X.set(own.subarray(0, D * M));
    const marked = b.local.run({ D, K, T: args[index * ARG_SLOTS]!, h01: args[index * ARG_SLOTS + 1]!, iterations: ctrl[base + 7]!, lnEW: b.lnEW, eW: b.eW, lnH2: b.lnH2 }, M);
    own.set(b.local.R.subarray(0, D * M), D * cap);
    own.set(b.local.H1.subarray(0, K * M), 2 * D * cap);
    own.set(b.local.lnEH.subarray(0, K * M), 2 * D * cap + K0 * cap);
    own.set(b.local.eH.subarray(0, K * M), 2 * D * cap + 2 * K0 * cap);
    Atomics.store(ctrl, base + 2, marked);
    Atomics.store(ctrl, base + 1, seen);
    Atomics.notify(ctrl, base + 1);
  }
}

try {
  serve();
} catch (err) {
  Atomics.store(ctrl, base + 3, 1);
  Atomics.notify(ctrl, base + 1);
  parentPort!.postMessage({ error: errorToMessage(err) });
}
