// ALGORITHM.md §2.2: R = X ⊘ (E_W · E_H), fused so Z is never stored.
// Same 4×4 register blocking as gemmAB; each finished Z entry is divided at once.

/** See Kernels.poissonRatio (types.ts): returns the number of entries marked −1. */
export function poissonRatio(d: number, m: number, k: number, eW: Float64Array, eH: Float64Array, x: Float64Array, r: Float64Array, zMin: number): number {
  const rMax = 1 / zMin;
  let marked = 0;
  const d4 = d - (d % 4);
  const m4 = m - (m % 4);
  for (let i = 0; i < d4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < m4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let bp = j;
      for (let p = 0; p < k; p++, bp += m) {
        const y0 = eH[bp]!, y1 = eH[bp + 1]!, y2 = eH[bp + 2]!, y3 = eH[bp + 3]!;
        const x0 = eW[a0 + p]!, x1 = eW[a1 + p]!, x2 = eW[a2 + p]!, x3 = eW[a3 + p]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = i * m + j;
      marked += ratio4(x, r, o, c00, c01, c02, c03, zMin, rMax); o += m;
      marked += ratio4(x, r, o, c10, c11, c12, c13, zMin, rMax); o += m;
      marked += ratio4(x, r, o, c20, c21, c22, c23, zMin, rMax); o += m;
      marked += ratio4(x, r, o, c30, c31, c32, c33, zMin, rMax);
    }
    for (let j = m4; j < m; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += m) {
        const y = eH[bp]!;
        s0 += eW[a0 + p]! * y; s1 += eW[a1 + p]! * y; s2 += eW[a2 + p]! * y; s3 += eW[a3 + p]! * y;
      }
      marked += ratio1(x, r, i * m + j, s0, zMin, rMax) + ratio1(x, r, (i + 1) * m + j, s1, zMin, rMax);
      marked += ratio1(x, r, (i + 2) * m + j, s2, zMin, rMax) + ratio1(x, r, (i + 3) * m + j, s3, zMin, rMax);
    }
  }
  for (let i = d4; i < d; i++) {
    const ai = i * k;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0, bp = j; p < k; p++, bp += m) s += eW[ai + p]! * eH[bp]!;
      marked += ratio1(x, r, i * m + j, s, zMin, rMax);
    }
  }
  return marked;
}

function ratio4(x: Float64Array, r: Float64Array, o: number, z0: number, z1: number, z2: number, z3: number, zMin: number, rMax: number): number {
  return ratio1(x, r, o, z0, zMin, rMax) + ratio1(x, r, o + 1, z1, zMin, rMax) + ratio1(x, r, o + 2, z2, zMin, rMax) + ratio1(x, r, o + 3, z3, zMin, rMax);
}

function ratio1(x: Float64Array, r: Float64Array, o: number, z: number, zMin: number, rMax: number): number {
  const xv = x[o]!;
  if (xv === 0) {
    r[o] = 0;
    return 0;
  }
  const q = xv / z;
  if (z >= zMin && q <= rMax) {
    r[o] = q;
    return 0;
  }
  r[o] = -1;
  return 1;
}
