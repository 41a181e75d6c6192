// Runs the real CLI binary (bin/specufex.js → dist/) as a child process.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
export const BIN = join(root, "bin", "specufex.js");

export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `specufex args…`; `done` resolves when it exits. */
export function startCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { child: ChildProcess; done: Promise<ChildRun> } {
  if (!existsSync(join(root, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` (scripts/run-tests.mjs does it)");
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? root, env: { ...process.env, CI: "1", ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<ChildRun>((res) => child.on("close", (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

/** Runs `specufex args…` to completion. */
export function runCliBinary(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildRun> {
  return startCli(args, options).done;
}
