// The butterfly stages of the Stockham autosort FFT of fft.ts (forward sign, split re/im arrays): radices 2, 3,
// 4, 5 and 8 written out, a direct O(p²) odd radix for the other small primes, and a pruned stage for inputs that
// are zero beyond some index (zero-padded STFT segments).

/** One stage of a plan: radix p splits sub-transforms of length n interleaved with stride s. */
export interface Stage {
  /** Radix of this stage. */
  readonly p: number;
  /** Length of the sub-transform this stage splits (n = p·m). */
  readonly n: number;
  /** Stride: number of interleaved sub-transforms. */
  readonly s: number;
  /** Twiddles W_n^{j·k}, index j·(p−1) + (k−1). */
  readonly twRe: Float64Array;
  readonly twIm: Float64Array;
  /** For the generic radix: ω_p^{(r·k) mod p}, index r·p + k. */
  readonly rootRe?: Float64Array;
  readonly rootIm?: Float64Array;
}

/** The smallest 2^a·3^b·5^c ≥ n (a length the mixed-radix path transforms fastest). */
export function nextFastLength(n: number): number {
  for (let m = Math.max(1, n); ; m++) {
    let r = m;
    for (const f of [2, 3, 5]) while (r % f === 0) r /= f;
    if (r === 1) return m;
  }
}

// As many radix-8 stages as possible, radices in ascending order: a zero-padded input prunes the first stages to
// twiddle multiplications (cheapest with small radices), and the last stage, whose twiddles are all 1, does the
// most work per point with the largest radix.
export function factorize(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  let twos = 0;
  while (rest % 2 === 0) { twos++; rest /= 2; }
  let eights = Math.floor(twos / 3);
  let fours = 0;
  const left = twos - 3 * eights;
  if (left === 2) fours = 1;
  else if (left === 1 && eights > 0) { eights--; fours = 2; }
  for (let i = 0; i < eights; i++) factors.push(8);
  for (let i = 0; i < fours; i++) factors.push(4);
  if (left === 1 && fours === 0) factors.push(2);
  for (let f = 3; f * f <= rest; f += 2) while (rest % f === 0) { factors.push(f); rest /= f; }
  if (rest > 1) factors.push(rest);
  return factors.sort((a, b) => a - b);
}

// A stage whose sub-sequences are zero beyond index L ≤ m: only r = 0 contributes, y = x[q + s·j]·W_n^{jk}
// for j < L, and zeros for L ≤ j < m.
export function stagePruned(st: Stage, L: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { p, n, s, twRe, twIm } = st;
  const m = n / p;
  const pm1 = p - 1;
  for (let j = 0; j < m; j++) {
    const yout = s * p * j;
    if (j >= L) {
      yr.fill(0, yout, yout + s * p);
      yi.fill(0, yout, yout + s * p);
      continue;
    }
    const xin = s * j;
    for (let q = 0; q < s; q++) { yr[yout + q] = xr[xin + q]!; yi[yout + q] = xi[xin + q]!; }
    for (let k = 1; k < p; k++) {
      const wr = twRe[j * pm1 + k - 1]!, wi = twIm[j * pm1 + k - 1]!;
      const o = yout + k * s;
      for (let q = 0; q < s; q++) {
        const ar = xr[xin + q]!, ai = xi[xin + q]!;
        yr[o + q] = ar * wr - ai * wi; yi[o + q] = ar * wi + ai * wr;
      }
    }
  }
}

// One Stockham decimation-in-frequency stage: y[q + s(p·j + k)] = W_n^{jk}·Σ_r x[q + s(j + r·m)]·ω_p^{rk}.
export function stage(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { p, n, s, twRe, twIm } = st;
  const m = n / p;
  const sm = s * m;
  if (p === 8) {
    stage8(st, xr, xi, yr, yi);
  } else if (p === 4 && m === 1) {
    // Last stage: all twiddles are 1.
    for (let q = 0; q < s; q++) {
      const i0 = q, i1 = q + s, i2 = i1 + s, i3 = i2 + s;
      const a0r = xr[i0]!, a0i = xi[i0]!, a1r = xr[i1]!, a1i = xi[i1]!;
      const a2r = xr[i2]!, a2i = xi[i2]!, a3r = xr[i3]!, a3i = xi[i3]!;
      const t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i, t3r = a1i - a3i, t3i = a3r - a1r;
      yr[i0] = t0r + t2r; yi[i0] = t0i + t2i;
      yr[i1] = t1r + t3r; yi[i1] = t1i + t3i;
      yr[i2] = t0r - t2r; yi[i2] = t0i - t2i;
      yr[i3] = t1r - t3r; yi[i3] = t1i - t3i;
    }
  } else if (p === 4) {
    for (let j = 0; j < m; j++) {
      const w1r = twRe[3 * j]!, w1i = twIm[3 * j]!;
      const w2r = twRe[3 * j + 1]!, w2i = twIm[3 * j + 1]!;
      const w3r = twRe[3 * j + 2]!, w3i = twIm[3 * j + 2]!;
      const xin = s * j;
      const yout = s * 4 * j;
      for (let q = 0; q < s; q++) {
        const i0 = xin + q, i1 = i0 + sm, i2 = i1 + sm, i3 = i2 + sm;
        const a0r = xr[i0]!, a0i = xi[i0]!, a1r = xr[i1]!, a1i = xi[i1]!;
        const a2r = xr[i2]!, a2i = xi[i2]!, a3r = xr[i3]!, a3i = xi[i3]!;
        const t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
        const t2r = a1r + a3r, t2i = a1i + a3i;
        // (a1 − a3)·(−i)
        const t3r = a1i - a3i, t3i = a3r - a1r;
        const o = yout + q;
        yr[o] = t0r + t2r; yi[o] = t0i + t2i;
        let br = t1r + t3r, bi = t1i + t3i;
        yr[o + s] = br * w1r - bi * w1i; yi[o + s] = br * w1i + bi * w1r;
        br = t0r - t2r; bi = t0i - t2i;
        yr[o + 2 * s] = br * w2r - bi * w2i; yi[o + 2 * s] = br * w2i + bi * w2r;
        br = t1r - t3r; bi = t1i - t3i;
        yr[o + 3 * s] = br * w3r - bi * w3i; yi[o + 3 * s] = br * w3i + bi * w3r;
      }
    }
  } else if (p === 2) {
    for (let j = 0; j < m; j++) {
      const wr = twRe[j]!, wi = twIm[j]!;
      const xin = s * j;
      const yout = s * 2 * j;
      for (let q = 0; q < s; q++) {
        const i0 = xin + q, i1 = i0 + sm;
        const a0r = xr[i0]!, a0i = xi[i0]!, a1r = xr[i1]!, a1i = xi[i1]!;
        const o = yout + q;
        yr[o] = a0r + a1r; yi[o] = a0i + a1i;
        const br = a0r - a1r, bi = a0i - a1i;
        yr[o + s] = br * wr - bi * wi; yi[o + s] = br * wi + bi * wr;
      }
    }
  } else if (p === 3) {
    const c = -0.5;
    const sn = -Math.sqrt(3) / 2; // Im ω_3 for the forward sign
    for (let j = 0; j < m; j++) {
      const w1r = twRe[2 * j]!, w1i = twIm[2 * j]!, w2r = twRe[2 * j + 1]!, w2i = twIm[2 * j + 1]!;
      const xin = s * j;
      const yout = s * 3 * j;
      for (let q = 0; q < s; q++) {
        const i0 = xin + q, i1 = i0 + sm, i2 = i1 + sm;
        const a0r = xr[i0]!, a0i = xi[i0]!, a1r = xr[i1]!, a1i = xi[i1]!, a2r = xr[i2]!, a2i = xi[i2]!;
        const sr = a1r + a2r, si = a1i + a2i, dr = a1r - a2r, di = a1i - a2i;
        const mr = a0r + c * sr, mi = a0i + c * si;
        // ±i·sn·(a1 − a2)
        const rr = -sn * di, ri = sn * dr;
        const o = yout + q;
        yr[o] = a0r + sr; yi[o] = a0i + si;
        let br = mr + rr, bi = mi + ri;
        yr[o + s] = br * w1r - bi * w1i; yi[o + s] = br * w1i + bi * w1r;
        br = mr - rr; bi = mi - ri;
        yr[o + 2 * s] = br * w2r - bi * w2i; yi[o + 2 * s] = br * w2i + bi * w2r;
      }
    }
  } else if (p === 5) {
    const c1 = Math.cos((2 * Math.PI) / 5), c2 = Math.cos((4 * Math.PI) / 5);
    const s1 = -Math.sin((2 * Math.PI) / 5), s2 = -Math.sin((4 * Math.PI) / 5);
    for (let j = 0; j < m; j++) {
      const b = 4 * j;
      const w1r = twRe[b]!, w1i = twIm[b]!, w2r = twRe[b + 1]!, w2i = twIm[b + 1]!;
      const w3r = twRe[b + 2]!, w3i = twIm[b + 2]!, w4r = twRe[b + 3]!, w4i = twIm[b + 3]!;
      const xin = s * j;
      const yout = s * 5 * j;
      for (let q = 0; q < s; q++) {
        const i0 = xin + q, i1 = i0 + sm, i2 = i1 + sm, i3 = i2 + sm, i4 = i3 + sm;
        const a0r = xr[i0]!, a0i = xi[i0]!;
        const s14r = xr[i1]! + xr[i4]!, s14i = xi[i1]! + xi[i4]!, d14r = xr[i1]! - xr[i4]!, d14i = xi[i1]! - xi[i4]!;
        const s23r = xr[i2]! + xr[i3]!, s23i = xi[i2]! + xi[i3]!, d23r = xr[i2]! - xr[i3]!, d23i = xi[i2]! - xi[i3]!;
        const m1r = a0r + c1 * s14r + c2 * s23r, m1i = a0i + c1 * s14i + c2 * s23i;
        const m2r = a0r + c2 * s14r + c1 * s23r, m2i = a0i + c2 * s14i + c1 * s23i;
        // i·(s1·d14 + s2·d23) and i·(s2·d14 − s1·d23)
        const n1r = -(s1 * d14i + s2 * d23i), n1i = s1 * d14r + s2 * d23r;
        const n2r = -(s2 * d14i - s1 * d23i), n2i = s2 * d14r - s1 * d23r;
        const o = yout + q;
        yr[o] = a0r + s14r + s23r; yi[o] = a0i + s14i + s23i;
        let br = m1r + n1r, bi = m1i + n1i;
        yr[o + s] = br * w1r - bi * w1i; yi[o + s] = br * w1i + bi * w1r;
        br = m2r + n2r; bi = m2i + n2i;
        yr[o + 2 * s] = br * w2r - bi * w2i; yi[o + 2 * s] = br * w2i + bi * w2r;
        br = m2r - n2r; bi = m2i - n2i;
        yr[o + 3 * s] = br * w3r - bi * w3i; yi[o + 3 * s] = br * w3i + bi * w3r;
        br = m1r - n1r; bi = m1i - n1i;
        yr[o + 4 * s] = br * w4r - bi * w4i; yi[o + 4 * s] = br * w4i + bi * w4r;
      }
    }
  } else {
    const rr = st.rootRe!, ri = st.rootIm!;
    const pm1 = p - 1;
    for (let j = 0; j < m; j++) {
      const xin = s * j;
      const yout = s * p * j;
      for (let q = 0; q < s; q++) {
        for (let k = 0; k < p; k++) {
          let accR = 0, accI = 0;
          for (let r = 0; r < p; r++) {
            const idx = xin + q + r * sm;
            const ar = xr[idx]!, ai = xi[idx]!;
            const wr = rr[r * p + k]!, wi = ri[r * p + k]!;
            accR += ar * wr - ai * wi;
            accI += ar * wi + ai * wr;
          }
          const o = yout + q + k * s;
          if (k === 0) { yr[o] = accR; yi[o] = accI; }
          else {
            const wr = twRe[j * pm1 + k - 1]!, wi = twIm[j * pm1 + k - 1]!;
            yr[o] = accR * wr - accI * wi; yi[o] = accR * wi + accI * wr;
          }
        }
      }
    }
  }
}

const SQRT1_2 = Math.SQRT1_2;

// Radix 8 as two radix-4 transforms: even outputs from b_r = a_r + a_{r+4}, odd outputs from
// c_r = (a_r − a_{r+4})·W_8^r; then the stage twiddles (skipped when m = 1).
function stage8(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { n, s, twRe, twIm } = st;
  const m = n / 8;
  const sm = s * m;
  const hasTwiddles = m > 1;
  for (let j = 0; j < m; j++) {
    const t = 7 * j;
    const w1r = twRe[t]!, w1i = twIm[t]!, w2r = twRe[t + 1]!, w2i = twIm[t + 1]!;
    const w3r = twRe[t + 2]!, w3i = twIm[t + 2]!, w4r = twRe[t + 3]!, w4i = twIm[t + 3]!;
    const w5r = twRe[t + 4]!, w5i = twIm[t + 4]!, w6r = twRe[t + 5]!, w6i = twIm[t + 5]!;
    const w7r = twRe[t + 6]!, w7i = twIm[t + 6]!;
    const xin = s * j;
    const yout = s * 8 * j;
    for (let q = 0; q < s; q++) {
      const i0 = xin + q;
      const a0r = xr[i0]!, a0i = xi[i0]!, a1r = xr[i0 + sm]!, a1i = xi[i0 + sm]!;
      const a2r = xr[i0 + 2 * sm]!, a2i = xi[i0 + 2 * sm]!, a3r = xr[i0 + 3 * sm]!, a3i = xi[i0 + 3 * sm]!;
      const a4r = xr[i0 + 4 * sm]!, a4i = xi[i0 + 4 * sm]!, a5r = xr[i0 + 5 * sm]!, a5i = xi[i0 + 5 * sm]!;
      const a6r = xr[i0 + 6 * sm]!, a6i = xi[i0 + 6 * sm]!, a7r = xr[i0 + 7 * sm]!, a7i = xi[i0 + 7 * sm]!;
      // even half
      const b0r = a0r + a4r, b0i = a0i + a4i, b1r = a1r + a5r, b1i = a1i + a5i;
      const b2r = a2r + a6r, b2i = a2i + a6i, b3r = a3r + a7r, b3i = a3i + a7i;
      // odd half, pre-twiddled by W_8^r
      const c0r = a0r - a4r, c0i = a0i - a4i;
      const d1r = a1r - a5r, d1i = a1i - a5i;
      const c1r = SQRT1_2 * (d1r + d1i), c1i = SQRT1_2 * (d1i - d1r); // ·(1 − i)/√2
      const c2r = a2i - a6i, c2i = a6r - a2r; // ·(−i)
      const d3r = a3r - a7r, d3i = a3i - a7i;
      const c3r = SQRT1_2 * (d3i - d3r), c3i = -SQRT1_2 * (d3r + d3i); // ·(−1 − i)/√2
      // DFT4 of b → outputs 0, 2, 4, 6
      let t0r = b0r + b2r, t0i = b0i + b2i, t1r = b0r - b2r, t1i = b0i - b2i;
      let t2r = b1r + b3r, t2i = b1i + b3i, t3r = b1i - b3i, t3i = b3r - b1r;
      const y0r = t0r + t2r, y0i = t0i + t2i, y2r = t1r + t3r, y2i = t1i + t3i;
      const y4r = t0r - t2r, y4i = t0i - t2i, y6r = t1r - t3r, y6i = t1i - t3i;
      // DFT4 of c → outputs 1, 3, 5, 7
      t0r = c0r + c2r; t0i = c0i + c2i; t1r = c0r - c2r; t1i = c0i - c2i;
      t2r = c1r + c3r; t2i = c1i + c3i; t3r = c1i - c3i; t3i = c3r - c1r;
      const y1r = t0r + t2r, y1i = t0i + t2i, y3r = t1r + t3r, y3i = t1i + t3i;
      const y5r = t0r - t2r, y5i = t0i - t2i, y7r = t1r - t3r, y7i = t1i - t3i;
      const o = yout + q;
      yr[o] = y0r; yi[o] = y0i;
      if (hasTwiddles) {
        yr[o + s] = y1r * w1r - y1i * w1i; yi[o + s] = y1r * w1i + y1i * w1r;
        yr[o + 2 * s] = y2r * w2r - y2i * w2i; yi[o + 2 * s] = y2r * w2i + y2i * w2r;
        yr[o + 3 * s] = y3r * w3r - y3i * w3i; yi[o + 3 * s] = y3r * w3i + y3i * w3r;
        yr[o + 4 * s] = y4r * w4r - y4i * w4i; yi[o + 4 * s] = y4r * w4i + y4i * w4r;
        yr[o + 5 * s] = y5r * w5r - y5i * w5i; yi[o + 5 * s] = y5r * w5i + y5i * w5r;
        yr[o + 6 * s] = y6r * w6r - y6i * w6i; yi[o + 6 * s] = y6r * w6i + y6i * w6r;
        yr[o + 7 * s] = y7r * w7r - y7i * w7i; yi[o + 7 * s] = y7r * w7i + y7i * w7r;
      } else {
        yr[o + s] = y1r; yi[o + s] = y1i; yr[o + 2 * s] = y2r; yi[o + 2 * s] = y2i;
        yr[o + 3 * s] = y3r; yi[o + 3 * s] = y3i; yr[o + 4 * s] = y4r; yi[o + 4 * s] = y4i;
        yr[o + 5 * s] = y5r; yi[o + 5 * s] = y5i; yr[o + 6 * s] = y6r; yi[o + 6 * s] = y6i;
        yr[o + 7 * s] = y7r; yi[o + 7 * s] = y7i;
      }
    }
  }
}

