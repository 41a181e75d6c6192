// Shared parts of the figure specs: the events dataset, cluster colours, the highlight rule, heat-map
// layers (PNG tile + colour legend), and the Figure record every builder returns.
import type { Topology } from "topojson-specification";
import type { Matrix } from "../../core/matrix.js";
import type { ColormapName } from "../colormap.js";
import type { ReportData } from "../data.js";
import { storedDeflate, type ZlibDeflate } from "../png.js";
import { heatmapTile, type Tile } from "../tiles.js";

/** A Vega-Lite specification as JSON (checked by compiling it; see figures.test.ts). */
export type VlSpec = { [key: string]: unknown };

/** Signals the page sets: the chosen cluster (0 = all) and the chosen event (an event index). */
export type FigureParam = "selCluster" | "selEvent";

/** One figure group of the report. */
export interface Figure {
  /** File name stem, e.g. "05-map". */
  readonly name: string;
  readonly number: number;
  readonly title: string;
  readonly caption: string;
  readonly spec: VlSpec;
  /** The page signals this figure listens to. */
  readonly params: readonly FigureParam[];
  /** Extra JSON for the page script (figure 10: how to draw packed events). */
  readonly page?: VlSpec;
  /** Bytes the page script reads (base64) from #report-packed (figure 10: the packed events, zlib per event). */
  readonly pageBytes?: Uint8Array;
}

/** What the builders need beyond the data. */
export interface FigureContext {
  /** zlib compressor for the PNG tiles (stored blocks when absent). */
  readonly deflate?: ZlibDeflate;
  /** Natural Earth countries (world-atlas countries-50m.json) for coastlines and borders. */
  readonly atlas?: Topology;
  /** Example events per cluster shown in figure 6 (default: all of data.examples). */
  readonly examplesShown?: number;
}

export const PANEL_WIDTH = 320;
export const PANEL_HEIGHT = 180;

const TABLEAU10 = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"];
const TABLEAU20_EXTRA = ["#9ecae9", "#ffbf79", "#ff9d98", "#88d27a", "#b9a46b", "#f2cf5b", "#83bcb6", "#d6a5c9", "#79706e", "#d8b5a5"];
export const NO_CLUSTER_COLOR = "#9a9a9a";

/** Cluster c's colour (1-based; 0 → grey). */
export function clusterColor(c: number): string {
  if (c <= 0) return NO_CLUSTER_COLOR;
  const all = [...TABLEAU10, ...TABLEAU20_EXTRA];
  return all[(c - 1) % all.length]!;
}

/** The colour encoding of the `cluster` field, the same in every figure (labels 1..k, 0 = none). */
export function clusterColorEncoding(data: ReportData, options: { legend?: boolean; includeNone?: boolean } = {}): VlSpec {
  const domain: number[] = [];
  const hasNone = options.includeNone ?? data.events.cluster.some((c) => c === 0);
  if (hasNone) domain.push(0);
  for (let c = 1; c <= data.k; c++) domain.push(c);
  return {
    field: "cluster",
    type: "nominal",
    scale: { domain, range: domain.map(clusterColor) },
    legend: options.legend === false ? null : { title: "Cluster", labelExpr: "datum.value == 0 ? 'none' : datum.label", symbolOpacity: 1 },
  };
}

/** Vega expression: true when the datum's cluster is the chosen one (or none is chosen). */
export const IS_CHOSEN = "selCluster == 0 || datum.cluster == selCluster";

/** Opacity that fades events outside the chosen cluster. */
export function highlightOpacity(on = 0.85, off = 0.08): VlSpec {
  return { condition: { test: IS_CHOSEN, value: on }, value: off };
}

/** Each panel keeps its own colour scale and legend. */
export const INDEPENDENT_COLOR: VlSpec = { scale: { color: "independent" }, legend: { color: "independent" } };

export const CLUSTER_PARAM: VlSpec = { name: "selCluster", value: 0 };

/** JSON number: finite values rounded to `digits` decimals, otherwise null. */
export function num(v: number, digits = 6): number | null {
  if (!Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Milliseconds since the epoch of an ISO 8601 UTC time (fractions beyond ms dropped); NaN when unparsable. */
export function timeMs(iso: string): number {
  if (!iso) return NaN;
  const m = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/.exec(iso.trim());
  if (!m) return Date.parse(iso);
  const frac = m[2] ? m[2].slice(0, 4) : "";
  return Date.parse(`${m[1]}${frac}${m[3] ?? "Z"}`);
}

/** One row per event: the `events` dataset every event figure uses. */
export function eventRows(data: ReportData): VlSpec[] {
  const ev = data.events;
  const embedded = new Set(data.embedded.map((e) => e.index));
  const best = new Set<number>();
  for (const ex of data.examples) for (const i of ex) best.add(i);
  const rows: VlSpec[] = [];
  for (let i = 0; i < ev.ids.length; i++) {
    rows.push({
      i,
      id: ev.ids[i],
      time: ev.times[i] ?? "",
      t: num(timeMs(ev.times[i] ?? ""), 0),
      lat: num(ev.lat[i]!, 5),
      lon: num(ev.lon[i]!, 5),
      depth: num(ev.depthKm[i]!, 3),
      mag: num(ev.mag[i]!, 2),
      cluster: ev.cluster[i],
      sil: num(ev.silhouette[i]!, 4),
      dist: num(ev.centroidDistance[i]!, 4),
      pc1: data.pcaScores ? num(data.pcaScores.data[2 * i]!, 5) : null,
      pc2: data.pcaScores ? num(data.pcaScores.data[2 * i + 1]!, 5) : null,
      emb: embedded.has(i) ? 1 : 0,
      best: best.has(i) ? 1 : 0,
    });
  }
  return rows;
}

/** Tooltip shown when hovering an event. */
export const EVENT_TOOLTIP: VlSpec[] = [
  { field: "id", type: "nominal", title: "Event" },
  { field: "time", type: "nominal", title: "Origin time (UTC)" },
  { field: "mag", type: "quantitative", title: "Magnitude", format: ".2f" },
  { field: "depth", type: "quantitative", title: "Depth (km)", format: ".1f" },
  { field: "cluster", type: "nominal", title: "Cluster" },
  { field: "sil", type: "quantitative", title: "Silhouette", format: ".3f" },
];

/** A colour-mapped tile of `m` with the context's compressor. */
export function tile(ctx: FigureContext, m: Matrix, options: { colormap?: ColormapName; lo?: number; hi?: number; rowZeroAtBottom?: boolean } = {}): Tile {
  return heatmapTile(m, options, ctx.deflate ?? storedDeflate);
}

/** Cell edges of a regular axis with centres c[0..n−1]: [c0 − Δ/2, c_{n−1} + Δ/2]. */
export function edges(first: number, step: number, n: number): [number, number] {
  return [first - step / 2, first + step * (n - 1) + step / 2];
}

export interface HeatmapLayerOptions {
  /** Field names must be unique within a figure: they name the colour scale. */
  readonly key: string;
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
  readonly xTitle: string;
  readonly yTitle: string;
  readonly colorTitle: string;
  readonly colormap?: ColormapName;
  /** Index axes (patterns, states): integer ticks. */
  readonly xIsIndex?: boolean;
  readonly yIsIndex?: boolean;
  /** Row 1 at the top (matrix layout). */
  readonly yReversed?: boolean;
  /** Extra fields on every row (e.g. the event index `e` for filtering). */
  readonly rows?: readonly { readonly tile: Tile; readonly extra?: VlSpec; readonly x?: readonly [number, number] }[];
  readonly filter?: string;
  /** Names the tile dataset (and `<name>_range` the legend's), so the page can add rows to them. */
  readonly dataName?: string;
  readonly width?: number;
  readonly height?: number;
  readonly title?: string | VlSpec;
}

function axis(title: string, isIndex: boolean | undefined): VlSpec {
  return isIndex ? { title, tickMinStep: 1, format: "d" } : { title };
}

/**
 * A heat map as a layer spec: the PNG tile(s) as an image mark spanning the cell edges, plus an invisible
 * layer carrying the value range, which gives the colour legend (the tile's colours are the same scheme).
 */
export function heatmapLayer(o: HeatmapLayerOptions): VlSpec {
  const rows = (o.rows ?? []).map((r) => ({
    url: r.tile.uri,
    x0: r.x ? r.x[0] : o.x[0],
    x1: r.x ? r.x[1] : o.x[1],
    y0: o.y[0],
    y1: o.y[1],
    ...r.extra,
  }));
  const legendRows = (o.rows ?? []).flatMap((r) => [
    { [o.key]: r.tile.lo, ...r.extra },
    { [o.key]: r.tile.hi, ...r.extra },
  ]);
  const filter = o.filter ? [{ filter: o.filter }] : [];
  const xScale = { domain: [o.x[0], o.x[1]], nice: false, zero: false };
  const yScale = { domain: [o.y[0], o.y[1]], nice: false, zero: false, reverse: o.yReversed ?? false };
  return {
    ...(o.title ? { title: o.title } : {}),
    width: o.width ?? PANEL_WIDTH,
    height: o.height ?? PANEL_HEIGHT,
    layer: [
      {
        data: o.dataName ? { name: o.dataName, values: rows } : { values: rows },
        transform: filter,
        mark: { type: "image", aspect: false, smooth: false },
        encoding: {
          x: { field: "x0", type: "quantitative", scale: xScale, axis: axis(o.xTitle, o.xIsIndex) },
          x2: { field: "x1" },
          y: { field: "y1", type: "quantitative", scale: yScale, axis: axis(o.yTitle, o.yIsIndex) },
          y2: { field: "y0" },
          url: { field: "url", type: "nominal" },
        },
      },
      {
        data: o.dataName ? { name: `${o.dataName}_range`, values: legendRows } : { values: legendRows },
        transform: filter,
        mark: { type: "point", opacity: 0, size: 0 },
        encoding: {
          color: {
            field: o.key,
            type: "quantitative",
            scale: { scheme: o.colormap ?? "viridis", nice: false, zero: false },
            legend: { title: o.colorTitle, titleLimit: 240, gradientLength: Math.min(140, (o.height ?? PANEL_HEIGHT) - 20) },
          },
        },
      },
    ],
  };
}

/** The figure's events dataset declaration (the page shares one copy among figures). */
export function eventsDatasets(data: ReportData): VlSpec {
  return { events: eventRows(data) };
}

/** Short description of an event: "id · M 2.3". */
export function eventLabel(data: ReportData, i: number): string {
  const m = data.events.mag[i]!;
  return `${data.events.ids[i]} · ${Number.isFinite(m) ? `M ${m.toFixed(1)}` : "M ?"}`;
}
