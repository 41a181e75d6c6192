// The WebAssembly SIMD kernels as WAT text, generated from one micro-kernel
// template (rows × column-vectors register blocks) so the remainder cases stay
// in step with the main case. All pointers and strides are in bytes.
//
//   gemm(m, n, k, a, rsA, csA, b, c):  C (m×n) = A·B, A(i,p) at a + i·rsA + p·csA,
//                                       B k×n and C m×n row-major.
//   ratio(m, n, k, a, b, x, r, zMin) → marked:  R = X ⊘ (A·B) (Kernels.poissonRatio).
//   gemmABt(m, n, k, a, b, c):          C (m×n) = A (m×k) · Bᵀ (B n×k), dot form.

type Cols = "v2" | "v1" | "s";

const zero = "(v128.const f64x2 0 0)";

function micro(R: number, cols: Cols, ratio: boolean): string {
  const vecs = cols === "v2" ? 2 : cols === "v1" ? 1 : 0;
  const L: string[] = [];
  // accumulators: 0, or (gemm, after its first panel of p) the partial sums in C
  const init = (first: boolean): string[] => {
    const I: string[] = [];
    for (let r = 0; r < R; r++) {
      const cAt = `(i32.add (local.get $c) (i32.add (local.get $crow${r}) (i32.shl (local.get $j) (i32.const 3))))`;
      if (vecs === 0) I.push(`(local.set $s${r} ${first ? "(f64.const 0)" : `(f64.load ${cAt})`})`);
      for (let v = 0; v < vecs; v++) I.push(`(local.set $acc${r}${v} ${first ? zero : `(v128.load${v === 0 ? "" : " offset=16"} ${cAt})`})`);
    }
    return I;
  };
  if (ratio) L.push(...init(true));
  else L.push(`(if (local.get $first) (then\n${init(true).join("\n")}) (else\n${init(false).join("\n")}))`);
  L.push(`(local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))`);
  L.push(`(local.set $pa (i32.const 0))`);
  L.push(`(block $pend (loop $ploop`);
  L.push(`  (br_if $pend (i32.ge_u (local.get $pa) (local.get $kc)))`);
  if (vecs >= 1) L.push(`  (local.set $bv0 (v128.load (local.get $bp)))`);
  if (vecs >= 2) L.push(`  (local.set $bv1 (v128.load offset=16 (local.get $bp)))`);
  if (vecs === 0) L.push(`  (local.set $bs (f64.load (local.get $bp)))`);
  for (let r = 0; r < R; r++) {
    if (vecs === 0) {
      L.push(`  (local.set $s${r} (f64.add (local.get $s${r}) (f64.mul (f64.load (i32.add (local.get $ap${r}) (local.get $pa))) (local.get $bs))))`);
    } else {
      L.push(`  (local.set $av (v128.load64_splat (i32.add (local.get $ap${r}) (local.get $pa))))`);
      for (let v = 0; v < vecs; v++) L.push(`  (local.set $acc${r}${v} (f64x2.add (local.get $acc${r}${v}) (f64x2.mul (local.get $av) (local.get $bv${v}))))`);
    }
  }
  L.push(`  (local.set $bp (i32.add (local.get $bp) (local.get $nb)))`);
  L.push(`  (local.set $pa (i32.add (local.get $pa) (local.get $csA)))`);
  L.push(`  (br $ploop)))`);
  // epilogue
  for (let r = 0; r < R; r++) {
    L.push(`(local.set $cp (i32.add (local.get $crow${r}) (i32.shl (local.get $j) (i32.const 3))))`);
    if (vecs === 0) {
      if (!ratio) L.push(`(f64.store (i32.add (local.get $c) (local.get $cp)) (local.get $s${r}))`);
      else {
        L.push(`(local.set $xs (f64.load (i32.add (local.get $x) (local.get $cp))))`);
        L.push(`(local.set $rs (f64.div (local.get $xs) (local.get $s${r})))`);
        L.push(`(if (f64.eq (local.get $xs) (f64.const 0)) (then (local.set $rs (f64.const 0))) (else`);
        L.push(`  (if (i32.eqz (i32.and (f64.ge (local.get $s${r}) (local.get $zmin)) (f64.le (local.get $rs) (local.get $rmax))))`);
        L.push(`    (then (local.set $rs (f64.const -1)) (local.set $marked (i32.add (local.get $marked) (i32.const 1)))))))`);
        L.push(`(f64.store (i32.add (local.get $c) (local.get $cp)) (local.get $rs))`);
      }
    }
    for (let v = 0; v < vecs; v++) {
      const off = v === 0 ? "" : " offset=16";
      if (!ratio) L.push(`(v128.store${off} (i32.add (local.get $c) (local.get $cp)) (local.get $acc${r}${v}))`);
      else {
        L.push(`(local.set $xv (v128.load${off} (i32.add (local.get $x) (local.get $cp))))`);
        L.push(`(local.set $rv (f64x2.div (local.get $xv) (local.get $acc${r}${v})))`);
        L.push(`(local.set $ok (v128.and (f64x2.ge (local.get $acc${r}${v}) (local.get $zminv)) (f64x2.le (local.get $rv) (local.get $rmaxv))))`);
        // Where both lanes are fine X/Z is already R (0 where X = 0); the markers only on the rare other path.
        L.push(`(if (v128.any_true (v128.not (local.get $ok))) (then`);
        L.push(`(local.set $xz (f64x2.eq (local.get $xv) ${zero}))`);
        L.push(`(local.set $rv (v128.bitselect (local.get $rv) (v128.const f64x2 -1 -1) (local.get $ok)))`);
        L.push(`(local.set $rv (v128.bitselect ${zero} (local.get $rv) (local.get $xz)))`);
        L.push(`(local.set $cnt (i64x2.sub (local.get $cnt) (v128.not (v128.or (local.get $ok) (local.get $xz)))))))`);
        L.push(`(v128.store${off} (i32.add (local.get $c) (local.get $cp)) (local.get $rv))`);
      }
    }
  }
  return L.join("\n");
}

function rows(R: number, ratio: boolean): string {
  const L: string[] = [];
  for (let r = 0; r < R; r++) {
    L.push(`(local.set $ap${r} (i32.add (local.get $a) (i32.mul (i32.add (local.get $i) (i32.const ${r})) (local.get $rsA))))`);
    L.push(`(local.set $crow${r} (i32.mul (i32.add (local.get $i) (i32.const ${r})) (local.get $nb)))`);
  }
  L.push(`(local.set $j (i32.const 0))`);
  L.push(`(block $jend (loop $jloop`);
  L.push(`  (br_if $jend (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $n)))`);
  L.push(micro(R, "v2", ratio));
  L.push(`  (local.set $j (i32.add (local.get $j) (i32.const 4)))`);
  L.push(`  (br $jloop)))`);
  L.push(`(if (i32.le_s (i32.add (local.get $j) (i32.const 2)) (local.get $n)) (then`);
  L.push(micro(R, "v1", ratio));
  L.push(`  (local.set $j (i32.add (local.get $j) (i32.const 2)))))`);
  L.push(`(if (i32.lt_s (local.get $j) (local.get $n)) (then`);
  L.push(micro(R, "s", ratio));
  L.push(`))`);
  return L.join("\n");
}

function gemmLike(name: string, ratio: boolean): string {
  // The loops over row blocks and column blocks for the current panel of p.
  const blocks = [
    "(local.set $i (i32.const 0))",
    "(block $iend (loop $iloop",
    "  (br_if $iend (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))",
    rows(4, ratio),
    "  (local.set $i (i32.add (local.get $i) (i32.const 4)))",
    "  (br $iloop)))",
    "(block $iend1 (loop $iloop1",
    "  (br_if $iend1 (i32.ge_s (local.get $i) (local.get $m)))",
    rows(1, ratio),
    "  (local.set $i (i32.add (local.get $i) (i32.const 1)))",
    "  (br $iloop1)))",
  ];
  const params = ratio
    ? `(param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $b i32) (param $x i32) (param $c i32) (param $zmin f64) (result i32)`
    : `(param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $rsA i32) (param $csA i32) (param $b i32) (param $c i32)`;
  const locals = [
    ...(ratio ? ["(local $rsA i32) (local $csA i32)"] : []),
    "(local $i i32) (local $j i32) (local $pa i32) (local $kc i32) (local $nb i32) (local $bp i32) (local $cp i32) (local $panel i32) (local $first i32)",
    "(local $ap0 i32) (local $ap1 i32) (local $ap2 i32) (local $ap3 i32)",
    "(local $crow0 i32) (local $crow1 i32) (local $crow2 i32) (local $crow3 i32)",
    "(local $acc00 v128) (local $acc01 v128) (local $acc10 v128) (local $acc11 v128)",
    "(local $acc20 v128) (local $acc21 v128) (local $acc30 v128) (local $acc31 v128)",
    "(local $bv0 v128) (local $bv1 v128) (local $av v128)",
    "(local $s0 f64) (local $s1 f64) (local $s2 f64) (local $s3 f64) (local $bs f64)",
    ...(ratio
      ? [
          "(local $marked i32) (local $rmax f64) (local $xs f64) (local $rs f64)",
          "(local $cnt v128) (local $zminv v128) (local $rmaxv v128) (local $xv v128) (local $rv v128) (local $ok v128) (local $xz v128)",
        ]
      : []),
  ];
  const setup = [
    ...(ratio
      ? [
          "(local.set $rsA (i32.shl (local.get $k) (i32.const 3)))",
          "(local.set $csA (i32.const 8))",
          "(local.set $rmax (f64.div (f64.const 1) (local.get $zmin)))",
          "(local.set $zminv (f64x2.splat (local.get $zmin)))",
          "(local.set $rmaxv (f64x2.splat (local.get $rmax)))",
        ]
      : []),
    "(local.set $nb (i32.shl (local.get $n) (i32.const 3)))",
    ...(ratio
      ? ["(local.set $kc (i32.mul (local.get $k) (local.get $csA)))", ...blocks]
      : [
          // Panels of p whose rows of B fit in L1 (~16 KiB), C finished panel by panel: each C
          // entry still sums its terms in order p = 0, 1, …, so the result is the same bits.
          "(local.set $panel (i32.div_u (i32.const 2048) (i32.add (local.get $n) (i32.const 1))))",
          "(if (i32.lt_u (local.get $panel) (i32.const 16)) (then (local.set $panel (i32.const 16))))",
          // B small enough to stay in L1/L2 anyway (case A's 78×62): one panel, no reloads of C.
          "(if (i32.le_u (i32.mul (local.get $k) (local.get $n)) (i32.const 6144)) (then (local.set $panel (local.get $k))))",
          "(local.set $first (i32.const 1))",
          "(block $kend (loop $kloop",
          "  (local.set $kc (i32.mul (select (local.get $panel) (local.get $k) (i32.lt_u (local.get $panel) (local.get $k))) (local.get $csA)))",
          ...blocks,
          "  (local.set $k (i32.sub (local.get $k) (local.get $panel)))",
          "  (br_if $kend (i32.le_s (local.get $k) (i32.const 0)))",
          "  (local.set $a (i32.add (local.get $a) (i32.mul (local.get $panel) (local.get $csA))))",
          "  (local.set $b (i32.add (local.get $b) (i32.mul (local.get $panel) (local.get $nb))))",
          "  (local.set $first (i32.const 0))",
          "  (br $kloop)))",
        ]),
    ...(ratio
      ? ["(i32.add (local.get $marked) (i32.wrap_i64 (i64.add (i64x2.extract_lane 0 (local.get $cnt)) (i64x2.extract_lane 1 (local.get $cnt)))))"]
      : []),
  ];
  return `(func $${name} (export "${name}") ${params}\n${locals.join("\n")}\n${setup.join("\n")})`;
}

/** Dot-form block of C = A·Bᵀ: R rows of A × Cc rows of B, vectors along p. */
function dotBlock(R: number, Cc: number): string {
  const L: string[] = [];
  for (let r = 0; r < R; r++) for (let c = 0; c < Cc; c++) L.push(`(local.set $acc${r}${c} ${zero})`);
  for (let c = 0; c < Cc; c++) L.push(`(local.set $bq${c} (i32.add (local.get $b) (i32.mul (i32.add (local.get $j) (i32.const ${c})) (local.get $kb))))`);
  L.push(`(local.set $pa (i32.const 0))`);
  L.push(`(block $pend (loop $ploop`);
  L.push(`  (br_if $pend (i32.gt_u (i32.add (local.get $pa) (i32.const 16)) (local.get $kb)))`);
  for (let c = 0; c < Cc; c++) L.push(`  (local.set $bv${c} (v128.load (i32.add (local.get $bq${c}) (local.get $pa))))`);
  for (let r = 0; r < R; r++) {
    L.push(`  (local.set $av (v128.load (i32.add (local.get $ap${r}) (local.get $pa))))`);
    for (let c = 0; c < Cc; c++) L.push(`  (local.set $acc${r}${c} (f64x2.add (local.get $acc${r}${c}) (f64x2.mul (local.get $av) (local.get $bv${c}))))`);
  }
  L.push(`  (local.set $pa (i32.add (local.get $pa) (i32.const 16)))`);
  L.push(`  (br $ploop)))`);
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < Cc; c++) {
      L.push(`(local.set $s0 (f64.add (f64x2.extract_lane 0 (local.get $acc${r}${c})) (f64x2.extract_lane 1 (local.get $acc${r}${c}))))`);
      L.push(`(if (i32.lt_u (local.get $pa) (local.get $kb)) (then (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (i32.add (local.get $ap${r}) (local.get $pa))) (f64.load (i32.add (local.get $bq${c}) (local.get $pa))))))))`);
      L.push(`(f64.store (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (i32.add (local.get $i) (i32.const ${r})) (local.get $n)) (i32.add (local.get $j) (i32.const ${c}))) (i32.const 3))) (local.get $s0))`);
    }
  }
  return L.join("\n");
}

function dotRows(R: number): string {
  const L: string[] = [];
  for (let r = 0; r < R; r++) L.push(`(local.set $ap${r} (i32.add (local.get $a) (i32.mul (i32.add (local.get $i) (i32.const ${r})) (local.get $kb))))`);
  L.push(`(local.set $j (i32.const 0))`);
  L.push(`(block $jend (loop $jloop`);
  L.push(`  (br_if $jend (i32.gt_s (i32.add (local.get $j) (i32.const 2)) (local.get $n)))`);
  L.push(dotBlock(R, 2));
  L.push(`  (local.set $j (i32.add (local.get $j) (i32.const 2)))`);
  L.push(`  (br $jloop)))`);
  L.push(`(if (i32.lt_s (local.get $j) (local.get $n)) (then`);
  L.push(dotBlock(R, 1));
  L.push(`))`);
  return L.join("\n");
}

function gemmABt(): string {
  return `(func $gemmABt (export "gemmABt") (param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $b i32) (param $c i32)
(local $i i32) (local $j i32) (local $pa i32) (local $kb i32)
(local $ap0 i32) (local $ap1 i32) (local $ap2 i32) (local $ap3 i32) (local $bq0 i32) (local $bq1 i32)
(local $acc00 v128) (local $acc01 v128) (local $acc10 v128) (local $acc11 v128)
(local $acc20 v128) (local $acc21 v128) (local $acc30 v128) (local $acc31 v128)
(local $bv0 v128) (local $bv1 v128) (local $av v128) (local $s0 f64)
(local.set $kb (i32.shl (local.get $k) (i32.const 3)))
(local.set $i (i32.const 0))
(block $iend (loop $iloop
  (br_if $iend (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
${dotRows(4)}
  (local.set $i (i32.add (local.get $i) (i32.const 4)))
  (br $iloop)))
(block $iend1 (loop $iloop1
  (br_if $iend1 (i32.ge_s (local.get $i) (local.get $m)))
${dotRows(1)}
  (local.set $i (i32.add (local.get $i) (i32.const 1)))
  (br $iloop1))))`;
}

// Elementwise special functions on f64x2 pairs. exp and log follow fdlibm
// (e_exp.c, e_log.c) operation for operation, so exp equals V8's Math.exp and
// log is within 1 ulp of Math.log; ψ shifts x < 10 by exactly ten steps with the
// reciprocal sum as one fraction p/q, then the asymptotic series (§ core/special).
const num = (v: number): string => (v === Infinity ? "inf" : v === -Infinity ? "-inf" : String(v));
const f2 = (v: number): string => `(v128.const f64x2 ${num(v)} ${num(v)})`;
const i2 = (v: string): string => `(v128.const i64x2 ${v} ${v})`;
const MAGIC = "6755399441055744"; // 1.5·2^52: adding it rounds to an integer held in the low mantissa bits
const MAGIC_BITS = "0x4338000000000000";

/** res = exp(x) for the v128 local x (clobbers e_* locals). */
function expBody(x: string, res: string): string {
  return [
    // pmin/pmax (one instruction each; min/max carry NaN and ±0 fix-ups in V8) keep a NaN a NaN.
    `(local.set $e_x (f64x2.pmin (f64x2.pmax (local.get ${x}) ${f2(-746)}) ${f2(710)}))`,
    `(local.set $e_t (f64x2.add (f64x2.mul (local.get $e_x) ${f2(1.442695040888963387)}) ${f2(Number(MAGIC))}))`,
    `(local.set $e_kf (f64x2.sub (local.get $e_t) ${f2(Number(MAGIC))}))`,
    `(local.set $e_n (i64x2.sub (local.get $e_t) ${i2(MAGIC_BITS)}))`,
    `(local.set $e_hi (f64x2.sub (local.get $e_x) (f64x2.mul (local.get $e_kf) ${f2(6.93147180369123816490e-01)})))`,
    `(local.set $e_lo (f64x2.mul (local.get $e_kf) ${f2(1.90821492927058770002e-10)}))`,
    `(local.set $e_r (f64x2.sub (local.get $e_hi) (local.get $e_lo)))`,
    `(local.set $e_tt (f64x2.mul (local.get $e_r) (local.get $e_r)))`,
    `(local.set $e_c (f64x2.sub (local.get $e_r) (f64x2.mul (local.get $e_tt)
       (f64x2.add ${f2(1.66666666666666019037e-01)} (f64x2.mul (local.get $e_tt)
       (f64x2.add ${f2(-2.77777777770155933842e-03)} (f64x2.mul (local.get $e_tt)
       (f64x2.add ${f2(6.61375632143793436117e-05)} (f64x2.mul (local.get $e_tt)
       (f64x2.add ${f2(-1.65339022054652515390e-06)} (f64x2.mul (local.get $e_tt) ${f2(4.13813679705723846039e-08)})))))))))))`,
    `(local.set $e_y (f64x2.sub ${f2(1)} (f64x2.sub (f64x2.sub (local.get $e_lo)
       (f64x2.div (f64x2.mul (local.get $e_r) (local.get $e_c)) (f64x2.sub ${f2(2)} (local.get $e_c)))) (local.get $e_hi))))`,
    // 2^n as two factors 2^(n>>1)·2^(n−(n>>1)) so subnormal results round once and stay exact down to −746.
    // ⌊n/2⌋ as a logical shift of n + 2048 ≥ 0 (i64x2.shr_s has no SSE instruction).
    `(local.set $e_n1 (i64x2.sub (i64x2.shr_u (i64x2.add (local.get $e_n) ${i2("2048")}) (i32.const 1)) ${i2("1024")}))`,
    `(local.set $e_n (i64x2.sub (local.get $e_n) (local.get $e_n1)))`,
    `(local.set ${res} (f64x2.mul (f64x2.mul (local.get $e_y)
       (i64x2.shl (i64x2.add (local.get $e_n1) ${i2("1023")}) (i32.const 52)))
       (i64x2.shl (i64x2.add (local.get $e_n) ${i2("1023")}) (i32.const 52))))`,
  ].join("\n");
}

/** res = ln(y) for the v128 local y holding positive normal finite values (clobbers l_* locals). */
function logBody(y: string, res: string): string {
  return [
    `(local.set $l_hx (i64x2.shr_u (local.get ${y}) (i32.const 32)))`,
    `(local.set $l_k (i64x2.sub (i64x2.shr_u (local.get $l_hx) (i32.const 20)) ${i2("1023")}))`,
    `(local.set $l_hx (v128.and (local.get $l_hx) ${i2("0xfffff")}))`,
    `(local.set $l_i (v128.and (i64x2.add (local.get $l_hx) ${i2("0x95f64")}) ${i2("0x100000")}))`,
    `(local.set $l_x (v128.or (i64x2.shl (v128.or (local.get $l_hx) (v128.xor (local.get $l_i) ${i2("0x3ff00000")})) (i32.const 32))
       (v128.and (local.get ${y}) ${i2("0xffffffff")})))`,
    `(local.set $l_k (i64x2.add (local.get $l_k) (i64x2.shr_u (local.get $l_i) (i32.const 20))))`,
    `(local.set $l_dk (f64x2.sub (i64x2.add (local.get $l_k) ${i2(MAGIC_BITS)}) ${f2(Number(MAGIC))}))`,
    `(local.set $l_f (f64x2.sub (local.get $l_x) ${f2(1)}))`,
    `(local.set $l_s (f64x2.div (local.get $l_f) (f64x2.add ${f2(2)} (local.get $l_f))))`,
    `(local.set $l_z (f64x2.mul (local.get $l_s) (local.get $l_s)))`,
    `(local.set $l_w (f64x2.mul (local.get $l_z) (local.get $l_z)))`,
    `(local.set $l_r (f64x2.add
       (f64x2.mul (local.get $l_z) (f64x2.add ${f2(6.666666666666735130e-01)} (f64x2.mul (local.get $l_w)
         (f64x2.add ${f2(2.857142874366239149e-01)} (f64x2.mul (local.get $l_w)
         (f64x2.add ${f2(1.818357216161805012e-01)} (f64x2.mul (local.get $l_w) ${f2(1.479819860511658591e-01)})))))))
       (f64x2.mul (local.get $l_w) (f64x2.add ${f2(3.999999999940941908e-01)} (f64x2.mul (local.get $l_w)
         (f64x2.add ${f2(2.222219843214978396e-01)} (f64x2.mul (local.get $l_w) ${f2(1.531383769920937332e-01)})))))))`,
    `(local.set $l_h (f64x2.mul (f64x2.mul ${f2(0.5)} (local.get $l_f)) (local.get $l_f)))`,
    `(local.set ${res} (f64x2.sub (f64x2.mul (local.get $l_dk) ${f2(6.93147180369123816490e-01)})
       (f64x2.sub (f64x2.sub (local.get $l_h) (f64x2.add (f64x2.mul (local.get $l_s) (f64x2.add (local.get $l_h) (local.get $l_r)))
         (f64x2.mul (local.get $l_dk) ${f2(1.90821492927058770002e-10)}))) (local.get $l_f))))`,
  ].join("\n");
}

/**
 * res = ψ(x) for the v128 local x > 0; with `divisor` (a local w > 0), res = ψ(x) − ln w,
 * the two logarithms as one: ln(y/w) for ln y − ln w.
 */
function digammaBody(x: string, res: string, divisor?: string): string {
  // The shift Σ_{k<10} 1/(x+k) = p/q, summed as a balanced tree of fractions (pairs, then
  // pairs of pairs) so its dependency chain is 4 levels deep instead of 10; only where a
  // lane is below 10 (pairs of large values skip it). q ≤ 20^10 for x < 10: no overflow.
  const v = (name: string): string => `(local.get $d_${name})`;
  const set = (name: string, e: string): string => `(local.set $d_${name} ${e})`;
  const shift: string[] = [];
  for (let k = 0; k < 10; k += 2) {
    const a = k === 0 ? `(local.get ${x})` : `(f64x2.add (local.get ${x}) ${f2(k)})`;
    shift.push(set(`a${k}`, a));
    shift.push(set(`a${k + 1}`, `(f64x2.add (local.get ${x}) ${f2(k + 1)})`));
    // 1/a + 1/b = (a + b)/(a·b)
    shift.push(set(`p${k >> 1}`, `(f64x2.add ${v(`a${k}`)} ${v(`a${k + 1}`)})`));
    shift.push(set(`q${k >> 1}`, `(f64x2.mul ${v(`a${k}`)} ${v(`a${k + 1}`)})`));
  }
  // p/q + r/s = (p·s + r·q)/(q·s): (0,1) → 0, (2,3) → 2, then (0,2) → 0, then (0,4) → 0.
  const join = (i: number, j: number): void => {
    shift.push(set(`t`, `(f64x2.add (f64x2.mul ${v(`p${i}`)} ${v(`q${j}`)}) (f64x2.mul ${v(`p${j}`)} ${v(`q${i}`)}))`));
    shift.push(set(`q${i}`, `(f64x2.mul ${v(`q${i}`)} ${v(`q${j}`)})`));
    shift.push(set(`p${i}`, v("t")));
  };
  join(0, 1);
  join(2, 3);
  join(0, 2);
  join(0, 4);
  shift.push(`(local.set $d_shift (v128.bitselect (f64x2.div (local.get $d_p0) (local.get $d_q0)) ${f2(0)} (local.get $d_small)))`);
  const L = [
    `(local.set $d_small (f64x2.lt (local.get ${x}) ${f2(10)}))`,
    `(if (v128.any_true (local.get $d_small)) (then\n${shift.join("\n")}) (else (local.set $d_shift ${f2(0)})))`,
  ];
  L.push(`(local.set $d_y (v128.bitselect (f64x2.add (local.get ${x}) ${f2(10)}) (local.get ${x}) (local.get $d_small)))`);
  L.push(`(local.set $d_r (f64x2.div ${f2(1)} (local.get $d_y)))`);
  L.push(`(local.set $d_z (f64x2.mul (local.get $d_r) (local.get $d_r)))`);
  const c = [1 / 12, 1 / 120, 1 / 252, 1 / 240, 1 / 132, 691 / 32760, 1 / 12];
  let series = f2(c[6]!);
  for (let i = 5; i >= 0; i--) series = `(f64x2.sub ${f2(c[i]!)} (f64x2.mul (local.get $d_z) ${series}))`;
  L.push(`(local.set $d_s (f64x2.mul (local.get $d_z) ${series}))`);
  if (divisor) {
    L.push(`(local.set $d_q0 (f64x2.div (local.get $d_y) (local.get ${divisor})))`);
    L.push(logBody("$d_q0", "$d_log"));
  } else L.push(logBody("$d_y", "$d_log"));
  L.push(`(local.set ${res} (f64x2.sub (f64x2.sub (f64x2.sub (local.get $d_log) (f64x2.mul ${f2(0.5)} (local.get $d_r))) (local.get $d_s)) (local.get $d_shift)))`);
  return L.join("\n");
}

/** out[i] = f(x[i]) for i < n over pairs, the odd last element through a splatted pair. */
function elementwise(name: string, body: (x: string, res: string) => string, locals: string): string {
  return `(func $${name} (export "${name}") (param $n i32) (param $x i32) (param $out i32)
(local $i i32) (local $end i32) (local $v v128) (local $res v128)
${locals}
(local.set $end (i32.shl (local.get $n) (i32.const 3)))
(local.set $i (i32.const 0))
(block $done (loop $pairs
  (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $end)))
  (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
${body("$v", "$res")}
  (v128.store (i32.add (local.get $out) (local.get $i)) (local.get $res))
  (local.set $i (i32.add (local.get $i) (i32.const 16)))
  (br $pairs)))
(if (i32.lt_u (local.get $i) (local.get $end)) (then
  (local.set $v (v128.load64_splat (i32.add (local.get $x) (local.get $i))))
${body("$v", "$res")}
  (f64.store (i32.add (local.get $out) (local.get $i)) (f64x2.extract_lane 0 (local.get $res))))))`;
}

const EXP_LOCALS = "(local $e_x v128) (local $e_t v128) (local $e_kf v128) (local $e_n v128) (local $e_n1 v128) (local $e_hi v128) (local $e_lo v128) (local $e_r v128) (local $e_tt v128) (local $e_c v128) (local $e_y v128)";
const LOG_LOCALS = "(local $l_hx v128) (local $l_k v128) (local $l_i v128) (local $l_x v128) (local $l_dk v128) (local $l_f v128) (local $l_s v128) (local $l_z v128) (local $l_w v128) (local $l_r v128) (local $l_h v128)";
const PSI_LOCALS = `(local $d_small v128) (local $d_a0 v128) (local $d_a1 v128) (local $d_a2 v128) (local $d_a3 v128) (local $d_a4 v128) (local $d_a5 v128) (local $d_a6 v128) (local $d_a7 v128) (local $d_a8 v128) (local $d_a9 v128) (local $d_p0 v128) (local $d_p1 v128) (local $d_p2 v128) (local $d_p3 v128) (local $d_p4 v128) (local $d_q0 v128) (local $d_q1 v128) (local $d_q2 v128) (local $d_q3 v128) (local $d_q4 v128) (local $d_t v128) (local $d_shift v128) (local $d_y v128) (local $d_r v128) (local $d_z v128) (local $d_s v128) (local $d_log v128) ${LOG_LOCALS}`;

// ---- fused elementwise kernels of the NMF (row-major matrices, pairs along a row, odd tails splatted) ----

/** A loop over the pairs of one row (bytes [0, rowBytes) from offset $row), then the odd tail. */
function rowPairs(body: (load: (base: string) => string) => string, tail: (load: (base: string) => string) => string): string {
  return `(local.set $j (i32.const 0))
(block $pdone (loop $pairs
  (br_if $pdone (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $rowBytes)))
${body((base) => `(v128.load (i32.add (local.get ${base}) (i32.add (local.get $row) (local.get $j))))`)}
  (local.set $j (i32.add (local.get $j) (i32.const 16)))
  (br $pairs)))
(if (i32.lt_u (local.get $j) (local.get $rowBytes)) (then
${tail((base) => `(v128.load64_splat (i32.add (local.get ${base}) (i32.add (local.get $row) (local.get $j))))`)}))`;
}

/** Loops rows r < rows with $row = r·rowBytes; `perRow` is the body. */
function rowLoop(rows: string, perRow: string): string {
  return `(local.set $r (i32.const 0))
(local.set $row (i32.const 0))
(block $rdone (loop $rows
  (br_if $rdone (i32.ge_s (local.get $r) (local.get ${rows})))
${perRow}
  (local.set $r (i32.add (local.get $r) (i32.const 1)))
  (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
  (br $rows)))`;
}

const at = (base: string, extra = ""): string => `(i32.add (local.get ${base}) (i32.add (local.get $row) ${extra || "(local.get $j)"}))`;

function expectationExp(): string {
  const pass1 = rowLoop("$k", `(local.set $sv (f64x2.splat (if (result f64) (local.get $hasShift) (then (f64.load (i32.add (local.get $shift) (i32.shl (local.get $r) (i32.const 3))))) (else (f64.const 0)))))
${rowPairs(
    (load) => `(local.set $v ${load("$h")})
${digammaBody("$v", "$res")}
(local.set $res (f64x2.sub (local.get $res) (local.get $sv)))
(v128.store ${at("$lnOut")} (local.get $res))
(v128.store (i32.add (local.get $colMax) (local.get $j)) (f64x2.pmax (v128.load (i32.add (local.get $colMax) (local.get $j))) (local.get $res)))`,
    (load) => `(local.set $v ${load("$h")})
${digammaBody("$v", "$res")}
(local.set $res (f64x2.sub (local.get $res) (local.get $sv)))
(f64.store ${at("$lnOut")} (f64x2.extract_lane 0 (local.get $res)))
(f64.store (i32.add (local.get $colMax) (local.get $j)) (f64.max (f64.load (i32.add (local.get $colMax) (local.get $j))) (f64x2.extract_lane 0 (local.get $res))))`,
  )}`);
  const pass2 = rowLoop("$k", rowPairs(
    (load) => `(local.set $v (f64x2.mul (f64x2.sub ${load("$lnOut")} (v128.load (i32.add (local.get $colMax) (local.get $j)))) (local.get $invTv)))
(v128.store ${at("$lnOut")} (local.get $v))
${expBody("$v", "$res")}
(v128.store ${at("$expOut")} (local.get $res))`,
    (load) => `(local.set $v (f64x2.mul (f64x2.sub ${load("$lnOut")} (v128.load64_splat (i32.add (local.get $colMax) (local.get $j)))) (local.get $invTv)))
(f64.store ${at("$lnOut")} (f64x2.extract_lane 0 (local.get $v)))
${expBody("$v", "$res")}
(f64.store ${at("$expOut")} (f64x2.extract_lane 0 (local.get $res)))`,
  ));
  return `(func $expectationExp (export "expectationExp") (param $k i32) (param $m i32) (param $h i32) (param $shift i32) (param $hasShift i32) (param $invT f64) (param $lnOut i32) (param $expOut i32) (param $colMax i32)
(local $r i32) (local $row i32) (local $j i32) (local $rowBytes i32) (local $v v128) (local $res v128) (local $sv v128) (local $invTv v128)
${PSI_LOCALS} ${EXP_LOCALS}
(local.set $rowBytes (i32.shl (local.get $m) (i32.const 3)))
(local.set $invTv (f64x2.splat (local.get $invT)))
(local.set $j (i32.const 0))
(block $cdone (loop $cinit
  (br_if $cdone (i32.ge_u (local.get $j) (local.get $rowBytes)))
  (f64.store (i32.add (local.get $colMax) (local.get $j)) (f64.const -inf))
  (local.set $j (i32.add (local.get $j) (i32.const 8)))
  (br $cinit)))
${pass1}
${pass2})`;
}

function logWeightsExp(): string {
  const perRow = `(local.set $mx ${f2(-Infinity)})
${rowPairs(
    (load) => `(local.set $v ${load("$W1")})
(local.set $lg ${load("$W2")})
${digammaBody("$v", "$res", "$lg")}
(local.set $res (f64x2.sub (f64x2.add (local.get $res) (v128.load (i32.add (local.get $cA) (local.get $j)))) (v128.load (i32.add (local.get $cB) (local.get $j)))))
(v128.store ${at("$lnOut")} (local.get $res))
(local.set $mx (f64x2.pmax (local.get $mx) (local.get $res)))`,
    (load) => `(local.set $v ${load("$W1")})
(local.set $lg ${load("$W2")})
${digammaBody("$v", "$res", "$lg")}
(local.set $res (f64x2.sub (f64x2.add (local.get $res) (v128.load64_splat (i32.add (local.get $cA) (local.get $j)))) (v128.load64_splat (i32.add (local.get $cB) (local.get $j)))))
(f64.store ${at("$lnOut")} (f64x2.extract_lane 0 (local.get $res)))
(local.set $mx (f64x2.pmax (local.get $mx) (local.get $res)))`,
  )}
(local.set $mx (f64x2.splat (f64.max (f64x2.extract_lane 0 (local.get $mx)) (f64x2.extract_lane 1 (local.get $mx)))))
${rowPairs(
    (load) => `(local.set $v (f64x2.mul (f64x2.sub ${load("$lnOut")} (local.get $mx)) (local.get $invTv)))
(v128.store ${at("$lnOut")} (local.get $v))
${expBody("$v", "$res")}
(v128.store ${at("$expOut")} (local.get $res))`,
    (load) => `(local.set $v (f64x2.mul (f64x2.sub ${load("$lnOut")} (local.get $mx)) (local.get $invTv)))
(f64.store ${at("$lnOut")} (f64x2.extract_lane 0 (local.get $v)))
${expBody("$v", "$res")}
(f64.store ${at("$expOut")} (f64x2.extract_lane 0 (local.get $res)))`,
  )}`;
  // cA, cB are indexed by column only: rowPairs adds $row to the matrix bases, so they use (base + j) directly above.
  return `(func $logWeightsExp (export "logWeightsExp") (param $d i32) (param $k i32) (param $W1 i32) (param $W2 i32) (param $cA i32) (param $cB i32) (param $invT f64) (param $lnOut i32) (param $expOut i32)
(local $r i32) (local $row i32) (local $j i32) (local $rowBytes i32) (local $v v128) (local $res v128) (local $lg v128) (local $mx v128) (local $invTv v128)
${PSI_LOCALS} ${EXP_LOCALS}
(local.set $rowBytes (i32.shl (local.get $k) (i32.const 3)))
(local.set $invTv (f64x2.splat (local.get $invT)))
${rowLoop("$d", perRow)})`;
}

function affineProduct(): string {
  const term = (u: string, v: string, w: string | null) =>
    `(f64x2.add (local.get $av) (f64x2.mul (f64x2.add (local.get $bv) ${w === null ? `(f64x2.mul ${u} ${v})` : `(f64x2.add (f64x2.mul ${u} ${v}) ${w})`}) (local.get $gv)))`;
  const loop = (withW: boolean) => `(local.set $j (i32.const 0))
(block $pdone (loop $pairs
  (br_if $pdone (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $end)))
  (v128.store (i32.add (local.get $out) (local.get $j)) ${term("(v128.load (i32.add (local.get $u) (local.get $j)))", "(v128.load (i32.add (local.get $v) (local.get $j)))", withW ? "(v128.load (i32.add (local.get $w) (local.get $j)))" : null)})
  (local.set $j (i32.add (local.get $j) (i32.const 16)))
  (br $pairs)))
(if (i32.lt_u (local.get $j) (local.get $end)) (then
  (f64.store (i32.add (local.get $out) (local.get $j)) (f64x2.extract_lane 0 ${term("(v128.load64_splat (i32.add (local.get $u) (local.get $j)))", "(v128.load64_splat (i32.add (local.get $v) (local.get $j)))", withW ? "(v128.load64_splat (i32.add (local.get $w) (local.get $j)))" : null)}))))`;
  return `(func $affineProduct (export "affineProduct") (param $n i32) (param $u i32) (param $v i32) (param $w i32) (param $hasW i32) (param $alpha f64) (param $beta f64) (param $gamma f64) (param $out i32)
(local $j i32) (local $end i32) (local $av v128) (local $bv v128) (local $gv v128)
(local.set $end (i32.shl (local.get $n) (i32.const 3)))
(local.set $av (f64x2.splat (local.get $alpha)))
(local.set $bv (f64x2.splat (local.get $beta)))
(local.set $gv (f64x2.splat (local.get $gamma)))
(if (local.get $hasW) (then
${loop(true)}) (else
${loop(false)})))`;
}

function poissonLogSum(): string {
  const step = (load: (base: string) => string, lanes: string) => `(local.set $xv ${load("$x")})
(local.set $v ${load("$lam")})
(local.set $nz (f64x2.ne (local.get $xv) ${zero}))
(local.set $bad (v128.or (local.get $bad) (v128.and ${lanes} (v128.and (local.get $nz) (v128.not (f64x2.ge (local.get $v) ${f2(2.2250738585072014e-308)}))))))
${logBody("$v", "$lg")}
(local.set $acc (f64x2.add (local.get $acc) (v128.and ${lanes} (f64x2.sub (v128.bitselect (f64x2.mul (local.get $xv) (local.get $lg)) ${zero} (local.get $nz)) (local.get $v)))))`;
  return `(func $poissonLogSum (export "poissonLogSum") (param $n i32) (param $x i32) (param $lam i32) (result f64)
(local $j i32) (local $end i32) (local $xv v128) (local $v v128) (local $nz v128) (local $bad v128) (local $lg v128) (local $acc v128)
${LOG_LOCALS}
(local.set $end (i32.shl (local.get $n) (i32.const 3)))
(local.set $j (i32.const 0))
(block $pdone (loop $pairs
  (br_if $pdone (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $end)))
${step((b) => `(v128.load (i32.add (local.get ${b}) (local.get $j)))`, i2("-1"))}
  (local.set $j (i32.add (local.get $j) (i32.const 16)))
  (br $pairs)))
(if (i32.lt_u (local.get $j) (local.get $end)) (then
${step((b) => `(v128.load64_splat (i32.add (local.get ${b}) (local.get $j)))`, "(v128.const i64x2 -1 0)")}))
(if (result f64) (v128.any_true (local.get $bad)) (then (f64.const nan)) (else
  (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))))`;
}

/** The kernel module's WAT text (imports its memory as env.mem). */
export const KERNELS_WAT = `(module
(import "env" "mem" (memory 1))
${gemmLike("gemm", false)}
${gemmLike("ratio", true)}
${gemmABt()}
${elementwise("exp", expBody, EXP_LOCALS)}
${elementwise("digamma", digammaBody, PSI_LOCALS)}
${expectationExp()}
${logWeightsExp()}
${affineProduct()}
${poissonLogSum()}
)`;
