import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { OptionError } from "../../core/errors.js";
import { configTemplate } from "../../pipeline/config-template.js";
import { info, type CliContext } from "../context.js";

/** `specufex init [DIR]`: writes a commented specufex.yaml with every key, its default and meaning. */
export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command("init")
    .description("write a commented specufex.yaml with every key, its default and meaning")
    .argument("[dir]", "project folder (created when missing)", ".")
    .option("--force", "overwrite an existing specufex.yaml")
    .addHelpText("after", "\nExamples:\n  specufex init my-project\n  specufex init . --force\n")
    .action((dir: string, opts: { force?: boolean }) => {
      const folder = resolve(dir);
      const path = join(folder, "specufex.yaml");
      if (existsSync(path) && !opts.force) throw new OptionError(`${path} exists already (use --force to overwrite)`, { file: path });
      mkdirSync(folder, { recursive: true });
      writeFileSync(path, configTemplate());
      info(ctx, `wrote ${path}`);
    });
}
