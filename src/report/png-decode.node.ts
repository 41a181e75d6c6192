// A PNG decoder (8-bit grey, RGB, RGBA and palette images, all five row filters) over Node's zlib,
// used to check the report's PNG files and screenshots; independent of the encoder in png.ts.
import { inflateSync } from "node:zlib";
import { FormatError } from "../core/errors.js";

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel, top row first. */
  readonly rgba: Uint8Array;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/**
 * Decodes PNG bytes to RGBA.
 * @throws FormatError on a bad signature, an unsupported bit depth/colour type or a bad filter byte.
 */
export function decodePng(bytes: Uint8Array, source = "png"): DecodedPng {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  for (let i = 0; i < 8; i++) if (bytes[i] !== sig[i]) throw new FormatError(`${source}: not a PNG file (bad signature)`, { file: source, offset: i });
  let o = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = 0;
  let palette = new Uint8Array(0);
  let trns = new Uint8Array(0);
  const idat: Uint8Array[] = [];
  while (o + 8 <= bytes.length) {
    const len = u32(bytes, o);
    const type = String.fromCharCode(...bytes.subarray(o + 4, o + 8));
    const data = bytes.subarray(o + 8, o + 8 + len);
    if (type === "IHDR") {
      width = u32(data, 0);
      height = u32(data, 4);
      depth = data[8]!;
      colorType = data[9]!;
      if (data[12] !== 0) throw new FormatError(`${source}: interlaced PNG is not supported`, { file: source, offset: o });
    } else if (type === "PLTE") palette = data.slice();
    else if (type === "tRNS") trns = data.slice();
    else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    o += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (depth !== 8 || channels === undefined) throw new FormatError(`${source}: bit depth ${depth}, colour type ${colorType} not supported (expected 8-bit)`, { file: source });
  let total = 0;
  for (const c of idat) total += c.length;
  const z = new Uint8Array(total);
  let p = 0;
  for (const c of idat) { z.set(c, p); p += c.length; }
  const raw = inflateSync(z);
  const stride = width * channels;
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[y * stride + x - channels]! : 0;
      const b = y > 0 ? px[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels]! : 0;
      const r = raw[src + x]!;
      let v: number;
      if (f === 0) v = r;
      else if (f === 1) v = r + a;
      else if (f === 2) v = r + b;
      else if (f === 3) v = r + ((a + b) >> 1);
      else if (f === 4) {
        const pp = a + b - c;
        const pa = Math.abs(pp - a), pb = Math.abs(pp - b), pc = Math.abs(pp - c);
        v = r + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      } else throw new FormatError(`${source}: row ${y} has filter ${f} (expected 0–4)`, { file: source, record: y });
      px[y * stride + x] = v & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    if (colorType === 6) rgba.set(px.subarray(4 * i, 4 * i + 4), 4 * i);
    else if (colorType === 2) { rgba.set(px.subarray(3 * i, 3 * i + 3), 4 * i); rgba[4 * i + 3] = 255; }
    else if (colorType === 3) {
      const k = px[i]!;
      rgba.set(palette.subarray(3 * k, 3 * k + 3), 4 * i);
      rgba[4 * i + 3] = k < trns.length ? trns[k]! : 255;
    } else if (colorType === 0) { rgba.fill(px[i]!, 4 * i, 4 * i + 3); rgba[4 * i + 3] = 255; }
    else { rgba.fill(px[2 * i]!, 4 * i, 4 * i + 3); rgba[4 * i + 3] = px[2 * i + 1]!; }
  }
  return { width, height, rgba };
}

/** Distinct RGBA colours and the fraction of pixels differing from the most common colour. */
export function pixelStats(img: DecodedPng): { distinctColors: number; nonBackgroundFraction: number } {
  const counts = new Map<number, number>();
  const n = img.width * img.height;
  const v = new DataView(img.rgba.buffer, img.rgba.byteOffset, img.rgba.byteLength);
  for (let i = 0; i < n; i++) {
    const c = v.getUint32(4 * i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let top = 0;
  for (const c of counts.values()) top = Math.max(top, c);
  return { distinctColors: counts.size, nonBackgroundFraction: n > 0 ? (n - top) / n : 0 };
}
