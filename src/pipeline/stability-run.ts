// Stability on a run directory (`specufex stability`, `cluster.consensus`): the project's spectrograms, the
// pipeline's own fits reused as run 0 when current, and the results written back — stability.json, the
// per-event consistency (store and catalog.csv) and a `stability` entry in summary.json.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DataError, OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import type { SpecufexConfig } from "./config.js";
import type { ConsensusMethod } from "./consensus.js";
import { runDirectory, STORE_FILE } from "./run.js";
import { stabilityOfSpectrograms, type BaseRun, type StabilityOptions, type StabilityResult } from "./stability.js";
import type { StageContext } from "./stage.js";
import { clusterFingerprints, writeCatalog, type FingerprintClustering } from "./stages/cluster.js";
import { STAGE_DEFINITIONS } from "./stages/index.js";
import { ProjectStore, settingsHash } from "./store.js";

/** The usable events' spectrograms of a store, in memory, with their ids and event indices. */
export function readSpectrograms(store: ProjectStore): { spectrograms: Matrix[]; eventIds: string[]; indices: Int32Array } {
  const src = store.spectrogramSource();
  const spectrograms: Matrix[] = [];
  const eventIds: string[] = [];
  for (let i = 0; i < src.count; i++) {
    spectrograms.push(src.get(i));
    eventIds.push(src.id!(i));
  }
  return { spectrograms, eventIds, indices: src.indices };
}

/** stability.json: the runs, the comparison and the consensus (labels 1-based, 0 = none). */
export function stabilityJson(result: StabilityResult, config: SpecufexConfig): unknown {
  const c = result.comparison;
  const r4 = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null);
  return {
    version: 1,
    seeds: result.runs.map((r) => r.seeds.nmf),
    settings: {
      nmf: { schedule: config.nmf.schedule, steps: config.nmf.steps, nEff: config.nmf.nEff, numPatterns: config.nmf.numPatterns, tolerance: config.nmf.tolerance },
      hmm: { schedule: config.hmm.schedule, steps: config.hmm.steps, nEff: config.hmm.nEff, numStates: config.hmm.numStates, tolerance: config.hmm.tolerance },
      cluster: { method: config.cluster.method, k: config.cluster.k, kRange: config.cluster.kRange },
    },
    events: result.eventIds.length,
    eventIds: result.eventIds,
    runs: result.runs.map((r, i) => ({
      offset: r.offset,
      seeds: r.seeds,
      k: r.k,
      meanSilhouette: r4(r.meanSilhouette),
      patternsLeft: r.patternsLeft,
      nmfSteps: r.nmfSteps,
      hmmSteps: r.hmmSteps,
      reused: r.reused,
      seconds: r.seconds,
      ariToConsensus: r4(c.ariToConsensus[i]!),
      clusterStability: c.runStability[i]!.map(r4),
      labels: Array.from(r.labels, (l) => l + 1),
    })),
    ari: c.ari.map((row) => row.map(r4)),
    meanAri: r4(c.meanAri),
    trivialRuns: c.trivialRuns,
    kCounts: result.kCounts,
    consensus: {
      method: c.method,
      k: c.k,
      labels: Array.from(c.labels, (l) => l + 1),
      confidence: Array.from(c.confidence, r4),
    },
    consistency: Array.from(c.consistency, r4),
    clusters: c.clusters.map((k) => ({ cluster: k.cluster + 1, size: k.size, stability: r4(k.stability), consistency: r4(k.consistency) })),
    kCurve: result.kCurve?.map((p) => ({ k: p.k, agreement: r4(p.agreement), sd: r4(p.sd), pairs: p.pairs })) ?? null,
    stableK: result.stableK,
    seconds: Math.round(result.seconds * 100) / 100,
  };
}

function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value) + "\n");
  renameSync(tmp, path);
}

/** True when the stage is complete with the settings `config` gives it now. */
function isCurrent(store: ProjectStore, config: SpecufexConfig, name: string): boolean {
  const def = STAGE_DEFINITIONS.find((d) => d.name === name)!;
  const rec = store.stage(name);
  return rec?.isComplete === true && rec.hash === settingsHash(def.settings(config));
}

/** The pipeline's own run (offset 0) from the store, when its fits are done with these settings and cover these events. */
function baseFromStore(store: ProjectStore, config: SpecufexConfig, indices: Int32Array): BaseRun | undefined {
  if (!["nmf-fit", "nmf-transform", "hmm-fit", "hmm-transform"].every((s) => isCurrent(store, config, s))) return undefined;
  const fp = store.readTable("fingerprints");
  const F = fp.shape[1];
  const X: Matrix = { data: new Float64Array(indices.length * F), shape: [indices.length, F] };
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r]!;
    if (Number.isNaN(fp.data[i * F]!)) return undefined;
    X.data.set(fp.data.subarray(i * F, (i + 1) * F), r * F);
  }
  const info = (name: string): Record<string, unknown> => (store.stage(name)?.info ?? {}) as Record<string, unknown>;
  return {
    clustering: clusterFingerprints(X, { ...config.cluster, consensus: null }),
    patternsLeft: Number(info("nmf-fit").patternsLeft ?? NaN),
    nmfSteps: Number(info("nmf-fit").steps ?? config.nmf.steps),
    hmmSteps: Number(info("hmm-fit").steps ?? config.hmm.steps),
  };
}

export interface RunStabilityOptions extends Omit<StabilityOptions, "seeds" | "bootstrap" | "consensus" | "maxCoassociationEvents"> {
  /** Relative paths of the config are resolved against this. */
  baseDir?: string;
  /** Overrides of the config's `stability` section. */
  seeds?: number;
  bootstrap?: number;
  consensus?: ConsensusMethod;
}

/**
 * `specufex stability`: the analysis on a run directory whose spectrograms stage is done. Reuses the pipeline's
 * own fits as seed offset 0 when they are current; writes stability.json, the per-event consistency
 * (`results/consistency`, and a `consistency` column in catalog.csv when the cluster stage is done) and a
 * `stability` entry in summary.json.
 * @throws OptionError when the spectrograms are missing or not current; StabilityInterrupted on abort
 */
export async function runStability(config: SpecufexConfig, options: RunStabilityOptions = {}): Promise<{ result: StabilityResult; path: string }> {
  const runDir = runDirectory(config, resolve(options.baseDir ?? process.cwd()));
  const storePath = join(runDir, STORE_FILE);
  if (!existsSync(storePath)) throw new OptionError(`${runDir}: no project store (run \`specufex run\` first, at least up to the spectrograms stage)`, { file: storePath });
  const store = await ProjectStore.open(storePath, "a");
  try {
    for (const s of ["ingest", "spectrograms"]) {
      if (!isCurrent(store, config, s)) throw new OptionError(`${runDir}: the ${s} stage is not done with the current settings (run \`specufex run\` first)`, { file: storePath });
    }
    const { spectrograms, eventIds, indices } = readSpectrograms(store);
    const base = baseFromStore(store, config, indices);
    const st = config.stability;
    const result = await stabilityOfSpectrograms(spectrograms, eventIds, config, {
      ...options,
      seeds: options.seeds ?? st.seeds,
      bootstrap: options.bootstrap ?? st.bootstrap,
      consensus: options.consensus ?? st.consensus,
      maxCoassociationEvents: st.maxCoassociationEvents,
    }, base);
    const path = join(runDir, "stability.json");
    writeJsonAtomic(path, stabilityJson(result, config));
    const n = store.eventCount;
    const consistency = new Float64Array(n).fill(NaN);
    indices.forEach((i, r) => (consistency[i] = result.comparison.consistency[r]!));
    store.writeVector("consistency", consistency);
    if (isCurrent(store, config, "cluster") && store.hasVector("cluster")) {
      writeCatalog({ store, runDir }, store.readVector("cluster"), store.readVector("silhouette"), store.readVector("centroid_distance"), consistency);
    }
    updateSummary(join(runDir, "summary.json"), result);
    return { result, path };
  } finally {
    store.close();
  }
}

/** The stability entry of summary.json. */
export function stabilitySummary(result: StabilityResult): Record<string, unknown> {
  const c = result.comparison;
  return {
    seeds: result.runs.map((r) => r.seeds.nmf),
    meanAri: c.meanAri,
    kCounts: result.kCounts,
    consensusK: c.k,
    consensusMethod: c.method,
    clusters: c.clusters.map((k) => ({ cluster: k.cluster + 1, size: k.size, stability: k.stability })),
    stableK: result.stableK,
    seconds: result.seconds,
  };
}

function updateSummary(path: string, result: StabilityResult): void {
  let summary: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      summary = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    } catch {
      summary = {};
    }
  }
  summary.stability = stabilitySummary(result);
  writeFileSync(path, JSON.stringify(summary, null, 2) + "\n");
}

/**
 * `cluster.consensus`: inside the cluster stage, the stage's own clustering is run 0; runs 1 … N−1 are fitted
 * here; stability.json is written and the consensus returned (per clustered row) as the stage's answer.
 */
export async function consensusForStage(
  ctx: StageContext,
  stage: { rows: readonly number[]; X: Matrix; base: FingerprintClustering },
): Promise<{ labels: Int32Array; k: number; consistency: Float64Array; seeds: number[]; method: string; summary: Record<string, unknown> }> {
  const { config } = ctx;
  const spec = config.cluster.consensus!;
  const { spectrograms, eventIds, indices } = readSpectrograms(ctx.store);
  if (indices.length !== stage.rows.length || indices.some((i, r) => i !== stage.rows[r])) {
    throw new DataError(`cluster: the events with spectrograms and with fingerprints differ (${indices.length} vs ${stage.rows.length}); redo the pipeline from nmf-fit`);
  }
  const info = (name: string): Record<string, unknown> => (ctx.store.stage(name)?.info ?? {}) as Record<string, unknown>;
  const result = await stabilityOfSpectrograms(
    spectrograms,
    eventIds,
    config,
    {
      seeds: spec.seeds,
      threads: ctx.threads,
      bootstrap: config.stability.bootstrap,
      consensus: spec.method,
      maxCoassociationEvents: config.stability.maxCoassociationEvents,
      signal: ctx.signal,
      log: ctx.log,
      onProgress: (p) => ctx.progress({ stage: "cluster", done: p.done, total: p.total, detail: p.detail }),
    },
    {
      clustering: stage.base,
      patternsLeft: Number(info("nmf-fit").patternsLeft ?? NaN),
      nmfSteps: Number(info("nmf-fit").steps ?? config.nmf.steps),
      hmmSteps: Number(info("hmm-fit").steps ?? config.hmm.steps),
    },
  );
  writeJsonAtomic(join(ctx.runDir, "stability.json"), stabilityJson(result, config));
  const c = result.comparison;
  return { labels: c.labels, k: c.k, consistency: c.consistency, seeds: result.runs.map((r) => r.seeds.nmf), method: c.method, summary: stabilitySummary(result) };
}
