import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { registerInit } from "./init.js";
import { registerCluster } from "./cluster.js";
import { registerFetch } from "./fetch.js";

/** A subcommand module registers itself on the program (one file per command). */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** Every subcommand, in the order `specufex --help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [registerInit, registerCluster, registerFetch];
