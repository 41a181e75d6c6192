// The clustering model of a run (models/cluster.json, docs/RUN-DIRECTORY.md) as computation: the saved
// scaler and PCA applied to new fingerprints, nearest centroids, and Gaussian-mixture scores. Shared by the
// cluster stage (which saves it) and `assign` (which applies it), so both use the same arithmetic.
import { ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { centredCopy } from "../cluster/distances.js";
import { estimateLogProb, precisionCholesky, type Covariance } from "../cluster/gmm-steps.js";
import { getKernels } from "../kernels/index.js";

/** Gaussian-mixture parameters as saved (scikit-learn's weights_, means_, covariances_). */
export interface GmmModel {
  weights: number[];
  /** K×C. */
  means: number[][];
  /** "full": K matrices C×C; "diag": K×C. */
  covariances: number[][][] | number[][];
  covarianceType: Covariance;
  /** 1st percentile of the training events' log-density (the novelty threshold). */
  logDensityThreshold: number;
}

/** The parts of models/cluster.json that map fingerprints into the clustered space. */
export interface FeatureTransformModel {
  scaler: { kind: string; offset?: number[]; factor?: number[] };
  pca: null | { mean: number[]; components: number[][] };
}

/**
 * Applies the saved scaler, x' = (x − offset)·factor, then the saved PCA, (x' − mean)·componentsᵀ, with the
 * same operations as `Scaler.transform` and `Pca.transform`, so training rows map to the same bits.
 * @param x N×F fingerprints
 * @throws ShapeError when F does not match the model
 */
export function toClusteredSpace(model: FeatureTransformModel, x: Matrix): Matrix {
  const [n, f] = x.shape;
  let out: Matrix = x;
  if (model.scaler.kind !== "none") {
    const offset = model.scaler.offset ?? [];
    const factor = model.scaler.factor ?? [];
    if (offset.length !== f || factor.length !== f) throw new ShapeError(`cluster model: scaler has ${offset.length} features, the fingerprints ${f}`);
    const data = new Float64Array(n * f);
    for (let i = 0; i < n; i++) for (let p = 0; p < f; p++) data[i * f + p] = (x.data[i * f + p]! - offset[p]!) * factor[p]!;
    out = { data, shape: [n, f] };
  }
  if (model.pca) {
    const m = model.pca.components.length;
    if (model.pca.mean.length !== f) throw new ShapeError(`cluster model: PCA has ${model.pca.mean.length} features, the fingerprints ${f}`);
    const components = new Float64Array(m * f);
    model.pca.components.forEach((row, c) => components.set(row, c * f));
    const xc = centredCopy(out, Float64Array.from(model.pca.mean));
    const scores = new Float64Array(n * m);
    getKernels().gemmABt(n, m, f, xc.data, components, scores);
    out = { data: scores, shape: [n, m] };
  }
  return out;
}

/** The nearest centroid of each row (0-based; the first on ties) and the distance to it. */
export function nearestCentroids(z: Matrix, centroids: readonly (readonly number[])[]): { labels: Int32Array; distances: Float64Array } {
  const [n, f] = z.shape;
  const k = centroids.length;
  for (const c of centroids) if (c.length !== f) throw new ShapeError(`cluster model: centroids have ${c.length} dimensions, the clustered space ${f}`);
  const labels = new Int32Array(n);
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < k; j++) {
      const c = centroids[j]!;
      let s = 0;
      for (let p = 0; p < f; p++) {
        const d = z.data[i * f + p]! - c[p]!;
        s += d * d;
      }
      if (s < bestD) {
        bestD = s;
        best = j;
      }
    }
    labels[i] = best;
    distances[i] = Math.sqrt(bestD);
  }
  return { labels, distances };
}

/** Distance of each row to the centroid of its given cluster (NaN for label < 0). */
export function distancesToCentroids(z: Matrix, labels: Int32Array, centroids: readonly (readonly number[])[]): Float64Array {
  const [n, f] = z.shape;
  const out = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const c = centroids[labels[i]!];
    if (!c) continue;
    let s = 0;
    for (let p = 0; p < f; p++) s += (z.data[i * f + p]! - c[p]!) ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}

/**
 * Gaussian-mixture scores of rows, as `GaussianMixture`'s E step computes them: the most probable
 * component (its label rule: first maximum of the normalised log responsibilities) and the log-density
 * log Σ_j w_j·N(x | μ_j, Σ_j).
 */
export function gmmScores(gmm: Omit<GmmModel, "logDensityThreshold">, z: Matrix): { labels: Int32Array; logDensity: Float64Array; posteriors: Matrix } {
  const [n, f] = z.shape;
  const k = gmm.weights.length;
  const means = new Float64Array(k * f);
  gmm.means.forEach((row, j) => {
    if (row.length !== f) throw new ShapeError(`cluster model: GMM means have ${row.length} dimensions, the clustered space ${f}`);
    means.set(row, j * f);
  });
  const covariances = new Float64Array(gmm.covarianceType === "full" ? k * f * f : k * f);
  if (gmm.covarianceType === "full") (gmm.covariances as number[][][]).forEach((m, j) => m.forEach((row, r) => covariances.set(row, j * f * f + r * f)));
  else (gmm.covariances as number[][]).forEach((row, j) => covariances.set(row, j * f));
  const precChol = precisionCholesky(covariances, k, f, gmm.covarianceType);
  const logResp = new Float64Array(n * k);
  estimateLogProb(z, means, precChol, k, gmm.covarianceType, logResp);
  const logW = Float64Array.from(gmm.weights, Math.log);
  const labels = new Int32Array(n);
  const logDensity = new Float64Array(n);
  const post = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = logResp[o + j]! + logW[j]!;
      logResp[o + j] = v;
      if (v > max) max = v;
    }
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(logResp[o + j]! - max);
    const l = Math.log(s) + max;
    logDensity[i] = l;
    let arg = 0;
    for (let j = 0; j < k; j++) {
      logResp[o + j]! -= l;
      post[o + j] = Math.exp(logResp[o + j]!);
      if (logResp[o + j]! > logResp[o + arg]!) arg = j;
    }
    labels[i] = arg;
  }
  return { labels, logDensity, posteriors: { data: post, shape: [n, k] } };
}
