// STYLE.md §1: imports point down only; `node:` modules only in *.node.ts, pipeline/, cli/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";

const SRC = resolve(import.meta.dirname);
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  kernels: ["core"],
  signal: ["core", "kernels"],
  model: ["core", "kernels"],
  cluster: ["core", "kernels"],
  io: ["core"],
  pipeline: ["core", "kernels", "signal", "model", "cluster", "io"],
  report: ["core", "kernels", "cluster", "pipeline", "signal", "model", "io"],
  cli: ["core", "kernels", "signal", "model", "cluster", "io", "pipeline", "report"],
};
const NODE_ONLY_PACKAGES = ["h5wasm/node", "playwright-core", "@resvg/resvg-js"];

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/g)) found.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]!);
  return found;
}

test("imports point down only (STYLE.md §1) and node: modules stay in *.node.ts, pipeline/ and cli/", () => {
  const problems: string[] = [];
  for (const file of sources(SRC)) {
    const rel = relative(SRC, file);
    const layer = rel.includes("/") ? rel.split("/")[0]! : "root";
    const isNodeFile = file.endsWith(".node.ts") || layer === "pipeline" || layer === "cli" || rel === "node.ts" || rel.startsWith("io/hdf5/");
    for (const spec of importsOf(file)) {
      if (spec.startsWith("node:") || NODE_ONLY_PACKAGES.some((p) => spec === p || spec.startsWith(p + "/"))) {
        if (!isNodeFile) problems.push(`${rel} imports ${spec} but is not a *.node.ts file`);
        continue;
      }
      if (!spec.startsWith(".")) continue;
      const target = relative(SRC, resolve(dirname(file), spec));
      if (target.startsWith("..")) continue;
      const targetLayer = target.includes("/") ? target.split("/")[0]! : "root";
      if (layer === "root" || targetLayer === layer) continue;
      if (targetLayer === "root") { problems.push(`${rel} imports the package entry ${spec}`); continue; }
      const allowed = ALLOWED[layer] ?? [];
      // The one model → io arrow: model/persist.node.ts (STYLE.md §1).
      const isPersist = layer === "model" && targetLayer === "io" && file.endsWith(".node.ts");
      if (!allowed.includes(targetLayer) && !isPersist) problems.push(`${rel} imports ${target} (${layer} may import ${allowed.join(", ") || "nothing"})`);
      if (layer === "pipeline" && targetLayer === "report") problems.push(`${rel}: the pipeline never imports the report`);
    }
  }
  assert.deepEqual(problems, []);
});
