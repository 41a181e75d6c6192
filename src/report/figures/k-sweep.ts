// Figure 4: mean silhouette and SSE against K, the chosen K marked.
import type { ReportData } from "../data.js";
import { num, type Figure, type VlSpec } from "./common.js";

function panel(rows: VlSpec[], field: string, title: string, k: number): VlSpec {
  return {
    width: 280,
    height: 180,
    title,
    layer: [
      {
        mark: { type: "line", point: { size: 50 } },
        encoding: {
          x: { field: "k", type: "quantitative", axis: { title: "Number of clusters K", tickMinStep: 1, format: "d" }, scale: { zero: false } },
          y: { field, type: "quantitative", axis: { title }, scale: { zero: false } },
          tooltip: [{ field: "k", title: "K" }, { field, title, format: ".4g" }],
        },
      },
      {
        data: { values: [{ k }] },
        mark: { type: "rule", color: "#d62728", strokeDash: [5, 3], strokeWidth: 2 },
        encoding: { x: { field: "k", type: "quantitative" } },
      },
      {
        data: { values: [{ k, label: `chosen K = ${k}` }] },
        mark: { type: "text", color: "#d62728", align: "left", dx: 4, baseline: "top", y: 2 },
        encoding: { x: { field: "k", type: "quantitative" }, text: { field: "label" } },
      },
    ],
  };
}

export function kSweepFigure(data: ReportData): Figure | undefined {
  const rows = data.sweep.map((p) => ({ k: p.k, sil: num(p.meanSilhouette), sse: num(p.sse) }));
  if (!rows.some((r) => r.sil !== null || r.sse !== null)) return undefined;
  return {
    name: "04-k-sweep",
    number: 4,
    title: "Choosing the number of clusters",
    caption: `Mean silhouette (higher is better) and within-cluster sum of squares (SSE, elbow) for each K tried; K = ${data.k} was chosen.`,
    params: [],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      data: { values: rows },
      hconcat: [
        ...(rows.some((r) => r.sil !== null) ? [panel(rows, "sil", "Mean silhouette", data.k)] : []),
        ...(rows.some((r) => r.sse !== null) ? [panel(rows, "sse", "SSE (inertia)", data.k)] : []),
      ],
    },
  };
}
