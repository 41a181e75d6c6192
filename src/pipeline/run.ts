// runPipeline: the stages in order, skipping those already done with the same settings (docs/RUN-DIRECTORY.md).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { OptionError } from "../core/errors.js";
import { STAGES, type SpecufexConfig, type StageName } from "./config.js";
import type { ReportRenderer, StageContext, StageProgress, StageInfo } from "./stage.js";
import { STAGE_DEFINITIONS } from "./stages/index.js";
import { ProjectStore, settingsHash } from "./store.js";
import { countRejections, type RunSummary, type StageTiming } from "./summary.js";
import { writeRejectedCsv } from "./outputs.js";
import { checkpointPath, removeCheckpoint } from "./stages/fit-support.js";

export const STORE_FILE = "specufex.h5";

export interface RunOptions {
  /** The report renderer (the CLI passes the report module's); without it the report stage is skipped. */
  readonly report?: ReportRenderer;
  /** Relative paths of the config are resolved against this (the config file's folder). */
  readonly baseDir?: string;
  /** Redo this stage and every later one. */
  readonly from?: StageName;
  /** Run this stage alone (earlier stages must be done). */
  readonly only?: StageName;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  readonly onProgress?: (p: StageProgress) => void;
  /** Stage-specific extra results to add to the summary (e.g. the demo's ARI). */
  readonly warnings?: string[];
}

/** The hash of each stage's settings under `config`. */
export function stageHashes(config: SpecufexConfig): Record<StageName, string> {
  const out = {} as Record<StageName, string>;
  for (const def of STAGE_DEFINITIONS) out[def.name] = settingsHash(def.settings(config));
  return out;
}

/** The run directory of a config. */
export function runDirectory(config: SpecufexConfig, baseDir = process.cwd()): string {
  return resolve(baseDir, config.output);
}

/**
 * Runs the pipeline: ingest → spectrograms → nmf-fit → nmf-transform → hmm-fit → hmm-transform →
 * cluster → report. A stage whose settings (and all earlier stages) are unchanged since it completed is
 * skipped; a redone stage makes every later stage run again.
 */
export async function runPipeline(config: SpecufexConfig, options: RunOptions = {}): Promise<RunSummary> {
  const started = performance.now();
  const baseDir = resolve(options.baseDir ?? process.cwd());
  const runDir = runDirectory(config, baseDir);
  if (!config.data.waveforms && !config.data.catalog) {
    const fetchNext = config.data.start !== null || config.data.box !== null || config.data.radius !== null
      ? "; the data.start/box/radius keys are for `specufex fetch --config CONFIG --out DIR`, which writes DIR/waveforms.h5 to name here"
      : "";
    throw new OptionError(`data: give data.waveforms (an HDF5 waveform set), or data.catalog with data.files (waveform files or folders)${fetchNext}`, { field: "data" });
  }
  // A path in the config that names nothing is a config error (exit 2), found before anything runs.
  const named: [string, string][] = [
    ...(config.data.waveforms ? [["data.waveforms", config.data.waveforms] as [string, string]] : []),
    ...(config.data.catalog ? [["data.catalog", config.data.catalog] as [string, string]] : []),
    ...config.data.files.map((f, i) => [`data.files[${i}]`, f] as [string, string]),
  ];
  for (const [key, path] of named) {
    const full = resolve(baseDir, path);
    if (!existsSync(full)) throw new OptionError(`${key}: no such file or folder ${full}`, { field: key, file: full });
  }
  mkdirSync(runDir, { recursive: true });
  const log = options.log ?? (() => {});
  const storePath = join(runDir, STORE_FILE);
  const fromIndex = options.from ? STAGES.indexOf(options.from) : Infinity;
  const onlyIndex = options.only ? STAGES.indexOf(options.only) : -1;
  const timings: StageTiming[] = [];
  const warnings = [...(options.warnings ?? [])];
  let store = existsSync(storePath) ? await ProjectStore.open(storePath, "a") : undefined;
  let dirty = false;
  const infos: Partial<Record<StageName, StageInfo>> = {};
  try {
    for (let i = 0; i < STAGE_DEFINITIONS.length; i++) {
      const def = STAGE_DEFINITIONS[i]!;
      const settings = def.settings(config);
      const hash = settingsHash(settings);
      const record = store?.stage(def.name);
      if (onlyIndex >= 0 && i !== onlyIndex) {
        if (i < onlyIndex && !(record?.isComplete && record.hash === hash)) {
          throw new OptionError(`--only ${options.only}: the earlier stage ${def.name} is not done with the current settings (run without --only first)`);
        }
        if (record?.info) infos[def.name] = record.info as StageInfo;
        continue;
      }
      const upToDate = record?.isComplete === true && record.hash === hash && !dirty && i < fromIndex && onlyIndex < 0;
      if (upToDate) {
        timings.push({ stage: def.name, status: "skipped", seconds: 0 });
        infos[def.name] = (record.info ?? {}) as StageInfo;
        log(`${def.name}: up to date (skipped)`);
        continue;
      }
      if (options.signal?.aborted) break;
      const t0 = performance.now();
      if (def.name === "ingest") {
        store?.close();
        store = undefined;
      }
      const ctx: StageContext = {
        config,
        runDir,
        baseDir,
        get store(): ProjectStore {
          if (!store) throw new Error("internal: the project store is not open");
          return store;
        },
        threads: config.threads ?? availableParallelism(),
        signal: options.signal ?? new AbortController().signal,
        ...(options.report ? { report: options.report } : {}),
        log: (line) => log(`${def.name}: ${line}`),
        progress: (p) => options.onProgress?.(p),
      };
      log(`${def.name}: running`);
      // Every later stage depends on this one's result: mark them not done (and drop their checkpoints)
      // before it runs, so an interruption, a crash or --only never leaves a later stage looking current.
      // (ingest makes a new store, without any stage records.)
      for (const later of STAGES.slice(i + 1)) {
        store?.invalidateStage(later);
        removeCheckpoint(checkpointPath(runDir, later));
      }
      if (def.name !== "ingest") store!.startStage(def.name, settings);
      const info = await def.run(ctx);
      if (def.name === "ingest") store = await ProjectStore.open(storePath, "a");
      store!.completeStage(def.name, settings, "0.1.0", info);
      infos[def.name] = info;
      dirty = true;
      const seconds = (performance.now() - t0) / 1000;
      timings.push({ stage: def.name, status: info.resumedFromStep ? "resumed" : "ran", seconds, info });
      log(`${def.name}: done in ${seconds.toFixed(2)} s`);
    }
    if (!store) throw new OptionError("no project store was created (the ingest stage did not run)");
    const rejections = store.readRejections();
    writeRejectedCsv(join(runDir, "rejected.csv"), rejections);
    const summary: RunSummary = {
      runDir,
      eventsIn: store.eventCount,
      eventsUsed: store.eventCount - new Set(rejections.map((r) => r.index)).size,
      rejected: countRejections(rejections),
      warnings: [...warnings, ...((infos.ingest?.warnings as string[] | undefined) ?? [])],
      ...numberField("patternsLeft", infos["nmf-fit"]?.patternsLeft),
      ...numberField("states", infos["hmm-fit"]?.states),
      ...numberField("chosenK", infos.cluster?.k),
      ...numberField("meanSilhouette", infos.cluster?.meanSilhouette),
      stages: timings,
      wallSeconds: (performance.now() - started) / 1000,
    };
    writeFileSync(join(runDir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
    return summary;
  } finally {
    store?.close();
  }
}

function numberField<K extends string>(key: K, v: unknown): Partial<Record<K, number>> {
  return typeof v === "number" ? ({ [key]: v } as Record<K, number>) : {};
}
