// Public, browser-safe exports of the NMF (Node-only twins: fit-async.node.ts, transform-many.node.ts).
export { BayesianNmf } from "./bayesian-nmf.js";
export type { NmfFromMatrices } from "./state.js";
export type {
  NmfFitControl,
  NmfFitted,
  NmfOptions,
  NmfOptionsResolved,
  NmfProgress,
  NmfState,
  NmfTransformConvention,
} from "./types.js";
