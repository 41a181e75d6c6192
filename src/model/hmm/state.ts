// getState / fromState / fromMatrices of BayesianHmm as pure functions on plain data.
import { OptionError, ShapeError } from "../../core/errors.js";
import { fromRows, matrix, type Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/rng.js";
import type { Schedule } from "../schedules.js";
import { refreshExpectations, type HmmParams } from "./params.js";
import type { HmmOptions, HmmOptionsResolved, HmmState } from "./types.js";

/** Version of our state layout (saved as an attribute). */
export const HMM_STATE_VERSION = 1;

export type { HmmParams };

/** Given emission matrices for `BayesianHmm.fromMatrices`. */
export interface HmmMatrices {
  /** S×K shapes and rates of the emission Gammas. */
  readonly B1: Matrix | readonly (readonly number[])[];
  readonly B2: Matrix | readonly (readonly number[])[];
  /** K values. */
  readonly gain: Float64Array | readonly number[];
  /** Default "paisley2018". */
  readonly schedule?: Schedule;
  /** Stored expectations to use as they are (as the package's transform does); default computed from B1, B2. */
  readonly EB?: Matrix | readonly (readonly number[])[];
  readonly ElnB?: Matrix | readonly (readonly number[])[];
  /** Ns for further partialFit calls (none: partialFit refuses). */
  readonly nEff?: number;
  readonly seed?: number;
  readonly innerIterations?: number;
}

function asMatrix(m: Matrix | readonly (readonly number[])[]): Matrix {
  if ("data" in m) return matrix(Float64Array.from(m.data), m.shape[0], m.shape[1]);
  return fromRows(m);
}

function checkShape(m: Matrix, S: number, K: number, field: string, where: string): void {
  if (m.shape[0] !== S || m.shape[1] !== K) {
    throw new ShapeError(`${where}: ${field} must be S×K = ${S}×${K}, got ${m.shape[0]}×${m.shape[1]}`, { field });
  }
}

function paramsFrom(S: number, K: number, gain: Float64Array, B1: Matrix, B2: Matrix, EB: Matrix | undefined, ElnB: Matrix | undefined, Ns: number, rng: Rng, where: string): HmmParams {
  checkShape(B1, S, K, "B1", where);
  checkShape(B2, S, K, "B2", where);
  for (let i = 0; i < S * K; i++) {
    if (!(B1.data[i]! > 0 && B1.data[i]! < Infinity)) throw new OptionError(`${where}: B1 must hold finite values > 0, got ${B1.data[i]} at flat index ${i}`, { field: "B1" });
    if (!(B2.data[i]! > 0 && B2.data[i]! < Infinity)) throw new OptionError(`${where}: B2 must hold finite values > 0, got ${B2.data[i]} at flat index ${i}`, { field: "B2" });
  }
  const p: HmmParams = {
    S, K, gain, B1: B1.data.slice(), B2: B2.data.slice(),
    EB: new Float64Array(S * K), ElnB: new Float64Array(S * K), EBrowSum: new Float64Array(S),
    Ns, tau: 0, stepsDone: 0, fitComplete: true, calmSteps: 0, rng,
  };
  refreshExpectations(p);
  // Stored expectations are used as they are, as the package's transform does.
  if (EB) {
    checkShape(EB, S, K, "EB", where);
    p.EB.set(EB.data);
    for (let s = 0; s < S; s++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += EB.data[s * K + k]!;
      p.EBrowSum[s] = sum;
    }
  }
  if (ElnB) {
    checkShape(ElnB, S, K, "ElnB", where);
    p.ElnB.set(ElnB.data);
  }
  return p;
}

/** The model as plain data (FORMATS.md §3 names plus ours). */
export function toHmmState(p: HmmParams, o: HmmOptionsResolved): HmmState {
  const { S, K } = p;
  return {
    num_state: S,
    num_pat: K,
    Neff: Number.isFinite(p.Ns) ? p.Ns : 0, // 0: unknown (a model built from matrices without nEff)
    step: p.tau,
    _max_inner_ite: o.innerIterations,
    verbose: 0,
    tauPpi: 0.01 / S,
    tauA: 0.1 / S,
    tau1: 0.1,
    tau2: 0.1,
    gain: p.gain.slice(),
    B1: matrix(p.B1.slice(), S, K),
    B2: matrix(p.B2.slice(), S, K),
    EB: matrix(p.EB.slice(), S, K),
    ElnB: matrix(p.ElnB.slice(), S, K),
    EB_energy: p.EBrowSum.slice(),
    schedule: o.schedule,
    seed: o.seed,
    rngState: p.rng.getState(),
    stepsDone: p.stepsDone,
    fitComplete: p.fitComplete,
    calmSteps: p.calmSteps,
    ...(o.nEff !== undefined ? { nEffOption: o.nEff } : {}),
    ...(o.tolerance !== undefined ? { tolerance: o.tolerance } : {}),
    patience: o.patience,
    version: HMM_STATE_VERSION,
  };
}

/**
 * Options and parameters from a state. A state without `schedule` is a Python
 * model file: specufex-python conventions, its stored EB and ElnB used as they are.
 * @throws ShapeError naming the field whose shape does not match num_state × num_pat.
 */
export function fromHmmState(state: HmmState): { options: HmmOptions; params: HmmParams } {
  const where = "BayesianHmm.fromState";
  const S = state.num_state;
  const gain = Float64Array.from(state.gain);
  const K = gain.length;
  if (!(Number.isInteger(S) && S >= 1)) throw new OptionError(`${where}: num_state must be an integer ≥ 1, got ${S}`, { field: "num_state" });
  if (state.num_pat !== undefined && state.num_pat !== K) throw new ShapeError(`${where}: num_pat ${state.num_pat} does not match the gain's length ${K}`, { field: "num_pat" });
  const seed = state.seed ?? 0;
  const options: HmmOptions = {
    numStates: S,
    gain,
    schedule: state.schedule ?? "specufex-python",
    seed,
    innerIterations: state._max_inner_ite ?? 20,
    ...(state.nEffOption !== undefined ? { nEff: state.nEffOption } : {}),
    ...(state.tolerance !== undefined ? { tolerance: state.tolerance } : {}),
    ...(state.patience !== undefined ? { patience: state.patience } : {}),
  };
  const rng = state.rngState ? Rng.fromState(state.rngState) : new Rng(seed);
  const params = paramsFrom(S, K, gain, state.B1, state.B2, state.EB, state.ElnB, state.Neff, rng, where);
  params.tau = state.step ?? 0;
  params.stepsDone = state.stepsDone ?? 0;
  params.fitComplete = state.fitComplete ?? true;
  params.calmSteps = state.calmSteps ?? 0;
  return { options, params };
}

/** Options and parameters of a fitted model built from given matrices. */
export function fromHmmMatrices(m: HmmMatrices): { options: HmmOptions; params: HmmParams } {
  const where = "BayesianHmm.fromMatrices";
  const B1 = asMatrix(m.B1);
  const gain = Float64Array.from(m.gain);
  const S = B1.shape[0];
  const seed = m.seed ?? 0;
  const options: HmmOptions = {
    numStates: S,
    gain,
    schedule: m.schedule ?? "paisley2018",
    seed,
    ...(m.nEff !== undefined ? { nEff: m.nEff } : {}),
    ...(m.innerIterations !== undefined ? { innerIterations: m.innerIterations } : {}),
  };
  const params = paramsFrom(S, gain.length, gain, B1, asMatrix(m.B2), m.EB ? asMatrix(m.EB) : undefined, m.ElnB ? asMatrix(m.ElnB) : undefined, m.nEff ?? Number.NaN, new Rng(seed), where);
  return { options, params };
}
