// Module hooks: resolve "./x.js" to "./x.ts" when only the .ts exists; transform .ts with esbuild.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";

export async function resolve(specifier, context, nextResolve) {
  if ((specifier.startsWith(".") || specifier.startsWith("file:")) && specifier.endsWith(".js") && context.parentURL?.startsWith("file:")) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(url))) {
      const ts = new URL(url.href.slice(0, -3) + ".ts");
      if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true, format: "module" };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.startsWith("file:") && url.endsWith(".ts")) {
    const path = fileURLToPath(url);
    const source = await readFile(path, "utf8");
    const out = await transform(source, { loader: "ts", format: "esm", target: "node20", sourcemap: "inline", sourcefile: path });
    return { format: "module", source: out.code, shortCircuit: true };
  }
  return nextLoad(url, context);
}
