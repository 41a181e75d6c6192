// Reads a run directory (docs/RUN-DIRECTORY.md) into a ReportData: the store (events, results,
// spectrograms, activations, states, fingerprints, waveforms), the models, models/cluster.json and the
// fit progress records. Only the chosen events' matrices are read.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { FormatError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { H5File } from "../io/hdf5/index.js";
import { ProjectStore } from "../pipeline/store.js";
import type {
  AlternativeClustering, EmbeddedEvent, HmmProgressRecord, NmfProgressRecord, ReportData, ReportLinkage,
  ReportStation, ReportWaveform, SweepPoint,
} from "./data.js";
import { PackedEventsBuilder } from "./packed.js";
import { rawSpectrogramDb } from "./raw-spectrogram.js";
import { reportStability, type StabilityJson } from "./figures/stability.js";
import { principalScores2 } from "./stats.js";

export interface LoadReportOptions {
  /** Best events (highest silhouette) per cluster embedded as examples (default 4). */
  readonly examplesPerCluster?: number;
  /** Further events (event_ID) to embed for figure 10. */
  readonly extraEvents?: readonly string[];
  readonly title?: string;
}

/** The parts of models/cluster.json the report reads. */
interface ClusterModelJson {
  method?: string;
  k?: number;
  /** x' = (x − offset)·factor (the cluster stage), or x' = (x − mean)/scale. */
  scaler?: { kind?: string; offset?: number[]; factor?: number[]; mean?: number[]; scale?: number[] } | null;
  pca?: { mean?: number[]; components?: number[][]; explainedVarianceRatio?: number[] } | null;
  sweep?: { k: number; meanSilhouette?: number; sse?: number }[] | null;
  linkage?: { method?: string; Z?: number[][] } | null;
  alternatives?: { name: string; labels: number[] }[];
  /** The clustered events, in the order of `labels`, alternative labels and linkage leaves. */
  eventIds?: string[];
}

async function readJson<T>(path: string): Promise<T | undefined> {
  if (!existsSync(path)) return undefined;
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new FormatError(`${path}: not valid JSON (${(err as Error).message})`, { file: path, cause: err });
  }
}

/** Progress records: a JSON array, `{ records: [...] }`, or one JSON object per line. */
async function readProgress<T>(path: string): Promise<T[]> {
  if (!existsSync(path)) return [];
  const text = (await readFile(path, "utf8")).trim();
  if (!text) return [];
  try {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v)) return v as T[];
    if (v && typeof v === "object" && Array.isArray((v as { records?: unknown }).records)) return (v as { records: T[] }).records;
    return [v as T];
  } catch {
    const out: T[] = [];
    text.split(/\r?\n/).forEach((line, n) => {
      if (!line.trim()) return;
      try {
        out.push(JSON.parse(line) as T);
      } catch (err) {
        throw new FormatError(`${path}: line ${n + 1} is not valid JSON (${(err as Error).message})`, { file: path, record: n + 1, cause: err });
      }
    });
    return out;
  }
}

function numAttr(attrs: Record<string, unknown>, name: string): number | undefined {
  const v = attrs[name];
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Float64Array && v.length === 1) return v[0];
  return undefined;
}

/** A station `{ id?, lat|latitude, lon|longitude }` anywhere (depth ≤ 4) under a `station` key. */
function findStation(value: unknown, depth = 0): ReportStation | undefined {
  if (!value || typeof value !== "object" || depth > 4) return undefined;
  const o = value as Record<string, unknown>;
  const s = o.station;
  if (s && typeof s === "object") {
    const r = s as Record<string, unknown>;
    const lat = Number(r.lat ?? r.latitude);
    const lon = Number(r.lon ?? r.longitude);
    if (Number.isFinite(lat) && Number.isFinite(lon)) {
      const id = r.id ?? r.code ?? r.name ?? [r.network, r.station].filter((x) => typeof x === "string").join(".");
      return { id: String(id || "station"), lat, lon };
    }
  }
  for (const v of Object.values(o)) {
    const found = findStation(v, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Transition matrix from a fingerprint FP_ij = v_i·√A_ij (ALGORITHM.md §3.3): rows of FP², normalised. */
export function transitionsFromFingerprint(fp: Matrix): Matrix {
  const [S] = fp.shape;
  const A = new Float64Array(S * S);
  for (let i = 0; i < S; i++) {
    let sum = 0;
    for (let j = 0; j < S; j++) sum += fp.data[i * S + j]! ** 2;
    for (let j = 0; j < S; j++) A[i * S + j] = sum > 0 ? fp.data[i * S + j]! ** 2 / sum : NaN;
  }
  return { data: A, shape: [S, S] };
}

/** Per-event labels from a list over all events (N) or over the clustered ones (in `used` order). */
function spreadLabels(labels: number[], n: number, used: Int32Array, where: string): Int32Array {
  const out = new Int32Array(n);
  if (labels.length === n) out.set(labels);
  else if (labels.length === used.length) used.forEach((i, j) => { out[i] = labels[j]!; });
  else throw new FormatError(`${where}: ${labels.length} labels, expected ${n} (events) or ${used.length} (clustered events)`, { file: where });
  return out;
}

/**
 * Reads a run directory into a ReportData, embedding the best `examplesPerCluster` events of each cluster
 * (highest silhouette) and the best event overall (the default for figures 1–3 and 10).
 * @throws FormatError when the store or a model file is missing or malformed.
 */
export async function loadReportData(runDir: string, options: LoadReportOptions = {}): Promise<ReportData> {
  const storePath = join(runDir, "specufex.h5");
  if (!existsSync(storePath)) throw new FormatError(`${storePath}: no project store in this run directory (run the pipeline first)`, { file: storePath });
  const store = await ProjectStore.open(storePath, "r");
  try {
    const table = store.readEvents();
    const N = table.eventIds.length;
    const col = (name: string): Float64Array => table.numeric[name] ?? new Float64Array(N).fill(NaN);
    const vec = (name: string, fill: number): Float64Array => (store.hasVector(name) ? store.readVector(name) : new Float64Array(N).fill(fill));
    const cluster = Int32Array.from(vec("cluster", 0));
    const silhouette = vec("silhouette", NaN);
    const status = store.readStatus();
    const used = Int32Array.from(Array.from(status.keys()).filter((i) => status[i] === 0));
    const hasSpec = store.hasStacked("spectrograms");
    const specOffsets = hasSpec ? store.offsets("spectrograms") : new Float64Array(N + 1);
    const hasData = (i: number): boolean => specOffsets[i + 1]! > specOffsets[i]!;

    const modelPath = join(runDir, "models", "cluster.json");
    const model = (await readJson<ClusterModelJson>(modelPath)) ?? {};
    const idIndex = new Map(table.eventIds.map((id, i) => [id, i] as const));
    // The clustered events in the model's order: its eventIds when given, else the usable events.
    let clustered = used;
    if (model.eventIds) {
      clustered = Int32Array.from(model.eventIds, (id) => {
        const i = idIndex.get(id);
        if (i === undefined) throw new FormatError(`${modelPath}: event "${id}" is not in the store's event table`, { file: modelPath, event: id });
        return i;
      });
    }
    let k = model.k ?? 0;
    for (const c of cluster) if (c > k) k = c;

    // Embedded events: per cluster the best by silhouette, the best overall as default, and any extras.
    const per = options.examplesPerCluster ?? 4;
    const examples: Int32Array[] = [];
    let defaultEvent = -1;
    for (let c = 1; c <= k; c++) {
      const members: number[] = [];
      for (let i = 0; i < N; i++) if (cluster[i] === c && hasData(i)) members.push(i);
      members.sort((a, b) => (Number.isNaN(silhouette[b]!) ? -Infinity : silhouette[b]!) - (Number.isNaN(silhouette[a]!) ? -Infinity : silhouette[a]!) || a - b);
      examples.push(Int32Array.from(members.slice(0, per)));
    }
    for (let i = 0; i < N; i++) {
      if (!hasData(i) || cluster[i]! <= 0) continue;
      if (defaultEvent < 0 || silhouette[i]! > silhouette[defaultEvent]!) defaultEvent = i;
    }
    if (defaultEvent < 0) for (let i = 0; i < N && defaultEvent < 0; i++) if (hasData(i)) defaultEvent = i;
    if (defaultEvent < 0) throw new FormatError(`${storePath}: no event has a spectrogram; nothing to report`, { file: storePath });
    const chosen = new Set<number>([defaultEvent]);
    for (const ex of examples) for (const i of ex) chosen.add(i);
    for (const id of options.extraEvents ?? []) {
      const i = idIndex.get(id);
      if (i === undefined) throw new FormatError(`${storePath}: extra event "${id}" is not in the event table`, { file: storePath, event: id });
      if (hasData(i)) chosen.add(i);
    }

    const specAttrs = hasSpec ? store.stackedAttrs("spectrograms") : {};
    const freqAttr = specAttrs.frequencies;
    const frequenciesHz = freqAttr instanceof Float64Array ? freqAttr : Float64Array.of(Number(freqAttr ?? 0));
    const wavAttrs = store.file.has("waveforms") ? store.file.attrs("waveforms") : {};
    const startOffset = numAttr(wavAttrs, "start_offset_s") ?? 0;
    const hasWaves = store.file.has("waveforms/data");
    const waveRate = numAttr(wavAttrs, "sampling_rate");
    // STFT parameters: attributes, or the spectrogram stage's settings (docs/STORE.md).
    let settings: Record<string, unknown> = {};
    if (typeof specAttrs.settings === "string") {
      try {
        settings = JSON.parse(specAttrs.settings) as Record<string, unknown>;
      } catch (err) {
        throw new FormatError(`${storePath}: spectrograms attribute "settings" is not valid JSON`, { file: storePath, field: "spectrograms/settings", cause: err });
      }
    }
    const fs = numAttr(specAttrs, "fs") ?? waveRate;
    const windowSeconds = typeof settings.windowSeconds === "number" ? settings.windowSeconds : undefined;
    const nperseg = numAttr(specAttrs, "nperseg") ?? (typeof settings.nperseg === "number" ? settings.nperseg : windowSeconds && fs ? Math.floor(windowSeconds * fs) : undefined);
    const noverlap = numAttr(specAttrs, "noverlap") ?? (typeof settings.noverlap === "number" ? settings.noverlap : nperseg !== undefined ? Math.floor(nperseg / 2) : undefined);
    // Column times are SciPy's segment centres from the first waveform sample (attribute `times`, or t0/dt);
    // the axes are relative to the reference time (origin or pick), as the waveform's.
    const times = specAttrs.times instanceof Float64Array ? specAttrs.times : undefined;
    const dt = times && times.length > 1 ? times[1]! - times[0]! : numAttr(specAttrs, "dt") ?? (fs && nperseg !== undefined && noverlap !== undefined ? (nperseg - noverlap) / fs : 1);
    const t0 = (times && times.length > 0 ? times[0]! : numAttr(specAttrs, "t0") ?? (fs && nperseg ? nperseg / 2 / fs : 0)) + startOffset;
    const fingerprints = store.file.has("fingerprints") ? store.readTable("fingerprints") : undefined;
    const S = fingerprints ? Math.round(Math.sqrt(fingerprints.shape[1])) : 0;

    const embedded: EmbeddedEvent[] = [...chosen].sort((a, b) => a - b).map((i) => {
      const spectrogram = store.readStacked("spectrograms", i);
      let waveform: ReportWaveform | undefined;
      if (hasWaves && waveRate) {
        waveform = { data: store.file.readRows("waveforms/data", i, i + 1), sampleRateHz: waveRate, startSeconds: startOffset, units: String(wavAttrs.units ?? "") };
      }
      const fp = fingerprints && S > 0 ? { data: fingerprints.data.slice(i * S * S, (i + 1) * S * S), shape: [S, S] as const } : undefined;
      const hasFp = fp !== undefined && fp.data.every(Number.isFinite);
      return {
        index: i,
        spectrogram,
        ...(waveform ? { waveform } : {}),
        ...(waveform && nperseg ? { rawSpectrogram: rawSpectrogramDb(waveform, frequenciesHz, t0, dt, spectrogram.shape[1], nperseg) } : {}),
        ...(store.hasStacked("activations") ? { activations: store.readStacked("activations", i) } : {}),
        ...(store.hasStacked("states") ? { states: store.readStacked("states", i) } : {}),
        ...(hasFp ? { fingerprint: fp, transitions: transitionsFromFingerprint(fp) } : {}),
      };
    });

    // Every other usable event: figure 10's matrices, quantised one event at a time (packed.ts).
    const packedBuilder = new PackedEventsBuilder();
    const hasV = store.hasStacked("activations");
    const hasG = store.hasStacked("states");
    for (let i = 0; i < N; i++) {
      if (!hasData(i) || chosen.has(i)) continue;
      const fp = fingerprints && S > 0 ? { data: fingerprints.data.slice(i * S * S, (i + 1) * S * S), shape: [S, S] as const } : undefined;
      const hasFp = fp !== undefined && fp.data.every(Number.isFinite);
      packedBuilder.add({
        index: i,
        spectrogram: store.readStacked("spectrograms", i),
        ...(hasWaves && waveRate ? { waveform: { data: store.file.readRows("waveforms/data", i, i + 1), sampleRateHz: waveRate, startSeconds: startOffset, units: String(wavAttrs.units ?? "") } } : {}),
        ...(hasV ? { activations: store.readStacked("activations", i) } : {}),
        ...(hasG ? { states: store.readStacked("states", i) } : {}),
        ...(hasFp ? { fingerprint: fp, transitions: transitionsFromFingerprint(fp) } : {}),
      });
    }
    const packed = packedBuilder.finish();

    // Models (Python package layout, FORMATS.md §3).
    let dictionary: Matrix | undefined;
    const nmfPath = join(runDir, "models", "nmf.h5");
    if (existsSync(nmfPath)) {
      const f = await H5File.open(nmfPath, "r");
      try {
        const EW = f.readMatrix("EW");
        const EA = f.readNumbers("EA");
        const [D, K] = EW.shape;
        if (EA.length !== K) throw new FormatError(`${nmfPath}: EA has ${EA.length} values, expected ${K} (columns of EW)`, { file: nmfPath, field: "EA" });
        const W = new Float64Array(D * K);
        for (let d = 0; d < D; d++) for (let q = 0; q < K; q++) W[d * K + q] = EW.data[d * K + q]! * EA[q]!;
        dictionary = { data: W, shape: [D, K] };
      } finally {
        f.close();
      }
    }
    let emissions: Matrix | undefined;
    const hmmPath = join(runDir, "models", "hmm.h5");
    if (existsSync(hmmPath)) {
      const f = await H5File.open(hmmPath, "r");
      try {
        emissions = f.readMatrix("EB");
      } finally {
        f.close();
      }
    }

    const sweep: SweepPoint[] = (model.sweep ?? []).map((p) => ({ k: p.k, meanSilhouette: p.meanSilhouette ?? NaN, sse: p.sse ?? NaN }));
    let linkage: ReportLinkage | undefined;
    if (model.linkage?.Z && model.linkage.Z.length > 0) {
      const Zr = model.linkage.Z;
      const Z = new Float64Array(Zr.length * 4);
      Zr.forEach((row, r) => Z.set(row.slice(0, 4), r * 4));
      const leaves = Zr.length + 1;
      const eventIndices = leaves === clustered.length ? clustered : leaves === N ? undefined : null;
      if (eventIndices === null) throw new FormatError(`${modelPath}: linkage has ${leaves} leaves, expected ${clustered.length} (clustered events) or ${N} (events)`, { file: modelPath, field: "linkage" });
      linkage = { method: model.linkage.method ?? "linkage", Z: { data: Z, shape: [Zr.length, 4] }, ...(eventIndices ? { eventIndices } : {}) };
    }
    const alternatives: AlternativeClustering[] = (model.alternatives ?? []).map((a) => ({ name: a.name, labels: spreadLabels(a.labels, N, clustered, modelPath) }));

    // PC1/PC2 of the clustered features: the saved scaler and PCA when present, else computed here.
    let pcaScores: Matrix | undefined;
    let explainedVarianceRatio: Float64Array | undefined;
    const features = store.file.has("clusters/features") ? store.readTable("clusters/features") : fingerprints;
    if (features) {
      const [n, F] = features.shape;
      const x = new Float64Array(features.data);
      const sc = model.scaler;
      if (sc && (sc.offset?.length === F || sc.factor?.length === F)) {
        for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) x[i * F + f] = (x[i * F + f]! - (sc.offset?.[f] ?? 0)) * (sc.factor?.[f] ?? 1);
      } else if (sc && (sc.mean?.length === F || sc.scale?.length === F)) {
        for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) x[i * F + f] = (x[i * F + f]! - (sc.mean?.[f] ?? 0)) / (sc.scale?.[f] || 1);
      }
      const use = new Uint8Array(n);
      for (let i = 0; i < n; i++) use[i] = status[i] === 0 && cluster[i]! > 0 ? 1 : 0;
      const comps = model.pca?.components;
      if (comps && comps.length >= 2 && comps[0]!.length === F) {
        const mean = model.pca?.mean ?? [];
        const scores = new Float64Array(n * 2).fill(NaN);
        for (let i = 0; i < n; i++) {
          if (!use[i]) continue;
          for (let c = 0; c < 2; c++) {
            let s = 0;
            for (let f = 0; f < F; f++) s += (x[i * F + f]! - (mean[f] ?? 0)) * comps[c]![f]!;
            scores[i * 2 + c] = s;
          }
        }
        pcaScores = { data: scores, shape: [n, 2] };
        if (model.pca?.explainedVarianceRatio) explainedVarianceRatio = Float64Array.from(model.pca.explainedVarianceRatio.slice(0, 2));
      } else if (n === N) {
        const r = principalScores2({ data: x, shape: [n, F] }, use);
        pcaScores = r.scores;
        explainedVarianceRatio = r.explainedVarianceRatio;
      }
    }

    const stabilityJson = await readJson<StabilityJson>(join(runDir, "stability.json"));
    const stability = stabilityJson ? reportStability(stabilityJson, model.method ?? "kmeans") : undefined;
    const summary = await readJson<unknown>(join(runDir, "summary.json"));
    const rootAttrs = store.file.attrs("/");
    const stationLat = numAttr(rootAttrs, "station_latitude");
    const stationLon = numAttr(rootAttrs, "station_longitude");
    const station: ReportStation | undefined = stationLat !== undefined && stationLon !== undefined
      ? { id: String(rootAttrs.station ?? "station"), lat: stationLat, lon: stationLon }
      : findStation(summary) ?? store.stages().map((s) => findStation({ info: s.info, settings: s.settings })).find((s) => s !== undefined);
    const nmf = await readProgress<NmfProgressRecord>(join(runDir, "progress", "nmf-fit.json"));
    const hmm = await readProgress<HmmProgressRecord>(join(runDir, "progress", "hmm-fit.json"));
    const emptyT = new Array<string>(N).fill("");
    return {
      title: options.title ?? `SpecUFEx report — ${basename(resolve(runDir))}`,
      events: {
        ids: table.eventIds,
        times: table.text.otime ?? emptyT,
        lat: col("lat"),
        lon: col("lon"),
        depthKm: col("depth"),
        mag: col("mag"),
        cluster,
        silhouette,
        centroidDistance: vec("centroid_distance", NaN),
      },
      ...(station ? { station } : {}),
      frequenciesHz,
      timeAxis: { t0Seconds: t0, dtSeconds: dt },
      spectrogramUnits: String(specAttrs.units ?? "normalised dB"),
      embedded,
      ...(packed.events.length > 0 ? { packed } : {}),
      examples,
      defaultEvent,
      ...(dictionary ? { dictionary } : {}),
      ...(emissions ? { emissions } : {}),
      k,
      method: model.method ?? "kmeans",
      sweep,
      ...(linkage ? { linkage } : {}),
      ...(pcaScores ? { pcaScores } : {}),
      ...(explainedVarianceRatio ? { explainedVarianceRatio } : {}),
      alternatives,
      progress: { nmf, hmm },
      ...(stability ? { stability } : {}),
    };
  } finally {
    store.close();
  }
}
