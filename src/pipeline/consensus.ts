// Agreement between clusterings of the same events (runs with different seeds): the pairwise adjusted Rand
// index, labels aligned by Hungarian matching, consensus labels (aligned majority vote, or a co-association
// matrix cut by average linkage while N is small), each event's consistency and each cluster's stability
// (mean Jaccard index of its best match in the other runs). Pure computation; labels are 0-based, −1 = none.
import { OptionError, ShapeError } from "../core/errors.js";
import { adjustedRandIndex, linearSumAssignment } from "../cluster/compare.js";
import { fclusterMaxclust } from "../cluster/fcluster.js";
import { linkageFromDistances } from "../cluster/linkage.js";

export type ConsensusMethod = "vote" | "coassociation";

export interface CompareRunsOptions {
  /**
   * "vote" (default): majority of the aligned runs; "coassociation": average linkage of the co-association
   * matrix, up to `maxCoassociationEvents` events (the vote above). On the demo, the vote's consensus was the
   * more reproducible between disjoint sets of seeds.
   */
  method?: ConsensusMethod;
  /** Default 3000 (the condensed matrix holds N(N−1)/2 float64). */
  maxCoassociationEvents?: number;
  /** The run whose label names the consensus keeps where clusters match (default 0). */
  base?: number;
}

/** One consensus cluster. */
export interface ConsensusCluster {
  /** 0-based consensus label. */
  readonly cluster: number;
  readonly size: number;
  /** Mean over runs of the Jaccard index of its best-matching cluster in that run. */
  readonly stability: number;
  /** Mean consistency of its events. */
  readonly consistency: number;
}

export interface RunComparison {
  /**
   * R×R adjusted Rand indices (1 on the diagonal). A pair with a run that put every event in one cluster
   * scores 0: the index is 0/0 there (scikit-learn returns 1), and such a run reproduced no structure.
   */
  readonly ari: number[][];
  /** Runs with fewer than two non-empty clusters (e.g. every fingerprint identical). */
  readonly trivialRuns: number[];
  /** Mean over the R(R−1)/2 pairs (1 for a single run). */
  readonly meanAri: number;
  readonly method: "vote" | "coassociation";
  /** Consensus labels, 0-based (−1: no run labelled the event). */
  readonly labels: Int32Array;
  readonly k: number;
  /** Vote: share of runs voting for the consensus label; co-association: mean co-association with the other members. */
  readonly confidence: Float64Array;
  /** Share of runs in which the event falls in its consensus cluster (after alignment). */
  readonly consistency: Float64Array;
  /** Each run's labels renamed to the consensus labels (unmatched clusters: k, k + 1, …). */
  readonly aligned: Int32Array[];
  readonly clusters: ConsensusCluster[];
  /** Per run, per own cluster (its labels in increasing order): mean best Jaccard index in the other runs. */
  readonly runStability: number[][];
  /** ARI of each run against the consensus. */
  readonly ariToConsensus: number[];
}

/**
 * Compares R clusterings of the same N events and forms their consensus.
 * @param runs R label vectors of length N (0-based, −1 = noise/none)
 * @throws ShapeError when lengths differ; OptionError for no runs or bad options
 * @example
 * const c = compareRuns([Int32Array.of(0, 0, 1, 1), Int32Array.of(1, 1, 0, 0)]);
 * c.meanAri; // 1
 */
export function compareRuns(given: readonly Int32Array[], options: CompareRunsOptions = {}): RunComparison {
  const R = given.length;
  if (R === 0) throw new OptionError("compareRuns: no runs (expected at least 1)");
  const n = given[0]!.length;
  for (const r of given) if (r.length !== n) throw new ShapeError(`compareRuns: runs label ${n} and ${r.length} events`);
  const runs = given.map(compact);
  const base = options.base ?? 0;
  if (!Number.isInteger(base) || base < 0 || base >= R) throw new OptionError(`compareRuns option "base" must be a run index 0…${R - 1}, got ${base}`, { field: "base" });
  const maxCo = options.maxCoassociationEvents ?? 3000;
  const requested = options.method ?? "vote";
  if (!["vote", "coassociation"].includes(requested)) throw new OptionError(`compareRuns option "method" must be vote or coassociation, got ${JSON.stringify(requested)}`, { field: "method" });
  const method = requested === "coassociation" && n <= maxCo ? "coassociation" : "vote";

  const trivial = runs.map(isTrivial);
  const agreement = (a: Int32Array, b: Int32Array): number => (isTrivial(a) || isTrivial(b) ? 0 : adjustedRandIndex(a, b));
  const ari = Array.from({ length: R }, () => new Array<number>(R).fill(1));
  let sum = 0;
  for (let a = 0; a < R; a++) {
    for (let b = a + 1; b < R; b++) {
      const v = trivial[a] || trivial[b] ? 0 : adjustedRandIndex(runs[a]!, runs[b]!);
      ari[a]![b] = ari[b]![a] = v;
      sum += v;
    }
  }
  const meanAri = R > 1 ? sum / ((R * (R - 1)) / 2) : 1;

  // The vote starts from the most central run and is realigned until it stops changing.
  let reference = 0;
  let bestMean = -Infinity;
  for (let a = 0; a < R; a++) {
    let m = 0;
    for (let b = 0; b < R; b++) if (b !== a) m += ari[a]![b]!;
    if (m > bestMean + 1e-12) {
      bestMean = m;
      reference = a;
    }
  }
  let labels = compact(runs[reference]!);
  let votes: Float64Array = new Float64Array(n);
  for (let iter = 0; iter < 50; iter++) {
    const aligned = runs.map((r) => alignTo(labels, r));
    const v = majorityVote(aligned, aligned[base]!);
    const next = compact(v.labels);
    votes = v.share;
    if (equal(next, labels)) break;
    labels = next;
  }
  let confidence: Float64Array = votes;
  if (method === "coassociation" && n >= 2) {
    const k = countClusters(labels);
    const co = coassociation(runs);
    const Z = linkageFromDistances(co, n, "average");
    labels = k >= 1 ? fclusterMaxclust(Z, k) : new Int32Array(n).fill(-1);
    confidence = meanCoassociation(co, n, labels);
  }
  labels = compact(alignTo(runs[base]!, labels)); // keep the base run's names where clusters match
  const k = countClusters(labels);
  const aligned = runs.map((r) => alignTo(labels, r));
  const consistency = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let same = 0;
    for (let r = 0; r < R; r++) if (labels[i]! >= 0 && aligned[r]![i] === labels[i]) same++;
    consistency[i] = same / R;
  }
  if (method === "vote") confidence = consistency;

  const clusters: ConsensusCluster[] = [];
  for (let c = 0; c < k; c++) {
    let size = 0;
    let cons = 0;
    for (let i = 0; i < n; i++) {
      if (labels[i] !== c) continue;
      size++;
      cons += consistency[i]!;
    }
    let stab = 0;
    for (let r = 0; r < R; r++) stab += bestJaccard(labels, runs[r]!)[c]!;
    clusters.push({ cluster: c, size, stability: stab / R, consistency: size ? cons / size : NaN });
  }
  const runStability = runs.map((r, a) => {
    const own = countClusters(r);
    const acc = new Array<number>(own).fill(0);
    for (let b = 0; b < R; b++) {
      if (b === a) continue;
      const best = bestJaccard(r, runs[b]!);
      for (let c = 0; c < own; c++) acc[c]! += best[c]!;
    }
    return acc.map((s) => (R > 1 ? s / (R - 1) : 1));
  });
  return {
    ari,
    trivialRuns: trivial.flatMap((t, r) => (t ? [r] : [])),
    meanAri,
    method,
    labels,
    k,
    confidence,
    consistency,
    aligned,
    clusters,
    runStability,
    ariToConsensus: runs.map((r) => agreement(r, labels)),
  };
}

/** Fewer than two non-empty clusters. */
function isTrivial(labels: Int32Array): boolean {
  let first = -1;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < 0) continue;
    if (first < 0) first = l;
    else if (l !== first) return false;
  }
  return true;
}

/** Number of clusters: 1 + the largest label (labels are compact). */
function countClusters(labels: Int32Array): number {
  let m = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > m) m = labels[i]!;
  return m + 1;
}

/** Renames labels to 0…k−1 in increasing order of the old names (−1 stays). */
function compact(labels: Int32Array): Int32Array {
  const names = Array.from(new Set(labels)).filter((l) => l >= 0).sort((a, b) => a - b);
  const map = new Map(names.map((l, j) => [l, j]));
  return labels.map((l) => (l < 0 ? -1 : map.get(l)!));
}

function equal(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Distinct non-negative labels (sorted) and the counts table labels × reference labels. */
function overlap(labels: Int32Array, reference: Int32Array): { rows: number[]; cols: number[]; counts: Float64Array } {
  const rows = Array.from(new Set(labels)).filter((l) => l >= 0).sort((a, b) => a - b);
  const cols = Array.from(new Set(reference)).filter((l) => l >= 0).sort((a, b) => a - b);
  const ri = new Map(rows.map((l, j) => [l, j]));
  const ci = new Map(cols.map((l, j) => [l, j]));
  const counts = new Float64Array(rows.length * cols.length);
  for (let i = 0; i < labels.length; i++) {
    const a = labels[i]!;
    const b = reference[i]!;
    if (a >= 0 && b >= 0) counts[ri.get(a)! * cols.length + ci.get(b)!]! += 1;
  }
  return { rows, cols, counts };
}

/**
 * Renames the clusters of `labels` to those of `reference` with the largest total overlap (Hungarian
 * matching, one to one); unmatched clusters get names above the reference's; −1 stays −1.
 */
export function alignTo(reference: Int32Array, labels: Int32Array): Int32Array {
  const { rows, cols, counts } = overlap(labels, reference);
  const cost = new Float64Array(counts.length);
  for (let q = 0; q < counts.length; q++) cost[q] = -counts[q]!;
  const assign = rows.length && cols.length ? linearSumAssignment(cost, rows.length, cols.length) : new Int32Array(rows.length).fill(-1);
  let next = cols.length ? cols[cols.length - 1]! + 1 : 0;
  const rename = new Map<number, number>();
  rows.forEach((l, r) => rename.set(l, assign[r]! >= 0 ? cols[assign[r]!]! : next++));
  return labels.map((l) => (l < 0 ? -1 : rename.get(l)!));
}

/** Per event, the label most runs give it (ties: the tie-break run's label if tied, else the smallest). */
function majorityVote(aligned: readonly Int32Array[], tieBreak: Int32Array): { labels: Int32Array; share: Float64Array } {
  const n = tieBreak.length;
  const R = aligned.length;
  let L = 0;
  for (const a of aligned) L = Math.max(L, countClusters(a));
  const counts = new Int32Array(L);
  const labels = new Int32Array(n);
  const share = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < R; r++) {
      const l = aligned[r]![i]!;
      if (l >= 0) counts[l]!++;
    }
    let best = -1;
    let bestCount = 0;
    for (let r = 0; r < R; r++) {
      const l = aligned[r]![i]!;
      if (l < 0) continue;
      const c = counts[l]!;
      if (c > bestCount || (c === bestCount && l !== best && (l === tieBreak[i] || (best !== tieBreak[i] && l < best)))) {
        best = l;
        bestCount = c;
      }
    }
    labels[i] = best;
    share[i] = bestCount / R;
    for (let r = 0; r < R; r++) {
      const l = aligned[r]![i]!;
      if (l >= 0) counts[l] = 0;
    }
  }
  return { labels, share };
}

/** Condensed distances 1 − (share of runs putting i and j in the same cluster), SciPy's pdist order. */
function coassociation(runs: readonly Int32Array[]): Float64Array {
  const n = runs[0]!.length;
  const R = runs.length;
  const d = new Float64Array((n * (n - 1)) / 2).fill(R);
  for (const r of runs) {
    let q = 0;
    for (let i = 0; i < n; i++) {
      const li = r[i]!;
      if (li < 0) {
        q += n - 1 - i;
        continue;
      }
      for (let j = i + 1; j < n; j++, q++) if (r[j] === li) d[q]! -= 1;
    }
  }
  for (let q = 0; q < d.length; q++) d[q] = d[q]! / R;
  return d;
}

/** Mean co-association of each event with the other members of its cluster (1 for a singleton). */
function meanCoassociation(d: Float64Array, n: number, labels: Int32Array): Float64Array {
  const sum = new Float64Array(n);
  const cnt = new Float64Array(n);
  let q = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, q++) {
      if (labels[i] !== labels[j] || labels[i]! < 0) continue;
      const s = 1 - d[q]!;
      sum[i]! += s;
      sum[j]! += s;
      cnt[i]!++;
      cnt[j]!++;
    }
  }
  return sum.map((s, i) => (labels[i]! < 0 ? NaN : cnt[i]! > 0 ? s / cnt[i]! : 1));
}

/** For each cluster of a (by label 0…max), the best Jaccard index with any cluster of b (0 when none). */
export function bestJaccard(a: Int32Array, b: Int32Array): Float64Array {
  const k = countClusters(a);
  const { rows, cols, counts } = overlap(a, b);
  const sizeA = new Float64Array(k);
  for (let i = 0; i < a.length; i++) if (a[i]! >= 0) sizeA[a[i]!]!++;
  const sizeB = new Map<number, number>();
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0) sizeB.set(b[i]!, (sizeB.get(b[i]!) ?? 0) + 1);
  const out = new Float64Array(k);
  rows.forEach((l, r) => {
    let best = 0;
    cols.forEach((m, c) => {
      const inter = counts[r * cols.length + c]!;
      const j = inter / (sizeA[l]! + sizeB.get(m)! - inter);
      if (j > best) best = j;
    });
    out[l] = best;
  });
  return out;
}
