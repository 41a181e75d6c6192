// Node's zlib for the PNG encoder: real compression (png.ts alone writes stored blocks).
import { deflateSync } from "node:zlib";
import type { ZlibDeflate } from "./png.js";

/** zlib.deflateSync at level 6 as a ZlibDeflate. */
export const nodeDeflate: ZlibDeflate = (bytes) => {
  const b = deflateSync(bytes, { level: 6 });
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};
