import type { CliContext } from "./context.js";

/** An AbortSignal that Ctrl-C (SIGINT) and SIGTERM trigger; a second Ctrl-C is left to Node (immediate exit). */
export function interruptSignal(ctx: CliContext): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: string): void => {
    if (controller.signal.aborted) return;
    ctx.stderr.write(`\n${name}: stopping after the current step and saving a checkpoint…\n`);
    controller.abort(new Error(name));
  };
  const onInt = (): void => onSignal("SIGINT");
  const onTerm = (): void => onSignal("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    },
  };
}
