// ALGORITHM.md §4: the two update schedules and their per-step formulas.
// Shared by the NMF (model/nmf) and the HMM (model/hmm).
import { roundHalfEven } from "../core/numeric.js";

/** The update schedules: the published algorithm (default) and the Python package's. */
export const SCHEDULES = ["paisley2018", "specufex-python"] as const;
export type Schedule = (typeof SCHEDULES)[number];

/** The NMF step counter τ of the first step: 1 (paisley2018) or −1 (specufex-python: the package's `step = -1`). */
export function nmfInitialTau(schedule: Schedule): number {
  return schedule === "specufex-python" ? -1 : 1;
}

/** NMF temperature T = 1 + 0.75^(τ−1) (both schedules; specufex-python's first T is 1 + 0.75⁻²). */
export function nmfTemperature(tau: number): number {
  return 1 + 0.75 ** (tau - 1);
}

/** Inner iterations I(T) = 9 + round(1 + 5(T−1)) of one NMF step (§2.1). */
export function nmfInnerIterations(T: number): number {
  return 9 + roundHalfEven(1 + 5 * (T - 1));
}

/**
 * Spectrograms in one NMF minibatch: paisley2018 round(1 + 3(T−1)) (at most N when N is given);
 * specufex-python one.
 */
export function nmfBatchSize(schedule: Schedule, T: number, N = Infinity): number {
  if (schedule === "specufex-python") return 1;
  return Math.min(roundHalfEven(1 + 3 * (T - 1)), N);
}

/** NMF step size ρ = (250/(1 + 5(T−1)) + τ)^−0.51 (§2.1). */
export function nmfRho(T: number, tau: number): number {
  return (250 / (1 + 5 * (T - 1)) + tau) ** -0.51;
}

/** HMM minibatch size n = round(1 + 10·0.75^(τ−1)) (§4; specufex-python computes it but fits one sequence). */
export function hmmBatchSize(tau: number): number {
  return roundHalfEven(1 + 10 * 0.75 ** (tau - 1));
}

/** HMM step size ρ = (250/(1 + 5(n−1)) + τ)^−0.51 with n the minibatch size (§3.2). */
export function hmmRho(n: number, tau: number): number {
  return (250 / (1 + 5 * (n - 1)) + tau) ** -0.51;
}
