// Small statistics the figures need: contingency tables, adjusted Rand index, two principal components,
// waveform envelopes for plotting.
import { contingencyTable, matchLabels } from "../cluster/compare.js";
import { ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";

/** Contingency counts of two labelings: rows = distinct labels of `a` (sorted), columns = those of `b`. */
export interface Contingency {
  readonly rowLabels: Int32Array;
  readonly colLabels: Int32Array;
  /** rows × cols counts. */
  readonly counts: Matrix;
}

/**
 * The contingency table of two labelings of the same items (the cluster module's counts as a Matrix).
 * @throws ShapeError when the lengths differ.
 */
export function contingency(a: Int32Array, b: Int32Array): Contingency {
  const t = contingencyTable(a, b);
  return { rowLabels: t.rowLabels, colLabels: t.colLabels, counts: { data: Float64Array.from(t.counts), shape: [t.rowLabels.length, t.colLabels.length] } };
}

/**
 * Renumbers another clustering's labels (1-based, 0 = not clustered) to those of `main` that they share
 * the most events with (one-to-one, Hungarian on the contingency table of the events both clustered), so a
 * second method or seed is drawn in the chosen clustering's colours. Clusters left unmatched get numbers
 * above the largest of either labeling; 0 stays 0.
 * @throws ShapeError when the lengths differ.
 * @example
 * alignLabels(Int32Array.of(1, 1, 2, 2, 0), Int32Array.of(2, 2, 1, 1, 0)); // [1, 1, 2, 2, 0]
 */
export function alignLabels(main: Int32Array, other: Int32Array): Int32Array {
  if (main.length !== other.length) throw new ShapeError(`alignLabels: ${other.length} labels, expected ${main.length}`, { field: "other" });
  const both: number[] = [];
  for (let i = 0; i < main.length; i++) if (main[i]! > 0 && other[i]! > 0) both.push(i);
  const ref = Int32Array.from(both, (i) => main[i]!);
  const m = matchLabels(ref, Int32Array.from(both, (i) => other[i]!));
  const refLabels = new Set(ref);
  let next = 1;
  for (let i = 0; i < main.length; i++) next = Math.max(next, main[i]! + 1, other[i]! + 1);
  const rename = new Map<number, number>();
  for (const [from, to] of m.mapping) rename.set(from, refLabels.has(to) ? to : next++);
  return other.map((l) => {
    if (l === 0) return 0;
    let to = rename.get(l);
    if (to === undefined) rename.set(l, (to = next++));
    return to;
  });
}

/**
 * Scores on the first two principal components of the rows of `x` (N×F) selected by `use` (others and
 * rows with non-finite values get NaN). Power iteration with deflation on the covariance of the centred
 * rows; the sign of each component makes its largest-magnitude loading positive.
 */
export function principalScores2(x: Matrix, use?: Uint8Array): { scores: Matrix; explainedVarianceRatio: Float64Array } {
  const [N, F] = x.shape;
  const rows: number[] = [];
  for (let i = 0; i < N; i++) {
    if (use && !use[i]) continue;
    let ok = true;
    for (let f = 0; f < F; f++) if (!Number.isFinite(x.data[i * F + f]!)) { ok = false; break; }
    if (ok) rows.push(i);
  }
  const n = rows.length;
  const mean = new Float64Array(F);
  for (const i of rows) for (let f = 0; f < F; f++) mean[f]! += x.data[i * F + f]!;
  for (let f = 0; f < F; f++) mean[f]! /= Math.max(1, n);
  // C = Xcᵀ Xc (F×F).
  const C = new Float64Array(F * F);
  const xc = new Float64Array(F);
  for (const i of rows) {
    for (let f = 0; f < F; f++) xc[f] = x.data[i * F + f]! - mean[f]!;
    for (let a = 0; a < F; a++) {
      const va = xc[a]!;
      for (let b = a; b < F; b++) C[a * F + b]! += va * xc[b]!;
    }
  }
  let total = 0;
  for (let a = 0; a < F; a++) {
    total += C[a * F + a]!;
    for (let b = 0; b < a; b++) C[a * F + b] = C[b * F + a]!;
  }
  const scores = new Float64Array(N * 2).fill(NaN);
  const evr = new Float64Array(2);
  const comps: Float64Array[] = [];
  let v = new Float64Array(F);
  let w = new Float64Array(F);
  for (let comp = 0; comp < Math.min(2, F); comp++) {
    for (let f = 0; f < F; f++) v[f] = 1 + 0.1 * Math.sin(f + 1 + comp);
    let lambda = 0;
    for (let iter = 0; iter < 3000; iter++) {
      let norm = 0;
      for (let a = 0; a < F; a++) {
        let s = 0;
        for (let b = 0; b < F; b++) s += C[a * F + b]! * v[b]!;
        w[a] = s;
        norm += s * s;
      }
      norm = Math.sqrt(norm);
      if (norm === 0) break;
      let diff = 0;
      for (let f = 0; f < F; f++) {
        w[f]! /= norm;
        diff = Math.max(diff, Math.abs(w[f]! - v[f]!));
      }
      [v, w] = [w, v];
      lambda = norm;
      if (diff < 4e-16 * Math.sqrt(F)) break;
    }
    let big = 0;
    for (let f = 0; f < F; f++) if (Math.abs(v[f]!) > Math.abs(big)) big = v[f]!;
    if (big < 0) for (let f = 0; f < F; f++) v[f] = -v[f]!;
    // Deflate: C ← C − λ v vᵀ.
    for (let a = 0; a < F; a++) for (let b = 0; b < F; b++) C[a * F + b]! -= lambda * v[a]! * v[b]!;
    comps.push(v.slice());
    evr[comp] = total > 0 ? lambda / total : 0;
  }
  for (const i of rows) {
    for (let c = 0; c < comps.length; c++) {
      const u = comps[c]!;
      let s = 0;
      for (let f = 0; f < F; f++) s += (x.data[i * F + f]! - mean[f]!) * u[f]!;
      scores[i * 2 + c] = s;
    }
  }
  return { scores: { data: scores, shape: [N, 2] }, explainedVarianceRatio: evr };
}

/**
 * A waveform reduced for plotting: at most `maxPoints` points, each bin's minimum and maximum in time
 * order (the envelope a pixel column would show). Returns times (s) and values.
 */
export function envelope(data: Float64Array, sampleRateHz: number, startSeconds: number, maxPoints = 1000): { t: Float64Array; y: Float64Array } {
  const L = data.length;
  if (L <= maxPoints) {
    const t = new Float64Array(L);
    for (let j = 0; j < L; j++) t[j] = startSeconds + j / sampleRateHz;
    return { t, y: data.slice() };
  }
  const bins = Math.floor(maxPoints / 2);
  const t = new Float64Array(2 * bins);
  const y = new Float64Array(2 * bins);
  for (let b = 0; b < bins; b++) {
    const s = Math.floor((b * L) / bins);
    const e = Math.floor(((b + 1) * L) / bins);
    let iMin = s;
    let iMax = s;
    for (let j = s + 1; j < e; j++) {
      if (data[j]! < data[iMin]!) iMin = j;
      if (data[j]! > data[iMax]!) iMax = j;
    }
    const [first, second] = iMin <= iMax ? [iMin, iMax] : [iMax, iMin];
    t[2 * b] = startSeconds + first / sampleRateHz;
    y[2 * b] = data[first]!;
    t[2 * b + 1] = startSeconds + second / sampleRateHz;
    y[2 * b + 1] = data[second]!;
  }
  return { t, y };
}
