import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../core/rng.js";
import { readGolden } from "../../test-support/shared.js";
import { digamma } from "../core/special.js";
import { getKernels, isWasmSimdAvailable } from "./index.js";
import type { Kernels } from "./types.js";

// Every backend against naive loops. Sums are reordered by blocking and SIMD, so
// products compare at |a − b| ≤ 1e-14·Σ|terms| (a few ulps of the largest partial sums).
const BACKENDS: Kernels[] = [getKernels("js"), getKernels("wasm")];
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 5, 3], [3, 1, 7], [4, 4, 4], [5, 7, 3], [7, 9, 2], [8, 6, 1], [9, 13, 11], [13, 5, 17], [20, 51, 12],
  // k·n > 6144: the wasm gemm works in panels of p (the last one partial)
  [6, 51, 200], [9, 70, 131],
];

function random(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.random() * 2 - 1;
  return a;
}

function close(got: Float64Array, want: Float64Array, scale: Float64Array, label: string): void {
  assert.equal(got.length, want.length, label);
  for (let i = 0; i < want.length; i++) {
    const tol = 1e-14 * scale[i]! + 1e-300;
    assert.ok(Math.abs(got[i]! - want[i]!) <= tol, `${label}: entry ${i} got ${got[i]}, expected ${want[i]} (tol ${tol})`);
  }
}

/** Naive C = op(A)·op(B) with the sum of |terms| per entry. */
function naive(m: number, n: number, k: number, A: (i: number, p: number) => number, B: (p: number, j: number) => number): [Float64Array, Float64Array] {
  const c = new Float64Array(m * n);
  const s = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const t = A(i, p) * B(p, j);
        sum += t;
        abs += Math.abs(t);
      }
      c[i * n + j] = sum;
      s[i * n + j] = abs;
    }
  }
  return [c, s];
}

test("wasm SIMD is available on this runtime (the bench and 'auto' rely on it)", () => {
  assert.equal(isWasmSimdAvailable(), true);
  assert.equal(getKernels("auto").name, "wasm-simd");
});

for (const kernels of BACKENDS) {
  for (const inWorkspace of [false, true]) {
    const where = `${kernels.name}${inWorkspace ? " (workspace views)" : " (plain arrays)"}`;

    test(`${where}: gemmAB, gemmABt, gemmAtB equal naive loops on ${SHAPES.length} shapes incl. remainders`, () => {
      const rng = new Rng(7);
      for (const [m, n, k] of SHAPES) {
        const ws = inWorkspace ? kernels.workspace(2 * m * k + 2 * k * n + m * n) : null;
        const K = ws ? ws.kernels : kernels;
        const alloc = (len: number): Float64Array => (ws ? ws.take(len) : new Float64Array(len));
        const fill = (len: number): Float64Array => {
          const a = alloc(len);
          a.set(random(rng, len));
          return a;
        };
        const a = fill(m * k);
        const b = fill(k * n);
        const bt = fill(n * k);
        const at = fill(k * m);
        const c = alloc(m * n);
        c.fill(NaN); // outputs are overwritten, never accumulated
        K.gemmAB(m, n, k, a, b, c);
        const [ab, sab] = naive(m, n, k, (i, p) => a[i * k + p]!, (p, j) => b[p * n + j]!);
        close(c, ab, sab, `${where} gemmAB ${m}×${n}×${k}`);
        c.fill(NaN);
        K.gemmABt(m, n, k, a, bt, c);
        const [abt, sabt] = naive(m, n, k, (i, p) => a[i * k + p]!, (p, j) => bt[j * k + p]!);
        close(c, abt, sabt, `${where} gemmABt ${m}×${n}×${k}`);
        c.fill(NaN);
        K.gemmAtB(m, n, k, at, b, c);
        const [atb, satb] = naive(m, n, k, (i, p) => at[p * m + i]!, (p, j) => b[p * n + j]!);
        close(c, atb, satb, `${where} gemmAtB ${m}×${n}×${k}`);
      }
    });

    test(`${where}: poissonRatio equals X/(E_W·E_H), 0 where X = 0, and marks underflow and overflow with −1`, () => {
      const rng = new Rng(11);
      const zMin = 1e-280;
      for (const [d, m, k] of SHAPES) {
        const ws = inWorkspace ? kernels.workspace(d * k + k * m + 2 * d * m) : null;
        const K = ws ? ws.kernels : kernels;
        const alloc = (len: number): Float64Array => (ws ? ws.take(len) : new Float64Array(len));
        const eW = alloc(d * k);
        const eH = alloc(k * m);
        const x = alloc(d * m);
        const r = alloc(d * m);
        for (let i = 0; i < eW.length; i++) eW[i] = rng.random();
        for (let i = 0; i < eH.length; i++) eH[i] = rng.random();
        for (let i = 0; i < x.length; i++) x[i] = rng.random() < 0.3 ? 0 : 10 * rng.random();
        // Force special rows: row 0 of E_W zero (Z = 0): X > 0 there is marked, X = 0 gives 0.
        for (let p = 0; p < k; p++) eW[p] = 0;
        if (d > 1 && m > 1) {
          x[m] = 0; // X = 0 with Z > 0
          x[0] = 3;
          x[1] = 0;
        }
        // Row d−1 (if another row): tiny Z with a huge X → ratio above 1/zMin is marked too.
        if (d > 2) {
          for (let p = 0; p < k; p++) eW[(d - 1) * k + p] = 1e-150;
          x[(d - 1) * m] = 1e200;
        }
        r.fill(NaN);
        const marked = K.poissonRatio(d, m, k, eW, eH, x, r, zMin);
        let expectMarked = 0;
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < m; j++) {
            let z = 0;
            let abs = 0;
            for (let p = 0; p < k; p++) {
              z += eW[i * k + p]! * eH[p * m + j]!;
              abs += eW[i * k + p]! * eH[p * m + j]!;
            }
            const xv = x[i * m + j]!;
            const got = r[i * m + j]!;
            if (xv === 0) assert.equal(got, 0, `${where} ${d}×${m}×${k}: X = 0 at (${i}, ${j})`);
            else if (!(z >= zMin) || !(xv / z <= 1 / zMin)) {
              expectMarked++;
              assert.equal(got, -1, `${where}: marked entry (${i}, ${j})`);
            } else {
              const want = xv / z;
              assert.ok(Math.abs(got - want) <= 1e-14 * (xv / z) * (abs / z), `${where} ratio (${i}, ${j}): ${got} vs ${want}`);
            }
          }
        }
        assert.equal(marked, expectMarked, `${where} ${d}×${m}×${k}: number of marked entries`);
      }
    });
  }

  test(`${kernels.name}: digamma meets golden/digamma.json (1e-13 relative, 1e-15 absolute where |ψ| < 0.01)`, () => {
    const g = readGolden<{ x: number[]; psi: number[] }>("digamma.json");
    const n = g.x.length;
    const x = Float64Array.from(g.x);
    const out = new Float64Array(n);
    kernels.digamma(n, x, out);
    for (let i = 0; i < n; i++) {
      const want = g.psi[i]!;
      const tol = Math.abs(want) < 0.01 ? 1e-15 : 1e-13 * Math.abs(want);
      assert.ok(Math.abs(out[i]! - want) <= tol, `ψ(${g.x[i]}) = ${out[i]}, expected ${want}`);
    }
    // An odd count exercises the tail; every element also agrees with core's ψ to 5e-15.
    const y = new Float64Array(7);
    for (let i = 0; i < 7; i++) y[i] = 0.013 * (i + 1) ** 3;
    kernels.digamma(7, y, out);
    for (let i = 0; i < 7; i++) assert.ok(Math.abs(out[i]! - digamma(y[i]!)) <= 5e-15 * Math.max(1, Math.abs(digamma(y[i]!))));
  });

  test(`${kernels.name}: exp is within 1 ulp of Math.exp, exact at the underflow and overflow edges`, () => {
    const rng = new Rng(3);
    const n = 1001;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = 1400 * rng.random() - 700;
    const edges = [0, -0, 1e-300, -745.13, -745.2, -744, -740, -708.5, -1000, -Infinity, 709.7, 710, Infinity];
    edges.forEach((v, i) => (x[i] = v));
    const out = new Float64Array(n);
    kernels.exp(n, x, out);
    for (let i = 0; i < n; i++) {
      const want = Math.exp(x[i]!);
      if (i < edges.length) assert.equal(out[i], want, `exp(${x[i]})`);
      else assert.ok(Math.abs(out[i]! - want) <= 2.3e-16 * want, `exp(${x[i]}) = ${out[i]}, expected ${want}`);
    }
  });

  test(`${kernels.name}: expectationExp and logWeightsExp equal the naive formulas, affineProduct is exact, poissonLogSum sums and flags underflow`, () => {
    const rng = new Rng(5);
    for (const [k, m] of [[1, 1], [3, 5], [4, 8], [7, 3], [12, 15]] as const) {
      const h = Float64Array.from({ length: k * m }, () => Math.exp(12 * rng.random() - 6));
      const shift = Float64Array.from({ length: k }, () => 3 * rng.random() - 1);
      const invT = 1 / (1 + rng.random());
      for (const sh of [null, shift]) {
        const lnOut = new Float64Array(k * m);
        const expOut = new Float64Array(k * m);
        kernels.expectationExp(k, m, h, sh, invT, lnOut, expOut, new Float64Array(m));
        for (let j = 0; j < m; j++) {
          let mx = -Infinity;
          for (let r = 0; r < k; r++) mx = Math.max(mx, digamma(h[r * m + j]!) - (sh ? sh[r]! : 0));
          for (let r = 0; r < k; r++) {
            const want = (digamma(h[r * m + j]!) - (sh ? sh[r]! : 0) - mx) * invT;
            const got = lnOut[r * m + j]!;
            assert.ok(Math.abs(got - want) <= 1e-13 * Math.max(1, Math.abs(want)), `expectationExp ln (${r}, ${j}): ${got} vs ${want}`);
            assert.ok(Math.abs(expOut[r * m + j]! - Math.exp(got)) <= 2.3e-16 * Math.exp(got), "expectationExp exp");
          }
        }
      }
      const W1 = Float64Array.from({ length: k * m }, () => Math.exp(10 * rng.random() - 4));
      const W2 = Float64Array.from({ length: k * m }, () => Math.exp(6 * rng.random()));
      const cA = Float64Array.from({ length: m }, () => rng.random() - 0.5);
      const cB = Float64Array.from({ length: m }, () => rng.random() - 0.5);
      const lnW = new Float64Array(k * m);
      const eW = new Float64Array(k * m);
      kernels.logWeightsExp(k, m, W1, W2, cA, cB, invT, lnW, eW);
      for (let r = 0; r < k; r++) {
        const v = (j: number): number => digamma(W1[r * m + j]!) - Math.log(W2[r * m + j]!) + cA[j]! - cB[j]!;
        let mx = -Infinity;
        for (let j = 0; j < m; j++) mx = Math.max(mx, v(j));
        for (let j = 0; j < m; j++) {
          const want = (v(j) - mx) * invT;
          assert.ok(Math.abs(lnW[r * m + j]! - want) <= 1e-13 * Math.max(1, Math.abs(want)), `logWeightsExp (${r}, ${j})`);
          assert.ok(Math.abs(eW[r * m + j]! - Math.exp(lnW[r * m + j]!)) <= 2.3e-16 * Math.exp(lnW[r * m + j]!), "logWeightsExp exp");
        }
      }
      const n = k * m;
      const u = random(rng, n);
      const v = random(rng, n);
      const w = random(rng, n);
      for (const ww of [null, w]) {
        const out = new Float64Array(n);
        kernels.affineProduct(n, u, v, ww, 1.5, -0.25, 0.75, out);
        for (let i = 0; i < n; i++) assert.equal(out[i], 1.5 + (-0.25 + (ww ? u[i]! * v[i]! + ww[i]! : u[i]! * v[i]!)) * 0.75);
      }
      const x = Float64Array.from({ length: n }, () => (rng.random() < 0.4 ? 0 : 20 * rng.random()));
      const lam = Float64Array.from({ length: n }, () => 10 * rng.random() + 1e-3);
      let want = 0;
      let scale = 0;
      for (let i = 0; i < n; i++) {
        want += (x[i] !== 0 ? x[i]! * Math.log(lam[i]!) : 0) - lam[i]!;
        scale += Math.abs(x[i]! * Math.log(lam[i]!)) + lam[i]!;
      }
      assert.ok(Math.abs(kernels.poissonLogSum(n, x, lam) - want) <= 1e-14 * scale, "poissonLogSum");
      x[n - 1] = 2;
      lam[n - 1] = 0;
      assert.ok(Number.isNaN(kernels.poissonLogSum(n, x, lam)), "poissonLogSum flags Λ = 0 where X > 0");
    }
  });
}

test("a workspace hands out disjoint zero-filled views and refuses to overflow", () => {
  for (const kernels of BACKENDS) {
    const ws = kernels.workspace(10);
    const a = ws.take(4);
    const b = ws.take(6);
    a.fill(1);
    assert.deepEqual(Array.from(b), [0, 0, 0, 0, 0, 0]);
    assert.equal(ws.free, 0);
    assert.throws(() => ws.take(1), RangeError);
  }
});
