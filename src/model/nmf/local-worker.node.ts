// Helper thread of ParallelLocalExecutor: waits on its control slot, runs the local
// repeats of one column chunk per step, and writes R, H1, ln E_H, E_H back to shared memory.
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads";
import { getKernels } from "../../kernels/index.js";
import type { KernelBackend } from "../../kernels/types.js";
import { errorToMessage } from "../workers.node.js";
import { NmfLocalStep } from "./local-step.js";
import type { LocalCommand } from "./parallel-local.node.js";

const SLOTS = 4;
const { ctrl, index, backend, port } = workerData as { ctrl: Int32Array; index: number; backend: KernelBackend; port: MessagePort };
const kernels = getKernels(backend);
let buffers: { D: number; K0: number; capacity: number; lnEW: Float64Array; eW: Float64Array; lnH2: Float64Array; local: NmfLocalStep } | undefined;

function serve(): void {
  let seen = 0;
  parentPort!.postMessage({ ready: true });
  for (;;) {
    Atomics.wait(ctrl, index * SLOTS, seen);
    seen = Atomics.load(ctrl, index * SLOTS);
    // The command was posted before the sequence number was raised; poll briefly should it lag.
    let msg = receiveMessageOnPort(port);
    while (!msg) {
      Atomics.wait(ctrl, index * SLOTS + 3, 0, 1);
      msg = receiveMessageOnPort(port);
    }
    const cmd = msg.message as LocalCommand;
    if (cmd.quit) return;
    const { D, K0, K, M, capacity } = cmd;
    if (!buffers || buffers.D !== D || buffers.K0 < K0 || buffers.capacity < capacity) {
      const ws = kernels.workspace(2 * D * K0 + K0 + NmfLocalStep.size(D, K0, capacity));
      buffers = { D, K0, capacity, lnEW: ws.take(D * K0), eW: ws.take(D * K0), lnH2: ws.take(K0), local: new NmfLocalStep(ws, D, K0, capacity) };
    }
    const b = buffers;
    const common = new Float64Array(cmd.common);
    b.lnEW.set(common.subarray(0, D * K));
    b.eW.set(common.subarray(D * K, 2 * D * K));
    b.lnH2.set(common.subarray(2 * D * K, 2 * D * K + K));
    const own = new Float64Array(cmd.own);
    b.local.X.set(own.subarray(0, D * M));
    const marked = b.local.run({ D, K, T: cmd.T, h01: cmd.h01, iterations: cmd.iterations, lnEW: b.lnEW, eW: b.eW, lnH2: b.lnH2 }, M);
    const cap = cmd.capacity;
    own.set(b.local.R.subarray(0, D * M), D * cap);
    own.set(b.local.H1.subarray(0, K * M), 2 * D * cap);
    own.set(b.local.lnEH.subarray(0, K * M), 2 * D * cap + K0 * cap);
    own.set(b.local.eH.subarray(0, K * M), 2 * D * cap + 2 * K0 * cap);
    Atomics.store(ctrl, index * SLOTS + 2, marked);
    Atomics.store(ctrl, index * SLOTS + 1, seen);
    Atomics.notify(ctrl, index * SLOTS + 1);
  }
}

try {
  serve();
} catch (err) {
  Atomics.store(ctrl, index * SLOTS + 3, 1);
  Atomics.notify(ctrl, index * SLOTS + 1);
  parentPort!.postMessage({ error: errorToMessage(err) });
}
