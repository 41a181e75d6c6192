// Plain TypeScript matrix products: the reference backend and the fallback.
// Register-blocked 4×4 (sixteen scalar accumulators), the fastest form V8
// compiles without SIMD (≈ 2.5× a naive triple loop on the bench shapes).

/** C (m×n) = A (m×k) · B (k×n), row-major; C overwritten, must not alias A or B. */
export function gemmAB(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let bp = j;
      for (let p = 0; p < k; p++, bp += n) {
        const y0 = b[bp]!, y1 = b[bp + 1]!, y2 = b[bp + 2]!, y3 = b[bp + 3]!;
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = i * n + j;
      c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += n;
      c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += n;
      c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += n;
      c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
    }
    for (let j = n4; j < n; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const y = b[bp]!;
        s0 += a[a0 + p]! * y; s1 += a[a1 + p]! * y; s2 += a[a2 + p]! * y; s3 += a[a3 + p]! * y;
      }
      c[i * n + j] = s0; c[(i + 1) * n + j] = s1; c[(i + 2) * n + j] = s2; c[(i + 3) * n + j] = s3;
    }
  }
  for (let i = m4; i < m; i++) {
    const ai = i * k;
    const ci = i * n;
    for (let j = 0; j < n; j++) c[ci + j] = 0;
    for (let p = 0; p < k; p++) {
      const x = a[ai + p]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + x * b[bp + j]!;
    }
  }
}

/** C (m×n) = A (m×k) · Bᵀ with B n×k, row-major; C overwritten, must not alias A or B. */
export function gemmABt(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++) {
        const y0 = b[b0 + p]!, y1 = b[b1 + p]!, y2 = b[b2 + p]!, y3 = b[b3 + p]!;
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = i * n + j;
      c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += n;
      c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += n;
      c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += n;
      c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
    }
    for (let j = n4; j < n; j++) {
      const bj = j * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[bj + p]!;
        s0 += a[a0 + p]! * y; s1 += a[a1 + p]! * y; s2 += a[a2 + p]! * y; s3 += a[a3 + p]! * y;
      }
      c[i * n + j] = s0; c[(i + 1) * n + j] = s1; c[(i + 2) * n + j] = s2; c[(i + 3) * n + j] = s3;
    }
  }
  for (let i = m4; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
      c[i * n + j] = s;
    }
  }
}

/** C (m×n) = Aᵀ · B with A k×m and B k×n, row-major; C overwritten, must not alias A or B. */
export function gemmAtB(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let ap = i;
      let bp = j;
      for (let p = 0; p < k; p++, ap += m, bp += n) {
        const y0 = b[bp]!, y1 = b[bp + 1]!, y2 = b[bp + 2]!, y3 = b[bp + 3]!;
        const x0 = a[ap]!, x1 = a[ap + 1]!, x2 = a[ap + 2]!, x3 = a[ap + 3]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = i * n + j;
      c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += n;
      c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += n;
      c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += n;
      c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
    }
    for (let j = n4; j < n; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0, ap = i, bp = j; p < k; p++, ap += m, bp += n) {
        const y = b[bp]!;
        s0 += a[ap]! * y; s1 += a[ap + 1]! * y; s2 += a[ap + 2]! * y; s3 += a[ap + 3]! * y;
      }
      c[i * n + j] = s0; c[(i + 1) * n + j] = s1; c[(i + 2) * n + j] = s2; c[(i + 3) * n + j] = s3;
    }
  }
  for (let i = m4; i < m; i++) {
    const ci = i * n;
    for (let j = 0; j < n; j++) c[ci + j] = 0;
    for (let p = 0; p < k; p++) {
      const x = a[p * m + i]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + x * b[bp + j]!;
    }
  }
}
