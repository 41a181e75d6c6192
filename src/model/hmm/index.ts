// The Bayesian HMM of ALGORITHM.md §3–4 (browser-safe exports).
export { BayesianHmm } from "./bayesian-hmm.js";
export { checkSequence } from "./local-pass.js";
export type { HmmMatrices } from "./state.js";
export { HMM_STATE_VERSION } from "./state.js";
export type {
  ActivationSource, HmmActivations, HmmFitControl, HmmFitted, HmmOptions, HmmOptionsResolved, HmmProgress, HmmState, HmmTransformResult,
} from "./types.js";
