// `specufex transform`: apply fitted NMF and HMM models (ours or the Python package's) to spectrograms and
// write activations, state sequences and fingerprints as the tutorial does (library: pipeline/transform.ts).
import type { Command } from "commander";
import { DataError, FormatError, OptionError, ShapeError } from "../../core/errors.js";
import { EXIT, debug, info, type CliContext } from "../context.js";
import { startProgress } from "../progress.js";

interface TransformFlags {
  nmf: string;
  hmm: string;
  input: string;
  out: string;
  threads?: string;
  json?: boolean;
}

/** Registers `specufex transform`. */
export function registerTransform(program: Command, ctx: CliContext): void {
  program
    .command("transform")
    .description("Apply fitted NMF and HMM models to spectrograms: activation matrices, state sequences and fingerprints in the tutorial layout.")
    .requiredOption("--nmf <file>", "NMF model file (models/nmf.h5 of a run, or one saved by the Python specufex package)")
    .requiredOption("--hmm <file>", "HMM model file fitted on that NMF's activations")
    .requiredOption("--input <file>", "spectrograms: a project store specufex.h5, or a results file of the tutorial or specufex_processing layout")
    .requiredOption("--out <file>", "results file to write (HDF5, tutorial layout)")
    .option("--threads <N>", "worker threads (default: all cores; the numbers do not depend on it)")
    .option("--json", "print the summary as JSON on stdout")
    .addHelpText(
      "after",
      "\nThe output holds fingerprints/<event_ID> (S×S), SpecUFEX_output/ACM/<event_ID> (K×M),\n" +
        "SpecUFEX_output/STM/<event_ID> (S×M), SpecUFEX_output/ACM_gain/gain, SpecUFEX_output/W/W and\n" +
        "SpecUFEX_output/EB/<last event_ID>, as the SpecUFEx tutorial writes them; the spectrograms stay in\n" +
        "the input. Rejected events of a store are skipped. Every spectrogram must have the NMF's number of\n" +
        "frequency rows and at least 2 time steps.\n" +
        "\nExit codes: 0 done; 2 bad options or bad input (unreadable file, a spectrogram with the wrong\n" +
        "number of rows, NaN values, models that do not belong together): nothing is written; 3 I/O or\n" +
        "internal failure.\n" +
        "\nExamples:\n" +
        "  specufex transform --nmf run/models/nmf.h5 --hmm run/models/hmm.h5 --input run/specufex.h5 --out results.h5\n" +
        "  specufex transform --nmf nmf.h5 --hmm hmm.h5 --input tutorial_results.h5 --out out.h5 --threads 2 --json\n",
    )
    .action(async (flags: TransformFlags) => {
      const threads = flags.threads === undefined ? undefined : positiveInteger("--threads", flags.threads);
      const { transformToFile } = await import("../../pipeline/transform.js");
      debug(ctx, `transform: models ${flags.nmf} + ${flags.hmm}, spectrograms ${flags.input}`);
      let progress: ReturnType<typeof startProgress> | undefined;
      const summary = await asUsageError(ctx, () =>
        transformToFile({
          nmf: flags.nmf,
          hmm: flags.hmm,
          input: flags.input,
          out: flags.out,
          ...(threads !== undefined ? { threads } : {}),
          onProgress: (done, total) => {
            progress ??= startProgress(ctx, "transform", total, "events");
            progress.update(done);
          },
        }),
      );
      if (!summary) return;
      progress?.finish();
      const skipped = summary.skipped > 0 ? `, ${summary.skipped} events without spectrograms skipped` : "";
      info(ctx, `transform: ${summary.transformed} events (${summary.inputLayout} input, D ${summary.frequencies}, K ${summary.patterns}, S ${summary.states})${skipped} → ${summary.out} in ${summary.seconds.toFixed(2)} s`);
      if (flags.json) ctx.stdout.write(JSON.stringify({ command: "transform", ...summary, threads: threads ?? null }, null, 2) + "\n");
    });
}

/**
 * Runs `fn`; bad input (unreadable or malformed files, unusable data, mismatched shapes) is reported as a usage
 * error (exit 2, STYLE.md §9: the inputs must change before a rerun can succeed; nothing was written).
 * Returns undefined after reporting it; other errors propagate (exit 3).
 */
export async function asUsageError<T>(ctx: CliContext, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof FormatError || err instanceof DataError || err instanceof ShapeError) {
      ctx.stderr.write(`specufex: ${err.message}\n`);
      ctx.exitCode = EXIT.usage;
      return undefined;
    }
    throw err;
  }
}

/** A flag's integer value ≥ 1; an OptionError naming the flag otherwise (exit 2). */
export function positiveInteger(flag: string, raw: string): number {
  const v = Number(raw);
  if (!/^\s*\+?\d+\s*$/.test(raw) || !Number.isSafeInteger(v) || v < 1) throw new OptionError(`${flag} must be an integer ≥ 1, got ${JSON.stringify(raw)}`, { field: flag.slice(2) });
  return v;
}

/** A flag's finite number (≥ min when given); an OptionError naming the flag otherwise (exit 2). */
export function finiteNumber(flag: string, raw: string, min?: number): number {
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(v) || (min !== undefined && v < min)) {
    throw new OptionError(`${flag} must be a number${min !== undefined ? ` ≥ ${min}` : ""}, got ${JSON.stringify(raw)}`, { field: flag.slice(2) });
  }
  return v;
}
