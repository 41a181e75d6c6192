// Stages `nmf-fit` (ALGORITHM.md §2, in a worker, checkpointed, resumable bit-identically) and
// `nmf-transform` (§2.4, on all cores): the dictionary, then every event's activation matrix.
import type { Matrix } from "../../core/matrix.js";
import { BayesianNmf } from "../../model/nmf/bayesian-nmf.js";
import { fitAsync } from "../../model/nmf/fit-async.node.js";
import { transformMany } from "../../model/nmf/transform-many.node.js";
import type { NmfProgress } from "../../model/nmf/types.js";
import { loadNmf, saveNmf } from "../../model/persist.node.js";
import type { SpecufexConfig } from "../config.js";
import { InterruptedError, type StageContext, type StageDefinition, type StageInfo } from "../stage.js";
import { settingsHash } from "../store.js";
import { checkpointEvery, checkpointPath, ensureDir, hasMatchingCheckpoint, modelPath, ProgressLog, progressPath, recordCheckpoint, removeCheckpoint } from "./fit-support.js";

const nmfSettings = (c: SpecufexConfig): unknown => ({ nmf: c.nmf });

export const nmfFitStage: StageDefinition = {
  name: "nmf-fit",
  settings: nmfSettings,
  async run(ctx: StageContext): Promise<StageInfo> {
    const c = ctx.config.nmf;
    const hash = settingsHash(nmfSettings(ctx.config));
    const source = ctx.store.spectrogramSource();
    const ckpt = checkpointPath(ctx.runDir, "nmf-fit");
    let model: BayesianNmf;
    let resumedFromStep = 0;
    if (await hasMatchingCheckpoint(ckpt, hash)) {
      model = await loadNmf(ckpt);
      resumedFromStep = model.getState().step;
      ctx.log(`resumed from step ${resumedFromStep}`);
    } else {
      model = new BayesianNmf({
        numPatterns: c.numPatterns,
        schedule: c.schedule,
        seed: c.seed,
        ...(c.nEff !== null ? { nEff: c.nEff } : {}),
        ...(c.tolerance !== null ? { tolerance: c.tolerance, patience: c.patience } : {}),
      });
    }
    const log = new ProgressLog<NmfProgress & { step: number }>(progressPath(ctx.runDir, "nmf-fit"), resumedFromStep);
    ensureDir(ckpt);
    const result = await fitAsync(model, source, {
      steps: c.steps,
      resume: resumedFromStep > 0,
      signal: ctx.signal,
      checkpointEvery: checkpointEvery(c.steps),
      onCheckpoint: async (state) => {
        await saveNmf(ckpt, BayesianNmf.fromState(state), { settings_hash: hash });
        recordCheckpoint(ctx, "nmf-fit", state.step);
        log.write();
      },
      onProgress: (p) => {
        const { batch: _batch, ...record } = p;
        log.push(record);
        ctx.progress({ stage: "nmf-fit", done: p.step, total: c.steps, detail: `${p.patternsLeft} patterns` });
      },
    });
    log.write();
    if (result.stopped) throw new InterruptedError("nmf-fit", result.step);
    const path = modelPath(ctx.runDir, "nmf");
    ensureDir(path);
    await saveNmf(path, result.model);
    removeCheckpoint(ckpt);
    const K = result.model.fitted.K;
    ctx.log(`${K} patterns left after ${result.step} steps`);
    return { patternsLeft: K, steps: result.step, ...(resumedFromStep ? { resumedFromStep } : {}) };
  },
};

export const nmfTransformStage: StageDefinition = {
  name: "nmf-transform",
  settings: () => ({}),
  async run(ctx: StageContext): Promise<StageInfo> {
    const nmf = await loadNmf(modelPath(ctx.runDir, "nmf"));
    const source = ctx.store.spectrogramSource();
    const activations: (Matrix | null)[] = new Array(ctx.store.eventCount).fill(null);
    let done = 0;
    await transformMany(nmf, source, {
      threads: ctx.threads,
      onResult: (i, V) => {
        activations[source.indices[i]!] = V;
        ctx.progress({ stage: "nmf-transform", done: ++done, total: source.count });
      },
    });
    ctx.store.writeStacked("activations", activations);
    return { events: source.count, patterns: nmf.fitted.K };
  },
};
