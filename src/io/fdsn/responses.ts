// From service answers to the library's records: a dataselect answer (miniSEED 2 or 3) split into the
// records of each requested window and decoded per window. The decoding itself is the readers' (miniseed2/3).
import { FormatError, UnknownFormatError } from "../../core/errors.js";
import type { ReadResult } from "../../core/trace.js";
import { miniseed2, scanMiniseed2 } from "../miniseed2.js";
import { miniseed3, scanMiniseed3 } from "../miniseed3.js";
import type { WaveformRequest } from "./urls.js";

/** Where a record lies in an answer, and what it holds. */
interface RecordSpan {
  readonly offset: number;
  readonly length: number;
  readonly id: string;
  readonly startNs: bigint;
  /** Time after its last sample (= startNs for records without samples or rate). */
  readonly endNs: bigint;
}

/** An answer cut into the records of each request. */
export interface SplitResponse {
  /** The miniSEED version found. */
  readonly format: "MSEED2" | "MSEED3";
  /** Per request (same order): its records' bytes concatenated, in answer order; empty when none. */
  readonly parts: Uint8Array[];
  /** Warnings of the whole answer (e.g. a truncated final record): which window lost data is unknown. */
  readonly warnings: string[];
  /** Records that matched no request (a service returning more than asked). */
  readonly unmatchedRecords: number;
}

function channelId(network: string, station: string, location: string, channel: string): string {
  return `${network}.${station}.${location.trim() === "--" ? "" : location.trim()}.${channel}`;
}

/** The id of a request as records spell it ("" for an empty location). */
export function requestId(r: WaveformRequest): string {
  return channelId(r.network, r.station, r.location, r.channel);
}

function spans(bytes: Uint8Array, source: string): { format: "MSEED2" | "MSEED3"; records: RecordSpan[]; warnings: string[] } {
  const head = bytes.subarray(0, 1024);
  const end = (startNs: bigint, count: number, rate: number): bigint =>
    count > 0 && rate > 0 && Number.isFinite(rate) ? startNs + BigInt(Math.round((count * 1e9) / rate)) : startNs;
  if (miniseed3.sniff(head)) {
    const scan = scanMiniseed3(bytes, source);
    return {
      format: "MSEED3",
      warnings: scan.warnings,
      records: scan.records.map((r) => ({ offset: r.offset, length: r.recordLength, id: channelId(r.network, r.station, r.location, r.channel), startNs: r.startNs, endNs: end(r.startNs, r.sampleCount, r.sampleRateHz) })),
    };
  }
  if (miniseed2.sniff(head)) {
    const scan = scanMiniseed2(bytes, source);
    return {
      format: "MSEED2",
      warnings: scan.warnings,
      records: scan.records.map((r) => ({ offset: r.offset, length: r.recordLength, id: channelId(r.network, r.station, r.location, r.channel), startNs: r.startNs, endNs: end(r.startNs, r.sampleCount, r.sampleRateHz) })),
    };
  }
  const preview = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, 80)).replace(/\s+/g, " ").trim();
  throw new UnknownFormatError(`${source}: the answer is not miniSEED (tried MSEED3, MSEED2; starts with "${preview}")`, ["MSEED3", "MSEED2"], { file: source, offset: 0 });
}

/**
 * Splits a dataselect answer into the records of each request: a record goes to every request of the same
 * channel whose window [startNs, endNs] it overlaps.
 * @throws FormatError (or UnknownFormatError) when the answer is not miniSEED at all.
 */
export function splitDataselectResponse(bytes: Uint8Array, requests: readonly WaveformRequest[], source: string): SplitResponse {
  const { format, records, warnings } = spans(bytes, source);
  const chunks: number[][] = requests.map(() => []);
  const ids = requests.map(requestId);
  let unmatched = 0;
  for (let k = 0; k < records.length; k++) {
    const rec = records[k]!;
    let matched = false;
    for (let i = 0; i < requests.length; i++) {
      const r = requests[i]!;
      if (ids[i] !== rec.id) continue;
      const overlaps = rec.endNs > rec.startNs ? rec.startNs <= r.endNs && rec.endNs > r.startNs : rec.startNs >= r.startNs && rec.startNs <= r.endNs;
      if (overlaps) {
        chunks[i]!.push(k);
        matched = true;
      }
    }
    if (!matched) unmatched++;
  }
  const parts = chunks.map((list) => {
    let total = 0;
    for (const k of list) total += records[k]!.length;
    const out = new Uint8Array(total);
    let p = 0;
    for (const k of list) {
      const rec = records[k]!;
      out.set(bytes.subarray(rec.offset, rec.offset + rec.length), p);
      p += rec.length;
    }
    return out;
  });
  return { format, parts, warnings, unmatchedRecords: unmatched };
}

/**
 * Decodes miniSEED bytes (version 2 or 3, detected) with the project's readers.
 * @throws FormatError naming `source`, record and offset; UnknownFormatError when neither version matches.
 */
export function readMiniseedBytes(bytes: Uint8Array, source: string): ReadResult {
  const head = bytes.subarray(0, 1024);
  if (miniseed3.sniff(head)) return miniseed3.read(bytes, source);
  if (miniseed2.sniff(head)) return miniseed2.read(bytes, source);
  if (bytes.length === 0) throw new FormatError(`${source}: empty (no miniSEED record)`, { file: source, offset: 0 });
  throw new UnknownFormatError(`${source}: not miniSEED (tried MSEED3, MSEED2)`, ["MSEED3", "MSEED2"], { file: source, offset: 0 });
}
