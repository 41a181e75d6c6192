// Stability across seeds (`specufex stability`, `cluster.consensus`): the seed-dependent stages (NMF fit →
// transforms → HMM fit → transforms → clustering) rerun with N seeds on the project's spectrograms, several
// seeds at a time (each fit in its own worker), then compared (consensus.ts): pairwise ARI, per-cluster
// stability, per-event consistency, the chosen K of each run, consensus labels, and a bootstrap stability
// curve over K. stability-run.ts reads a run directory and writes stability.json (docs/RUN-DIRECTORY.md).
import { availableParallelism } from "node:os";
import { DataError, OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { BayesianHmm } from "../model/hmm/bayesian-hmm.js";
import { fitAsync as hmmFitAsync } from "../model/hmm/fit-async.node.js";
import { transformMany as hmmTransformMany } from "../model/hmm/transform-many.node.js";
import { BayesianNmf } from "../model/nmf/bayesian-nmf.js";
import { fitAsync as nmfFitAsync } from "../model/nmf/fit-async.node.js";
import { transformMany as nmfTransformMany } from "../model/nmf/transform-many.node.js";
import { bootstrapCurve, type KCurvePoint } from "./bootstrap-k.js";
import type { SpecufexConfig } from "./config.js";
import { compareRuns, type ConsensusMethod, type RunComparison } from "./consensus.js";
import { clusterFingerprints, type FingerprintClustering } from "./stages/cluster.js";

/** One run of the seed-dependent stages. */
export interface SeedRun {
  /** Added to nmf.seed, hmm.seed and cluster.seed. */
  readonly offset: number;
  readonly seeds: { readonly nmf: number; readonly hmm: number; readonly cluster: number };
  readonly k: number;
  /** 0-based cluster of each event (−1 = DBSCAN noise), in `StabilityResult.eventIds` order. */
  readonly labels: Int32Array;
  readonly meanSilhouette: number;
  readonly patternsLeft: number;
  readonly nmfSteps: number;
  readonly hmmSteps: number;
  /** True when the run is the pipeline's own (seed offset 0, read from the store), not refitted. */
  readonly reused: boolean;
  readonly seconds: { readonly nmfFit: number; readonly nmfTransform: number; readonly hmmFit: number; readonly hmmTransform: number; readonly cluster: number; readonly total: number };
}

export interface StabilityResult {
  readonly eventIds: readonly string[];
  readonly runs: readonly SeedRun[];
  readonly comparison: RunComparison;
  /** How many runs chose each K. */
  readonly kCounts: Readonly<Record<string, number>>;
  /** Bootstrap agreement per K on the first run's clustered space (null: no bootstrap, or DBSCAN). */
  readonly kCurve: readonly KCurvePoint[] | null;
  /** K with the highest bootstrap agreement (null without a curve). */
  readonly stableK: number | null;
  /** Wall time of the whole analysis. */
  readonly seconds: number;
}

/** Progress of a stability analysis: fit steps of all runs. */
export interface StabilityProgress {
  readonly done: number;
  readonly total: number;
  readonly detail: string;
}

export interface StabilityOptions {
  /** Number of runs N ≥ 1 (seed offsets 0 … N−1). */
  seeds: number;
  /** Worker threads for the transforms and runs at a time (default: all cores). */
  threads?: number;
  /** Runs fitted at the same time (default: threads). */
  parallel?: number;
  /** Bootstrap resamples per K for the stability curve (default 10; 0 = none). */
  bootstrap?: number;
  consensus?: ConsensusMethod;
  maxCoassociationEvents?: number;
  signal?: AbortSignal;
  onProgress?(p: StabilityProgress): void;
  log?(line: string): void;
}

/** The run with seed offset 0 when it is already done: its clustering of the same events. */
export interface BaseRun {
  readonly clustering: FingerprintClustering;
  readonly patternsLeft: number;
  readonly nmfSteps: number;
  readonly hmmSteps: number;
}

/** Thrown when the analysis was stopped through its AbortSignal. */
export class StabilityInterrupted extends Error {
  constructor() {
    super("stability: interrupted (nothing written)");
    this.name = "StabilityInterrupted";
  }
}

function withOffset(config: SpecufexConfig, offset: number): SpecufexConfig {
  return {
    ...config,
    nmf: { ...config.nmf, seed: config.nmf.seed + offset },
    hmm: { ...config.hmm, seed: config.hmm.seed + offset },
    cluster: { ...config.cluster, seed: config.cluster.seed + offset, consensus: null },
  };
}

function meanFinite(v: Float64Array | string[]): number {
  if (!(v instanceof Float64Array)) return NaN;
  let s = 0;
  let n = 0;
  for (const x of v) if (Number.isFinite(x)) (s += x), n++;
  return n ? s / n : NaN;
}

/** NMF fit → transforms → HMM fit → transforms → clustering with the config's seeds (plus nothing else). */
async function runSeed(
  spectrograms: readonly Matrix[],
  config: SpecufexConfig,
  offset: number,
  threads: number,
  signal: AbortSignal | undefined,
  onStep: () => void,
): Promise<{ run: SeedRun; clustering: FingerprintClustering }> {
  const c = withOffset(config, offset);
  const t0 = performance.now();
  const nmf = new BayesianNmf({
    numPatterns: c.nmf.numPatterns,
    schedule: c.nmf.schedule,
    seed: c.nmf.seed,
    ...(c.nmf.nEff !== null ? { nEff: c.nmf.nEff } : {}),
    ...(c.nmf.tolerance !== null ? { tolerance: c.nmf.tolerance, patience: c.nmf.patience } : {}),
  });
  const nf = await nmfFitAsync(nmf, spectrograms, { steps: c.nmf.steps, ...(signal ? { signal } : {}), onProgress: onStep });
  if (nf.stopped) throw new StabilityInterrupted();
  const t1 = performance.now();
  const activations = await nmfTransformMany(nf.model, spectrograms, { threads });
  const t2 = performance.now();
  const hmm = new BayesianHmm({
    numStates: c.hmm.numStates,
    gain: nf.model.fitted.gain,
    schedule: c.hmm.schedule,
    seed: c.hmm.seed,
    ...(c.hmm.nEff !== null ? { nEff: c.hmm.nEff } : {}),
    ...(c.hmm.tolerance !== null ? { tolerance: c.hmm.tolerance, patience: c.hmm.patience } : {}),
  });
  const hf = await hmmFitAsync(hmm, activations, { steps: c.hmm.steps, ...(signal ? { signal } : {}), onProgress: onStep });
  if (hf.stopped) throw new StabilityInterrupted();
  const t3 = performance.now();
  const results = await hmmTransformMany(hf.model, activations, { threads });
  const S = c.hmm.numStates;
  const X: Matrix = { data: new Float64Array(results.length * S * S), shape: [results.length, S * S] };
  results.forEach((r, i) => X.data.set(r.fingerprint.data, i * S * S));
  const t4 = performance.now();
  const clustering = clusterFingerprints(X, c.cluster);
  const t5 = performance.now();
  const s = (a: number, b: number): number => (b - a) / 1000;
  return {
    clustering,
    run: {
      offset,
      seeds: { nmf: c.nmf.seed, hmm: c.hmm.seed, cluster: c.cluster.seed },
      k: clustering.outcome.k,
      labels: clustering.outcome.labels,
      meanSilhouette: meanFinite(clustering.outcome.measureName === "silhouette" ? clustering.outcome.measure : []),
      patternsLeft: nf.model.fitted.K,
      nmfSteps: nf.step,
      hmmSteps: hf.stepsDone,
      reused: false,
      seconds: { nmfFit: s(t0, t1), nmfTransform: s(t1, t2), hmmFit: s(t2, t3), hmmTransform: s(t3, t4), cluster: s(t4, t5), total: s(t0, t5) },
    },
  };
}

/**
 * Runs the seed-dependent stages with seed offsets 0 … N−1 on the given spectrograms (offset 0 taken from
 * `base` when given), `parallel` runs at a time, and compares them.
 * @param spectrograms the usable events' spectrograms (D×M each), in `eventIds` order
 * @throws OptionError for bad options; StabilityInterrupted when the signal aborts; errors of the fits
 * @example
 * const r = await stabilityOfSpectrograms(xs, ids, config, { seeds: 5 });
 * r.comparison.meanAri; r.comparison.labels;
 */
export async function stabilityOfSpectrograms(
  spectrograms: readonly Matrix[],
  eventIds: readonly string[],
  config: SpecufexConfig,
  options: StabilityOptions,
  base?: BaseRun,
): Promise<StabilityResult> {
  const started = performance.now();
  const N = options.seeds;
  if (!Number.isInteger(N) || N < 1) throw new OptionError(`stability: seeds must be an integer ≥ 1, got ${N}`, { field: "seeds" });
  if (spectrograms.length !== eventIds.length) throw new OptionError(`stability: ${spectrograms.length} spectrograms for ${eventIds.length} event ids`);
  if (spectrograms.length < 3) throw new DataError(`stability: ${spectrograms.length} usable events (expected at least 3)`);
  const threads = options.threads ?? availableParallelism();
  const parallel = Math.max(1, Math.min(options.parallel ?? threads, N));
  const log = options.log ?? (() => {});
  const runs: SeedRun[] = new Array(N);
  let first: FingerprintClustering | undefined;
  const todo: number[] = [];
  if (base) {
    if (base.clustering.outcome.labels.length !== eventIds.length) throw new OptionError(`stability: the base run clustered ${base.clustering.outcome.labels.length} events, expected ${eventIds.length}`);
    first = base.clustering;
    const o = base.clustering.outcome;
    const zero = { nmfFit: 0, nmfTransform: 0, hmmFit: 0, hmmTransform: 0, cluster: 0, total: 0 };
    runs[0] = {
      offset: 0,
      seeds: { nmf: config.nmf.seed, hmm: config.hmm.seed, cluster: config.cluster.seed },
      k: o.k,
      labels: o.labels,
      meanSilhouette: meanFinite(o.measureName === "silhouette" ? o.measure : []),
      patternsLeft: base.patternsLeft,
      nmfSteps: base.nmfSteps,
      hmmSteps: base.hmmSteps,
      reused: true,
      seconds: zero,
    };
    for (let i = 1; i < N; i++) todo.push(i);
  } else {
    for (let i = 0; i < N; i++) todo.push(i);
  }
  const total = todo.length * (config.nmf.steps + config.hmm.steps);
  let done = 0;
  const onStep = (): void => {
    done++;
    if (done % 10 === 0 || done === total) options.onProgress?.({ done, total, detail: `${todo.length} runs, ${parallel} at a time` });
  };
  const B = options.bootstrap ?? 10;
  let kCurve: KCurvePoint[] | null | undefined;
  // The curve needs run 0's clustered space only; a lane left without runs computes it while the others fit.
  const curve = (): void => {
    if (kCurve !== undefined || !first) return;
    kCurve = B > 0 && config.cluster.method !== "dbscan" ? bootstrapCurve(first.Z, config.cluster, B) : null;
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      if (options.signal?.aborted) throw new StabilityInterrupted();
      const offset = todo[next++]!;
      const r = await runSeed(spectrograms, config, offset, threads, options.signal, onStep);
      runs[offset] = r.run;
      if (offset === 0) first = r.clustering;
      log(`seed +${offset}: K = ${r.run.k}, ${r.run.patternsLeft} patterns, ${r.run.seconds.total.toFixed(1)} s`);
    }
    if (!options.signal?.aborted) curve();
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  curve();
  const comparison = compareRuns(
    runs.map((r) => r.labels),
    { ...(options.consensus ? { method: options.consensus } : {}), ...(options.maxCoassociationEvents ? { maxCoassociationEvents: options.maxCoassociationEvents } : {}) },
  );
  const kCounts: Record<string, number> = {};
  for (const r of runs) kCounts[String(r.k)] = (kCounts[String(r.k)] ?? 0) + 1;
  let stableK: number | null = null;
  if (kCurve?.length) stableK = kCurve.reduce((a, b) => (b.agreement > a.agreement ? b : a)).k;
  log(`mean pairwise ARI ${comparison.meanAri.toFixed(3)} over ${N} runs; consensus K = ${comparison.k} (${comparison.method})`);
  if (comparison.trivialRuns.length) log(`${comparison.trivialRuns.length} of ${N} runs put every event in one cluster (no structure found); their agreement counts as 0`);
  return { eventIds, runs, comparison, kCounts, kCurve: kCurve ?? null, stableK, seconds: (performance.now() - started) / 1000 };
}
