// Conversions between the NMF's working parts, its fitted view and its plain state.
import { OptionError, ShapeError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import type { RngState } from "../../core/rng.js";
import { digamma } from "../../core/special.js";
import type { KernelBackend } from "../../kernels/types.js";
import { nmfInitialTau, SCHEDULES, type Schedule } from "../schedules.js";
import type { NmfHyper, NmfParams } from "./engine.js";
import type { NmfFitted, NmfOptions, NmfOptionsResolved, NmfState, NmfTransformConvention } from "./types.js";

/** The working state of a model: parameters plus counters and settings. */
export interface NmfParts extends NmfParams {
  hyper: NmfHyper;
  nEff: number;
  nEffInit: number;
  inputDims: [number, number, number];
  step: number;
  tau: number;
  isSorted: boolean;
  transformConvention: NmfTransformConvention;
}

/** Input of `BayesianNmf.fromMatrices`. */
export interface NmfFromMatrices {
  /** D×K shape parameters of W. */
  readonly W1: Matrix;
  /** D×K rate parameters of W. */
  readonly W2: Matrix;
  /** K shape parameters of A (a vector, or a 1×K matrix as the Python files store it). */
  readonly A1: Float64Array | readonly number[] | Matrix;
  /** K rate parameters of A. */
  readonly A2: Float64Array | readonly number[] | Matrix;
  /** Default "paisley2018". */
  readonly schedule?: Schedule;
  /** Transform convention (§2.4); default: the schedule's. A Python-written file: "specufex-python". */
  readonly transformConvention?: NmfTransformConvention;
  /** K0; default round(1/h01) when h01 is given, else K. */
  readonly numPatterns?: number;
  /** Hyper-parameters (§2 defaults from K0 and D); h01 is the specufex-python transform's h0. */
  readonly h01?: number;
  readonly h02?: number;
  readonly w01?: number;
  readonly w02?: number;
  readonly a01?: number;
  readonly a02?: number;
  readonly nEff?: number;
  readonly nEffInit?: number;
  /** Steps done (default 0) and the schedule's next τ (default: initial τ + steps; a Python file's `step`). */
  readonly step?: number;
  readonly tau?: number;
  readonly inputDims?: readonly [number, number, number];
  readonly seed?: number;
  readonly backend?: KernelBackend;
  /** Whether the patterns are already sorted (§2.3); default true. */
  readonly isSorted?: boolean;
}

/** The fitted view (copies) of the working parts. */
export function buildFitted(parts: NmfParts, schedule: Schedule, h0: number): NmfFitted {
  const { D, K, W1, W2, A1, A2, hyper } = parts;
  const n = D * K;
  const EW = new Float64Array(n);
  const ElnWA = new Float64Array(n);
  const EA = new Float64Array(K);
  const lnA = new Float64Array(K);
  const gain = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    EA[k] = A1[k]! / A2[k]!;
    lnA[k] = digamma(A1[k]!) - Math.log(A2[k]!);
  }
  for (let d = 0; d < D; d++) {
    for (let k = 0; k < K; k++) {
      const i = d * K + k;
      EW[i] = W1[i]! / W2[i]!;
      ElnWA[i] = digamma(W1[i]!) - Math.log(W2[i]!) + lnA[k]!;
      gain[k] = gain[k]! + EW[i]!;
    }
  }
  return Object.freeze({
    schedule, D, K0: parts.K0, K,
    W1: { data: W1.slice(0, n), shape: [D, K] as const },
    W2: { data: W2.slice(0, n), shape: [D, K] as const },
    A1: A1.slice(0, K),
    A2: A2.slice(0, K),
    EW: { data: EW, shape: [D, K] as const },
    EA,
    ElnWA: { data: ElnWA, shape: [D, K] as const },
    gain,
    step: parts.step,
    tau: parts.tau,
    nEff: parts.nEff,
    nEffInit: parts.nEffInit,
    ...hyper,
    transformConvention: parts.transformConvention,
    h0,
    isSorted: parts.isSorted,
  });
}

/** The plain state (copies). */
export function stateOf(options: NmfOptionsResolved, parts: NmfParts, rngState: RngState | null, fitted: NmfFitted): NmfState {
  const { init: _init, ...rest } = options;
  return {
    version: 1,
    kind: "BayesianNmf",
    options: { ...rest },
    schedule: options.schedule,
    seed: options.seed,
    inputDims: [...parts.inputDims],
    D: parts.D,
    K: parts.K,
    K0: parts.K0,
    nEff: parts.nEff,
    nEffInit: parts.nEffInit,
    ...parts.hyper,
    W1: fitted.W1,
    W2: fitted.W2,
    A1: fitted.A1,
    A2: fitted.A2,
    EW: fitted.EW,
    ElnWA: fitted.ElnWA,
    EA: fitted.EA,
    gain: fitted.gain,
    step: parts.step,
    tau: parts.tau,
    rngState,
    isSorted: parts.isSorted,
    transformConvention: parts.transformConvention,
    h0: fitted.h0,
  };
}

function vector(where: string, name: string, v: Float64Array | readonly number[] | Matrix, K: number): Float64Array {
  const data = v instanceof Float64Array ? v : Array.isArray(v) ? Float64Array.from(v as number[]) : (v as Matrix).data;
  if (!(data instanceof Float64Array) || data.length !== K) {
    throw new ShapeError(`${where}: ${name} has ${data?.length ?? "no"} values, expected ${K} (the columns of W1)`, { field: name });
  }
  return data.slice();
}

function checkPositive(where: string, name: string, a: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    if (!(a[i]! > 0 && a[i]! < Infinity)) throw new OptionError(`${where}: ${name}[${i}] is ${a[i]} (expected a finite value > 0)`, { field: name });
  }
}

/** Parts and options of a model built from given matrices. */
export function fromMatricesParts(m: NmfFromMatrices, where = "BayesianNmf.fromMatrices"): { options: NmfOptions; parts: NmfParts } {
  const [D, K] = m.W1.shape;
  if (m.W2.shape[0] !== D || m.W2.shape[1] !== K) throw new ShapeError(`${where}: W2 is ${m.W2.shape[0]}×${m.W2.shape[1]}, expected ${D}×${K} like W1`, { field: "W2" });
  if (m.W1.data.length !== D * K || m.W2.data.length !== D * K) throw new ShapeError(`${where}: W1/W2 data length does not match their shape ${D}×${K}`, { field: "W1" });
  if (K < 1 || D < 1) throw new ShapeError(`${where}: W1 is ${D}×${K}, expected at least 1×1`, { field: "W1" });
  const schedule = m.schedule ?? "paisley2018";
  if (!SCHEDULES.includes(schedule)) throw new OptionError(`${where}: schedule must be one of ${SCHEDULES.join(", ")}, got ${JSON.stringify(schedule)}`, { field: "schedule" });
  const K0 = m.numPatterns ?? (m.h01 !== undefined ? Math.round(1 / m.h01) : K);
  if (!Number.isInteger(K0) || K0 < K) throw new OptionError(`${where}: numPatterns (K0) must be an integer ≥ K = ${K}, got ${K0}`, { field: "numPatterns" });
  const W1 = m.W1.data.slice();
  const W2 = m.W2.data.slice();
  const A1 = vector(where, "A1", m.A1, K);
  const A2 = vector(where, "A2", m.A2, K);
  checkPositive(where, "W1", W1);
  checkPositive(where, "W2", W2);
  checkPositive(where, "A1", A1);
  checkPositive(where, "A2", A2);
  const hyper: NmfHyper = {
    h01: m.h01 ?? 1 / K0, h02: m.h02 ?? 1, w01: m.w01 ?? 10 / D, w02: m.w02 ?? 1, a01: m.a01 ?? 1 / K0, a02: m.a02 ?? 1,
  };
  const step = m.step ?? 0;
  const parts: NmfParts = {
    D, K0, K, W1, W2, A1, A2, hyper,
    nEff: m.nEff ?? 1, nEffInit: m.nEffInit ?? m.nEff ?? 1,
    inputDims: m.inputDims ? [m.inputDims[0], m.inputDims[1], m.inputDims[2]] : [0, D, 0],
    step, tau: m.tau ?? nmfInitialTau(schedule) + step,
    isSorted: m.isSorted ?? true,
    transformConvention: m.transformConvention ?? schedule,
  };
  const options: NmfOptions = { numPatterns: K0, schedule, seed: m.seed ?? 0, backend: m.backend ?? "auto" };
  if (m.nEff !== undefined) options.nEff = m.nEff;
  if (m.nEffInit !== undefined) options.nEffInit = m.nEffInit;
  return { options, parts };
}

/** Validates a state and returns the constructor options, parts and random state. */
export function stateParts(state: NmfState): { options: NmfOptions; parts: NmfParts; rngState: RngState | null } {
  const where = "BayesianNmf.fromState";
  if (typeof state !== "object" || state === null || state.kind !== "BayesianNmf") throw new OptionError(`${where}: not a BayesianNmf state (kind ${JSON.stringify((state as { kind?: unknown })?.kind)})`, { field: "kind" });
  if (state.version !== 1) throw new OptionError(`${where}: state version ${String(state.version)} is not supported (expected 1)`, { field: "version" });
  if (state.W1?.shape?.[0] !== state.D || state.W1?.shape?.[1] !== state.K) {
    throw new ShapeError(`${where}: W1 is ${state.W1?.shape?.join("×")}, but the state says D ${state.D} × K ${state.K}`, { field: "W1" });
  }
  const { parts } = fromMatricesParts({
    W1: state.W1, W2: state.W2, A1: state.A1, A2: state.A2,
    schedule: state.schedule, transformConvention: state.transformConvention, numPatterns: state.K0,
    h01: state.h01, h02: state.h02, w01: state.w01, w02: state.w02, a01: state.a01, a02: state.a02,
    nEff: state.nEff, nEffInit: state.nEffInit, step: state.step, tau: state.tau, inputDims: state.inputDims,
    seed: state.seed, isSorted: state.isSorted,
  }, where);
  const options: NmfOptions = { ...state.options };
  return { options, parts, rngState: state.rngState };
}
