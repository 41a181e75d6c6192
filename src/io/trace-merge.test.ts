import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeRecords, type MergeRecord } from "./trace-merge.js";

const rec = (startNs: bigint, n: number, first: number, over: Partial<MergeRecord> = {}): MergeRecord => ({
  network: "XX", station: "STA", location: "", channel: "HHZ", startNs, sampleRateHz: 100, sampleCount: n,
  data: Float64Array.from({ length: n }, (_, i) => first + i), isText: false, ...over,
});
const MS = 1_000_000n;

test("a record within half a sample period of the trace end is appended; beyond it starts a new trace", () => {
  // 100 Hz: next expected start 10 ms after the last sample; tolerance 5 ms.
  const a = mergeRecords([rec(0n, 10, 0), rec(100n * MS + 4999n * 1000n, 10, 10)], 1000n);
  assert.equal(a.length, 1);
  assert.deepEqual(Array.from(a[0]!.data), Array.from({ length: 20 }, (_, i) => i));
  const b = mergeRecords([rec(0n, 10, 0), rec(100n * MS + 5001n * 1000n, 10, 10)], 1000n);
  assert.deepEqual(b.map((t) => t.data.length), [10, 10]);
  // An overlap of more than half a sample does not merge either.
  assert.equal(mergeRecords([rec(0n, 10, 0), rec(94n * MS, 10, 10)], 1000n).length, 2);
});

test("a record ending just before a trace is prepended (libmseed's whence 2); out-of-order further away stays apart", () => {
  const m = mergeRecords([rec(100n * MS, 10, 10), rec(0n, 10, 0)], 1000n);
  assert.equal(m.length, 1);
  assert.equal(m[0]!.startNs, 0n);
  assert.deepEqual(Array.from(m[0]!.data), Array.from({ length: 20 }, (_, i) => i));
  assert.equal(mergeRecords([rec(300n * MS, 10, 0), rec(0n, 10, 0), rec(100n * MS, 10, 0)], 1000n).length, 2);
});

test("rates must agree to 1e-4 relative, codes exactly; text and empty records never extend a trace", () => {
  assert.equal(mergeRecords([rec(0n, 10, 0), rec(100n * MS, 10, 10, { sampleRateHz: 100.005 })], 1000n).length, 1);
  assert.equal(mergeRecords([rec(0n, 10, 0), rec(100n * MS, 10, 10, { sampleRateHz: 100.02 })], 1000n).length, 2);
  assert.equal(mergeRecords([rec(0n, 10, 0), rec(100n * MS, 10, 10, { location: "00" })], 1000n).length, 2);
  const text = (t: bigint) => rec(t, 5, 65, { sampleRateHz: 0, isText: true });
  assert.equal(mergeRecords([text(0n), text(0n)], 1000n).length, 2);
  const empty = mergeRecords([rec(0n, 10, 0), rec(100n * MS, 0, 0, { data: null }), rec(100n * MS, 10, 10)], 1000n);
  assert.deepEqual(empty.map((t) => t.data.length), [20]);
});

test("nanosecond ticks (miniSEED 3): a 1 ns offset merges at 1 kHz, spans round as libmseed 3's", () => {
  const r = (t: bigint, n: number) => rec(t, n, 0, { sampleRateHz: 1000 });
  const m = mergeRecords([r(123456789n, 1000), r(123456789n + 1_000_000_000n + 1n, 5)], 1n);
  assert.equal(m.length, 1);
  assert.equal(m[0]!.endNs, 123456789n + 1_000_000_001n + 4_000_000n);
});
