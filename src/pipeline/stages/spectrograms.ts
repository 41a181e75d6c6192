// Stage `spectrograms`: every usable waveform → normalised dB spectrogram (ALGORITHM.md §1), with
// quality control: an event whose spectrogram cannot be made is rejected with its reason.
import type { Matrix } from "../../core/matrix.js";
import { computeSpectrograms, type SpectrogramBatchOptions, type WaveformInput } from "../../signal/quality.js";
import type { SpecufexConfig } from "../config.js";
import type { StageContext, StageDefinition, StageInfo } from "../stage.js";
import type { Rejection } from "../store.js";

/** The signal module's batch options from the config's spectrogram section. */
export function spectrogramOptions(c: SpecufexConfig["spectrogram"], normalizeWaveforms: boolean): SpectrogramBatchOptions {
  const base = {
    ...(c.windowSeconds !== null ? { windowSeconds: c.windowSeconds } : { nperseg: c.nperseg ?? 256 }),
    nfft: c.nfft,
    window: c.window === "hann" ? ("hann" as const) : (["tukey", c.tukeyAlpha] as const),
    scaling: c.scaling,
    mode: c.mode,
    fminHz: c.fmin,
    fmaxHz: c.fmax,
    normalizeWaveforms,
  };
  if (c.pool > 1) return { ...base, pool: { pool: c.pool } };
  return { ...base, ...(c.overlapFraction !== null ? { overlapFraction: c.overlapFraction } : { noverlap: c.noverlap ?? undefined }) } as SpectrogramBatchOptions;
}

export const spectrogramsStage: StageDefinition = {
  name: "spectrograms",
  settings: (c) => ({ spectrogram: c.spectrogram, normalizeWaveforms: c.preprocessing.normalizeWaveforms }),
  async run(ctx: StageContext): Promise<StageInfo> {
    const store = ctx.store;
    const ids = store.eventIds();
    const status = store.readStatus();
    const n = ids.length;
    const inputs: (WaveformInput & { index: number })[] = [];
    for (let i = 0; i < n; i++) {
      if (status[i] !== 0) continue;
      const w = store.readWaveform(i);
      inputs.push({ index: i, eventId: ids[i]!, data: w.data, sampleRateHz: w.sampleRateHz });
    }
    const options = spectrogramOptions(ctx.config.spectrogram, ctx.config.preprocessing.normalizeWaveforms);
    const result = computeSpectrograms(inputs, options);
    const indexOf = new Map(inputs.map((w) => [w.eventId, w.index]));
    const matrices: (Matrix | null)[] = new Array(n).fill(null);
    let first: (typeof result.accepted)[number]["spectrogram"] | undefined;
    for (const a of result.accepted) {
      matrices[indexOf.get(a.eventId)!] = a.spectrogram.values;
      first ??= a.spectrogram;
    }
    const rejections: Rejection[] = result.rejected.map((r) => ({ index: indexOf.get(r.eventId)!, eventId: r.eventId, stage: "spectrograms", reason: r.reason }));
    const t = first?.timesS ?? new Float64Array();
    store.writeStacked("spectrograms", matrices, {
      frequencies: first?.frequenciesHz ?? new Float64Array(),
      times: t,
      fmin: ctx.config.spectrogram.fmin,
      fmax: ctx.config.spectrogram.fmax,
      settings: JSON.stringify(ctx.config.spectrogram),
    });
    store.writeRejections("spectrograms", rejections);
    ctx.progress({ stage: "spectrograms", done: n, total: n });
    const D = first?.values.shape[0] ?? 0;
    ctx.log(`${result.accepted.length} spectrograms of ${D} frequencies × ${t.length} times, ${rejections.length} rejected`);
    return { spectrograms: result.accepted.length, rejected: rejections.length, frequencies: D, times: t.length };
  },
};
