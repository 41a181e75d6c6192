// The data encodings of miniSEED records (SEED 2.4 codes), decoded as libmseed 2 does:
// text, INT16/INT32, FLOAT32/FLOAT64, Steim-1/2, and the legacy GEOSCOPE, CDSN, SRO and
// DWWSSN gain-ranged formats. Every length is checked against the data section first.
import { decodeSteim1, decodeSteim2, steimCapacity } from "./steim.js";

/** SEED data encoding codes and their names. */
export const ENCODING_NAMES: Readonly<Record<number, string>> = {
  0: "text", 1: "INT16", 3: "INT32", 4: "FLOAT32", 5: "FLOAT64", 10: "Steim-1", 11: "Steim-2",
  12: "GEOSCOPE 24-bit", 13: "GEOSCOPE 16/3", 14: "GEOSCOPE 16/4", 16: "CDSN", 30: "SRO", 32: "DWWSSN",
};

/**
 * Decoded samples, plus a description of any integrity problem the encoding reveals:
 * Steim's last sample differing from Xn, Steim frames carrying more or fewer differences
 * than the announced count, or non-zero bytes after the samples of a fixed-width encoding
 * (all signs of a damaged sample count or encoding; the samples are kept, the caller warns).
 */
export interface DecodedData {
  readonly data: Float64Array;
  readonly problem?: string;
}

const SAMPLE_BYTES: Readonly<Record<number, number>> = { 0: 1, 1: 2, 3: 4, 4: 4, 5: 8, 12: 3, 13: 2, 14: 2, 16: 2, 30: 2, 32: 2 };

/**
 * Decodes `count` samples of a data section.
 * @param b the file bytes; `offset`/`length` delimit the data section.
 * @param littleEndian byte order of the samples.
 * @returns the samples (with, for Steim, whether the last one matches the frame's Xn),
 *   or a message saying why they cannot be decoded.
 */
export function decodeMiniseed2Data(
  b: Uint8Array, offset: number, length: number, encoding: number, littleEndian: boolean, count: number,
): DecodedData | string {
  const name = ENCODING_NAMES[encoding];
  if (name === undefined) return `unsupported data encoding ${encoding}`;
  // Check the count against what the data section can hold before allocating anything.
  if (encoding === 10 || encoding === 11) {
    const most = Math.floor(length / 64) * (encoding === 10 ? 60 : 105);
    if (count > most) return `${count} ${name} samples cannot fit in ${Math.floor(length / 64)} frames (at most ${most})`;
  } else if (count * SAMPLE_BYTES[encoding]! > length) {
    return `${count} ${name} samples need ${count * SAMPLE_BYTES[encoding]!} bytes, the data section has ${length}`;
  }
  const out = new Float64Array(count);
  if (encoding === 10 || encoding === 11) {
    const r = encoding === 10 ? decodeSteim1(b, offset, length, littleEndian, count, out) : decodeSteim2(b, offset, length, littleEndian, count, out);
    if (r.error !== undefined) return `${r.error} at byte ${offset + (r.errorOffset ?? 0)}`;
    if (r.count !== count) return `${name}: only ${r.count} of ${count} samples decoded from ${Math.floor(length / 64)} frames`;
    const differences = steimCapacity(b, offset, length, littleEndian, encoding === 11);
    if (differences !== count) return { data: out, problem: `${name} frames hold ${differences} differences but the header announces ${count} samples` };
    if (!r.matchesXn) return { data: out, problem: `${name} integrity check failed (last sample differs from the reverse integration constant Xn)` };
    return { data: out };
  }
  const size = SAMPLE_BYTES[encoding]!;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (encoding) {
    case 0:
      for (let i = 0; i < count; i++) out[i] = b[offset + i]!;
      break;
    case 1:
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, littleEndian);
      break;
    case 3:
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, littleEndian);
      break;
    case 4:
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, littleEndian);
      break;
    case 5:
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, littleEndian);
      break;
    case 12:
      for (let i = 0; i < count; i++) {
        const p = offset + 3 * i;
        const u = littleEndian ? b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) : (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
        out[i] = Math.fround(u > 0x7fffff ? u - 0x1000000 : u);
      }
      break;
    case 13:
    case 14: {
      const gainMask = encoding === 13 ? 0x7000 : 0xf000;
      for (let i = 0; i < count; i++) {
        const s = view.getUint16(offset + 2 * i, littleEndian);
        const mantissa = s & 0x0fff;
        const exponent = (s & gainMask) >> 12;
        out[i] = Math.fround((mantissa - 2048) / 2 ** exponent);
      }
      break;
    }
    case 16:
      for (let i = 0; i < count; i++) {
        const s = view.getUint16(offset + 2 * i, littleEndian);
        const key = (s & 0xc000) >> 14;
        const shift = key === 0 ? 0 : key === 1 ? 2 : key === 2 ? 4 : 7;
        out[i] = ((s & 0x3fff) - 0x1fff) << shift;
      }
      break;
    case 30:
      for (let i = 0; i < count; i++) {
        const s = view.getUint16(offset + 2 * i, littleEndian);
        let mantissa = s & 0x0fff;
        if (mantissa > 0x7ff) mantissa -= 0x1000;
        const exponent = 10 - ((s & 0xf000) >> 12);
        if (exponent < 0 || exponent > 10) return `SRO gain-ranging exponent ${exponent} out of range (expected 0–10) at byte ${offset + 2 * i}`;
        out[i] = mantissa * 2 ** exponent;
      }
      break;
    case 32:
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, littleEndian);
      break;
  }
  let nonZero = 0;
  for (let i = offset + count * size; i < offset + length; i++) if (b[i] !== 0) nonZero++;
  if (nonZero > 0) return { data: out, problem: `${nonZero} of the ${length - count * size} bytes after the ${count} ${name} samples are not zero` };
  return { data: out };
}
