import { Command, CommanderError } from "commander";
import { SpecufexError } from "../core/errors.js";
import { EXIT, type CliContext } from "./context.js";
import { COMMANDS } from "./commands/index.js";

const VERSION = "0.1.0";

/**
 * Parses argv (without "node" and the script) and runs one command.
 * Returns the exit code (STYLE.md §9); never calls process.exit.
 */
export async function run(argv: readonly string[], io: Partial<Pick<CliContext, "stdout" | "stderr">> = {}): Promise<number> {
  const ctx: CliContext = { stdout: io.stdout ?? process.stdout, stderr: io.stderr ?? process.stderr, verbosity: "normal", exitCode: EXIT.ok };
  const program = new Command("specufex")
    .description("Spectral Unsupervised Feature Extraction for seismology: waveforms → spectrograms → NMF → HMM → fingerprints → clusters → report.")
    .version(VERSION)
    .option("-q, --quiet", "print nothing but errors and data")
    .option("-v, --verbose", "print more detail")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .hook("preAction", (cmd) => {
      const o = cmd.opts<{ quiet?: boolean; verbose?: boolean }>();
      ctx.verbosity = o.quiet ? "quiet" : o.verbose ? "verbose" : "normal";
    });
  for (const register of COMMANDS) register(program, ctx);
  program.addHelpText("after", "\nExamples:\n  specufex demo --out demo-run\n  specufex init my-project && specufex run my-project/specufex.yaml\n  specufex cluster --input fingerprints.csv --out labels.csv --method kmeans --k-range 3:19\n");
  try {
    await program.parseAsync([...argv], { from: "user" });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof SpecufexError) {
      ctx.stderr.write(`specufex: ${err.message}\n`);
      return err.code === "E_OPTION" ? EXIT.usage : EXIT.runtime;
    }
    ctx.stderr.write(`specufex: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.runtime;
  }
}
