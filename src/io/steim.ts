// Steim-1 and Steim-2 decoders (SEED manual, appendix B), shared by miniSEED 2 and 3.
// They follow libmseed's decoders bit for bit, including its byte-order rules, and
// write into a caller's preallocated Float64Array: no allocation per sample or frame.

/** How a Steim decode ended. */
export interface SteimResult {
  /** Samples written (the requested count unless `error` is set or the frames ran out). */
  readonly count: number;
  /** Byte offset (relative to the data start) of the word that could not be decoded, when `error` is set. */
  readonly errorOffset?: number;
  /** Why decoding stopped early, e.g. "Steim-2 word with nibble 10 and dnib 00 (undefined)". */
  readonly error?: string;
  /** The last sample equals the frame-0 reverse integration constant Xn (SEED's integrity check). */
  readonly matchesXn: boolean;
}

/**
 * Decodes Steim-1 frames (64 bytes each) into `out[outOffset …]`.
 * @param bytes the record; `offset`/`length` delimit its data section.
 * @param littleEndian word byte order of the data section.
 * @param count samples expected (the header's sample count); decoding stops there.
 */
export function decodeSteim1(
  bytes: Uint8Array, offset: number, length: number, littleEndian: boolean,
  count: number, out: Float64Array, outOffset = 0,
): SteimResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxFrames = Math.floor(length / 64);
  let n = 0;
  let last = 0;
  let x0 = 0;
  let xn = 0;
  for (let f = 0; f < maxFrames && n < count; f++) {
    const base = offset + f * 64;
    const nibbles = view.getUint32(base, littleEndian);
    let start = 1;
    if (f === 0) {
      x0 = view.getInt32(base + 4, littleEndian);
      xn = view.getInt32(base + 8, littleEndian);
      start = 3;
    }
    for (let w = start; w < 16 && n < count; w++) {
      const nib = (nibbles >>> (30 - 2 * w)) & 3;
      const p = base + 4 * w;
      if (nib === 1) {
        // Four 8-bit differences, in stream order whatever the word order.
        for (let i = 0; i < 4 && n < count; i++) {
          last = n === 0 ? x0 : (last + ((bytes[p + i]! << 24) >> 24)) | 0;
          out[outOffset + n++] = last;
        }
      } else if (nib === 2) {
        for (let i = 0; i < 2 && n < count; i++) {
          last = n === 0 ? x0 : (last + view.getInt16(p + 2 * i, littleEndian)) | 0;
          out[outOffset + n++] = last;
        }
      } else if (nib === 3) {
        last = n === 0 ? x0 : (last + view.getInt32(p, littleEndian)) | 0;
        out[outOffset + n++] = last;
      }
    }
  }
  return { count: n, matchesXn: n === 0 || last === xn };
}

/**
 * Decodes Steim-2 frames into `out[outOffset …]`; an undefined (nibble, dnib) pair
 * stops decoding and is reported in `error`.
 */
export function decodeSteim2(
  bytes: Uint8Array, offset: number, length: number, littleEndian: boolean,
  count: number, out: Float64Array, outOffset = 0,
): SteimResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxFrames = Math.floor(length / 64);
  let n = 0;
  let last = 0;
  let x0 = 0;
  let xn = 0;
  for (let f = 0; f < maxFrames && n < count; f++) {
    const base = offset + f * 64;
    const nibbles = view.getUint32(base, littleEndian);
    let start = 1;
    if (f === 0) {
      x0 = view.getInt32(base + 4, littleEndian);
      xn = view.getInt32(base + 8, littleEndian);
      start = 3;
    }
    for (let w = start; w < 16 && n < count; w++) {
      const nib = (nibbles >>> (30 - 2 * w)) & 3;
      const p = base + 4 * w;
      if (nib === 0) continue;
      if (nib === 1) {
        for (let i = 0; i < 4 && n < count; i++) {
          last = n === 0 ? x0 : (last + ((bytes[p + i]! << 24) >> 24)) | 0;
          out[outOffset + n++] = last;
        }
        continue;
      }
      const word = view.getUint32(p, littleEndian);
      const dnib = word >>> 30;
      // (diffs, bits, shift of the first difference) per sub-code.
      let diffs: number;
      let bits: number;
      let first: number;
      if (nib === 2) {
        if (dnib === 0) return { count: n, error: "Steim-2 word with nibble 10 and dnib 00 (undefined)", errorOffset: p - offset, matchesXn: false };
        if (dnib === 1) { diffs = 1; bits = 30; first = 0; }
        else if (dnib === 2) { diffs = 2; bits = 15; first = 15; }
        else { diffs = 3; bits = 10; first = 20; }
      } else {
        if (dnib === 3) return { count: n, error: "Steim-2 word with nibble 11 and dnib 11 (undefined)", errorOffset: p - offset, matchesXn: false };
        if (dnib === 0) { diffs = 5; bits = 6; first = 24; }
        else if (dnib === 1) { diffs = 6; bits = 5; first = 25; }
        else { diffs = 7; bits = 4; first = 24; }
      }
      const mask = bits === 30 ? 0x3fffffff : (1 << bits) - 1;
      const sign = 1 << (bits - 1);
      for (let i = 0; i < diffs && n < count; i++) {
        const raw = (word >>> (first - i * bits)) & mask;
        const d = (raw ^ sign) - sign;
        last = n === 0 ? x0 : (last + d) | 0;
        out[outOffset + n++] = last;
      }
    }
  }
  return { count: n, matchesXn: n === 0 || last === xn };
}

/**
 * Number of differences the frames carry (nibbles and, for Steim-2, dnibs), counting the
 * first frame's from word 3. A well-formed record carries exactly its sample count; more
 * means the header's count was cut (samples would be lost), fewer that frames are missing.
 */
export function steimCapacity(bytes: Uint8Array, offset: number, length: number, littleEndian: boolean, steim2: boolean): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxFrames = Math.floor(length / 64);
  let c = 0;
  for (let f = 0; f < maxFrames; f++) {
    const base = offset + f * 64;
    const nibbles = view.getUint32(base, littleEndian);
    for (let w = f === 0 ? 3 : 1; w < 16; w++) {
      const nib = (nibbles >>> (30 - 2 * w)) & 3;
      if (nib === 0) continue;
      if (nib === 1) c += 4;
      else if (!steim2) c += nib === 2 ? 2 : 1;
      else {
        const dnib = view.getUint32(base + 4 * w, littleEndian) >>> 30;
        c += nib === 2 ? dnib : dnib === 3 ? 0 : 5 + dnib;
      }
    }
  }
  return c;
}
