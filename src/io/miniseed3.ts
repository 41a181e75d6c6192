// miniSEED 3 (FDSN 2023): 40-byte little-endian fixed header, FDSN source identifier,
// JSON extra headers, payload in the SEED encodings (Steim frames big-endian, others
// little-endian). Every record's CRC-32C is checked; a truncated final record is dropped
// with a warning; any other defect is a FormatError naming file, record and offset.
import { FormatError } from "../core/errors.js";
import { bool, resolveOptions } from "../core/options.js";
import type { ReadResult, Trace } from "../core/trace.js";
import { decodeMiniseed2Data } from "./miniseed2-data.js";
import type { WaveformFormat } from "./registry.js";
import { mergeRecords } from "./trace-merge.js";
import { finishTraces } from "./waveform-result.js";

const FIXED = 40;

/** Options of the miniSEED 3 reader. */
export interface Miniseed3ReadOptions {
  /** Keep text channels and traces without samples or rate (default false: dropped with a warning). */
  readonly keepNonWaveform?: boolean;
  /** Check each record's CRC-32C (default true). */
  readonly checkCrc?: boolean;
  /** Throw a FormatError on a truncated final record instead of warning (default false). */
  readonly strict?: boolean;
}

/** One decoded miniSEED 3 record. */
export interface Miniseed3Record {
  readonly offset: number;
  readonly recordLength: number;
  /** The FDSN source identifier, e.g. "FDSN:XX_TEST__L_H_Z". */
  readonly sourceId: string;
  readonly network: string;
  readonly station: string;
  readonly location: string;
  readonly channel: string;
  readonly flags: number;
  readonly startNs: bigint;
  /** Hz (a negative header value, a period in seconds, is converted). */
  readonly sampleRateHz: number;
  readonly sampleCount: number;
  readonly encoding: number;
  readonly crc: number;
  readonly publicationVersion: number;
  /** Parsed extra headers (JSON), undefined when absent. */
  readonly extraHeaders?: unknown;
  readonly data: Float64Array | null;
  readonly isText: boolean;
}

const OPTION_RULES = { keepNonWaveform: bool(false), checkCrc: bool(true), strict: bool(false) };

let crcTable: Uint32Array | undefined;

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of bytes[start, end), with the 4 bytes at `skip` read as zeros. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length, skip = -1): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  const table = crcTable;
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) {
    const byte = skip >= 0 && i >= skip && i < skip + 4 ? 0 : bytes[i]!;
    crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Splits an FDSN source identifier into SEED codes ("FDSN:NET_STA_LOC_B_S_SS" → NET, STA, LOC, BSS). */
export function parseSourceId(sid: string): { network: string; station: string; location: string; channel: string } {
  if (!sid.startsWith("FDSN:")) return { network: "", station: sid, location: "", channel: "" };
  const parts = sid.slice(5).split("_");
  if (parts.length >= 6) {
    const [network, station, location, ...rest] = parts;
    const channel = rest.length === 3 && rest.every((x) => x.length === 1) ? rest.join("") : rest.join("_");
    return { network: network!, station: station!, location: location!, channel };
  }
  return { network: parts[0] ?? "", station: parts[1] ?? "", location: parts[2] ?? "", channel: parts.slice(3).join("_") };
}

/**
 * Decodes the records of a miniSEED 3 file.
 * @returns the records and warnings (a truncated final record, undecodable extra headers).
 * @throws FormatError naming file, record and byte offset.
 */
export function scanMiniseed3(bytes: Uint8Array, source: string, options: { checkCrc?: boolean; strict?: boolean } = {}): { records: Miniseed3Record[]; warnings: string[] } {
  const checkCrc = options.checkCrc ?? true;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Miniseed3Record[] = [];
  const warnings: string[] = [];
  const fail = (p: number, what: string): never => {
    throw new FormatError(`${source}: record ${records.length} at byte ${p}: ${what}`, { file: source, record: records.length, offset: p });
  };
  let p = 0;
  let crcUnset = 0;
  const n = bytes.length;
  while (p < n) {
    const remaining = n - p;
    if (remaining < FIXED) {
      if (bytes[p] !== 0x4d || (remaining > 1 && bytes[p + 1] !== 0x53)) fail(p, `${remaining} bytes that are not a miniSEED 3 record (expected "MS")`);
      truncated(p, `only ${remaining} of the 40 header bytes`);
      break;
    }
    if (bytes[p] !== 0x4d || bytes[p + 1] !== 0x53) fail(p, `record signature is not "MS" (got bytes ${bytes[p]}, ${bytes[p + 1]})`);
    if (bytes[p + 2] !== 3) fail(p, `format version ${bytes[p + 2]} is not 3`);
    const sidLength = bytes[p + 33]!;
    const extraLength = view.getUint16(p + 34, true);
    const dataLength = view.getUint32(p + 36, true);
    const recordLength = FIXED + sidLength + extraLength + dataLength;
    if (recordLength > remaining) {
      truncated(p, `${recordLength}-byte record, only ${remaining} bytes left`);
      break;
    }
    const crc = view.getUint32(p + 28, true);
    // Some writers leave the CRC at 0 ("not computed"); such records are read, with one warning.
    if (crc === 0) crcUnset++;
    else if (checkCrc) {
      const actual = crc32c(bytes, p, p + recordLength, p + 28);
      if (actual !== crc) fail(p, `CRC-32C mismatch (header 0x${hex(crc)}, computed 0x${hex(actual)})`);
    }
    const nanosecond = view.getUint32(p + 4, true);
    const year = view.getUint16(p + 8, true);
    const day = view.getUint16(p + 10, true);
    const hour = bytes[p + 12]!, minute = bytes[p + 13]!, second = bytes[p + 14]!;
    if (nanosecond > 999_999_999 || day < 1 || day > 366 || hour > 23 || minute > 59 || second > 60) {
      fail(p, `invalid start time ${year},${day},${hour}:${minute}:${second}.${nanosecond} (expected day 1–366, h ≤ 23, m ≤ 59, s ≤ 60, ns < 1e9)`);
    }
    const ms = Date.UTC(year, 0, 1) + (day - 1) * 86400000 + hour * 3600000 + minute * 60000 + second * 1000;
    const startNs = BigInt(ms) * 1_000_000n + BigInt(nanosecond);
    const encoding = bytes[p + 15]!;
    const rateField = view.getFloat64(p + 16, true);
    const sampleRateHz = rateField < 0 ? -1 / rateField : rateField;
    if (!Number.isFinite(sampleRateHz)) fail(p, `sample rate ${rateField} is not finite`);
    const sampleCount = view.getUint32(p + 24, true);
    const sid = new TextDecoder("utf-8").decode(bytes.subarray(p + FIXED, p + FIXED + sidLength));
    let extraHeaders: unknown;
    if (extraLength > 0) {
      const text = new TextDecoder("utf-8").decode(bytes.subarray(p + FIXED + sidLength, p + FIXED + sidLength + extraLength));
      try {
        extraHeaders = JSON.parse(text);
      } catch {
        warnings.push(`${source}: record ${records.length} at byte ${p}: extra headers are not valid JSON (ignored)`);
      }
    }
    let data: Float64Array | null = null;
    if (sampleCount > 0) {
      const dataStart = p + FIXED + sidLength + extraLength;
      // miniSEED 3 keeps Steim frames big-endian; every other encoding is little-endian.
      const littleEndian = encoding !== 10 && encoding !== 11;
      const decoded = decodeMiniseed2Data(bytes, dataStart, dataLength, encoding, littleEndian, sampleCount);
      if (typeof decoded === "string") fail(p, decoded);
      else {
        if (decoded.problem !== undefined) warnings.push(`${source}: record ${records.length} at byte ${p}: ${decoded.problem}; samples kept`);
        data = decoded.data;
      }
    }
    records.push({
      offset: p, recordLength, sourceId: sid, ...parseSourceId(sid), flags: bytes[p + 3]!, startNs, sampleRateHz, sampleCount,
      encoding, crc, publicationVersion: bytes[p + 32]!, ...(extraHeaders === undefined ? {} : { extraHeaders }), data, isText: encoding === 0,
    });
    p += recordLength;
  }
  if (crcUnset > 0) warnings.push(`${source}: ${crcUnset} of ${records.length} records have no CRC (0); their integrity was not checked`);
  if (records.length === 0) throw new FormatError(`${source}: no complete miniSEED 3 record (${n} bytes${warnings.length ? `; ${warnings[0]}` : ""})`, { file: source, offset: 0 });
  return { records, warnings };

  function truncated(at: number, what: string): void {
    const message = `${source}: record ${records.length} at byte ${at}: truncated final record dropped (${what})`;
    if (options.strict) throw new FormatError(message, { file: source, record: records.length, offset: at });
    warnings.push(message);
  }
}

function hex(x: number): string {
  return x.toString(16).toUpperCase().padStart(8, "0");
}

/**
 * Reads a miniSEED 3 file into traces (records merged with libmseed's default tolerances).
 * @throws FormatError naming file, record and byte offset (bad signature, CRC, lengths, encoding).
 * @example
 * const { traces } = readMiniseed3(bytes, "CO.BIRD.00.HHZ.ms3");
 */
export function readMiniseed3(bytes: Uint8Array, source: string, options: Miniseed3ReadOptions = {}): ReadResult {
  const opts = resolveOptions<Required<Miniseed3ReadOptions>>("readMiniseed3", OPTION_RULES, options);
  const { records, warnings } = scanMiniseed3(bytes, source, opts);
  return finishTraces(mergeRecords(records, 1n), warnings, source, opts.keepNonWaveform);
}

/**
 * Writes traces as miniSEED 3 records (FLOAT64 payload, at most `maxSamples` per record).
 * Start times keep nanoseconds; the rate is written in Hz.
 */
export function writeMiniseed3(traces: readonly Trace[], options: { maxSamples?: number } = {}): Uint8Array {
  const maxSamples = options.maxSamples ?? 4096;
  const chunks: Uint8Array[] = [];
  const encoder = new TextEncoder();
  for (const t of traces) {
    const sid = encoder.encode(`FDSN:${t.network}_${t.station}_${t.location}_${t.channel.length === 3 ? t.channel.split("").join("_") : t.channel}`);
    for (let i0 = 0; i0 === 0 || i0 < t.data.length; i0 += maxSamples) {
      const count = Math.min(maxSamples, t.data.length - i0);
      const startNs = t.startNs + BigInt(Math.round((i0 / t.sampleRateHz) * 1e9));
      const rec = new Uint8Array(FIXED + sid.length + 8 * count);
      const v = new DataView(rec.buffer);
      rec[0] = 0x4d; rec[1] = 0x53; rec[2] = 3;
      const day0 = startNs >= 0n ? startNs / 86_400_000_000_000n : (startNs - 86_399_999_999_999n) / 86_400_000_000_000n;
      const inDay = startNs - day0 * 86_400_000_000_000n;
      const date = new Date(Number(day0) * 86400000);
      const year = date.getUTCFullYear();
      const doy = Math.round((Number(day0) * 86400000 - Date.UTC(year, 0, 1)) / 86400000) + 1;
      const secOfDay = Number(inDay / 1_000_000_000n);
      v.setUint32(4, Number(inDay % 1_000_000_000n), true);
      v.setUint16(8, year, true);
      v.setUint16(10, doy, true);
      rec[12] = Math.floor(secOfDay / 3600); rec[13] = Math.floor((secOfDay % 3600) / 60); rec[14] = secOfDay % 60;
      rec[15] = 5;
      v.setFloat64(16, t.sampleRateHz, true);
      v.setUint32(24, count, true);
      rec[32] = 1;
      rec[33] = sid.length;
      v.setUint32(36, 8 * count, true);
      rec.set(sid, FIXED);
      for (let i = 0; i < count; i++) v.setFloat64(FIXED + sid.length + 8 * i, t.data[i0 + i]!, true);
      v.setUint32(28, crc32c(rec, 0, rec.length, 28), true);
      chunks.push(rec);
    }
  }
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let k = 0;
  for (const c of chunks) { out.set(c, k); k += c.length; }
  return out;
}

/** The miniSEED 3 entry of the waveform registry. */
export const miniseed3: WaveformFormat<Miniseed3ReadOptions> = {
  name: "MSEED3",
  extensions: [".mseed3", ".ms3", ".mseed"],
  sniff(head: Uint8Array): boolean {
    return head.length >= FIXED && head[0] === 0x4d && head[1] === 0x53 && head[2] === 3;
  },
  read: readMiniseed3,
  write: (traces) => writeMiniseed3(traces),
};
