// ALGORITHM.md §3.1 on one sequence: input checks, U = diag(gain)·V, the
// emission likelihoods and the J repeats of forward–backward, in a workspace
// allocated once per fit and grown only when a longer sequence arrives.
import { DataError, ShapeError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import { hmmStatistics } from "../../kernels/js/hmm.js";
import { hmmKernel, type HmmLocalKernel } from "../../kernels/hmm.js";
import type { KernelBackend } from "../../kernels/types.js";

/** Where a sequence came from, for messages: "BayesianHmm.fit: sequence 3 (id ev12)". */
export function describeSequence(where: string, index: number, id?: string): string {
  return id !== undefined && id !== String(index) ? `${where}: sequence ${index} (id ${id})` : `${where}: sequence ${index}`;
}

/**
 * Checks one activation sequence against the model: K rows, at least 2 time
 * steps, every entry finite and ≥ 0.
 * @throws ShapeError (rows) or DataError (length, values) naming the sequence.
 */
export function checkSequence(V: Matrix, K: number, where: string, index: number, id?: string): void {
  const [rows, M] = V.shape;
  const event = id ?? index;
  if (rows !== K) {
    throw new ShapeError(`${describeSequence(where, index, id)}: activations have ${rows} rows, expected K = ${K} (the model's pattern count, the gain's length)`, { event });
  }
  if (M < 2) {
    throw new DataError(`${describeSequence(where, index, id)}: ${M} time step${M === 1 ? "" : "s"}, an HMM sequence needs at least 2`, { event });
  }
  const d = V.data;
  if (d.length !== rows * M) throw new ShapeError(`${describeSequence(where, index, id)}: data length ${d.length} does not match shape ${rows}×${M}`, { event });
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!(v >= 0 && v < Infinity)) {
      const what = v !== v ? "NaN" : v === Infinity ? "+Infinity" : v === -Infinity ? "−Infinity" : `negative (${v})`;
      throw new DataError(`${describeSequence(where, index, id)}: activation (k=${Math.floor(i / M)}, m=${i % M}) is ${what} (expected finite and ≥ 0)`, { event });
    }
  }
}

/** The local-pass kernel (its buffers) plus U and the column maxima, for S states, K patterns, growing with M. */
export class HmmWorkspace {
  readonly S: number;
  readonly K: number;
  readonly kernel: HmmLocalKernel;
  maxM = 0;
  U = new Float64Array(0);
  colMax = new Float64Array(0);
  readonly gsum: Float64Array;

  constructor(S: number, K: number, backend: KernelBackend = "auto", maxM = 64) {
    this.S = S;
    this.K = K;
    this.kernel = hmmKernel(backend, S, maxM, K);
    this.gsum = new Float64Array(S + K);
    this.ensure(maxM);
  }

  /** Grows the buffers to hold M time steps. */
  ensure(M: number): void {
    this.kernel.ensure(M);
    if (M <= this.maxM) return;
    this.maxM = M;
    this.U = new Float64Array(this.K * M);
    this.colMax = new Float64Array(M);
  }

  /** The kernel's outputs of the last local pass: A (S×S), π (S), γ (M×S time-major). */
  get A(): Float64Array { return this.kernel.A; }
  get Ppi(): Float64Array { return this.kernel.Ppi; }
  get gamT(): Float64Array { return this.kernel.gamT; }
}

/** The emission parameters a local pass reads. */
export interface HmmEmissionParams {
  readonly gain: Float64Array;
  readonly ElnB: Float64Array;
  /** Σ_k EB_sk per state. */
  readonly EBrowSum: Float64Array;
}

/**
 * The local pass of one (checked) sequence: fills ws.U, ws.Ppi, ws.gamT and,
 * with `needA` (transforms; a fit uses only γ), ws.A.
 * @returns the forward log-likelihood per column (ALGORITHM.md §7).
 * @throws DataError when gain·V overflows the emission log-likelihoods.
 */
export function localPass(ws: HmmWorkspace, p: HmmEmissionParams, V: Matrix, J: number, isPython: boolean, needA: boolean, where: string, index: number, id?: string): number {
  const { S, K } = ws;
  const M = V.shape[1];
  ws.ensure(M);
  const U = ws.U;
  const v = V.data;
  const gain = p.gain;
  for (let k = 0; k < K; k++) {
    const g = gain[k]!;
    const o = k * M;
    for (let m = 0; m < M; m++) U[o + m] = g * v[o + m]!;
  }
  const kern = ws.kernel;
  if (!kern.emission(K, M, p.ElnB, p.EBrowSum, U, ws.colMax)) {
    throw new DataError(`${describeSequence(where, index, id)}: emission log-likelihoods overflow (activations × gain too large for float64)`, { event: id ?? index });
  }
  const lnc = kern.localPass(M, J, isPython, needA, 0.01 / S, 0.1 / S);
  let shift = 0;
  for (let m = 0; m < M; m++) shift += ws.colMax[m]!;
  return (lnc + shift) / M;
}

/** Adds the last local pass's statistics (ws.gamT, ws.U) to Bu1, Bu2 (S×K). */
export function addStatistics(ws: HmmWorkspace, M: number, Bu1: Float64Array, Bu2: Float64Array): void {
  hmmStatistics(ws.S, ws.K, M, ws.gamT, ws.U, Bu1, Bu2, ws.gsum);
}
