// Figure 1: a raw and a normalised spectrogram of the default event.
import type { Matrix } from "../../core/matrix.js";
import { embeddedEvent, type EmbeddedEvent, type ReportData } from "../data.js";
import { edges, eventLabel, heatmapLayer, tile, type Figure, type FigureContext, type VlSpec } from "./common.js";

/** Cell edges of the time (x) and frequency (y) axes of a D×M spectrogram. */
export function spectrogramExtent(data: ReportData, M: number): { x: [number, number]; y: [number, number] } {
  const f = data.frequenciesHz;
  const df = f.length > 1 ? f[1]! - f[0]! : 1;
  return {
    x: edges(data.timeAxis.t0Seconds, data.timeAxis.dtSeconds, Math.max(1, M)),
    y: edges(f[0] ?? 0, df, Math.max(1, f.length)),
  };
}

/** A spectrogram panel (image + legend). */
export function spectrogramPanel(data: ReportData, ctx: FigureContext, m: Matrix, key: string, title: string, colorTitle: string): VlSpec {
  const { x, y } = spectrogramExtent(data, m.shape[1]);
  return heatmapLayer({
    key, x, y, title,
    xTitle: "Time (s)", yTitle: "Frequency (Hz)", colorTitle,
    rows: [{ tile: tile(ctx, m) }],
  });
}

export function defaultEmbedded(data: ReportData): EmbeddedEvent {
  return embeddedEvent(data, data.defaultEvent)!;
}

export function spectrogramFigure(data: ReportData, ctx: FigureContext): Figure {
  const e = defaultEmbedded(data);
  const panels: VlSpec[] = [];
  if (e.rawSpectrogram) panels.push(spectrogramPanel(data, ctx, e.rawSpectrogram, "raw_db", "Raw spectrogram", "Power (dB)"));
  panels.push(spectrogramPanel(data, ctx, e.spectrogram, "norm", "Normalised spectrogram", data.spectrogramUnits));
  return {
    name: "01-spectrogram",
    number: 1,
    title: `Spectrograms of event ${eventLabel(data, e.index)}`,
    caption: "Left: the raw spectrogram, the power spectral density of the event's waveform (Hann window of the STFT's length, same column times) in dB; right: the normalised spectrogram the NMF model was fitted to.",
    params: [],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: { text: `Event ${eventLabel(data, e.index)}`, subtitle: data.events.times[e.index] ?? "" },
      hconcat: panels,
      resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    },
  };
}
