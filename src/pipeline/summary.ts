// The run summary: what went in, what was rejected and why, what the stages found, and how long they took.
import type { StageName } from "./config.js";
import type { Rejection, StageRecord } from "./store.js";

export interface StageTiming {
  readonly stage: StageName;
  readonly status: "ran" | "skipped" | "resumed";
  readonly seconds: number;
  readonly info?: Record<string, unknown>;
}

export interface RunSummary {
  readonly runDir: string;
  readonly eventsIn: number;
  readonly eventsUsed: number;
  readonly rejected: { readonly total: number; readonly byReason: Readonly<Record<string, number>>; readonly byStage: Readonly<Record<string, number>> };
  readonly warnings: readonly string[];
  readonly patternsLeft?: number;
  readonly states?: number;
  readonly chosenK?: number;
  readonly meanSilhouette?: number;
  readonly ari?: number;
  readonly stages: readonly StageTiming[];
  readonly wallSeconds: number;
}

/** Counts rejections by reason (the text before any detail in parentheses) and by stage. */
export function countRejections(rejections: readonly Rejection[]): RunSummary["rejected"] {
  const byReason: Record<string, number> = {};
  const byStage: Record<string, number> = {};
  for (const r of rejections) {
    const reason = r.reason.replace(/\s*\(.*\)$/, "").replace(/[-+]?\d+(\.\d+)?(e[-+]?\d+)?/gi, "N");
    byReason[reason] = (byReason[reason] ?? 0) + 1;
    byStage[r.stage] = (byStage[r.stage] ?? 0) + 1;
  }
  return { total: rejections.length, byReason, byStage };
}

/** Human-readable summary lines (stderr in the CLI). */
export function formatSummary(s: RunSummary): string[] {
  const lines = [`events in: ${s.eventsIn}, used: ${s.eventsUsed}, rejected: ${s.rejected.total}`];
  for (const [reason, n] of Object.entries(s.rejected.byReason)) lines.push(`  rejected ${n}: ${reason}`);
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  if (s.patternsLeft !== undefined) lines.push(`NMF patterns left: ${s.patternsLeft}`);
  if (s.states !== undefined) lines.push(`HMM states: ${s.states}`);
  if (s.chosenK !== undefined) lines.push(`clusters: K = ${s.chosenK}${s.meanSilhouette !== undefined ? `, mean silhouette ${s.meanSilhouette.toFixed(3)}` : ""}`);
  // With cluster.consensus: the stage's stability analysis (stability.json), per consensus cluster.
  const stability = s.stages.find((t) => t.stage === "cluster")?.info?.stability as { meanAri?: number; clusters?: { cluster: number; size: number; stability: number }[] } | undefined;
  if (stability?.clusters) {
    lines.push(`consensus of seeds: mean pairwise ARI ${Number(stability.meanAri).toFixed(3)}`);
    for (const c of stability.clusters) lines.push(`  cluster ${c.cluster}: ${c.size} events, stability ${c.stability.toFixed(3)}`);
  }
  for (const t of s.stages) lines.push(`  ${t.stage.padEnd(14)} ${t.status.padEnd(8)} ${t.seconds.toFixed(2)} s`);
  lines.push(`wall time: ${s.wallSeconds.toFixed(1)} s`);
  return lines;
}

/** Stage records as `specufex status` shows them. */
export function formatStatus(records: readonly (StageRecord | undefined)[], names: readonly StageName[], currentHashes: Readonly<Record<string, string>>): string[] {
  return names.map((name, i) => {
    const r = records[i];
    if (!r) return `${name.padEnd(14)} not run`;
    const state = !r.isComplete ? "incomplete" : r.hash === currentHashes[name] ? "done" : "done (settings changed: will rerun)";
    return `${name.padEnd(14)} ${state}${r.completedAt ? `  ${r.completedAt}` : ""}  settings ${JSON.stringify(r.settings)}`;
  });
}
