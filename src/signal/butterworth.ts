// Butterworth design as SciPy's `butter(N, Wn, btype, fs=fs, output='sos')`: analog prototype (buttap),
// frequency transformation (lp2lp/lp2hp/lp2bp/lp2bs), bilinear transform with pre-warping, then `zpk2sos`
// with its default 'nearest' pairing for digital filters, so the sections come out in SciPy's order.
import { OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";

/** A complex number. */
export interface Complex { readonly re: number; readonly im: number }

/** Zeros, poles and gain of a transfer function. */
export interface Zpk { readonly zeros: readonly Complex[]; readonly poles: readonly Complex[]; readonly gain: number }

/** Filter band types. */
export type FilterType = "lowpass" | "highpass" | "bandpass" | "bandstop";

const c = (re: number, im = 0): Complex => ({ re, im });
const add = (a: Complex, b: Complex): Complex => c(a.re + b.re, a.im + b.im);
const sub = (a: Complex, b: Complex): Complex => c(a.re - b.re, a.im - b.im);
const mul = (a: Complex, b: Complex): Complex => c(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
const scale = (a: Complex, s: number): Complex => c(a.re * s, a.im * s);
const abs = (a: Complex): number => Math.hypot(a.re, a.im);
const conj = (a: Complex): Complex => c(a.re, -a.im);
function div(a: Complex, b: Complex): Complex {
  // Smith's algorithm, as C99's complex division does in spirit.
  if (Math.abs(b.re) >= Math.abs(b.im)) {
    const r = b.im / b.re, d = b.re + b.im * r;
    return c((a.re + a.im * r) / d, (a.im - a.re * r) / d);
  }
  const r = b.re / b.im, d = b.re * r + b.im;
  return c((a.re * r + a.im) / d, (a.im * r - a.re) / d);
}
function csqrt(a: Complex): Complex {
  // Principal square root; the sign of the imaginary part (including −0) selects the branch, as C's csqrt.
  const r = abs(a);
  if (r === 0) return c(0, a.im);
  const negIm = a.im < 0 || Object.is(a.im, -0);
  if (a.re >= 0) {
    const t = Math.sqrt((r + a.re) / 2);
    return c(t, a.im / (2 * t));
  }
  const t = Math.sqrt((r - a.re) / 2);
  return c(Math.abs(a.im) / (2 * t), negIm ? -t : t);
}
const prod = (xs: readonly Complex[]): Complex => xs.reduce((acc, x) => mul(acc, x), c(1));

/**
 * SciPy's `buttap(N)`: the analog Butterworth prototype (cut-off 1 rad/s), no zeros, gain 1.
 * @param order N ≥ 1
 */
export function butterworthPrototype(order: number): Zpk {
  const poles: Complex[] = [];
  for (let m = -order + 1; m < order; m += 2) {
    const theta = (Math.PI * m) / (2 * order);
    poles.push(c(-Math.cos(theta), -Math.sin(theta)));
  }
  return { zeros: [], poles, gain: 1 };
}

/**
 * SciPy's `butter(N, Wn, btype, output='zpk', fs=fs)`: a digital Butterworth filter as zeros, poles and gain.
 * @param order N (integer ≥ 1)
 * @param cornersHz one corner (lowpass/highpass) or [low, high] (bandpass/bandstop), Hz, 0 < f < fs/2
 * @param type "lowpass" | "highpass" | "bandpass" | "bandstop"
 * @param sampleRateHz fs, Hz
 * @throws OptionError for a bad order, corner count or a corner outside (0, fs/2)
 */
export function butterworthZpk(order: number, cornersHz: number | readonly number[], type: FilterType, sampleRateHz: number): Zpk {
  if (!Number.isInteger(order) || order < 1) throw new OptionError(`butterworth: order must be an integer ≥ 1, got ${order}`, { field: "order" });
  if (!(sampleRateHz > 0 && Number.isFinite(sampleRateHz))) throw new OptionError(`butterworth: sampling rate must be > 0 Hz, got ${sampleRateHz}`, { field: "sampleRateHz" });
  const corners = typeof cornersHz === "number" ? [cornersHz] : [...cornersHz];
  const isBand = type === "bandpass" || type === "bandstop";
  if (corners.length !== (isBand ? 2 : 1)) {
    throw new OptionError(`butterworth: a ${type} filter takes ${isBand ? "two corners [low, high]" : "one corner"} (Hz), got ${corners.length}`, { field: "cornersHz" });
  }
  const nyquist = sampleRateHz / 2;
  const wn = corners.map((f) => (2 * f) / sampleRateHz);
  for (let i = 0; i < wn.length; i++) {
    if (!(wn[i]! > 0 && wn[i]! < 1)) throw new OptionError(`butterworth: corner ${corners[i]} Hz must be inside (0, ${nyquist}) Hz (the Nyquist frequency at ${sampleRateHz} Hz)`, { field: "cornersHz" });
  }
  if (isBand && !(wn[0]! < wn[1]!)) throw new OptionError(`butterworth: band corners must be increasing, got [${corners.join(", ")}] Hz`, { field: "cornersHz" });
  return digitalFromPrototype(butterworthPrototype(order), wn, type);
}

/**
 * SciPy's `iirfilter` steps after the prototype: pre-warping, lp2lp/lp2hp/lp2bp/lp2bs and the bilinear
 * transform (at fs = 2, corners normalised to Nyquist).
 * @param prototype analog low-pass prototype with cut-off 1 rad/s (e.g. `butterworthPrototype`)
 * @param wn corner(s) as fractions of the Nyquist frequency, 0 < wn < 1 (two for band filters)
 * @param type band type
 * @returns digital zeros, poles and gain
 */
export function digitalFromPrototype(prototype: Zpk, wn: readonly number[], type: FilterType): Zpk {
  const fs2 = 2.0;
  const warped = wn.map((w) => 2 * fs2 * Math.tan((Math.PI * w) / fs2));
  let zpk = prototype;
  if (type === "lowpass") zpk = lowpassToLowpass(zpk, warped[0]!);
  else if (type === "highpass") zpk = lowpassToHighpass(zpk, warped[0]!);
  else {
    const bw = warped[1]! - warped[0]!;
    const wo = Math.sqrt(warped[0]! * warped[1]!);
    zpk = type === "bandpass" ? lowpassToBandpass(zpk, wo, bw) : lowpassToBandstop(zpk, wo, bw);
  }
  return bilinear(zpk, fs2);
}

function lowpassToLowpass(z: Zpk, wo: number): Zpk {
  const degree = z.poles.length - z.zeros.length;
  return { zeros: z.zeros.map((x) => scale(x, wo)), poles: z.poles.map((x) => scale(x, wo)), gain: z.gain * wo ** degree };
}

function lowpassToHighpass(z: Zpk, wo: number): Zpk {
  const degree = z.poles.length - z.zeros.length;
  const zeros = z.zeros.map((x) => div(c(wo), x));
  for (let i = 0; i < degree; i++) zeros.push(c(0));
  const k = div(prod(z.zeros.map((x) => scale(x, -1))), prod(z.poles.map((x) => scale(x, -1)))).re;
  return { zeros, poles: z.poles.map((x) => div(c(wo), x)), gain: z.gain * k };
}

function lowpassToBandpass(z: Zpk, wo: number, bw: number): Zpk {
  const degree = z.poles.length - z.zeros.length;
  const split = (xs: readonly Complex[]): Complex[] => {
    const lp = xs.map((x) => scale(x, bw / 2));
    const roots = lp.map((x) => csqrt(sub(mul(x, x), c(wo * wo))));
    return [...lp.map((x, i) => add(x, roots[i]!)), ...lp.map((x, i) => sub(x, roots[i]!))];
  };
  const zeros = split(z.zeros);
  for (let i = 0; i < degree; i++) zeros.push(c(0));
  return { zeros, poles: split(z.poles), gain: z.gain * bw ** degree };
}

function lowpassToBandstop(z: Zpk, wo: number, bw: number): Zpk {
  const degree = z.poles.length - z.zeros.length;
  const split = (xs: readonly Complex[]): Complex[] => {
    const hp = xs.map((x) => div(c(bw / 2), x));
    const roots = hp.map((x) => csqrt(sub(mul(x, x), c(wo * wo))));
    return [...hp.map((x, i) => add(x, roots[i]!)), ...hp.map((x, i) => sub(x, roots[i]!))];
  };
  const zeros = split(z.zeros);
  for (let i = 0; i < degree; i++) zeros.push(c(0, wo));
  for (let i = 0; i < degree; i++) zeros.push(c(0, -wo));
  const k = div(prod(z.zeros.map((x) => scale(x, -1))), prod(z.poles.map((x) => scale(x, -1)))).re;
  return { zeros, poles: split(z.poles), gain: z.gain * k };
}

function bilinear(z: Zpk, fs: number): Zpk {
  const degree = z.poles.length - z.zeros.length;
  const fs2 = c(2.0 * fs);
  const zeros = z.zeros.map((x) => div(add(fs2, x), sub(fs2, x)));
  const poles = z.poles.map((x) => div(add(fs2, x), sub(fs2, x)));
  for (let i = 0; i < degree; i++) zeros.push(c(-1));
  const k = div(prod(z.zeros.map((x) => sub(fs2, x))), prod(z.poles.map((x) => sub(fs2, x)))).re;
  return { zeros, poles, gain: z.gain * k };
}

// SciPy's _cplxreal: complex roots with positive imaginary part (pairs averaged) and the real roots, sorted.
function cplxreal(xs: readonly Complex[]): { complex: Complex[]; real: number[] } {
  if (xs.length === 0) return { complex: [], real: [] };
  const tol = 100 * 2.220446049250313e-16;
  const sorted = [...xs].sort((a, b) => a.re - b.re || Math.abs(a.im) - Math.abs(b.im));
  const real: number[] = [];
  const rest: Complex[] = [];
  for (const x of sorted) (Math.abs(x.im) <= tol * abs(x) ? real.push(x.re) : rest.push(x));
  if (rest.length === 0) return { complex: [], real };
  const zp = rest.filter((x) => x.im > 0);
  const zn = rest.filter((x) => x.im < 0);
  if (zp.length !== zn.length) throw new OptionError("zpk2sos: complex roots must come in conjugate pairs");
  // Runs of (nearly) equal real parts are sorted by |imag|.
  let start = 0;
  for (let i = 1; i <= zp.length; i++) {
    const same = i < zp.length && zp[i]!.re - zp[i - 1]!.re <= tol * abs(zp[i - 1]!);
    if (!same) {
      if (i - start > 1) {
        const byImag = (a: Complex, b: Complex): number => Math.abs(a.im) - Math.abs(b.im);
        zp.splice(start, i - start, ...zp.slice(start, i).sort(byImag));
        zn.splice(start, i - start, ...zn.slice(start, i).sort(byImag));
      }
      start = i;
    }
  }
  for (let i = 0; i < zp.length; i++) {
    if (abs(sub(zp[i]!, conj(zn[i]!))) > tol * abs(zn[i]!)) throw new OptionError("zpk2sos: complex roots must come in conjugate pairs");
  }
  return { complex: zp.map((p, i) => scale(add(p, conj(zn[i]!)), 0.5)), real };
}

const isReal = (x: Complex): boolean => x.im === 0;

function nearestIndex(from: readonly Complex[], to: Complex, which: "any" | "real" | "complex"): number {
  const order = from.map((x, i) => ({ i, d: abs(sub(x, to)) })).sort((a, b) => a.d - b.d || a.i - b.i);
  for (const { i } of order) {
    if (which === "any" || (which === "real") === isReal(from[i]!)) return i;
  }
  throw new OptionError(`zpk2sos: no ${which} root left to pair`);
}

// numpy's poly for up to two roots, real part (roots are real or a conjugate pair).
function poly(roots: readonly Complex[]): number[] {
  let a: Complex[] = [c(1)];
  for (const r of roots) {
    const next: Complex[] = [];
    for (let i = 0; i <= a.length; i++) {
      const left = i < a.length ? a[i]! : c(0);
      const right = i > 0 ? mul(a[i - 1]!, scale(r, -1)) : c(0);
      next.push(add(left, right));
    }
    a = next;
  }
  return a.map((x) => x.re);
}

function section(zeros: readonly Complex[], poles: readonly Complex[]): number[] {
  const row = [0, 0, 0, 0, 0, 0];
  const b = poly(zeros), a = poly(poles);
  for (let i = 0; i < b.length; i++) row[3 - b.length + i] = b[i]!;
  for (let i = 0; i < a.length; i++) row[6 - a.length + i] = a[i]!;
  return row;
}

/**
 * SciPy's `zpk2sos(z, p, k)` for a digital filter with the default 'nearest' pairing: poles closest to the
 * unit circle go to the last sections, each paired with its nearest zeros; the gain goes to section 0.
 * @param zpk zeros, poles (conjugate pairs) and gain
 * @returns second-order sections, n×6 matrix [b0, b1, b2, a0 = 1, a1, a2]
 * @throws OptionError when complex roots do not come in conjugate pairs
 */
export function zpkToSos(zpk: Zpk): Matrix {
  let z = [...zpk.zeros];
  let p = [...zpk.poles];
  if (z.length === 0 && p.length === 0) return { data: Float64Array.from([zpk.gain, 0, 0, 1, 0, 0]), shape: [1, 6] };
  while (p.length < z.length) p.push(c(0));
  while (z.length < p.length) z.push(c(0));
  const nSections = Math.floor((Math.max(p.length, z.length) + 1) / 2);
  if (p.length % 2 === 1) { p.push(c(0)); z.push(c(0)); }
  const zs = cplxreal(z), ps = cplxreal(p);
  z = [...zs.complex, ...zs.real.map((x) => c(x))];
  p = [...ps.complex, ...ps.real.map((x) => c(x))];
  const worst = (xs: readonly Complex[]): number => {
    let best = 0, bestD = Infinity;
    for (let i = 0; i < xs.length; i++) { const d = Math.abs(1 - abs(xs[i]!)); if (d < bestD) { bestD = d; best = i; } }
    return best;
  };
  const rows: number[][] = new Array(nSections);
  for (let si = nSections - 1; si >= 0; si--) {
    const p1 = p.splice(worst(p), 1)[0]!;
    const realPolesLeft = p.filter(isReal).length;
    if (isReal(p1) && realPolesLeft === 0) {
      // Special case 1: the last remaining real pole.
      const z1 = z.splice(nearestIndex(z, p1, "real"), 1)[0]!;
      rows[si] = section([z1, c(0)], [p1, c(0)]);
    } else if (p.length + 1 === z.length && !isReal(p1) && realPolesLeft === 1 && z.filter(isReal).length === 1) {
      // Special case 2: one real pole and one real zero left, so this pole must take a complex zero.
      const z1 = z.splice(nearestIndex(z, p1, "complex"), 1)[0]!;
      rows[si] = section([z1, conj(z1)], [p1, conj(p1)]);
    } else {
      let p2: Complex;
      if (isReal(p1)) {
        const realIdx = p.map((x, i) => (isReal(x) ? i : -1)).filter((i) => i >= 0);
        const j = realIdx[worst(realIdx.map((i) => p[i]!))]!;
        p2 = p.splice(j, 1)[0]!;
      } else p2 = conj(p1);
      if (z.length > 0) {
        const z1 = z.splice(nearestIndex(z, p1, "any"), 1)[0]!;
        if (!isReal(z1)) rows[si] = section([z1, conj(z1)], [p1, p2]);
        else if (z.length > 0) {
          const z2 = z.splice(nearestIndex(z, p1, "real"), 1)[0]!;
          rows[si] = section([z1, z2], [p1, p2]);
        } else rows[si] = section([z1], [p1, p2]);
      } else rows[si] = section([], [p1, p2]);
    }
  }
  const data = new Float64Array(nSections * 6);
  for (let i = 0; i < nSections; i++) data.set(rows[i]!, i * 6);
  data[0] = data[0]! * zpk.gain; data[1] = data[1]! * zpk.gain; data[2] = data[2]! * zpk.gain;
  return { data, shape: [nSections, 6] };
}

/**
 * SciPy's `butter(N, Wn, btype, output='sos', fs=fs)`.
 * @param order N; @param cornersHz corner (or [low, high]) in Hz; @param type band type; @param sampleRateHz fs
 * @returns second-order sections, ⌈N/2⌉×6 (band filters N×6), rows [b0, b1, b2, 1, a1, a2]
 * @throws OptionError for invalid parameters
 * @example butterworth(4, [1, 40], "bandpass", 125) // 4 sections, equal to SciPy's
 */
export function butterworth(order: number, cornersHz: number | readonly number[], type: FilterType, sampleRateHz: number): Matrix {
  return zpkToSos(butterworthZpk(order, cornersHz, type, sampleRateHz));
}
