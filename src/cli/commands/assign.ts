// `specufex assign`: new events into a fitted project, nothing refitted (library: pipeline/assign.ts).
import type { Command } from "commander";
import { OptionError } from "../../core/errors.js";
import { info, type CliContext } from "../context.js";
import { asUsageError } from "./transform.js";

interface AssignFlags {
  project: string;
  input: string[];
  catalog?: string;
  out: string;
  threads?: string;
  json?: boolean;
}

/** Registers `specufex assign`. */
export function registerAssign(program: Command, ctx: CliContext): void {
  program
    .command("assign")
    .description("assign new events to the clusters of a fitted project (spectrograms → saved NMF and HMM → saved scaler and PCA → nearest cluster), flagging novel events")
    .requiredOption("--project <dir>", "run directory of the fitted project (specufex.h5, models/)")
    .requiredOption("--input <path...>", "new events: an HDF5 waveform set, spectrograms (specufex.h5 or a tutorial/processing results file), or waveform files/folders (with --catalog)")
    .option("--catalog <file>", "catalogue of the waveform files (CSV, QuakeML, FDSN text, hypoDD); joined on event_ID otherwise")
    .option("--out <file>", 'CSV to write; "-" for stdout', "assigned.csv")
    .option("--threads <N>", "worker threads for the transforms (default: all cores)")
    .option("--json", "print a summary as JSON on stdout (with --out to a file)")
    .addHelpText(
      "after",
      "\nThe CSV has event_ID, cluster (1-based; 0 = rejected), distance (to the cluster's centroid in the\n" +
        "clustered space), novel (1 when the distance exceeds the cluster's 99th percentile of training\n" +
        "distances; Gaussian mixtures: log-density below the training 1st percentile, given as log_density),\n" +
        "then the catalogue columns. Rejected events are listed with their reasons on stderr and in\n" +
        "<out>.rejected.csv. Nothing is refitted.\n" +
        "\nExamples:\n" +
        "  specufex assign --project demo-run --input new-waveforms.h5 --out assigned.csv\n" +
        "  specufex assign --project run --input data/2017/ --catalog catalog-2017.csv --out - > assigned.csv\n",
    )
    .action(async (flags: AssignFlags) => {
      let threads: number | undefined;
      if (flags.threads !== undefined) {
        threads = Number(flags.threads);
        if (!Number.isInteger(threads) || threads < 1) throw new OptionError(`--threads must be an integer ≥ 1, got "${flags.threads}"`, { field: "--threads" });
      }
      if (flags.json && flags.out === "-") throw new OptionError("--json prints to stdout: give --out a file", { field: "--json" });
      const { assignEvents, assignedCsv, writeAssignedCsv } = await import("../../pipeline/assign.js");
      const { writeRejectedCsv } = await import("../../pipeline/outputs.js");
      const result = await asUsageError(ctx, () =>
        assignEvents({
          project: flags.project,
          input: flags.input,
          ...(flags.catalog ? { catalog: flags.catalog } : {}),
          ...(threads !== undefined ? { threads } : {}),
          log: (line) => info(ctx, `assign: ${line}`),
        }),
      );
      if (!result) return;
      for (const r of result.rejected) info(ctx, `assign: rejected ${r.eventId} (${r.stage}): ${r.reason}`);
      for (const w of result.warnings) info(ctx, `assign: warning: ${w}`);
      if (flags.out === "-") {
        ctx.stdout.write(assignedCsv(result));
      } else {
        writeAssignedCsv(flags.out, result);
        if (result.rejected.length) writeRejectedCsv(`${flags.out.replace(/\.csv$/i, "")}.rejected.csv`, result.rejected);
      }
      const assigned = result.events.filter((e) => e.cluster > 0);
      const novel = assigned.filter((e) => e.novel).length;
      const s = result.seconds;
      info(ctx, `assign: ${assigned.length} events into ${result.k} clusters (${result.method}), ${novel} novel, ${result.rejected.length} rejected → ${flags.out} (${s.total.toFixed(2)} s: input ${s.input.toFixed(2)}, spectrograms ${s.spectrograms.toFixed(2)}, NMF ${s.nmfTransform.toFixed(2)}, HMM ${s.hmmTransform.toFixed(2)}, assignment ${s.assignment.toFixed(3)})`);
      if (flags.json) {
        const perCluster: Record<string, number> = {};
        for (const e of assigned) perCluster[String(e.cluster)] = (perCluster[String(e.cluster)] ?? 0) + 1;
        ctx.stdout.write(JSON.stringify({ command: "assign", method: result.method, k: result.k, events: result.events.length, assigned: assigned.length, novel, rejected: result.rejected.length, perCluster, out: flags.out, seconds: s }, null, 2) + "\n");
      }
    });
}
