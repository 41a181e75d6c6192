// What the two fit stages share: checkpoints (model + step + RNG state, atomically, tagged with the
// settings hash), the per-step progress log, and the checkpoint step recorded in the store.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { modelFileAttributes } from "../../model/persist.node.js";
import type { StageName } from "../config.js";
import type { StageContext } from "../stage.js";

export function checkpointPath(runDir: string, stage: StageName): string {
  return join(runDir, "checkpoints", `${stage}.h5`);
}

export function progressPath(runDir: string, stage: StageName): string {
  return join(runDir, "progress", `${stage}.json`);
}

export function modelPath(runDir: string, name: "nmf" | "hmm"): string {
  return join(runDir, "models", `${name}.h5`);
}

/** True when a checkpoint exists that was written under these settings. */
export async function hasMatchingCheckpoint(path: string, hash: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  try {
    return (await modelFileAttributes(path)).settings_hash === hash;
  } catch {
    return false;
  }
}

/** Per-step progress records, kept across a resume (records after the resumed step are dropped). */
export class ProgressLog<T extends { step: number }> {
  readonly records: T[];
  constructor(readonly path: string, resumedFromStep: number) {
    this.records = [];
    if (resumedFromStep > 0 && existsSync(path)) {
      try {
        this.records = (JSON.parse(readFileSync(path, "utf8")) as T[]).filter((r) => r.step <= resumedFromStep);
      } catch {
        this.records = [];
      }
    }
  }
  push(record: T): void {
    this.records.push(record);
  }
  write(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.records));
    renameSync(tmp, this.path);
  }
}

/** Records in the store that a checkpoint at `step` exists (what `specufex status` and the resume test read). */
export function recordCheckpoint(ctx: StageContext, stage: StageName, step: number): void {
  ctx.store.file.setAttr(`stages/${stage}`, "checkpoint_step", step, "i8");
  ctx.store.file.flush();
}

export function removeCheckpoint(path: string): void {
  rmSync(path, { force: true });
}

export function ensureDir(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
}

/** Checkpoint interval in steps: about 20 checkpoints over a fit, at least every 100 steps. */
export function checkpointEvery(steps: number): number {
  return Math.max(5, Math.min(100, Math.ceil(steps / 20)));
}
