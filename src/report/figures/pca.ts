// Figure 13: PC1–PC2 scatter coloured by cluster, the best examples marked.
import type { ReportData } from "../data.js";
import { CLUSTER_PARAM, EVENT_TOOLTIP, clusterColorEncoding, eventsDatasets, highlightOpacity, type Figure } from "./common.js";

export function pcaFigure(data: ReportData): Figure | undefined {
  if (!data.pcaScores) return undefined;
  const evr = data.explainedVarianceRatio;
  const pct = (j: number): string => (evr && Number.isFinite(evr[j]!) ? ` (${(100 * evr[j]!).toFixed(1)}% of variance)` : "");
  const x = { field: "pc1", type: "quantitative", scale: { zero: false }, axis: { title: `PC1${pct(0)}` } };
  const y = { field: "pc2", type: "quantitative", scale: { zero: false }, axis: { title: `PC2${pct(1)}` } };
  return {
    name: "13-pca",
    number: 13,
    title: "Principal components of the fingerprints",
    caption: "Each event's clustered features projected on the first two principal components; the best examples of each cluster (figure 6) are drawn as black-outlined diamonds.",
    params: ["selCluster"],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      params: [CLUSTER_PARAM],
      datasets: eventsDatasets(data),
      width: 420,
      height: 320,
      data: { name: "events" },
      transform: [{ filter: "isValid(datum.pc1) && isValid(datum.pc2)" }],
      layer: [
        {
          name: "pca_points",
          mark: { type: "point", filled: true, size: 30, cursor: "pointer" },
          encoding: { x, y, color: clusterColorEncoding(data), opacity: highlightOpacity(0.8, 0.08), tooltip: EVENT_TOOLTIP },
        },
        {
          name: "pca_best",
          transform: [{ filter: "datum.best == 1" }],
          mark: { type: "point", shape: "diamond", filled: true, size: 110, stroke: "#000000", strokeWidth: 1.5 },
          encoding: { x, y, color: clusterColorEncoding(data), opacity: highlightOpacity(1, 0.15), tooltip: EVENT_TOOLTIP },
        },
      ],
    },
  };
}
