// Everything the report's figures need, as plain typed values: the pipeline (or loadReportData) fills it,
// the spec builders read it. Bounded: full-precision per-event matrices only for the embedded events; the
// other usable events' figure-10 matrices as 8-bit copies (packed.ts), about 3 kB each.
import { ShapeError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import type { PackedEvents } from "./packed.js";

/** The event table, one entry per event (columns, joined by position). */
export interface ReportEvents {
  readonly ids: readonly string[];
  /** Origin times, ISO 8601 UTC ("" when unknown). */
  readonly times: readonly string[];
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  readonly depthKm: Float64Array;
  readonly mag: Float64Array;
  /** Cluster labels, 1-based; 0 = noise or not clustered (rejected). */
  readonly cluster: Int32Array;
  /** Per-sample silhouette (NaN when not clustered). */
  readonly silhouette: Float64Array;
  /** Distance to the assigned centroid in the clustered space (NaN when unknown). */
  readonly centroidDistance: Float64Array;
}

/** The recording station. */
export interface ReportStation {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
}

/** A cut waveform: sample j is at `startSeconds + j / sampleRateHz` relative to the reference time. */
export interface ReportWaveform {
  readonly data: Float64Array;
  readonly sampleRateHz: number;
  readonly startSeconds: number;
  /** Physical units, e.g. "m/s" ("" when unknown). */
  readonly units: string;
}

/** One event whose matrices the report embeds (examples, figure 1–3 and figure 10). */
export interface EmbeddedEvent {
  /** Row in `ReportData.events`. */
  readonly index: number;
  readonly waveform?: ReportWaveform;
  /** Normalised spectrogram X (D×M), as the model saw it. */
  readonly spectrogram: Matrix;
  /** Raw power spectrogram in dB (D×M), before normalisation. */
  readonly rawSpectrogram?: Matrix;
  /** NMF activation matrix V (K×M). */
  readonly activations?: Matrix;
  /** HMM state-sequence matrix γ (S×M), columns sum to 1. */
  readonly states?: Matrix;
  /** State transition matrix A (S×S), rows sum to 1. */
  readonly transitions?: Matrix;
  /** Fingerprint (S×S). */
  readonly fingerprint?: Matrix;
}

/** Time axis of spectrogram columns: column m is at `t0Seconds + m * dtSeconds` (relative to the reference time). */
export interface SpectrogramTimeAxis {
  readonly t0Seconds: number;
  readonly dtSeconds: number;
}

/** One K of the K sweep. */
export interface SweepPoint {
  readonly k: number;
  readonly meanSilhouette: number;
  readonly sse: number;
}

/** A hierarchical clustering's merges in SciPy's layout: row i = [a, b, height, size] (n−1 rows). */
export interface ReportLinkage {
  readonly method: string;
  readonly Z: Matrix;
  /** Event index of each leaf 0..n−1 (the clustered events); identity when absent. */
  readonly eventIndices?: Int32Array;
}

/** Another clustering of the same events (labels 1-based, 0 = none), for the contingency figure. */
export interface AlternativeClustering {
  readonly name: string;
  readonly labels: Int32Array;
}

/** One step of the NMF fit (docs/RUN-DIRECTORY.md, progress/nmf-fit.json). */
export interface NmfProgressRecord {
  readonly step: number;
  readonly patternsLeft?: number;
  readonly temperature?: number;
  readonly rho?: number;
  readonly dictionaryChange?: number;
  readonly logLikelihood?: number;
  readonly elapsedMs?: number;
}

/** One step of the HMM fit (progress/hmm-fit.json). */
export interface HmmProgressRecord {
  readonly step: number;
  readonly rho?: number;
  readonly emissionChange?: number;
  readonly logLikelihood?: number;
  readonly elapsedMs?: number;
}

/** Agreement of runs with different seeds (stability.json of `specufex stability` or cluster.consensus). */
export interface ReportStability {
  /** NMF seed of each run. */
  readonly seeds: readonly number[];
  /** Adjusted Rand index between runs, R×R. */
  readonly ari: readonly (readonly number[])[];
  readonly meanAri: number;
  /** Per cluster of `events.cluster` (1-based): mean Jaccard index of its best match in the other runs. */
  readonly clusters: readonly { readonly cluster: number; readonly size: number; readonly stability: number }[];
  /** The K each run chose. */
  readonly kChosen: readonly number[];
  /** Bootstrap agreement (mean ARI between resamples) per K; empty when not computed. */
  readonly kCurve: readonly { readonly k: number; readonly agreement: number; readonly sd: number }[];
}

/** Everything the report draws. */
export interface ReportData {
  readonly title: string;
  readonly events: ReportEvents;
  readonly station?: ReportStation;
  /** Frequencies of the spectrogram rows (D, Hz). */
  readonly frequenciesHz: Float64Array;
  readonly timeAxis: SpectrogramTimeAxis;
  /** Units of the normalised spectrogram values (e.g. "normalised dB"). */
  readonly spectrogramUnits: string;
  /** Events with per-event matrices; every index appears once. */
  readonly embedded: readonly EmbeddedEvent[];
  /** Per cluster c (1..k), the example events (event indices, best first): `examples[c - 1]`. */
  readonly examples: readonly Int32Array[];
  /** Figure 10's matrices of the other usable events, quantised (packed.ts); without it only embedded events redraw figure 10. */
  readonly packed?: PackedEvents;
  /** The event shown in figures 1–3 and first in figure 10 (an embedded event index). */
  readonly defaultEvent: number;
  /** NMF dictionary EW·diag(EA) (D×K). */
  readonly dictionary?: Matrix;
  /** HMM emission matrix EB (S×K). */
  readonly emissions?: Matrix;
  /** Chosen number of clusters (labels 1..k). */
  readonly k: number;
  /** Clustering method of `events.cluster` (kmeans, ward, …). */
  readonly method: string;
  readonly sweep: readonly SweepPoint[];
  readonly linkage?: ReportLinkage;
  /** PC1, PC2 scores (N×2) of the clustered features; NaN rows for unclustered events. */
  readonly pcaScores?: Matrix;
  readonly explainedVarianceRatio?: Float64Array;
  readonly alternatives: readonly AlternativeClustering[];
  readonly progress: { readonly nmf: readonly NmfProgressRecord[]; readonly hmm: readonly HmmProgressRecord[] };
  readonly stability?: ReportStability;
}

/** The embedded record of an event, or undefined. */
export function embeddedEvent(data: ReportData, index: number): EmbeddedEvent | undefined {
  for (const e of data.embedded) if (e.index === index) return e;
  return undefined;
}

/**
 * Checks that the parts of a ReportData agree (lengths, shapes, indices).
 * @throws ShapeError naming the field and both sizes.
 */
export function checkReportData(data: ReportData): void {
  const ev = data.events;
  const n = ev.ids.length;
  const columns: [string, { length: number }][] = [
    ["times", ev.times], ["lat", ev.lat], ["lon", ev.lon], ["depthKm", ev.depthKm], ["mag", ev.mag],
    ["cluster", ev.cluster], ["silhouette", ev.silhouette], ["centroidDistance", ev.centroidDistance],
  ];
  for (const [name, col] of columns) {
    if (col.length !== n) throw new ShapeError(`ReportData: events.${name} has ${col.length} entries, expected ${n} (one per event)`, { field: `events.${name}` });
  }
  const D = data.frequenciesHz.length;
  const seen = new Set<number>();
  for (const e of data.embedded) {
    if (!(e.index >= 0 && e.index < n)) throw new ShapeError(`ReportData: embedded event index ${e.index} is outside 0..${n - 1}`, { event: e.index });
    if (seen.has(e.index)) throw new ShapeError(`ReportData: event ${e.index} is embedded twice`, { event: e.index });
    seen.add(e.index);
    const [d, M] = e.spectrogram.shape;
    if (d !== D) throw new ShapeError(`ReportData: spectrogram of event ${ev.ids[e.index]} is ${d}×${M}, expected ${D} rows (frequencies)`, { event: ev.ids[e.index] });
    for (const [name, m] of [["rawSpectrogram", e.rawSpectrogram], ["activations", e.activations], ["states", e.states]] as const) {
      if (m && m.shape[1] !== M) throw new ShapeError(`ReportData: ${name} of event ${ev.ids[e.index]} has ${m.shape[1]} columns, expected ${M} (as its spectrogram)`, { event: ev.ids[e.index] });
    }
  }
  for (const p of data.packed?.events ?? []) {
    if (!(p.index >= 0 && p.index < n)) throw new ShapeError(`ReportData: packed event index ${p.index} is outside 0..${n - 1}`, { event: p.index });
    if (p.spectrogram.rows !== D) throw new ShapeError(`ReportData: packed spectrogram of event ${ev.ids[p.index]} has ${p.spectrogram.rows} rows, expected ${D} (frequencies)`, { event: ev.ids[p.index] });
  }
  if (!seen.has(data.defaultEvent)) throw new ShapeError(`ReportData: defaultEvent ${data.defaultEvent} is not an embedded event`, { field: "defaultEvent" });
  for (let c = 0; c < data.examples.length; c++) {
    for (const i of data.examples[c]!) if (!seen.has(i)) throw new ShapeError(`ReportData: example ${i} of cluster ${c + 1} is not an embedded event`, { field: "examples" });
  }
  if (data.dictionary && data.dictionary.shape[0] !== D) {
    throw new ShapeError(`ReportData: dictionary is ${data.dictionary.shape[0]}×${data.dictionary.shape[1]}, expected ${D} rows (frequencies)`, { field: "dictionary" });
  }
  if (data.dictionary && data.emissions && data.emissions.shape[1] !== data.dictionary.shape[1]) {
    throw new ShapeError(`ReportData: emissions EB has ${data.emissions.shape[1]} columns, expected ${data.dictionary.shape[1]} (patterns)`, { field: "emissions" });
  }
  if (data.pcaScores && (data.pcaScores.shape[0] !== n || data.pcaScores.shape[1] < 2)) {
    throw new ShapeError(`ReportData: pcaScores is ${data.pcaScores.shape[0]}×${data.pcaScores.shape[1]}, expected ${n}×2`, { field: "pcaScores" });
  }
  if (data.linkage) {
    const { Z, eventIndices } = data.linkage;
    if (Z.shape[1] !== 4) throw new ShapeError(`ReportData: linkage Z has ${Z.shape[1]} columns, expected 4`, { field: "linkage" });
    const leaves = Z.shape[0] + 1;
    if (eventIndices ? eventIndices.length !== leaves : leaves !== n) {
      throw new ShapeError(`ReportData: linkage has ${leaves} leaves, expected ${eventIndices ? eventIndices.length : n} (${eventIndices ? "eventIndices" : "events"})`, { field: "linkage" });
    }
  }
  for (const alt of data.alternatives) {
    if (alt.labels.length !== n) throw new ShapeError(`ReportData: alternative clustering ${alt.name} has ${alt.labels.length} labels, expected ${n}`, { field: "alternatives" });
  }
}
