// The tutorial's model selection: k-means for every K in a range, the mean silhouette and the
// SSE per K, and the best K by mean silhouette (first maximum). ALGORITHM.md §6.
import { OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { int, num, resolveOptions } from "../core/options.js";
import { squareDistances } from "./distances.js";
import { fitPrepared, prepareKMeansData, toFitted, type KMeansData, type KMeansFitted } from "./kmeans.js";
import type { LloydRun } from "./lloyd.js";
import { encodeLabels, mean, silhouetteFromDistances, silhouetteSamples } from "./silhouette.js";
import { checkFinite, checkRows } from "./validate.js";

export interface ChooseKOptions {
  /** Smallest K (default 3, at least 2). */
  kMin?: number;
  /** Largest K, inclusive (default 19). */
  kMax?: number;
  /** k-means restarts per K (default 10). */
  nInit?: number;
  /** Lloyd iterations per restart (default 500, the tutorial's). */
  maxIter?: number;
  tol?: number;
  /** Each K's fit starts a fresh Rng from this seed (as `random_state=42` in the tutorial). */
  seed?: number;
  /** Up to this many rows the n×n distance matrix is kept and shared by all K (default 4096). */
  maxDistanceMatrixRows?: number;
}

export interface ChooseKResolved {
  kMin: number;
  kMax: number;
  nInit: number;
  maxIter: number;
  tol: number;
  seed: number;
  maxDistanceMatrixRows: number;
}

const RULES = {
  kMin: int({ min: 2 }, 3),
  kMax: int({ min: 2 }, 19),
  nInit: int({ min: 1 }, 10),
  maxIter: int({ min: 1 }, 500),
  tol: num({ min: 0 }, 1e-4),
  seed: int({}, 0),
  maxDistanceMatrixRows: int({ min: 0 }, 4096),
};

/** One K of the sweep. */
export interface ChooseKEntry {
  k: number;
  meanSilhouette: number;
  /** Inertia (sum of squared distances to the centres). */
  sse: number;
  nIter: number;
  /** 0-based labels of this K's fit. */
  labels: Int32Array;
}

export interface ChooseKResult {
  entries: ChooseKEntry[];
  /** K with the highest mean silhouette (the first, on ties). */
  bestK: number;
  /** The best K's fit: labels, centres, inertia, iterations, distances to the own centre. */
  best: KMeansFitted;
  /** Per-row silhouettes of the best K. */
  silhouettes: Float64Array;
}

/** Everything the per-K fits share: resolved options, prepared data, the optional distance matrix. */
export interface ChooseKPrepared {
  readonly options: Readonly<ChooseKResolved>;
  readonly x: Matrix;
  readonly data: KMeansData;
  /** n×n distances of the centred rows (when n ≤ maxDistanceMatrixRows). */
  readonly distances?: Float64Array;
}

/** Validates and prepares a sweep. @throws as chooseK. */
export function prepareChooseK(x: Matrix, options: ChooseKOptions = {}): ChooseKPrepared {
  const o = resolveOptions<ChooseKResolved>("chooseK", RULES, options);
  if (o.kMin > o.kMax) throw new OptionError(`chooseK option "kMin" (${o.kMin}) must be ≤ "kMax" (${o.kMax})`, { field: "kMin" });
  checkFinite("chooseK", x);
  // silhouettes need K ≤ N − 1
  checkRows("chooseK", "kMax", x, o.kMax + 1);
  let d: Float64Array | undefined;
  const data = x.shape[0] <= o.maxDistanceMatrixRows ? prepareKMeansData(x, () => (d = squareDistances(x))) : prepareKMeansData(x);
  return d ? { options: o, x, data, distances: d } : { options: o, x, data };
}

/** One K of the sweep: the k-means fit (fresh Rng from the seed) and its silhouettes. */
export function sweepOneK(prep: ChooseKPrepared, k: number): { run: LloydRun; silhouettes: Float64Array; meanSilhouette: number } {
  const o = prep.options;
  const n = prep.data.n;
  const run = fitPrepared(prep.data, { nClusters: k, init: "k-means++", nInit: o.nInit, maxIter: o.maxIter, tol: o.tol, seed: o.seed });
  const enc = encodeLabels(run.labels);
  const d = prep.distances;
  const silhouettes = enc.nLabels < 2 ? new Float64Array(n) : d ? silhouetteFromDistances(d, n, enc) : silhouetteSamples(prep.x, run.labels);
  return { run, silhouettes, meanSilhouette: mean(silhouettes) };
}

/** Assembles the result from the per-K runs (in K order); the best K is the first maximum. */
export function finishChooseK(prep: ChooseKPrepared, runs: readonly { k: number; run: LloydRun; meanSilhouette: number; silhouettes?: Float64Array }[]): ChooseKResult {
  let best = 0;
  for (let i = 1; i < runs.length; i++) if (runs[i]!.meanSilhouette > runs[best]!.meanSilhouette) best = i;
  const entries = runs.map((r) => ({ k: r.k, meanSilhouette: r.meanSilhouette, sse: r.run.inertia, nIter: r.run.nIter, labels: r.run.labels }));
  const b = runs[best]!;
  const silhouettes = b.silhouettes ?? sweepSilhouettes(prep, b.run.labels);
  return { entries, bestK: b.k, best: toFitted(b.run, prep.data), silhouettes };
}

function sweepSilhouettes(prep: ChooseKPrepared, labels: Int32Array): Float64Array {
  const enc = encodeLabels(labels);
  const n = prep.data.n;
  if (enc.nLabels < 2) return new Float64Array(n);
  return prep.distances ? silhouetteFromDistances(prep.distances, n, enc) : silhouetteSamples(prep.x, labels);
}

/**
 * K-means over K = kMin…kMax with silhouettes; K chosen by the highest mean silhouette.
 * Each K starts a fresh Rng from `seed`, so a K's result does not depend on the range.
 * (choose-k.node.ts runs the Ks on all cores with identical results.)
 * @param x N×F feature matrix.
 * @throws OptionError (kMin > kMax, or kMax ≥ N), DataError (non-finite entry).
 * @example
 * const r = chooseK(fingerprints, { kMin: 3, kMax: 19, nInit: 10, seed: 42 });
 * r.bestK; r.entries.map((e) => e.meanSilhouette);
 */
export function chooseK(x: Matrix, options: ChooseKOptions = {}): ChooseKResult {
  const prep = prepareChooseK(x, options);
  const runs = [];
  for (let k = prep.options.kMin; k <= prep.options.kMax; k++) runs.push({ k, ...sweepOneK(prep, k) });
  return finishChooseK(prep, runs);
}
