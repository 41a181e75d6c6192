// K-means as the tutorial runs it (scikit-learn's KMeans, lloyd): greedy k-means++ or given
// centres, n_init restarts keeping the lowest inertia, ALGORITHM.md §6's stopping rule.
import { NotFittedError, OptionError, ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { custom, int, num, resolveOptions } from "../core/options.js";
import { Rng } from "../core/rng.js";
import { centredCopy, columnMeans, rowSquaredNorms, squaredDistance } from "./distances.js";
import { DataRowDistances, MatrixRowDistances, PlusPlusWorkspace, kmeansPlusPlus, type RowDistances } from "./kmeans-init.js";
import { LloydWorkspace, lloydRun, type LloydRun } from "./lloyd.js";
import { rowSpace, sparseRowSpace, type RowSpace } from "./row-space.js";
import { mostlyZero } from "./sparse-rows.js";
import { checkFinite, checkRows } from "./validate.js";

export interface KMeansOptions {
  /** Number of clusters K (default 8). */
  nClusters?: number;
  /** "k-means++" (default) or the K×F initial centres (then nInit is 1). */
  init?: "k-means++" | Matrix;
  /** Restarts with different k-means++ draws; the lowest inertia wins (default 10). */
  nInit?: number;
  /** Lloyd iterations per restart (default 300). */
  maxIter?: number;
  /** Relative tolerance: tol · mean feature variance bounds Σ‖Δc‖² (default 1e-4). */
  tol?: number;
  /** Seed of the run's Rng (default 0). */
  seed?: number;
}

export interface KMeansOptionsResolved {
  nClusters: number;
  init: "k-means++" | Matrix;
  nInit: number;
  maxIter: number;
  tol: number;
  seed: number;
}

export interface KMeansFitted {
  /** Cluster of each row, 0-based. */
  labels: Int32Array;
  /** K×F centres. */
  centers: Matrix;
  /** Σ squared distance of each row to its centre (the SSE). */
  inertia: number;
  /** Lloyd iterations of the kept restart. */
  nIter: number;
  /** Distance of each row to its own centre. */
  distances: Float64Array;
}

const isMatrix = (v: unknown): v is Matrix =>
  typeof v === "object" && v !== null && (v as Matrix).data instanceof Float64Array && Array.isArray((v as Matrix).shape);

const KMEANS_RULES = {
  nClusters: int({ min: 1 }, 8),
  init: custom<"k-means++" | Matrix>('"k-means++" or a K×F Matrix', (v) => v === "k-means++" || isMatrix(v), "k-means++"),
  nInit: int({ min: 1 }, 10),
  maxIter: int({ min: 1 }, 300),
  tol: num({ min: 0 }, 1e-4),
  seed: int({}, 0),
};

/** Data prepared once for many fits (centred rows, norms, optional distance matrix). */
export interface KMeansData {
  readonly n: number;
  readonly f: number;
  /** Centred rows (scikit-learn subtracts the column means before fitting). */
  readonly x: Float64Array;
  readonly means: Float64Array;
  readonly norms: Float64Array;
  /** Mean over features of the variance of X. */
  readonly meanVariance: number;
  readonly rows: RowDistances;
  /** The rows in the fastest distance space, with room for at least k centres (cached). */
  space(k: number): RowSpace;
}

/**
 * Centres the data and precomputes norms. `distances(centred)` may return the full n×n
 * distance matrix of the centred rows, so k-means++ and the first assignment cost O(n) per
 * centre (what chooseK does for its sweep).
 */
export function prepareKMeansData(x: Matrix, distances?: (centred: { x: Float64Array; norms: Float64Array; n: number; f: number }) => Float64Array): KMeansData {
  const [n, f] = x.shape;
  const means = columnMeans(x);
  const xc = centredCopy(x, means);
  const norms = rowSquaredNorms(xc);
  const d = distances?.({ x: xc.data, norms, n, f });
  return kmeansDataFrom({ n, f, x: xc.data, means, norms, raw: x.data, ...(d && { distances: d }) });
}

/** KMeansData from parts already computed (e.g. shared with worker threads). */
export function kmeansDataFrom(parts: { n: number; f: number; x: Float64Array; means: Float64Array; norms: Float64Array; distances?: Float64Array; raw?: Float64Array }): KMeansData {
  const { n, f, x, means, norms, raw } = parts;
  const sparse = raw !== undefined && mostlyZero(raw, n, f);
  let v = 0;
  for (let i = 0; i < n; i++) v += norms[i]!;
  const meanVariance = v / n / f;
  const rows = parts.distances ? new MatrixRowDistances(parts.distances, n) : new DataRowDistances(x, norms, n, f);
  let cached: RowSpace | undefined;
  const space = (k: number): RowSpace => {
    if (!cached || cached.capacity < k) {
      cached = rowSpace(x, n, f, Math.max(k, 20));
      if (sparse) cached = sparseRowSpace(cached, raw, means);
    }
    return cached;
  };
  return { n, f, x, means, norms, meanVariance, rows, space };
}

/** One complete KMeans fit (all restarts) on prepared data; the result is in centred coordinates. */
export function fitPrepared(data: KMeansData, options: KMeansOptionsResolved): LloydRun {
  const { n, f, x, norms } = data;
  const k = options.nClusters;
  const tolAbs = options.tol * data.meanVariance;
  if (isMatrix(options.init)) {
    const init = options.init;
    if (init.shape[0] !== k || init.shape[1] !== f) {
      throw new ShapeError(`KMeans: init has shape ${init.shape[0]}×${init.shape[1]}, expected ${k}×${f}`);
    }
    const c = new Float64Array(k * f);
    for (let j = 0; j < k; j++) for (let p = 0; p < f; p++) c[j * f + p] = init.data[j * f + p]! - data.means[p]!;
    return lloydRun(new LloydWorkspace(data.space(k), k), norms, c, options.maxIter, tolAbs);
  }
  const rng = new Rng(options.seed);
  let best: LloydRun | undefined;
  const c = new Float64Array(k * f);
  const ws = new LloydWorkspace(data.space(k), k);
  const pp = new PlusPlusWorkspace(n, k);
  const d = ws.lower;
  for (let r = 0; r < options.nInit; r++) {
    const indices = kmeansPlusPlus(data.rows, rng, pp, d);
    for (let j = 0; j < k; j++) c.set(x.subarray(indices[j]! * f, (indices[j]! + 1) * f), j * f);
    for (let i = 0; i < n * k; i++) d[i] = Math.sqrt(d[i]!);
    const run = lloydRun(ws, norms, c, options.maxIter, tolAbs, true);
    if (best === undefined || (run.inertia < best.inertia && !sameClustering(run.labels, best.labels, k))) best = run;
  }
  return best!;
}

/** scikit-learn's `_is_same_clustering`: labels equal up to a relabelling (one direction). */
function sameClustering(a: Int32Array, b: Int32Array, k: number): boolean {
  const map = new Int32Array(k).fill(-1);
  for (let i = 0; i < a.length; i++) {
    const l = a[i]!;
    if (map[l] === -1) map[l] = b[i]!;
    else if (map[l] !== b[i]) return false;
  }
  return true;
}

/**
 * K-means clustering (scikit-learn's `KMeans(algorithm="lloyd")`).
 * @example
 * const km = new KMeans({ nClusters: 4, nInit: 10, seed: 42 }).fit(x);
 * km.fitted.labels; // Int32Array, 0-based
 */
export class KMeans {
  readonly options: Readonly<KMeansOptionsResolved>;
  #fitted?: KMeansFitted;

  /** @throws OptionError on an unknown or invalid option. */
  constructor(options: KMeansOptions = {}) {
    this.options = Object.freeze(resolveOptions<KMeansOptionsResolved>("KMeans", KMEANS_RULES, options));
  }

  /**
   * @param x N×F feature matrix (one row per event).
   * @throws DataError on a non-finite entry (naming row and column); OptionError when N < nClusters.
   */
  fit(x: Matrix): this {
    checkFinite("KMeans.fit", x);
    checkRows("KMeans", "nClusters", x, this.options.nClusters);
    const data = prepareKMeansData(x);
    const run = fitPrepared(data, this.options);
    this.#fitted = toFitted(run, data);
    return this;
  }

  get fitted(): KMeansFitted {
    if (!this.#fitted) throw new NotFittedError("KMeans");
    return this.#fitted;
  }

  /** The nearest centre of each row of x (0-based). */
  predict(x: Matrix): Int32Array {
    const d = this.transform(x);
    const k = d.shape[1];
    const out = new Int32Array(x.shape[0]);
    for (let i = 0; i < out.length; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (d.data[i * k + j]! < d.data[i * k + best]!) best = j;
      out[i] = best;
    }
    return out;
  }

  /** Distances from each row of x to every centre (N×K). */
  transform(x: Matrix): Matrix {
    const c = this.fitted.centers;
    const [k, f] = c.shape;
    if (x.shape[1] !== f) throw new ShapeError(`KMeans.transform: x has ${x.shape[1]} columns, expected ${f}`);
    const n = x.shape[0];
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = Math.sqrt(squaredDistance(x.data, i * f, c.data, j * f, f));
    return { data: out, shape: [n, k] };
  }
}

/** Converts a run in centred coordinates to the public record (with each row's distance to its centre). */
export function toFitted(run: LloydRun, data: KMeansData): KMeansFitted {
  const { n, f, means, x } = data;
  const k = run.centers.length / f;
  const centers = new Float64Array(k * f);
  for (let j = 0; j < k; j++) for (let p = 0; p < f; p++) centers[j * f + p] = run.centers[j * f + p]! + means[p]!;
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) distances[i] = Math.sqrt(squaredDistance(x, i * f, run.centers, run.labels[i]! * f, f));
  return { labels: run.labels, centers: { data: centers, shape: [k, f] }, inertia: run.inertia, nIter: run.nIter, distances };
}

/**
 * Function form: `new KMeans({ ...options, nClusters: k }).fit(x).fitted`.
 * @example
 * const { labels, centers, inertia } = kmeans(x, 5, { nInit: 10, seed: 1 });
 */
export function kmeans(x: Matrix, k: number, options: Omit<KMeansOptions, "nClusters"> = {}): KMeansFitted {
  if ("nClusters" in options) throw new OptionError(`kmeans: pass K as the second argument, not as option "nClusters"`, { field: "nClusters" });
  return new KMeans({ ...options, nClusters: k }).fit(x).fitted;
}
