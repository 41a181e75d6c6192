import { OptionError } from "./errors.js";

/** The complete state of an `Rng`: four 32-bit words (saved in checkpoints). */
export type RngState = readonly [number, number, number, number];

/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through SplitMix32).
 * Every random draw of the library comes from one of these, passed explicitly
 * (ALGORITHM.md §5); the same seed gives the same stream on every machine.
 */
export class Rng {
  #s = new Uint32Array(4);

  /** @param seed any safe integer (negative values allowed). */
  constructor(seed = 0) {
    if (!Number.isSafeInteger(seed)) throw new OptionError(`Rng: seed must be a safe integer, got ${seed}`);
    // SplitMix32 over both 32-bit halves of the seed.
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b9);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.#s[0]! | this.#s[1]! | this.#s[2]! | this.#s[3]!) === 0) this.#s[0] = 1;
  }

  /** A generator continuing from a saved state. */
  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.setState(state);
    return r;
  }

  getState(): RngState {
    return [this.#s[0]!, this.#s[1]!, this.#s[2]!, this.#s[3]!];
  }

  setState(state: RngState): void {
    if (state.length !== 4 || state.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new OptionError(`Rng: state must be four unsigned 32-bit integers`);
    }
    for (let i = 0; i < 4; i++) this.#s[i] = state[i]!;
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, n), without modulo bias. */
  integer(n: number): number {
    if (!(n >= 1 && n <= 4294967296 && Number.isInteger(n))) throw new OptionError(`Rng.integer: n must be an integer in 1…2^32, got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const u = this.nextUint32();
      if (u < limit) return u % n;
    }
  }

  /** A standard normal draw (Marsaglia's polar method; the second value is discarded so the state stays 4 words). */
  normal(): number {
    for (;;) {
      const u = 2 * this.random() - 1;
      const v = 2 * this.random() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
    }
  }

  /** A Gamma(shape, scale) draw (Marsaglia–Tsang; shape < 1 via the u^(1/shape) boost). */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !(scale > 0)) throw new OptionError(`Rng.gamma: shape and scale must be > 0, got ${shape}, ${scale}`);
    if (shape < 1) {
      const g = this.gamma(shape + 1, 1);
      let u = this.random();
      while (u === 0) u = this.random();
      return scale * g * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.random();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return scale * d * v;
      if (u > 0 && Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return scale * d * v;
    }
  }

  /** k distinct indices from [0, n), in draw order (partial Fisher–Yates). */
  sampleWithoutReplacement(n: number, k: number): Int32Array {
    if (k > n) throw new OptionError(`Rng.sampleWithoutReplacement: cannot draw ${k} of ${n}`);
    const pool = new Int32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + this.integer(n - i);
      const t = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = t;
    }
    return pool.slice(0, k);
  }

  /** k indices from [0, n), drawn with replacement. */
  sampleWithReplacement(n: number, k: number): Int32Array {
    const out = new Int32Array(k);
    for (let i = 0; i < k; i++) out[i] = this.integer(n);
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
