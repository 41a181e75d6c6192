// Figure 15: stability across seeds — per-cluster stability (bars), the adjusted Rand index between the runs
// (heat map), and the bootstrap stability curve over K beside the silhouette curve. Data: stability.json.
import type { ReportData, ReportStability } from "../data.js";
import { CLUSTER_PARAM, clusterColorEncoding, highlightOpacity, num, type Figure, type VlSpec } from "./common.js";

/** The parts of stability.json (docs/RUN-DIRECTORY.md) the figure reads. */
export interface StabilityJson {
  seeds?: number[];
  ari?: (number | null)[][];
  meanAri?: number | null;
  runs?: { k?: number; reused?: boolean; clusterStability?: (number | null)[]; labels?: number[] }[];
  clusters?: { cluster: number; size: number; stability: number | null }[];
  kCurve?: { k: number; agreement: number | null; sd: number | null }[] | null;
}

/**
 * The report's view of stability.json. The bars describe the clusters the report shows: the consensus
 * clusters when they are the run's answer (method "consensus"), else those of run 0 when it is the
 * pipeline's own run (reused), else the consensus clusters (aligned to run 0's names).
 */
export function reportStability(json: StabilityJson, method: string): ReportStability | undefined {
  if (!Array.isArray(json.ari) || json.ari.length === 0) return undefined;
  const n = (v: number | null | undefined): number => (typeof v === "number" ? v : NaN);
  const run0 = json.runs?.[0];
  let clusters = (json.clusters ?? []).map((c) => ({ cluster: c.cluster, size: c.size, stability: n(c.stability) }));
  if (method !== "consensus" && run0?.reused && run0.clusterStability && run0.labels) {
    const sizes = new Map<number, number>();
    for (const l of run0.labels) sizes.set(l, (sizes.get(l) ?? 0) + 1);
    clusters = run0.clusterStability.map((s, c) => ({ cluster: c + 1, size: sizes.get(c + 1) ?? 0, stability: n(s) }));
  }
  return {
    seeds: json.seeds ?? json.ari.map((_, i) => i),
    ari: json.ari.map((row) => row.map(n)),
    meanAri: n(json.meanAri),
    clusters,
    kChosen: (json.runs ?? []).map((r) => n(r.k)),
    kCurve: (json.kCurve ?? []).map((p) => ({ k: p.k, agreement: n(p.agreement), sd: n(p.sd) })),
  };
}

function barsPanel(data: ReportData, s: ReportStability): VlSpec {
  const rows = s.clusters.map((c) => ({ cluster: c.cluster, size: c.size, stability: num(c.stability, 4) }));
  return {
    title: "Per-cluster stability",
    width: 220,
    height: 200,
    data: { values: rows },
    layer: [
      {
        name: "stability_bars",
        mark: { type: "bar", cursor: "pointer" },
        encoding: {
          x: { field: "cluster", type: "ordinal", axis: { title: "Cluster", labelAngle: 0 } },
          y: { field: "stability", type: "quantitative", scale: { domain: [0, 1] }, axis: { title: "Mean Jaccard of best match" } },
          color: { ...clusterColorEncoding(data, { includeNone: false }), legend: null },
          opacity: highlightOpacity(1, 0.25),
          tooltip: [{ field: "cluster", title: "Cluster" }, { field: "size", title: "Events" }, { field: "stability", title: "Stability", format: ".3f" }],
        },
      },
      {
        data: { values: [{ y: 0.75, label: "stable" }, { y: 0.5, label: "dissolved below" }] },
        mark: { type: "rule", strokeDash: [4, 3], color: "#666" },
        encoding: { y: { field: "y", type: "quantitative" } },
      },
    ],
  };
}

function ariPanel(s: ReportStability): VlSpec {
  const rows: VlSpec[] = [];
  s.ari.forEach((row, a) => row.forEach((v, b) => rows.push({ a: `seed ${s.seeds[a]}`, b: `seed ${s.seeds[b]}`, ari: num(v, 3), ka: s.kChosen[a] ?? null, kb: s.kChosen[b] ?? null })));
  const order = s.seeds.map((x) => `seed ${x}`);
  return {
    title: `ARI between runs (mean ${Number.isFinite(s.meanAri) ? s.meanAri.toFixed(3) : "n/a"})`,
    width: Math.max(120, Math.min(260, 40 * s.seeds.length)),
    height: Math.max(120, Math.min(260, 40 * s.seeds.length)),
    data: { values: rows },
    encoding: {
      x: { field: "a", type: "ordinal", sort: order, axis: { title: null, labelAngle: -45 } },
      y: { field: "b", type: "ordinal", sort: order, axis: { title: null } },
    },
    layer: [
      {
        name: "ari_cells",
        mark: "rect",
        encoding: {
          color: { field: "ari", type: "quantitative", scale: { scheme: "viridis", domain: [0, 1] }, legend: { title: "ARI" } },
          tooltip: [{ field: "a", title: "Run" }, { field: "ka", title: "its K" }, { field: "b", title: "Other run" }, { field: "kb", title: "its K" }, { field: "ari", title: "ARI", format: ".3f" }],
        },
      },
      ...(s.seeds.length <= 12
        ? [{ mark: { type: "text", fontSize: 10 }, encoding: { text: { field: "ari", format: ".2f" }, color: { condition: { test: "datum.ari > 0.6", value: "black" }, value: "white" } } }]
        : []),
    ],
  };
}

function curvePanel(data: ReportData, s: ReportStability): VlSpec | undefined {
  const rows: VlSpec[] = [];
  for (const p of s.kCurve) rows.push({ k: p.k, value: num(p.agreement, 4), lo: num(p.agreement - p.sd, 4), hi: num(Math.min(1, p.agreement + p.sd), 4), measure: "bootstrap agreement (ARI)" });
  for (const p of data.sweep) if (Number.isFinite(p.meanSilhouette)) rows.push({ k: p.k, value: num(p.meanSilhouette, 4), lo: null, hi: null, measure: "mean silhouette" });
  if (!rows.length) return undefined;
  return {
    title: "Stability and silhouette over K",
    width: 280,
    height: 200,
    data: { values: rows },
    layer: [
      {
        name: "stability_sd",
        mark: { type: "rule" },
        transform: [{ filter: "datum.lo !== null && datum.hi !== null" }],
        encoding: { x: { field: "k", type: "quantitative" }, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color: { field: "measure", type: "nominal" } },
      },
      {
        name: "stability_curve",
        mark: { type: "line" },
        encoding: {
          x: { field: "k", type: "quantitative", axis: { title: "Number of clusters K", tickMinStep: 1, format: "d" }, scale: { zero: false } },
          y: { field: "value", type: "quantitative", axis: { title: "Score" } },
          color: { field: "measure", type: "nominal", scale: { domain: ["bootstrap agreement (ARI)", "mean silhouette"], range: ["#d62728", "#4c78a8"] }, legend: { title: null, orient: "bottom", labelLimit: 240 } },
        },
      },
      {
        name: "stability_points",
        mark: { type: "point", filled: true, size: 50 },
        transform: [{ filter: "datum.value !== null" }],
        encoding: {
          x: { field: "k", type: "quantitative" },
          y: { field: "value", type: "quantitative" },
          color: { field: "measure", type: "nominal" },
          tooltip: [{ field: "measure" }, { field: "k", title: "K" }, { field: "value", title: "Score", format: ".3f" }],
        },
      },
      {
        data: { values: [{ k: data.k }] },
        mark: { type: "rule", color: "#555", strokeDash: [5, 3] },
        encoding: { x: { field: "k", type: "quantitative" } },
      },
    ],
  };
}

/** Figure 15 (only when stability.json was read). */
export function stabilityFigure(data: ReportData): Figure | undefined {
  const s = data.stability;
  if (!s) return undefined;
  const curve = curvePanel(data, s);
  const kList = s.kChosen.filter(Number.isFinite).join(", ");
  return {
    name: "15-stability",
    number: 15,
    title: "Stability across seeds",
    caption:
      `${s.seeds.length} runs of NMF → HMM → clustering with different seeds (chosen K: ${kList}). Left: each cluster's stability, ` +
      `the mean Jaccard index of its best match in the other runs (above 0.75 stable, below 0.5 dissolved). Middle: adjusted Rand index ` +
      `between runs. Right: agreement of clusterings of bootstrap resamples at each K (± 1 sd) beside the mean silhouette; dashed: the chosen K.`,
    params: ["selCluster"],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      params: [CLUSTER_PARAM],
      hconcat: [barsPanel(data, s), ariPanel(s), ...(curve ? [curve] : [])],
      resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    },
  };
}
