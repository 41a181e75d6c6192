// Runs the pipeline for `run` and `demo`: progress display, Ctrl-C, the report renderer, the summary.
import { STAGES, type SpecufexConfig, type StageName } from "../pipeline/config.js";
import { runPipeline, type RunOptions } from "../pipeline/run.js";
import { InterruptedError, type StageProgress } from "../pipeline/stage.js";
import { formatSummary, type RunSummary } from "../pipeline/summary.js";
import { renderRunReport } from "../report/render.node.js";
import { STAGE_DEFINITIONS } from "../pipeline/stages/index.js";
import { debug, EXIT, info, type CliContext } from "./context.js";
import { interruptSignal } from "./interrupt.js";
import { startProgress, type Progress } from "./progress.js";

export interface PipelineCliOptions {
  readonly baseDir: string;
  readonly from?: StageName;
  readonly only?: StageName;
  readonly json?: boolean;
  readonly warnings?: string[];
}

/** Checks a --from/--only value. */
export function stageOption(value: string | undefined, flag: string): StageName | undefined {
  if (value === undefined) return undefined;
  if (!(STAGES as readonly string[]).includes(value)) throw new Error(`${flag} must be one of ${STAGES.join(", ")}, got "${value}"`);
  return value as StageName;
}

/** Runs the pipeline; returns the summary, or undefined when it was interrupted (exit code set). */
export async function runPipelineFromCli(ctx: CliContext, config: SpecufexConfig, options: PipelineCliOptions): Promise<RunSummary | undefined> {
  // --verbose: the resolved settings of every stage (what its completion record will hold).
  for (const def of STAGE_DEFINITIONS) debug(ctx, `${def.name}: settings ${JSON.stringify(def.settings(config))}`);
  const interrupt = interruptSignal(ctx);
  let bar: { stage: StageName; progress: Progress } | undefined;
  const onProgress = (p: StageProgress): void => {
    if (bar?.stage !== p.stage) {
      bar?.progress.finish();
      bar = { stage: p.stage, progress: startProgress(ctx, p.stage, p.total, p.stage.endsWith("fit") ? "steps" : "events") };
    }
    bar.progress.update(p.done, p.detail);
  };
  const runOptions: RunOptions = {
    baseDir: options.baseDir,
    report: (dir, o) => renderRunReport(dir, o ?? {}),
    signal: interrupt.signal,
    log: (line) => {
      if (bar && line.endsWith(": running") === false && / done in /.test(line)) {
        bar.progress.finish();
        bar = undefined;
      }
      info(ctx, line);
    },
    onProgress,
    ...(options.from ? { from: options.from } : {}),
    ...(options.only ? { only: options.only } : {}),
    ...(options.warnings ? { warnings: options.warnings } : {}),
  };
  try {
    const summary = await runPipeline(config, runOptions);
    bar?.progress.finish();
    for (const line of formatSummary(summary)) info(ctx, line);
    if (options.json) ctx.stdout.write(JSON.stringify(summary, null, 2) + "\n");
    return summary;
  } catch (err) {
    if (err instanceof InterruptedError || interrupt.signal.aborted) {
      info(ctx, err instanceof Error ? err.message : String(err));
      ctx.exitCode = EXIT.interrupted;
      return undefined;
    }
    throw err;
  } finally {
    interrupt.dispose();
  }
}
