// Figure 10: one event through SpecUFEx: waveform, spectrogram, W beside V, EB beside γ, A and fingerprint.
// Every embedded event's panels are in the spec; the page's `selEvent` signal filters to one. Any other
// usable event's panels the page adds to the named datasets (fig10_*) from its packed bytes (`page`).
import { colormapPalette, type ColormapName } from "../colormap.js";
import type { ReportData } from "../data.js";
import { PACKED_LEVELS, type PackedMatrix } from "../packed.js";
import { storedDeflate, type ZlibDeflate } from "../png.js";
import { envelope } from "../stats.js";
import { INDEPENDENT_COLOR, eventLabel, heatmapLayer, num, tile, type Figure, type FigureContext, type VlSpec } from "./common.js";
import { emissionPanel, squareExtent, statesExtent } from "./hmm.js";
import { activationExtent, dictionaryPanel } from "./nmf.js";
import { spectrogramExtent } from "./spectrogram.js";

const FILTER = "datum.e == selEvent";

/** The header line of event i. */
function oneEventLabel(data: ReportData, i: number): string {
  const ev = data.events;
  const sil = ev.silhouette[i]!;
  return `Event ${eventLabel(data, i)} · ${ev.times[i] || "time unknown"} · depth ${Number.isFinite(ev.depthKm[i]!) ? ev.depthKm[i]!.toFixed(1) : "?"} km · cluster ${ev.cluster[i] || "none"} · silhouette ${Number.isFinite(sil) ? sil.toFixed(3) : "?"}`;
}

/** How the page draws one tile layer of a packed event: which matrix, colours, orientation and extents. */
interface PageLayer {
  readonly data: string;
  readonly key: string;
  readonly matrix: "spectrogram" | "activations" | "states" | "transitions" | "fingerprint";
  readonly colormap: ColormapName;
  readonly bottomUp: boolean;
  readonly y: readonly [number, number];
  /** Fixed x extent (square matrices); else the event's time extent. */
  readonly x?: readonly [number, number];
}

function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/**
 * What the page needs to redraw figure 10 for a packed event: per event its byte range in the block (each
 * event's bytes zlib-compressed on their own, padded to a multiple of 3 so its base64 can be cut out alone),
 * header line, time extent and quantised matrices (offsets inside the inflated bytes); per layer how to draw it.
 */
function pageData(data: ReportData, layers: readonly PageLayer[], hasWave: boolean, deflate: ZlibDeflate): { json: VlSpec; bytes: Uint8Array } | undefined {
  const packed = data.packed;
  if (!packed || packed.events.length === 0) return undefined;
  const mat = (m: PackedMatrix | undefined): unknown => (m ? [m.offset, m.rows, m.cols, m.lo, m.hi] : undefined);
  const events: Record<string, unknown> = {};
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const p of packed.events) {
    const z = deflate(packed.bytes.subarray(p.offset, p.offset + p.length));
    const padded = new Uint8Array(Math.ceil(z.length / 3) * 3);
    padded.set(z);
    chunks.push(padded);
    events[p.index] = {
      o: at,
      n: z.length,
      h: oneEventLabel(data, p.index),
      x: spectrogramExtent(data, p.spectrogram.cols).x,
      spectrogram: mat(p.spectrogram),
      activations: mat(p.activations),
      states: mat(p.states),
      transitions: mat(p.transitions),
      fingerprint: mat(p.fingerprint),
      wave: hasWave && p.waveform ? [p.waveform.offset, p.waveform.n, p.waveform.t0Seconds, p.waveform.dtSeconds, p.waveform.scale] : undefined,
    };
    at += padded.length;
  }
  const bytes = new Uint8Array(at);
  at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  const palettes: Record<string, string> = {};
  for (const l of layers) palettes[l.colormap] ??= hex(colormapPalette(l.colormap, PACKED_LEVELS));
  return { json: { events, layers, palettes, wave: hasWave ? "fig10_wave" : null, header: "fig10_header" }, bytes };
}

export function oneEventFigure(data: ReportData, ctx: FigureContext): Figure {
  const headers: VlSpec[] = [];
  const wave: VlSpec[] = [];
  const specRows: { tile: ReturnType<typeof tile>; extra: VlSpec; x: [number, number] }[] = [];
  const vRows: typeof specRows = [];
  const gRows: typeof specRows = [];
  const aRows: typeof specRows = [];
  const fRows: typeof specRows = [];
  let units = "";
  let freqY: [number, number] = [0, 1];
  let K = 0;
  let S = 0;
  for (const e of data.embedded) {
    const i = e.index;
    const extra = { e: i };
    headers.push({ e: i, label: oneEventLabel(data, i) });
    if (e.waveform) {
      const w = e.waveform;
      units = w.units;
      const env = envelope(w.data, w.sampleRateHz, w.startSeconds, 700);
      let peak = 0;
      for (const v of env.y) peak = Math.max(peak, Math.abs(v));
      // Four significant digits of the peak are plenty for a plot.
      const digits = peak > 0 ? Math.max(0, 4 - Math.floor(Math.log10(peak))) : 4;
      wave.push({ e: i, t: Array.from(env.t, (v) => num(v, 3)), a: Array.from(env.y, (v) => num(v, digits)) });
    }
    const se = spectrogramExtent(data, e.spectrogram.shape[1]);
    freqY = se.y;
    specRows.push({ tile: tile(ctx, e.spectrogram), extra, x: se.x });
    if (e.activations) {
      K = e.activations.shape[0];
      vRows.push({ tile: tile(ctx, e.activations, { colormap: "magma", rowZeroAtBottom: false }), extra, x: activationExtent(data, e.activations).x });
    }
    if (e.states) {
      S = e.states.shape[0];
      gRows.push({ tile: tile(ctx, e.states, { lo: 0, hi: 1, rowZeroAtBottom: false }), extra, x: statesExtent(data, e.states).x });
    }
    if (e.transitions) {
      S = e.transitions.shape[0];
      aRows.push({ tile: tile(ctx, e.transitions, { lo: 0, hi: 1, rowZeroAtBottom: false }), extra, x: squareExtent(S).x });
    }
    if (e.fingerprint) {
      S = e.fingerprint.shape[0];
      fRows.push({ tile: tile(ctx, e.fingerprint, { rowZeroAtBottom: false }), extra, x: squareExtent(S).x });
    }
  }
  const time = spectrogramExtent(data, data.embedded[0]?.spectrogram.shape[1] ?? 1).x;
  const sq = squareExtent(S);
  const layers: PageLayer[] = [{ data: "fig10_x", key: "x10", matrix: "spectrogram", colormap: "viridis", bottomUp: true, y: freqY }];
  if (vRows.length > 0) layers.push({ data: "fig10_v", key: "v10", matrix: "activations", colormap: "magma", bottomUp: false, y: [0.5, K + 0.5] });
  if (gRows.length > 0) layers.push({ data: "fig10_g", key: "g10", matrix: "states", colormap: "viridis", bottomUp: false, y: [0.5, S + 0.5] });
  if (aRows.length > 0) layers.push({ data: "fig10_a", key: "a10", matrix: "transitions", colormap: "viridis", bottomUp: false, y: sq.y, x: sq.x });
  if (fRows.length > 0) layers.push({ data: "fig10_f", key: "f10", matrix: "fingerprint", colormap: "viridis", bottomUp: false, y: sq.y, x: sq.x });
  const page = pageData(data, layers, wave.length > 0, ctx.deflate ?? storedDeflate);
  const rows: VlSpec[] = [];
  rows.push({
    name: "one_event_header",
    width: 700,
    height: 18,
    view: { stroke: null },
    data: { name: "fig10_header", values: headers },
    transform: [{ filter: FILTER }],
    mark: { type: "text", align: "left", baseline: "middle", fontSize: 14, fontWeight: "bold" },
    encoding: { x: { value: 0 }, y: { value: 9 }, text: { field: "label" } },
  });
  const row1: VlSpec[] = [];
  if (wave.length > 0) {
    row1.push({
      name: "one_event_waveform",
      title: "1. Waveform",
      width: 320,
      height: 180,
      data: { name: "fig10_wave", values: wave },
      transform: [{ filter: FILTER }, { flatten: ["t", "a"] }, { window: [{ op: "row_number", as: "j" }] }],
      mark: { type: "line", strokeWidth: 0.8, color: "#333333" },
      encoding: {
        x: { field: "t", type: "quantitative", scale: { nice: false, zero: false }, axis: { title: "Time (s)" } },
        y: { field: "a", type: "quantitative", axis: { title: amplitudeTitle(units), format: ".2~e" } },
        order: { field: "j", type: "quantitative" },
      },
    });
  }
  row1.push(heatmapLayer({
    key: "x10", x: time, y: freqY, xTitle: "Time (s)", yTitle: "Frequency (Hz)", colorTitle: data.spectrogramUnits,
    title: "2. Spectrogram X", rows: specRows, filter: FILTER, dataName: "fig10_x",
  }));
  rows.push({ hconcat: row1, resolve: INDEPENDENT_COLOR });
  if (data.dictionary || vRows.length > 0) {
    const row2: VlSpec[] = [];
    if (data.dictionary) row2.push(dictionaryPanel(data, ctx, data.dictionary, { key: "w10", title: "3. Dictionary W (shared)" }));
    if (vRows.length > 0) {
      row2.push(heatmapLayer({
        key: "v10", x: time, y: [0.5, K + 0.5], xTitle: "Time (s)", yTitle: "Pattern k", colorTitle: "Activation", yIsIndex: true, yReversed: true,
        title: "4. Activations V (X ≈ W·V)", colormap: "magma", rows: vRows, filter: FILTER, dataName: "fig10_v",
      }));
    }
    rows.push({ hconcat: row2, resolve: INDEPENDENT_COLOR });
  }
  if (data.emissions || gRows.length > 0) {
    const row3: VlSpec[] = [];
    if (data.emissions) row3.push(emissionPanel(ctx, data.emissions, { key: "eb10", title: "5. Emission matrix EB (shared)" }));
    if (gRows.length > 0) {
      row3.push(heatmapLayer({
        key: "g10", x: time, y: [0.5, S + 0.5], xTitle: "Time (s)", yTitle: "State s", colorTitle: "P(state)", yIsIndex: true, yReversed: true,
        title: "6. State sequence γ", rows: gRows, filter: FILTER, dataName: "fig10_g",
      }));
    }
    rows.push({ hconcat: row3, resolve: INDEPENDENT_COLOR });
  }
  if (aRows.length > 0 || fRows.length > 0) {
    const row4: VlSpec[] = [];
    const { x, y } = squareExtent(S);
    if (aRows.length > 0) {
      row4.push(heatmapLayer({
        key: "a10", x, y, xTitle: "To state j", yTitle: "From state i", colorTitle: "P(i→j)", xIsIndex: true, yIsIndex: true, yReversed: true,
        title: "7. State transition matrix A", width: 200, height: 200, rows: aRows, filter: FILTER, dataName: "fig10_a",
      }));
    }
    if (fRows.length > 0) {
      row4.push(heatmapLayer({
        key: "f10", x, y, xTitle: "To state j", yTitle: "From state i", colorTitle: "Fingerprint", xIsIndex: true, yIsIndex: true, yReversed: true,
        title: "8. Fingerprint (clustering feature)", width: 200, height: 200, rows: fRows, filter: FILTER, dataName: "fig10_f",
      }));
    }
    rows.push({ hconcat: row4, resolve: INDEPENDENT_COLOR });
  }
  return {
    name: "10-one-event",
    number: 10,
    title: "One event through SpecUFEx",
    caption: "The chain for one event, from its real numbers: waveform → spectrogram → activations of the NMF dictionary → hidden-state sequence under the HMM → state transitions → fingerprint. Choose any event on the map or in the catalogue table (outlined events carry full-precision matrices; the others are drawn from 8-bit copies and a 300-bin waveform envelope).",
    params: ["selEvent"],
    ...(page ? { page: page.json, pageBytes: page.bytes } : {}),
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      params: [{ name: "selEvent", value: data.defaultEvent }],
      vconcat: rows,
      resolve: INDEPENDENT_COLOR,
    },
  };
}

/** The waveform axis title: the ground-motion quantity for SI units, else "Amplitude" with the units as stored. */
export function amplitudeTitle(units: string): string {
  const quantity: Record<string, string> = { m: "Displacement", "m/s": "Velocity", "m/s²": "Acceleration", "m/s**2": "Acceleration" };
  const q = quantity[units];
  if (q) return `${q} (${units})`;
  return units ? `Amplitude (${units})` : "Amplitude";
}
