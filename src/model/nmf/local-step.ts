// ALGORITHM.md §2.1–§2.2, the local half of an SVI step: the I(T) repeats that fit
// H on a minibatch X (D×M) with the globals fixed, then the final P as a ratio R.
// Every quantity here is per column m, so column chunks can run on separate threads
// and give the same numbers as the whole minibatch.
import type { KernelWorkspace, Kernels } from "../../kernels/types.js";

/** Below this, Z = E_W·E_H is treated as underflowed and the entry is computed exactly. */
export const Z_MIN = 1e-280;

/** The step's fixed inputs of the local repeats. */
export interface NmfLocalInputs {
  readonly D: number;
  readonly K: number;
  readonly T: number;
  readonly h01: number;
  readonly iterations: number;
  /** lnEW = L/T (D×K, L max-shifted per row) and eW = exp(lnEW). */
  readonly lnEW: Float64Array;
  readonly eW: Float64Array;
  /** ln H2 (K). */
  readonly lnH2: Float64Array;
}

/** Buffers and code of the local repeats for minibatches of up to `capacity` columns. */
export class NmfLocalStep {
  readonly capacity: number;
  readonly kernels: Kernels;
  /** The minibatch X (D×M, row-major with stride M); callers fill it. */
  readonly X: Float64Array;
  /** After `run`: the final ratio R = X ⊘ (E_W·E_H) (D×M), −1 where an entry underflowed. */
  readonly R: Float64Array;
  /** After `run`: H1 (K×M) of the last repeat, and ln E_H, E_H (K×M) of the final P. */
  readonly H1: Float64Array;
  readonly lnEH: Float64Array;
  readonly eH: Float64Array;
  readonly #S: Float64Array;
  readonly #fix: Float64Array;
  readonly #colMax: Float64Array;
  readonly #rowSum: Float64Array;
  readonly #ones: Float64Array;

  /** Doubles `allocate` takes from a workspace. */
  static size(D: number, K0: number, capacity: number): number {
    return 2 * D * capacity + 5 * K0 * capacity + 2 * capacity + D;
  }

  /** Views from `ws`, which must also hold the inputs' lnEW, eW and lnH2 (one memory for the kernels). */
  constructor(ws: KernelWorkspace, D: number, K0: number, capacity: number) {
    this.capacity = capacity;
    this.kernels = ws.kernels;
    this.X = ws.take(D * capacity);
    this.R = ws.take(D * capacity);
    this.H1 = ws.take(K0 * capacity);
    this.lnEH = ws.take(K0 * capacity);
    this.eH = ws.take(K0 * capacity);
    this.#S = ws.take(K0 * capacity);
    this.#fix = ws.take(K0 * capacity);
    this.#colMax = ws.take(capacity);
    this.#rowSum = ws.take(D);
    this.#ones = ws.take(capacity);
    this.#ones.fill(1);
  }

  /**
   * H1 = 1/K, then I(T) repeats of ElnH = ψ(H1) − [t > 1]·ln H2, P ∝ exp((L + ElnH)/T),
   * H1 = 1 + (h01 + Σ_d P X − 1)/T; then the final P (ln H2 included) as R.
   * @returns the number of entries of the final R marked −1 (underflow; see exactContributions).
   */
  run(inp: NmfLocalInputs, M: number): number {
    const { D, K, T, lnEW, eW, lnH2 } = inp;
    const kernels = this.kernels;
    const { X, R, H1, lnEH, eH } = this;
    const S = this.#S;
    const fix = this.#fix;
    const colMax = this.#colMax;
    const KM = K * M;
    const invT = 1 / T;
    for (let t = 1; t <= inp.iterations; t++) {
      if (t === 1) {
        // H1 = 1/K everywhere and no ln H2 term: every ElnH equals the column max, so
        // lnEH = 0 and E_H = 1 exactly (what the kernel would compute).
        H1.fill(1 / K, 0, KM);
        lnEH.fill(0, 0, KM);
        eH.fill(1, 0, KM);
      } else {
        kernels.expectationExp(K, M, H1, lnH2, invT, lnEH, eH, colMax);
      }
      let marked: number;
      if (t === 1) {
        // Z = E_W·1 is the row sums of E_W in every column: summed in the product's order
        // (k = 0, 1, …; E_W·1 is exact), so the ratio over a D×1 by 1×M product has the same bits.
        const rowSum = this.#rowSum;
        for (let d = 0; d < D; d++) {
          let z = 0;
          for (let k = 0; k < K; k++) z += eW[d * K + k]!;
          rowSum[d] = z;
        }
        marked = kernels.poissonRatio(D, M, 1, rowSum, this.#ones, X, R, Z_MIN);
      } else {
        marked = kernels.poissonRatio(D, M, K, eW, eH, X, R, Z_MIN);
      }
      if (marked > 0) {
        fix.fill(0, 0, KM);
        exactContributions(D, K, M, X, R, lnEW, lnEH, fix, true);
      }
      kernels.gemmAtB(K, M, D, eW, R, S);
      kernels.affineProduct(KM, eH, S, marked > 0 ? fix : null, 1, inp.h01 - 1, invT, H1);
    }
    kernels.expectationExp(K, M, H1, lnH2, invT, lnEH, eH, colMax);
    return kernels.poissonRatio(D, M, K, eW, eH, X, R, Z_MIN);
  }
}

/**
 * The entries the ratio kernel marked (R = −1): their P column computed in the log
 * domain, X·P added to `fix` (K×M when forH, else D×K), and R set to 0.
 */
export function exactContributions(D: number, K: number, M: number, X: Float64Array, R: Float64Array, lnEW: Float64Array, lnEH: Float64Array, fix: Float64Array, forH: boolean): void {
  for (let d = 0; d < D; d++) {
    for (let m = 0; m < M; m++) {
      const o = d * M + m;
      if (R[o]! !== -1) continue;
      R[o] = 0;
      const x = X[o]!;
      let mx = -Infinity;
      for (let k = 0; k < K; k++) {
        const v = lnEW[d * K + k]! + lnEH[k * M + m]!;
        if (v > mx) mx = v;
      }
      if (mx === -Infinity) continue;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(lnEW[d * K + k]! + lnEH[k * M + m]! - mx);
      for (let k = 0; k < K; k++) {
        const pk = (x * Math.exp(lnEW[d * K + k]! + lnEH[k * M + m]! - mx)) / sum;
        const i = forH ? k * M + m : d * K + k;
        fix[i] = fix[i]! + pk;
      }
    }
  }
}
