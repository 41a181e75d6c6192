// The run configuration: one zod schema is the single source of keys, defaults, types and the
// commented template of `specufex init` (STYLE.md §9). Unknown keys are errors naming their path.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { parse as parseYaml, parseDocument } from "yaml";
import { OptionError } from "../core/errors.js";

const positiveInt = () => z.number().int().min(1);
const nullable = <T extends z.ZodType>(t: T) => t.nullable();

export const STAGES = ["ingest", "spectrograms", "nmf-fit", "nmf-transform", "hmm-fit", "hmm-transform", "cluster", "report"] as const;
export type StageName = (typeof STAGES)[number];

const dataSchema = z
  .object({
    waveforms: nullable(z.string()).default(null).describe("HDF5 waveform set (tutorial or specufex_processing layout); relative paths are relative to this file"),
    files: z.array(z.string()).default([]).describe("waveform files (miniSEED 2/3, SAC) or folders holding them; used with catalog"),
    catalog: nullable(z.string()).default(null).describe("catalogue: CSV (event_ID, otime, lat, lon, depth, mag …), QuakeML, FDSN text or hypoDD phase file"),
    station: nullable(z.string()).default(null).describe('station as NET.STA.LOC.CHA (e.g. "IV.T1214..EHZ"); null = the only one in the files'),
    stationCoordinates: nullable(
      z.object({ latitude: z.number().min(-90).max(90).describe("degrees north"), longitude: z.number().min(-180).max(180).describe("degrees east"), elevationM: z.number().default(0).describe("metres above sea level") }).strict(),
    )
      .default(null)
      .describe("station location for maps, e.g. {latitude: 42.63, longitude: 13.29}"),
    reference: z.enum(["origin", "pick"]).default("origin").describe("cut the window around the origin time or the P pick"),
    before: z.number().min(0).default(3).describe("seconds before the reference time"),
    after: z.number().gt(0).default(17).describe("seconds after the reference time"),
    onBadWindow: z.enum(["reject", "pad-zero"]).default("reject").describe("a window that runs off the data or has gaps: reject the event (listed in rejected.csv) or pad with zeros"),
    units: nullable(z.string()).default(null).describe('units of the waveforms as read, e.g. "m/s" or "counts" (axis labels); null = as recorded; set by preprocessing.response when the response is removed'),
    // The keys of `specufex fetch` (its flags), so one config serves `fetch` and `run`; `run` itself reads
    // the waveform set that fetch wrote (data.waveforms).
    start: nullable(z.union([z.string(), z.date()])).default(null).describe("specufex fetch: events from this time (ISO 8601, UTC)"),
    end: nullable(z.union([z.string(), z.date()])).default(null).describe("specufex fetch: events until this time (ISO 8601, UTC)"),
    box: nullable(z.union([z.array(z.number()).length(4), z.string()])).default(null).describe("specufex fetch: events inside [S, N, W, E] (degrees)"),
    radius: nullable(z.union([z.array(z.number()).length(3), z.string()])).default(null).describe("specufex fetch: events within [lat, lon, km] of a point"),
    minMag: nullable(z.number()).default(null).describe("specufex fetch: smallest magnitude"),
    maxMag: nullable(z.number()).default(null).describe("specufex fetch: largest magnitude"),
    minDepth: nullable(z.number()).default(null).describe("specufex fetch: shallowest depth, km"),
    maxDepth: nullable(z.number()).default(null).describe("specufex fetch: deepest depth, km"),
    pad: nullable(z.number().min(0)).default(null).describe("specufex fetch: extra seconds requested on each side of the window (for tapering)"),
    output: nullable(z.enum(["displacement", "velocity", "acceleration", "counts"])).default(null).describe("specufex fetch: ground motion after response removal (counts = none)"),
    provider: nullable(z.string()).default(null).describe("specufex fetch: data centre name (e.g. INGV, EARTHSCOPE)"),
    baseUrl: nullable(z.string()).default(null).describe("specufex fetch: data centre base URL (instead of provider)"),
    eventProvider: nullable(z.string()).default(null).describe("specufex fetch: event service name (default: the data centre's own)"),
    eventBaseUrl: nullable(z.string()).default(null).describe("specufex fetch: event service base URL"),
  })
  .strict();

const preprocessingSchema = z
  .object({
    demean: z.boolean().default(true).describe("subtract the mean"),
    detrend: z.boolean().default(true).describe("remove a linear trend"),
    taper: z.number().min(0).max(0.5).default(0.05).describe("Hann taper fraction per side (ObsPy style); 0 = none"),
    bandpass: nullable(
      z
        .object({
          fmin: z.number().gt(0).describe("Hz"),
          fmax: z.number().gt(0).describe("Hz"),
          corners: positiveInt().default(4).describe("Butterworth order"),
          zeroPhase: z.boolean().default(false).describe("forward–backward (SciPy sosfiltfilt) instead of causal"),
        })
        .strict(),
    )
      .default(null)
      .describe("Butterworth band-pass; null = none"),
    response: nullable(
      z
        .object({
          file: z.string().describe("StationXML or SAC pole-zero file with the channel's response; relative paths are relative to this file"),
          output: z.enum(["displacement", "velocity", "acceleration"]).default("velocity").describe("ground motion out: m, m/s or m/s²"),
          waterLevelDb: nullable(z.number().gt(0)).default(60).describe("water level, dB below the response maximum (ObsPy); null = plain inversion"),
          preFilterHz: nullable(z.tuple([z.number().min(0), z.number().gt(0), z.number().gt(0), z.number().gt(0)])).default(null).describe("cosine pre-filter [f1, f2, f3, f4] Hz (SAC freqlimits); null = none"),
        })
        .strict(),
    )
      .default(null)
      .describe("remove the instrument response first (ObsPy remove_response: demean, 5 % cosine taper inside the window, water level); null = keep the recorded units"),
    decimate: nullable(z.number().int().min(2)).default(null).describe("after filtering, keep every q-th sample behind SciPy's decimate anti-alias filter (Chebyshev I order 8, zero phase); spectrogram samples count at the new rate; null = none"),
    normalizeWaveforms: z.boolean().default(false).describe("divide each waveform by its maximum absolute value (does not change the dB result)"),
  })
  .strict();

const spectrogramSchema = z
  .object({
    nperseg: nullable(positiveInt()).default(64).describe("window length in samples (or give windowSeconds)"),
    noverlap: nullable(z.number().int().min(0)).default(16).describe("overlap in samples (or give overlapFraction)"),
    windowSeconds: nullable(z.number().gt(0)).default(null).describe("window length in seconds: nperseg = floor(windowSeconds·fs)"),
    overlapFraction: nullable(z.number().min(0).lt(1)).default(null).describe("noverlap = floor(nperseg·overlapFraction)"),
    nfft: nullable(positiveInt()).default(512).describe("FFT length (any length); null = nperseg"),
    window: z.enum(["tukey", "hann"]).default("tukey").describe("periodic Tukey (α = tukeyAlpha) or Hann window"),
    tukeyAlpha: z.number().min(0).max(1).default(0.25).describe("Tukey shape parameter"),
    scaling: z.enum(["spectrum", "density"]).default("spectrum").describe("SciPy scaling"),
    mode: z.enum(["magnitude", "psd"]).default("magnitude").describe("SciPy mode"),
    fmin: z.number().min(0).default(5).describe("lowest frequency kept, Hz (inclusive)"),
    fmax: z.number().gt(0).default(20).describe("highest frequency kept, Hz (inclusive)"),
    pool: positiveInt().default(1).describe("> 1: hop-1 STFT, mean of linear magnitudes over blocks of this many columns (workflow variant)"),
  })
  .strict();

const scheduleSchema = z.enum(["paisley2018", "specufex-python"]);

const nmfSchema = z
  .object({
    numPatterns: positiveInt().default(75).describe("initial number of patterns K0 (pruned during the fit)"),
    steps: positiveInt().default(1000).describe("SVI steps"),
    schedule: scheduleSchema.default("paisley2018").describe("paisley2018 (published algorithm) or specufex-python (the package's schedule)"),
    seed: z.number().int().default(42).describe("random seed (initial dictionary, minibatches)"),
    nEff: nullable(z.number().gt(0)).default(null).describe("effective data size N_eff; null = what the schedule says"),
    tolerance: nullable(z.number().gt(0)).default(null).describe("stop early when the dictionary's relative change stays below this …"),
    patience: positiveInt().default(20).describe("… for this many steps (only with tolerance)"),
  })
  .strict();

const hmmSchema = z
  .object({
    numStates: positiveInt().default(15).describe("number of hidden states S (fingerprints are S×S)"),
    steps: positiveInt().default(1000).describe("SVI steps"),
    schedule: scheduleSchema.default("paisley2018").describe("paisley2018 or specufex-python"),
    seed: z.number().int().default(42).describe("random seed"),
    nEff: nullable(z.number().gt(0)).default(null).describe("Neff; null = what the schedule says (paisley2018: N sequences)"),
    tolerance: nullable(z.number().gt(0)).default(null).describe("stop early when EB's relative change stays below this …"),
    patience: positiveInt().default(20).describe("… for this many steps (only with tolerance)"),
  })
  .strict();

const consensusMethodSchema = z.enum(["vote", "coassociation"]);

const clusterSchema = z
  .object({
    method: z.enum(["kmeans", "ward", "single", "complete", "average", "dbscan", "gmm"]).default("kmeans").describe("clustering method"),
    k: nullable(positiveInt()).default(null).describe("number of clusters; null = choose over kRange"),
    kRange: z.tuple([z.number().int().min(2), z.number().int().min(2)]).default([2, 10]).describe("K range for the choice (mean silhouette; BIC for gmm)"),
    nInit: positiveInt().default(10).describe("k-means restarts"),
    maxIter: positiveInt().default(500).describe("k-means iterations"),
    scaler: z.enum(["none", "standard", "minmax", "robust"]).default("none").describe("feature scaling before clustering"),
    pcaPve: nullable(z.number().gt(0).lt(1)).default(null).describe("PCA keeping this cumulative variance fraction; null = no PCA"),
    seed: z.number().int().default(42).describe("random seed"),
    eps: z.number().gt(0).default(0.5).describe("DBSCAN neighbourhood radius"),
    minSamples: positiveInt().default(5).describe("DBSCAN core-point neighbours"),
    covariance: z.enum(["full", "diag"]).default("full").describe("Gaussian-mixture covariance"),
    alternatives: z.array(z.enum(["kmeans", "ward", "single", "complete", "average", "gmm"])).default(["ward"]).describe("further methods run at the chosen K, compared in the report"),
    consensus: nullable(
      z
        .object({
          seeds: z.number().int().min(2).describe("runs (NMF fit → HMM → clustering) with seeds +0 … +N−1 that vote"),
          method: consensusMethodSchema.default("vote").describe("vote (majority of the aligned runs) or coassociation (average linkage, up to stability.maxCoassociationEvents)"),
        })
        .strict(),
    )
      .default(null)
      .describe("consensus labels of several seeds as the pipeline's answer, e.g. {seeds: 5}; null = one run"),
  })
  .strict();

const stabilitySchema = z
  .object({
    seeds: z.number().int().min(2).default(5).describe("runs of the seed-dependent stages; run i adds i to nmf.seed, hmm.seed and cluster.seed"),
    bootstrap: z.number().int().min(0).default(10).describe("bootstrap resamples per K for the stability curve over cluster.kRange; 0 = none"),
    consensus: consensusMethodSchema.default("vote").describe("vote (majority of the aligned runs) or coassociation (average linkage of the co-association matrix)"),
    maxCoassociationEvents: positiveInt().default(3000).describe("coassociation falls back to the vote above this many events (the matrix holds N²/2 numbers)"),
  })
  .strict();

const reportSchema = z
  .object({
    enabled: z.boolean().default(true).describe("write report/index.html and figures"),
    examplesPerCluster: positiveInt().default(5).describe("best-scoring events shown per cluster"),
  })
  .strict();

export const configSchema = z
  .object({
    output: z.string().default("specufex-run").describe("run directory (relative to this file)"),
    threads: nullable(positiveInt()).default(null).describe("worker threads; null = all cores"),
    data: dataSchema.default(dataSchema.parse({})).describe("where the waveforms and the catalogue come from"),
    preprocessing: preprocessingSchema.default(preprocessingSchema.parse({})).describe("waveform preprocessing (the Amatrice makeH5 notebook)"),
    spectrogram: spectrogramSchema.default(spectrogramSchema.parse({})).describe("STFT and normalisation (ALGORITHM.md §1)"),
    nmf: nmfSchema.default(nmfSchema.parse({})).describe("Bayesian nonparametric NMF (ALGORITHM.md §2)"),
    hmm: hmmSchema.default(hmmSchema.parse({})).describe("Bayesian HMM and fingerprints (ALGORITHM.md §3)"),
    cluster: clusterSchema.default(clusterSchema.parse({})).describe("clustering of the fingerprints (ALGORITHM.md §6)"),
    report: reportSchema.default(reportSchema.parse({})).describe("the interactive report"),
    stability: stabilitySchema.default(stabilitySchema.parse({})).describe("`specufex stability`: agreement of runs with different seeds"),
  })
  .strict();

export type SpecufexConfig = z.infer<typeof configSchema>;

/** Validates a parsed config object; errors name the key path, what was expected and what was found. */
export function parseConfig(raw: unknown, source = "config"): SpecufexConfig {
  const r = configSchema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") return `${source}: ${[path, ...[]].filter(Boolean).join(".")}${path ? "." : ""}${(issue as { keys: string[] }).keys.join(", ")} is not a known key`;
    const found = valueAt(raw, issue.path as (string | number)[]);
    return `${source}: ${path || "(top level)"}: ${issue.message.replace(/^Invalid input: /, "")}, got ${JSON.stringify(found)}`;
  });
  throw new OptionError(lines.join("\n"), { file: source, field: r.error.issues[0]?.path.join(".") ?? "" });
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = raw;
  for (const p of path) v = typeof v === "object" && v !== null ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

/** Reads and validates a YAML config file (our schema, or a SpecUFEx_workflow config, mapped). */
export function loadConfigFile(path: string): { config: SpecufexConfig; mapping?: WorkflowMapping } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new OptionError(`${path}: cannot read the config (${(err as Error).message})`, { file: path, cause: err });
  }
  const doc = parseDocument(text);
  if (doc.errors.length) throw new OptionError(`${path}: invalid YAML: ${doc.errors[0]!.message}`, { file: path });
  const raw = parseYaml(text) as unknown;
  if (isWorkflowConfig(raw)) {
    const mapping = mapWorkflowConfig(raw);
    return { config: parseConfig(mapping.config, path), mapping };
  }
  return { config: parseConfig(raw, path) };
}

/** What was taken from a SpecUFEx_workflow config and what was ignored. */
export interface WorkflowMapping {
  readonly config: Record<string, unknown>;
  readonly mapped: string[];
  readonly ignored: string[];
}

export function isWorkflowConfig(raw: unknown): raw is Record<string, Record<string, unknown>> {
  return typeof raw === "object" && raw !== null && ("sgramParams" in raw || "specufexParams" in raw || "clusterParams" in raw);
}

/**
 * Maps the SpecUFEx_workflow YAML (sections paths, sgramParams, specufexParams, clusterParams) onto our
 * config: winLen_Sec/fracOverlap → windowSeconds/overlapFraction (ALGORITHM.md §1), nmf_nbatch → steps
 * with the specufex-python schedule (one spectrogram per fit call), and so on.
 */
export function mapWorkflowConfig(raw: Record<string, Record<string, unknown>>): WorkflowMapping {
  const mapped: string[] = [];
  const ignored: string[] = [];
  const cfg: Record<string, Record<string, unknown>> = { spectrogram: {}, nmf: {}, hmm: {}, cluster: {}, report: {} };
  const take = (section: string, key: string, target: string, field: string, convert: (v: unknown) => unknown = (v) => v): void => {
    const v = raw[section]?.[key];
    if (v === undefined) return;
    cfg[target]![field] = convert(v);
    mapped.push(`${section}.${key} → ${target}.${field}`);
  };
  const known = new Set<string>();
  const rule = (section: string, key: string, target: string, field: string, convert?: (v: unknown) => unknown): void => {
    known.add(`${section}.${key}`);
    take(section, key, target, field, convert);
  };
  known.add("paths.projectPath");
  const projectPath = raw.paths?.projectPath;
  rule("sgramParams", "fmin", "spectrogram", "fmin");
  rule("sgramParams", "fmax", "spectrogram", "fmax");
  rule("sgramParams", "winLen_Sec", "spectrogram", "windowSeconds");
  rule("sgramParams", "fracOverlap", "spectrogram", "overlapFraction");
  rule("sgramParams", "nfft", "spectrogram", "nfft");
  rule("sgramParams", "decimation_factor", "spectrogram", "pool");
  if ("windowSeconds" in cfg.spectrogram!) cfg.spectrogram!.nperseg = null;
  if ("overlapFraction" in cfg.spectrogram!) cfg.spectrogram!.noverlap = null;
  rule("specufexParams", "N_patterns_NMF", "nmf", "numPatterns");
  rule("specufexParams", "nmf_nbatch", "nmf", "steps");
  rule("specufexParams", "N_states_HMM", "hmm", "numStates");
  rule("specufexParams", "hmm_nbatch", "hmm", "steps");
  if (raw.specufexParams) {
    cfg.nmf!.schedule = "specufex-python";
    cfg.hmm!.schedule = "specufex-python";
  }
  rule("clusterParams", "PVE", "cluster", "pcaPve");
  rule("clusterParams", "method", "cluster", "method", (v) => (v === "hierarchical" ? "ward" : v));
  known.add("clusterParams.minK");
  known.add("clusterParams.maxK");
  const minK = raw.clusterParams?.minK, maxK = raw.clusterParams?.maxK;
  if (typeof minK === "number" && typeof maxK === "number") {
    cfg.cluster!.kRange = [Math.max(2, minK), maxK];
    mapped.push("clusterParams.minK, maxK → cluster.kRange");
  }
  rule("clusterParams", "numEx", "report", "examplesPerCluster");
  rule("clusterParams", "standardScaler", "cluster", "scaler", (v) => ({ None: "none", MinMax: "minmax", StandardScaler: "standard" })[String(v)] ?? v);
  if (raw.clusterParams?.clusterOn === "fingerprints" && "pcaPve" in cfg.cluster!) {
    delete cfg.cluster!.pcaPve;
    mapped.splice(mapped.indexOf("clusterParams.PVE → cluster.pcaPve"), 1);
    ignored.push("clusterParams.PVE (clusterOn is fingerprints)");
  }
  known.add("clusterParams.clusterOn");
  if (raw.clusterParams?.clusterOn !== undefined) mapped.push("clusterParams.clusterOn → cluster.pcaPve (PCA only when PCA)");
  const config: Record<string, unknown> = { ...cfg };
  known.add("paths.waveformPath");
  const waveformPath = raw.paths?.waveformPath;
  if (typeof waveformPath === "string") {
    // A folder of one-event waveform files: ours too, but it needs a catalogue (data.catalog) to cut windows.
    config.data = { files: [waveformPath] };
    mapped.push("paths.waveformPath → data.files");
  }
  if (typeof projectPath === "string") {
    config.output = projectPath;
    mapped.push("paths.projectPath → output");
  }
  for (const [section, values] of Object.entries(raw)) {
    if (typeof values !== "object" || values === null) {
      ignored.push(section);
      continue;
    }
    for (const key of Object.keys(values)) if (!known.has(`${section}.${key}`)) ignored.push(`${section}.${key}`);
  }
  return { config, mapped, ignored };
}
