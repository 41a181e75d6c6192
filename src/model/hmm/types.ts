import type { Matrix } from "../../core/matrix.js";
import type { RngState } from "../../core/rng.js";
import type { Schedule } from "../schedules.js";

/** Activation sequences (each K×M_n) handed out one at a time; arrays of matrices also work. */
export interface ActivationSource {
  /** Number of sequences N. */
  readonly count: number;
  /** Sequence i as a K×M_i matrix. */
  get(i: number): Matrix;
  /** An id for messages (event_ID); defaults to the index. */
  id?(i: number): string;
  /** Async variant for sources backed by files (used by fitAsync). */
  getAsync?(i: number): Promise<Matrix>;
}

/** What `BayesianHmm.fit` and `partialFit` accept. */
export type HmmActivations = readonly Matrix[] | ActivationSource;

/** Options of `new BayesianHmm(options)` (the names of the Public API). */
export interface HmmOptions {
  /** Hidden states S (default 15). */
  numStates?: number;
  /** A fitted BayesianNmf (anything with `fitted.gain`): gives the gain and K. */
  nmf?: { readonly fitted: { readonly gain: Float64Array | readonly number[] } };
  /** The NMF gain (K values, Σ_d EW_dk) when no nmf object is at hand. */
  gain?: Float64Array | readonly number[];
  /** "paisley2018" (default) or "specufex-python" (ALGORITHM.md §4). */
  schedule?: Schedule;
  /** Seed of the one Rng of a fit (default 0). */
  seed?: number;
  /**
   * Ns and cB of ALGORITHM.md §3–4. Default: paisley2018 the number of
   * sequences N given to fit; specufex-python the package's default Neff, 100000.
   */
  nEff?: number;
  /** Given Gamma draws instead of random ones: B1 = cB·1000·GB (GB is S×K). */
  init?: { GB: Matrix | readonly (readonly number[])[] };
  /** Inner repeats J of the local pass (default 20, the package's `max_inner_ite`). */
  innerIterations?: number;
  /** Stopping rule (off by default): stop when the emission change stays below this… */
  tolerance?: number;
  /** …for this many consecutive steps (default 10). */
  patience?: number;
  /** Kernel backend (default "auto"). */
  backend?: "auto" | "js" | "wasm";
}

/** The options after validation and defaults. */
export interface HmmOptionsResolved {
  readonly numStates: number;
  readonly schedule: Schedule;
  readonly seed: number;
  readonly nEff?: number;
  readonly init?: { readonly GB: Matrix };
  readonly innerIterations: number;
  readonly tolerance?: number;
  readonly patience: number;
  readonly backend: "auto" | "js" | "wasm";
  /** From `gain` or `nmf.fitted.gain` (copied). */
  readonly gain?: Float64Array;
}

/** What a fit learned (copies). EB = B1/B2, ElnB = ψ(B1) − ln B2. */
export interface HmmFitted {
  /** Gamma shape parameters of the emissions, S×K. */
  readonly B1: Matrix;
  /** Gamma rate parameters, S×K. */
  readonly B2: Matrix;
  /** Expected emission rates, S×K. */
  readonly EB: Matrix;
  /** Expected log emission rates, S×K. */
  readonly ElnB: Matrix;
  /** The NMF gain (K). */
  readonly gain: Float64Array;
  /** Σ_k EB_sk per state (the sort key, descending once sorted). */
  readonly EBEnergy: Float64Array;
  /** Ns and cB used. */
  readonly nEff: number;
  /** SVI steps done. */
  readonly stepsDone: number;
}

/** One sequence's result of `transform`. */
export interface HmmTransformResult {
  /** S×S fingerprint (ALGORITHM.md §3.3). */
  readonly fingerprint: Matrix;
  /** S×S transition pseudo-counts of the local pass. */
  readonly A: Matrix;
  /** S initial-state pseudo-counts (`Ppi` in the goldens). */
  readonly pi: Float64Array;
  /** S×M state sequence matrix γ (`gam` in the goldens). */
  readonly gamma: Matrix;
  /** Forward log-likelihood per column, (1/M) Σ_m (ln c_m + max_s lnPr_sm) (ALGORITHM.md §7). */
  readonly logLikelihood: number;
}

/** Reported after every fit step (ALGORITHM.md §7). */
export interface HmmProgress {
  /** Steps done so far in this fit (1-based). */
  readonly step: number;
  /** Total steps asked for. */
  readonly steps: number;
  /** Step size ρ of this step. */
  readonly rho: number;
  /** Sequences in this step's minibatch. */
  readonly batchSize: number;
  /** The n of ρ and Ns/n (the batch's length for paisley2018; round(1 + 10·0.75^(τ−1)) for specufex-python). */
  readonly n: number;
  /** Milliseconds since the fit started. */
  readonly elapsedMs: number;
  /** ‖EB_t − EB_{t−1}‖_F / ‖EB_{t−1}‖_F over this step. */
  readonly emissionChange: number;
  /** Mean over the minibatch of the forward log-likelihood per column. */
  readonly logLikelihood: number;
}

/** Run control of `fit`: `{ steps, onProgress }` plus resuming and a stop check. */
export interface HmmFitControl {
  /** Total SVI steps (default 1000): one minibatch (paisley2018) or one package fit call on one sequence (specufex-python). */
  steps?: number;
  onProgress?(info: HmmProgress): void;
  /** Continue an unfinished fit (from `fromState` of a checkpoint) instead of starting afresh. */
  resume?: boolean;
  /** Checked between steps; true stops the fit, leaving it resumable (no final sort). */
  shouldStop?(): boolean;
}

/**
 * Everything the Python package's model file holds (FORMATS.md §3, same names)
 * plus ours. Plain data: matrices, arrays, numbers.
 */
export interface HmmState {
  readonly num_state: number;
  readonly num_pat: number;
  readonly Neff: number;
  /** The package's step counter τ (specufex-python) / SVI steps done (paisley2018). */
  readonly step: number;
  readonly _max_inner_ite: number;
  readonly verbose: number;
  readonly tauPpi: number;
  readonly tauA: number;
  readonly tau1: number;
  readonly tau2: number;
  readonly gain: Float64Array;
  readonly B1: Matrix;
  readonly B2: Matrix;
  readonly EB: Matrix;
  readonly ElnB: Matrix;
  readonly EB_energy: Float64Array;
  /** Ours (attributes in the file). A file without it is the package's: specufex-python. */
  readonly schedule?: Schedule;
  readonly seed?: number;
  readonly rngState?: RngState;
  /** SVI steps done by fit/partialFit. */
  readonly stepsDone?: number;
  /** False while a fit is unfinished (a checkpoint): `fit(..., { resume: true })` continues it. */
  readonly fitComplete?: boolean;
  /** Stopping-rule counter (steps in a row below tolerance). */
  readonly calmSteps?: number;
  /** The nEff option as given (undefined: the schedule's default). */
  readonly nEffOption?: number;
  readonly tolerance?: number;
  readonly patience?: number;
  readonly version?: number;
}
