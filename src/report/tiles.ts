// Heat maps as colour-mapped palette PNGs: one pixel per matrix cell, placed by a Vega-Lite image mark.
import type { Matrix } from "../core/matrix.js";
import { colormapPalette, type ColormapName } from "./colormap.js";
import { encodeIndexedPng, pngDataUri, storedDeflate, type ZlibDeflate } from "./png.js";

/** A colour-mapped matrix: the PNG data URI and the value range its colours span. */
export interface Tile {
  readonly uri: string;
  readonly lo: number;
  readonly hi: number;
  readonly width: number;
  readonly height: number;
}

export interface TileOptions {
  readonly colormap?: ColormapName;
  /** Value range mapped to the colour map's ends (defaults to the finite min and max). */
  readonly lo?: number;
  readonly hi?: number;
  /** Draw row 0 at the bottom (frequency or state axes growing upwards). Default true. */
  readonly rowZeroAtBottom?: boolean;
}

/** 255 colour levels; index 255 is transparent (NaN cells). */
const LEVELS = 255;
const palettes = new Map<ColormapName, { rgb: Uint8Array; alpha: Uint8Array }>();

function palette(name: ColormapName): { rgb: Uint8Array; alpha: Uint8Array } {
  let p = palettes.get(name);
  if (!p) {
    const rgb = new Uint8Array(256 * 3);
    rgb.set(colormapPalette(name, LEVELS));
    const alpha = new Uint8Array(256).fill(255);
    alpha[255] = 0;
    p = { rgb, alpha };
    palettes.set(name, p);
  }
  return p;
}

/** The finite minimum and maximum of `values` ([0, 1] when none is finite; widened when equal). */
export function finiteRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/**
 * Colour-maps a matrix (rows × cols) into a palette PNG of cols × rows pixels.
 * @param m e.g. a spectrogram D×M (frequency rows) or an activation matrix K×M.
 */
export function heatmapTile(m: Matrix, options: TileOptions = {}, deflate: ZlibDeflate = storedDeflate): Tile {
  const [rows, cols] = m.shape;
  const [autoLo, autoHi] = finiteRange(m.data);
  const lo = options.lo ?? autoLo;
  const hi = options.hi ?? autoHi;
  const span = hi > lo ? hi - lo : 1;
  const bottomUp = options.rowZeroAtBottom ?? true;
  const w = Math.max(1, cols);
  const h = Math.max(1, rows);
  const idx = new Uint8Array(w * h).fill(255);
  const d = m.data;
  for (let r = 0; r < rows; r++) {
    const y = bottomUp ? rows - 1 - r : r;
    const src = r * cols;
    const dst = y * w;
    for (let c = 0; c < cols; c++) {
      const v = d[src + c]!;
      if (Number.isNaN(v)) continue;
      const t = (v - lo) / span;
      idx[dst + c] = t <= 0 ? 0 : t >= 1 ? LEVELS - 1 : Math.round(t * (LEVELS - 1));
    }
  }
  const p = palette(options.colormap ?? "viridis");
  const png = encodeIndexedPng(idx, w, h, p.rgb, { alpha: p.alpha, deflate });
  return { uri: pngDataUri(png), lo, hi, width: w, height: h };
}
