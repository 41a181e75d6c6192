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

/** A spectrogram panel (image + legend); `lo` clips the colour range from below (e.g. deep notches of a raw PSD). */
export function spectrogramPanel(data: ReportData, ctx: FigureContext, m: Matrix, key: string, title: string, colorTitle: string, lo?: number): VlSpec {
  const { x, y } = spectrogramExtent(data, m.shape[1]);
  return heatmapLayer({
    key, x, y, title,
    xTitle: "Time (s)", yTitle: "Frequency (Hz)", colorTitle,
    rows: [{ tile: tile(ctx, m, lo === undefined ? {} : { lo }) }],
  });
}

/** The q-quantile of the finite values (nearest rank). */
function quantile(values: Float64Array, q: number): number {
  const v = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  return v.length === 0 ? NaN : v[Math.min(v.length - 1, Math.max(0, Math.round(q * (v.length - 1))))]!;
}

export function defaultEmbedded(data: ReportData): EmbeddedEvent {
  return embeddedEvent(data, data.defaultEvent)!;
}

export function spectrogramFigure(data: ReportData, ctx: FigureContext): Figure {
  const e = defaultEmbedded(data);
  const panels: VlSpec[] = [];
  if (e.rawSpectrogram) {
    const u = e.waveform?.units ?? "";
    const units = u && !/\s/.test(u) ? `dB re 1 (${u})²/Hz` : "dB";
    // The colour range starts at the 2nd percentile: a few near-zero bins would otherwise take most of it.
    panels.push(spectrogramPanel(data, ctx, e.rawSpectrogram, "raw_db", "Raw spectrogram", `PSD (${units})`, quantile(e.rawSpectrogram.data, 0.02)));
  }
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
