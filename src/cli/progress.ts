import { isInteractive, type CliContext } from "./context.js";

/** A progress display: a bar with rate and ETA on a terminal, plain periodic lines otherwise (CI). */
export interface Progress {
  update(done: number, detail?: string): void;
  finish(detail?: string): void;
}

const LINE_INTERVAL_MS = 10_000;
const BAR_INTERVAL_MS = 100;

/**
 * Starts a progress display for `total` units of `label`: on a terminal (and CI unset) a bar redrawn at
 * most every 0.1 s with rate and ETA; otherwise a plain line at most every 10 s and one at the end.
 * Quiet mode shows nothing. `now` (ms) is the clock.
 */
export function startProgress(ctx: CliContext, label: string, total: number, unit = "steps", now: () => number = Date.now): Progress {
  const started = now();
  const interactive = isInteractive(ctx);
  let last = started;
  let lastDone = 0;
  const render = (done: number, detail: string | undefined, final: boolean): void => {
    if (ctx.verbosity === "quiet") return;
    const t = now();
    if (!final && t - last < (interactive ? BAR_INTERVAL_MS : LINE_INTERVAL_MS)) return;
    last = t;
    lastDone = done;
    const elapsed = (t - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 && total > done ? (total - done) / rate : 0;
    const pct = total > 0 ? Math.min(1, done / total) : 1;
    const stats = `${done}/${total} ${unit}  ${formatRate(rate)}/s  ${final ? `${elapsed.toFixed(1)} s` : `ETA ${formatSeconds(eta)}`}${detail ? `  ${detail}` : ""}`;
    if (interactive) {
      const width = 24;
      const filled = Math.round(pct * width);
      ctx.stderr.write(`\r\x1b[2K${label.padEnd(14)} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(pct * 100).toFixed(0).padStart(3)}%  ${stats}${final ? "\n" : ""}`);
    } else {
      ctx.stderr.write(`${label}: ${stats}\n`);
    }
  };
  return {
    update: (done, detail) => render(done, detail, false),
    finish: (detail) => render(lastDone > 0 ? Math.max(lastDone, total) : total, detail, true),
  };
}

function formatRate(r: number): string {
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}
