// One k-means run: Lloyd's iterations with scikit-learn's stopping rule and empty-cluster
// relocation (ALGORITHM.md §6), accelerated with Elkan's triangle-inequality bounds so that
// most point–centre distances are never computed. The assignments are Lloyd's (nearest
// centre); only the work differs. The structure follows scikit-learn's `_kmeans_single_elkan`,
// which shares the Lloyd stopping rule: stop when the labels did not change (strict
// convergence) or when Σ_k ‖c_k,new − c_k,old‖² ≤ tol_abs, then assign once more.
import { getKernels } from "../kernels/index.js";
import type { RowSpace } from "./row-space.js";

/** The result of one run, in the (centred) coordinates of the space. */
export interface LloydRun {
  labels: Int32Array;
  /** k×f, row-major. */
  centers: Float64Array;
  inertia: number;
  nIter: number;
}

/** Buffers of one run, allocated once per (n, k) and reused by every restart. */
export class LloydWorkspace {
  readonly space: RowSpace;
  readonly k: number;
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  readonly labels: Int32Array;
  readonly labelsOld: Int32Array;
  readonly upper: Float64Array;
  /**
   * n×k lower bounds, stored with the centre's drift at the time: the bound on ‖x_i − c_j‖ is
   * lower[i·k + j] − drift[j] (so moving centres costs O(k), not O(n·k)). At the start: the exact
   * initial distances.
   */
  readonly lower: Float64Array;
  /** Cumulative distance each centre has moved since the start. */
  readonly drift: Float64Array;
  /** Lower bounds on half the distance between centres, and each centre's to its nearest other. */
  readonly half: Float64Array;
  /** The exact half distances when last computed (the lower bounds are recomputed when they fall 2 % below). */
  readonly halfExact: Float64Array;
  readonly next: Float64Array;
  readonly shift: Float64Array;
  /**
   * Per point, a bound below which its upper bound lets every other centre be skipped at once:
   * min over j of max(lower bound j, half distance to j), stored plus the cumulative largest
   * centre shift `maxDrift` at the time (it decays by at most that much per iteration).
   */
  readonly skip: Float64Array;
  maxDrift = 0;

  constructor(space: RowSpace, k: number) {
    const { n, f } = space;
    this.space = space;
    this.k = k;
    this.sums = new Float64Array(k * f);
    this.counts = new Float64Array(k);
    this.labels = new Int32Array(n);
    this.labelsOld = new Int32Array(n);
    this.upper = new Float64Array(n);
    this.lower = new Float64Array(n * k);
    this.drift = new Float64Array(k);
    this.half = new Float64Array(k * k);
    this.halfExact = new Float64Array(k * k);
    this.next = new Float64Array(k);
    this.shift = new Float64Array(k);
    this.skip = new Float64Array(n);
  }
}

/**
 * Runs k-means from the given centres.
 * @param ws the workspace (its space holds the n×f rows, centred by the caller as scikit-learn does).
 * @param norms ‖x_i‖².
 * @param init k×f initial centres (copied).
 * @param tolAbs the absolute tolerance (tol · mean variance of the features).
 * @param initialDistances true when ws.lower already holds the n×k distances to the initial centres.
 */
export function lloydRun(ws: LloydWorkspace, norms: Float64Array, init: Float64Array, maxIter: number, tolAbs: number, initialDistances = false): LloydRun {
  const { space, k, sums, counts, labels, labelsOld, upper, lower, drift, half, halfExact, next, shift } = ws;
  const { n, f } = space;
  let cur = 0; // the buffer holding the current centres
  space.centres[0].set(init.subarray(0, k * f));
  space.centresChanged(0, k);
  labelsOld.fill(-1);
  drift.fill(0);
  ws.skip.fill(-Infinity);
  ws.maxDrift = 0;

  // Initial bounds: every distance to every initial centre.
  if (!initialDistances) initialDistancesByTrick(space, norms, k, lower);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let best = 0;
    let bestD = lower[o]!;
    for (let j = 1; j < k; j++) {
      const d = lower[o + j]!;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    labels[i] = best;
    upper[i] = bestD;
  }
  centreHalfDistances(space, cur, k, half, halfExact, next, null);

  let fullSums = true;
  let strict = false;
  let it = 0;
  for (; it < maxIter; it++) {
    if (it > 0) assign(ws, cur, fullSums ? null : sums);
    if (fullSums) {
      accumulate(space, labels, sums, counts);
      fullSums = false;
    }
    // M step: new centres from the sums, relocating empty clusters first.
    const nw = 1 - cur;
    const cNew = space.centres[nw]!;
    centresFromSums(space, sums, counts, k, cNew);
    if (hasEmpty(counts, k)) {
      relocateEmpty(space, cur, labels, cNew, counts, k);
      fullSums = true; // the relocated point keeps its label: rebuild the sums from the labels next time
    }
    averageInPlace(cNew, counts, k, f);
    space.centresChanged(nw, k);
    let shiftTotal = 0;
    for (let j = 0; j < k; j++) {
      const s = Math.sqrt(space.centreCentre(nw, j, cur, j));
      shift[j] = s;
      shiftTotal += s * s;
    }
    centreHalfDistances(space, nw, k, half, halfExact, next, shift);
    for (let i = 0; i < n; i++) upper[i]! += shift[labels[i]!]!;
    let maxShift = 0;
    for (let j = 0; j < k; j++) {
      drift[j]! += shift[j]!;
      if (shift[j]! > maxShift) maxShift = shift[j]!;
    }
    ws.maxDrift += maxShift;
    cur = nw;
    if (equalLabels(labels, labelsOld, n)) {
      strict = true;
      break;
    }
    if (shiftTotal <= tolAbs) break;
    labelsOld.set(labels);
  }
  const nIter = Math.min(it + 1, maxIter);
  if (!strict) assign(ws, cur, null);
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += space.rowCentre(i, cur, labels[i]!);
  return { labels: labels.slice(), centers: space.centres[cur]!.slice(0, k * f), inertia, nIter };
}

/** Distances to every centre with ‖x‖² − 2x·c + ‖c‖² (one product on the kernels). */
function initialDistancesByTrick(space: RowSpace, norms: Float64Array, k: number, out: Float64Array): void {
  const { n, f, x } = space;
  const c = space.centres[0];
  const cn = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let p = 0; p < f; p++) s += c[j * f + p]! * c[j * f + p]!;
    cn[j] = s;
  }
  getKernels().gemmABt(n, k, f, x, c.subarray(0, k * f), out);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    const ni = norms[i]!;
    for (let j = 0; j < k; j++) {
      const d2 = ni - 2 * out[o + j]! + cn[j]!;
      out[o + j] = d2 > 0 ? Math.sqrt(d2) : 0;
    }
  }
}

/**
 * Elkan's assignment step against the centres in buffer `cur`; when `sums` is given, moves each
 * relabelled point's contribution between the cluster sums (incremental M step).
 */
function assign(ws: LloydWorkspace, cur: number, sums: Float64Array | null): void {
  const { space, k, labels, upper, lower, drift, half, next, counts, skip } = ws;
  const { n, f, x } = space;
  const M = ws.maxDrift;
  for (let i = 0; i < n; i++) {
    const old = labels[i]!;
    let label = old;
    let u = upper[i]!;
    if (next[label]! >= u || skip[i]! - M >= u) continue;
    const lo = i * k;
    let tight = false;
    let ho = label * k;
    let moved = false;
    // one pass: prune or compute each other centre, and collect the skip bound on the way
    let sb = Infinity;
    for (let j = 0; j < k; j++) {
      if (j === label) continue;
      let l = lower[lo + j]! - drift[j]!;
      const h = half[ho + j]!;
      if (u > l && u > h) {
        if (!tight) {
          u = Math.sqrt(space.rowCentre(i, cur, label));
          lower[lo + label] = u + drift[label]!;
          tight = true;
        }
        if (u > l || u > h) {
          const d = Math.sqrt(space.rowCentre(i, cur, j));
          lower[lo + j] = d + drift[j]!;
          l = d;
          if (d < u) {
            label = j;
            u = d;
            ho = label * k;
            moved = true;
          }
        }
      }
      const m = l > h ? l : h;
      if (m < sb) sb = m;
    }
    labels[i] = label;
    upper[i] = u;
    if (moved) {
      // the half distances are the new centre's: collect the bound again
      sb = Infinity;
      for (let j = 0; j < k; j++) {
        if (j === label) continue;
        const l = lower[lo + j]! - drift[j]!;
        const h = half[ho + j]!;
        const m = l > h ? l : h;
        if (m < sb) sb = m;
      }
    }
    skip[i] = sb + M;
    if (sums !== null && label !== old) {
      const so = old * f;
      const sn = label * f;
      const sp = space.sparse;
      if (sp) {
        const { start, col, val } = sp;
        for (let t = start[i]!; t < start[i + 1]!; t++) {
          const p = col[t]!;
          const v = val[t]!;
          sums[so + p]! -= v;
          sums[sn + p]! += v;
        }
      } else {
        const xo = i * f;
        for (let p = 0; p < f; p++) {
          const v = x[xo + p]!;
          sums[so + p]! -= v;
          sums[sn + p]! += v;
        }
      }
      counts[old]! -= 1;
      counts[label]! += 1;
    }
  }
}

/** The cluster sums of the rows (of the rows as given, for a sparse space: see centresFromSums). */
function accumulate(space: RowSpace, labels: Int32Array, sums: Float64Array, counts: Float64Array): void {
  const { n, f, x } = space;
  sums.fill(0);
  counts.fill(0);
  const sp = space.sparse;
  if (sp) {
    const { start, col, val } = sp;
    for (let i = 0; i < n; i++) {
      const l = labels[i]!;
      const so = l * f;
      for (let t = start[i]!; t < start[i + 1]!; t++) sums[so + col[t]!]! += val[t]!;
      counts[l]! += 1;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    const so = l * f;
    const xo = i * f;
    for (let p = 0; p < f; p++) sums[so + p]! += x[xo + p]!;
    counts[l]! += 1;
  }
}

/** The unnormalised centres (centred coordinates): the sums, less count·means where they are sums of the rows as given. */
function centresFromSums(space: RowSpace, sums: Float64Array, counts: Float64Array, k: number, out: Float64Array): void {
  const sp = space.sparse;
  if (!sp) {
    out.set(sums);
    return;
  }
  const f = space.f;
  const means = sp.means;
  for (let j = 0; j < k; j++) {
    const w = counts[j]!;
    for (let p = 0; p < f; p++) out[j * f + p] = sums[j * f + p]! - w * means[p]!;
  }
}

function hasEmpty(counts: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) if (counts[j] === 0) return true;
  return false;
}

/**
 * scikit-learn's `_relocate_empty_clusters_dense`: each empty cluster takes the point farthest
 * from its own (old) centre, farthest first; `c` holds the unnormalised M-step sums.
 */
function relocateEmpty(space: RowSpace, cur: number, labels: Int32Array, c: Float64Array, counts: Float64Array, k: number): void {
  const { n, f, x } = space;
  const empty: number[] = [];
  for (let j = 0; j < k; j++) if (counts[j] === 0) empty.push(j);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = space.rowCentre(i, cur, labels[i]!);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[b]! - d[a]! || a - b);
  for (let e = 0; e < empty.length; e++) {
    const far = order[e]!;
    const to = empty[e]!;
    const from = labels[far]!;
    for (let p = 0; p < f; p++) {
      const v = x[far * f + p]!;
      c[from * f + p]! -= v;
      c[to * f + p] = v;
    }
    counts[to] = 1;
    counts[from]! -= 1;
  }
}

/** Centres = sums / counts (as scikit-learn: multiply by the reciprocal; an empty cluster keeps its sum). */
function averageInPlace(c: Float64Array, counts: Float64Array, k: number, f: number): void {
  for (let j = 0; j < k; j++) {
    const w = counts[j]!;
    if (w > 0) {
      const alpha = 1 / w;
      for (let p = 0; p < f; p++) c[j * f + p]! *= alpha;
    }
  }
}

/**
 * Lower bounds on half the distance between every pair of centres, and each centre's bound to its
 * nearest other centre. After the centres moved by `shift`, a pair's bound drops by half their
 * shifts (triangle inequality); it is recomputed exactly only when it falls 2 % below the last
 * exact value, so late iterations, where centres barely move, skip nearly all of this work.
 */
function centreHalfDistances(space: RowSpace, buf: number, k: number, half: Float64Array, halfExact: Float64Array, next: Float64Array, shift: Float64Array | null): void {
  for (let a = 0; a < k; a++) {
    half[a * k + a] = 0;
    for (let b = a + 1; b < k; b++) {
      let h = shift === null ? -1 : half[a * k + b]! - 0.5 * (shift[a]! + shift[b]!);
      if (h < 0.98 * halfExact[a * k + b]!) {
        h = 0.5 * Math.sqrt(space.centreCentre(buf, a, buf, b));
        halfExact[a * k + b] = h;
      }
      half[a * k + b] = h;
      half[b * k + a] = h;
    }
  }
  for (let a = 0; a < k; a++) {
    let m = Infinity;
    for (let b = 0; b < k; b++) if (b !== a && half[a * k + b]! < m) m = half[a * k + b]!;
    next[a] = m;
  }
}

function equalLabels(a: Int32Array, b: Int32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
