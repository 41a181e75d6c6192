// Stage `cluster` (ALGORITHM.md §6): fingerprints → optional scaling and PCA → the chosen method, with K
// chosen over a range by mean silhouette (BIC for gmm); the clustering model in models/cluster.json
// (docs/RUN-DIRECTORY.md) and catalog.csv with each event's cluster, silhouette and centroid distance.
import { writeFileSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Matrix } from "../../core/matrix.js";
import { clusterFeatures, type ClusterOutcome, type ClusterRequest } from "../../cluster/cluster-features.js";
import { linkage, LINKAGE_METHODS, type LinkageMethod } from "../../cluster/linkage.js";
import { gaussianMixture } from "../../cluster/gmm.js";
import { Pca } from "../../cluster/pca.js";
import { Scaler } from "../../cluster/scalers.js";
import { silhouetteSamples } from "../../cluster/silhouette.js";
import { gmmScores, type GmmModel } from "../cluster-model.js";
import type { SpecufexConfig } from "../config.js";
import { writeCsv } from "../outputs.js";
import type { StageContext, StageDefinition, StageInfo } from "../stage.js";
import type { ProjectStore } from "../store.js";

/** What models/cluster.json holds (docs/RUN-DIRECTORY.md); `assign` reads it. */
export interface ClusterModelFile {
  version: 1;
  method: string;
  /** The cluster settings that produced it (method parameters: K range, nInit, maxIter, seed, eps, minSamples, covariance, …). */
  parameters?: SpecufexConfig["cluster"];
  k: number;
  scaler: { kind: string; offset?: number[]; factor?: number[] };
  pca: null | { mean: number[]; components: number[][]; explainedVarianceRatio: number[] };
  centroids: number[][];
  thresholds: number[];
  sweep: { k: number; meanSilhouette: number; sse?: number; bic?: number }[] | null;
  alternatives: { name: string; labels: number[] }[];
  /** SciPy-style linkage matrix (rows a, b, height, size) when a hierarchical method ran (main or alternative). */
  linkage: { method: string; Z: number[][] } | null;
  /** Event ids in the order of `labels` (the clustered events). */
  eventIds: string[];
  labels: number[];
  /** Gaussian-mixture parameters and the novelty threshold (method gmm). */
  gmm?: GmmModel | null;
  /** With cluster.consensus: the seeds whose runs voted (labels are the consensus; see stability.json). */
  consensus?: { seeds: number[]; method: string; baseMethod: string } | null;
}

/** The cluster stage's clustering of a fingerprint table: scaling, PCA, then the configured method. */
export interface FingerprintClustering {
  scaler: Scaler;
  pca: Pca | undefined;
  /** The clustered space (after scaling and PCA), one row per event. */
  Z: Matrix;
  outcome: ClusterOutcome;
}

/**
 * Clusters fingerprints (N×S², the usable events) as the cluster stage does; `stability` reruns it per seed.
 * @throws as clusterFeatures
 */
export function clusterFingerprints(X: Matrix, c: SpecufexConfig["cluster"]): FingerprintClustering {
  const scaler = new Scaler({ kind: c.scaler }).fit(X);
  const scaled = scaler.transform(X);
  const pca = c.pcaPve !== null ? new Pca({ pve: c.pcaPve }).fit(scaled) : undefined;
  const Z = pca ? pca.transform(scaled) : scaled;
  const n = X.shape[0];
  const maxK = Math.max(2, Math.min(c.kRange[1], n - 1));
  const request: ClusterRequest = {
    method: c.method,
    ...(c.method === "dbscan" ? {} : c.k !== null ? { k: c.k } : { kRange: [Math.min(c.kRange[0], maxK), maxK] as const }),
    ...(c.method === "kmeans" ? { nInit: c.nInit, maxIter: c.maxIter } : {}),
    ...(c.method === "dbscan" ? { eps: c.eps, minSamples: c.minSamples } : {}),
    ...(c.method === "gmm" ? { covariance: c.covariance } : {}),
    seed: c.seed,
  };
  return { scaler, pca, Z, outcome: clusterFeatures(Z, request) };
}

export const clusterStage: StageDefinition = {
  name: "cluster",
  settings: (c: SpecufexConfig) => ({ cluster: c.cluster }),
  async run(ctx: StageContext): Promise<StageInfo> {
    const c = ctx.config.cluster;
    const store = ctx.store;
    const fp = store.readTable("fingerprints");
    const status = store.readStatus();
    const ids = store.eventIds();
    const F = fp.shape[1];
    const rows: number[] = [];
    for (let i = 0; i < fp.shape[0]; i++) if (status[i] === 0 && !Number.isNaN(fp.data[i * F]!)) rows.push(i);
    const X: Matrix = { data: new Float64Array(rows.length * F), shape: [rows.length, F] };
    rows.forEach((i, r) => X.data.set(fp.data.subarray(i * F, (i + 1) * F), r * F));

    const base = clusterFingerprints(X, c);
    const { scaler, pca, Z } = base;
    let outcome = base.outcome;
    let consistency: Float64Array | undefined;
    let consensus: ClusterModelFile["consensus"] = null;
    let stabilityInfo: Record<string, unknown> | undefined;
    const stabilityPath = join(ctx.runDir, "stability.json");
    if (c.consensus !== null) {
      // Loaded lazily: stability reruns the fit stages, which import this file.
      const { consensusForStage } = await import("../stability-run.js");
      const r = await consensusForStage(ctx, { rows, X, base });
      consensus = { seeds: r.seeds, method: r.method, baseMethod: c.method };
      stabilityInfo = r.summary;
      consistency = new Float64Array(ids.length).fill(NaN);
      rows.forEach((i, j) => (consistency![i] = r.consistency[j]!));
      const { centroidDistances: _unused, ...rest } = outcome;
      outcome = { ...rest, labels: r.labels, k: r.k, measureName: "silhouette", measure: silhouettesOf(Z, r.labels) };
    } else {
      rmSync(stabilityPath, { force: true }); // describes an earlier clustering
    }
    const silhouettes = outcome.measureName === "silhouette" ? (outcome.measure as Float64Array) : silhouettesOf(Z, outcome.labels);
    const { centroids, distances, thresholds } = centroidStatistics(Z, outcome.labels, outcome.k);
    const gmm = c.method === "gmm" && !consensus ? gmmModel(Z, outcome, c) : null;
    const alternatives = c.alternatives
      .filter((m) => m !== c.method && c.method !== "dbscan")
      .map((m) => ({ name: m, labels: Array.from(clusterFeatures(Z, { method: m, k: outcome.k, ...(m === "kmeans" ? { nInit: c.nInit, maxIter: c.maxIter } : {}), ...(m === "gmm" ? { covariance: c.covariance } : {}), seed: c.seed }).labels, (l) => l + 1) }));

    const hierarchical = [c.method as string, ...c.alternatives].find((m) => (LINKAGE_METHODS as readonly string[]).includes(m)) as LinkageMethod | undefined;
    const Zlink = hierarchical ? linkage(Z, hierarchical) : undefined;

    const n = ids.length;
    const cluster = new Float64Array(n);
    const silhouette = new Float64Array(n).fill(NaN);
    const centroidDistance = new Float64Array(n).fill(NaN);
    rows.forEach((i, r) => {
      cluster[i] = outcome.labels[r]! + 1; // 1-based; DBSCAN noise (−1) → 0
      silhouette[i] = silhouettes[r]!;
      centroidDistance[i] = distances[r]!;
    });
    store.writeVector("cluster", cluster);
    store.writeVector("silhouette", silhouette);
    store.writeVector("centroid_distance", centroidDistance);

    const model: ClusterModelFile = {
      version: 1,
      method: consensus ? "consensus" : c.method,
      parameters: c,
      k: outcome.k,
      scaler: c.scaler === "none" ? { kind: "none" } : { kind: c.scaler, offset: Array.from(scaler.fitted.offset), factor: Array.from(scaler.fitted.factor) },
      pca: pca ? { mean: Array.from(pca.fitted.mean), components: rowsOf(pca.fitted.components), explainedVarianceRatio: Array.from(pca.fitted.explainedVarianceRatio) } : null,
      centroids,
      thresholds,
      sweep: outcome.sweep ?? null,
      alternatives,
      linkage: hierarchical && Zlink ? { method: hierarchical, Z: rowsOf(Zlink) } : null,
      eventIds: rows.map((i) => ids[i]!),
      labels: Array.from(outcome.labels, (l) => l + 1),
      gmm,
      consensus,
    };
    mkdirSync(join(ctx.runDir, "models"), { recursive: true });
    writeJsonAtomic(join(ctx.runDir, "models", "cluster.json"), model);
    if (consistency) store.writeVector("consistency", consistency);
    writeCatalog(ctx, cluster, silhouette, centroidDistance, consistency);
    const clustered = silhouettes.filter((s) => Number.isFinite(s));
    const meanSilhouette = clustered.length ? clustered.reduce((a, b) => a + b, 0) / clustered.length : NaN;
    ctx.log(`${outcome.k} clusters (${model.method}), mean silhouette ${meanSilhouette.toFixed(3)}`);
    return { k: outcome.k, method: model.method, meanSilhouette, ...(stabilityInfo ? { stability: stabilityInfo } : {}), clustered: rows.length, ...(outcome.pcaComponents ? { pcaComponents: outcome.pcaComponents } : pca ? { pcaComponents: pca.fitted.nComponents } : {}) };
  },
};

/**
 * The Gaussian mixture the cluster stage chose, refitted with the identical call (same data, K and seed →
 * the same parameters and labels), with the 1st percentile of the training log-densities for novelty.
 */
function gmmModel(Z: Matrix, outcome: ClusterOutcome, c: SpecufexConfig["cluster"]): GmmModel {
  const g = gaussianMixture(Z, { k: outcome.k, covariance: c.covariance, seed: c.seed });
  const covariances = Array.isArray(g.covariances) ? g.covariances.map(rowsOf) : rowsOf(g.covariances);
  const model = { weights: Array.from(g.weights), means: rowsOf(g.means), covariances, covarianceType: c.covariance };
  const { logDensity } = gmmScores(model, Z);
  return { ...model, logDensityThreshold: percentile(Array.from(logDensity), 1) };
}

function silhouettesOf(Z: Matrix, labels: Int32Array): Float64Array {
  const distinct = new Set(Array.from(labels).filter((l) => l >= 0));
  if (distinct.size < 2) return new Float64Array(labels.length).fill(NaN);
  const s = silhouetteSamples(Z, labels);
  labels.forEach((l, i) => {
    if (l < 0) s[i] = NaN;
  });
  return s;
}

/** Cluster centroids in the clustered space, each event's distance to its own, and per-cluster 99th percentiles. */
export function centroidStatistics(Z: Matrix, labels: Int32Array, k: number): { centroids: number[][]; distances: Float64Array; thresholds: number[] } {
  const [n, F] = Z.shape;
  const sums = new Float64Array(k * F);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < 0) continue;
    counts[l]!++;
    for (let f = 0; f < F; f++) sums[l * F + f]! += Z.data[i * F + f]!;
  }
  const centroids = Array.from({ length: k }, (_, l) => Array.from(sums.subarray(l * F, (l + 1) * F), (v) => (counts[l]! > 0 ? v / counts[l]! : 0)));
  const distances = new Float64Array(n).fill(NaN);
  const perCluster: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < 0) continue;
    let s = 0;
    for (let f = 0; f < F; f++) s += (Z.data[i * F + f]! - centroids[l]![f]!) ** 2;
    distances[i] = Math.sqrt(s);
    perCluster[l]!.push(distances[i]!);
  }
  const thresholds = perCluster.map((d) => percentile(d, 99));
  return { centroids, distances, thresholds };
}

/** numpy's default (linear) percentile. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (q / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

function rowsOf(m: Matrix): number[][] {
  return Array.from({ length: m.shape[0] }, (_, i) => Array.from(m.data.subarray(i * m.shape[1], (i + 1) * m.shape[1])));
}

function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 1) + "\n");
  renameSync(tmp, path);
}

/**
 * catalog.csv: event_ID, otime, lat, lon, depth, mag, cluster, silhouette, centroid_distance, [consistency,]
 * then extra columns. `consistency` (per event, from a stability analysis) is written when given.
 */
export function writeCatalog(
  ctx: { readonly store: ProjectStore; readonly runDir: string },
  cluster: Float64Array,
  silhouette: Float64Array,
  centroidDistance: Float64Array,
  consistency?: Float64Array,
): void {
  const events = ctx.store.readEvents();
  const extraText = Object.keys(events.text).filter((k) => k !== "otime");
  const extraNumeric = Object.keys(events.numeric).filter((k) => !["lat", "lon", "depth", "mag"].includes(k));
  const header = ["event_ID", "otime", "lat", "lon", "depth", "mag", "cluster", "silhouette", "centroid_distance", ...(consistency ? ["consistency"] : []), ...extraNumeric, ...extraText];
  const num = (name: string, i: number): number => events.numeric[name]?.[i] ?? NaN;
  const rows = events.eventIds.map((id, i) => [
    id,
    events.text.otime?.[i] ?? "",
    num("lat", i),
    num("lon", i),
    num("depth", i),
    num("mag", i),
    cluster[i],
    silhouette[i],
    centroidDistance[i],
    ...(consistency ? [consistency[i]] : []),
    ...extraNumeric.map((k) => num(k, i)),
    ...extraText.map((k) => events.text[k]![i] ?? ""),
  ]);
  writeCsv(join(ctx.runDir, "catalog.csv"), header, rows);
}

export type { ClusterOutcome };
