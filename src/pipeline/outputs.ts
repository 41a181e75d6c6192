// The run directory's CSV outputs: catalog.csv and rejected.csv (docs/RUN-DIRECTORY.md).
import { writeFileSync, renameSync } from "node:fs";
import type { Rejection } from "./store.js";

/** One CSV field, quoted when needed. */
export function csvField(v: unknown): string {
  const s = v === undefined || v === null || (typeof v === "number" && Number.isNaN(v)) ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes rows as CSV atomically (temp file + rename). */
export function writeCsv(path: string, header: readonly string[], rows: readonly (readonly unknown[])[]): void {
  const text = [header.map(csvField).join(","), ...rows.map((r) => r.map(csvField).join(","))].join("\n") + "\n";
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** rejected.csv: every event not used, with the stage and the reason. */
export function writeRejectedCsv(path: string, rejections: readonly Rejection[]): void {
  writeCsv(path, ["event_ID", "stage", "reason"], rejections.map((r) => [r.eventId, r.stage, r.reason]));
}
