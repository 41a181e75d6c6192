// Stability and assign benchmark (issue 15): on the 1000-event demo (its own settings), one run of the
// seed-dependent stages (NMF fit → transforms → HMM fit → transforms → clustering) against `stability` with
// 5 seeds on the same spectrograms (target ≤ 5× the one run), and `assign` of 1000 new events into the fitted
// project: spectrograms + transforms + assignment (target ≤ 1 s). Wall and CPU time (process.cpuUsage counts
// the worker threads too) are printed in one process, so the ratios hold on a shared machine.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { Matrix } from "../src/core/matrix.js";
import { assignFingerprints, FittedProject, type AssignResult } from "../src/pipeline/assign.js";
import { readNewEvents } from "../src/pipeline/assign-input.js";
import { prepareDemo, writeDemoWaveformSet } from "../src/pipeline/demo-run.js";
import { generateDemo } from "../src/pipeline/demo/generate.js";
import { runPipeline, STORE_FILE } from "../src/pipeline/run.js";
import { stabilityOfSpectrograms } from "../src/pipeline/stability.js";
import { readSpectrograms } from "../src/pipeline/stability-run.js";
import { ProjectStore } from "../src/pipeline/store.js";

const EVENTS = 1000;
const SEEDS = 5;

interface Timed<T> {
  value: T;
  wall: number;
  cpu: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { value, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

const f2 = (v: number): string => v.toFixed(2).padStart(7);

export async function bench(print: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "specufex-bench-stability-"));
  try {
    const setup = await prepareDemo(dir, { events: EVENTS, seed: 42 });
    const config = { ...setup.config, report: { ...setup.config.report, enabled: false } };
    const pipe = await timed(() => runPipeline(config, { baseDir: dir }));
    print(`demo ${EVENTS} events (seed 42, NMF ${config.nmf.steps} + HMM ${config.hmm.steps} steps, ${config.cluster.method} K ${config.cluster.kRange.join("–")}): pipeline ${pipe.wall.toFixed(1)} s wall, ${availableParallelism()} threads`);
    const store = await ProjectStore.open(join(dir, STORE_FILE), "r");
    const { spectrograms, eventIds } = readSpectrograms(store);
    store.close();

    // One run, as `stability` runs each seed (spectrograms in memory, fits in a worker, transforms on all threads).
    const one = await timed(() => stabilityOfSpectrograms(spectrograms, eventIds, config, { seeds: 1, bootstrap: 0 }));
    const r = one.value.runs[0]!.seconds;
    print(`one run: ${f2(one.wall)} s wall ${f2(one.cpu)} s CPU (NMF fit ${r.nmfFit.toFixed(1)}, transform ${r.nmfTransform.toFixed(1)}; HMM fit ${r.hmmFit.toFixed(1)}, transform ${r.hmmTransform.toFixed(1)}; clustering ${r.cluster.toFixed(1)})`);
    const many = await timed(() => stabilityOfSpectrograms(spectrograms, eventIds, config, { seeds: SEEDS, bootstrap: config.stability.bootstrap }));
    const mean = many.value.comparison.meanAri;
    print(
      `stability ${SEEDS} seeds (all refitted, bootstrap ${config.stability.bootstrap}): ${f2(many.wall)} s wall ${f2(many.cpu)} s CPU → ` +
        `${(many.wall / one.wall).toFixed(2)}× one run's wall (target ≤ ${SEEDS}×: ${many.wall <= SEEDS * one.wall ? "met" : "MISSED"}), ` +
        `${(many.cpu / one.cpu).toFixed(2)}× its CPU; mean pairwise ARI ${mean.toFixed(3)}`,
    );

    // assign: 1000 new events (the generator with another seed) into the fitted project.
    const ds = generateDemo({ events: EVENTS, seed: 7 });
    const input = join(dir, "new.h5");
    await writeDemoWaveformSet(input, ds);
    const project = await FittedProject.open(dir);
    await project.assign({ input }); // warm-up: worker pools and module loading
    let best: { wall: number; cpu: number; s: AssignResult["seconds"]; n: number } | undefined;
    for (let rep = 0; rep < 3; rep++) {
      const a = await timed(() => project.assign({ input }));
      if (!best || a.wall < best.wall) best = { wall: a.wall, cpu: a.cpu, s: a.value.seconds, n: a.value.events.filter((e) => e.cluster > 0).length };
    }
    const s = best!.s;
    const core = s.spectrograms + s.nmfTransform + s.hmmTransform + s.assignment;
    print(
      `assign ${best!.n} events, project open (best of 3, ${availableParallelism()} threads): spectrograms ${s.spectrograms.toFixed(3)} + NMF transform ${s.nmfTransform.toFixed(3)} + HMM transform ${s.hmmTransform.toFixed(3)} + assignment ${s.assignment.toFixed(3)} = ` +
        `${core.toFixed(3)} s wall (target ≤ 1 s: ${core <= 1 ? "met" : "MISSED"}); with reading the input ${s.total.toFixed(3)} s wall, ${best!.cpu.toFixed(2)} s CPU`,
    );
    // The same work on one thread, CPU per phase (steady on a shared machine).
    const { nmf, hmm, model, config: pc, rateHz } = project;
    const ev = await timed(() => readNewEvents(pc, rateHz, input, undefined, () => {}));
    const xs = ev.value.spectrograms.filter((x): x is Matrix => x !== null);
    const V = await timed(async () => xs.map((x) => nmf.transform(x)));
    const fp = await timed(async () => {
      const S = hmm.fitted.EB.shape[0];
      const X: Matrix = { data: new Float64Array(xs.length * S * S), shape: [xs.length, S * S] };
      V.value.forEach((v, i) => X.data.set(hmm.transform(v, i).fingerprint.data, i * S * S));
      return X;
    });
    const as = await timed(async () => assignFingerprints(model, fp.value));
    const cpuCore = ev.cpu + V.cpu + fp.cpu + as.cpu;
    print(
      `  one thread, CPU: input + preprocessing + spectrograms ${ev.cpu.toFixed(3)} + NMF transform ${V.cpu.toFixed(3)} + HMM transform ${fp.cpu.toFixed(3)} + assignment ${as.cpu.toFixed(3)} = ${cpuCore.toFixed(3)} s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
