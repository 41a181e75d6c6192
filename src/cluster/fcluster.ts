// Flat clusters cut from a linkage matrix, as SciPy's `fcluster` with the "maxclust" and
// "distance" criteria (same traversal, so the same cluster numbers). Labels are returned
// 0-based (SciPy's T − 1).
import { OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";

/**
 * At most k flat clusters: the lowest cut height giving ≤ k clusters (SciPy `fcluster(Z, k, "maxclust")`).
 * @param Z SciPy linkage matrix, (N−1)×4.
 * @returns 0-based cluster of each of the N points.
 * @example
 * const labels = fclusterMaxclust(linkage(x, "ward"), 5);
 */
export function fclusterMaxclust(Z: Matrix, k: number): Int32Array {
  if (!Number.isInteger(k) || k < 1) throw new OptionError(`fclusterMaxclust: k must be an integer ≥ 1, got ${k}`, { field: "k" });
  const n = Z.shape[0] + 1;
  const T = new Int32Array(n);
  if (k >= n) {
    for (let i = 0; i < n; i++) T[i] = i;
    return T;
  }
  const MC = maxDistances(Z);
  const z = Z.data;
  const currNode = new Int32Array(n);
  const visited = new Uint8Array(2 * n - 1);
  // binary search over thresholds MC[i] (SciPy's cluster_maxclust_monocrit)
  let lower = -1;
  let upper = n - 1;
  while (upper - lower > 1) {
    const i = (lower + upper) >> 1;
    const thresh = MC[i]!;
    visited.fill(0);
    let nc = 0;
    let top = 0;
    currNode[0] = 2 * n - 2;
    while (top >= 0) {
      const root = currNode[top]! - n;
      const lc = z[root * 4]!;
      const rc = z[root * 4 + 1]!;
      if (MC[root]! <= thresh) {
        nc++;
        if (nc > k) break;
        top--;
        visited[lc] = 1;
        visited[rc] = 1;
        continue;
      }
      if (!visited[lc]) {
        visited[lc] = 1;
        if (lc >= n) {
          currNode[++top] = lc;
          continue;
        }
        nc++;
        if (nc > k) break;
      }
      if (!visited[rc]) {
        visited[rc] = 1;
        if (rc >= n) {
          currNode[++top] = rc;
          continue;
        }
        nc++;
        if (nc > k) break;
      }
      top--;
    }
    if (nc > k) lower = i;
    else upper = i;
  }
  monocrit(Z, MC, MC[upper]!, T);
  return T;
}

/**
 * Flat clusters by height: points joined below or at `height` share a cluster
 * (SciPy `fcluster(Z, height, "distance")`).
 */
export function fclusterDistance(Z: Matrix, height: number): Int32Array {
  if (!Number.isFinite(height)) throw new OptionError(`fclusterDistance: height must be a finite number, got ${height}`, { field: "height" });
  const T = new Int32Array(Z.shape[0] + 1);
  monocrit(Z, maxDistances(Z), height, T);
  return T;
}

/** For every merge, the largest merge height in its subtree (SciPy's get_max_dist_for_each_cluster). */
function maxDistances(Z: Matrix): Float64Array {
  const n = Z.shape[0] + 1;
  const z = Z.data;
  const MD = new Float64Array(n - 1);
  // rows are in merge order, so children come first
  for (let r = 0; r < n - 1; r++) {
    let m = z[r * 4 + 2]!;
    const a = z[r * 4]!;
    const b = z[r * 4 + 1]!;
    if (a >= n && MD[a - n]! > m) m = MD[a - n]!;
    if (b >= n && MD[b - n]! > m) m = MD[b - n]!;
    MD[r] = m;
  }
  return MD;
}

/** SciPy's cluster_monocrit: depth-first, numbering clusters in the order they are met (0-based here). */
function monocrit(Z: Matrix, MC: Float64Array, cutoff: number, T: Int32Array): void {
  const n = Z.shape[0] + 1;
  const z = Z.data;
  const currNode = new Int32Array(n);
  const visited = new Uint8Array(2 * n - 1);
  let nCluster = 0;
  let leader = -1;
  let top = 0;
  currNode[0] = 2 * n - 2;
  while (top >= 0) {
    const root = currNode[top]! - n;
    const lc = z[root * 4]!;
    const rc = z[root * 4 + 1]!;
    if (leader === -1 && MC[root]! <= cutoff) {
      leader = root;
      nCluster++;
    }
    if (lc >= n && !visited[lc]) {
      visited[lc] = 1;
      currNode[++top] = lc;
      continue;
    }
    if (rc >= n && !visited[rc]) {
      visited[rc] = 1;
      currNode[++top] = rc;
      continue;
    }
    if (lc < n) {
      if (leader === -1) nCluster++;
      T[lc] = nCluster - 1;
    }
    if (rc < n) {
      if (leader === -1) nCluster++;
      T[rc] = nCluster - 1;
    }
    if (leader === root) leader = -1;
    top--;
  }
}
