#!/usr/bin/env node
// The installed entry point: runs the built CLI and sets the exit code (never process.exit).
import { run } from "../dist/cli/main.js";
process.exitCode = await run(process.argv.slice(2));
