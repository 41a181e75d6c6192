import type { Writable } from "node:stream";

/** What every command gets: output streams and verbosity. stdout is for data, stderr for the rest (STYLE.md §9). */
export interface CliContext {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  /** Set by the global --quiet / --verbose flags. */
  verbosity: "quiet" | "normal" | "verbose";
  /** The exit code the command asks for (STYLE.md §9). */
  exitCode: number;
}

/** Exit codes (STYLE.md §9). */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2, runtime: 3, interrupted: 130 } as const;

/** Writes a line to stderr unless --quiet. */
export function info(ctx: CliContext, line: string): void {
  if (ctx.verbosity !== "quiet") ctx.stderr.write(line + "\n");
}

/** Writes a line to stderr only with --verbose. */
export function debug(ctx: CliContext, line: string): void {
  if (ctx.verbosity === "verbose") ctx.stderr.write(line + "\n");
}

/** True when progress bars may be drawn: stderr is a terminal and CI is unset. */
export function isInteractive(ctx: CliContext): boolean {
  return Boolean(ctx.stderr.isTTY) && !process.env.CI;
}
