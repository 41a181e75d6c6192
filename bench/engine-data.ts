// The engine bench's spectrograms (BENCH.md "Data the bench generates"), deterministic
// for a seed: a Rayleigh background with a red spectrum plus one event from four
// families (.35/.25/.25/.15), onset and frequency jitter, SNR 20 ± 5 dB, then the
// tutorial normalisation (÷ median, 20·log10, floor 0): about half the entries are 0.
import type { Matrix } from "../src/core/matrix.js";
import { Rng } from "../src/core/rng.js";

/** The two fixed cases of BENCH.md. */
export const ENGINE_CASES = {
  A: { count: 1000, D: 78, M: 62, numPatterns: 75, targetK: 14, numStates: 15, hmmNeff: 1000 },
  B: { count: 1000, D: 513, M: 51, numPatterns: 40, targetK: 22, numStates: 6, hmmNeff: 46000 },
} as const;
export type EngineCase = keyof typeof ENGINE_CASES;

export interface EngineData {
  readonly spectrograms: Matrix[];
  /** Family of each event: 0 low-frequency long coda, 1 high-frequency impulsive, 2 two bands emergent, 3 downward glide. */
  readonly family: Int32Array;
}

const FAMILY_CUMULATIVE = [0.35, 0.6, 0.85, 1];

/** N spectrograms D×M of the given case (defaults from ENGINE_CASES), deterministic for `seed`. */
export function engineData(which: EngineCase, seed = 2024, count: number = ENGINE_CASES[which].count): EngineData {
  const { D, M } = ENGINE_CASES[which];
  const rng = new Rng(seed);
  const spectrograms: Matrix[] = [];
  const family = new Int32Array(count);
  // Red background spectrum: σ_d falls with frequency.
  const sigma = new Float64Array(D);
  let meanSigma = 0;
  for (let d = 0; d < D; d++) {
    sigma[d] = 1 / Math.pow(1 + (8 * d) / D, 1.2);
    meanSigma += sigma[d]! / D;
  }
  const amp = new Float64Array(D * M);
  const sorted = new Float64Array(D * M);
  for (let n = 0; n < count; n++) {
    const u = rng.random();
    const fam = FAMILY_CUMULATIVE.findIndex((c) => u < c);
    family[n] = fam;
    for (let d = 0; d < D; d++) {
      for (let m = 0; m < M; m++) {
        let r = rng.random();
        while (r === 0) r = rng.random();
        amp[d * M + m] = sigma[d]! * Math.sqrt(-2 * Math.log(r)); // Rayleigh(σ_d)
      }
    }
    const snrDb = 20 + 5 * (2 * rng.random() - 1);
    const peak = meanSigma * Math.pow(10, snrDb / 20);
    const onset = Math.floor(M * (0.15 + 0.15 * rng.random()));
    const jitter = 1 + 0.15 * (2 * rng.random() - 1);
    for (let m = onset; m < M; m++) {
      const t = (m - onset) / M; // time since onset, in spectrogram lengths
      for (let d = 0; d < D; d++) {
        const f = d / D;
        let e: number;
        switch (fam) {
          case 0: // low frequency, long coda
            e = bump(f, 0.12 * jitter, 0.06) * Math.exp(-t / 0.45);
            break;
          case 1: // high frequency, impulsive
            e = bump(f, 0.65 * jitter, 0.12) * Math.exp(-t / 0.05);
            break;
          case 2: { // two bands, emergent onset
            const env = t < 0.2 ? t / 0.2 : Math.exp(-(t - 0.2) / 0.2);
            e = (bump(f, 0.22 * jitter, 0.04) + 0.8 * bump(f, 0.5 * jitter, 0.05)) * env;
            break;
          }
          default: { // downward glide
            const fc = Math.max(0.05, 0.75 * jitter - 1.2 * t);
            e = bump(f, fc, 0.05) * Math.exp(-t / 0.3);
          }
        }
        amp[d * M + m] = amp[d * M + m]! + peak * e;
      }
    }
    // Tutorial normalisation: ÷ median, 20·log10, floor at 0.
    sorted.set(amp);
    const L = sorted.length;
    const hi = select(sorted, L >> 1);
    const median = L % 2 === 1 ? hi : 0.5 * (hi + maxBelow(sorted, L >> 1));
    const x = new Float64Array(D * M);
    for (let i = 0; i < x.length; i++) {
      const db = 20 * Math.log10(amp[i]! / median);
      x[i] = db > 0 ? db : 0;
    }
    spectrograms.push({ data: x, shape: [D, M] });
  }
  return { spectrograms, family };
}

function bump(f: number, centre: number, width: number): number {
  const z = (f - centre) / width;
  return Math.exp(-0.5 * z * z);
}

/** The k-th smallest value (0-based), partially reordering `a` (Hoare's quickselect). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** After select(a, k): the largest of a[0..k). */
function maxBelow(a: Float64Array, k: number): number {
  let m = -Infinity;
  for (let i = 0; i < k; i++) if (a[i]! > m) m = a[i]!;
  return m;
}
