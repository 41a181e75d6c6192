import { test } from "node:test";
import assert from "node:assert/strict";
import type { Trace } from "../core/trace.js";
import { mergeTraces } from "./merge.js";

const T0 = 1_500_000_000_000_000_000n;
const piece = (startSample: number, values: number[], rate = 100, channel = "HHZ", shiftNs = 0n): Trace => ({
  network: "XX", station: "STA", location: "", channel, sampleRateHz: rate,
  startNs: T0 + BigInt(Math.round((startSample * 1e9) / rate)) + shiftNs, data: Float64Array.from(values),
});

test("contiguous pieces (within half a sample, any order) merge into one trace", () => {
  const r = mergeTraces([piece(3, [3, 4, 5]), piece(0, [0, 1, 2]), piece(6, [6, 7], 100, "HHZ", 4_000_000n)]);
  assert.equal(r.issues.length, 0);
  assert.equal(r.traces.length, 1);
  assert.deepEqual(Array.from(r.traces[0]!.data), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(r.traces[0]!.startNs, T0);
});

test("gaps, overlaps with other samples and rate changes are reported and keep traces apart", () => {
  const r = mergeTraces([piece(0, [0, 1, 2]), piece(5, [5, 6]), piece(6, [9, 9]), piece(8, [8], 50)]);
  assert.deepEqual(r.issues.map((i) => i.kind), ["gap", "overlap", "rate"]);
  assert.equal(r.issues[0]!.seconds, 0.02);
  assert.equal(r.issues[0]!.fromNs, T0 + 30_000_000n);
  assert.equal(r.issues[1]!.seconds, -0.01);
  assert.equal(r.traces.length, 4);
  // a 0.6-sample shift is beyond libmseed's half-sample tolerance
  assert.deepEqual(mergeTraces([piece(0, [0, 1]), piece(2, [2], 100, "HHZ", 6_000_000n)]).issues.map((i) => i.kind), ["gap"]);
});

test("a duplicated record (overlap with equal samples) merges without repeating samples; channels stay apart", () => {
  const r = mergeTraces([piece(0, [0, 1, 2, 3]), piece(2, [2, 3, 4, 5]), piece(0, [7, 7], 100, "HHN")]);
  assert.equal(r.issues.length, 0);
  assert.deepEqual(r.traces.map((t) => t.channel), ["HHZ", "HHN"]);
  assert.deepEqual(Array.from(r.traces[0]!.data), [0, 1, 2, 3, 4, 5]);
});
