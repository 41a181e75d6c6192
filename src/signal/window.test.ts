import { test } from "node:test";
import assert from "node:assert/strict";
import { DataError, OptionError } from "../core/errors.js";
import type { Trace } from "../core/trace.js";
import { cutWindow } from "./window.js";

const T0 = 1_472_000_000_000_000_000n;
const fs = 125;
const trace = (startSample: number, n: number, channel = "EHZ"): Trace => ({
  network: "IV", station: "T1214", location: "", channel, sampleRateHz: fs,
  startNs: T0 + BigInt(Math.round((startSample * 1e9) / fs)),
  data: Float64Array.from({ length: n }, (_, i) => startSample + i),
});
const at = (sample: number): bigint => T0 + BigInt(Math.round((sample * 1e9) / fs));

test("a window [t − 3 s, t + 17 s] has round(20·fs) + 1 samples on the data's grid (nearest sample)", () => {
  const { trace: w, paddedSamples } = cutWindow([trace(0, 10000)], at(1000) + 1_000_000n, { beforeS: 3, afterS: 17, eventId: "200037" });
  assert.equal(w.data.length, 2501);
  assert.equal(paddedSamples, 0);
  assert.equal(w.data[0], 1000 - 375);
  assert.equal(w.data[2500], 1000 + 2125);
  assert.equal(w.startNs, at(625));
});

test("reject (default) names the event and why: runs off the data, or contains a gap", () => {
  const isOff = (e: unknown): boolean => e instanceof DataError && e.event === "ev1" && /ev1/.test(e.message) && /before the data/.test(e.message);
  assert.throws(() => cutWindow([trace(0, 1000)], at(100), { beforeS: 3, afterS: 1, eventId: "ev1" }), isOff);
  assert.throws(() => cutWindow([trace(0, 1000)], at(900), { beforeS: 1, afterS: 3, eventId: "ev1" }), (e: unknown) => e instanceof DataError && /after the data/.test(e.message));
  assert.throws(() => cutWindow([trace(0, 500), trace(510, 500)], at(500), { beforeS: 1, afterS: 1, eventId: "ev2" }), (e: unknown) => e instanceof DataError && /gap of 10 samples/.test(e.message));
  assert.throws(() => cutWindow([trace(0, 100)], at(5000), { beforeS: 1, afterS: 1, eventId: "ev3" }), (e: unknown) => e instanceof DataError && /no data/.test(e.message));
});

test("pad-zero fills and counts missing samples; truncate keeps the run around the reference time", () => {
  const pieces = [trace(0, 500), trace(510, 500)];
  const padded = cutWindow(pieces, at(500), { beforeS: 1, afterS: 1, policy: "pad-zero" });
  assert.equal(padded.trace.data.length, 251);
  assert.equal(padded.paddedSamples, 10);
  assert.equal(padded.trace.data[125 + 5], 0);
  assert.equal(padded.trace.data[125 + 10], 510);
  const cut = cutWindow(pieces, at(520), { beforeS: 1, afterS: 1, policy: "truncate" });
  assert.equal(cut.trace.data[0], 510);
  assert.equal(cut.trace.startNs, at(510));
  assert.equal(cut.trace.data[cut.trace.data.length - 1], 520 + 125);
});

test("mixed channels and negative lengths are option errors", () => {
  assert.throws(() => cutWindow([trace(0, 100), trace(0, 100, "EHN")], at(50), { beforeS: 0.1, afterS: 0.1 }), OptionError);
  assert.throws(() => cutWindow([trace(0, 100)], at(50), { beforeS: -1, afterS: 0.1 }), OptionError);
});
