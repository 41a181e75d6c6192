// Stages `hmm-fit` (ALGORITHM.md §3, in a worker, checkpointed, resumable bit-identically) and
// `hmm-transform` (§3.1, §3.3, on all cores): state sequences and fingerprints of every event.
import type { Matrix } from "../../core/matrix.js";
import { BayesianHmm } from "../../model/hmm/bayesian-hmm.js";
import { fitAsync } from "../../model/hmm/fit-async.node.js";
import { transformMany } from "../../model/hmm/transform-many.node.js";
import type { HmmProgress } from "../../model/hmm/types.js";
import { loadHmm, loadNmf, saveHmm } from "../../model/persist.node.js";
import type { SpecufexConfig } from "../config.js";
import { InterruptedError, type StageContext, type StageDefinition, type StageInfo } from "../stage.js";
import { settingsHash } from "../store.js";
import { checkpointEvery, checkpointPath, ensureDir, hasMatchingCheckpoint, modelPath, ProgressLog, progressPath, recordCheckpoint, removeCheckpoint } from "./fit-support.js";

const hmmSettings = (c: SpecufexConfig): unknown => ({ hmm: c.hmm });

/** The usable events' activation matrices and their event indices. */
function usableActivations(ctx: StageContext): { indices: number[]; sequences: Matrix[]; ids: string[] } {
  const offsets = ctx.store.offsets("activations");
  const status = ctx.store.readStatus();
  const allIds = ctx.store.eventIds();
  const indices: number[] = [];
  for (let i = 0; i < status.length; i++) if (status[i] === 0 && offsets[i + 1]! > offsets[i]!) indices.push(i);
  return { indices, sequences: indices.map((i) => ctx.store.readStacked("activations", i)), ids: indices.map((i) => allIds[i]!) };
}

export const hmmFitStage: StageDefinition = {
  name: "hmm-fit",
  settings: hmmSettings,
  async run(ctx: StageContext): Promise<StageInfo> {
    const c = ctx.config.hmm;
    const hash = settingsHash(hmmSettings(ctx.config));
    const nmf = await loadNmf(modelPath(ctx.runDir, "nmf"));
    const { sequences } = usableActivations(ctx);
    const ckpt = checkpointPath(ctx.runDir, "hmm-fit");
    let model: BayesianHmm;
    let resumedFromStep = 0;
    if (await hasMatchingCheckpoint(ckpt, hash)) {
      model = await loadHmm(ckpt);
      resumedFromStep = model.getState().stepsDone ?? 0;
      ctx.log(`resumed from step ${resumedFromStep}`);
    } else {
      model = new BayesianHmm({
        numStates: c.numStates,
        gain: nmf.fitted.gain,
        schedule: c.schedule,
        seed: c.seed,
        ...(c.nEff !== null ? { nEff: c.nEff } : {}),
        ...(c.tolerance !== null ? { tolerance: c.tolerance, patience: c.patience } : {}),
      });
    }
    const log = new ProgressLog<HmmProgress>(progressPath(ctx.runDir, "hmm-fit"), resumedFromStep);
    ensureDir(ckpt);
    let pending: Promise<void> = Promise.resolve();
    const result = await fitAsync(model, sequences, {
      steps: c.steps,
      resume: resumedFromStep > 0,
      signal: ctx.signal,
      checkpointEverySteps: checkpointEvery(c.steps),
      onCheckpoint: (state) => {
        // Checkpoints are written in order; the promise chain keeps them so.
        pending = pending.then(async () => {
          await saveHmm(ckpt, BayesianHmm.fromState(state), { settings_hash: hash });
          recordCheckpoint(ctx, "hmm-fit", state.stepsDone ?? 0);
          log.write();
        });
      },
      onProgress: (p) => {
        log.push(p);
        ctx.progress({ stage: "hmm-fit", done: p.step, total: c.steps });
      },
    });
    await pending;
    log.write();
    if (result.stopped) {
      await saveHmm(ckpt, result.model, { settings_hash: hash });
      recordCheckpoint(ctx, "hmm-fit", result.stepsDone);
      throw new InterruptedError("hmm-fit", result.stepsDone);
    }
    const path = modelPath(ctx.runDir, "hmm");
    ensureDir(path);
    await saveHmm(path, result.model);
    removeCheckpoint(ckpt);
    return { states: c.numStates, steps: result.stepsDone, ...(resumedFromStep ? { resumedFromStep } : {}) };
  },
};

export const hmmTransformStage: StageDefinition = {
  name: "hmm-transform",
  settings: () => ({}),
  async run(ctx: StageContext): Promise<StageInfo> {
    const hmm = await loadHmm(modelPath(ctx.runDir, "hmm"));
    const { indices, sequences, ids } = usableActivations(ctx);
    const results = await transformMany(hmm, sequences, { threads: ctx.threads, ids });
    const n = ctx.store.eventCount;
    const S = hmm.fitted.EB.shape[0];
    const states: (Matrix | null)[] = new Array(n).fill(null);
    const fingerprints = new Float64Array(n * S * S).fill(NaN);
    results.forEach((r, j) => {
      const i = indices[j]!;
      states[i] = r.gamma;
      fingerprints.set(r.fingerprint.data, i * S * S);
    });
    ctx.store.writeStacked("states", states);
    ctx.store.writeTable("fingerprints", { data: fingerprints, shape: [n, S * S] });
    ctx.progress({ stage: "hmm-transform", done: sequences.length, total: sequences.length });
    return { events: sequences.length, states: S };
  },
};
