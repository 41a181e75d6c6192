// What a pipeline stage is: a named step with the settings that determine its result, run over the store.
import type { SpecufexConfig, StageName } from "./config.js";
import type { ProjectStore } from "./store.js";

/** Progress of long work inside a stage (the CLI draws it; the library never prints). */
export interface StageProgress {
  readonly stage: StageName;
  readonly done: number;
  readonly total: number;
  readonly detail?: string;
}

/** Renders the report of a run directory (the report module's renderer, handed in by the CLI). */
export type ReportRenderer = (runDir: string, options?: { quiet?: boolean }) => Promise<{ indexHtml: string; figures: string[] }>;

/** Everything a stage may use. */
export interface StageContext {
  readonly config: SpecufexConfig;
  /** Absolute run directory. */
  readonly runDir: string;
  /** Directory that relative config paths are resolved against. */
  readonly baseDir: string;
  readonly store: ProjectStore;
  readonly threads: number;
  readonly signal: AbortSignal;
  readonly report?: ReportRenderer;
  /** A line for the log (stderr in the CLI). */
  log(line: string): void;
  progress(p: StageProgress): void;
}

/** A stage's result summary (kept in its stage record and the run summary). */
export type StageInfo = Record<string, unknown>;

export interface StageDefinition {
  readonly name: StageName;
  /** The settings that determine this stage's result; a change means the stage (and all later ones) is redone. */
  settings(config: SpecufexConfig): unknown;
  run(ctx: StageContext): Promise<StageInfo>;
}

/** Thrown when a fit was stopped by the user between steps (state saved; exit code 130). */
export class InterruptedError extends Error {
  constructor(readonly stage: StageName, readonly step: number) {
    super(`${stage}: interrupted at step ${step}; the checkpoint is saved and \`specufex run\` resumes from it`);
    this.name = "InterruptedError";
  }
}
