// `specufex export`: a run directory's results in the Python tools' HDF5 layouts (library: pipeline/export.ts).
import type { Command } from "commander";
import { OptionError } from "../../core/errors.js";
import { debug, info, type CliContext } from "../context.js";
import { startProgress } from "../progress.js";
import { asUsageError, positiveInteger } from "./transform.js";

interface ExportFlags {
  project: string;
  layout: string;
  threads?: string;
  json?: boolean;
}

/** Registers `specufex export`. */
export function registerExport(program: Command, ctx: CliContext): void {
  program
    .command("export")
    .description("Write a run's results in the HDF5 layout of the SpecUFEx tutorial or of specufex_processing, so their notebooks read them.")
    .argument("<out>", "HDF5 file to write")
    .requiredOption("--project <dir>", "run directory (specufex.h5 and models/nmf.h5, models/hmm.h5)")
    .requiredOption("--layout <name>", "tutorial or processing")
    .option("--threads <N>", "worker threads for the transition matrices of the processing layout (default: all cores)")
    .option("--json", "print the summary as JSON on stdout")
    .addHelpText(
      "after",
      "\ntutorial:   spectrograms/<event_ID> with fSTFT, tSTFT, nperseg, noverlap, nfft, sgramScaling, sgramMode;\n" +
        "            fingerprints/<event_ID>; SpecUFEX_output/ACM/<event_ID>, STM/<event_ID>, ACM_gain/gain, W/W, EB/<id>\n" +
        "processing: spectrograms/{raw_spectrograms,transformed_spectrograms}/<event_ID> (STFT parameters as\n" +
        "            attributes), ACM/<event_ID>, STM/<event_ID>, fingerprints/<event_ID>, SpecUFEx_output/ACM_gain,\n" +
        "            SpecUFEx_output/As/<event_ID>, model_parameters/{EW,EA,ElnWA,EB}, path_attrs, sgram_attrs,\n" +
        "            specufex_attrs, dataparam_attrs, catalog/cat_by_sta/<station>\n" +
        "Events the run rejected are left out (listed with --verbose and in the JSON summary).\n" +
        "\nExit codes: 0 done; 2 bad options, or the directory is not a finished run (no store, models or\n" +
        "results); 3 I/O or internal failure.\n" +
        "\nExamples:\n" +
        "  specufex export --project demo-run --layout tutorial demo_tutorial.h5\n" +
        "  specufex export --project demo-run --layout processing demo_processing.h5 --json\n",
    )
    .action(async (out: string, flags: ExportFlags) => {
      if (flags.layout !== "tutorial" && flags.layout !== "processing") throw new OptionError(`--layout must be tutorial or processing, got ${JSON.stringify(flags.layout)}`, { field: "layout" });
      const layout = flags.layout;
      const threads = flags.threads === undefined ? undefined : positiveInteger("--threads", flags.threads);
      const { exportRun } = await import("../../pipeline/export.js");
      let progress: ReturnType<typeof startProgress> | undefined;
      const summary = await asUsageError(ctx, () =>
        exportRun(flags.project, out, {
          layout,
          ...(threads !== undefined ? { threads } : {}),
          onProgress: (done, total) => {
            progress ??= startProgress(ctx, "export", total, "events");
            progress.update(done);
          },
        }),
      );
      if (!summary) return;
      progress?.finish();
      for (const s of summary.skipped) debug(ctx, `export: skipped event ${s.eventId}: ${s.reason}`);
      for (const w of summary.warnings) info(ctx, `export: warning: ${w}`);
      const skipped = summary.skipped.length > 0 ? `, ${summary.skipped.length} rejected by the run left out` : "";
      info(ctx, `export: ${summary.exported} of ${summary.events} events (D ${summary.frequencies}, K ${summary.patterns}, S ${summary.states})${skipped} → ${out} (${layout} layout) in ${summary.seconds.toFixed(2)} s`);
      if (flags.json) ctx.stdout.write(JSON.stringify({ command: "export", ...summary }, null, 2) + "\n");
    });
}
