// Lance–Williams distance updates of SciPy's _hierarchy_distance_update.pxi (operation order kept,
// so Z equals SciPy's to the last bit where the arithmetic allows), and the condensed index.
import type { LinkageMethod } from "./linkage.js";

export type Update = (dxi: number, dyi: number, dxy: number, nx: number, ny: number, ni: number) => number;

// SciPy's _hierarchy_distance_update.pxi, operation order kept.
export const UPDATES: Record<LinkageMethod, Update> = {
  single: (dxi, dyi) => (dxi < dyi ? dxi : dyi),
  complete: (dxi, dyi) => (dxi > dyi ? dxi : dyi),
  average: (dxi, dyi, _dxy, nx, ny) => (nx * dxi + ny * dyi) / (nx + ny),
  weighted: (dxi, dyi) => 0.5 * (dxi + dyi),
  centroid: (dxi, dyi, dxy, nx, ny) => Math.sqrt((nx * dxi * dxi + ny * dyi * dyi - (nx * ny * dxy * dxy) / (nx + ny)) / (nx + ny)),
  median: (dxi, dyi, dxy) => Math.sqrt(0.5 * (dxi * dxi + dyi * dyi) - 0.25 * dxy * dxy),
  ward: (dxi, dyi, dxy, nx, ny, ni) => {
    const t = 1.0 / (nx + ny + ni);
    return Math.sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy);
  },
};

/** Condensed index of (i, j), i < j. */
export function ci(n: number, i: number, j: number): number {
  return n * i - (i * (i + 1)) / 2 + (j - i - 1);
}
