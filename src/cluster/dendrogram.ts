// Dendrogram layout data as SciPy's `dendrogram(Z, no_plot=True)`: leaf order, the U-shaped
// links (icoord/dcoord, leaves at x = 5, 15, 25, …), optional truncation to the last p merges
// ("lastp"), and colour groups below a threshold. Iterative, so deep trees cannot overflow the stack.
import { OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";

export interface DendrogramOptions {
  /** Show only the last p merges' p leaves (SciPy truncate_mode="lastp"); default: all leaves. */
  lastP?: number;
  /** Links below this height are coloured by subtree (default 0.7·max height, as SciPy). */
  colorThreshold?: number;
}

export interface DendrogramLayout {
  /** Node id of each displayed leaf, left to right: a point (< N) or, when truncated, a merged cluster (≥ N). */
  leaves: number[];
  /** Points under each displayed leaf. */
  leafCounts: number[];
  /** Per link: x of its four corners (SciPy's icoord). */
  icoord: [number, number, number, number][];
  /** Per link: heights of its four corners (SciPy's dcoord). */
  dcoord: [number, number, number, number][];
  /** Per link: colour group (0, 1, … in SciPy's order of C1, C2, …) or −1 above the threshold. */
  colorGroup: number[];
}

/** Leaf order of the full tree (SciPy's `leaves_list`: pre-order, left child first). */
export function leavesList(Z: Matrix): Int32Array {
  const n = Z.shape[0] + 1;
  const z = Z.data;
  const out = new Int32Array(n);
  let m = 0;
  const stack = [2 * n - 2];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node < n) {
      out[m++] = node;
      continue;
    }
    stack.push(z[(node - n) * 4 + 1]!, z[(node - n) * 4]!);
  }
  return out;
}

interface Frame {
  i: number;
  iv: number;
  stage: 0 | 1 | 2;
  a: number;
  b: number;
  h: number;
  // left result
  lc: number;
  lw: number;
  lh: number;
  lmd: number;
  colour: number;
}

/**
 * Layout of the dendrogram of Z.
 * @example
 * const { leaves, icoord, dcoord } = dendrogram(linkage(x, "ward"), { lastP: 30 });
 */
export function dendrogram(Z: Matrix, options: DendrogramOptions = {}): DendrogramLayout {
  const n = Z.shape[0] + 1;
  const z = Z.data;
  let p = options.lastP ?? n;
  if (!Number.isInteger(p) || p < 0) throw new OptionError(`dendrogram option "lastP" must be an integer ≥ 0, got ${p}`, { field: "lastP" });
  if (p > n || p === 0) p = n;
  let maxH = 0;
  for (let r = 0; r < n - 1; r++) if (z[r * 4 + 2]! > maxH) maxH = z[r * 4 + 2]!;
  const threshold = options.colorThreshold ?? 0.7 * maxH;
  const out: DendrogramLayout = { leaves: [], leafCounts: [], icoord: [], dcoord: [], colorGroup: [] };
  let currentColour = 0;
  let below = false;
  // result of the last completed node: centre, width, height, max distance
  let rc = 0, rw = 0, rh = 0, rmd = 0;
  const stack: Frame[] = [{ i: 2 * n - 2, iv: 0, stage: 0, a: 0, b: 0, h: 0, lc: 0, lw: 0, lh: 0, lmd: 0, colour: -1 }];
  while (stack.length > 0) {
    const fr = stack[stack.length - 1]!;
    if (fr.stage === 0) {
      const i = fr.i;
      if (i < n || (2 * n - p > i && i >= n)) {
        out.leaves.push(i);
        out.leafCounts.push(i < n ? 1 : z[(i - n) * 4 + 3]!);
        rc = fr.iv + 5;
        rw = 10;
        rh = 0;
        rmd = i < n ? 0 : z[(i - n) * 4 + 2]!;
        stack.pop();
        continue;
      }
      fr.a = z[(i - n) * 4]!;
      fr.b = z[(i - n) * 4 + 1]!;
      fr.h = z[(i - n) * 4 + 2]!;
      fr.stage = 1;
      stack.push({ i: fr.a, iv: fr.iv, stage: 0, a: 0, b: 0, h: 0, lc: 0, lw: 0, lh: 0, lmd: 0, colour: -1 });
      continue;
    }
    if (fr.stage === 1) {
      fr.lc = rc;
      fr.lw = rw;
      fr.lh = rh;
      fr.lmd = rmd;
      if (fr.h >= threshold || threshold <= 0) {
        if (below) currentColour++;
        below = false;
        fr.colour = -1;
      } else {
        below = true;
        fr.colour = currentColour;
      }
      fr.stage = 2;
      stack.push({ i: fr.b, iv: fr.iv + fr.lw, stage: 0, a: 0, b: 0, h: 0, lc: 0, lw: 0, lh: 0, lmd: 0, colour: -1 });
      continue;
    }
    out.icoord.push([fr.lc, fr.lc, rc, rc]);
    out.dcoord.push([fr.lh, fr.h, fr.h, rh]);
    out.colorGroup.push(fr.colour);
    const md = Math.max(fr.lmd, rmd, fr.h);
    rc = (fr.lc + rc) / 2;
    rw = fr.lw + rw;
    rh = fr.h;
    rmd = md;
    stack.pop();
  }
  return out;
}
