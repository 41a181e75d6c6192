// The fitted globals of the HMM and the two operations on them that every
// path shares: recomputing the expectations and ordering the states.
import { digamma } from "../../core/special.js";
import type { Rng } from "../../core/rng.js";

/** Internal, mutable model parameters (S×K row-major arrays). */
export interface HmmParams {
  readonly S: number;
  readonly K: number;
  readonly gain: Float64Array;
  readonly B1: Float64Array;
  readonly B2: Float64Array;
  readonly EB: Float64Array;
  readonly ElnB: Float64Array;
  /** Σ_k EB_sk per state. */
  readonly EBrowSum: Float64Array;
  /** Ns and cB. */
  Ns: number;
  /** The schedule's step counter τ (the package's `step` under specufex-python). */
  tau: number;
  /** SVI steps done (fit steps or partialFit calls). */
  stepsDone: number;
  fitComplete: boolean;
  /** Steps in a row with emission change below the tolerance. */
  calmSteps: number;
  rng: Rng;
}

/** EB = B1/B2, ElnB = ψ(B1) − ln B2 and the row sums of EB. */
export function refreshExpectations(p: HmmParams): void {
  const { S, K, B1, B2, EB, ElnB, EBrowSum } = p;
  for (let s = 0; s < S; s++) {
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const i = s * K + k;
      const b1 = B1[i]!;
      const b2 = B2[i]!;
      const e = b1 / b2;
      EB[i] = e;
      ElnB[i] = digamma(b1) - Math.log(b2);
      sum += e;
    }
    EBrowSum[s] = sum;
  }
}

/**
 * Orders the states by Σ_k EB_sk, descending; ties keep their order (ALGORITHM.md §3.2).
 * The goldens' `final` matrices are in this order. The fit is equivariant under
 * relabelling the states (A and π start uniform), so sorting after every call
 * (specufex-python) or once at the end (paisley2018) changes only roundoff;
 * the goldens cannot tell the two apart, and we follow §4.
 */
export function sortStatesByEnergy(p: HmmParams): void {
  const { S, K } = p;
  let sorted = true;
  for (let s = 1; s < S; s++) if (p.EBrowSum[s - 1]! < p.EBrowSum[s]!) sorted = false;
  if (sorted) return;
  const order = Array.from({ length: S }, (_, s) => s);
  const energy = p.EBrowSum.slice();
  order.sort((a, b) => energy[b]! - energy[a]! || a - b);
  let identity = true;
  for (let s = 0; s < S; s++) if (order[s] !== s) identity = false;
  if (identity) return;
  for (const arr of [p.B1, p.B2, p.EB, p.ElnB]) {
    const copy = arr.slice();
    for (let s = 0; s < S; s++) arr.set(copy.subarray(order[s]! * K, (order[s]! + 1) * K), s * K);
  }
  for (let s = 0; s < S; s++) p.EBrowSum[s] = energy[order[s]!]!;
}
