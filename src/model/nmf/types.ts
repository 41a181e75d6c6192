import type { Matrix } from "../../core/matrix.js";
import type { RngState } from "../../core/rng.js";
import type { KernelBackend } from "../../kernels/types.js";
import type { Schedule } from "../schedules.js";
import type { NmfLocalExecutor } from "./engine.js";

/** How a transform (ALGORITHM.md §2.4) chooses h0 and the first repeat. */
export type NmfTransformConvention = "paisley2018" | "specufex-python";

/** Options of `BayesianNmf` (validated once by the constructor). */
export interface NmfOptions {
  /** K0, the initial number of patterns (default 75). */
  numPatterns?: number;
  /** Update schedule (ALGORITHM.md §4), default "paisley2018". */
  schedule?: Schedule;
  /** Seed of the one random generator (initial G, minibatches); default 0. */
  seed?: number;
  /** N_eff of §4; default paisley2018 Σ M_n over the data set, specufex-python N. Required by `partialFit` before any `fit`. */
  nEff?: number;
  /** N_eff used for the initial values (c = nEffInit/1000); default paisley2018 = nEff, specufex-python = N. */
  nEffInit?: number;
  /** Given initial Gamma draws: G (D×K0), W1 = c·100·G. */
  init?: { readonly G: Matrix };
  /** Kernel backend (default "auto"). */
  backend?: KernelBackend;
  /** Optional stopping rule: stop once the dictionary change stays below this for `patience` steps (off by default). */
  tolerance?: number;
  /** Steps the dictionary change must stay below `tolerance` (default 1). */
  patience?: number;
}

/** Options after validation and defaults. */
export interface NmfOptionsResolved {
  readonly numPatterns: number;
  readonly schedule: Schedule;
  readonly seed: number;
  readonly nEff?: number;
  readonly nEffInit?: number;
  readonly init?: { readonly G: Matrix };
  readonly backend: KernelBackend;
  readonly tolerance?: number;
  readonly patience: number;
}

/** What `onProgress` receives after every step (ALGORITHM.md §7). */
export interface NmfProgress {
  /** Steps done so far (1 after the first step). */
  readonly step: number;
  /** Steps this fit will run in total. */
  readonly steps: number;
  /** Patterns left after this step's pruning. */
  readonly patternsLeft: number;
  /** Temperature T of this step. */
  readonly temperature: number;
  /** Step size ρ of this step. */
  readonly rho: number;
  /** Milliseconds since this fit call started. */
  readonly elapsedMs: number;
  /** ‖EW_t − EW_{t−1}‖_F / ‖EW_{t−1}‖_F over the patterns present at both steps. */
  readonly dictionaryChange: number;
  /** Poisson log-likelihood per entry of this step's minibatch under the expectations (before the update). */
  readonly logLikelihood: number;
  /** Indices of the spectrograms in this step's minibatch (fit only). */
  readonly batch?: readonly number[];
}

/** Controls of one `fit` call. */
export interface NmfFitControl {
  /** Total number of steps (default 1000); with `resume`, the total including the steps already done. */
  steps?: number;
  /** Called after every step. */
  onProgress?: (info: NmfProgress) => void;
  /** Continue from the current state (step counter, random state) instead of starting afresh. */
  resume?: boolean;
  /**
   * Called before every step with the steps done so far; returning true ends the fit
   * there, unsorted, so it can be resumed bit-identically (`fitAsync` checks its stop flag here).
   */
  shouldStop?: (stepsDone: number) => boolean;
  /** Runs each step's local repeats on column chunks in parallel (Node: ParallelLocalExecutor); same numbers. */
  executor?: NmfLocalExecutor;
}

/** The learned model (copies; ALGORITHM.md §2 and §2.3 names). */
export interface NmfFitted {
  readonly schedule: Schedule;
  /** Frequency rows D. */
  readonly D: number;
  /** Initial patterns K0. */
  readonly K0: number;
  /** Patterns left K. */
  readonly K: number;
  readonly W1: Matrix;
  readonly W2: Matrix;
  readonly A1: Float64Array;
  readonly A2: Float64Array;
  /** EW = W1/W2 (D×K). */
  readonly EW: Matrix;
  /** EA = A1/A2 (K). */
  readonly EA: Float64Array;
  /** ElnWA = ψ(W1) − ln W2 + ψ(A1) − ln A2 (D×K, not max-shifted). */
  readonly ElnWA: Matrix;
  /** gain_k = Σ_d EW_dk. */
  readonly gain: Float64Array;
  /** Steps done. */
  readonly step: number;
  /** The schedule's counter τ for the next step (specufex-python: the package's `step`). */
  readonly tau: number;
  readonly nEff: number;
  readonly nEffInit: number;
  readonly h01: number;
  readonly h02: number;
  readonly w01: number;
  readonly w02: number;
  readonly a01: number;
  readonly a02: number;
  /** Transform convention and its h0 (§2.4). */
  readonly transformConvention: NmfTransformConvention;
  readonly h0: number;
  /** True once the patterns were sorted (§2.3) after the last step. */
  readonly isSorted: boolean;
}

/** Everything needed to rebuild or resume a model (plain data, structured-clone safe). */
export interface NmfState {
  readonly version: 1;
  readonly kind: "BayesianNmf";
  /** Constructor options (without init.G). */
  readonly options: Omit<NmfOptionsResolved, "init">;
  readonly schedule: Schedule;
  readonly seed: number;
  /** [N, D, M] as the Python package's `input_dims` (M = columns of the first spectrogram, 0 if unknown). */
  readonly inputDims: readonly [number, number, number];
  /** Frequency bins (the Python file's `dim`). */
  readonly D: number;
  /** Patterns left (the Python file's `num_pat`). */
  readonly K: number;
  readonly K0: number;
  readonly nEff: number;
  readonly nEffInit: number;
  readonly h01: number;
  readonly h02: number;
  readonly w01: number;
  readonly w02: number;
  readonly a01: number;
  readonly a02: number;
  readonly W1: Matrix;
  readonly W2: Matrix;
  readonly A1: Float64Array;
  readonly A2: Float64Array;
  readonly EW: Matrix;
  readonly ElnWA: Matrix;
  readonly EA: Float64Array;
  readonly gain: Float64Array;
  /** Steps done. */
  readonly step: number;
  /** The schedule's counter for the next step (specufex-python: the package's `step` attribute, −1 + spectrograms seen). */
  readonly tau: number;
  /** Random generator state after the last step (null when no generator was used). */
  readonly rngState: RngState | null;
  readonly isSorted: boolean;
  readonly transformConvention: NmfTransformConvention;
  readonly h0: number;
}
