// The only file access of the waveform readers: read the bytes, then hand them to the registry.
import { readFile } from "node:fs/promises";
import { FormatError } from "../core/errors.js";
import type { ReadResult } from "../core/trace.js";
import { readWaveform, type WaveformFormatName } from "./registry.js";

/** Options of `readWaveformFile`. */
export interface ReadWaveformFileOptions {
  /** Skip detection and read as this format. */
  readonly format?: WaveformFormatName;
}

/**
 * Reads a waveform file (miniSEED 3, miniSEED 2 or SAC, detected from its bytes).
 * @returns traces and warnings (e.g. a dropped truncated final record).
 * @throws UnknownFormatError, FormatError naming the file (also when it cannot be read).
 * @example
 * const { traces, warnings } = await readWaveformFile("data/IV.T1214..EHZ.mseed");
 */
export async function readWaveformFile(path: string, options: ReadWaveformFileOptions = {}): Promise<ReadResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new FormatError(`${path}: cannot read the file (${(err as Error).message})`, { file: path, cause: err });
  }
  const result = readWaveform(bytes, path, options.format !== undefined ? { format: options.format } : {});
  return result;
}

