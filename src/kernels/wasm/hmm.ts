// The HMM local pass with its sweep in WebAssembly SIMD (kernels/wasm/hmm-wat.ts):
// Ã and π̃ (digamma, exp) stay in JS, the S²·M loops run in the module. Same
// bits as the JS kernel (same operations in the same order); a repeat whose
// normalisers underflow is redone by the JS sweep (log-domain path).
import { hmmEmission, hmmEmissionExp } from "../js/hmm-stats.js";
import { HMM_FLUSH as FLUSH, HMM_TINY as TINY, hmmLayoutOffsets, hmmPrepare, hmmResetCache, hmmSameInputs, hmmSweep, hmmWorkLayout, type HmmLocalKernel, type HmmWorkLayout } from "../js/hmm.js";
import { FINGERPRINT_FLUSH, FINGERPRINT_T, fingerprintFinish, fingerprintPrepare, fingerprintWorkSize } from "../js/hmm-fingerprint.js";
import { HMM_WAT } from "./hmm-wat.js";
import { PAGE, instantiateWat, lazyWatModule, type WasmMemory } from "./module.js";

interface HmmExports {
  hmmForward(S: number, M: number, eA: number, ePi: number, pr: number, alpha: number, F: number, cs: number, tiny: number, flush: number): number;
  hmmBackward(S: number, M: number, isPython: number, eAT: number, pr: number, beta: number, ws: number, tiny: number, flush: number): number;
  hmmGamma(S: number, M: number, alpha: number, beta: number, gam: number, tiny: number, flush: number): number;
  hmmWeights(S: number, M: number, beta: number, pr: number, F: number, W: number, tiny: number): number;
  hmmAccumulate(S: number, M: number, exact: number, alpha: number, W: number, eA: number, A: number, tauA: number): void;
  hmmPySweep(S: number, M: number, mode: number, eA: number, ePi: number, pr: number, b: number, alpha: number, gam: number,
    F: number, W: number, acc: number, A: number, cs: number, lists: number, tauA: number, tiny: number, flush: number,
    eVal: number, exc: number, nExc: number): number;
  hmmScan(S: number, A: number, Ppi: number, prev: number, first: number, tauA: number, rs: number, others: number): number;
  hmmFpSeries(S: number, T: number, cA: number, x: number, v: number, y: number, flush: number): void;
  hmmEmission(S: number, K: number, M: number, ET: number, EB: number, U: number, ln: number, cmax: number): number;
}
/** The compiled HMM module, or null where WebAssembly SIMD is unavailable. */
const hmmModule = lazyWatModule(HMM_WAT);

/** True where the runtime compiles the HMM SIMD module. */
export function isHmmWasmAvailable(): boolean {
  return hmmModule() !== null;
}

/** The local-pass kernel over its own WebAssembly memory. */
export class WasmHmmKernel implements HmmLocalKernel {
  readonly name = "wasm-simd" as const;
  readonly S: number;
  capacity = 0;
  PrT: Float64Array = new Float64Array(0);
  lnPrT: Float64Array = new Float64Array(0);
  A: Float64Array = new Float64Array(0);
  Ppi: Float64Array = new Float64Array(0);
  gamT: Float64Array = new Float64Array(0);
  #work: Float64Array = new Float64Array(0);
  #fpWork: Float64Array = new Float64Array(0);
  /** Byte offsets of the layout for #offM time steps, and the M whose β scalars (bvec) are in place. */
  #off: ReturnType<typeof hmmLayoutOffsets> | null = null;
  #offLay: HmmWorkLayout = hmmWorkLayout(1, 1);
  #offM = 0;
  #bvecM = 0;
  #lay: HmmWorkLayout = hmmWorkLayout(1, 1);
  readonly #mem: WasmMemory;
  readonly #ex: HmmExports;

  /** Patterns K of the emission buffers (0: emission runs in JS). */
  readonly #K: number;
  #ET: Float64Array = new Float64Array(0);
  #EB: Float64Array = new Float64Array(0);
  #U: Float64Array = new Float64Array(0);
  #cmax: Float64Array = new Float64Array(0);

  /** Buffers for S states, M time steps and (for the emission) K patterns. */
  constructor(S: number, M: number, K = 0) {
    const mod = hmmModule();
    if (!mod) throw new Error("WebAssembly SIMD is not available");
    this.S = S;
    this.#K = K;
    const instance = instantiateWat<HmmExports>(mod, 1);
    this.#mem = instance.memory;
    this.#ex = instance.exports;
    this.ensure(M);
  }

  ensure(M: number): void {
    if (M <= this.capacity) return;
    const S = this.S;
    const lay = hmmWorkLayout(S, M);
    const K = this.#K;
    const total = 3 * M * S + S * S + S + fingerprintWorkSize(S) + K * S + S + K * M + M + lay.size;
    const have = this.#mem.buffer.byteLength;
    if (total * 8 > have) this.#mem.grow(Math.ceil((total * 8 - have) / PAGE));
    // Growing detaches the old views; nothing in them needs keeping (localPass starts from A = 1).
    const buf = this.#mem.buffer;
    let at = 0;
    const view = (n: number): Float64Array => { const v = new Float64Array(buf, at * 8, n); at += n; return v; };
    this.PrT = view(M * S);
    this.lnPrT = view(M * S);
    this.gamT = view(M * S);
    this.A = view(S * S);
    this.Ppi = view(S);
    this.#fpWork = view(fingerprintWorkSize(S));
    this.#ET = view(K * S);
    this.#EB = view(S);
    this.#U = view(K * M);
    this.#cmax = view(M);
    this.#work = view(lay.size);
    this.#lay = lay;
    this.capacity = M;
    // The workspace may now start where other buffers were: drop hmmPrepare's kept values.
    hmmResetCache(S, this.#work, lay);
    this.#offM = 0;
    this.#bvecM = 0;
  }

  fingerprint(out: Float64Array): void {
    const S = this.S;
    const w = this.#fpWork;
    fingerprintPrepare(S, this.A, this.Ppi, w);
    // Work layout (hmm-fingerprint.ts): Ā, cĀ (S×S each), v, x, y (S each).
    const cA = w.byteOffset + 8 * S * S, v = cA + 8 * S * S, x = v + 8 * S, y = x + 8 * S;
    this.#ex.hmmFpSeries(S, FINGERPRINT_T, cA, x, v, y, FINGERPRINT_FLUSH);
    fingerprintFinish(S, w, out);
  }

  emission(K: number, M: number, ElnB: Float64Array, EBrowSum: Float64Array, U: Float64Array, colMax: Float64Array): boolean {
    const S = this.S;
    if (K !== this.#K || M > this.capacity) return hmmEmission(S, K, M, ElnB, EBrowSum, U, this.lnPrT, this.PrT, colMax);
    const ET = this.#ET;
    for (let s = 0; s < S; s++) for (let k = 0; k < K; k++) ET[k * S + s] = ElnB[s * K + k]!;
    this.#EB.set(EBrowSum.subarray(0, S));
    this.#U.set(U.subarray(0, K * M));
    const bad = this.#ex.hmmEmission(S, K, M, ET.byteOffset, this.#EB.byteOffset, this.#U.byteOffset, this.lnPrT.byteOffset, this.#cmax.byteOffset);
    colMax.set(this.#cmax.subarray(0, M));
    hmmEmissionExp(S, M, this.lnPrT, this.PrT);
    return bad === 0;
  }

  localPass(M: number, J: number, isPython: boolean, needA: boolean, tauPpi: number, tauA: number, tiny = TINY): number {
    const S = this.S;
    // The layout depends on M: work views for this M inside the capacity's buffer.
    if (this.#offM !== M || !this.#off) {
      this.#offLay = M === this.capacity ? this.#lay : hmmWorkLayout(S, M);
      this.#off = hmmLayoutOffsets(this.#offLay, this.#work.byteOffset);
      this.#offM = M;
    }
    const lay = this.#offLay;
    const { A, Ppi, gamT, PrT, lnPrT } = this;
    const work = this.#work;
    const b = this.#off;
    const pr = PrT.byteOffset, gam = gamT.byteOffset, a = A.byteOffset, ppi = Ppi.byteOffset;
    const ex = this.#ex;
    for (let i = 0; i < S * S; i++) A[i] = 1;
    for (let i = 0; i < S; i++) Ppi[i] = 1;
    if (isPython && this.#bvecM !== M) {
      this.#bvecM = M;
      // specufex-python: β_{M−1} = 1, β_m = β_{m+1}/Σ_s β_{m+1,s}; every column is constant (§4).
      const bv = work.subarray(lay.bvec, lay.bvec + M);
      bv[M - 1] = 1;
      for (let m = M - 2; m >= 0; m--) {
        const x = bv[m + 1]!;
        let t = 0;
        for (let s = 0; s < S; s++) t += x;
        bv[m] = x / t;
      }
    }
    let logLik = 0;
    for (let ite = 0; ite < J; ite++) {
      const last = ite === J - 1;
      const mode = last ? (needA ? 1 : 2) : 0;
      if (isPython) {
        // hmmSameInputs (not at the last repeat) and hmmPrepare's row scan, in one WebAssembly pass.
        const scanned = ex.hmmScan(S, a, ppi, b.prev, ite === 0 || last ? 1 : 0, tauA, b.rowSum, b.others);
        if (scanned < 0) {
          ite = J - 2; // a fixed point: straight to the last repeat (hmmSameInputs)
          continue;
        }
        const nExc = hmmPrepare(S, isPython, tauA, tauPpi, A, Ppi, work, lay, true, scanned);
        const status = ex.hmmPySweep(S, M, mode, b.eA, b.ePi, pr, b.bvec, b.alpha, gam, b.F, b.W, b.scratch, a, b.cs, b.lists, tauA, tiny, FLUSH, b.eVal, b.exc, nExc);
        if (status !== 0) {
          // A and π are untouched by a failed sweep: prepare again with eAT and ln Ã for the JS sweep.
          hmmPrepare(S, isPython, tauA, tauPpi, A, Ppi, work, lay);
          logLik = hmmSweep(S, M, isPython, mode, tauA, PrT, lnPrT, A, gamT, work, lay, tiny, last);
        } else if (last) logLik = sumLog(work, lay.cs, M);
        for (let s = 0; s < S; s++) Ppi[s] = tauPpi + gamT[s]!;
        continue;
      }
      if (!last && hmmSameInputs(S, A, Ppi, work, lay, ite === 0)) {
        ite = J - 2; // a fixed point: straight to the last repeat (hmmSameInputs)
        continue;
      }
      hmmPrepare(S, isPython, tauA, tauPpi, A, Ppi, work, lay);
      let status = ex.hmmForward(S, M, b.eA, b.ePi, pr, b.alpha, b.F, b.cs, tiny, FLUSH);
      if (status === 0) status = ex.hmmBackward(S, M, isPython ? 1 : 0, b.eAT, pr, b.beta, b.ws, tiny, FLUSH);
      // Repeats before the last use γ_0 alone (π's update): the other columns are formed at the last.
      if (status === 0) status = ex.hmmGamma(S, mode === 0 ? 1 : M, b.alpha, b.beta, gam, tiny, FLUSH);
      if (status === 0 && mode !== 2) status = ex.hmmWeights(S, M, b.beta, pr, b.F, b.W, tiny);
      if (status === 0 && mode !== 2) ex.hmmAccumulate(S, M, mode, b.alpha, b.W, b.eA, a, tauA);
      if (status !== 0) {
        logLik = hmmSweep(S, M, isPython, mode, tauA, PrT, lnPrT, A, gamT, work, lay, tiny, last);
      } else if (last) {
        logLik = sumLog(work, lay.cs, M);
      }
      for (let s = 0; s < S; s++) Ppi[s] = tauPpi + gamT[s]!;
    }
    return logLik;
  }
}

/** Σ_m ln c_m of the forward normalisers stored at work[at…at+M). */
function sumLog(work: Float64Array, at: number, M: number): number {
  let l = Math.log(work[at]!);
  for (let m = 1; m < M; m++) l += Math.log(work[at + m]!);
  return l;
}
