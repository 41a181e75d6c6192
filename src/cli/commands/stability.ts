// `specufex stability`: rerun the seed-dependent stages with N seeds and measure how much the clusters agree
// (library: pipeline/stability.ts).
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { OptionError } from "../../core/errors.js";
import { loadConfigFile } from "../../pipeline/config.js";
import type { ConsensusMethod } from "../../pipeline/consensus.js";
import { runDirectory } from "../../pipeline/run.js";
import { runStability, stabilitySummary } from "../../pipeline/stability-run.js";
import { StabilityInterrupted } from "../../pipeline/stability.js";
import { EXIT, info, type CliContext } from "../context.js";
import { interruptSignal } from "../interrupt.js";
import { startProgress, type Progress } from "../progress.js";

interface StabilityFlags {
  seeds?: string;
  bootstrap?: string;
  consensus?: string;
  threads?: string;
  report?: boolean;
  json?: boolean;
}

function integer(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new OptionError(`${flag} must be an integer ≥ ${min}, got "${value}"`, { field: flag });
  return n;
}

/** Registers `specufex stability`. */
export function registerStability(program: Command, ctx: CliContext): void {
  program
    .command("stability")
    .description("rerun NMF fit → HMM → clustering with N seeds on the project's spectrograms and report how much the clusters agree")
    .argument("[config]", "config file of the run (its spectrograms stage must be done)", "specufex.yaml")
    .option("--seeds <N>", "number of runs (default: stability.seeds of the config, 5)")
    .option("--bootstrap <B>", "bootstrap resamples per K for the stability curve (0 = none; default: stability.bootstrap)")
    .option("--consensus <method>", "consensus labels: vote or coassociation (default: stability.consensus, vote)")
    .option("--threads <N>", "worker threads (default: config threads, else all cores)")
    .option("--no-report", "do not redraw the report")
    .option("--json", "print the stability summary as JSON on stdout")
    .addHelpText(
      "after",
      "\nRun i uses nmf.seed + i, hmm.seed + i and cluster.seed + i; run 0 is the pipeline's own (reused when\n" +
        "its fits are current). Writes stability.json (pairwise ARI of the runs, per-cluster stability, per-event\n" +
        "consistency, chosen K per run, consensus labels, the bootstrap stability curve over K), adds\n" +
        "`consistency` to catalog.csv and a `stability` entry to summary.json, and redraws the report.\n" +
        "\nExamples:\n" +
        "  specufex stability --seeds 5\n" +
        "  specufex stability demo-run/specufex.yaml --seeds 3 --bootstrap 0 --json > stability-summary.json\n",
    )
    .action(async (arg: string, flags: StabilityFlags) => {
      const path = resolve(arg);
      if (!existsSync(path)) throw new OptionError(`${path}: no such config file`, { file: path });
      const { config } = loadConfigFile(path);
      const consensus = flags.consensus;
      if (consensus !== undefined && !["vote", "coassociation"].includes(consensus)) {
        throw new OptionError(`--consensus must be vote or coassociation, got "${consensus}"`, { field: "--consensus" });
      }
      const threads = flags.threads !== undefined ? integer("--threads", flags.threads, 1) : config.threads ?? undefined;
      const interrupt = interruptSignal(ctx);
      let bar: Progress | undefined;
      try {
        const { result, path: out } = await runStability(config, {
          baseDir: dirname(path),
          ...(flags.seeds !== undefined ? { seeds: integer("--seeds", flags.seeds, 1) } : {}),
          ...(flags.bootstrap !== undefined ? { bootstrap: integer("--bootstrap", flags.bootstrap, 0) } : {}),
          ...(consensus !== undefined ? { consensus: consensus as ConsensusMethod } : {}),
          ...(threads !== undefined ? { threads } : {}),
          signal: interrupt.signal,
          log: (line) => info(ctx, `stability: ${line}`),
          onProgress: (p) => {
            bar ??= startProgress(ctx, "stability", p.total, "steps");
            bar.update(p.done, p.detail);
          },
        });
        bar?.finish();
        const c = result.comparison;
        info(ctx, `stability: ${result.runs.length} runs, mean pairwise ARI ${c.meanAri.toFixed(3)}, K chosen ${Object.entries(result.kCounts).map(([k, n]) => `${k}×${n}`).join(", ")}; consensus K = ${c.k} (${c.method})`);
        for (const k of c.clusters) info(ctx, `  cluster ${k.cluster + 1}: ${k.size} events, stability ${k.stability.toFixed(3)}, mean consistency ${k.consistency.toFixed(3)}`);
        if (result.stableK !== null) info(ctx, `  bootstrap stability curve: most stable K = ${result.stableK}`);
        info(ctx, `stability: ${out} (${result.seconds.toFixed(1)} s)`);
        const runDir = runDirectory(config, dirname(path));
        if (flags.report !== false && config.report.enabled) {
          const { renderRunReport } = await import("../../report/render.node.js");
          await renderRunReport(runDir, { quiet: true });
          info(ctx, `report: ${runDir}/report/index.html`);
        }
        if (flags.json) ctx.stdout.write(JSON.stringify({ command: "stability", runDir, ...stabilitySummary(result) }, null, 2) + "\n");
      } catch (err) {
        if (err instanceof StabilityInterrupted || interrupt.signal.aborted) {
          bar?.finish();
          info(ctx, "stability: interrupted; nothing written");
          ctx.exitCode = EXIT.interrupted;
          return;
        }
        throw err;
      } finally {
        interrupt.dispose();
      }
    });
}
