// SAC binary (either byte order): the 632-byte header (70 floats, 40 integers/logicals,
// 24 strings), the float32 data block(s), and the NVHDR 7 footer of double-precision times.
// Header floats are reported as the shortest decimal that rounds to the stored float32
// (delta 0.01, not 0.009999999776), so rates and coordinates read as they were written.
import { DataError, FormatError } from "../core/errors.js";
import type { CatalogEvent, Pick } from "../core/catalog.js";
import type { ReadResult, Trace } from "../core/trace.js";
import type { WaveformFormat } from "./registry.js";

export const SAC_FLOAT_NAMES = [
  "delta", "depmin", "depmax", "scale", "odelta", "b", "e", "o", "a", "internal1",
  "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9",
  "f", "resp0", "resp1", "resp2", "resp3", "resp4", "resp5", "resp6", "resp7", "resp8",
  "resp9", "stla", "stlo", "stel", "stdp", "evla", "evlo", "evel", "evdp", "mag",
  "user0", "user1", "user2", "user3", "user4", "user5", "user6", "user7", "user8", "user9",
  "dist", "az", "baz", "gcarc", "sb", "sdelta", "depmen", "cmpaz", "cmpinc", "xminimum",
  "xmaximum", "yminimum", "ymaximum", "unused1", "unused2", "unused3", "unused4", "unused5", "unused6", "unused7",
] as const;
export const SAC_INT_NAMES = [
  "nzyear", "nzjday", "nzhour", "nzmin", "nzsec", "nzmsec", "nvhdr", "norid", "nevid", "npts",
  "nsnpts", "nwfid", "nxsize", "nysize", "unused8", "iftype", "idep", "iztype", "unused9", "iinst",
  "istreg", "ievreg", "ievtyp", "iqual", "isynth", "imagtyp", "imagsrc", "ibody", "unused10", "unused11",
  "unused12", "unused13", "unused14", "unused15", "unused16", "leven", "lpspol", "lovrok", "lcalda", "unused17",
] as const;
export const SAC_STRING_NAMES = [
  "kstnm", "kevnm", "khole", "ko", "ka", "kt0", "kt1", "kt2", "kt3", "kt4", "kt5", "kt6", "kt7", "kt8", "kt9",
  "kf", "kuser0", "kuser1", "kuser2", "kcmpnm", "knetwk", "kdatrd", "kinst",
] as const;
/** NVHDR 7 footer: the double-precision values that follow the data, in this order. */
const FOOTER_NAMES = ["delta", "b", "e", "o", "a", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "f", "evlo", "evla", "stlo", "stla", "sb", "sdelta"] as const;

export type SacFloatName = (typeof SAC_FLOAT_NAMES)[number];
export type SacIntName = (typeof SAC_INT_NAMES)[number];
export type SacStringName = (typeof SAC_STRING_NAMES)[number];

/** A SAC header; undefined stands for SAC's "undefined" (−12345, "-12345"). */
export interface SacHeader {
  readonly floats: Partial<Record<SacFloatName, number>>;
  /** Integers, enumerations and logicals (leven, lpspol, lovrok, lcalda as 0/1). */
  readonly ints: Partial<Record<SacIntName, number>>;
  readonly strings: Partial<Record<SacStringName, string>>;
}

/** A parsed SAC file. */
export interface SacRecord {
  readonly header: SacHeader;
  /** The first data block (samples, or amplitude/real part of a spectrum). */
  readonly data: Float64Array;
  /** The second block of uneven or spectral files (x values, phase or imaginary part). */
  readonly data2?: Float64Array;
  readonly littleEndian: boolean;
}

const UNDEF = -12345;
const HEADER_BYTES = 632;

/** The shortest decimal that rounds to the float32 `x` (numpy's repr of a float32). */
export function float32Decimal(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  for (let p = 1; p <= 9; p++) {
    const v = Number(x.toPrecision(p));
    if (Math.fround(v) === x) return v;
  }
  return x;
}

function plausible(view: DataView, le: boolean): boolean {
  const nvhdr = view.getInt32(280 + 6 * 4, le);
  if (nvhdr !== 6 && nvhdr !== 7) return false;
  const delta = view.getFloat32(0, le);
  if (!(delta > 0) || !Number.isFinite(delta)) return false;
  if (view.getInt32(280 + 9 * 4, le) < 0) return false;
  for (let i = 35; i <= 38; i++) {
    const v = view.getInt32(280 + i * 4, le);
    if (v !== 0 && v !== 1 && v !== UNDEF) return false;
  }
  return true;
}

/** SAC's byte order if `head` (≥ 632 bytes) is a plausible SAC header, else undefined. */
export function sacByteOrder(head: Uint8Array): "little" | "big" | undefined {
  if (head.length < HEADER_BYTES) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (plausible(view, true)) return "little";
  if (plausible(view, false)) return "big";
  return undefined;
}

function readString(b: Uint8Array, p: number, n: number): string | undefined {
  // Some writers fill undefined strings with the integer −12345 (bytes C7 CF FF FF or FF FF CF C7).
  const w = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  if (w === (0xc7cfffff | 0) || w === (0xffffcfc7 | 0)) return undefined;
  let s = "";
  for (let i = 0; i < n; i++) {
    const c = b[p + i]!;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  s = s.trim();
  return s === "" || s === "-12345" ? undefined : s;
}

/**
 * Parses a SAC binary file (either byte order).
 * @throws FormatError (implausible header, wrong size) naming the file and byte offset.
 */
export function parseSac(bytes: Uint8Array, source: string): SacRecord & { readonly warnings: string[] } {
  const order = sacByteOrder(bytes);
  if (order === undefined) {
    throw new FormatError(`${source}: not a SAC binary file (${bytes.length < HEADER_BYTES ? `${bytes.length} bytes, the header alone is ${HEADER_BYTES}` : "NVHDR not 6 or 7, DELTA not > 0, or logical headers not 0/1 in either byte order"})`, { file: source, offset: 0 });
  }
  const le = order === "little";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const warnings: string[] = [];
  const floats: Partial<Record<SacFloatName, number>> = {};
  SAC_FLOAT_NAMES.forEach((name, i) => {
    const v = view.getFloat32(4 * i, le);
    if (v === UNDEF) return;
    if (Number.isFinite(v)) floats[name] = float32Decimal(v);
    else warnings.push(`${source}: header ${name.toUpperCase()} at byte ${4 * i} is ${v}; treated as undefined`);
  });
  const ints: Partial<Record<SacIntName, number>> = {};
  SAC_INT_NAMES.forEach((name, i) => {
    const v = view.getInt32(280 + 4 * i, le);
    if (v !== UNDEF) ints[name] = v;
  });
  const strings: Partial<Record<SacStringName, string>> = {};
  let p = 440;
  for (const name of SAC_STRING_NAMES) {
    const n = name === "kevnm" ? 16 : 8;
    const v = readString(bytes, p, n);
    if (v !== undefined) strings[name] = v;
    p += n;
  }
  const limits: [SacIntName, number, number][] = [["nzyear", -9999, 9999], ["nzjday", 1, 366], ["nzhour", 0, 23], ["nzmin", 0, 59], ["nzsec", 0, 60], ["nzmsec", 0, 999]];
  for (const [name, lo, hi] of limits) {
    const v = ints[name];
    if (v !== undefined && (v < lo || v > hi)) {
      throw new FormatError(`${source}: header ${name.toUpperCase()} is ${v} (expected ${lo}–${hi})`, { file: source, field: name, offset: 280 + 4 * SAC_INT_NAMES.indexOf(name) });
    }
  }
  const npts = ints.npts!;
  const iftype = ints.iftype ?? 1;
  // Uneven data (LEVEN false) and spectra (IRLIM 2, IAMPH 3) carry a second block.
  const twoBlocks = ints.leven === 0 || iftype === 2 || iftype === 3;
  const oneSize = HEADER_BYTES + 4 * npts;
  const footer = ints.nvhdr === 7 ? 8 * FOOTER_NAMES.length : 0;
  let blocks = 1;
  if (twoBlocks && bytes.length >= oneSize + 4 * npts + footer) blocks = 2;
  const expected = HEADER_BYTES + 4 * npts * blocks + footer;
  if (bytes.length < expected) {
    throw new FormatError(`${source}: file is ${bytes.length} bytes, NPTS ${npts} needs ${expected} (truncated or wrong NPTS)`, { file: source, offset: bytes.length });
  }
  if (bytes.length > expected) warnings.push(`${source}: ${bytes.length - expected} bytes after the data (NPTS ${npts}) ignored`);
  const block = (k: number): Float64Array => {
    const out = new Float64Array(npts);
    const base = HEADER_BYTES + 4 * npts * k;
    for (let i = 0; i < npts; i++) out[i] = view.getFloat32(base + 4 * i, le);
    return out;
  };
  if (footer > 0) {
    const base = HEADER_BYTES + 4 * npts * blocks;
    FOOTER_NAMES.forEach((name, i) => {
      const v = view.getFloat64(base + 8 * i, le);
      if (v !== UNDEF && Number.isFinite(v)) floats[name] = v;
    });
    if (!(floats.delta! > 0)) throw new FormatError(`${source}: footer DELTA ${floats.delta} is not > 0`, { file: source, offset: base });
  }
  const record: SacRecord & { warnings: string[] } = { header: { floats, ints, strings }, data: block(0), littleEndian: le, warnings };
  return blocks === 2 ? { ...record, data2: block(1) } : record;
}

/** The reference time (NZYEAR … NZMSEC) in ns, undefined when not set. */
export function sacReferenceNs(header: SacHeader): bigint | undefined {
  const { nzyear, nzjday, nzhour, nzmin, nzsec, nzmsec } = header.ints;
  if (nzyear === undefined || nzjday === undefined) return undefined;
  const ms = Date.UTC(nzyear, 0, 1) + (nzjday - 1) * 86400000 + (nzhour ?? 0) * 3600000 + (nzmin ?? 0) * 60000 + (nzsec ?? 0) * 1000 + (nzmsec ?? 0);
  return BigInt(ms) * 1_000_000n;
}

function relativeNs(header: SacHeader, seconds: number): bigint {
  return (sacReferenceNs(header) ?? 0n) + BigInt(Math.round(seconds * 1e9));
}

/** The waveform of a SAC time series: codes, start (reference time + B), rate 1/DELTA, samples. */
export function sacTrace(record: SacRecord, source = "SAC"): Trace {
  const { floats, ints, strings } = record.header;
  if ((ints.iftype ?? 1) !== 1 || ints.leven === 0) {
    throw new DataError(`${source}: not an evenly sampled time series (IFTYPE ${ints.iftype}, LEVEN ${ints.leven})`, { file: source, field: "iftype" });
  }
  return {
    network: strings.knetwk ?? "", station: strings.kstnm ?? "", location: strings.khole ?? "", channel: strings.kcmpnm ?? "",
    startNs: relativeNs(record.header, floats.b ?? 0), sampleRateHz: 1 / floats.delta!, data: record.data,
  };
}

/** The event a SAC header describes: origin (O), hypocentre (EVLA, EVLO, EVDP km), MAG, and picks A, T0–T9 labelled by KA, KT0–KT9. */
export function sacEvent(record: SacRecord): CatalogEvent {
  const { floats, strings } = record.header;
  const picks: Pick[] = [];
  const at = { network: strings.knetwk, location: strings.khole, channel: strings.kcmpnm };
  const keys = [["a", "ka"], ...Array.from({ length: 10 }, (_, i) => [`t${i}`, `kt${i}`])] as [SacFloatName, SacStringName][];
  for (const [time, label] of keys) {
    const v = floats[time];
    if (v === undefined) continue;
    picks.push({
      ...(at.network ? { network: at.network } : {}), station: strings.kstnm ?? "",
      ...(at.location ? { location: at.location } : {}), ...(at.channel ? { channel: at.channel } : {}),
      phase: phaseOf(strings[label]) ?? time.toUpperCase(), timeNs: relativeNs(record.header, v),
    });
  }
  return {
    eventId: strings.kevnm ?? "",
    ...(floats.o !== undefined ? { originNs: relativeNs(record.header, floats.o) } : {}),
    ...(floats.evla !== undefined ? { latitude: floats.evla } : {}),
    ...(floats.evlo !== undefined ? { longitude: floats.evlo } : {}),
    ...(floats.evdp !== undefined ? { depthKm: floats.evdp } : {}),
    ...(floats.mag !== undefined ? { magnitude: floats.mag } : {}),
    picks,
  };
}

/** A pick label's phase: HYPO71-style "IPD0" (onset, phase, polarity, weight) gives "P"; other labels are kept. */
function phaseOf(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  const m = /^[IE]?([PS])[UDCR+\-]?[0-4]?$/i.exec(label);
  return m ? m[1]!.toUpperCase() : label;
}

/**
 * A SAC record of a trace: reference time = the first sample (B = 0), DELTA = 1/rate, codes, depmin/max/men.
 * `header` entries override or add fields (e.g. { floats: { evla: 42.8 } }).
 */
export function sacFromTrace(trace: Trace, header: Partial<SacHeader> = {}): SacRecord {
  const ms = Number(trace.startNs / 1_000_000n - (trace.startNs % 1_000_000n < 0n ? 1n : 0n));
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const n = trace.data.length;
  let min = Infinity, max = -Infinity, sum = 0;
  for (let i = 0; i < n; i++) { const v = trace.data[i]!; if (v < min) min = v; if (v > max) max = v; sum += v; }
  const subMsNs = trace.startNs - BigInt(ms) * 1_000_000n;
  const b = Number(subMsNs) / 1e9;
  const delta = 1 / trace.sampleRateHz;
  return {
    littleEndian: true,
    data: trace.data,
    header: {
      floats: { delta, b, e: b + (n - 1) * delta, ...(n > 0 ? { depmin: min, depmax: max, depmen: sum / n } : {}), ...header.floats },
      ints: {
        nzyear: year, nzjday: Math.floor((ms - Date.UTC(year, 0, 1)) / 86400000) + 1, nzhour: d.getUTCHours(), nzmin: d.getUTCMinutes(),
        nzsec: d.getUTCSeconds(), nzmsec: d.getUTCMilliseconds(), nvhdr: 6, npts: n, iftype: 1, iztype: 9, leven: 1, lpspol: 1, lovrok: 1, lcalda: 0,
        ...header.ints,
      },
      strings: {
        kstnm: trace.station, ...(trace.network ? { knetwk: trace.network } : {}), ...(trace.location ? { khole: trace.location } : {}),
        kcmpnm: trace.channel, ...header.strings,
      },
    },
  };
}

/** Writes a SAC binary file (NVHDR 6; NPTS taken from the data). */
export function writeSac(record: SacRecord, options: { littleEndian?: boolean } = {}): Uint8Array {
  const le = options.littleEndian ?? record.littleEndian;
  const npts = record.data.length;
  const blocks = record.data2 ? 2 : 1;
  const out = new Uint8Array(HEADER_BYTES + 4 * npts * blocks);
  const view = new DataView(out.buffer);
  const { floats, ints, strings } = record.header;
  SAC_FLOAT_NAMES.forEach((name, i) => view.setFloat32(4 * i, floats[name] ?? UNDEF, le));
  SAC_INT_NAMES.forEach((name, i) => view.setInt32(280 + 4 * i, name === "npts" ? npts : name === "nvhdr" ? 6 : ints[name] ?? UNDEF, le));
  let p = 440;
  for (const name of SAC_STRING_NAMES) {
    const n = name === "kevnm" ? 16 : 8;
    const s = (strings[name] ?? "-12345").slice(0, n).padEnd(n, " ");
    for (let i = 0; i < n; i++) out[p + i] = s.charCodeAt(i) & 0xff;
    p += n;
  }
  for (let i = 0; i < npts; i++) view.setFloat32(HEADER_BYTES + 4 * i, record.data[i]!, le);
  if (record.data2) for (let i = 0; i < npts; i++) view.setFloat32(HEADER_BYTES + 4 * (npts + i), record.data2[i]!, le);
  return out;
}

/**
 * Reads a SAC time series as one trace.
 * @throws FormatError (not SAC, wrong size) or DataError (a spectrum or uneven file), naming the file.
 * @example
 * const { traces } = readSac(bytes, "IU.HRV.__.BHE.SAC");
 */
export function readSac(bytes: Uint8Array, source: string): ReadResult {
  const record = parseSac(bytes, source);
  const warnings = [...record.warnings];
  if (sacReferenceNs(record.header) === undefined) warnings.push(`${source}: reference time (NZYEAR/NZJDAY) undefined; start taken as 1970-01-01 + B`);
  return { traces: [sacTrace(record, source)], warnings };
}

/** The SAC entry of the waveform registry. */
export const sac: WaveformFormat = {
  name: "SAC",
  extensions: [".sac", ".SAC"],
  sniff: (head) => sacByteOrder(head) !== undefined,
  read: (bytes, source) => readSac(bytes, source),
  write(traces) {
    if (traces.length !== 1) throw new DataError(`SAC holds one trace per file, got ${traces.length}`);
    return writeSac(sacFromTrace(traces[0]!));
  },
};
