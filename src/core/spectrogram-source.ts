import type { Matrix } from "./matrix.js";

/**
 * N spectrograms, each D×M_n (D frequency rows, M_n time columns; M_n may differ),
 * handed out one at a time so a fit can stream minibatches from disk.
 */
export interface SpectrogramSource {
  /** Number of spectrograms N. */
  readonly count: number;
  /** Number of frequency rows D shared by all spectrograms. */
  readonly rows: number;
  /** Spectrogram i as a D×M_i matrix. */
  get(i: number): Matrix;
  /** Time columns M_i of spectrogram i, without reading it. */
  columns(i: number): number;
  /** An id for messages (event_ID), defaults to the index. */
  id?(i: number): string;
  /** Async variant for sources backed by files. */
  getAsync?(i: number): Promise<Matrix>;
}

/** A SpectrogramSource over matrices held in memory. */
export function arraySource(spectrograms: readonly Matrix[], ids?: readonly string[]): SpectrogramSource {
  return {
    count: spectrograms.length,
    rows: spectrograms.length > 0 ? spectrograms[0]!.shape[0] : 0,
    get: (i) => spectrograms[i]!,
    columns: (i) => spectrograms[i]!.shape[1],
    id: (i) => (ids ? ids[i]! : String(i)),
    getAsync: async (i) => spectrograms[i]!,
  };
}

/** True when `x` looks like a SpectrogramSource rather than an array of matrices. */
export function isSpectrogramSource(x: unknown): x is SpectrogramSource {
  return typeof x === "object" && x !== null && !Array.isArray(x) && typeof (x as SpectrogramSource).get === "function" && typeof (x as SpectrogramSource).count === "number";
}
