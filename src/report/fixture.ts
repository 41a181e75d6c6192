// A deterministic, realistic synthetic ReportData for tests and the bench: clusters of events near the
// Adriatic coast of central Italy, spectrograms and waveforms from simple formulas (a dominant frequency per
// cluster, exponential coda), NMF/HMM matrices consistent with them, a K sweep, a linkage, two alternative
// clusterings and fit progress records.
import type { Matrix } from "../core/matrix.js";
import { Rng } from "../core/rng.js";
import type {
  AlternativeClustering, EmbeddedEvent, HmmProgressRecord, NmfProgressRecord, ReportData, SweepPoint,
} from "./data.js";
import { PackedEventsBuilder } from "./packed.js";

export interface ReportFixtureOptions {
  readonly clusters?: number;
  readonly eventsPerCluster?: number;
  /** Events without a cluster (rejected), appended at the end. */
  readonly rejected?: number;
  readonly examplesPerCluster?: number;
  readonly seed?: number;
  /** Pack figure 10's data of every other clustered event (default true). */
  readonly packAll?: boolean;
}

const D = 40;
const M = 48;
const K_PATTERNS = 6;
const S_STATES = 5;
const FS = 50;
const WAVE_START = -2;
const WAVE_SECONDS = 26;
const DT = 0.5;
const T0 = 0.5;
const PATTERN_HZ = [3, 7, 12, 18, 25, 33];

function clusterParams(c: number): { f: number; tau: number; lat: number; lon: number; depth: number } {
  const centres = [[42.62, 13.3], [42.84, 13.72], [42.55, 13.62], [42.7, 13.45], [42.95, 13.5]];
  const ce = centres[c % centres.length]!;
  return { f: 3 + ((c * 9) % 30), tau: 2 + 2.5 * (c % 3), lat: ce[0]! + 0.02 * Math.floor(c / 5), lon: ce[1]!, depth: 4 + 3 * (c % 4) };
}

function sequencePartition(labels: Int32Array, k: number, rng: Rng, fraction: number): Int32Array {
  const out = labels.slice();
  for (let i = 0; i < out.length; i++) {
    if (out[i]! > 0 && rng.random() < fraction) out[i] = 1 + ((out[i]! + rng.integer(k - 1)) % k);
  }
  return out;
}

/** A linkage whose cut at k gives `labels` exactly: balanced merges inside each cluster, then the clusters. */
function linkageFor(labels: Int32Array, k: number, rng: Rng): Matrix {
  const n = labels.length;
  type Pending = { a: number; b: number; h: number; size: number; id: number };
  const pending: Pending[] = [];
  let tmp = n;
  const sizes = new Map<number, number>();
  const roots: { node: number; h: number }[] = [];
  for (let c = 1; c <= k; c++) {
    let level: number[] = [];
    for (let i = 0; i < n; i++) if (labels[i] === c) level.push(i);
    let depth = 0;
    let top = 0;
    while (level.length > 1) {
      const next: number[] = [];
      for (let j = 0; j + 1 < level.length; j += 2) {
        const a = level[j]!;
        const b = level[j + 1]!;
        const h = 0.12 * c + 0.18 * (depth + 1) + 0.05 * rng.random();
        const size = (sizes.get(a) ?? 1) + (sizes.get(b) ?? 1);
        const id = tmp++;
        sizes.set(id, size);
        pending.push({ a, b, h, size, id });
        next.push(id);
        top = Math.max(top, h);
      }
      if (level.length % 2 === 1) next.push(level[level.length - 1]!);
      level = next;
      depth++;
    }
    if (level.length === 1) roots.push({ node: level[0]!, h: top });
  }
  // Merge the cluster roots, highest last.
  let acc = roots[0]!.node;
  for (let j = 1; j < roots.length; j++) {
    const b = roots[j]!.node;
    const size = (sizes.get(acc) ?? 1) + (sizes.get(b) ?? 1);
    const id = tmp++;
    sizes.set(id, size);
    pending.push({ a: acc, b, h: 3 + j, size, id });
    acc = id;
  }
  // Children are always lower than their parents, so sorting by height keeps children first.
  pending.sort((x, y) => x.h - y.h);
  const finalId = new Map<number, number>();
  pending.forEach((p, r) => finalId.set(p.id, n + r));
  const Z = new Float64Array(pending.length * 4);
  pending.forEach((p, r) => {
    const a = p.a < n ? p.a : finalId.get(p.a)!;
    const b = p.b < n ? p.b : finalId.get(p.b)!;
    Z.set([Math.min(a, b), Math.max(a, b), p.h, p.size], r * 4);
  });
  return { data: Z, shape: [pending.length, 4] };
}

/**
 * The synthetic report data set (default 3 clusters × 20 events + 2 rejected events).
 * @example reportFixture({ clusters: 4, eventsPerCluster: 250 }) // the bench's 1000 events
 */
export function reportFixture(options: ReportFixtureOptions = {}): ReportData {
  const k = options.clusters ?? 3;
  const per = options.eventsPerCluster ?? 20;
  const nRejected = options.rejected ?? 2;
  const nEx = options.examplesPerCluster ?? 4;
  const rng = new Rng(options.seed ?? 7);
  const N = k * per + nRejected;
  const ids: string[] = [];
  const times: string[] = [];
  const lat = new Float64Array(N);
  const lon = new Float64Array(N);
  const depthKm = new Float64Array(N);
  const mag = new Float64Array(N);
  const cluster = new Int32Array(N);
  const silhouette = new Float64Array(N).fill(NaN);
  const centroidDistance = new Float64Array(N).fill(NaN);
  const pca = new Float64Array(N * 2).fill(NaN);
  const start = Date.UTC(2016, 7, 24, 1, 36, 32);
  for (let i = 0; i < N; i++) {
    const c = i < k * per ? Math.floor(i / per) : -1;
    const p = clusterParams(Math.max(0, c));
    ids.push(`ev${String(i + 1).padStart(5, "0")}`);
    times.push(new Date(start + Math.floor(60 * 86400e3 * rng.random() ** 1.6)).toISOString());
    lat[i] = p.lat + 0.04 * rng.normal();
    lon[i] = p.lon + 0.05 * rng.normal();
    depthKm[i] = Math.max(0.5, p.depth + 1.5 * rng.normal());
    mag[i] = 1.2 + Math.min(4, -0.6 * Math.log(1 - rng.random()));
    if (c >= 0) {
      cluster[i] = c + 1;
      silhouette[i] = Math.max(-0.25, Math.min(0.92, 0.72 - 0.35 * Math.abs(rng.normal())));
      centroidDistance[i] = 0.2 + 0.5 * rng.random();
      const ang = (2 * Math.PI * c) / k;
      pca[2 * i] = 2 * Math.cos(ang) + 0.45 * rng.normal();
      pca[2 * i + 1] = 2 * Math.sin(ang) + 0.45 * rng.normal();
    }
  }
  const freqs = new Float64Array(D);
  for (let d = 0; d < D; d++) freqs[d] = 1 + d;
  // Dictionary: Gaussian bumps around each pattern's frequency, scaled by EA.
  const W = new Float64Array(D * K_PATTERNS);
  for (let d = 0; d < D; d++) {
    for (let q = 0; q < K_PATTERNS; q++) W[d * K_PATTERNS + q] = (1 + 0.3 * q) * Math.exp(-((freqs[d]! - PATTERN_HZ[q]!) ** 2) / (2 * (1.5 + 0.3 * PATTERN_HZ[q]!) ** 2));
  }
  const EB = new Float64Array(S_STATES * K_PATTERNS);
  for (let s = 0; s < S_STATES; s++) for (let q = 0; q < K_PATTERNS; q++) EB[s * K_PATTERNS + q] = rng.gamma(1, 1) * (s === q % S_STATES ? 4 : 1);

  // Examples: the highest silhouettes of each cluster; the default event is the best of all.
  const examples: Int32Array[] = [];
  let defaultEvent = 0;
  for (let c = 1; c <= k; c++) {
    const members: number[] = [];
    for (let i = 0; i < N; i++) if (cluster[i] === c) members.push(i);
    members.sort((a, b) => silhouette[b]! - silhouette[a]! || a - b);
    examples.push(Int32Array.from(members.slice(0, nEx)));
  }
  for (let i = 0; i < N; i++) if (cluster[i]! > 0 && !(silhouette[i]! <= silhouette[defaultEvent]!)) defaultEvent = i;
  const chosen = new Set<number>([defaultEvent]);
  for (const ex of examples) for (const i of ex) chosen.add(i);
  const embedded: EmbeddedEvent[] = [...chosen].sort((a, b) => a - b).map((i) => syntheticEvent(i, cluster[i]! - 1, mag[i]!, W, rng));
  // The other clustered events, from their own generator so the embedded ones and the rest stay as they were.
  let packed: PackedEventsBuilder | undefined;
  if (options.packAll ?? true) {
    packed = new PackedEventsBuilder();
    const rngPacked = new Rng((options.seed ?? 7) + 1_000_003);
    for (let i = 0; i < N; i++) if (cluster[i]! > 0 && !chosen.has(i)) packed.add(syntheticEvent(i, cluster[i]! - 1, mag[i]!, W, rngPacked));
  }

  const sweep: SweepPoint[] = [];
  for (let kk = 2; kk <= Math.max(6, k + 2); kk++) {
    sweep.push({ k: kk, meanSilhouette: 0.6 - 0.05 * Math.abs(kk - k) - 0.02 * (kk - 2) + 0.01 * rng.random(), sse: 500 * N * Math.exp(-0.45 * kk) + 40 * N });
  }
  const ward = sequencePartition(cluster, k, rng, 0.04);
  const alternatives: AlternativeClustering[] = [
    { name: "kmeans-seed2", labels: sequencePartition(cluster, k, rng, 0.1) },
    { name: "ward", labels: ward },
  ];
  const used: number[] = [];
  for (let i = 0; i < N; i++) if (cluster[i]! > 0) used.push(i);
  const Z = linkageFor(Int32Array.from(used, (i) => ward[i]!), k, rng);
  const nmf: NmfProgressRecord[] = [];
  for (let s = 1; s <= 60; s++) {
    nmf.push({ step: s, patternsLeft: Math.round(K_PATTERNS + 69 * Math.exp(-s / 8)), temperature: 1 + 0.75 ** (s - 1), rho: (s + 1) ** -0.51, dictionaryChange: 0.6 * Math.exp(-s / 9) * (1 + 0.15 * Math.sin(s)), logLikelihood: -3.2 + 1.4 * (1 - Math.exp(-s / 12)), elapsedMs: 40 * s });
  }
  const hmm: HmmProgressRecord[] = [];
  for (let s = 1; s <= 40; s++) hmm.push({ step: s, rho: (s + 1) ** -0.51, emissionChange: 0.4 * Math.exp(-s / 7), logLikelihood: -12 + 4 * (1 - Math.exp(-s / 10)), elapsedMs: 25 * s });
  return {
    title: `Synthetic report (${k} clusters × ${per} events)`,
    events: { ids, times, lat, lon, depthKm, mag, cluster, silhouette, centroidDistance },
    station: { id: "IV.T1213", lat: 42.76, lon: 13.9 },
    frequenciesHz: freqs,
    timeAxis: { t0Seconds: T0, dtSeconds: DT },
    spectrogramUnits: "normalised dB",
    embedded,
    ...(packed ? { packed: packed.finish() } : {}),
    examples,
    defaultEvent,
    dictionary: { data: W, shape: [D, K_PATTERNS] },
    emissions: { data: EB, shape: [S_STATES, K_PATTERNS] },
    k,
    method: "kmeans",
    sweep,
    linkage: { method: "ward", Z, eventIndices: Int32Array.from(used) },
    pcaScores: { data: pca, shape: [N, 2] },
    explainedVarianceRatio: Float64Array.of(0.46, 0.21),
    alternatives,
    progress: { nmf, hmm },
  };
}

function syntheticEvent(index: number, c: number, magnitude: number, W: Float64Array, rng: Rng): EmbeddedEvent {
  const p = clusterParams(c);
  const onset = 1 + 0.6 * rng.random();
  const amp = 10 ** (magnitude - 6);
  // Waveform: a decaying oscillation at the cluster's frequency plus a weaker overtone and noise.
  const L = WAVE_SECONDS * FS;
  const wave = new Float64Array(L);
  for (let j = 0; j < L; j++) {
    const t = WAVE_START + j / FS;
    const env = t < onset ? 0 : Math.exp(-(t - onset) / p.tau) * (1 - Math.exp(-(t - onset) / 0.15));
    wave[j] = amp * (env * (Math.sin(2 * Math.PI * p.f * t) + 0.4 * Math.sin(2 * Math.PI * (1.9 * p.f + 2) * t)) + 0.03 * rng.normal());
  }
  // Spectrograms: raw power (dB) from the same formula, normalised to [0, 1] per event.
  const raw = new Float64Array(D * M);
  for (let d = 0; d < D; d++) {
    const f = 1 + d;
    const shape = Math.exp(-((f - p.f) ** 2) / (2 * (1 + 0.15 * p.f) ** 2)) + 0.16 * Math.exp(-((f - 1.9 * p.f - 2) ** 2) / 8);
    for (let m = 0; m < M; m++) {
      const t = T0 + m * DT;
      const env = t < onset ? 0 : Math.exp(-(2 * (t - onset)) / p.tau);
      raw[d * M + m] = 10 * Math.log10(amp * amp * (env * shape + 1e-3 * (1 + 0.5 * rng.random())));
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of raw) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const X = new Float64Array(D * M);
  for (let j = 0; j < X.length; j++) X[j] = (raw[j]! - lo) / (hi - lo);
  // V: least-squares-like projection of X on each pattern, kept non-negative.
  const V = new Float64Array(K_PATTERNS * M);
  for (let q = 0; q < K_PATTERNS; q++) {
    let norm = 0;
    for (let d = 0; d < D; d++) norm += W[d * K_PATTERNS + q]! ** 2;
    for (let m = 0; m < M; m++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += W[d * K_PATTERNS + q]! * X[d * M + m]!;
      V[q * M + m] = Math.max(0, s / norm - 0.15);
    }
  }
  // γ: a state path (quiet → onset → coda states depending on the cluster), softened; columns sum to 1.
  const G = new Float64Array(S_STATES * M);
  const path = new Int32Array(M);
  for (let m = 0; m < M; m++) {
    const t = T0 + m * DT;
    path[m] = t < onset ? 0 : t < onset + p.tau ? 1 + (c % 2) : t < onset + 3 * p.tau ? 2 + (c % 3) : 0;
    let sum = 0;
    for (let s = 0; s < S_STATES; s++) {
      const w = s === path[m] ? 1 : 0.04 + 0.04 * rng.random();
      G[s * M + m] = w;
      sum += w;
    }
    for (let s = 0; s < S_STATES; s++) G[s * M + m]! /= sum;
  }
  // A: transition counts of the path plus a prior, rows normalised; fingerprint v_i·√A_ij (ALGORITHM.md §3.3).
  const A = new Float64Array(S_STATES * S_STATES).fill(0.05);
  for (let m = 1; m < M; m++) A[path[m - 1]! * S_STATES + path[m]!]! += 1;
  const occupancy = new Float64Array(S_STATES);
  for (let s = 0; s < S_STATES; s++) {
    let sum = 0;
    for (let j = 0; j < S_STATES; j++) sum += A[s * S_STATES + j]!;
    for (let j = 0; j < S_STATES; j++) A[s * S_STATES + j]! /= sum;
    for (let m = 0; m < M; m++) occupancy[s]! += G[s * M + m]! / M;
  }
  const FP = new Float64Array(S_STATES * S_STATES);
  for (let i = 0; i < S_STATES; i++) for (let j = 0; j < S_STATES; j++) FP[i * S_STATES + j] = occupancy[i]! * Math.sqrt(A[i * S_STATES + j]!);
  return {
    index,
    waveform: { data: wave, sampleRateHz: FS, startSeconds: WAVE_START, units: "m/s" },
    spectrogram: { data: X, shape: [D, M] },
    rawSpectrogram: { data: raw, shape: [D, M] },
    activations: { data: V, shape: [K_PATTERNS, M] },
    states: { data: G, shape: [S_STATES, M] },
    transitions: { data: A, shape: [S_STATES, S_STATES] },
    fingerprint: { data: FP, shape: [S_STATES, S_STATES] },
  };
}
