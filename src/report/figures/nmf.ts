// Figure 2: the NMF dictionary EW·diag(EA) (frequency × pattern) and an activation matrix beside its spectrogram.
import type { Matrix } from "../../core/matrix.js";
import type { ReportData } from "../data.js";
import { edges, eventLabel, heatmapLayer, tile, type Figure, type FigureContext, type HeatmapLayerOptions, type VlSpec } from "./common.js";
import { defaultEmbedded, spectrogramExtent, spectrogramPanel } from "./spectrogram.js";

/** The dictionary panel: D×K, patterns along x, frequency up. */
export function dictionaryPanel(data: ReportData, ctx: FigureContext, W: Matrix, extra: Partial<HeatmapLayerOptions> = {}): VlSpec {
  const K = W.shape[1];
  return heatmapLayer({
    key: "w", x: edges(1, 1, K), y: spectrogramExtent(data, 1).y,
    xTitle: "Pattern k", yTitle: "Frequency (Hz)", colorTitle: "EW·EA", xIsIndex: true,
    title: "Dictionary W = EW·diag(EA)", width: Math.max(120, Math.min(260, 12 * K)), colormap: "magma",
    rows: [{ tile: tile(ctx, W, { colormap: "magma" }) }],
    ...extra,
  });
}

/** Axis extents of an activation matrix V (K×M): time along x, pattern 1 at the top. */
export function activationExtent(data: ReportData, V: Matrix): { x: [number, number]; y: [number, number] } {
  return { x: spectrogramExtent(data, V.shape[1]).x, y: edges(1, 1, V.shape[0]) };
}

export function nmfFigure(data: ReportData, ctx: FigureContext): Figure | undefined {
  const W = data.dictionary;
  const e = defaultEmbedded(data);
  if (!W) return undefined;
  const panels: VlSpec[] = [dictionaryPanel(data, ctx, W)];
  if (e.activations) {
    const { x, y } = activationExtent(data, e.activations);
    panels.push(heatmapLayer({
      key: "v", x, y, xTitle: "Time (s)", yTitle: "Pattern k", colorTitle: "Activation", yIsIndex: true, yReversed: true,
      title: "Activation matrix V", colormap: "magma",
      rows: [{ tile: tile(ctx, e.activations, { colormap: "magma", rowZeroAtBottom: false }) }],
    }));
  }
  panels.push(spectrogramPanel(data, ctx, e.spectrogram, "x", "Spectrogram X", data.spectrogramUnits));
  return {
    name: "02-nmf",
    number: 2,
    title: "NMF dictionary and one event's activations",
    caption: `The dictionary's ${W.shape[1]} patterns (columns of EW scaled by EA); the activation matrix V of event ${eventLabel(data, e.index)} says when each pattern is active; beside it the spectrogram it explains.`,
    params: [],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      hconcat: panels,
      resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    },
  };
}
