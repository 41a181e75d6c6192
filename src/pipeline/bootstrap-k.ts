// K chosen by stability: for each K, the clustering of B bootstrap resamples of the events, and the mean
// agreement (adjusted Rand index) of every pair of resamples on the events both contain (Ben-Hur et al. 2002;
// Lange et al. 2004). A K that splits real structure is found again on every resample; one that does not
// cuts the data differently each time. Pure computation.
import type { Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import { adjustedRandIndex } from "../cluster/compare.js";
import { fclusterMaxclust } from "../cluster/fcluster.js";
import { gaussianMixture } from "../cluster/gmm.js";
import { kmeans } from "../cluster/kmeans.js";
import { linkage, type LinkageMethod } from "../cluster/linkage.js";
import type { SpecufexConfig } from "./config.js";

/** One K of the stability curve. */
export interface KCurvePoint {
  readonly k: number;
  /** Mean ARI over pairs of resamples, on their shared events. */
  readonly agreement: number;
  /** Standard deviation of those ARIs. */
  readonly sd: number;
  /** Pairs compared (resamples whose clustering failed are left out). */
  readonly pairs: number;
}

/**
 * The bootstrap stability curve over `cluster.kRange` (or the fixed `cluster.k`) with the configured method.
 * Resample b draws N events with replacement from an Rng seeded with cluster.seed + b; an event drawn several
 * times has one label (identical rows fall in one cluster).
 * @param Z N×C clustered space (after scaling and PCA)
 * @param B resamples per K (≥ 2)
 * @example
 * const curve = bootstrapCurve(Z, config.cluster, 10); // [{ k: 2, agreement: 0.98, … }, …]
 */
export function bootstrapCurve(Z: Matrix, c: SpecufexConfig["cluster"], B: number): KCurvePoint[] {
  const [n, f] = Z.shape;
  if (B < 2 || n < 4) return [];
  const kMax = Math.min(c.k ?? c.kRange[1], n - 2);
  const kMin = Math.min(c.k ?? c.kRange[0], kMax);
  const draws: Int32Array[] = [];
  for (let b = 0; b < B; b++) {
    const rng = new Rng(c.seed + 7919 * (b + 1));
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = rng.integer(n);
    draws.push(idx);
  }
  const out: KCurvePoint[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const labelled: (Int32Array | null)[] = draws.map((idx) => {
      const x = new Float64Array(n * f);
      for (let i = 0; i < n; i++) x.set(Z.data.subarray(idx[i]! * f, (idx[i]! + 1) * f), i * f);
      try {
        const labels = clusterAtK({ data: x, shape: [n, f] }, c, k);
        const byEvent = new Int32Array(n).fill(-1);
        for (let i = 0; i < n; i++) if (byEvent[idx[i]!] === -1) byEvent[idx[i]!] = labels[i]!;
        return byEvent;
      } catch {
        return null; // e.g. a Gaussian mixture with a collapsed component on this resample
      }
    });
    const aris: number[] = [];
    for (let a = 0; a < B; a++) {
      for (let b = a + 1; b < B; b++) {
        const la = labelled[a];
        const lb = labelled[b];
        if (!la || !lb) continue;
        const sa: number[] = [];
        const sb: number[] = [];
        for (let i = 0; i < n; i++) {
          if (la[i]! >= 0 && lb[i]! >= 0) {
            sa.push(la[i]!);
            sb.push(lb[i]!);
          }
        }
        if (sa.length >= 2) aris.push(adjustedRandIndex(Int32Array.from(sa), Int32Array.from(sb)));
      }
    }
    const mean = aris.length ? aris.reduce((s, v) => s + v, 0) / aris.length : NaN;
    const sd = aris.length > 1 ? Math.sqrt(aris.reduce((s, v) => s + (v - mean) ** 2, 0) / (aris.length - 1)) : NaN;
    out.push({ k, agreement: mean, sd, pairs: aris.length });
  }
  return out;
}

/** Labels at one K with the configured method (no silhouettes: only the labels are compared). */
function clusterAtK(x: Matrix, c: SpecufexConfig["cluster"], k: number): Int32Array {
  if (c.method === "kmeans") return kmeans(x, k, { nInit: c.nInit, maxIter: c.maxIter, seed: c.seed }).labels;
  if (c.method === "gmm") return gaussianMixture(x, { k, covariance: c.covariance, seed: c.seed }).labels;
  return fclusterMaxclust(linkage(x, c.method as LinkageMethod), k);
}
