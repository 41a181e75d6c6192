import { test } from "node:test";
import assert from "node:assert/strict";
import { crc32 as zlibCrc32, deflateSync, inflateSync } from "node:zlib";
import { Resvg } from "@resvg/resvg-js";
import { ShapeError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { adler32, base64, crc32, encodeIndexedPng, encodePng, pngDataUri, storedDeflate } from "./png.js";
import { nodeDeflate } from "./png.node.js";
import { decodePng } from "./png-decode.node.js";

function randomBytes(n: number, seed: number): Uint8Array {
  const r = new Rng(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r.integer(256);
  return b;
}

/** Chunks of a PNG, each with its CRC checked against zlib's. */
function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const out: { type: string; data: Uint8Array }[] = [];
  let o = 8;
  while (o < png.length) {
    const len = v.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    assert.equal(v.getUint32(o + 8 + len), zlibCrc32(png.subarray(o + 4, o + 8 + len)), `CRC of ${type}`);
    out.push({ type, data: png.subarray(o + 8, o + 8 + len) });
    o += 12 + len;
  }
  return out;
}

test("crc32 and adler32 agree with zlib on random data", () => {
  for (const n of [0, 1, 7, 5552, 5553, 100_000]) {
    const b = randomBytes(n, n + 1);
    assert.equal(crc32(b), zlibCrc32(b), `crc32 of ${n} bytes`);
    // zlib's stream ends with the Adler-32 of the input (big-endian).
    const z = deflateSync(b);
    assert.equal(adler32(b), new DataView(z.buffer, z.byteOffset + z.length - 4, 4).getUint32(0), `adler32 of ${n} bytes`);
  }
});

test("stored deflate streams inflate back to the input with zlib (0 to 200000 bytes)", () => {
  for (const n of [0, 1, 65535, 65536, 200_000]) {
    const b = randomBytes(n, 3 * n + 5);
    assert.deepEqual(new Uint8Array(inflateSync(storedDeflate(b))), b, `${n} bytes`);
  }
});

test("an RGBA PNG holds the pixels: IHDR fields, zlib-inflated rows with filter 0, both compressors", () => {
  const w = 7;
  const h = 5;
  const rgba = randomBytes(w * h * 4, 11);
  for (const deflate of [storedDeflate, nodeDeflate]) {
    const png = encodePng(rgba, w, h, deflate);
    const cs = chunks(png);
    assert.deepEqual(cs.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
    const ihdr = new DataView(cs[0]!.data.buffer, cs[0]!.data.byteOffset, 13);
    assert.deepEqual([ihdr.getUint32(0), ihdr.getUint32(4), ihdr.getUint8(8), ihdr.getUint8(9), ihdr.getUint8(12)], [w, h, 8, 6, 0]);
    const raw = inflateSync(cs[1]!.data);
    assert.equal(raw.length, (w * 4 + 1) * h);
    for (let y = 0; y < h; y++) {
      assert.equal(raw[y * (w * 4 + 1)], 0, `filter byte of row ${y}`);
      assert.deepEqual(new Uint8Array(raw.subarray(y * (w * 4 + 1) + 1, (y + 1) * (w * 4 + 1))), rgba.subarray(y * w * 4, (y + 1) * w * 4));
    }
  }
});

test("a palette PNG keeps indices, palette and transparency (PLTE, tRNS)", () => {
  const w = 9;
  const h = 4;
  const palette = randomBytes(16 * 3, 2);
  const alpha = Uint8Array.from({ length: 16 }, (_, i) => (i === 15 ? 0 : 255));
  const idx = Uint8Array.from({ length: w * h }, (_, i) => (i * 7) % 16);
  const png = encodeIndexedPng(idx, w, h, palette, { alpha, deflate: nodeDeflate });
  const cs = chunks(png);
  assert.deepEqual(cs.map((c) => c.type), ["IHDR", "PLTE", "tRNS", "IDAT", "IEND"]);
  assert.equal(cs[0]!.data[9], 3);
  assert.deepEqual(new Uint8Array(cs[1]!.data), palette);
  assert.deepEqual(new Uint8Array(cs[2]!.data), alpha);
  const decoded = decodePng(png);
  for (let i = 0; i < w * h; i++) {
    const k = idx[i]!;
    assert.deepEqual([...decoded.rgba.subarray(4 * i, 4 * i + 4)], [palette[3 * k]!, palette[3 * k + 1]!, palette[3 * k + 2]!, alpha[k]!], `pixel ${i}`);
  }
});

test("resvg (an independent PNG decoder) reads our PNGs to the same pixels", () => {
  const w = 12;
  const h = 8;
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) rgba.set([20 * x, 30 * y, (x * y * 5) & 255, 255], 4 * (y * w + x));
  }
  for (const png of [encodePng(rgba, w, h), encodePng(rgba, w, h, nodeDeflate)]) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${w}" height="${h}"><image xlink:href="${pngDataUri(png)}" width="${w}" height="${h}" style="image-rendering: optimizeSpeed"/></svg>`;
    const out = decodePng(new Resvg(svg).render().asPng());
    assert.equal(out.width, w);
    assert.equal(out.height, h);
    assert.deepEqual(out.rgba, rgba);
  }
});

test("base64 equals Node's Buffer encoding for every padding case", () => {
  for (const n of [0, 1, 2, 3, 4, 5, 6, 100, 10_001, 30_000]) {
    const b = randomBytes(n, n + 99);
    assert.equal(base64(b), Buffer.from(b).toString("base64"), `${n} bytes`);
  }
});

test("the encoders reject mismatched sizes and indices outside the palette (ShapeError)", () => {
  assert.throws(() => encodePng(new Uint8Array(10), 2, 2), ShapeError);
  assert.throws(() => encodePng(new Uint8Array(0), 0, 0), ShapeError);
  assert.throws(() => encodeIndexedPng(Uint8Array.of(0, 1, 2, 3), 2, 2, new Uint8Array(9)), /index 3, expected < 3/);
});
