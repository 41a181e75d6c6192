import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeSteim1, decodeSteim2 } from "./steim.js";

/** One 64-byte frame from 16 words (word 0 = nibbles), written in the given byte order. */
function frame(words: number[], littleEndian: boolean): Uint8Array {
  const b = new Uint8Array(64);
  const v = new DataView(b.buffer);
  words.forEach((w, i) => v.setUint32(4 * i, w >>> 0, littleEndian));
  return b;
}

function nibbles(codes: number[]): number {
  let w = 0;
  codes.forEach((c, i) => { w |= c << (30 - 2 * i); });
  return w >>> 0;
}

test("Steim-1: 8-, 16- and 32-bit differences integrate from X0 and end at Xn, in both word orders", () => {
  // X0 = 100; differences: [d0 ignored] 1 -2 3 | 300 -400 | 70000 → 100 101 99 102 402 2 70002
  const expected = [100, 101, 99, 102, 402, 2, 70002];
  for (const le of [false, true]) {
    const words = [nibbles([0, 0, 0, 1, 2, 3]), 100, 70002, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const b = frame(words, le);
    // 1-byte differences are in stream order whatever the word order.
    b.set([5, 1, 0xfe, 3], 12);
    const v = new DataView(b.buffer);
    v.setInt16(16, 300, le);
    v.setInt16(18, -400, le);
    v.setInt32(20, 70000, le);
    const out = new Float64Array(7);
    const r = decodeSteim1(b, 0, 64, le, 7, out);
    assert.equal(r.count, 7);
    assert.equal(r.matchesXn, true);
    assert.deepEqual(Array.from(out), expected);
  }
});

test("Steim-2: every sub-code (4×8, 1×30, 2×15, 3×10, 5×6, 6×5, 7×4 bits) with sign extension", () => {
  const w = (dnib: number, fields: number[], bits: number, first: number) => {
    let x = dnib << 30;
    fields.forEach((f, i) => { x |= (f & ((1 << bits) - 1)) << (first - i * bits); });
    return x >>> 0;
  };
  const diffs = [
    [7, -8, 9, -10],
    [-300000000],
    [16000, -16000],
    [511, -512, 3],
    [31, -32, 1, 0, -1],
    [15, -16, 2, -2, 7, -7],
    [7, -8, 1, -1, 0, 3, -3],
  ];
  const words = [
    nibbles([0, 0, 0, 1, 2, 2, 2, 3, 3, 3]), 1000, 0,
    0, w(1, diffs[1]!, 30, 0), w(2, diffs[2]!, 15, 15), w(3, diffs[3]!, 10, 20),
    w(0, diffs[4]!, 6, 24), w(1, diffs[5]!, 5, 25), w(2, diffs[6]!, 4, 24), 0, 0, 0, 0, 0, 0,
  ];
  const flat = diffs.flat();
  const expected = [1000];
  for (let i = 1; i < flat.length; i++) expected.push(expected[i - 1]! + flat[i]!);
  words[2] = expected[expected.length - 1]!;
  for (const le of [false, true]) {
    const b = frame(words, le);
    b.set([7, 0xf8, 9, 0xf6], 12);
    const out = new Float64Array(flat.length);
    const r = decodeSteim2(b, 0, 64, le, flat.length, out);
    assert.equal(r.error, undefined);
    assert.equal(r.count, flat.length);
    assert.equal(r.matchesXn, true);
    assert.deepEqual(Array.from(out), expected);
  }
});

test("Steim-2 undefined codes stop decoding with the word's offset; running out of frames returns fewer samples", () => {
  const bad = frame([nibbles([0, 0, 0, 2]), 5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], false);
  const r = decodeSteim2(bad, 0, 64, false, 3, new Float64Array(3));
  assert.match(r.error!, /nibble 10 and dnib 00/);
  assert.equal(r.errorOffset, 12);
  const bad2 = frame([nibbles([0, 0, 0, 3]), 5, 5, 0xc0000000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], false);
  assert.match(decodeSteim2(bad2, 0, 64, false, 3, new Float64Array(3)).error!, /nibble 11 and dnib 11/);
  const short = frame([nibbles([0, 0, 0, 3]), 5, 9, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], false);
  const s = decodeSteim1(short, 0, 64, false, 10, new Float64Array(10));
  assert.equal(s.count, 1);
  const mismatch = decodeSteim1(short, 0, 64, false, 1, new Float64Array(1));
  assert.equal(mismatch.matchesXn, false);
});
