import { test } from "node:test";
import assert from "node:assert/strict";
import type { Matrix } from "../core/matrix.js";
import { reportFixture } from "./fixture.js";
import { PackedEventsBuilder, quantise, unpackMatrix, unpackWaveform } from "./packed.js";
import { inflateSync } from "node:zlib";
import { oneEventFigure } from "./figures/one-event.js";
import { base64 } from "./png.js";
import { nodeDeflate } from "./png.node.js";
import { envelope } from "./stats.js";

const data = reportFixture({ packAll: false });

function assertWithinStep(decoded: Matrix, original: Matrix, lo: number, hi: number, label: string): void {
  assert.deepEqual(decoded.shape, original.shape, label);
  const step = (hi - lo) / 255;
  let worst = 0;
  for (let j = 0; j < original.data.length; j++) {
    const v = original.data[j]!;
    if (Number.isNaN(v)) { assert.ok(Number.isNaN(decoded.data[j]!), `${label}[${j}] NaN stays NaN`); continue; }
    worst = Math.max(worst, Math.abs(decoded.data[j]! - v));
  }
  assert.ok(worst <= step + 1e-12, `${label}: worst error ${worst} > step ${step}`);
}

test("packed events decode to their matrices within one quantisation step (range/255)", () => {
  const builder = new PackedEventsBuilder();
  for (const e of data.embedded) builder.add(e);
  const packed = builder.finish();
  assert.equal(packed.events.length, data.embedded.length);
  for (const [j, e] of data.embedded.entries()) {
    const p = packed.events[j]!;
    assert.equal(p.index, e.index);
    assert.equal(p.offset % 3, 0, "each event starts on a base64 boundary");
    // Ranges as figure 10's tiles: own finite range, γ and A on [0, 1].
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of e.spectrogram.data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    assert.deepEqual([p.spectrogram.lo, p.spectrogram.hi], [lo, hi]);
    assert.deepEqual([p.states!.lo, p.states!.hi], [0, 1]);
    assert.deepEqual([p.transitions!.lo, p.transitions!.hi], [0, 1]);
    for (const key of ["spectrogram", "activations", "states", "transitions", "fingerprint"] as const) {
      const m = p[key]!;
      assertWithinStep(unpackMatrix(packed, p, m), e[key]!, m.lo, m.hi, `event ${e.index} ${key}`);
    }
    // The waveform: a 300-bin min/max envelope in int8, values within half a step, times within a bin.
    const w = e.waveform!;
    const env = envelope(w.data, w.sampleRateHz, w.startSeconds, 600);
    const got = unpackWaveform(packed, p)!;
    assert.equal(got.y.length, env.y.length);
    const scale = p.waveform!.scale;
    let peak = 0;
    for (const v of env.y) peak = Math.max(peak, Math.abs(v));
    assert.ok(Math.abs(scale * 127 - peak) <= 1e-12 * peak);
    const bin = w.data.length / 300 / w.sampleRateHz;
    for (let k = 0; k < env.y.length; k++) {
      assert.ok(Math.abs(got.y[k]! - env.y[k]!) <= scale / 2 + 1e-15, `waveform point ${k}: ${got.y[k]} vs ${env.y[k]}`);
      assert.ok(Math.abs(got.t[k]! - env.t[k]!) <= bin, `waveform time ${k}: ${got.t[k]} vs ${env.t[k]}`);
    }
    assert.equal(p.waveform!.units, "m/s");
  }
});

test("quantise maps the ends to 0 and 254, NaN to 255, and clamps outside the range", () => {
  assert.deepEqual(Array.from(quantise([0, 1, 0.5, NaN, -3, 7, 0.002], 0, 1)), [0, 254, 127, 255, 0, 254, 1]);
  assert.deepEqual(Array.from(quantise([-10, 10], -10, 10)), [0, 254]);
});

test("each event's base64 can be cut out of the block and decoded alone", () => {
  const builder = new PackedEventsBuilder();
  for (const e of data.embedded.slice(0, 3)) builder.add(e);
  const packed = builder.finish();
  const text = base64(packed.bytes);
  for (const p of packed.events) {
    const part = Buffer.from(text.substr((p.offset / 3) * 4, Math.ceil(p.length / 3) * 4), "base64");
    assert.deepEqual(new Uint8Array(part.subarray(0, p.length)), packed.bytes.subarray(p.offset, p.offset + p.length));
  }
});

test("the fixture packs every clustered event that is not embedded, and only those", () => {
  const full = reportFixture();
  const embedded = new Set(full.embedded.map((e) => e.index));
  const expected: number[] = [];
  for (let i = 0; i < full.events.ids.length; i++) if (full.events.cluster[i]! > 0 && !embedded.has(i)) expected.push(i);
  assert.deepEqual(full.packed!.events.map((p) => p.index), expected);
  // The packed copies do not change the rest of the fixture.
  assert.deepEqual(full.embedded.map((e) => Array.from(e.spectrogram.data.subarray(0, 5))), data.embedded.map((e) => Array.from(e.spectrogram.data.subarray(0, 5))));
});

test("figure 10's page block holds each packed event zlib-compressed on its own, cut out of the base64 alone", () => {
  const full = reportFixture({ clusters: 2, eventsPerCluster: 12, rejected: 1 });
  const fig = oneEventFigure(full, { deflate: nodeDeflate });
  const events = (fig.page as { events: Record<string, { o: number; n: number; spectrogram: number[]; wave: number[] }> }).events;
  const text = base64(fig.pageBytes!);
  assert.deepEqual(Object.keys(events).map(Number), full.packed!.events.map((p) => p.index));
  for (const p of full.packed!.events) {
    const e = events[p.index]!;
    assert.equal(e.o % 3, 0);
    const z = Buffer.from(text.substr((e.o / 3) * 4, Math.ceil(e.n / 3) * 4), "base64").subarray(0, e.n);
    assert.deepEqual(new Uint8Array(inflateSync(z)), full.packed!.bytes.subarray(p.offset, p.offset + p.length), `event ${p.index}`);
    assert.deepEqual(e.spectrogram, [p.spectrogram.offset, p.spectrogram.rows, p.spectrogram.cols, p.spectrogram.lo, p.spectrogram.hi]);
    assert.deepEqual(e.wave, [p.waveform!.offset, p.waveform!.n, p.waveform!.t0Seconds, p.waveform!.dtSeconds, p.waveform!.scale]);
  }
});
