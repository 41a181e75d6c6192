import { test } from "node:test";
import assert from "node:assert/strict";
import { readGolden, assertGolden } from "../../test-support/shared.js";
import { computeSpectrograms, type WaveformInput } from "./quality.js";

const g = readGolden<{ fs: number; waveforms: number[][]; normalised: { dB: number[][][] } }>("spectrogram.json");
const opts = { nperseg: 64, noverlap: 16, nfft: 512, scaling: "spectrum", mode: "magnitude", fminHz: 5, fmaxHz: 20 } as const;

test("good waveforms are accepted with the golden spectrograms; every bad one is rejected with its id and reason", () => {
  const good = (i: number): WaveformInput => ({ eventId: `ok${i}`, data: Float64Array.from(g.waveforms[i]!), sampleRateHz: 125 });
  const nan = Float64Array.from(g.waveforms[0]!); nan[7] = NaN;
  const inf = Float64Array.from(g.waveforms[0]!); inf[9] = -Infinity;
  const inputs: WaveformInput[] = [
    good(0),
    { eventId: "nan", data: nan, sampleRateHz: 125 },
    { eventId: "inf", data: inf, sampleRateHz: 125 },
    { eventId: "short", data: new Float64Array(40).fill(1), sampleRateHz: 125 },
    { eventId: "rate", data: Float64Array.from(g.waveforms[1]!), sampleRateHz: 100 },
    { eventId: "flat", data: new Float64Array(2501), sampleRateHz: 125 },
    good(3),
  ];
  const r = computeSpectrograms(inputs, { ...opts, sampleRateHz: 125 });
  assert.deepEqual(r.accepted.map((a) => a.eventId), ["ok0", "ok3"]);
  assertGolden(r.accepted[0]!.spectrogram.values, g.normalised.dB[0]!, { rtol: 1e-10, label: "ok0" });
  assertGolden(r.accepted[1]!.spectrogram.values, g.normalised.dB[3]!, { rtol: 1e-10, label: "ok3" });
  assert.deepEqual(r.rejected.map((x) => [x.eventId, x.code]), [["nan", "nan"], ["inf", "inf"], ["short", "too-short"], ["rate", "sample-rate"], ["flat", "zero-median"]]);
  assert.match(r.rejected[0]!.reason, /sample 7 is NaN/);
  assert.match(r.rejected[3]!.reason, /100 Hz differs from 125 Hz/);
  // nothing lost: every input is accounted for
  assert.equal(r.accepted.length + r.rejected.length, inputs.length);
});

test("normalising waveforms by their maximum leaves the dB spectrogram unchanged; required lengths are enforced", () => {
  const inputs = [{ eventId: "a", data: Float64Array.from(g.waveforms[2]!), sampleRateHz: 125 }];
  const plain = computeSpectrograms(inputs, opts);
  const scaled = computeSpectrograms(inputs, { ...opts, normalizeWaveforms: true });
  assertGolden(scaled.accepted[0]!.spectrogram.values, plain.accepted[0]!.spectrogram.values, { rtol: 1e-9, label: "scaled" });
  const strict = computeSpectrograms([...inputs, { eventId: "b", data: new Float64Array(3000).fill(1), sampleRateHz: 125 }, { eventId: "c", data: new Float64Array(2000).fill(1), sampleRateHz: 125 }], { ...opts, lengthSamples: 2501 });
  assert.deepEqual(strict.rejected.map((x) => [x.eventId, x.code]), [["b", "length"], ["c", "too-short"]]);
});
