// Figure 8: cluster occurrence over time (counts per day or month per cluster).
import type { ReportData } from "../data.js";
import { CLUSTER_PARAM, clusterColorEncoding, eventsDatasets, highlightOpacity, timeMs, type Figure } from "./common.js";

/** "day" when the events span at most 120 days, else "month". */
export function occurrenceBin(data: ReportData): "day" | "month" {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of data.events.times) {
    const ms = timeMs(t);
    if (Number.isFinite(ms)) {
      lo = Math.min(lo, ms);
      hi = Math.max(hi, ms);
    }
  }
  return hi - lo <= 120 * 86400e3 ? "day" : "month";
}

export function occurrenceFigure(data: ReportData): Figure {
  const bin = occurrenceBin(data);
  const timeUnit = bin === "day" ? "utcyearmonthdate" : "utcyearmonth";
  return {
    name: "08-occurrence",
    number: 8,
    title: "Cluster occurrence over time",
    caption: `Number of events per ${bin} in each cluster (stacked).`,
    params: ["selCluster"],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      params: [CLUSTER_PARAM],
      datasets: eventsDatasets(data),
      width: 720,
      height: 220,
      data: { name: "events" },
      transform: [{ filter: "isValid(datum.t)" }],
      mark: { type: "bar", cursor: "pointer" },
      encoding: {
        x: { field: "t", type: "temporal", timeUnit, axis: { title: `Origin time (UTC), per ${bin}` } },
        y: { aggregate: "count", type: "quantitative", axis: { title: `Events per ${bin}` } },
        color: clusterColorEncoding(data),
        opacity: highlightOpacity(0.95, 0.15),
        tooltip: [
          { field: "t", type: "temporal", timeUnit, title: bin === "day" ? "Day" : "Month" },
          { field: "cluster", type: "nominal", title: "Cluster" },
          { aggregate: "count", type: "quantitative", title: "Events" },
        ],
      },
    },
  };
}
