// Figure 7: magnitude and depth box plots per cluster.
import type { ReportData } from "../data.js";
import { CLUSTER_PARAM, clusterColorEncoding, eventsDatasets, highlightOpacity, type Figure, type VlSpec } from "./common.js";

function box(data: ReportData, field: string, title: string, reverse: boolean): VlSpec {
  return {
    name: `box_${field}`,
    width: 260,
    height: 220,
    data: { name: "events" },
    transform: [{ filter: `datum.cluster > 0 && isValid(datum.${field})` }],
    mark: { type: "boxplot", extent: "min-max", size: 28, median: { color: "#111111" } },
    encoding: {
      x: { field: "cluster", type: "ordinal", axis: { title: "Cluster", labelAngle: 0 } },
      y: { field, type: "quantitative", scale: { zero: false, reverse }, axis: { title } },
      color: clusterColorEncoding(data, { legend: false }),
      opacity: highlightOpacity(0.9, 0.2),
    },
  };
}

export function boxplotsFigure(data: ReportData): Figure {
  return {
    name: "07-boxplots",
    number: 7,
    title: "Magnitude and depth by cluster",
    caption: "Box plots (median, quartiles, whiskers to the minimum and maximum) of magnitude and depth in each cluster.",
    params: ["selCluster"],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      params: [CLUSTER_PARAM],
      datasets: eventsDatasets(data),
      hconcat: [box(data, "mag", "Magnitude", false), box(data, "depth", "Depth (km)", true)],
    },
  };
}
