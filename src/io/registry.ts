// The waveform readers behind one interface (STYLE.md §6), tried in detection order.
import { UnknownFormatError } from "../core/errors.js";
import type { ReadResult, Trace } from "../core/trace.js";
import { miniseed2 } from "./miniseed2.js";
import { miniseed3 } from "./miniseed3.js";
import { sac } from "./sac.js";

/** A waveform file format: cheap detection, a validating reader, optionally a writer. */
export interface WaveformFormat<O = {}> {
  readonly name: "MSEED3" | "MSEED2" | "SAC";
  readonly extensions: readonly string[];
  /** Looks at ≤ 1 KiB of the file's start; never throws; not a validation. */
  sniff(head: Uint8Array): boolean;
  /** Decodes and validates everything: { traces, warnings }, or a FormatError naming file, record, offset. */
  read(bytes: Uint8Array, source: string, options?: O): ReadResult;
  write?(traces: readonly Trace[], options?: O): Uint8Array;
}

/** The formats in detection order. */
export const WAVEFORM_FORMATS = [miniseed3, miniseed2, sac] as const;

/** A format's name, e.g. "MSEED2". */
export type WaveformFormatName = (typeof WAVEFORM_FORMATS)[number]["name"];

/** Bytes of a file's start that `detectFormat` needs. */
export const SNIFF_BYTES = 1024;

/**
 * The format of a file from its first bytes: `sniff` in list order; the file name's
 * extension only breaks ties between formats that both recognise the bytes.
 * @throws UnknownFormatError naming the file and the formats tried.
 */
export function detectFormat(head: Uint8Array, fileName: string): WaveformFormat<any> {
  const slice = head.length > SNIFF_BYTES ? head.subarray(0, SNIFF_BYTES) : head;
  const matches = WAVEFORM_FORMATS.filter((f) => f.sniff(slice));
  if (matches.length === 0) {
    const tried = WAVEFORM_FORMATS.map((f) => f.name);
    throw new UnknownFormatError(`${fileName}: not a known waveform format (tried ${tried.join(", ")})`, tried, { file: fileName, offset: 0 });
  }
  if (matches.length > 1) {
    const lower = fileName.toLowerCase();
    const byExtension = matches.find((f) => f.extensions.some((e) => lower.endsWith(e.toLowerCase())));
    if (byExtension) return byExtension;
  }
  return matches[0]!;
}

/** The format of a given name (case-insensitive), e.g. "mseed2" or "SAC". */
export function formatByName(name: string): WaveformFormat<any> | undefined {
  const upper = name.toUpperCase();
  return WAVEFORM_FORMATS.find((f) => f.name === upper);
}

/**
 * Reads waveform bytes, detecting the format unless one is given.
 * @throws UnknownFormatError, FormatError naming the file.
 */
export function readWaveform(bytes: Uint8Array, source: string, options: { format?: WaveformFormatName } = {}): ReadResult {
  const format = options.format !== undefined ? formatByName(options.format) : detectFormat(bytes, source);
  if (!format) {
    const tried = WAVEFORM_FORMATS.map((f) => f.name);
    throw new UnknownFormatError(`${source}: unknown format "${options.format}" (known: ${tried.join(", ")})`, tried, { file: source });
  }
  return format.read(bytes, source);
}
