// Figure 10 for every event, not only the embedded ones: each event's matrices quantised to bytes (the
// byte is the tile's palette index, 255 = NaN, so the page colours them exactly as heatmapTile would) and
// its waveform as a min/max envelope in int8, all in one block the page decodes for the chosen event only.
import type { Matrix } from "../core/matrix.js";
import { envelope } from "./stats.js";
import { finiteRange } from "./tiles.js";

/** Quantisation levels 0..254 (the tiles' 255 colours); 255 marks NaN. */
export const PACKED_LEVELS = 255;
const NAN_BYTE = 255;

/** A quantised matrix: `rows × cols` bytes at `offset`; byte q ≠ 255 stands for lo + q·(hi − lo)/254. */
export interface PackedMatrix {
  readonly offset: number;
  readonly rows: number;
  readonly cols: number;
  readonly lo: number;
  readonly hi: number;
}

/** A waveform envelope: `n` int8 values at `offset` (value = q·scale), point j at `t0Seconds + j·dtSeconds`. */
export interface PackedWaveform {
  readonly offset: number;
  readonly n: number;
  readonly t0Seconds: number;
  readonly dtSeconds: number;
  readonly scale: number;
  readonly units: string;
}

/** One event's record; its bytes start at `offset` (a multiple of 3, so its base64 can be cut out alone). */
export interface PackedEvent {
  readonly index: number;
  readonly offset: number;
  readonly length: number;
  readonly spectrogram: PackedMatrix;
  readonly activations?: PackedMatrix;
  readonly states?: PackedMatrix;
  readonly transitions?: PackedMatrix;
  readonly fingerprint?: PackedMatrix;
  readonly waveform?: PackedWaveform;
}

/** Figure 10's data of many events (offsets inside events are relative to the event's `offset`). */
export interface PackedEvents {
  readonly events: readonly PackedEvent[];
  readonly bytes: Uint8Array;
}

/** What an event gives (an EmbeddedEvent fits; declared here so data.ts and this file do not import each other). */
export interface PackableEvent {
  readonly index: number;
  readonly spectrogram: Matrix;
  readonly activations?: Matrix;
  readonly states?: Matrix;
  readonly transitions?: Matrix;
  readonly fingerprint?: Matrix;
  readonly waveform?: { readonly data: Float64Array; readonly sampleRateHz: number; readonly startSeconds: number; readonly units: string };
}

/** Envelope bins of a packed waveform (two points each). */
export const PACKED_WAVE_BINS = 300;

/** Value ranges of the figure-10 tiles: γ and A on [0, 1], the rest their own finite range (as one-event.ts). */
function rangeOf(m: Matrix, fixedUnit: boolean): [number, number] {
  return fixedUnit ? [0, 1] : finiteRange(m.data);
}

/** Collects events one at a time (a run directory is read event by event), then `finish()`. */
export class PackedEventsBuilder {
  readonly #chunks: Uint8Array[] = [];
  readonly #events: PackedEvent[] = [];
  #length = 0;

  /** Adds event `e` (its spectrogram, and whichever of V, γ, A, fingerprint and waveform it has). */
  add(e: PackableEvent): this {
    const parts: Uint8Array[] = [];
    let at = 0;
    const put = (m: Matrix, fixedUnit: boolean): PackedMatrix => {
      const [lo, hi] = rangeOf(m, fixedUnit);
      const bytes = quantise(m.data, lo, hi);
      parts.push(bytes);
      const r: PackedMatrix = { offset: at, rows: m.shape[0], cols: m.shape[1], lo, hi };
      at += bytes.length;
      return r;
    };
    const spectrogram = put(e.spectrogram, false);
    const activations = e.activations ? put(e.activations, false) : undefined;
    const states = e.states ? put(e.states, true) : undefined;
    const transitions = e.transitions ? put(e.transitions, true) : undefined;
    const fingerprint = e.fingerprint ? put(e.fingerprint, false) : undefined;
    let waveform: PackedWaveform | undefined;
    if (e.waveform && e.waveform.data.length > 0) {
      const w = e.waveform;
      const L = w.data.length;
      const bins = Math.min(PACKED_WAVE_BINS, Math.max(1, Math.floor(L / 2)));
      const env = envelope(w.data, w.sampleRateHz, w.startSeconds, 2 * bins);
      let peak = 0;
      for (let j = 0; j < env.y.length; j++) if (Math.abs(env.y[j]!) > peak) peak = Math.abs(env.y[j]!);
      const scale = peak > 0 ? peak / 127 : 1;
      const q = new Uint8Array(env.y.length);
      for (let j = 0; j < q.length; j++) q[j] = Math.round(env.y[j]! / scale) & 0xff;
      parts.push(q);
      // Regular times: the min and max of a bin at its quarter and three-quarter marks (within a bin of the truth).
      const dt = env.y.length < L ? L / env.y.length / w.sampleRateHz : 1 / w.sampleRateHz;
      const t0 = env.y.length < L ? w.startSeconds + dt / 2 : w.startSeconds;
      waveform = { offset: at, n: q.length, t0Seconds: t0, dtSeconds: dt, scale, units: w.units };
      at += q.length;
    }
    const padded = Math.ceil(at / 3) * 3;
    const block = new Uint8Array(padded);
    let o = 0;
    for (const p of parts) { block.set(p, o); o += p.length; }
    this.#chunks.push(block);
    this.#events.push({
      index: e.index, offset: this.#length, length: at, spectrogram,
      ...(activations ? { activations } : {}), ...(states ? { states } : {}), ...(transitions ? { transitions } : {}),
      ...(fingerprint ? { fingerprint } : {}), ...(waveform ? { waveform } : {}),
    });
    this.#length += padded;
    return this;
  }

  finish(): PackedEvents {
    const bytes = new Uint8Array(this.#length);
    let o = 0;
    for (const c of this.#chunks) { bytes.set(c, o); o += c.length; }
    return { events: this.#events.slice(), bytes };
  }
}

/** Bytes of `values` on [lo, hi]: round((v − lo)/(hi − lo)·254), clamped; NaN → 255 (as heatmapTile's indices). */
export function quantise(values: ArrayLike<number>, lo: number, hi: number): Uint8Array {
  const span = hi > lo ? hi - lo : 1;
  const out = new Uint8Array(values.length);
  const top = PACKED_LEVELS - 1;
  for (let j = 0; j < values.length; j++) {
    const v = values[j]!;
    if (Number.isNaN(v)) { out[j] = NAN_BYTE; continue; }
    const t = (v - lo) / span;
    out[j] = t <= 0 ? 0 : t >= 1 ? top : Math.round(t * top);
  }
  return out;
}

/** The matrix a packed matrix stands for (each value within (hi − lo)/508 of the original in [lo, hi]). */
export function unpackMatrix(packed: PackedEvents, e: PackedEvent, m: PackedMatrix): Matrix {
  const span = m.hi > m.lo ? m.hi - m.lo : 1;
  const src = packed.bytes.subarray(e.offset + m.offset, e.offset + m.offset + m.rows * m.cols);
  const data = new Float64Array(src.length);
  for (let j = 0; j < src.length; j++) data[j] = src[j] === NAN_BYTE ? NaN : m.lo + (src[j]! / (PACKED_LEVELS - 1)) * span;
  return { data, shape: [m.rows, m.cols] };
}

/** The waveform envelope a packed event stands for: times (s) and values. */
export function unpackWaveform(packed: PackedEvents, e: PackedEvent): { t: Float64Array; y: Float64Array } | undefined {
  const w = e.waveform;
  if (!w) return undefined;
  const t = new Float64Array(w.n);
  const y = new Float64Array(w.n);
  const src = packed.bytes;
  for (let j = 0; j < w.n; j++) {
    const b = src[e.offset + w.offset + j]!;
    t[j] = w.t0Seconds + j * w.dtSeconds;
    y[j] = (b > 127 ? b - 256 : b) * w.scale;
  }
  return { t, y };
}
