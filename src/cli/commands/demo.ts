import type { Command } from "commander";
import { OptionError } from "../../core/errors.js";
import { demoAri, prepareDemo } from "../../pipeline/demo-run.js";
import { info, type CliContext } from "../context.js";
import { runPipelineFromCli } from "../pipeline-runner.js";

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new OptionError(`${flag} must be an integer ≥ 1, got "${value}"`, { field: flag });
  return n;
}

/** `specufex demo [--out DIR] [--events N] [--seed S]`: synthetic data with known families → whole pipeline → report → ARI. */
export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("generate a realistic synthetic data set with known families, run the whole pipeline on it, write the report, and print the adjusted Rand index against the truth")
    .option("--out <dir>", "run directory", "demo-run")
    .option("--events <n>", "number of events", "1000")
    .option("--seed <s>", "random seed (data set and fits)", "42")
    .option("--json", "print the run summary as JSON on stdout")
    .addHelpText("after", "\nExamples:\n  specufex demo\n  specufex demo --out /tmp/small --events 200 --seed 7\n")
    .action(async (opts: { out: string; events: string; seed: string; json?: boolean }) => {
      const events = positiveInt(opts.events, "--events");
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw new OptionError(`--seed must be an integer, got "${opts.seed}"`, { field: "--seed" });
      const t0 = performance.now();
      const setup = await prepareDemo(opts.out, { events, seed });
      info(ctx, `demo: ${events} synthetic events of ${setup.dataset.familyInfo.length} families at ${setup.dataset.station.network}.${setup.dataset.station.station} → ${setup.runDir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      const summary = await runPipelineFromCli(ctx, setup.config, { baseDir: setup.runDir, ...(opts.json ? { json: true } : {}) });
      if (!summary) return;
      const { ari, events: scored, bySnr } = demoAri(setup.runDir);
      // The ARI lines go to stderr with the summary unless --json keeps stdout for JSON.
      const bands = bySnr.map((b) => `${b.fromDb}–${b.toDb} dB ${b.ari.toFixed(3)} (${b.events})`).join(", ");
      const lines = [`ARI ${ari.toFixed(3)} (clusters vs the generator's families, ${scored} events)`, ...(bands ? [`ARI by SNR: ${bands}`] : [])];
      if (opts.json) for (const l of lines) info(ctx, l);
      else ctx.stdout.write(lines.join("\n") + "\n");
      info(ctx, `report: ${setup.runDir}/report/index.html`);
    });
}
