import { OptionError } from "../../core/errors.js";
import { fromRows, type Matrix } from "../../core/matrix.js";
import { custom, int, num, oneOf, resolveOptions, type Rules } from "../../core/options.js";
import { SCHEDULES } from "../schedules.js";
import type { HmmOptions, HmmOptionsResolved } from "./types.js";

/** The package's default Neff (its `BayesianHMM(..., Neff=100000)`), the specufex-python default of nEff. */
export const PYTHON_DEFAULT_NEFF = 100000;

function isNumberArray(v: unknown): v is Float64Array | readonly number[] {
  return v instanceof Float64Array || (Array.isArray(v) && v.every((x) => typeof x === "number"));
}

function isPositiveVector(v: unknown): boolean {
  if (!isNumberArray(v) || v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (!(v[i]! > 0 && v[i]! < Infinity)) return false;
  return true;
}

function isMatrixLike(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  if ("data" in v && (v as Matrix).data instanceof Float64Array) return true;
  return Array.isArray(v) && v.every((r) => Array.isArray(r) && r.every((x) => typeof x === "number"));
}

const HMM_RULES: Rules = {
  numStates: int({ min: 1 }, 15),
  nmf: custom("a fitted BayesianNmf (with fitted.gain)", (v) => typeof v === "object" && v !== null),
  gain: custom("a non-empty array of finite numbers > 0", isPositiveVector),
  schedule: oneOf(SCHEDULES, "paisley2018"),
  seed: int({}, 0),
  nEff: num({ above: 0 }),
  init: custom("an object { GB } with GB an S×K matrix (Matrix or nested rows)", (v) => typeof v === "object" && v !== null && isMatrixLike((v as { GB?: unknown }).GB) && Object.keys(v).every((k) => k === "GB")),
  innerIterations: int({ min: 1 }, 20),
  tolerance: num({ above: 0 }),
  patience: int({ min: 1 }, 10),
  backend: oneOf(["auto", "js", "wasm"] as const, "auto"),
};

/**
 * Validates the options of `new BayesianHmm` (unknown keys are errors) and
 * takes the gain from `gain` or `nmf.fitted.gain` (copied).
 * @throws OptionError naming the option.
 */
export function resolveHmmOptions(options: HmmOptions): HmmOptionsResolved {
  const r = resolveOptions<HmmOptions & { numStates: number; schedule: HmmOptionsResolved["schedule"]; seed: number; innerIterations: number; patience: number; backend: HmmOptionsResolved["backend"] }>("BayesianHmm", HMM_RULES, options);
  if (r.nmf !== undefined && r.gain !== undefined) {
    throw new OptionError(`BayesianHmm options "nmf" and "gain" exclude each other (give one), got both`, { field: "gain" });
  }
  let gain: Float64Array | undefined;
  if (r.gain !== undefined) gain = Float64Array.from(r.gain);
  if (r.nmf !== undefined) {
    let g: unknown;
    try {
      g = r.nmf.fitted.gain;
    } catch (cause) {
      throw new OptionError(`BayesianHmm option "nmf" must be a fitted BayesianNmf (fit it first)`, { field: "nmf", cause });
    }
    if (!isPositiveVector(g)) throw new OptionError(`BayesianHmm option "nmf" must be a fitted BayesianNmf with a positive gain`, { field: "nmf" });
    gain = Float64Array.from(g as ArrayLike<number>);
  }
  let init: { GB: Matrix } | undefined;
  if (r.init !== undefined) {
    const GB = r.init.GB;
    const m = "data" in GB ? { data: Float64Array.from((GB as Matrix).data), shape: [(GB as Matrix).shape[0], (GB as Matrix).shape[1]] as const } : fromRows(GB as readonly (readonly number[])[]);
    for (let i = 0; i < m.data.length; i++) {
      if (!(m.data[i]! > 0 && m.data[i]! < Infinity)) throw new OptionError(`BayesianHmm option "init.GB" must hold finite values > 0, got ${m.data[i]} at flat index ${i}`, { field: "init.GB" });
    }
    init = { GB: m };
  }
  const out: HmmOptionsResolved = {
    numStates: r.numStates,
    schedule: r.schedule,
    seed: r.seed,
    innerIterations: r.innerIterations,
    patience: r.patience,
    backend: r.backend,
    ...(r.nEff !== undefined ? { nEff: r.nEff } : {}),
    ...(r.tolerance !== undefined ? { tolerance: r.tolerance } : {}),
    ...(init !== undefined ? { init } : {}),
    ...(gain !== undefined ? { gain } : {}),
  };
  return out;
}
