// Figure 6: per cluster, the best-scoring (highest silhouette) events as spectrograms and waveforms.
import { embeddedEvent, type ReportData } from "../data.js";
import { envelope } from "../stats.js";
import { finiteRange } from "../tiles.js";
import { CLUSTER_PARAM, IS_CHOSEN, eventLabel, num, tile, type Figure, type FigureContext, type VlSpec } from "./common.js";
import { spectrogramExtent } from "./spectrogram.js";

const CELL_WIDTH = 170;

export function examplesFigure(data: ReportData, ctx: FigureContext): Figure | undefined {
  const shown = ctx.examplesShown ?? Infinity;
  const picks: { cluster: number; rank: number; index: number }[] = [];
  data.examples.forEach((ex, c) => {
    for (let r = 0; r < Math.min(ex.length, shown); r++) picks.push({ cluster: c + 1, rank: r + 1, index: ex[r]! });
  });
  if (picks.length === 0) return undefined;
  // One colour range for every example so a single legend applies.
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of picks) {
    const [a, b] = finiteRange(embeddedEvent(data, p.index)!.spectrogram.data);
    lo = Math.min(lo, a);
    hi = Math.max(hi, b);
  }
  const specRows: VlSpec[] = [];
  const waveRows: VlSpec[] = [];
  let hasWaveforms = false;
  for (const p of picks) {
    const e = embeddedEvent(data, p.index)!;
    const { x, y } = spectrogramExtent(data, e.spectrogram.shape[1]);
    const label = `${eventLabel(data, p.index)} · s=${(data.events.silhouette[p.index] ?? NaN).toFixed(2)}`;
    specRows.push({ cluster: p.cluster, rank: p.rank, i: p.index, url: tile(ctx, e.spectrogram, { lo, hi }).uri, x0: x[0], x1: x[1], y0: y[0], y1: y[1], label });
    if (e.waveform) {
      hasWaveforms = true;
      const w = e.waveform;
      const env = envelope(w.data, w.sampleRateHz, w.startSeconds, 400);
      let peak = 0;
      for (const v of env.y) peak = Math.max(peak, Math.abs(v));
      const scale = peak > 0 ? 1 / peak : 1;
      // One row per event with arrays, flattened in the spec: no repeated keys in the page.
      waveRows.push({ cluster: p.cluster, rank: p.rank, i: p.index, label, t: Array.from(env.t, (v) => num(v, 3)), a: Array.from(env.y, (v) => num(v * scale, 3)) });
    }
  }
  const filter = [{ filter: IS_CHOSEN }];
  const facet = {
    row: { field: "cluster", type: "ordinal", header: { title: "Cluster", labelFontWeight: "bold", labelFontSize: 13 } },
    column: { field: "rank", type: "ordinal", header: { title: "Example (highest silhouette first)" } },
  };
  const labelLayer = { mark: { type: "text", align: "left", baseline: "top", x: 3, y: 3, fontSize: 10, color: "#ffffff" }, encoding: { text: { field: "label" } } };
  const spectrograms = {
    data: { values: specRows },
    transform: filter,
    facet,
    spec: {
      width: CELL_WIDTH,
      height: 100,
      layer: [
        {
          name: "example_spectrograms",
          mark: { type: "image", aspect: false, smooth: false, cursor: "pointer" },
          encoding: {
            x: { field: "x0", type: "quantitative", scale: { nice: false, zero: false }, axis: { title: "Time (s)" } },
            x2: { field: "x1" },
            y: { field: "y1", type: "quantitative", scale: { nice: false, zero: false }, axis: { title: "Frequency (Hz)" } },
            y2: { field: "y0" },
            url: { field: "url", type: "nominal" },
          },
        },
        labelLayer,
        {
          // Carries the colour range: one legend for every example tile.
          data: { values: [{ ex_db: lo }, { ex_db: hi }] },
          mark: { type: "point", opacity: 0, size: 0 },
          encoding: { color: { field: "ex_db", type: "quantitative", scale: { scheme: "viridis", nice: false, zero: false }, legend: { title: data.spectrogramUnits } } },
        },
      ],
    },
  };
  const panels: VlSpec[] = [spectrograms];
  if (hasWaveforms) {
    panels.push({
      data: { values: waveRows },
      transform: [...filter, { flatten: ["t", "a"] }, { window: [{ op: "row_number", as: "j" }], groupby: ["i"] }],
      facet,
      spec: {
        width: CELL_WIDTH,
        height: 84,
        layer: [
          {
            name: "example_waveforms",
            mark: { type: "line", strokeWidth: 0.7, color: "#333333" },
            encoding: {
              x: { field: "t", type: "quantitative", scale: { nice: false, zero: false }, axis: { title: "Time (s)" } },
              y: { field: "a", type: "quantitative", scale: { domain: [-1, 1.5], nice: false }, axis: { title: "Norm. amp.", values: [-1, 0, 1] } },
              order: { field: "j", type: "quantitative" },
            },
          },
          // The label sits in the headroom above the trace (the axis runs to 1.5, the peak is 1).
          { transform: [{ filter: "datum.j == 1" }], mark: { type: "text", align: "left", baseline: "top", x: 3, y: 2, fontSize: 10 }, encoding: { text: { field: "label" } } },
        ],
      },
    });
  }
  return {
    name: "06-examples",
    number: 6,
    title: "The best examples of each cluster",
    caption: "For each cluster, its events with the highest silhouette: spectrograms (one colour scale) and waveforms (each normalised to its peak), labelled with event, magnitude and silhouette. Choose a cluster to show only its examples.",
    params: ["selCluster"],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      params: [CLUSTER_PARAM],
      vconcat: panels,
      resolve: { scale: { color: "independent" } },
    },
  };
}
