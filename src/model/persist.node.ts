// Model files (FORMATS.md §3): the Python package's HDF5 layout — one root dataset per attribute, int64
// scalars for integral values, float64 otherwise — plus our own state as a JSON attribute `specufex_state`
// (schedule, seed, counters, RNG state), which the package's load() ignores. The one model → io arrow.
import { FormatError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { digamma } from "../core/special.js";
import { H5File, withH5, writeH5Atomic } from "../io/hdf5/index.js";
import { BayesianHmm } from "./hmm/bayesian-hmm.js";
import type { HmmState } from "./hmm/types.js";
import { BayesianNmf } from "./nmf/bayesian-nmf.js";
import type { NmfState } from "./nmf/types.js";

const STATE_ATTR = "specufex_state";

type ArrayField = Matrix | Float64Array;

/** Splits a state into its arrays (datasets) and the rest (JSON). */
function splitState(state: object): { arrays: Record<string, ArrayField>; rest: Record<string, unknown> } {
  const arrays: Record<string, ArrayField> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(state)) {
    if (v instanceof Float64Array || (typeof v === "object" && v !== null && "data" in v && (v as Matrix).data instanceof Float64Array)) arrays[k] = v as ArrayField;
    else rest[k] = v;
  }
  return { arrays, rest };
}

function readVector(f: H5File, name: string): Float64Array {
  return f.readNumbers(name);
}

function required(f: H5File, names: readonly string[]): void {
  for (const n of names) if (!f.has(n)) throw new FormatError(`${f.path}: model file is missing the field "${n}"`, { file: f.path, field: n });
}

/** Extra root attributes, e.g. the settings hash of a checkpoint. */
export type ExtraAttributes = Readonly<Record<string, string | number>>;

/** Writes an NMF model (or checkpoint) in the Python package's layout, atomically. */
export async function saveNmf(path: string, model: BayesianNmf, extra: ExtraAttributes = {}): Promise<void> {
  const s = model.getState();
  const { rest } = splitState(s);
  await writeH5Atomic(path, (f) => {
    f.writeNumbers("input_dims", s.inputDims.map((x) => x), { dtype: "i8" });
    f.writeScalar("N_eff", Math.round(s.nEff), "i8");
    f.writeScalar("dim", s.D, "i8");
    f.writeScalar("num_pat", s.K, "i8");
    f.writeScalar("step", s.tau, "i8");
    f.writeScalar("h01", s.h01);
    f.writeScalar("w01", s.w01);
    f.writeScalar("a01", s.a01);
    // The package writes h02, w02, a02 as int64 (value 1).
    for (const [name, v] of [["h02", s.h02], ["w02", s.w02], ["a02", s.a02]] as const) f.writeScalar(name, v, Number.isInteger(v) ? "i8" : "f8");
    f.writeMatrix("W1", s.W1);
    f.writeMatrix("W2", s.W2);
    f.writeMatrix("EW", s.EW);
    f.writeMatrix("ElnWA", s.ElnWA);
    f.writeNumbers("A1", s.A1, { shape: [1, s.A1.length] });
    f.writeNumbers("A2", s.A2, { shape: [1, s.A2.length] });
    f.writeNumbers("EA", s.EA, { shape: [1, s.EA.length] });
    f.writeNumbers("gain", s.gain);
    f.setAttr("/", STATE_ATTR, JSON.stringify(rest));
    f.setAttr("/", "schedule", s.schedule);
    f.setAttr("/", "seed", s.seed);
    for (const [k, v] of Object.entries(extra)) f.setAttr("/", k, v);
  });
}

/**
 * Reads an NMF model file. Ours restores the full state (resumable); one the Python package wrote (no
 * `specufex_state` attribute) gives a fitted model with the package's conventions (h0 = stored h01).
 * @throws FormatError naming the file and the missing field.
 */
export async function loadNmf(path: string): Promise<BayesianNmf> {
  return withH5(path, "r", (f) => {
    required(f, ["W1", "W2", "A1", "A2", "h01"]);
    const attrs = f.attrs("/");
    const W1 = f.readMatrix("W1"), W2 = f.readMatrix("W2");
    if (typeof attrs[STATE_ATTR] === "string") {
      const rest = JSON.parse(attrs[STATE_ATTR]) as Omit<NmfState, "W1" | "W2" | "A1" | "A2" | "EW" | "ElnWA" | "EA" | "gain">;
      required(f, ["EW", "ElnWA", "EA", "gain"]);
      const state: NmfState = { ...rest, W1, W2, A1: readVector(f, "A1"), A2: readVector(f, "A2"), EW: f.readMatrix("EW"), ElnWA: f.readMatrix("ElnWA"), EA: readVector(f, "EA"), gain: readVector(f, "gain") };
      return BayesianNmf.fromState(state);
    }
    const num = (name: string): number | undefined => (f.has(name) ? f.readNumber(name) : undefined);
    const dims = f.has("input_dims") ? Array.from(f.readNumbers("input_dims")) : undefined;
    const h01 = f.readNumber("h01");
    return BayesianNmf.fromMatrices({
      W1,
      W2,
      A1: readVector(f, "A1"),
      A2: readVector(f, "A2"),
      schedule: "specufex-python",
      transformConvention: "specufex-python",
      numPatterns: Math.round(1 / h01),
      h01,
      ...defined({ h02: num("h02"), w01: num("w01"), w02: num("w02"), a01: num("a01"), a02: num("a02"), nEff: num("N_eff"), tau: num("step") }),
      ...(dims && dims.length === 3 ? { inputDims: [dims[0]!, dims[1]!, dims[2]!] as const } : {}),
    });
  });
}

/** Writes an HMM model (or checkpoint) in the Python package's layout, atomically. */
export async function saveHmm(path: string, model: BayesianHmm, extra: ExtraAttributes = {}): Promise<void> {
  const s = model.getState();
  const { rest } = splitState(s);
  await writeH5Atomic(path, (f) => {
    for (const name of ["num_state", "num_pat", "Neff", "step", "_max_inner_ite", "verbose"] as const) f.writeScalar(name, Math.round(s[name]), "i8");
    for (const name of ["tauPpi", "tauA", "tau1", "tau2"] as const) f.writeScalar(name, s[name]);
    f.writeNumbers("gain", s.gain);
    f.writeMatrix("B1", s.B1);
    f.writeMatrix("B2", s.B2);
    f.writeMatrix("EB", s.EB);
    f.writeMatrix("ElnB", s.ElnB);
    f.writeNumbers("EB_energy", s.EB_energy);
    f.setAttr("/", STATE_ATTR, JSON.stringify(rest));
    if (s.schedule) f.setAttr("/", "schedule", s.schedule);
    if (s.seed !== undefined) f.setAttr("/", "seed", s.seed);
    for (const [k, v] of Object.entries(extra)) f.setAttr("/", k, v);
  });
}

/** Reads an HMM model file (ours: full state; the package's: specufex-python conventions). */
export async function loadHmm(path: string): Promise<BayesianHmm> {
  return withH5(path, "r", (f) => {
    required(f, ["B1", "B2", "gain", "num_state", "num_pat"]);
    const attrs = f.attrs("/");
    const ours = typeof attrs[STATE_ATTR] === "string" ? (JSON.parse(attrs[STATE_ATTR]) as Partial<HmmState>) : {};
    const num = (name: string, dflt: number): number => (f.has(name) ? f.readNumber(name) : dflt);
    const B1 = f.readMatrix("B1"), B2 = f.readMatrix("B2");
    const S = B1.shape[0], K = B1.shape[1];
    const EB = f.has("EB") ? f.readMatrix("EB") : { data: B1.data.map((b, i) => b / B2.data[i]!), shape: [S, K] as const };
    const state: HmmState = {
      num_state: num("num_state", S),
      num_pat: num("num_pat", K),
      Neff: num("Neff", 100000),
      step: num("step", 0),
      _max_inner_ite: num("_max_inner_ite", 20),
      verbose: num("verbose", 0),
      tauPpi: num("tauPpi", 0.01 / S),
      tauA: num("tauA", 0.1 / S),
      tau1: num("tau1", 0.1),
      tau2: num("tau2", 0.1),
      ...ours,
      gain: f.readNumbers("gain"),
      B1,
      B2,
      EB: { data: EB.data, shape: [EB.shape[0], EB.shape[1]] },
      ElnB: f.has("ElnB") ? f.readMatrix("ElnB") : { data: B1.data.map((b, i) => digamma(b) - Math.log(B2.data[i]!)), shape: [S, K] },
      EB_energy: f.has("EB_energy") ? f.readNumbers("EB_energy") : new Float64Array(S),
    };
    if (state.num_state !== S || state.num_pat !== K || state.gain.length !== K) {
      throw new FormatError(`${path}: num_state ${state.num_state} and num_pat ${state.num_pat} do not match B1 (${S}×${K}) and gain (${state.gain.length})`, { file: path });
    }
    return BayesianHmm.fromState(state);
  });
}

function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** The root attributes of a model file (e.g. a checkpoint's settings hash), without reading the model. */
export async function modelFileAttributes(path: string): Promise<Record<string, unknown>> {
  return withH5(path, "r", (f) => f.attrs("/"));
}
