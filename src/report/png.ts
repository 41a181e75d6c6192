// A small PNG encoder (RGBA and palette images, 8 bits per sample). Pure: the zlib stream defaults to
// stored (uncompressed) deflate blocks; Node callers pass zlib.deflateSync (png.node.ts) for real compression.
import { ShapeError } from "../core/errors.js";

/** Compresses bytes into a zlib stream (RFC 1950: header, deflate data, Adler-32). */
export type ZlibDeflate = (bytes: Uint8Array) => Uint8Array;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as PNG and zlib use it) of `bytes`. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Adler-32 of `bytes` (the zlib trailer). */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    // 5552 bytes is the longest run before the sums can overflow 2^32 (zlib's NMAX).
    const end = Math.min(n, i + 5552);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream of stored (uncompressed) deflate blocks: valid for every inflater, no compression. */
export function storedDeflate(bytes: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(bytes.length / 65535));
  const out = new Uint8Array(2 + bytes.length + 5 * blocks + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, bytes.length - start);
    out[o++] = b === blocks - 1 ? 1 : 0;
    out[o++] = len & 0xff;
    out[o++] = len >>> 8;
    out[o++] = ~len & 0xff;
    out[o++] = (~len >>> 8) & 0xff;
    out.set(bytes.subarray(start, start + len), o);
    o += len;
  }
  const ad = adler32(bytes);
  out[o++] = ad >>> 24;
  out[o++] = (ad >>> 16) & 0xff;
  out[o++] = (ad >>> 8) & 0xff;
  out[o++] = ad & 0xff;
  return out;
}

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  writeU32(out, 0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  writeU32(out, 8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

function assemble(width: number, height: number, colorType: 3 | 6, raw: Uint8Array, deflate: ZlibDeflate, extra: Uint8Array[]): Uint8Array {
  const ihdr = new Uint8Array(13);
  writeU32(ihdr, 0, width);
  writeU32(ihdr, 4, height);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const parts = [
    Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10),
    chunk("IHDR", ihdr),
    ...extra,
    chunk("IDAT", deflate(raw)),
    chunk("IEND", new Uint8Array(0)),
  ];
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function checkSize(where: string, width: number, height: number, length: number, perPixel: number): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new ShapeError(`${where}: image size must be positive integers, got ${width}×${height}`);
  }
  if (length !== width * height * perPixel) {
    throw new ShapeError(`${where}: ${length} bytes cannot be a ${width}×${height} image (expected ${width * height * perPixel})`);
  }
}

/**
 * Encodes an RGBA image (row-major, top row first, 4 bytes per pixel) as PNG.
 * @throws ShapeError when the byte count does not match width×height×4.
 */
export function encodePng(rgba: Uint8Array, width: number, height: number, deflate: ZlibDeflate = storedDeflate): Uint8Array {
  checkSize("encodePng", width, height, rgba.length, 4);
  const stride = width * 4;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return assemble(width, height, 6, raw, deflate, []);
}

/**
 * Encodes a palette image: one palette index per pixel (row-major, top row first).
 * @param palette n×3 RGB bytes (n ≤ 256).
 * @param alpha optional per-entry opacity (≤ n bytes; missing entries are opaque).
 * @throws ShapeError on a size mismatch or an index outside the palette.
 */
export function encodeIndexedPng(
  indices: Uint8Array, width: number, height: number, palette: Uint8Array,
  options: { alpha?: Uint8Array; deflate?: ZlibDeflate } = {},
): Uint8Array {
  checkSize("encodeIndexedPng", width, height, indices.length, 1);
  const n = palette.length / 3;
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new ShapeError(`encodeIndexedPng: palette of ${palette.length} bytes is not 1–256 RGB entries`);
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = indices.subarray(y * width, (y + 1) * width);
    for (let x = 0; x < width; x++) {
      if (row[x]! >= n) throw new ShapeError(`encodeIndexedPng: pixel (${x}, ${y}) has index ${row[x]}, expected < ${n} (palette size)`);
    }
    raw.set(row, y * (width + 1) + 1);
  }
  const extra = [chunk("PLTE", palette)];
  if (options.alpha && options.alpha.length > 0) extra.push(chunk("tRNS", options.alpha.subarray(0, n)));
  return assemble(width, height, 3, raw, options.deflate ?? storedDeflate, extra);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard base64 (RFC 4648, padded). */
export function base64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let s = "";
  const n = bytes.length;
  for (let i = 0; i < n; i += 3) {
    const a = bytes[i]!;
    const b = i + 1 < n ? bytes[i + 1]! : 0;
    const c = i + 2 < n ? bytes[i + 2]! : 0;
    s += B64[a >> 2]! + B64[((a & 3) << 4) | (b >> 4)]! + (i + 1 < n ? B64[((b & 15) << 2) | (c >> 6)]! : "=") + (i + 2 < n ? B64[c & 63]! : "=");
    if (s.length >= 8192) {
      parts.push(s);
      s = "";
    }
  }
  parts.push(s);
  return parts.join("");
}

/** A `data:image/png;base64,…` URI of PNG bytes. */
export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${base64(png)}`;
}
