// Figure 14: two clusterings' contingency table as a heat map, with the adjusted Rand index.
import type { ReportData } from "../data.js";
import { adjustedRandIndex } from "../../cluster/compare.js";
import { alignLabels, contingency } from "../stats.js";
import { edges, heatmapLayer, tile, type Figure, type FigureContext, type VlSpec } from "./common.js";

function indexAxisLabels(labels: Int32Array): string {
  return `[${Array.from(labels, (l) => `'${l === 0 ? "none" : l}'`).join(",")}][datum.value - 1]`;
}

function panel(data: ReportData, ctx: FigureContext, name: string, alt: Int32Array, j: number): VlSpec {
  const main = data.events.cluster;
  // Numbered as the chosen clustering's clusters they share the most events with: agreement is the diagonal.
  const aligned = alignLabels(main, alt);
  const table = contingency(main, aligned);
  const [R, C] = table.counts.shape;
  const ari = adjustedRandIndex(main, aligned);
  const t = tile(ctx, table.counts, { lo: 0, rowZeroAtBottom: false });
  const heat = heatmapLayer({
    key: `n${j}`, x: edges(1, 1, C), y: edges(1, 1, R),
    xTitle: `${name} (matched)`, yTitle: `${data.method} (chosen)`, colorTitle: "Events", xIsIndex: true, yIsIndex: true, yReversed: true,
    width: Math.max(140, Math.min(320, 42 * C)), height: Math.max(140, Math.min(320, 42 * R)),
    title: { text: `${data.method} vs ${name}`, subtitle: `adjusted Rand index = ${ari.toFixed(3)}` },
    rows: [{ tile: t }],
  });
  const layers = heat.layer as VlSpec[];
  const image = layers[0]!;
  const enc = image.encoding as Record<string, VlSpec>;
  enc.x = { ...enc.x, axis: { title: `${name} (numbered to match)`, values: Array.from({ length: C }, (_, c) => c + 1), labelExpr: indexAxisLabels(table.colLabels) } };
  enc.y = { ...enc.y, axis: { title: `${data.method} (chosen)`, values: Array.from({ length: R }, (_, r) => r + 1), labelExpr: indexAxisLabels(table.rowLabels) } };
  const cells: VlSpec[] = [];
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) cells.push({ cx: c + 1, cy: r + 1, n: table.counts.data[r * C + c]! });
  layers.push({
    data: { values: cells },
    mark: { type: "text", fontSize: 11 },
    encoding: {
      x: { field: "cx", type: "quantitative" },
      y: { field: "cy", type: "quantitative" },
      text: { field: "n", type: "quantitative" },
      color: { condition: { test: `datum.n > ${t.hi / 2}`, value: "#000000" }, value: "#ffffff" },
    },
  });
  return heat;
}

export function contingencyFigure(data: ReportData, ctx: FigureContext): Figure | undefined {
  const alts = data.alternatives.slice(0, 3);
  if (alts.length === 0) return undefined;
  return {
    name: "14-contingency",
    number: 14,
    title: "Agreement between clusterings",
    caption: "Contingency tables: how many events each pair of clusters (chosen clustering vs another method or seed) share; the other clustering's clusters are numbered as the chosen cluster they share the most events with, so agreement lies on the diagonal; the adjusted Rand index is 1 for identical partitions and about 0 for unrelated ones.",
    params: [],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      hconcat: alts.map((a, j) => panel(data, ctx, a.name, a.labels, j)),
      resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    },
  };
}
