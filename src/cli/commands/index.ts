import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { registerCluster } from "./cluster.js";
import { registerDemo } from "./demo.js";
import { registerFetch } from "./fetch.js";
import { registerInit } from "./init.js";
import { registerRun } from "./run.js";
import { registerSpectrograms } from "./spectrograms.js";
import { registerTransform } from "./transform.js";
import { registerExport } from "./export.js";
import { registerStability } from "./stability.js";
import { registerAssign } from "./assign.js";

/** A subcommand module registers itself on the program (one file per command). */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** Every subcommand, in the order `specufex --help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [registerDemo, registerInit, registerRun, registerCluster, registerFetch, registerSpectrograms, registerTransform, registerExport, registerStability, registerAssign];
