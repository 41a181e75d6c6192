// miniSEED 2 (SEED 2.4 data records): record detection, header and blockettes, every
// encoding libmseed 2 decodes, and the file scan of libmseed's ms_readmsr (records found
// by Blockette 1000 or by the next header; unreadable 128-byte blocks skipped, here with a
// warning; a truncated final record dropped with a warning).
import { FormatError } from "../core/errors.js";
import { bool, resolveOptions } from "../core/options.js";
import type { ReadResult } from "../core/trace.js";
import { decodeMiniseed2Data } from "./miniseed2-data.js";
import type { WaveformFormat } from "./registry.js";
import { finishTraces } from "./waveform-result.js";
import { mergeRecords } from "./trace-merge.js";

const MINRECLEN = 128;
const MAXRECLEN = 1048576;

/** Options of the miniSEED 2 reader. */
export interface Miniseed2ReadOptions {
  /** Keep text (log) channels and traces without samples or rate, as libmseed does (default false: they are dropped with a warning). */
  readonly keepNonWaveform?: boolean;
  /** Throw a FormatError on any skipped or truncated record instead of warning (default false). */
  readonly strict?: boolean;
}

/** One decoded miniSEED 2 record. */
export interface Miniseed2Record {
  /** Byte offset of the record in the file. */
  readonly offset: number;
  readonly recordLength: number;
  readonly network: string;
  readonly station: string;
  readonly location: string;
  readonly channel: string;
  readonly sequenceNumber: number;
  /** Data quality indicator: D, R, Q or M. */
  readonly quality: string;
  /** First sample, ns (time correction and Blockette 1001 microseconds applied as libmseed does). */
  readonly startNs: bigint;
  readonly sampleRateHz: number;
  readonly sampleCount: number;
  /** SEED encoding code (Blockette 1000; Steim-1 when absent, as libmseed assumes). */
  readonly encoding: number;
  /** Blockette 1000 word order: 1 big-endian, 0 little-endian (−1 without Blockette 1000). */
  readonly byteOrder: number;
  readonly data: Float64Array | null;
  readonly isText: boolean;
  readonly hasLeapSecond: boolean;
  /** An integrity problem of the data section (Steim Xn or difference count, non-zero padding); warned, samples kept. */
  readonly problem?: string;
}

/** The records of a file and the warnings of its scan. */
export interface Miniseed2Scan {
  readonly records: Miniseed2Record[];
  readonly warnings: string[];
}

const OPTION_RULES = { keepNonWaveform: bool(false), strict: bool(false) };

function isDigitSpaceNul(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 32 || c === 0;
}

/** libmseed's MS_ISVALIDHEADER: sequence digits, quality D/R/Q/M, reserved byte, plausible h:m:s. */
export function isMiniseed2Header(b: Uint8Array, p: number): boolean {
  if (p + 48 > b.length) return false;
  for (let i = 0; i < 6; i++) if (!isDigitSpaceNul(b[p + i]!)) return false;
  const q = b[p + 6]!;
  if (q !== 68 && q !== 82 && q !== 81 && q !== 77) return false;
  if (b[p + 7] !== 32 && b[p + 7] !== 0) return false;
  return b[p + 24]! <= 23 && b[p + 25]! <= 59 && b[p + 26]! <= 60;
}

function isBlank(b: Uint8Array, p: number): boolean {
  if (p + 48 > b.length) return false;
  for (let i = 0; i < 6; i++) { const c = b[p + i]!; if (!((c >= 48 && c <= 57) || c === 0)) return false; }
  for (let i = 6; i < 48; i++) if (b[p + i] !== 32) return false;
  return true;
}

function isValidYearDay(year: number, day: number): boolean {
  return year >= 1900 && year <= 2100 && day >= 1 && day <= 366;
}

/** Header word order as libmseed decides it on a little-endian host: little-endian if that reading gives a sane year and day. */
function headerIsLittleEndian(view: DataView, p: number): boolean {
  return isValidYearDay(view.getUint16(p + 20, true), view.getUint16(p + 22, true));
}

/** Fixed lengths of the blockettes libmseed knows (ms_blktlen); 2000 carries its own; 0 = unknown. */
function blocketteLength(type: number, view: DataView, p: number, le: boolean): number {
  switch (type) {
    case 100: return 12;
    case 200: return 28;
    case 201: return 36;
    case 300: return 32;
    case 310: return 32;
    case 320: return 28;
    case 390: return 28;
    case 395: return 16;
    case 400: return 16;
    case 500: return 8;
    case 1000: return 8;
    case 1001: return 8;
    case 2000: return p + 6 <= view.byteLength ? view.getUint16(p + 4, le) : 0;
    default: return 0;
  }
}

/** ms_detect: −1 not a data record, 0 a record of unknown length, else its length. */
function detect(b: Uint8Array, view: DataView, p: number, buflen: number): number {
  if (buflen < 48 || !isMiniseed2Header(b, p)) return -1;
  const le = headerIsLittleEndian(view, p);
  let blkt = view.getUint16(p + 46, le);
  while (blkt !== 0 && blkt <= buflen) {
    if (blkt + 4 > buflen) break;
    const type = view.getUint16(p + blkt, le);
    const next = view.getUint16(p + blkt + 2, le);
    if (type === 1000 && blkt + 8 <= buflen) return 2 ** b[p + blkt + 6]!;
    if (next !== 0 && (next < 4 || next - 4 <= blkt)) return -1;
    blkt = next;
  }
  for (let q = MINRECLEN; q + 48 < buflen; q += MINRECLEN) {
    if (isMiniseed2Header(b, p + q) || isBlank(b, p + q)) return q;
  }
  return 0;
}

function code(b: Uint8Array, p: number, n: number): string {
  let end = n;
  while (end > 0 && b[p + end - 1] === 32) end--;
  let s = "";
  for (let i = 0; i < end; i++) {
    const c = b[p + i]!;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** SEED BTime (year, day of year, h, m, s, 0.0001 s) → µs since the epoch, as a bigint. */
function btimeMicros(view: DataView, p: number, le: boolean): bigint {
  const year = view.getUint16(p, le);
  const day = view.getUint16(p + 2, le);
  const ms = Date.UTC(year, 0, 1) + (day - 1) * 86400000 + view.getUint8(p + 4) * 3600000 + view.getUint8(p + 5) * 60000 + view.getUint8(p + 6) * 1000;
  return BigInt(ms) * 1000n + BigInt(view.getUint16(p + 8, le) * 100);
}

/** SEED nominal rate from factor and multiplier (libmseed's ms_nomsamprate). */
export function nominalSampleRate(factor: number, multiplier: number): number {
  let rate = 0;
  if (factor > 0) rate = factor;
  else if (factor < 0) rate = -1 / factor;
  if (multiplier > 0) rate *= multiplier;
  else if (multiplier < 0) rate = -1 * (rate / multiplier);
  return rate;
}

/** Decodes one record (msr_unpack); returns the record or the reason it is unreadable. */
function unpack(b: Uint8Array, view: DataView, p: number, reclen: number): Miniseed2Record | string {
  const le = headerIsLittleEndian(view, p);
  const sequenceNumber = Number.parseInt(code(b, p, 6).trim() || "0", 10) || 0;
  const sampleCount = view.getUint16(p + 30, le);
  const actFlags = b[p + 36]!;
  const timeCorrection = view.getInt32(p + 40, le);
  const dataOffset = view.getUint16(p + 44, le);
  let blkt = view.getUint16(p + 46, le);
  let b100Rate: number | undefined;
  let b1000: { encoding: number; byteOrder: number; reclen: number } | undefined;
  let b1001Micros = 0;
  while (blkt !== 0 && blkt < reclen && blkt < MAXRECLEN) {
    if (blkt + 4 > reclen) break;
    const type = view.getUint16(p + blkt, le);
    const next = view.getUint16(p + blkt + 2, le);
    const length = blocketteLength(type, view, p + blkt, le);
    if (length === 0 || blkt + length > reclen) break;
    // As in libmseed, a later blockette of the same type replaces an earlier one.
    if (type === 100) b100Rate = view.getFloat32(p + blkt + 4, le);
    else if (type === 1000) {
      b1000 = { encoding: b[p + blkt + 4]!, byteOrder: (b[p + blkt + 5]! << 24) >> 24, reclen: b[p + blkt + 6]! };
    } else if (type === 1001) b1001Micros = (b[p + blkt + 5]! << 24) >> 24;
    if (next !== 0 && next < blkt + length) break;
    if (next !== 0 && next > reclen) break;
    blkt = next;
  }
  const recordLength = b1000 ? 2 ** b1000.reclen : reclen;
  let micros = btimeMicros(view, p + 20, le);
  if (timeCorrection !== 0 && (actFlags & 0x02) === 0) micros += BigInt(timeCorrection) * 100n;
  micros += BigInt(b1001Micros);
  const sampleRateHz = b100Rate !== undefined ? b100Rate : nominalSampleRate(view.getInt16(p + 32, le), view.getInt16(p + 34, le));
  const encoding = b1000 ? b1000.encoding : 10;
  const byteOrder = b1000 ? b1000.byteOrder : -1;
  const dataLittleEndian = b1000 ? byteOrder <= 0 : le;
  if (recordLength < MINRECLEN || recordLength > MAXRECLEN) return `record length ${recordLength} is out of range (expected 128–1048576)`;
  if (p + recordLength > b.length) return `record length ${recordLength} runs past the end of the file`;
  let data: Float64Array | null = null;
  let problem: string | undefined;
  if (sampleCount > 0) {
    if (dataOffset < 48 || dataOffset >= recordLength) return `data offset ${dataOffset} is invalid (expected 48–${recordLength - 1})`;
    const decoded = decodeMiniseed2Data(b, p + dataOffset, recordLength - dataOffset, encoding, dataLittleEndian, sampleCount);
    if (typeof decoded === "string") return decoded;
    data = decoded.data;
    problem = decoded.problem;
  }
  return {
    offset: p, recordLength, sequenceNumber,
    network: code(b, p + 18, 2), station: code(b, p + 8, 5), location: code(b, p + 13, 2), channel: code(b, p + 15, 3),
    quality: String.fromCharCode(b[p + 6]!), startNs: micros * 1000n, sampleRateHz, sampleCount, encoding, byteOrder,
    data, isText: encoding === 0, hasLeapSecond: (actFlags & 0x10) !== 0,
    ...(problem !== undefined ? { problem } : {}),
  };
}

/**
 * Scans a miniSEED 2 file into records, the way libmseed's ms_readmsr does with
 * skipping of non-data blocks; every skip and a dropped truncated final record are warned.
 * @throws FormatError when no data record is found, or on any defect when `strict`.
 */
export function scanMiniseed2(bytes: Uint8Array, source: string, strict = false): Miniseed2Scan {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Miniseed2Record[] = [];
  const warnings: string[] = [];
  let skipStart = -1;
  let skipReason = "";
  const flushSkip = (end: number): void => {
    if (skipStart < 0) return;
    const message = `${source}: skipped bytes ${skipStart}–${end - 1} (${end - skipStart} bytes): ${skipReason}`;
    if (strict) throw new FormatError(message, { file: source, record: records.length, offset: skipStart });
    warnings.push(message);
    skipStart = -1;
  };
  const skip = (p: number, reason: string): void => {
    if (skipStart < 0) { skipStart = p; skipReason = `record ${records.length} at byte ${p}: ${reason}`; }
  };
  let p = 0;
  const n = bytes.length;
  while (n - p >= MINRECLEN) {
    const remaining = n - p;
    const buflen = Math.min(remaining, MAXRECLEN);
    const det = detect(bytes, view, p, buflen);
    if (det < 0) { skip(p, "not a miniSEED 2 data record header"); p += MINRECLEN; continue; }
    let reclen = det;
    if (det === 0) {
      if (remaining > buflen) { skip(p, "record length not found"); p += MINRECLEN; continue; }
      if (!isPowerOfTwoLength(remaining)) { flushSkip(p); truncated(p, remaining, "record length unknown"); p = n; break; }
      reclen = remaining;
    }
    if (reclen < MINRECLEN || reclen > MAXRECLEN) { skip(p, `record length ${reclen} is out of range (expected 128–1048576)`); p += MINRECLEN; continue; }
    if (reclen > remaining) { flushSkip(p); truncated(p, remaining, `${reclen}-byte record`); p = n; break; }
    const r = unpack(bytes, view, p, reclen);
    if (typeof r === "string") { skip(p, r); p += MINRECLEN; continue; }
    flushSkip(p);
    if (r.problem !== undefined) warnings.push(`${source}: record ${records.length} at byte ${p}: ${r.problem}; samples kept`);
    records.push(r);
    p += r.recordLength;
  }
  flushSkip(p);
  if (p < n) {
    const message = `${source}: ${n - p} trailing bytes after the last record at byte ${p} ignored (less than a 128-byte record)`;
    if (strict) throw new FormatError(message, { file: source, record: records.length, offset: p });
    warnings.push(message);
  }
  if (records.length === 0) {
    throw new FormatError(`${source}: no miniSEED 2 data record found (${n} bytes${warnings.length ? `; ${warnings[0]}` : ""})`, { file: source, offset: 0 });
  }
  return { records, warnings };

  function truncated(at: number, have: number, what: string): void {
    const message = `${source}: record ${records.length} at byte ${at}: truncated final record dropped (${what}, only ${have} bytes left)`;
    if (strict) throw new FormatError(message, { file: source, record: records.length, offset: at });
    warnings.push(message);
  }
}

function isPowerOfTwoLength(x: number): boolean {
  return x >= MINRECLEN && x <= MAXRECLEN && (x & (x - 1)) === 0;
}

/**
 * Reads a miniSEED 2 file into traces merged as libmseed merges them.
 * @param bytes the whole file; @param source its name, used in messages.
 * @throws FormatError naming file, record and byte offset.
 * @example
 * const { traces, warnings } = readMiniseed2(bytes, "IV.T1214..EHZ.mseed");
 */
export function readMiniseed2(bytes: Uint8Array, source: string, options: Miniseed2ReadOptions = {}): ReadResult {
  const opts = resolveOptions<Required<Miniseed2ReadOptions>>("readMiniseed2", OPTION_RULES, options);
  const { records, warnings } = scanMiniseed2(bytes, source, opts.strict);
  return finishTraces(mergeRecords(records, 1000n), warnings, source, opts.keepNonWaveform);
}

/** The miniSEED 2 entry of the waveform registry. */
export const miniseed2: WaveformFormat<Miniseed2ReadOptions> = {
  name: "MSEED2",
  extensions: [".mseed", ".miniseed", ".ms", ".ms2", ".mseed2", ".seed"],
  sniff(head: Uint8Array): boolean {
    try {
      if (head.length < 48) return false;
      const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
      for (let p = 0; p + 48 <= head.length; p += MINRECLEN) {
        if (isMiniseed2Header(head, p)) {
          const le = headerIsLittleEndian(view, p);
          if (isValidYearDay(view.getUint16(p + 20, le), view.getUint16(p + 22, le))) return true;
        }
        // Full SEED volumes start with control headers (V, A, S, T); keep looking for data.
        if (p === 0 && !isControlHeader(head, 0)) return false;
      }
      // A volume header (type V) with its data records beyond the first KiB.
      return head[6] === 86;
    } catch {
      return false;
    }
  },
  read: readMiniseed2,
};

function isControlHeader(b: Uint8Array, p: number): boolean {
  for (let i = 0; i < 6; i++) { const c = b[p + i]!; if (c < 48 || c > 57) return false; }
  const t = b[p + 6];
  return (t === 86 || t === 65 || t === 83 || t === 84) && (b[p + 7] === 32 || b[p + 7] === 42);
}

