// ALGORITHM.md §2.4: the activation matrix V (K×M) of one spectrogram X (D×M),
// in the factorised form of §2.2 (no K×M×D tensor).
import { digamma } from "../../core/special.js";
import type { Kernels } from "../../kernels/types.js";
import { exactContributions, Z_MIN } from "./engine.js";
import type { NmfTransformConvention } from "./types.js";

/** Transform repeats (§2.4). */
export const TRANSFORM_REPEATS = 5;

/** The model quantities a transform needs (D×K row-major W1, W2; K-vectors A1, A2). */
export interface NmfTransformModel {
  readonly D: number;
  readonly K: number;
  readonly W1: Float64Array;
  readonly W2: Float64Array;
  readonly A1: Float64Array;
  readonly A2: Float64Array;
  readonly h02: number;
  /** h0 of §2.4: 1/K (paisley2018) or the stored h01 = 1/K0 (specufex-python). */
  readonly h0: number;
  readonly convention: NmfTransformConvention;
}

/** Precomputed model terms and a reusable workspace for spectrograms of up to `capacity` columns. */
export class NmfTransformer {
  readonly D: number;
  readonly K: number;
  readonly capacity: number;
  readonly #kernels: Kernels;
  readonly #h0: number;
  readonly #lnV2InFirst: boolean;
  readonly #lnEW: Float64Array;
  readonly #eW: Float64Array;
  readonly #V2: Float64Array;
  readonly #lnV2: Float64Array;
  readonly #X: Float64Array;
  readonly #R: Float64Array;
  readonly #V1: Float64Array;
  readonly #lnEV: Float64Array;
  readonly #eV: Float64Array;
  readonly #S: Float64Array;
  readonly #fix: Float64Array;
  readonly #colMax: Float64Array;
  /** The first repeat's one column (every column of V1 = 1 is the same): ln E_V, E_V, Z, and ones. */
  readonly #lnEV1: Float64Array;
  readonly #eV1: Float64Array;
  readonly #Z1: Float64Array;
  readonly #onesK: Float64Array;
  readonly #onesM: Float64Array;

  constructor(kernels: Kernels, model: NmfTransformModel, capacity: number) {
    const { D, K, W1, W2, A1, A2 } = model;
    this.D = D;
    this.K = K;
    this.capacity = capacity;
    const ws = kernels.workspace(4 * D * K + 7 * K + 2 * D * capacity + 5 * K * capacity + 2 * capacity + D + 1);
    this.#kernels = ws.kernels;
    this.#h0 = model.h0;
    this.#lnV2InFirst = model.convention === "specufex-python";
    this.#lnEW = ws.take(D * K);
    this.#eW = ws.take(D * K);
    this.#V2 = ws.take(K);
    this.#lnV2 = ws.take(K);
    this.#X = ws.take(D * capacity);
    this.#R = ws.take(D * capacity);
    this.#V1 = ws.take(K * capacity);
    this.#lnEV = ws.take(K * capacity);
    this.#eV = ws.take(K * capacity);
    this.#S = ws.take(K * capacity);
    this.#fix = ws.take(K * capacity);
    this.#colMax = ws.take(capacity);
    this.#lnEV1 = ws.take(K);
    this.#eV1 = ws.take(K);
    this.#Z1 = ws.take(D);
    this.#onesK = ws.take(K).fill(1);
    this.#onesM = ws.take(capacity).fill(1);
    // L = ElnWA with max_k subtracted per d (eW = exp(L)); V2_k = h02 + Σ_d EW_dk·EA_k.
    const V2 = this.#V2;
    const cA = ws.take(K);
    const cB = ws.take(K);
    for (let k = 0; k < K; k++) {
      cA[k] = digamma(A1[k]!);
      cB[k] = Math.log(A2[k]!);
    }
    for (let d = 0; d < D; d++) {
      const o = d * K;
      for (let k = 0; k < K; k++) V2[k] = V2[k]! + (W1[o + k]! / W2[o + k]!) * (A1[k]! / A2[k]!);
    }
    for (let k = 0; k < K; k++) {
      V2[k] = model.h02 + V2[k]!;
      this.#lnV2[k] = Math.log(V2[k]!);
    }
    const W1w = ws.take(D * K);
    const W2w = ws.take(D * K);
    W1w.set(W1.subarray(0, D * K));
    W2w.set(W2.subarray(0, D * K));
    ws.kernels.logWeightsExp(D, K, W1w, W2w, cA, cB, 1, this.#lnEW, this.#eW);
  }

  /**
   * V (K×M, row-major) of X (D×M, row-major) written into `out` (length ≥ K·M).
   * The caller validated X (finite, ≥ 0, D rows, 1 ≤ M ≤ capacity).
   */
  transformInto(x: Float64Array, M: number, out: Float64Array): void {
    const { D, K } = this;
    const kernels = this.#kernels;
    const X = this.#X;
    const R = this.#R;
    const V1 = this.#V1;
    const lnEV = this.#lnEV;
    const eV = this.#eV;
    const S = this.#S;
    const fix = this.#fix;
    const colMax = this.#colMax;
    const lnV2 = this.#lnV2;
    const h0 = this.#h0;
    const KM = K * M;
    X.set(x.subarray(0, D * M));
    V1.fill(1, 0, KM);
    for (let t = 1; t <= TRANSFORM_REPEATS; t++) {
      // ElnV = ψ(V1) − [t > 1 or specufex-python]·ln V2; P = softmax_k(L + ElnV); V1 = h0 + Σ_d P X.
      let marked: number;
      if (t === 1) {
        marked = this.#firstRatio(M);
      } else {
        kernels.expectationExp(K, M, V1, lnV2, 1, lnEV, eV, colMax);
        marked = kernels.poissonRatio(D, M, K, this.#eW, eV, X, R, Z_MIN);
      }
      if (marked > 0) {
        fix.fill(0, 0, KM);
        exactContributions(D, K, M, X, R, this.#lnEW, lnEV, fix, true);
      }
      kernels.gemmAtB(K, M, D, this.#eW, R, S);
      kernels.affineProduct(KM, eV, S, marked > 0 ? fix : null, h0, 0, 1, V1);
    }
    const V2 = this.#V2;
    for (let k = 0; k < K; k++) {
      const o = k * M;
      const v2 = V2[k]!;
      for (let m = 0; m < M; m++) out[o + m] = V1[o + m]! / v2;
    }
  }

  /**
   * The first repeat's expectations and ratio. V1 = 1, so every column of E_V is the same:
   * one column through the kernel (paisley2018: no ln V2 term, so ln E_V = 0, E_V = 1),
   * broadcast; Z = E_W·E_V is then one D-vector, summed in the product's order (k = 0, 1, …),
   * and the ratio over a D×1 by 1×M product gives the same bits as the full product.
   */
  #firstRatio(M: number): number {
    const { D, K } = this;
    const lnEV1 = this.#lnEV1;
    const eV1 = this.#eV1;
    if (this.#lnV2InFirst) this.#kernels.expectationExp(K, 1, this.#onesK, this.#lnV2, 1, lnEV1, eV1, this.#colMax);
    else {
      lnEV1.fill(0);
      eV1.fill(1);
    }
    const lnEV = this.#lnEV;
    const eV = this.#eV;
    for (let k = 0; k < K; k++) {
      lnEV.fill(lnEV1[k]!, k * M, (k + 1) * M);
      eV.fill(eV1[k]!, k * M, (k + 1) * M);
    }
    const eW = this.#eW;
    const Z1 = this.#Z1;
    for (let d = 0; d < D; d++) {
      let z = 0;
      for (let k = 0; k < K; k++) z += eW[d * K + k]! * eV1[k]!;
      Z1[d] = z;
    }
    return this.#kernels.poissonRatio(D, M, 1, Z1, this.#onesM, this.#X, this.#R, Z_MIN);
  }
}
