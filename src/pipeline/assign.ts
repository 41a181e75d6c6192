// New events into a fitted project (`specufex assign`), nothing refitted: the project's ingest and spectrogram
// settings, its saved NMF and HMM (transforms), its saved scaler and PCA, then each event's cluster — k-means,
// linkage methods, DBSCAN and consensus labels by the nearest centroid in the clustered space, Gaussian
// mixtures by the highest posterior — and a novelty flag: the distance to the assigned centroid exceeds that
// cluster's 99th percentile of training distances (Gaussian mixture: the log-density is below the training
// 1st percentile). Events with bad data are rejected with their reasons.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { DataError, FormatError, OptionError, SpecufexError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { checkSequence } from "../model/hmm/local-pass.js";
import { transformMany as hmmTransformMany } from "../model/hmm/transform-many.node.js";
import { checkSpectrogram } from "../model/nmf/validate.js";
import { transformMany as nmfTransformMany } from "../model/nmf/transform-many.node.js";
import type { BayesianHmm } from "../model/hmm/bayesian-hmm.js";
import type { BayesianNmf } from "../model/nmf/bayesian-nmf.js";
import { loadHmm, loadNmf } from "../model/persist.node.js";
import { projectSettings, readNewEvents } from "./assign-input.js";
import type { SpecufexConfig } from "./config.js";
import { distancesToCentroids, gmmScores, nearestCentroids, toClusteredSpace } from "./cluster-model.js";
import { csvField } from "./outputs.js";
import { STORE_FILE } from "./run.js";
import type { ClusterModelFile } from "./stages/cluster.js";
import type { EventTable, Rejection } from "./store.js";

/** Each row's cluster under a saved clustering model. */
export interface Assignment {
  /** 0-based cluster (−1: none). */
  readonly labels: Int32Array;
  /** Distance to the assigned cluster's centroid in the clustered space. */
  readonly distances: Float64Array;
  /** 1 when the event lies outside everything the cluster was trained on (see the file header). */
  readonly novel: Uint8Array;
  /** Gaussian mixture only: log Σ w·N(x). */
  readonly logDensity?: Float64Array;
}

/**
 * Assigns fingerprints to the clusters of a saved model (models/cluster.json).
 * @param fingerprints N×S² (flattened S×S fingerprints, as the store's `fingerprints`)
 * @throws ShapeError when the fingerprints do not fit the model; FormatError for a model without centroids
 * @example
 * const a = assignFingerprints(JSON.parse(readFileSync("run/models/cluster.json", "utf8")), fingerprints);
 */
export function assignFingerprints(model: ClusterModelFile, fingerprints: Matrix): Assignment {
  if (!Array.isArray(model.centroids) || model.centroids.length === 0) throw new FormatError(`cluster model: no centroids (method ${model.method})`);
  const Z = toClusteredSpace(model, fingerprints);
  const n = Z.shape[0];
  const novel = new Uint8Array(n);
  if (model.method === "gmm" && model.gmm) {
    const s = gmmScores(model.gmm, Z);
    const distances = distancesToCentroids(Z, s.labels, model.centroids);
    for (let i = 0; i < n; i++) novel[i] = s.logDensity[i]! < model.gmm.logDensityThreshold ? 1 : 0;
    return { labels: s.labels, distances, novel, logDensity: s.logDensity };
  }
  // Clusters without members (possible only in odd cases) have no centroid to be near.
  const usable = model.centroids.map((c, j) => (Number.isFinite(model.thresholds[j]!) ? c : c.map(() => Infinity)));
  const { labels, distances } = nearestCentroids(Z, usable);
  for (let i = 0; i < n; i++) novel[i] = distances[i]! > model.thresholds[labels[i]!]! ? 1 : 0;
  return { labels, distances, novel };
}

/** Reads models/cluster.json of a run directory. @throws FormatError when missing or invalid */
export function readClusterModel(runDir: string): ClusterModelFile {
  const path = join(runDir, "models", "cluster.json");
  if (!existsSync(path)) throw new FormatError(`${path}: no clustering model (run the pipeline through the cluster stage first)`, { file: path });
  try {
    return JSON.parse(readFileSync(path, "utf8")) as ClusterModelFile;
  } catch (err) {
    throw new FormatError(`${path}: not valid JSON (${(err as Error).message})`, { file: path, cause: err });
  }
}

export interface AssignOptions {
  /** The fitted project's run directory (specufex.h5, models/). */
  project: string;
  /**
   * The new events: an HDF5 waveform set (tutorial or specufex_processing layout), spectrograms (a project
   * store or a results file of the Python tools), or waveform files/folders (with `catalog`).
   */
  input: string | readonly string[];
  /** Catalogue for waveform files (required with them); joined on event_ID otherwise. */
  catalog?: string;
  /** Worker threads for the transforms (default: all cores). */
  threads?: number;
  log?(line: string): void;
}

/** One new event. */
export interface AssignedEvent {
  readonly eventId: string;
  /** 1-based cluster; 0 when the event was rejected. */
  readonly cluster: number;
  readonly distance: number;
  /** undefined for a rejected event. */
  readonly novel?: boolean;
  readonly logDensity?: number;
}

export interface AssignResult {
  readonly method: string;
  readonly k: number;
  readonly events: AssignedEvent[];
  readonly rejected: Rejection[];
  /** Catalogue columns of the events (joined by position with `events`). */
  readonly catalog: EventTable;
  readonly warnings: string[];
  readonly seconds: { readonly input: number; readonly spectrograms: number; readonly nmfTransform: number; readonly hmmTransform: number; readonly assignment: number; readonly total: number };
}

/** The settings and models of a fitted project that `assign` needs, loaded once. */
export interface FittedProjectParts {
  readonly runDir: string;
  /** The project's data, preprocessing and spectrogram settings (from its stage records). */
  readonly config: SpecufexConfig;
  readonly rateHz: number;
  readonly nmf: BayesianNmf;
  readonly hmm: BayesianHmm;
  readonly model: ClusterModelFile;
}

/**
 * A fitted project opened for assigning new events: its settings, saved NMF, HMM and clustering model are read
 * once, so a monitoring loop calls `assign` for each new batch without reading them again.
 * @example
 * const project = await FittedProject.open("demo-run");
 * const r = await project.assign({ input: "new-events.h5" });
 */
export class FittedProject implements FittedProjectParts {
  readonly runDir: string;
  readonly config: SpecufexConfig;
  readonly rateHz: number;
  readonly nmf: BayesianNmf;
  readonly hmm: BayesianHmm;
  readonly model: ClusterModelFile;

  private constructor(parts: FittedProjectParts) {
    this.runDir = parts.runDir;
    this.config = parts.config;
    this.rateHz = parts.rateHz;
    this.nmf = parts.nmf;
    this.hmm = parts.hmm;
    this.model = parts.model;
  }

  /**
   * Reads a run directory's settings and models.
   * @throws OptionError for a directory that is not a fitted project; FormatError for unreadable models
   */
  static async open(project: string): Promise<FittedProject> {
    const runDir = resolve(project);
    const storePath = join(runDir, STORE_FILE);
    if (!existsSync(storePath)) throw new OptionError(`--project ${runDir}: no project store ${STORE_FILE} (a run directory of \`specufex run\`)`, { file: storePath });
    for (const m of ["nmf.h5", "hmm.h5", "cluster.json"]) {
      if (!existsSync(join(runDir, "models", m))) throw new OptionError(`--project ${runDir}: models/${m} is missing (run the pipeline through the cluster stage first)`, { file: join(runDir, "models", m) });
    }
    const { config, rateHz } = await projectSettings(storePath, runDir);
    const model = readClusterModel(runDir);
    const [nmf, hmm] = await Promise.all([loadNmf(join(runDir, "models", "nmf.h5")), loadHmm(join(runDir, "models", "hmm.h5"))]);
    return new FittedProject({ runDir, config, rateHz, nmf, hmm, model });
  }

  /**
   * Assigns new events (nothing is refitted); `seconds.total` counts from this call.
   * @throws OptionError for bad inputs; FormatError for unreadable files; ShapeError when the spectrograms do
   *   not have the project's frequency rows
   */
  async assign(options: Omit<AssignOptions, "project">): Promise<AssignResult> {
    return assignWith(this, options, performance.now());
  }
}

/**
 * Assigns new events to the clusters of a fitted project (nothing is refitted). Opens the project on every
 * call; `FittedProject` keeps it open for repeated assignments.
 * @throws OptionError for a project that is not fitted or bad inputs; FormatError for unreadable files;
 *   ShapeError when the spectrograms do not have the project's frequency rows
 * @example
 * const r = await assignEvents({ project: "demo-run", input: "new-events.h5" });
 * writeAssignedCsv("assigned.csv", r);
 */
export async function assignEvents(options: AssignOptions): Promise<AssignResult> {
  const t0 = performance.now();
  return assignWith(await FittedProject.open(options.project), options, t0);
}

async function assignWith(project: FittedProjectParts, options: Omit<AssignOptions, "project">, t0: number): Promise<AssignResult> {
  const log = options.log ?? (() => {});
  const { config, rateHz, nmf, hmm, model } = project;
  const events = await readNewEvents(config, rateHz, options.input, options.catalog, log);

  // Checks per event, so that one bad event is rejected instead of stopping the rest.
  const { D, K } = nmf.fitted;
  const ok: number[] = [];
  const xs: Matrix[] = [];
  events.spectrograms.forEach((x, i) => {
    if (!x) return;
    const id = events.eventIds[i]!;
    try {
      checkSpectrogram("assign", x, D, i, id);
      if (x.shape[1] < 2) throw new DataError(`assign: spectrogram of event "${id}" has ${x.shape[1]} time step, expected at least 2`, { event: id });
      ok.push(i);
      xs.push(x);
    } catch (err) {
      if (!(err instanceof SpecufexError)) throw err;
      events.rejected.push({ index: i, eventId: id, stage: "spectrograms", reason: err.message });
    }
  });
  const threads = options.threads ?? availableParallelism();
  const t1 = performance.now();
  const activations = xs.length ? await nmfTransformMany(nmf, xs, { threads }) : [];
  const t2 = performance.now();
  for (const V of activations) checkSequence(V, K, "assign", 0);
  const results = activations.length ? await hmmTransformMany(hmm, activations, { threads, ids: ok.map((i) => events.eventIds[i]!) }) : [];
  const t3 = performance.now();
  const S = hmm.fitted.EB.shape[0];
  const X: Matrix = { data: new Float64Array(results.length * S * S), shape: [results.length, S * S] };
  results.forEach((r, j) => X.data.set(r.fingerprint.data, j * S * S));
  const a = assignFingerprints(model, X);
  const n = events.eventIds.length;
  const out: AssignedEvent[] = events.eventIds.map((eventId) => ({ eventId, cluster: 0, distance: NaN }));
  ok.forEach((i, j) => {
    out[i] = {
      eventId: events.eventIds[i]!,
      cluster: a.labels[j]! + 1,
      distance: a.distances[j]!,
      novel: a.novel[j] === 1,
      ...(a.logDensity ? { logDensity: a.logDensity[j]! } : {}),
    };
  });
  const t4 = performance.now();
  const novel = out.filter((e) => e.novel).length;
  log(`${ok.length} of ${n} events assigned (${model.method}, K = ${model.k}), ${novel} novel, ${events.rejected.length} rejected`);
  return {
    method: model.method,
    k: model.k,
    events: out,
    rejected: events.rejected.sort((p, q) => p.index - q.index),
    catalog: events.catalog,
    warnings: events.warnings,
    seconds: {
      input: events.readSeconds,
      spectrograms: events.spectrogramSeconds,
      nmfTransform: (t2 - t1) / 1000,
      hmmTransform: (t3 - t2) / 1000,
      assignment: (t4 - t3) / 1000,
      total: (t4 - t0) / 1000,
    },
  };
}

/** assigned.csv: event_ID, cluster, distance, novel (+ log_density for a Gaussian mixture), then the catalogue columns. */
export function writeAssignedCsv(path: string, result: AssignResult): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, assignedCsv(result));
  renameSync(tmp, path);
}

/** The text of assigned.csv. */
export function assignedCsv(result: AssignResult): string {
  const { catalog } = result;
  const numeric = Object.keys(catalog.numeric);
  const text = Object.keys(catalog.text);
  const gmm = result.events.some((e) => e.logDensity !== undefined);
  const firstNumeric = ["lat", "lon", "depth", "mag"].filter((c) => numeric.includes(c));
  const extraNumeric = numeric.filter((c) => !firstNumeric.includes(c));
  const extraText = text.filter((c) => c !== "otime");
  const header = ["event_ID", "cluster", "distance", "novel", ...(gmm ? ["log_density"] : []), ...(text.includes("otime") ? ["otime"] : []), ...firstNumeric, ...extraNumeric, ...extraText];
  const rows = result.events.map((e, i) => [
    e.eventId,
    e.cluster,
    e.distance,
    e.novel === undefined ? "" : e.novel ? 1 : 0,
    ...(gmm ? [e.logDensity ?? NaN] : []),
    ...(text.includes("otime") ? [catalog.text.otime![i] ?? ""] : []),
    ...firstNumeric.map((c) => catalog.numeric[c]![i]),
    ...extraNumeric.map((c) => catalog.numeric[c]![i]),
    ...extraText.map((c) => catalog.text[c]![i] ?? ""),
  ]);
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\n") + "\n";
}
