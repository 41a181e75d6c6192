// HMM benchmark (BENCH.md): fit 1000 steps and transform + fingerprints of 1000
// sequences, cases A (15 states, K = 14, M = 62, Neff 1000) and B (6 states,
// K = 22, M = 51, Neff 46000), specufex-python schedule (paisley2018 timed too),
// with 1 and 2 threads, beside the Python package's figures.
//
// Activations: the NMF's transform of the bench spectrograms (bench/engine-data.ts),
// with an NMF of exactly K patterns (K0 = K, a short paisley2018 fit).
import type { Matrix } from "../src/core/matrix.js";
import { BayesianNmf } from "../src/model/nmf/index.js";
import { BayesianHmm } from "../src/model/hmm/index.js";
import { transformMany } from "../src/model/hmm/transform-many.node.js";
import { fitAsync } from "../src/model/hmm/fit-async.node.js";
import { ENGINE_CASES, engineData, type EngineCase } from "./engine-data.js";

/** The Python package's seconds (BENCH.md): HMM fit 1000 steps, transform + fingerprints of 1000. */
const PYTHON = { A: { fit: 16.4, transform: 15.8 }, B: { fit: 12.3, transform: 11.9 } } as const;

/** Activations K×M of the case's 1000 spectrograms, with the NMF's gain. */
export function hmmBenchActivations(which: EngineCase): { V: Matrix[]; gain: Float64Array; K: number } {
  const c = ENGINE_CASES[which];
  const { spectrograms } = engineData(which);
  const nmf = new BayesianNmf({ numPatterns: c.targetK, schedule: "paisley2018", seed: 1 }).fit(spectrograms, { steps: 100 });
  const V = spectrograms.map((x) => nmf.transform(x));
  return { V, gain: nmf.fitted.gain, K: nmf.fitted.K };
}

async function seconds<T>(fn: () => T | Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, (performance.now() - t) / 1000];
}

function row(label: string, s: number, python: number): string {
  return `${label.padEnd(44)} ${s.toFixed(3).padStart(8)} s   ${(python / s).toFixed(1).padStart(6)}× faster than Python (${python} s)`;
}

export async function bench(print: (line: string) => void): Promise<void> {
  for (const which of ["A", "B"] as const) {
    const c = ENGINE_CASES[which];
    const [{ V, gain, K }, prep] = await seconds(() => hmmBenchActivations(which));
    print(`HMM case ${which}: ${V.length} sequences K = ${K} (target ${c.targetK}) × M = ${V[0]!.shape[1]}, ${c.numStates} states, Neff ${c.hmmNeff} (activations from the NMF in ${prep.toFixed(1)} s)`);
    const opts = { numStates: c.numStates, gain, nEff: c.hmmNeff, seed: 1 } as const;
    const [hmm, fit1] = await seconds(() => new BayesianHmm({ ...opts, schedule: "specufex-python" }).fit(V, { steps: 1000 }));
    print(row(`  fit 1000 steps (specufex-python), 1 thread`, fit1, PYTHON[which].fit));
    const [, fitW] = await seconds(() => fitAsync(new BayesianHmm({ ...opts, schedule: "specufex-python" }), V, { steps: 1000 }));
    print(row(`  fit 1000 steps, fitAsync (incl. worker start)`, fitW, PYTHON[which].fit));
    const [, fitP] = await seconds(() => new BayesianHmm({ ...opts, nEff: V.length, schedule: "paisley2018" }).fit(V, { steps: 1000 }));
    print(`  fit 1000 steps (paisley2018, minibatches, Ns = N), 1 thread      ${fitP.toFixed(3).padStart(8)} s`);
    const [, tr1] = await seconds(() => V.map((v, i) => hmm.transform(v, i)));
    print(row(`  transform + fingerprints of 1000, 1 thread`, tr1, PYTHON[which].transform));
    await transformMany(hmm, V.slice(0, 4), { threads: 2 }); // start the pool's workers (kept for the process)
    const [, tr2] = await seconds(() => transformMany(hmm, V, { threads: 2 }));
    print(row(`  transform + fingerprints of 1000, 2 threads`, tr2, PYTHON[which].transform));
  }
}
