// Rows and centres for the k-means iterations, kept where the fastest squared-distance routine
// can read them: a WebAssembly memory with an f64x2 SIMD kernel (assembled from WAT with the
// kernels' assembler), or plain arrays with the JS loop where WebAssembly SIMD is unavailable.
// k-means computes ~10⁶ single point–centre distances per sweep (Elkan's bounds skip the rest),
// which no blocked product can batch; this is their kernel.
import { PAGE, instantiateWat, lazyWatModule } from "../kernels/wasm/module.js";
import { CANCEL_RATIO, squaredDistance } from "./distances.js";

// sq(a, b, f) = Σ_p (a[p] − b[p])², byte addresses; two f64x2 accumulators, then the odd tail.
const WAT = `(module
(import "env" "mem" (memory 1))
(func $sq (export "sq") (param $a i32) (param $b i32) (param $f i32) (result f64)
(local $end i32) (local $acc0 v128) (local $acc1 v128) (local $d v128) (local $s f64) (local $t f64)
(local.set $acc0 (v128.const f64x2 0 0))
(local.set $acc1 (v128.const f64x2 0 0))
(local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $f) (i32.const -4)) (i32.const 3))))
(block $done4 (loop $l4
  (br_if $done4 (i32.ge_u (local.get $a) (local.get $end)))
  (local.set $d (f64x2.sub (v128.load (local.get $a)) (v128.load (local.get $b))))
  (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $d) (local.get $d))))
  (local.set $d (f64x2.sub (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b))))
  (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $d) (local.get $d))))
  (local.set $a (i32.add (local.get $a) (i32.const 32)))
  (local.set $b (i32.add (local.get $b) (i32.const 32)))
  (br $l4)))
(local.set $acc0 (f64x2.add (local.get $acc0) (local.get $acc1)))
(local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0))))
(local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $f) (i32.const 3)) (i32.const 3))))
(block $done1 (loop $l1
  (br_if $done1 (i32.ge_u (local.get $a) (local.get $end)))
  (local.set $t (f64.sub (f64.load (local.get $a)) (f64.load (local.get $b))))
  (local.set $s (f64.add (local.get $s) (f64.mul (local.get $t) (local.get $t))))
  (local.set $a (i32.add (local.get $a) (i32.const 8)))
  (local.set $b (i32.add (local.get $b) (i32.const 8)))
  (br $l1)))
(local.get $s)))`;

const module = lazyWatModule(WAT);

/**
 * The n×f rows and two k×f centre buffers (0 and 1), with the squared distances the k-means
 * iterations need. Addresses are precomputed, so a distance is one call.
 */
export interface RowSpace {
  readonly n: number;
  readonly f: number;
  /** Largest number of centres the buffers hold. */
  readonly capacity: number;
  readonly x: Float64Array;
  /** Centre buffers 0 and 1 (capacity×f each). */
  readonly centres: readonly [Float64Array, Float64Array];
  /** ‖x_i − c_j‖², c in buffer `buf`. */
  rowCentre(i: number, buf: number, j: number): number;
  /** ‖c_a (buffer bufA) − c_b (buffer bufB)‖². */
  centreCentre(bufA: number, a: number, bufB: number, b: number): number;
  /** To be called after centres 0…k−1 of buffer `buf` were written (a space may keep derived data). */
  centresChanged(buf: number, k: number): void;
  /** For mostly-zero rows: the rows as given, compressed (row i's entries start[i] … start[i+1]), and the column means. */
  readonly sparse?: SparseRowsOfSpace;
}

export interface SparseRowsOfSpace {
  readonly start: Int32Array;
  readonly col: Int32Array;
  readonly val: Float64Array;
  readonly means: Float64Array;
}

/**
 * A space holding a copy of the rows x (n×f) and room for `capacity` centres twice.
 * @param backend "auto" uses WebAssembly SIMD where available (and f ≥ 16); "js" forces the plain loop.
 */
export function rowSpace(x: Float64Array, n: number, f: number, capacity: number, backend: "auto" | "js" = "auto"): RowSpace {
  // below ~16 features a SIMD call saves less than it costs
  const mod = backend === "auto" && f >= 16 ? module() : null;
  if (!mod) {
    const xs = x.subarray(0, n * f);
    const centres = [new Float64Array(capacity * f), new Float64Array(capacity * f)] as const;
    return {
      n, f, capacity, x: xs, centres,
      rowCentre: (i, buf, j) => squaredDistance(xs, i * f, centres[buf]!, j * f, f),
      centreCentre: (ba, a, bb, b) => squaredDistance(centres[ba]!, a * f, centres[bb]!, b * f, f),
      centresChanged: () => {},
    };
  }
  const doubles = n * f + 2 * capacity * f;
  const { memory, exports } = instantiateWat<{ sq(a: number, b: number, f: number): number }>(mod, Math.max(1, Math.ceil((doubles * 8) / PAGE)));
  const sq = exports.sq;
  const all = new Float64Array(memory.buffer, 0, doubles);
  const xs = all.subarray(0, n * f);
  xs.set(x.subarray(0, n * f));
  const row = 8 * f;
  const c0 = 8 * n * f;
  const c1 = c0 + 8 * capacity * f;
  return {
    n, f, capacity, x: xs,
    centres: [all.subarray(n * f, n * f + capacity * f), all.subarray(n * f + capacity * f, doubles)],
    rowCentre: (i, buf, j) => sq(i * row, (buf === 0 ? c0 : c1) + j * row, f),
    centreCentre: (ba, a, bb, b) => sq((ba === 0 ? c0 : c1) + a * row, (bb === 0 ? c0 : c1) + b * row, f),
    centresChanged: () => {},
  };
}

/**
 * A space over mostly-zero rows: ‖x_i − c_j‖² = ‖r_i‖² − 2 r_i·C_j + ‖C_j‖² with r_i the row as
 * given (its nonzeros only) and C_j = c_j + means the centre in the same coordinates, so a
 * distance costs the row's nonzeros instead of f. Pairs that would cancel (d² below 1e-4 of
 * ‖r_i‖² + ‖C_j‖²) are recomputed directly in `dense`, so each is accurate to ~1e-12 relative.
 * Everything else (the centred rows, the centre buffers, centre–centre distances) is `dense`'s.
 * @param raw the n×f rows before centring; `dense` holds them centred by `means`.
 */
export function sparseRowSpace(dense: RowSpace, raw: Float64Array, means: Float64Array): RowSpace {
  const { n, f, capacity } = dense;
  let nnz = 0;
  for (let i = 0; i < n * f; i++) if (raw[i] !== 0) nnz++;
  const start = new Int32Array(n + 1);
  const col = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  const rn = new Float64Array(n);
  let q = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = 0; p < f; p++) {
      const v = raw[i * f + p]!;
      if (v === 0) continue;
      col[q] = p;
      val[q++] = v;
      s += v * v;
    }
    start[i + 1] = q;
    rn[i] = s;
  }
  const C = [new Float64Array(capacity * f), new Float64Array(capacity * f)] as const;
  const CN = [new Float64Array(capacity), new Float64Array(capacity)] as const;
  const rowCentre = (i: number, buf: number, j: number): number => {
    const c = C[buf]!;
    const o = j * f;
    let s0 = 0;
    let s1 = 0;
    let t = start[i]!;
    const end = start[i + 1]!;
    for (; t + 1 < end; t += 2) {
      s0 += val[t]! * c[o + col[t]!]!;
      s1 += val[t + 1]! * c[o + col[t + 1]!]!;
    }
    if (t < end) s0 += val[t]! * c[o + col[t]!]!;
    const nn = rn[i]! + CN[buf]![j]!;
    const d2 = nn - 2 * (s0 + s1);
    return d2 < CANCEL_RATIO * nn ? dense.rowCentre(i, buf, j) : d2;
  };
  return {
    n, f, capacity, x: dense.x, centres: dense.centres,
    sparse: { start, col, val, means },
    rowCentre,
    centreCentre: dense.centreCentre,
    centresChanged: (buf: number, k: number): void => {
      const src = dense.centres[buf]!;
      const c = C[buf]!;
      const cn = CN[buf]!;
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let p = 0; p < f; p++) {
          const v = src[j * f + p]! + means[p]!;
          c[j * f + p] = v;
          s += v * v;
        }
        cn[j] = s;
      }
    },
  };
}
