// Figure 11: the silhouette plot, per-sample silhouettes sorted within each cluster, the mean as a line.
import type { ReportData } from "../data.js";
import { CLUSTER_PARAM, EVENT_TOOLTIP, clusterColorEncoding, highlightOpacity, num, type Figure, type VlSpec } from "./common.js";

export function silhouetteFigure(data: ReportData): Figure | undefined {
  const ev = data.events;
  const byCluster: number[][] = [];
  for (let c = 1; c <= data.k; c++) byCluster.push([]);
  for (let i = 0; i < ev.ids.length; i++) {
    const c = ev.cluster[i]!;
    if (c >= 1 && c <= data.k && Number.isFinite(ev.silhouette[i]!)) byCluster[c - 1]!.push(i);
  }
  const rows: VlSpec[] = [];
  const bands: VlSpec[] = [];
  let pos = 0;
  let sum = 0;
  let count = 0;
  let minSil = -0.1;
  const gap = Math.max(2, Math.round(0.02 * ev.ids.length));
  byCluster.forEach((members, ci) => {
    members.sort((a, b) => ev.silhouette[b]! - ev.silhouette[a]!);
    const start = pos;
    for (const i of members) {
      const s = ev.silhouette[i]!;
      rows.push({ i, id: ev.ids[i], time: ev.times[i], mag: num(ev.mag[i]!, 2), depth: num(ev.depthKm[i]!, 3), cluster: ci + 1, sil: num(s, 4), x0: 0, y0: pos, y1: pos + 1 });
      pos++;
      sum += s;
      count++;
      if (s < minSil) minSil = s;
    }
    if (members.length > 0) bands.push({ cluster: ci + 1, y: (start + pos) / 2, n: members.length });
    pos += gap;
  });
  if (count === 0) return undefined;
  const mean = sum / count;
  const yScale = { domain: [0, Math.max(1, pos - gap)], nice: false, zero: false, reverse: true };
  return {
    name: "11-silhouette",
    number: 11,
    title: "Silhouette plot",
    caption: `Each bar is one event's silhouette (how much closer it is to its own cluster than to the next), sorted within each cluster; the dashed line is the mean, ${mean.toFixed(3)}.`,
    params: ["selCluster"],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      params: [CLUSTER_PARAM],
      width: 420,
      height: Math.min(600, Math.max(240, 0.5 * count)),
      layer: [
        {
          name: "silhouette_bars",
          data: { values: rows },
          mark: { type: "rect", cursor: "pointer" },
          encoding: {
            x: { field: "x0", type: "quantitative", scale: { domain: [minSil, 1], nice: false }, axis: { title: "Silhouette" } },
            x2: { field: "sil" },
            y: { field: "y0", type: "quantitative", scale: yScale, axis: { title: "Cluster (events sorted by silhouette)", labels: false, ticks: false, domain: false, grid: false, titlePadding: 18 } },
            y2: { field: "y1" },
            color: clusterColorEncoding(data, { includeNone: false }),
            opacity: highlightOpacity(1, 0.15),
            tooltip: EVENT_TOOLTIP,
          },
        },
        {
          data: { values: bands },
          mark: { type: "text", align: "right", dx: -4, fontWeight: "bold" },
          encoding: { x: { datum: 0, type: "quantitative" }, y: { field: "y", type: "quantitative" }, text: { field: "cluster" } },
        },
        {
          data: { values: [{ mean }] },
          mark: { type: "rule", color: "#d62728", strokeDash: [5, 3], strokeWidth: 2 },
          encoding: { x: { field: "mean", type: "quantitative" } },
        },
      ],
    },
  };
}
