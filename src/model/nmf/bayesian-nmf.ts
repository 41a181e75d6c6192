// The Bayesian nonparametric NMF of SpecUFEx (ALGORITHM.md §2, §4, §5, §7) as an estimator.
import { DataError, NotFittedError, OptionError, ShapeError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/rng.js";
import { arraySource, isSpectrogramSource, type SpectrogramSource } from "../../core/spectrogram-source.js";
import { getKernels } from "../../kernels/index.js";
import type { Kernels } from "../../kernels/types.js";
import { nmfBatchSize, nmfInitialTau, nmfRho, nmfTemperature } from "../schedules.js";
import { lnGammaSumOf, NmfStepper, type NmfHyper, type NmfParams } from "./engine.js";
import { resolveNmfOptions } from "./options.js";
import { buildFitted, fromMatricesParts, stateOf, stateParts, type NmfFromMatrices, type NmfParts } from "./state.js";
import { NmfTransformer } from "./transformer.js";
import type { NmfFitControl, NmfFitted, NmfOptions, NmfOptionsResolved, NmfProgress, NmfState, NmfTransformConvention } from "./types.js";
import { checkSpectrogram, describeSpectrogram } from "./validate.js";

const DEFAULT_STEPS = 1000;

/**
 * Bayesian nonparametric NMF fitted by stochastic variational inference
 * (Holtzman et al. 2018; ALGORITHM.md §2). Two schedules: "paisley2018"
 * (default, the published algorithm) and "specufex-python" (the Python package).
 * @example
 * const nmf = new BayesianNmf({ numPatterns: 75, schedule: "paisley2018", seed: 42 });
 * nmf.fit(spectrograms, { steps: 1000 });
 * const V = nmf.transform(spectrograms[0]);   // K×M activations
 */
export class BayesianNmf {
  readonly options: Readonly<NmfOptionsResolved>;
  #parts?: NmfParts;
  #rng?: Rng;
  #kernels?: Kernels;
  #stepper?: NmfStepper;
  #transformer?: NmfTransformer;
  #fitted?: NmfFitted;

  /** @throws OptionError for an unknown or invalid option. */
  constructor(options: NmfOptions = {}) {
    this.options = Object.freeze(resolveNmfOptions(options));
  }

  /**
   * Fits the model: `steps` SVI steps on minibatches drawn from `source` with the
   * seeded generator, then sorts the patterns (§2.3). Starts afresh unless `resume`.
   * paisley2018 draws round(1 + 3(T−1)) spectrograms without replacement per step;
   * specufex-python draws one index uniformly per step (with replacement across
   * steps, as the package's tutorial does with `np.random.randint`).
   * @param source N spectrograms, each D×M_n.
   * @throws DataError (empty source, 0 columns, negative/NaN/Inf entries), ShapeError (rows ≠ D), OptionError (steps).
   */
  fit(source: SpectrogramSource | readonly Matrix[], run: NmfFitControl = {}): this {
    const where = "BayesianNmf.fit";
    const src = isSpectrogramSource(source) ? source : arraySource(source as readonly Matrix[]);
    const steps = run.steps ?? DEFAULT_STEPS;
    if (!Number.isInteger(steps) || steps < 0) throw new OptionError(`${where}: steps must be an integer ≥ 0, got ${String(steps)}`, { field: "steps" });
    const N = src.count;
    if (!(N > 0)) throw new DataError(`${where}: the source holds no spectrograms (expected at least 1)`);
    const id = (i: number): string | undefined => (src.id ? src.id(i) : undefined);
    const cols = new Int32Array(N);
    let totalCols = 0;
    for (let i = 0; i < N; i++) {
      const c = src.columns(i);
      if (!(c > 0)) throw new DataError(`${where}: ${describeSpectrogram(i, id(i))} has 0 columns (expected at least 1 time step)`, { event: id(i) ?? i });
      cols[i] = c;
      totalCols += c;
    }
    const resume = run.resume === true && this.#parts !== undefined;
    // In-memory spectrograms are checked up front; a streaming source's when first drawn.
    const isArray = !isSpectrogramSource(source);
    if (isArray) for (let i = 0; i < N; i++) checkSpectrogram(where, src.get(i), resume ? this.#parts!.D : src.rows, i, id(i));
    if (resume) {
      if (src.rows !== this.#parts!.D) throw new ShapeError(`${where}: the source has ${src.rows} rows, the model ${this.#parts!.D} (the model's frequency bins D)`);
      if (!this.#rng) this.#rng = new Rng(this.options.seed);
    } else {
      const { schedule } = this.options;
      const nEff = this.options.nEff ?? (schedule === "paisley2018" ? totalCols : N);
      const nEffInit = this.options.nEffInit ?? (schedule === "paisley2018" ? nEff : N);
      this.#rng = new Rng(this.options.seed);
      this.#initialize(src.rows, [N, src.rows, cols[0]!], nEff, nEffInit, where);
    }
    const parts = this.#parts!;
    const rng = this.#rng!;
    const { schedule, tolerance, patience } = this.options;
    // Largest minibatch: the round(1 + 3(T−1)) ≤ 4 widest spectrograms (paisley2018), or the widest one.
    const sorted = Array.from(cols).sort((a, b) => b - a);
    const maxBatch = schedule === "paisley2018" ? Math.min(N, nmfBatchSize(schedule, nmfTemperature(Math.min(parts.tau, 1)), N)) : 1;
    let capacity = 0;
    for (let i = 0; i < maxBatch; i++) capacity += sorted[i]!;
    const stepper = this.#stepperFor(capacity);
    stepper.executor = run.executor;
    const checked = new Uint8Array(N).fill(isArray ? 1 : 0);
    const lnGammaSums = new Float64Array(N).fill(NaN);
    const measures = run.onProgress !== undefined || tolerance !== undefined;
    const t0 = performance.now();
    let below = 0;
    let stopped = false;
    try {
      while (parts.step < steps) {
        if (run.shouldStop?.(parts.step)) {
          stopped = true;
          break;
        }
        const tau = parts.tau;
        const T = nmfTemperature(tau);
        const rho = nmfRho(T, tau);
        const batch = schedule === "paisley2018" ? rng.sampleWithoutReplacement(N, nmfBatchSize(schedule, T, N)) : Int32Array.of(rng.integer(N));
        let Mb = 0;
        let lnGammaSum = 0;
        for (let j = 0; j < batch.length; j++) {
          const i = batch[j]!;
          const x = src.get(i);
          if (!checked[i]) {
            checkSpectrogram(where, x, parts.D, i, id(i));
            if (x.shape[1] !== cols[i]) throw new ShapeError(`${where}: ${describeSpectrogram(i, id(i))} has ${x.shape[1]} columns, but the source announced ${cols[i]}`, { event: id(i) ?? i });
            checked[i] = 1;
          }
          if (measures) {
            if (Number.isNaN(lnGammaSums[i]!)) lnGammaSums[i] = lnGammaSumOf(x.data);
            lnGammaSum += lnGammaSums[i]!;
          }
          copyColumns(x, stepper.X, Mb, stepper.capacity);
          Mb += x.shape[1];
        }
        packColumns(stepper.X, parts.D, stepper.capacity, Mb);
        const result = this.#step(stepper, Mb, T, rho, measures, lnGammaSum, where);
        if (run.onProgress) {
          const info: NmfProgress = {
            step: parts.step,
            steps,
            patternsLeft: result.K,
            temperature: T,
            rho,
            elapsedMs: performance.now() - t0,
            dictionaryChange: result.dictionaryChange,
            logLikelihood: result.logLikelihood,
            batch: Array.from(batch),
          };
          run.onProgress(info);
        }
        if (tolerance !== undefined) {
          below = result.dictionaryChange < tolerance ? below + 1 : 0;
          if (below >= patience) break;
        }
      }
    } finally {
      stepper.executor = undefined;
    }
    if (!stopped) this.sortPatterns();
    return this;
  }

  /**
   * One SVI step on the given spectrograms (paisley2018: their columns side by side;
   * specufex-python: one step per spectrogram, as one call of the package's `fit`),
   * at the schedule's current τ. Does not sort the patterns (see `sortPatterns`).
   * Before any `fit`, option `nEff` is required (the data set's size is unknown here).
   * @throws DataError, ShapeError for bad spectrograms; OptionError without nEff.
   */
  partialFit(batch: readonly Matrix[]): this {
    const where = "BayesianNmf.partialFit";
    if (!Array.isArray(batch) || batch.length === 0) throw new DataError(`${where}: the batch holds no spectrograms (expected at least 1)`);
    const D0 = this.#parts?.D ?? batch[0]?.shape?.[0];
    for (let i = 0; i < batch.length; i++) checkSpectrogram(where, batch[i]!, D0, i);
    if (!this.#parts) {
      const { nEff } = this.options;
      if (nEff === undefined) throw new OptionError(`${where}: option "nEff" is required before the first step (partialFit does not know the data set's size)`, { field: "nEff" });
      this.#rng = new Rng(this.options.seed);
      this.#initialize(D0!, [0, D0!, batch[0]!.shape[1]], nEff, this.options.nEffInit ?? nEff, where);
    }
    const parts = this.#parts!;
    const groups = this.options.schedule === "paisley2018" ? [batch] : batch.map((x) => [x]);
    for (const group of groups) {
      let Mb = 0;
      for (const x of group) Mb += x.shape[1];
      const stepper = this.#stepperFor(Mb);
      let offset = 0;
      for (const x of group) {
        copyColumns(x, stepper.X, offset, stepper.capacity);
        offset += x.shape[1];
      }
      packColumns(stepper.X, parts.D, stepper.capacity, Mb);
      const T = nmfTemperature(parts.tau);
      this.#step(stepper, Mb, T, nmfRho(T, parts.tau), false, NaN, where);
    }
    return this;
  }

  /**
   * Sorts the patterns by the frequency index of each column's maximum of EW
   * (ascending, stable; ALGORITHM.md §2.3). `fit` calls it at its end.
   * @throws NotFittedError before any step.
   */
  sortPatterns(): this {
    const parts = this.#requireParts();
    const { D, K, W1, W2, A1, A2 } = parts;
    const argmax = new Int32Array(K);
    for (let k = 0; k < K; k++) {
      let best = -Infinity;
      for (let d = 0; d < D; d++) {
        const v = W1[d * K + k]! / W2[d * K + k]!;
        if (v > best) {
          best = v;
          argmax[k] = d;
        }
      }
    }
    const order = Array.from({ length: K }, (_, k) => k).sort((a, b) => argmax[a]! - argmax[b]! || a - b);
    const permute = (a: Float64Array, rows: number): void => {
      const copy = a.slice(0, rows * K);
      for (let r = 0; r < rows; r++) for (let j = 0; j < K; j++) a[r * K + j] = copy[r * K + order[j]!]!;
    };
    permute(W1, D);
    permute(W2, D);
    permute(A1, 1);
    permute(A2, 1);
    parts.isSorted = true;
    this.#invalidate();
    return this;
  }

  /**
   * The activation matrix V (K×M) of one spectrogram X (D×M) (ALGORITHM.md §2.4).
   * @throws NotFittedError before fitting; ShapeError/DataError for a bad X.
   */
  transform(x: Matrix): Matrix {
    const parts = this.#requireParts();
    checkSpectrogram("BayesianNmf.transform", x, parts.D, 0);
    const M = x.shape[1];
    const out = new Float64Array(parts.K * M);
    this.transformer(M).transformInto(x.data, M, out);
    return { data: out, shape: [parts.K, M] };
  }

  /** A transformer (cached) for spectrograms of up to `capacity` columns; used by `transform` and workers. */
  transformer(capacity: number): NmfTransformer {
    const parts = this.#requireParts();
    if (!this.#transformer || this.#transformer.capacity < capacity) {
      const cap = Math.max(capacity, this.#transformer?.capacity ?? 0);
      this.#transformer = new NmfTransformer(this.#getKernels(), {
        D: parts.D, K: parts.K, W1: parts.W1, W2: parts.W2, A1: parts.A1, A2: parts.A2,
        h02: parts.hyper.h02, h0: h0Of(parts), convention: parts.transformConvention,
      }, cap);
    }
    return this.#transformer;
  }

  /** The learned model (copies). @throws NotFittedError before fitting. */
  get fitted(): NmfFitted {
    const parts = this.#requireParts();
    this.#fitted ??= buildFitted(parts, this.options.schedule, h0Of(parts));
    return this.#fitted;
  }

  /** True once a step was taken or a model was loaded. */
  get isFitted(): boolean {
    return this.#parts !== undefined;
  }

  /** Everything needed to rebuild or resume this model (pure; copies). @throws NotFittedError before fitting. */
  getState(): NmfState {
    const parts = this.#requireParts();
    return stateOf(this.options, parts, this.#rng?.getState() ?? null, this.fitted);
  }

  /** A model from a state of `getState()` (resumable with `fit(source, { resume: true })`). @throws OptionError, ShapeError for a malformed state. */
  /**
   * Saves the model in the Python package's HDF5 layout (FORMATS.md §3) plus our state, atomically.
   * Node only (the persistence module is loaded on demand, so browser bundles never pull in node:fs).
   * @example await model.save("models/nmf.h5");
   */
  async save(path: string): Promise<void> {
    const { saveNmf } = await import("../persist.node.js");
    await saveNmf(path, this);
  }

  /**
   * Loads a model file written by `save` (resumable state) or by the Python package (its conventions).
   * @throws FormatError naming the file and a missing field.
   */
  static async load(path: string): Promise<BayesianNmf> {
    const { loadNmf } = await import("../persist.node.js");
    return loadNmf(path);
  }

  static fromState(state: NmfState): BayesianNmf {
    const { options, parts, rngState } = stateParts(state);
    const nmf = new BayesianNmf(options);
    nmf.#parts = parts;
    if (rngState) nmf.#rng = Rng.fromState(rngState);
    return nmf;
  }

  /**
   * A fitted model from given matrices (e.g. read from a Python-written file, or
   * to test transforms). Without a schedule attribute the Python conventions
   * apply when `schedule: "specufex-python"` is given: transforms use h0 = h01.
   * @throws ShapeError for inconsistent shapes.
   */
  static fromMatrices(m: NmfFromMatrices): BayesianNmf {
    const { options, parts } = fromMatricesParts(m);
    const nmf = new BayesianNmf(options);
    nmf.#parts = parts;
    return nmf;
  }

  // ---- internals ----

  #requireParts(): NmfParts {
    if (!this.#parts) throw new NotFittedError("BayesianNmf");
    return this.#parts;
  }

  #getKernels(): Kernels {
    this.#kernels ??= getKernels(this.options.backend);
    return this.#kernels;
  }

  #stepperFor(capacity: number): NmfStepper {
    const parts = this.#parts!;
    if (!this.#stepper || this.#stepper.capacity < capacity || this.#stepper.D !== parts.D || this.#stepper.K0 !== parts.K0) {
      this.#stepper = new NmfStepper(this.#getKernels(), parts.D, parts.K0, Math.max(capacity, this.#stepper?.capacity ?? 0));
    }
    return this.#stepper;
  }

  #invalidate(): void {
    this.#fitted = undefined;
    this.#transformer = undefined;
  }

  #step(stepper: NmfStepper, Mb: number, T: number, rho: number, measures: boolean, lnGammaSum: number, where: string) {
    const parts = this.#parts!;
    const result = stepper.step(parts, parts.hyper, Mb, T, rho, parts.nEff, measures, lnGammaSum);
    parts.step += 1;
    parts.tau += 1;
    parts.isSorted = false;
    this.#invalidate();
    if (result.K === 0) throw new DataError(`${where}: every pattern was pruned at step ${parts.step} (A1/A2 < 1e-3 for all; are the spectrograms all zero?)`);
    return result;
  }

  /** Hyper-parameters and initial values (§2): W1 = c·100·G, W2 = c·100, A1 = A2 = c·10, c = nEffInit/1000. */
  #initialize(D: number, inputDims: [number, number, number], nEff: number, nEffInit: number, where: string): void {
    const K0 = this.options.numPatterns;
    const { schedule } = this.options;
    const G = this.options.init?.G;
    if (G && (G.shape[0] !== D || G.shape[1] !== K0)) {
      throw new ShapeError(`${where}: init.G is ${G.shape[0]}×${G.shape[1]}, expected ${D}×${K0} (D frequency bins × numPatterns)`, { field: "init" });
    }
    const n = D * K0;
    const W1 = new Float64Array(n);
    const W2 = new Float64Array(n);
    const A1 = new Float64Array(K0);
    const A2 = new Float64Array(K0);
    const c100 = (nEffInit / 1000) * 100;
    const c10 = (nEffInit / 1000) * 10;
    const rng = this.#rng!;
    for (let i = 0; i < n; i++) {
      let g: number;
      if (G) {
        g = G.data[i]!;
        if (!(g > 0 && g < Infinity)) throw new DataError(`${where}: init.G entry ${i} is ${g} (expected a finite value > 0)`, { field: "init" });
      } else {
        // §4: paisley2018 Gamma(10, scale 1/10); specufex-python Gamma(10, 1) + 0.1 (SciPy's loc slip).
        g = schedule === "paisley2018" ? rng.gamma(10, 1 / 10) : rng.gamma(10, 1) + 0.1;
      }
      W1[i] = c100 * g;
      W2[i] = c100;
    }
    A1.fill(c10);
    A2.fill(c10);
    const hyper: NmfHyper = { h01: 1 / K0, h02: 1, w01: 10 / D, w02: 1, a01: 1 / K0, a02: 1 };
    const params: NmfParams = { D, K0, K: K0, W1, W2, A1, A2 };
    this.#parts = Object.assign(params, {
      hyper, nEff, nEffInit, inputDims, step: 0, tau: nmfInitialTau(schedule), isSorted: false,
      transformConvention: schedule as NmfTransformConvention,
    });
    this.#stepper = undefined;
    this.#invalidate();
  }
}

/** h0 of §2.4: 1/K (paisley2018) or h01 (specufex-python, the package's stored h01 = 1/K0). */
function h0Of(parts: NmfParts): number {
  return parts.transformConvention === "specufex-python" ? parts.hyper.h01 : 1 / parts.K;
}

/** Copies x (D×M) into columns [offset, offset+M) of a D×stride buffer. */
function copyColumns(x: Matrix, buf: Float64Array, offset: number, stride: number): void {
  const [D, M] = x.shape;
  const a = x.data;
  for (let d = 0; d < D; d++) buf.set(a.subarray(d * M, (d + 1) * M), d * stride + offset);
}

/** Repacks a D×stride buffer whose first Mb columns are used into a dense D×Mb one, in place. */
function packColumns(buf: Float64Array, D: number, stride: number, Mb: number): void {
  if (stride === Mb) return;
  for (let d = 1; d < D; d++) buf.copyWithin(d * Mb, d * stride, d * stride + Mb);
}
