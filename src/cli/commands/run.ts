import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { OptionError } from "../../core/errors.js";
import { loadConfigFile, STAGES } from "../../pipeline/config.js";
import { runDirectory, stageHashes, STORE_FILE } from "../../pipeline/run.js";
import { ProjectStore } from "../../pipeline/store.js";
import { formatStatus } from "../../pipeline/summary.js";
import { info, type CliContext } from "../context.js";
import { runPipelineFromCli, stageOption } from "../pipeline-runner.js";

function configPath(arg: string | undefined): string {
  const path = resolve(arg ?? "specufex.yaml");
  if (!existsSync(path)) throw new OptionError(`${path}: no such config file (create one with \`specufex init\`)`, { file: path });
  return path;
}

/** `specufex run [CONFIG] [--from STAGE] [--only STAGE]` and `specufex status [CONFIG]`. */
export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command("run")
    .description(`run the stages ${STAGES.join(" → ")}, skipping those already done with the same settings`)
    .argument("[config]", "config file (our specufex.yaml or a SpecUFEx_workflow YAML)", "specufex.yaml")
    .option("--from <stage>", "redo from this stage on")
    .option("--only <stage>", "run this stage alone (earlier stages must be done)")
    .option("--json", "print the run summary as JSON on stdout")
    .addHelpText("after", "\nExamples:\n  specufex init my-project && specufex run my-project/specufex.yaml\n  specufex run my-project/specufex.yaml --from cluster --json > summary.json\n  specufex run my-project/specufex.yaml --only report\n")
    .action(async (arg: string, opts: { from?: string; only?: string; json?: boolean }) => {
      const path = configPath(arg);
      const { config, mapping } = loadConfigFile(path);
      const from = wrapStage(opts.from, "--from");
      const only = wrapStage(opts.only, "--only");
      if (mapping) {
        info(ctx, `${path}: a SpecUFEx_workflow config; mapped: ${mapping.mapped.join("; ")}`);
        if (mapping.ignored.length) info(ctx, `${path}: ignored: ${mapping.ignored.join(", ")}`);
      }
      await runPipelineFromCli(ctx, config, { baseDir: dirname(path), ...(from ? { from } : {}), ...(only ? { only } : {}), ...(opts.json ? { json: true } : {}) });
    });

  program
    .command("status")
    .description("show which stages are done, with what settings")
    .argument("[config]", "config file", "specufex.yaml")
    .option("--json", "print the stage records as JSON on stdout")
    .addHelpText("after", "\nExamples:\n  specufex status\n  specufex status my-project/specufex.yaml --json\n")
    .action(async (arg: string, opts: { json?: boolean }) => {
      const path = configPath(arg);
      const { config } = loadConfigFile(path);
      const runDir = runDirectory(config, dirname(path));
      const storePath = join(runDir, STORE_FILE);
      const hashes = stageHashes(config);
      if (!existsSync(storePath)) {
        info(ctx, `${runDir}: nothing run yet`);
        if (opts.json) ctx.stdout.write(JSON.stringify({ runDir, stages: [] }) + "\n");
        return;
      }
      const store = await ProjectStore.open(storePath);
      try {
        const records = STAGES.map((s) => store.stage(s));
        if (opts.json) ctx.stdout.write(JSON.stringify({ runDir, stages: records.map((r, i) => ({ stage: STAGES[i], ...(r ?? { isComplete: false }), current: r?.hash === hashes[STAGES[i]!] })) }, null, 2) + "\n");
        else for (const line of formatStatus(records, STAGES, hashes)) ctx.stdout.write(line + "\n");
      } finally {
        store.close();
      }
    });
}

function wrapStage(value: string | undefined, flag: string): ReturnType<typeof stageOption> {
  try {
    return stageOption(value, flag);
  } catch (err) {
    throw new OptionError((err as Error).message, { field: flag });
  }
}
