#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node:test and our esbuild loader (scripts/ts-loader.mjs).
// The shared folder (SPECUFEX_SHARED, default ../shared) must exist: a missing one fails the run.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const shared = resolve(root, process.env.SPECUFEX_SHARED ?? "../shared");
if (!existsSync(join(shared, "golden")) || !existsSync(join(shared, "data"))) {
  console.error(`specufex tests: the shared folder was not found at ${shared} (set SPECUFEX_SHARED); tests need it and are never skipped.`);
  process.exit(1);
}

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}
// The CLI tests run the real binary (bin/specufex.js → dist/): build when dist is missing or older than src.
function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}
const distMain = join(root, "dist", "cli", "main.js");
if (!existsSync(distMain) || statSync(distMain).mtimeMs < newestMtime(join(root, "src"))) {
  console.error("specufex tests: building dist/ (npm run build) for the CLI tests");
  const build = spawnSync("npm", ["run", "build", "--silent"], { stdio: "inherit", cwd: root });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const filter = process.argv.slice(2);
let files = [...findTests(join(root, "src")), ...findTests(join(root, "test"))];
if (filter.length > 0) files = files.filter((f) => filter.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error("specufex tests: no test files found");
  process.exit(1);
}
const loader = join(root, "scripts", "ts-loader.mjs");
const result = spawnSync(process.execPath, ["--import", loader, "--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
  cwd: root,
  env: { ...process.env, SPECUFEX_SHARED: shared },
});
process.exit(result.status ?? 1);
