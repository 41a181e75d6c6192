import type { Matrix } from "../../core/matrix.js";
import { custom, int, num, oneOf, resolveOptions, type Rules } from "../../core/options.js";
import { SCHEDULES } from "../schedules.js";
import type { NmfOptions, NmfOptionsResolved } from "./types.js";

const isMatrix = (v: unknown): v is Matrix =>
  typeof v === "object" && v !== null && (v as Matrix).data instanceof Float64Array && Array.isArray((v as Matrix).shape) && (v as Matrix).shape.length === 2;

/** The one rules table of BayesianNmf (STYLE.md §4). */
export const NMF_RULES: Rules = {
  numPatterns: int({ min: 1 }, 75),
  schedule: oneOf(SCHEDULES, "paisley2018"),
  seed: custom<number>("a safe integer", (v) => Number.isSafeInteger(v), 0),
  nEff: num({ above: 0 }),
  nEffInit: num({ above: 0 }),
  init: custom<{ G: Matrix }>("an object { G: Matrix } (the D×K0 Gamma draws)", (v) => typeof v === "object" && v !== null && isMatrix((v as { G?: unknown }).G) && Object.keys(v).every((k) => k === "G")),
  backend: oneOf(["auto", "js", "wasm"] as const, "auto"),
  tolerance: num({ min: 0 }),
  patience: int({ min: 1 }, 1),
};

/** Validates BayesianNmf options and fills defaults; throws OptionError naming the option. */
export function resolveNmfOptions(options: NmfOptions): NmfOptionsResolved {
  return resolveOptions<NmfOptionsResolved>("BayesianNmf", NMF_RULES, options);
}
