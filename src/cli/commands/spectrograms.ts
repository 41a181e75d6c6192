// `specufex spectrograms`: a waveform set (tutorial or specufex_processing layout) → normalised dB spectrograms
// in the tutorial layout, with every unusable waveform listed in rejected.csv beside the output.
// Library calls: readWaveformSet → computeSpectrograms → writeTutorialResults, writeRejectedCsv.
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { DataError, FormatError, OptionError } from "../../core/errors.js";
import type { SpectrogramBatchOptions, WaveformInput } from "../../signal/quality.js";
import { EXIT, debug, info, type CliContext } from "../context.js";
import { startProgress } from "../progress.js";
import { asUsageError, finiteNumber, positiveInteger } from "./transform.js";

interface SpectrogramFlags {
  input: string;
  out: string;
  nperseg?: string;
  noverlap?: string;
  nfft?: string;
  windowSeconds?: string;
  overlap?: string;
  fmin: string;
  fmax: string;
  scaling: string;
  mode: string;
  normalizeWaveforms?: boolean;
  json?: boolean;
}

// Names beside the per-event datasets in the tutorial layout: an event may not be called so.
const RESERVED = new Set(["fSTFT", "tSTFT", "nperseg", "noverlap", "nfft", "sgramScaling", "sgramMode"]);

/** Registers `specufex spectrograms`. */
export function registerSpectrograms(program: Command, ctx: CliContext): void {
  program
    .command("spectrograms")
    .description("Compute normalised dB spectrograms (the SpecUFEx tutorial's) of a waveform set, in the tutorial layout.")
    .requiredOption("--input <file>", "waveform set: HDF5 in the tutorial layout (waveform, event_ID, sampling_rate …) or a specufex_processing data file")
    .requiredOption("--out <file>", "spectrogram file to write (HDF5, tutorial layout); rejected.csv is written beside it")
    .option("--nperseg <N>", "window length in samples (default 64)")
    .option("--noverlap <N>", "overlap in samples (default 25 % of the window)")
    .option("--nfft <N>", "FFT length, any integer ≥ the window (default 512, or the window when longer)")
    .option("--window-seconds <S>", "window length in seconds instead of --nperseg: nperseg = floor(S·fs)")
    .option("--overlap <F>", "overlap as a fraction of the window (0 ≤ F < 1) instead of --noverlap")
    .option("--fmin <Hz>", "lowest frequency kept (inclusive)", "5")
    .option("--fmax <Hz>", "highest frequency kept (inclusive)", "20")
    .option("--scaling <s>", "SciPy scaling: spectrum or density", "spectrum")
    .option("--mode <m>", "SciPy mode: magnitude or psd", "magnitude")
    .option("--normalize-waveforms", "divide each waveform by its maximum |x| first, as specufex_processing does (the dB result is the same)")
    .option("--json", "print the summary as JSON on stdout")
    .addHelpText(
      "after",
      "\nEach spectrogram is SciPy's spectrogram (periodic Tukey window, α 0.25) kept between fmin and fmax,\n" +
        "divided by its median, in dB, floored at 0. The output holds spectrograms/<event_ID> (D×M),\n" +
        "spectrograms/fSTFT, spectrograms/tSTFT, nperseg, noverlap, nfft, sgramScaling and sgramMode.\n" +
        "Waveforms with NaN/Inf samples, too few samples, or a zero median are not used: rejected.csv\n" +
        "(event_ID, stage, reason) in the output's folder lists them.\n" +
        "\nExit codes: 0 done (rejections listed); 2 bad options or unreadable input, or no usable waveform;\n" +
        "3 I/O or internal failure.\n" +
        "\nExamples:\n" +
        "  specufex spectrograms --input tutorial_waveforms.h5 --out spectrograms.h5\n" +
        "  specufex spectrograms --input tutorial_waveforms.h5 --out spectrograms.h5 --nperseg 64 --noverlap 16 --nfft 512 --fmin 5 --fmax 20\n" +
        "  specufex spectrograms --input processing_data.h5 --out sg/spectrograms.h5 --window-seconds 0.512 --overlap 0.25 --json\n",
    )
    .action(async (flags: SpectrogramFlags) => {
      const started = performance.now();
      const request = parseFlags(flags);
      const set = await asUsageError(ctx, () => readWaveformInputs(flags.input));
      if (!set) return;
      const options = stftOptions(request, set.sampleRateHz, set.lengthSamples);
      const { SpectrogramPlan } = await import("../../signal/stft.js");
      const { computeSpectrograms } = await import("../../signal/quality.js");
      const { writeTutorialResults } = await import("../../io/layouts/index.js");
      const { writeRejectedCsv } = await import("../../pipeline/outputs.js");
      const { checkDatasetName } = await import("../../pipeline/transform.js");
      // The resolved STFT parameters (OptionError → exit 2 before any work).
      const { fminHz: _f0, fmaxHz: _f1, sampleRateHz: _fs, lengthSamples: _l, normalizeWaveforms: _n, ...stft } = options;
      const plan = new SpectrogramPlan(set.sampleRateHz, { ...stft, bandHz: [options.fminHz, options.fmaxHz] });
      const ok = await asUsageError(ctx, async () => {
        for (const w of set.inputs) {
          checkDatasetName(w.eventId, flags.input);
          if (RESERVED.has(w.eventId)) throw new DataError(`${flags.input}: event_ID "${w.eventId}" collides with spectrograms/${w.eventId} of the tutorial layout`, { file: flags.input, event: w.eventId });
        }
        return true;
      });
      if (!ok) return;
      const progress = startProgress(ctx, "spectrograms", set.inputs.length, "events");
      function* counted(): Generator<WaveformInput> {
        for (let i = 0; i < set!.inputs.length; i++) {
          yield set!.inputs[i]!;
          progress.update(i + 1);
        }
      }
      const result = computeSpectrograms(counted(), options);
      progress.finish();
      const outPath = resolve(flags.out);
      const rejectedCsv = join(dirname(outPath), "rejected.csv");
      const index = new Map(set.inputs.map((w, i) => [w.eventId, i]));
      writeRejectedCsv(rejectedCsv, result.rejected.map((r) => ({ index: index.get(r.eventId)!, eventId: r.eventId, stage: "spectrograms", reason: r.reason })));
      const byReason: Record<string, number> = {};
      for (const r of result.rejected) byReason[r.code] = (byReason[r.code] ?? 0) + 1;
      for (const r of result.rejected) debug(ctx, `spectrograms: rejected event ${r.eventId}: ${r.reason}`);
      if (result.rejected.length > 0) {
        const reasons = Object.entries(byReason).map(([k, v]) => `${k} ${v}`).join(", ");
        info(ctx, `spectrograms: ${result.rejected.length} waveforms rejected (${reasons}), listed in ${rejectedCsv}`);
      }
      if (result.accepted.length === 0) {
        ctx.stderr.write(`specufex: ${flags.input}: none of the ${set.inputs.length} waveforms gave a spectrogram (reasons in ${rejectedCsv}); nothing written to ${flags.out}\n`);
        ctx.exitCode = EXIT.usage;
        return;
      }
      const first = result.accepted[0]!.spectrogram;
      const p = plan.params;
      await writeTutorialResults(outPath, {
        eventIds: result.accepted.map((a) => a.eventId),
        spectrograms: result.accepted.map((a) => a.spectrogram.values),
        frequenciesHz: first.frequenciesHz,
        timesS: first.timesS,
        stft: { fs: set.sampleRateHz, nperseg: p.nperseg, noverlap: p.noverlap, nfft: p.nfft, scaling: p.scaling, mode: p.mode, fmin: options.fminHz, fmax: options.fmaxHz },
      });
      const [D, M] = first.values.shape;
      const summary = {
        command: "spectrograms",
        input: flags.input,
        inputLayout: set.layout,
        out: flags.out,
        rejectedCsv,
        events: set.inputs.length,
        spectrograms: result.accepted.length,
        rejected: result.rejected.length,
        rejectedByReason: byReason,
        frequencies: D,
        times: M,
        sampleRateHz: set.sampleRateHz,
        nperseg: p.nperseg,
        noverlap: p.noverlap,
        nfft: p.nfft,
        fminHz: options.fminHz,
        fmaxHz: options.fmaxHz,
        scaling: p.scaling,
        mode: p.mode,
        normalizeWaveforms: Boolean(flags.normalizeWaveforms),
        seconds: (performance.now() - started) / 1000,
      };
      info(ctx, `spectrograms: ${summary.spectrograms} of ${summary.events} events (${D} frequencies × ${M} times), ${summary.rejected} rejected → ${flags.out} in ${summary.seconds.toFixed(2)} s`);
      if (flags.json) ctx.stdout.write(JSON.stringify(summary, null, 2) + "\n");
    });
}

interface SpectrogramRequest {
  nperseg?: number;
  noverlap?: number;
  nfft?: number;
  windowSeconds?: number;
  overlapFraction?: number;
  fminHz: number;
  fmaxHz: number;
  scaling: "spectrum" | "density";
  mode: "magnitude" | "psd";
  normalizeWaveforms: boolean;
}

/** The flags checked and typed; every malformed value is an OptionError naming its flag (exit 2). */
function parseFlags(flags: SpectrogramFlags): SpectrogramRequest {
  if (flags.nperseg !== undefined && flags.windowSeconds !== undefined) throw new OptionError("give --nperseg or --window-seconds, not both", { field: "nperseg" });
  if (flags.noverlap !== undefined && flags.overlap !== undefined) throw new OptionError("give --noverlap or --overlap, not both", { field: "noverlap" });
  if (flags.scaling !== "spectrum" && flags.scaling !== "density") throw new OptionError(`--scaling must be spectrum or density, got ${JSON.stringify(flags.scaling)}`, { field: "scaling" });
  if (flags.mode !== "magnitude" && flags.mode !== "psd") throw new OptionError(`--mode must be magnitude or psd, got ${JSON.stringify(flags.mode)}`, { field: "mode" });
  const r: SpectrogramRequest = {
    fminHz: finiteNumber("--fmin", flags.fmin, 0),
    fmaxHz: finiteNumber("--fmax", flags.fmax, 0),
    scaling: flags.scaling,
    mode: flags.mode,
    normalizeWaveforms: Boolean(flags.normalizeWaveforms),
  };
  if (r.fmaxHz < r.fminHz) throw new OptionError(`--fmax (${r.fmaxHz}) must be ≥ --fmin (${r.fminHz})`, { field: "fmax" });
  if (flags.nperseg !== undefined) r.nperseg = positiveInteger("--nperseg", flags.nperseg);
  if (flags.windowSeconds !== undefined) {
    r.windowSeconds = finiteNumber("--window-seconds", flags.windowSeconds, 0);
    if (r.windowSeconds <= 0) throw new OptionError(`--window-seconds must be > 0, got ${JSON.stringify(flags.windowSeconds)}`, { field: "windowSeconds" });
  }
  if (flags.noverlap !== undefined) {
    r.noverlap = finiteNumber("--noverlap", flags.noverlap, 0);
    if (!Number.isInteger(r.noverlap)) throw new OptionError(`--noverlap must be an integer ≥ 0, got ${JSON.stringify(flags.noverlap)}`, { field: "noverlap" });
  }
  if (flags.overlap !== undefined) {
    r.overlapFraction = finiteNumber("--overlap", flags.overlap, 0);
    if (r.overlapFraction >= 1) throw new OptionError(`--overlap must be a fraction 0 ≤ F < 1, got ${JSON.stringify(flags.overlap)}`, { field: "overlap" });
  }
  if (flags.nfft !== undefined) r.nfft = positiveInteger("--nfft", flags.nfft);
  return r;
}

/** The batch options for `computeSpectrograms` (defaults: 64-sample window, 25 % overlap, nfft 512). */
function stftOptions(r: SpectrogramRequest, sampleRateHz: number, lengthSamples: number | undefined): SpectrogramBatchOptions & { fminHz: number; fmaxHz: number } {
  const nperseg = r.windowSeconds !== undefined ? Math.floor(r.windowSeconds * sampleRateHz) : (r.nperseg ?? 64);
  return {
    ...(r.windowSeconds !== undefined ? { windowSeconds: r.windowSeconds } : { nperseg }),
    ...(r.noverlap !== undefined ? { noverlap: r.noverlap } : { overlapFraction: r.overlapFraction ?? 0.25 }),
    nfft: r.nfft ?? Math.max(512, nperseg),
    scaling: r.scaling,
    mode: r.mode,
    fminHz: r.fminHz,
    fmaxHz: r.fmaxHz,
    sampleRateHz,
    ...(lengthSamples !== undefined ? { lengthSamples } : {}),
    normalizeWaveforms: r.normalizeWaveforms,
  };
}

interface WaveformInputs {
  readonly layout: "tutorial" | "processing";
  readonly sampleRateHz: number;
  /** The length every waveform should have (the processing layout's lenData), when the file says. */
  readonly lengthSamples?: number;
  readonly inputs: WaveformInput[];
}

/**
 * The waveforms of a set. The tutorial layout goes through `readWaveformSet`; the processing layout is read
 * event by event here, because its waveforms may differ in length (each is its own dataset, `lenData` the
 * expected length) and a short one must be rejected with its reason rather than fail the whole file.
 */
async function readWaveformInputs(path: string): Promise<WaveformInputs> {
  const { withH5 } = await import("../../io/hdf5/index.js");
  const isProcessing = await withH5(path, "r", (f) => !f.has("waveform") && f.has("waveforms") && f.isGroup("waveforms"));
  if (!isProcessing) {
    const { readWaveformSet } = await import("../../io/layouts/index.js");
    const set = await readWaveformSet(path);
    const [n, L] = set.waveforms.shape;
    const inputs: WaveformInput[] = [];
    for (let i = 0; i < n; i++) inputs.push({ eventId: set.eventIds[i]!, data: set.waveforms.data.subarray(i * L, (i + 1) * L), sampleRateHz: set.sampleRateHz });
    return { layout: "tutorial", sampleRateHz: set.sampleRateHz, inputs };
  }
  return withH5(path, "r", (f) => {
    const station = f.keys("waveforms")[0];
    const channel = station === undefined ? undefined : f.keys(`waveforms/${station}`)[0];
    if (station === undefined || channel === undefined) throw new FormatError(`${path}: waveforms holds no <station>/<channel> group (specufex_processing layout)`, { file: path });
    const rateField = `${station}/processing_info/sampling_rate_Hz`;
    if (!f.has(rateField)) throw new FormatError(`${path}: missing ${rateField}`, { file: path, field: rateField });
    const sampleRateHz = f.readNumber(rateField);
    const lenField = `${station}/processing_info/lenData`;
    const base = `waveforms/${station}/${channel}`;
    const inputs = f.keys(base).map((id) => ({ eventId: id, data: f.readNumbers(`${base}/${id}`), sampleRateHz }));
    return { layout: "processing" as const, sampleRateHz, ...(f.has(lenField) ? { lengthSamples: f.readNumber(lenField) } : {}), inputs };
  });
}
