// Figure 3: the HMM emission matrix EB, a state-sequence matrix γ and a fingerprint.
import type { Matrix } from "../../core/matrix.js";
import type { ReportData } from "../data.js";
import { edges, eventLabel, heatmapLayer, tile, type Figure, type FigureContext, type HeatmapLayerOptions, type VlSpec } from "./common.js";
import { spectrogramExtent } from "./spectrogram.js";
import { defaultEmbedded } from "./spectrogram.js";

/** EB (S×K): patterns along x, state 1 at the top. */
export function emissionPanel(ctx: FigureContext, EB: Matrix, extra: Partial<HeatmapLayerOptions> = {}): VlSpec {
  const [S, K] = EB.shape;
  return heatmapLayer({
    key: "eb", x: edges(1, 1, K), y: edges(1, 1, S), xTitle: "Pattern k", yTitle: "State s", colorTitle: "EB",
    xIsIndex: true, yIsIndex: true, yReversed: true, title: "Emission matrix EB", colormap: "magma",
    width: Math.max(120, Math.min(260, 12 * K)), rows: [{ tile: tile(ctx, EB, { colormap: "magma", rowZeroAtBottom: false }) }],
    ...extra,
  });
}

/** Extents of γ (S×M): time along x, state 1 at the top. */
export function statesExtent(data: ReportData, gamma: Matrix): { x: [number, number]; y: [number, number] } {
  return { x: spectrogramExtent(data, gamma.shape[1]).x, y: edges(1, 1, gamma.shape[0]) };
}

/** Extents of an S×S matrix (A, fingerprint): "to" state along x, "from" state 1 at the top. */
export function squareExtent(S: number): { x: [number, number]; y: [number, number] } {
  return { x: edges(1, 1, S), y: edges(1, 1, S) };
}

export function hmmFigure(data: ReportData, ctx: FigureContext): Figure | undefined {
  const EB = data.emissions;
  const e = defaultEmbedded(data);
  if (!EB && !e.states && !e.fingerprint) return undefined;
  const panels: VlSpec[] = [];
  if (EB) panels.push(emissionPanel(ctx, EB));
  if (e.states) {
    const { x, y } = statesExtent(data, e.states);
    panels.push(heatmapLayer({
      key: "gam", x, y, xTitle: "Time (s)", yTitle: "State s", colorTitle: "P(state)", yIsIndex: true, yReversed: true,
      title: "State-sequence matrix γ", rows: [{ tile: tile(ctx, e.states, { lo: 0, hi: 1, rowZeroAtBottom: false }) }],
    }));
  }
  if (e.fingerprint) {
    const S = e.fingerprint.shape[0];
    const { x, y } = squareExtent(S);
    panels.push(heatmapLayer({
      key: "fp", x, y, xTitle: "To state j", yTitle: "From state i", colorTitle: "Fingerprint", xIsIndex: true, yIsIndex: true,
      yReversed: true, title: "Fingerprint", width: 180, height: 180,
      rows: [{ tile: tile(ctx, e.fingerprint, { rowZeroAtBottom: false }) }],
    }));
  }
  return {
    name: "03-hmm",
    number: 3,
    title: "HMM emission matrix, state sequence and fingerprint",
    caption: `EB gives each hidden state's expected pattern activations; γ is event ${eventLabel(data, e.index)}'s state probability over time; its fingerprint (state transitions weighted by state occupancy) is the clustering feature.`,
    params: [],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      hconcat: panels,
      resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    },
  };
}
