// A minimal TypeScript loader for tests and benches: esbuild strips types from .ts files only.
// (tsx also transforms large node_modules files such as h5wasm's, costing ~4 s of CPU per process.)
import { register } from "node:module";

register("./ts-loader-hooks.mjs", import.meta.url);
