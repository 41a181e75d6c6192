// Elementwise NMF kernels in plain TypeScript (see Kernels in ../types.ts).
import { digamma } from "../../core/special.js";

const MIN_NORMAL = 2.2250738585072014e-308;

export function expectationExp(k: number, m: number, h: Float64Array, shift: Float64Array | null, invT: number, lnOut: Float64Array, expOut: Float64Array, colMax: Float64Array): void {
  colMax.fill(-Infinity, 0, m);
  for (let r = 0; r < k; r++) {
    const o = r * m;
    const s = shift === null ? 0 : shift[r]!;
    for (let j = 0; j < m; j++) {
      const v = digamma(h[o + j]!) - s;
      lnOut[o + j] = v;
      if (v > colMax[j]!) colMax[j] = v;
    }
  }
  for (let r = 0; r < k; r++) {
    const o = r * m;
    for (let j = 0; j < m; j++) {
      const v = (lnOut[o + j]! - colMax[j]!) * invT;
      lnOut[o + j] = v;
      expOut[o + j] = Math.exp(v);
    }
  }
}

export function logWeightsExp(d: number, k: number, W1: Float64Array, W2: Float64Array, cA: Float64Array, cB: Float64Array, invT: number, lnOut: Float64Array, expOut: Float64Array): void {
  for (let r = 0; r < d; r++) {
    const o = r * k;
    let mx = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = digamma(W1[o + j]!) - Math.log(W2[o + j]!) + cA[j]! - cB[j]!;
      lnOut[o + j] = v;
      if (v > mx) mx = v;
    }
    for (let j = 0; j < k; j++) {
      const v = (lnOut[o + j]! - mx) * invT;
      lnOut[o + j] = v;
      expOut[o + j] = Math.exp(v);
    }
  }
}

export function affineProduct(n: number, u: Float64Array, v: Float64Array, w: Float64Array | null, alpha: number, beta: number, gamma: number, out: Float64Array): void {
  if (w === null) for (let i = 0; i < n; i++) out[i] = alpha + (beta + u[i]! * v[i]!) * gamma;
  else for (let i = 0; i < n; i++) out[i] = alpha + (beta + (u[i]! * v[i]! + w[i]!)) * gamma;
}

export function poissonLogSum(n: number, x: Float64Array, lambda: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const xv = x[i]!;
    const l = lambda[i]!;
    if (xv !== 0) {
      if (!(l >= MIN_NORMAL)) return NaN;
      sum += xv * Math.log(l);
    }
    sum -= l;
  }
  return sum;
}
