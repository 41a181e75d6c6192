// One call from a feature matrix to cluster labels, as the `cluster` command and the pipeline's
// cluster stage run it: optional scaling and PCA, then k-means, a linkage method, DBSCAN or a
// Gaussian mixture, with a fixed K or K chosen over a range (mean silhouette; BIC for gmm).
import { OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { chooseK } from "./choose-k.js";
import { dbscan } from "./dbscan.js";
import { centredCopy, distanceMatrix, rowSquaredNorms } from "./distances.js";
import { fclusterMaxclust } from "./fcluster.js";
import { gaussianMixture, type Covariance, type GaussianMixtureFitted } from "./gmm.js";
import { kmeans } from "./kmeans.js";
import { linkage } from "./linkage.js";
import { Pca } from "./pca.js";
import { Scaler, type ScalerKind } from "./scalers.js";
import { encodeLabels, mean, silhouetteFromDistances, silhouetteSamples } from "./silhouette.js";
import { checkFinite } from "./validate.js";

export type ClusterMethod = "kmeans" | "ward" | "single" | "complete" | "average" | "dbscan" | "gmm";
export const CLUSTER_METHODS: readonly ClusterMethod[] = ["kmeans", "ward", "single", "complete", "average", "dbscan", "gmm"];

export interface ClusterRequest {
  method: ClusterMethod;
  /** A fixed number of clusters (not for dbscan). */
  k?: number;
  /** Inclusive K range to choose from (default [3, 19] when k is not given; not for dbscan). */
  kRange?: readonly [number, number];
  /** k-means restarts (default 10). */
  nInit?: number;
  /** k-means iterations (default 500, the tutorial's). */
  maxIter?: number;
  eps?: number;
  minSamples?: number;
  covariance?: Covariance;
  scaler?: ScalerKind;
  /** Keep the fewest principal components explaining more than this proportion of variance. */
  pcaPve?: number;
  seed?: number;
}

/** One K of a sweep. */
export interface ClusterSweepEntry {
  k: number;
  meanSilhouette: number;
  /** k-means inertia, or the within-cluster sum of squares of a linkage cut. */
  sse?: number;
  /** gmm only. */
  bic?: number;
}

export interface ClusterOutcome {
  method: ClusterMethod;
  /** 0-based labels, −1 for DBSCAN noise. */
  labels: Int32Array;
  /** Number of clusters found or chosen. */
  k: number;
  /** The per-event measure: silhouette (kmeans, linkages), probability (gmm), kind (dbscan). */
  measureName: "silhouette" | "probability" | "kind";
  measure: Float64Array | string[];
  /** Per K when a range was searched; the chosen K is `k`. */
  sweep?: ClusterSweepEntry[];
  /** k-means: distance of each event to its centroid. */
  centroidDistances?: Float64Array;
  /** Principal components kept, when pcaPve was given. */
  pcaComponents?: number;
  /** The matrix that was clustered (after scaling and PCA). */
  features: Matrix;
}

/**
 * Clusters the rows of x as requested.
 * @throws OptionError (inconsistent options, K or the K range not fitting the number of rows), DataError (non-finite entry).
 * @example
 * const r = clusterFeatures(x, { method: "kmeans", kRange: [3, 19], nInit: 10, seed: 42 });
 * r.k; r.sweep; r.labels;
 */
export function clusterFeatures(x: Matrix, request: ClusterRequest): ClusterOutcome {
  const { method } = request;
  if (!CLUSTER_METHODS.includes(method)) throw new OptionError(`clusterFeatures: method must be one of ${CLUSTER_METHODS.join(", ")}, got ${JSON.stringify(method)}`, { field: "method" });
  checkFinite("clusterFeatures", x);
  const n = x.shape[0];
  let features = request.scaler && request.scaler !== "none" ? new Scaler({ kind: request.scaler }).fitTransform(x) : x;
  let pcaComponents: number | undefined;
  if (request.pcaPve !== undefined) {
    const p = new Pca({ pve: request.pcaPve });
    features = p.fitTransform(features);
    pcaComponents = p.fitted.nComponents;
  }
  const seed = request.seed ?? 0;
  if (method === "dbscan") {
    if (request.k !== undefined || request.kRange !== undefined) throw new OptionError(`clusterFeatures: dbscan takes eps and minSamples, not k or kRange`, { field: "k" });
    if (request.eps === undefined) throw new OptionError(`clusterFeatures: dbscan needs eps`, { field: "eps" });
    const r = dbscan(features, { eps: request.eps, minSamples: request.minSamples ?? 5 });
    const names = ["noise", "border", "core"];
    return { method, labels: r.labels, k: r.nClusters, measureName: "kind", measure: Array.from(r.kind, (v) => names[v]!), features, ...(pcaComponents !== undefined && { pcaComponents }) };
  }
  if (request.eps !== undefined || request.minSamples !== undefined) throw new OptionError(`clusterFeatures: eps and minSamples apply to dbscan only, not ${method}`, { field: "eps" });
  if (request.k !== undefined && request.kRange !== undefined) throw new OptionError(`clusterFeatures: give k or kRange, not both`, { field: "kRange" });
  const [kMin, kMax] = request.k !== undefined ? [request.k, request.k] : (request.kRange ?? [3, 19]);
  if (!Number.isInteger(kMin) || !Number.isInteger(kMax) || kMin < 1 || kMin > kMax) {
    throw new OptionError(`clusterFeatures: K range ${kMin}:${kMax} must be integers with 1 ≤ min ≤ max`, { field: "kRange" });
  }
  const sweeping = kMin !== kMax;
  const needRows = sweeping || method !== "gmm" ? kMax + 1 : kMax;
  if (n < needRows) {
    throw new OptionError(`clusterFeatures: ${sweeping ? `K range ${kMin}:${kMax}` : `K = ${kMax}`} needs at least ${needRows} rows (events), got ${n}`, { field: sweeping ? "kRange" : "k" });
  }
  if (sweeping && kMin < 2) throw new OptionError(`clusterFeatures: a K range must start at 2 or more (silhouettes need two clusters), got ${kMin}`, { field: "kRange" });
  const base = { method, features, ...(pcaComponents !== undefined && { pcaComponents }) };

  if (method === "kmeans") {
    const nInit = request.nInit ?? 10;
    const maxIter = request.maxIter ?? 500;
    if (!sweeping && kMin === 1) {
      const r = kmeans(features, 1, { nInit, maxIter, seed });
      return { ...base, labels: r.labels, k: 1, measureName: "silhouette", measure: new Float64Array(n), centroidDistances: r.distances };
    }
    const r = chooseK(features, { kMin, kMax, nInit, maxIter, seed });
    const sweep = sweeping ? r.entries.map((e) => ({ k: e.k, meanSilhouette: e.meanSilhouette, sse: e.sse })) : undefined;
    return { ...base, labels: r.best.labels, k: r.bestK, measureName: "silhouette", measure: r.silhouettes, centroidDistances: r.best.distances, ...(sweep && { sweep }) };
  }

  const sil = silhouetteProvider(features);
  if (method === "gmm") {
    let best: { g: GaussianMixtureFitted; k: number } | undefined;
    const sweep: ClusterSweepEntry[] = [];
    for (let k = kMin; k <= kMax; k++) {
      const g = gaussianMixture(features, { k, covariance: request.covariance ?? "full", seed, ...(request.nInit !== undefined && { nInit: request.nInit }) });
      if (sweeping) sweep.push({ k, bic: g.bic, meanSilhouette: mean(sil(g.labels)) });
      if (!best || g.bic < best.g.bic) best = { g, k };
    }
    const { g, k } = best!;
    const probability = new Float64Array(n);
    for (let i = 0; i < n; i++) probability[i] = g.posteriors.data[i * k + g.labels[i]!]!;
    return { ...base, labels: g.labels, k, measureName: "probability", measure: probability, ...(sweeping && { sweep }) };
  }

  // linkage methods: one tree, cut at every K
  const Z = linkage(features, method);
  let best: { labels: Int32Array; s: Float64Array; k: number; m: number } | undefined;
  const sweep: ClusterSweepEntry[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const labels = fclusterMaxclust(Z, k);
    const s = sil(labels);
    const m = mean(s);
    if (sweeping) sweep.push({ k, meanSilhouette: m, sse: withinSumOfSquares(features, labels) });
    if (!best || m > best.m) best = { labels, s, k, m };
  }
  return { ...base, labels: best!.labels, k: best!.k, measureName: "silhouette", measure: best!.s, ...(sweeping && { sweep }) };
}

/** Silhouettes for many labelings of the same rows: one shared distance matrix when it fits (n ≤ 4096). */
function silhouetteProvider(x: Matrix): (labels: Int32Array) => Float64Array {
  const n = x.shape[0];
  let d: Float64Array | undefined;
  return (labels) => {
    const enc = encodeLabels(labels);
    if (enc.nLabels < 2 || enc.nLabels > n - 1) return new Float64Array(n);
    if (n > 4096) return silhouetteSamples(x, labels);
    if (!d) {
      const c = centredCopy(x);
      d = distanceMatrix({ x: c.data, norms: rowSquaredNorms(c), n, f: x.shape[1] });
    }
    return silhouetteFromDistances(d, n, enc);
  };
}

/** Σ over clusters of squared distances to the cluster mean (noise −1 excluded). */
function withinSumOfSquares(x: Matrix, labels: Int32Array): number {
  const [n, f] = x.shape;
  const enc = encodeLabels(labels);
  const sums = new Float64Array(enc.nLabels * f);
  for (let i = 0; i < n; i++) for (let p = 0; p < f; p++) sums[enc.codes[i]! * f + p]! += x.data[i * f + p]!;
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i]! < 0) continue;
    const c = enc.codes[i]!;
    for (let p = 0; p < f; p++) {
      const d = x.data[i * f + p]! - sums[c * f + p]! / enc.counts[c]!;
      total += d * d;
    }
  }
  return total;
}
