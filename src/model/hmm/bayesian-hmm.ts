import { DataError, NotFittedError, OptionError, ShapeError } from "../../core/errors.js";
import { matrix, type Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/rng.js";
import { hmmBatchSize, hmmRho } from "../schedules.js";
import { addStatistics, checkSequence, HmmWorkspace, localPass } from "./local-pass.js";
import { PYTHON_DEFAULT_NEFF, resolveHmmOptions } from "./options.js";
import { fromHmmState, fromHmmMatrices, toHmmState, type HmmMatrices, type HmmParams } from "./state.js";
import { refreshExpectations, sortStatesByEnergy } from "./params.js";
import type { HmmActivations, HmmFitControl, HmmFitted, HmmOptions, HmmOptionsResolved, HmmState, HmmTransformResult } from "./types.js";

/** An HMM sequence list or source, read uniformly. */
interface Seqs {
  readonly count: number;
  get(i: number): Matrix;
  id(i: number): string | undefined;
}

function asSeqs(acts: HmmActivations): Seqs {
  if (Array.isArray(acts)) {
    const arr = acts as readonly Matrix[];
    return { count: arr.length, get: (i) => arr[i]!, id: () => undefined };
  }
  const src = acts as Exclude<HmmActivations, readonly Matrix[]>;
  return { count: src.count, get: (i) => src.get(i), id: (i) => (src.id ? src.id(i) : undefined) };
}

/**
 * Bayesian hidden Markov model on NMF activations, fitted by stochastic
 * variational inference (ALGORITHM.md §3–4), with the fingerprints of §3.3.
 *
 * @example
 * const hmm = new BayesianHmm({ numStates: 15, nmf, schedule: "paisley2018", seed: 42 });
 * hmm.fit(activations, { steps: 1000 });
 * const { fingerprint, A, pi, gamma } = hmm.transform(activations[0]);
 */
export class BayesianHmm {
  readonly options: Readonly<HmmOptionsResolved>;
  #p?: HmmParams;
  #ws?: HmmWorkspace;
  #stepBuf?: Float64Array;

  /** @throws OptionError on an invalid or unknown option. */
  constructor(options: HmmOptions = {}) {
    this.options = Object.freeze(resolveHmmOptions(options));
  }

  /**
   * Fits the model: `steps` SVI steps (paisley2018: minibatches of
   * round(1 + 10·0.75^(τ−1)) sequences drawn with replacement; specufex-python:
   * one package fit call on one uniformly drawn sequence per step), then
   * (paisley2018) orders the states by Σ_k EB_sk, descending.
   * @param activations N sequences, each K×M_n (M_n ≥ 2), or a source with count/get(i).
   * @throws DataError/ShapeError naming the sequence; OptionError when no gain was given.
   */
  fit(activations: HmmActivations, run: HmmFitControl = {}): this {
    const seqs = asSeqs(activations);
    const N = seqs.count;
    if (!(N >= 1)) throw new DataError(`BayesianHmm.fit: no sequences (expected at least 1, got ${N})`);
    const steps = run.steps ?? 1000;
    if (!(Number.isInteger(steps) && steps >= 0)) throw new OptionError(`BayesianHmm.fit: steps must be an integer ≥ 0, got ${steps}`, { field: "steps" });
    const K = this.#gainFor("fit").length;
    if (Array.isArray(activations)) for (let i = 0; i < N; i++) checkSequence(seqs.get(i), K, "BayesianHmm.fit", i);
    // resume: continue an unfinished fit as saved (B, τ, Rng state, stopping counter); else start afresh.
    if (!(run.resume && this.#p && !this.#p.fitComplete)) {
      this.#p = this.#initParams(this.options.nEff ?? (this.options.schedule === "paisley2018" ? N : PYTHON_DEFAULT_NEFF));
    }
    const p = this.#p;
    p.fitComplete = false;
    const isPython = this.options.schedule === "specufex-python";
    const t0 = performance.now();
    const batch: Matrix[] = [];
    const ids: (string | undefined)[] = [];
    const idx: number[] = [];
    const tol = this.options.tolerance;
    const patience = this.options.patience;
    while (p.stepsDone < steps && !(tol !== undefined && p.calmSteps >= patience)) {
      if (run.shouldStop?.()) return this;
      batch.length = 0;
      ids.length = 0;
      idx.length = 0;
      if (isPython) {
        const i = p.rng.integer(N);
        idx.push(i);
      } else {
        const drawn = p.rng.sampleWithReplacement(N, hmmBatchSize(p.stepsDone + 1));
        for (let b = 0; b < drawn.length; b++) idx.push(drawn[b]!);
      }
      for (const i of idx) {
        const V = seqs.get(i);
        if (!Array.isArray(activations)) checkSequence(V, K, "BayesianHmm.fit", i, seqs.id(i));
        batch.push(V);
        ids.push(seqs.id(i));
      }
      const info = this.#step(batch, idx, ids, "BayesianHmm.fit");
      if (tol !== undefined) p.calmSteps = info.change < tol ? p.calmSteps + 1 : 0;
      // The state is complete here: a checkpoint taken in onProgress resumes bit-identically.
      run.onProgress?.({ step: p.stepsDone, steps, rho: info.rho, batchSize: batch.length, n: info.n, elapsedMs: performance.now() - t0, emissionChange: info.change, logLikelihood: info.logLik });
    }
    if (!isPython) this.sortStates();
    p.fitComplete = true;
    return this;
  }

  /**
   * One SVI step on the given sequences. paisley2018: one minibatch step
   * (n = batch.length, Ns = nEff, which must be given unless a fit set it).
   * specufex-python: one call of the package's `fit(V)` (one update per
   * sequence, τ += its index in the call), then the states are ordered.
   * @throws DataError/ShapeError naming the sequence (its index in the batch).
   */
  partialFit(batch: readonly Matrix[]): this {
    const K = this.#gainFor("partialFit").length;
    if (batch.length === 0) throw new DataError(`BayesianHmm.partialFit: empty batch (expected at least 1 sequence)`);
    for (let i = 0; i < batch.length; i++) checkSequence(batch[i]!, K, "BayesianHmm.partialFit", i);
    if (!this.#p) {
      const nEff = this.options.nEff ?? (this.options.schedule === "specufex-python" ? PYTHON_DEFAULT_NEFF : undefined);
      if (nEff === undefined) {
        throw new OptionError(`BayesianHmm.partialFit: option "nEff" (Ns, the number of sequences N) is needed under paisley2018 when the model was not fitted with fit(), got none`, { field: "nEff" });
      }
      this.#p = this.#initParams(nEff);
    }
    const idx = batch.map((_, i) => i);
    this.#step(batch, idx, idx.map(() => undefined), "BayesianHmm.partialFit");
    return this;
  }

  /**
   * Orders the states by Σ_k EB_sk, descending (stable), ALGORITHM.md §3.2.
   * fit() does this at its end (paisley2018) and partialFit after every call
   * (specufex-python); call it after driving paisley2018 with partialFit.
   */
  sortStates(): this {
    if (!this.#p) throw new NotFittedError("BayesianHmm");
    sortStatesByEnergy(this.#p);
    return this;
  }

  /**
   * The local pass (§3.1) of one sequence under the fitted model, with its fingerprint (§3.3).
   * The schedule selects the variant: specufex-python reproduces the package's transform.
   * @param V K×M activations (M ≥ 2).
   * @throws NotFittedError before a fit; ShapeError/DataError naming the sequence.
   */
  transform(V: Matrix, index = 0, id?: string): HmmTransformResult {
    const p = this.#fittedParams();
    checkSequence(V, p.K, "BayesianHmm.transform", index, id);
    const ws = this.#workspace(p);
    const M = V.shape[1];
    const logLikelihood = localPass(ws, p, V, this.options.innerIterations, this.options.schedule === "specufex-python", true, "BayesianHmm.transform", index, id);
    const S = p.S;
    const gamma = new Float64Array(S * M);
    const gT = ws.gamT;
    for (let m = 0; m < M; m++) for (let s = 0; s < S; s++) gamma[s * M + m] = gT[m * S + s]!;
    const A = ws.A.slice();
    const pi = ws.Ppi.slice();
    const fp = new Float64Array(S * S);
    ws.kernel.fingerprint(fp);
    return { fingerprint: matrix(fp, S, S), A: matrix(A, S, S), pi, gamma: matrix(gamma, S, M), logLikelihood };
  }

  /** What the fit learned (copies). @throws NotFittedError before a fit. */
  get fitted(): HmmFitted {
    const p = this.#fittedParams();
    const { S, K } = p;
    return {
      B1: matrix(p.B1.slice(), S, K),
      B2: matrix(p.B2.slice(), S, K),
      EB: matrix(p.EB.slice(), S, K),
      ElnB: matrix(p.ElnB.slice(), S, K),
      gain: p.gain.slice(),
      EBEnergy: p.EBrowSum.slice(),
      nEff: Number.isFinite(p.Ns) ? p.Ns : 0,
      stepsDone: p.stepsDone,
    };
  }

  /** True once fit, partialFit or a state/matrices gave the model emissions. */
  get isFitted(): boolean {
    return this.#p !== undefined;
  }

  /** The model as plain data: the Python file's fields (FORMATS.md §3) plus schedule, seed, Rng state, version. */
  getState(): HmmState {
    return toHmmState(this.#fittedParams(), this.options);
  }

  /** A model from `getState()` or from a Python model file's fields (no schedule: specufex-python). */
  /**
   * Saves the model in the Python package's HDF5 layout (FORMATS.md §3) plus our state, atomically.
   * Node only (the persistence module is loaded on demand, so browser bundles never pull in node:fs).
   * @example await model.save("models/hmm.h5");
   */
  async save(path: string): Promise<void> {
    const { saveHmm } = await import("../persist.node.js");
    await saveHmm(path, this);
  }

  /**
   * Loads a model file written by `save` (resumable state) or by the Python package (its conventions).
   * @throws FormatError naming the file and a missing field.
   */
  static async load(path: string): Promise<BayesianHmm> {
    const { loadHmm } = await import("../persist.node.js");
    return loadHmm(path);
  }

  static fromState(state: HmmState): BayesianHmm {
    const { options, params } = fromHmmState(state);
    const hmm = new BayesianHmm(options);
    hmm.#p = params;
    return hmm;
  }

  /** A fitted model from given emission matrices (B1, B2 S×K, gain K), e.g. a golden's `final`. */
  static fromMatrices(m: HmmMatrices): BayesianHmm {
    const { options, params } = fromHmmMatrices(m);
    const hmm = new BayesianHmm(options);
    hmm.#p = params;
    return hmm;
  }

  #gainFor(where: string): Float64Array {
    const gain = this.#p?.gain ?? this.options.gain;
    if (!gain) throw new OptionError(`BayesianHmm.${where}: no gain (give option "nmf" or "gain")`, { field: "gain" });
    return gain;
  }

  #fittedParams(): HmmParams {
    if (!this.#p) throw new NotFittedError("BayesianHmm");
    return this.#p;
  }

  #workspace(p: HmmParams): HmmWorkspace {
    if (!this.#ws || this.#ws.S !== p.S || this.#ws.K !== p.K) this.#ws = new HmmWorkspace(p.S, p.K, this.options.backend);
    return this.#ws;
  }

  /** Fresh globals: B1 = cB·1000·G, B2 = cB·1000·0.03 (§3), cB = Ns; τ = 0; Rng from the seed. */
  #initParams(Ns: number): HmmParams {
    const gain = this.#gainFor("fit");
    const S = this.options.numStates;
    const K = gain.length;
    const rng = new Rng(this.options.seed);
    const B1 = new Float64Array(S * K);
    const B2 = new Float64Array(S * K);
    const GB = this.options.init?.GB;
    if (GB && (GB.shape[0] !== S || GB.shape[1] !== K)) {
      throw new ShapeError(`BayesianHmm: option "init.GB" must be S×K = ${S}×${K}, got ${GB.shape[0]}×${GB.shape[1]}`, { field: "init.GB" });
    }
    const isPython = this.options.schedule === "specufex-python";
    const c = Ns * 1000; // the package: (Neff) * 1000 * G
    for (let i = 0; i < S * K; i++) {
      // specufex-python draws Gamma(1, 1) + 1 (SciPy's loc slip, §4).
      const g = GB ? GB.data[i]! : isPython ? rng.gamma(1, 1) + 1 : rng.gamma(1, 1);
      B1[i] = c * g;
      B2[i] = c * 0.03;
    }
    const p: HmmParams = {
      S, K, gain: gain.slice(), B1, B2,
      EB: new Float64Array(S * K), ElnB: new Float64Array(S * K), EBrowSum: new Float64Array(S),
      Ns, tau: 0, stepsDone: 0, fitComplete: false, calmSteps: 0, rng,
    };
    refreshExpectations(p);
    return p;
  }

  /** One step of the schedule on a checked batch; returns ρ, n, the emission change and the mean log-likelihood. */
  #step(batch: readonly Matrix[], idx: readonly number[], ids: readonly (string | undefined)[], where: string): { rho: number; n: number; change: number; logLik: number } {
    const p = this.#p!;
    if (!(p.Ns > 0)) throw new OptionError(`${where}: option "nEff" (Ns) is unknown for a model built from matrices; give nEff to fromMatrices`, { field: "nEff" });
    const ws = this.#workspace(p);
    const { S, K } = p;
    const J = this.options.innerIterations;
    // Step buffers, allocated once per model (EB before the step, the statistics).
    if (!this.#stepBuf || this.#stepBuf.length !== 3 * S * K) this.#stepBuf = new Float64Array(3 * S * K);
    const before = this.#stepBuf.subarray(0, S * K);
    const Bu1 = this.#stepBuf.subarray(S * K, 2 * S * K);
    const Bu2 = this.#stepBuf.subarray(2 * S * K);
    before.set(p.EB);
    Bu1.fill(0);
    Bu2.fill(0);
    let logLik = 0;
    let rho = 0;
    let n = 0;
    if (this.options.schedule === "specufex-python") {
      // The package's fit(V): for step, Vi in enumerate(V): self.step += step; one update per sequence.
      for (let b = 0; b < batch.length; b++) {
        p.tau += b;
        n = hmmBatchSize(p.tau); // computed from τ even with one sequence (§4)
        Bu1.fill(0);
        Bu2.fill(0);
        logLik += localPass(ws, p, batch[b]!, J, true, false, where, idx[b]!, ids[b]);
        addStatistics(ws, batch[b]!.shape[1], Bu1, Bu2);
        rho = hmmRho(n, p.tau);
        this.#update(rho, p.Ns / n, Bu1, Bu2);
      }
    } else {
      p.tau = p.stepsDone + 1;
      n = batch.length;
      for (let b = 0; b < batch.length; b++) {
        logLik += localPass(ws, p, batch[b]!, J, false, false, where, idx[b]!, ids[b]);
        addStatistics(ws, batch[b]!.shape[1], Bu1, Bu2);
      }
      rho = hmmRho(n, p.tau);
      this.#update(rho, p.Ns / n, Bu1, Bu2);
    }
    p.stepsDone += 1;
    let num = 0;
    let den = 0;
    for (let i = 0; i < before.length; i++) {
      const d = p.EB[i]! - before[i]!;
      num += d * d;
      den += before[i]! * before[i]!;
    }
    // specufex-python orders the states after every fit call (§4); the change is measured before.
    if (this.options.schedule === "specufex-python") sortStatesByEnergy(p);
    return { rho, n, change: Math.sqrt(num) / Math.sqrt(den), logLik: logLik / batch.length };
  }

  /** B1 = (1−ρ)B1 + ρ(τ1 + (Ns/n)·ΣBu1), B2 likewise (§3.2), then EB, ElnB. */
  #update(rho: number, scale: number, Bu1: Float64Array, Bu2: Float64Array): void {
    const p = this.#p!;
    const { B1, B2 } = p;
    const keep = 1 - rho;
    for (let i = 0; i < B1.length; i++) {
      B1[i] = keep * B1[i]! + rho * (0.1 + scale * Bu1[i]!);
      B2[i] = keep * B2[i]! + rho * (0.1 + scale * Bu2[i]!);
    }
    refreshExpectations(p);
  }
}
