// The embedded demo data: physically plausible local-earthquake waveforms at one station, with known families
// (the ground truth `specufex demo` scores its clusters against). Pure computation: no node: imports.
//
// Model (SI units inside; ground velocity in m/s out), for an event of moment magnitude M at hypocentral
// distance R:
//   moment            M0 = 10^(1.5·M + 9.1) N·m                                  (Hanks & Kanamori 1979)
//   magnitudes        Gutenberg–Richter, truncated: M = Mmin − log10(1 − U·(1 − 10^(−b·ΔM)))/b, U ~ U(0, 1),
//                     rounded to 0.01 (the physics uses the rounded value)
//   S corner          fc = fc_family · (M0/M0_ref)^(−1/12) · e^(0.12·z), z ~ N(0, 1): a mild, sub-self-similar
//                     moment scaling (self-similar would be −1/3) with log-normal stress-drop scatter;
//                     M0_ref at Mmin + 0.5; fc_P = 1.5·fc (Madariaga 1976)
//   source (Brune)    Ω_S(f) = Ω0 / (1 + (f/fc)²), Ω0 = M0·R_S·F·P / (4π·ρ·vs³·R)   (Brune 1970; Boore 2003
//                     eq. 3: R_S = 0.63, F = 2 free surface, P = 1/√2 partition, ρ = 2700 kg/m³);
//                     Ω_P = (P/S)_family·e^(0.2·z)·Ω0 / (1 + (f/fc_P)²) — the family's P/S level ratio on the
//                     vertical component (mechanism, (vs/vp)³ and ray geometry)
//   travel times      t_P = R/vp, t_S = R/vs, vp = 6 km/s, vs = vp/√3, straight rays in a half-space,
//                     R² = epicentral² + (depth + station elevation)²; so S − P = R·(1/vs − 1/vp)
//   attenuation       e^(−π·f·t*), t* = t_S/Q_S = t_P/Q_P with Q_P = Q_S/√3 (Qp/Qs ≈ 0.58, within the
//                     0.5–1 observed in the upper crust), so both phases share one t* per event;
//                     Q_S = Q_family·e^(0.1·z)
//   ground velocity   V_c(f) = 2πf · Ω_c(f) · e^(−π·f·t*)   (displacement falls off as f^−2 above fc)
//   envelopes         E_c(t) = (1 − e^(−(t − t_c)/τr)) · e^(−(t − t_c)/τ_c) for t ≥ t_c: rise τr = 0.5/fc_c,
//                     S coda e-folding τ_S = τ_family·e^(0.15·z), P coda τ_P = τ_S/2
//   synthesis         Boore's (2003) stochastic method per phase: white noise × envelope → FFT → divide by
//                     its rms spectral amplitude → multiply by V_c(f)/Δt → sum of the phases → inverse FFT
//   background noise  coloured ambient noise, synthesised in the frequency domain with amplitude spectrum
//                     √(1/(1 + (f/fn)²) + ε²): red (∝ 1/f above fn ~ U(2, 6) Hz, as velocity noise models
//                     between 1 and 20 Hz) plus a white floor ε ~ U(0.15, 0.4); scaled so that the recorded
//                     trace's SNR = 10·log10(mean x² over [P, S + 2τ_S) / mean x² over [start, P)) equals the
//                     per-event draw, uniform in dB over `snrDb`
//   hypocentres       family centroid + Gaussian offsets (σ 1.2 km along strike N155°E, 0.6 km across,
//                     0.8 km in depth; reflected above 1 km); origin times uniform over `days`, events in time order
import { OptionError } from "../../core/errors.js";
import { int, num, custom, resolveOptions, type Rules } from "../../core/options.js";
import { Rng } from "../../core/rng.js";
import { parseTimeNs } from "../../core/time.js";
import { RealFft, nextFastLength } from "../../signal/fft.js";
import {
  DEMO_STATION, DENSITY_KG_M3, MAX_DEMO_FAMILIES, RADIATION_S, STRIKE_DEG, VP_KM_S, VS_KM_S,
  demoFamilies, epicentralDistanceKm, offsetLatLon, type DemoFamily, type DemoStation,
} from "./families.js";

export interface DemoOptions {
  /** Number of events (default 1000). */
  events?: number;
  /** Random seed (default 42): same seed → bit-identical data set. */
  seed?: number;
  /** Number of families, 1–8 (default 4). */
  families?: number;
  /** Sampling rate, Hz (default 100; the Python tutorial's data use 125). */
  sampleRateHz?: number;
  /** Length of each waveform, s (default 20). */
  durationSeconds?: number;
  /** Seconds of noise before the P arrival (default 3). */
  preSeconds?: number;
  /** Smallest magnitude of the Gutenberg–Richter draw (default 0.5). */
  magnitudeMin?: number;
  /** Mmax − Mmin of the truncated Gutenberg–Richter draw (default 3.5). */
  magnitudeRange?: number;
  /** Gutenberg–Richter b-value (default 1). */
  bValue?: number;
  /** Range of the per-event SNR draw, dB, [low, high] with 3 ≤ low ≤ high ≤ 100 (default [5, 20]). */
  snrDb?: readonly [number, number];
  /** Origin times are spread over this many days (default 7). */
  days?: number;
  /** Start of the origin-time span, ISO 8601 UTC (default "2016-09-01T00:00:00Z"). */
  startTime?: string;
}

interface DemoOptionsResolved {
  events: number; seed: number; families: number; sampleRateHz: number; durationSeconds: number; preSeconds: number;
  magnitudeMin: number; magnitudeRange: number; bValue: number; snrDb: readonly [number, number]; days: number; startTime: string;
}

const RULES: Rules = {
  events: int({ min: 1, max: 99999 }, 1000),
  seed: int({}, 42),
  families: int({ min: 1, max: MAX_DEMO_FAMILIES }, 4),
  sampleRateHz: num({ min: 50, max: 1000 }, 100),
  durationSeconds: num({ above: 0, max: 600 }, 20),
  preSeconds: num({ min: 0.5 }, 3),
  magnitudeMin: num({ min: -2, max: 6 }, 0.5),
  magnitudeRange: num({ min: 0.5, max: 6 }, 3.5),
  bValue: num({ min: 0.3, max: 3 }, 1),
  snrDb: custom<readonly [number, number]>(
    "a pair [low, high] of dB with 3 ≤ low ≤ high ≤ 100",
    (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number" && Number.isFinite(x)) && 3 <= v[0] && v[0] <= v[1] && v[1] <= 100,
    [5, 20],
  ),
  days: num({ above: 0, max: 3650 }, 7),
  startTime: custom<string>("an ISO 8601 UTC time", (v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v), "2016-09-01T00:00:00Z"),
};

/** One event of the demo catalogue, with the generator's truth. Times are ns since the epoch, UTC. */
export interface DemoEvent {
  readonly eventId: string;
  readonly originNs: bigint;
  /** Hypocentre, rounded as a catalogue gives it (1e-5°, 1 m); the physics uses these rounded values. */
  readonly latitude: number;
  readonly longitude: number;
  readonly depthKm: number;
  /** Moment magnitude, 0.01 units. */
  readonly magnitude: number;
  readonly pArrivalNs: bigint;
  readonly sArrivalNs: bigint;
  /** 1-based generating family (the truth). */
  readonly family: number;
  readonly hypocentralDistanceKm: number;
  readonly momentNm: number;
  /** This event's S-wave Brune corner frequency, Hz (P: 1.5×). */
  readonly cornerHz: number;
  /** t* of both phases, s. */
  readonly tStarSeconds: number;
  /** S-coda e-folding time, s. */
  readonly codaDecaySeconds: number;
  /** SNR of the recorded trace, dB: 10·log10 of mean x² over `snrWindowSeconds` over mean x² before P. */
  readonly snrDb: number;
  /** The signal window of the SNR, [P, S + 2τ_S) clipped to the trace, in s from the first sample (samples round(t·fs)). */
  readonly snrWindowSeconds: readonly [number, number];
}

export interface DemoDataset {
  readonly station: DemoStation;
  readonly sampleRateHz: number;
  /** Each waveform starts this many seconds before its event's P arrival. */
  readonly preSeconds: number;
  /** Ground velocity, m/s; one per event, all of the same length (views into one buffer). */
  readonly waveforms: Float64Array[];
  readonly events: DemoEvent[];
  readonly familyInfo: DemoFamily[];
}

const FREE_SURFACE = 2;
const PARTITION = Math.SQRT1_2;
const FC_MOMENT_EXPONENT = -1 / 12;
const FC_SCATTER = 0.12;
const CODA_SCATTER = 0.15;
const P_OVER_S_SCATTER = 0.2;
const Q_SCATTER = 0.1;
const P_OVER_S_CORNER = 1.5;
const SIGMA_ALONG_KM = 1.2;
const SIGMA_ACROSS_KM = 0.6;
const SIGMA_DEPTH_KM = 0.8;
const TWO_POW_32 = 4294967296;
const SQRT12 = Math.sqrt(12);

/**
 * A synthetic local-earthquake data set at one station with known source families (see the model above).
 * @param options see DemoOptions; unknown keys are errors
 * @returns station, waveforms (m/s, `preSeconds` before P), the catalogue with truth, and the families
 * @throws OptionError for a bad option, or when the window cannot hold the S wave of the farthest family
 * @example
 * const demo = generateDemo({ events: 100, seed: 1 });
 * demo.waveforms.length; // 100
 */
export function generateDemo(options: DemoOptions = {}): DemoDataset {
  const o = resolveOptions<DemoOptionsResolved>("generateDemo", RULES, options);
  const fs = o.sampleRateHz;
  const dt = 1 / fs;
  const n = Math.round(o.durationSeconds * fs);
  const iP = Math.round(o.preSeconds * fs);
  const referenceMagnitude = o.magnitudeMin + 0.5;
  const families = demoFamilies(o.families, DEMO_STATION, referenceMagnitude);
  let maxSp = 0;
  for (const f of families) maxSp = Math.max(maxSp, f.spTimeSeconds);
  if (o.durationSeconds - o.preSeconds < maxSp + 3) {
    throw new OptionError(`generateDemo option "durationSeconds" must leave ≥ ${(maxSp + 3).toFixed(1)} s after P for the S wave of family ${o.families}, got ${o.durationSeconds - o.preSeconds} s`, { field: "durationSeconds" });
  }
  const startNs = parseTimeNs(o.startTime, "generateDemo option \"startTime\"");
  const rng = new Rng(o.seed);

  // Catalogue and per-event parameters (all drawn before any waveform, in a fixed order).
  const ne = o.events;
  const famOf = new Int32Array(ne);
  const mags = new Float64Array(ne);
  const lats = new Float64Array(ne), lons = new Float64Array(ne), depths = new Float64Array(ne);
  const cumulative = new Float64Array(families.length);
  let acc = 0;
  for (let k = 0; k < families.length; k++) { acc += families[k]!.probability; cumulative[k] = acc; }
  const grSpan = 1 - Math.pow(10, -o.bValue * o.magnitudeRange);
  const sn = Math.cos((STRIKE_DEG * Math.PI) / 180), se = Math.sin((STRIKE_DEG * Math.PI) / 180);
  for (let e = 0; e < ne; e++) {
    const u = rng.random() * acc;
    let k = 0;
    while (k < families.length - 1 && u >= cumulative[k]!) k++;
    famOf[e] = k;
    const m = o.magnitudeMin - Math.log10(1 - rng.random() * grSpan) / o.bValue;
    mags[e] = Math.round(m * 100) / 100;
    const f = families[k]!;
    const along = SIGMA_ALONG_KM * rng.normal(), across = SIGMA_ACROSS_KM * rng.normal();
    const p = offsetLatLon(f.latitude, f.longitude, along * sn - across * se, along * se + across * sn);
    let depth = f.depthKm + SIGMA_DEPTH_KM * rng.normal();
    if (depth < 1) depth = 2 - depth;
    lats[e] = Math.round(p.latitude * 1e5) / 1e5;
    lons[e] = Math.round(p.longitude * 1e5) / 1e5;
    depths[e] = Math.round(depth * 1000) / 1000;
  }
  const offsetsUs = new Float64Array(ne);
  const spanUs = o.days * 86400e6;
  for (let e = 0; e < ne; e++) offsetsUs[e] = Math.round(rng.random() * spanUs);
  offsetsUs.sort();

  // Waveform synthesis buffers, allocated once.
  let len = nextFastLength(n + Math.ceil(fs));
  while (len % 2 !== 0) len = nextFastLength(len + 1);
  const plan = new RealFft(len);
  const bins = plan.bins;
  const df = fs / len;
  const wP = new Float64Array(len), wS = new Float64Array(len);
  const pRe = new Float64Array(bins), pIm = new Float64Array(bins), sRe = new Float64Array(bins), sIm = new Float64Array(bins);
  const y = new Float64Array(len);
  const noise = new Float64Array(len);
  const buffer = new Float64Array(ne * n);
  const waveforms: Float64Array[] = [];
  const events: DemoEvent[] = [];
  const elevationKm = DEMO_STATION.elevationM / 1000;

  for (let e = 0; e < ne; e++) {
    const f = families[famOf[e]!]!;
    const magnitude = mags[e]!;
    const epi = epicentralDistanceKm(DEMO_STATION.latitude, DEMO_STATION.longitude, lats[e]!, lons[e]!);
    const vertical = depths[e]! + elevationKm;
    const rKm = Math.sqrt(epi * epi + vertical * vertical);
    const tP = rKm / VP_KM_S, tS = rKm / VS_KM_S;
    const moment = Math.pow(10, 1.5 * magnitude + 9.1);
    const fcS = f.cornerHz * Math.pow(10, 1.5 * (magnitude - referenceMagnitude) * FC_MOMENT_EXPONENT) * Math.exp(FC_SCATTER * rng.normal());
    const fcP = P_OVER_S_CORNER * fcS;
    const tauS = f.codaDecaySeconds * Math.exp(CODA_SCATTER * rng.normal());
    const tauP = 0.5 * tauS;
    const pOverS = f.pOverS * Math.exp(P_OVER_S_SCATTER * rng.normal());
    const qS = f.qS * Math.exp(Q_SCATTER * rng.normal());
    const tStar = tS / qS;
    const snrTarget = o.snrDb[0] + (o.snrDb[1] - o.snrDb[0]) * rng.random();
    const noiseCornerHz = 2 + 4 * rng.random();
    const whiteFloor = 0.15 + 0.25 * rng.random();

    // Envelope-windowed white noise for P and S (uniform draws: after the spectral shaping the sum of many
    // of them is Gaussian by the central limit theorem).
    const onsetS = o.preSeconds + (tS - tP);
    const sumP = windowedNoise(rng, wP, n, dt, o.preSeconds, 0.5 / fcP, tauP);
    const sumS = windowedNoise(rng, wS, n, dt, onsetS, 0.5 / fcS, tauS);
    plan.forward(wP, pRe, pIm);
    plan.forward(wS, sRe, sIm);
    const rM = rKm * 1000;
    const vs = VS_KM_S * 1000;
    const omegaS = (moment * RADIATION_S * FREE_SURFACE * PARTITION) / (4 * Math.PI * DENSITY_KG_M3 * vs * vs * vs * rM);
    const omegaP = pOverS * omegaS;
    // Boore's normalisation: the windowed noise's mean |W|² is Σw², so W/√(Σw²) has unit rms amplitude.
    const gP = omegaP / (dt * Math.sqrt(sumP)), gS = omegaS / (dt * Math.sqrt(sumS));
    const stepAtt = Math.exp(-Math.PI * df * tStar);
    let att = 1;
    const invFcP2 = 1 / (fcP * fcP), invFcS2 = 1 / (fcS * fcS);
    for (let k = 0; k < bins; k++) {
      const fk = k * df;
      const f2 = fk * fk;
      const v = 2 * Math.PI * fk * att;
      const aP = (gP * v) / (1 + f2 * invFcP2);
      const aS = (gS * v) / (1 + f2 * invFcS2);
      pRe[k] = aP * pRe[k]! + aS * sRe[k]!;
      pIm[k] = aP * pIm[k]! + aS * sIm[k]!;
      att *= stepAtt;
    }
    plan.inverse(pRe, pIm, y);

    colouredNoise(rng, plan, sRe, sIm, noise, df, noiseCornerHz, whiteFloor);
    const i0 = iP;
    const i1 = Math.min(n, Math.round((onsetS + 2 * tauS) * fs));
    const gain = noiseGain(y, noise, iP, i0, i1, Math.pow(10, snrTarget / 10));
    const x = buffer.subarray(e * n, (e + 1) * n);
    for (let j = 0; j < n; j++) x[j] = y[j]! + gain * noise[j]!;
    let pre = 0, sig = 0;
    for (let j = 0; j < iP; j++) pre += x[j]! * x[j]!;
    for (let j = i0; j < i1; j++) sig += x[j]! * x[j]!;
    const snrDb = 10 * Math.log10((sig / (i1 - i0)) / (pre / iP));

    const originNs = startNs + BigInt(offsetsUs[e]!) * 1000n;
    waveforms.push(x);
    events.push(Object.freeze({
      eventId: String(100000 + e),
      originNs,
      latitude: lats[e]!,
      longitude: lons[e]!,
      depthKm: depths[e]!,
      magnitude,
      pArrivalNs: originNs + BigInt(Math.round(tP * 1e9)),
      sArrivalNs: originNs + BigInt(Math.round(tS * 1e9)),
      family: f.family,
      hypocentralDistanceKm: rKm,
      momentNm: moment,
      cornerHz: fcS,
      tStarSeconds: tStar,
      codaDecaySeconds: tauS,
      snrDb,
      snrWindowSeconds: [i0 / fs, i1 / fs] as const,
    }));
  }
  return { station: DEMO_STATION, sampleRateHz: fs, preSeconds: o.preSeconds, waveforms, events, familyInfo: families };
}

/**
 * Fills w[0..n) with unit-variance uniform white noise times the envelope (1 − e^(−s/τr))·e^(−s/τ), s = t − onset ≥ 0
 * (zero before the onset and from n on); returns Σw².
 */
function windowedNoise(rng: Rng, w: Float64Array, n: number, dt: number, onset: number, tauRise: number, tauDecay: number): number {
  w.fill(0);
  let j = Math.ceil(onset / dt);
  if (j >= n) return 0;
  const s0 = j * dt - onset;
  let rise = Math.exp(-s0 / tauRise), decay = Math.exp(-s0 / tauDecay);
  const stepRise = Math.exp(-dt / tauRise), stepDecay = Math.exp(-dt / tauDecay);
  let sum = 0;
  for (; j < n; j++) {
    const v = (1 - rise) * decay * ((rng.nextUint32() + 0.5) / TWO_POW_32 - 0.5) * SQRT12;
    w[j] = v;
    sum += v * v;
    rise *= stepRise;
    decay *= stepDecay;
  }
  return sum;
}

/**
 * Ambient noise of unit DC spectral level, synthesised in the frequency domain: amplitude
 * √(1/(1 + (f/fc)²) + floor²) — a one-pole low-pass (red, ∝ 1/f above `cornerHz`) plus a white floor —
 * times random complex coefficients (uniform real and imaginary parts of unit variance; each time sample
 * sums ~L of them, so it is Gaussian by the central limit theorem). Stationary and circular over `re.length`
 * bins; the DC bin is zero. Returns nothing: `out` receives the first samples of the inverse transform.
 */
function colouredNoise(rng: Rng, plan: RealFft, re: Float64Array, im: Float64Array, out: Float64Array, df: number, cornerHz: number, floor: number): void {
  const bins = plan.bins;
  const invFc2 = 1 / (cornerHz * cornerHz), floor2 = floor * floor;
  re[0] = 0;
  im[0] = 0;
  for (let k = 1; k < bins; k++) {
    const fk = k * df;
    const a = Math.sqrt(1 / (1 + fk * fk * invFc2) + floor2) * SQRT12 * Math.SQRT1_2;
    re[k] = a * ((rng.nextUint32() + 0.5) / TWO_POW_32 - 0.5);
    im[k] = a * ((rng.nextUint32() + 0.5) / TWO_POW_32 - 0.5);
  }
  plan.inverse(re, im, out);
}

/**
 * The noise gain g making mean (y + g·n)² over the signal window [i0, i1) equal to `ratio` × mean (y + g·n)²
 * over the noise window [0, iP): the positive root of (Nₛ − r·Nₚ)g² + 2(Cₛ − r·Cₚ)g + (Yₛ − r·Yₚ) = 0 (window
 * means of n², y·n, y²). Falls back to the expected-value gain when that quadratic has no positive root.
 */
function noiseGain(y: Float64Array, noise: Float64Array, iP: number, i0: number, i1: number, ratio: number): number {
  let yp = 0, cp = 0, np = 0, ys = 0, cs = 0, ns = 0;
  for (let j = 0; j < iP; j++) { const a = y[j]!, b = noise[j]!; yp += a * a; cp += a * b; np += b * b; }
  for (let j = i0; j < i1; j++) { const a = y[j]!, b = noise[j]!; ys += a * a; cs += a * b; ns += b * b; }
  yp /= iP; cp /= iP; np /= iP;
  const m = i1 - i0;
  ys /= m; cs /= m; ns /= m;
  const qa = ns - ratio * np, qb = cs - ratio * cp, qc = ys - ratio * yp;
  if (qa < 0 && qc > 0) return (qb + Math.sqrt(qb * qb - qa * qc)) / -qa;
  return Math.sqrt(Math.max(ys, 0) / (np * Math.max(ratio - 1, 1e-3)));
}
