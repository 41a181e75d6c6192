// The specufex-python repeat (ALGORITHM.md §3.1 with the §4 variant) as one
// WebAssembly SIMD sweep, spliced into kernels/wasm/hmm-wat.ts's module.
//
// Under specufex-python every β_m is a constant vector b_m·1 (the backward
// pass only renormalises, so b depends on S and M alone; the caller fills it),
// hence γ_m = normalize(α_m·b_m) and W_m = b_m·Pr_m / Σ_j F_mj·b_m·Pr_mj are
// known as soon as α_m is: forward pass, weights, A accumulation and γ run in
// one sweep over m, while the column is in registers and cache. α is nearly
// one-hot, so its nonzero entries are listed (ascending) when α_m is
// normalised, and F_{m+1} = Ãᵀα_m and the A increments loop over that list.
// Every value is formed by the operations of kernels/js/hmm.ts (hmmSweep) in
// the same order (zero terms add exactly 0 and are skipped), so the results
// are bit-identical to the JS kernel. Returns 1 when a normaliser falls below
// `tiny` (A and γ_0 untouched): the caller redoes the repeat with the JS sweep.

/** Per-row loop over byte column $j: f64x2 pairs, then one scalar column. */
function rowLoop(pair: string, scalar: string, label: string): string {
  return `
    (local.set $j (i32.const 0))
    (block $${label}e (loop $${label}l
      (br_if $${label}e (i32.gt_s (i32.add (local.get $j) (i32.const 16)) (local.get $rowB)))
      ${pair}
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $${label}l)))
    (if (i32.lt_s (local.get $j) (local.get $rowB)) (then ${scalar}))`;
}

/** F_mj over blocks of `pairs` f64x2 (0 = the scalar column): Σ over the listed i of α_{m−1,i}·Ã_ij, then F and α_m = F ⊙ Pr_m stored. */
function forwardBlock(pairs: 0 | 1 | 4): string {
  const acc = pairs === 0 ? ["$s"] : Array.from({ length: pairs }, (_, q) => `$a${q}`);
  const L: string[] = [];
  for (const a of acc) L.push(pairs === 0 ? `(local.set ${a} (f64.const 0))` : `(local.set ${a} (v128.const f64x2 0 0))`);
  L.push(`(local.set $pv (local.get $lp))`);
  L.push(`(block $fe (loop $fl`);
  L.push(`  (br_if $fe (i32.ge_u (local.get $pv) (local.get $lpEnd)))`);
  L.push(`  (local.set $ib (i32.load (local.get $pv)))`);
  L.push(`  (local.set $v (f64.load (i32.add (local.get $alpha) (i32.add (local.get $p) (local.get $ib)))))`);
  L.push(`  (local.set $pm (i32.add (local.get $eA) (i32.add (i32.mul (local.get $ib) (local.get $S)) (local.get $j))))`);
  if (pairs === 0) {
    L.push(`  (local.set $s (f64.add (local.get $s) (f64.mul (local.get $v) (f64.load (local.get $pm)))))`);
  } else {
    L.push(`  (local.set $sv (f64x2.splat (local.get $v)))`);
    acc.forEach((a, q) => L.push(`  (local.set ${a} (f64x2.add (local.get ${a}) (f64x2.mul (local.get $sv) (v128.load offset=${16 * q} (local.get $pm)))))`));
  }
  L.push(`  (local.set $pv (i32.add (local.get $pv) (i32.const 4)))`);
  L.push(`  (br $fl)))`);
  const fAt = "(i32.add (local.get $F) (local.get $j))";
  const aAt = "(i32.add (local.get $alpha) (i32.add (local.get $o) (local.get $j)))";
  const prAt = "(i32.add (local.get $pr) (i32.add (local.get $o) (local.get $j)))";
  // α_mj = F_mj·Pr_mj, and c = Σ_j α_mj added in order of j (blocks and lanes ascend).
  if (pairs === 0) {
    L.push(`(f64.store ${fAt} (local.get $s))`);
    L.push(`(local.set $v (f64.mul (local.get $s) (f64.load ${prAt})))`);
    L.push(`(f64.store ${aAt} (local.get $v))`);
    L.push(`(local.set $c (f64.add (local.get $c) (local.get $v)))`);
  } else {
    acc.forEach((a, q) => {
      L.push(`(v128.store offset=${16 * q} ${fAt} (local.get ${a}))`);
      L.push(`(local.set $sv (f64x2.mul (local.get ${a}) (v128.load offset=${16 * q} ${prAt})))`);
      L.push(`(v128.store offset=${16 * q} ${aAt} (local.get $sv))`);
      L.push(`(local.set $c (f64.add (local.get $c) (f64x2.extract_lane 0 (local.get $sv))))`);
      L.push(`(local.set $c (f64.add (local.get $c) (f64x2.extract_lane 1 (local.get $sv))))`);
    });
  }
  return L.join("\n");
}

/** Column blocks of a row as in hmm-wat.ts: 4 pairs, single pairs, one scalar column. */
function forwardRow(): string {
  return `
    (local.set $j (i32.const 0))
    (block $b4e (loop $b4l
      (br_if $b4e (i32.gt_s (i32.add (local.get $j) (i32.const 64)) (local.get $rowB)))
      ${forwardBlock(4)}
      (local.set $j (i32.add (local.get $j) (i32.const 64)))
      (br $b4l)))
    (block $b1e (loop $b1l
      (br_if $b1e (i32.gt_s (i32.add (local.get $j) (i32.const 16)) (local.get $rowB)))
      ${forwardBlock(1)}
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $b1l)))
    (if (i32.lt_s (local.get $j) (local.get $rowB)) (then
      ${forwardBlock(0)}))`;
}

/**
 * α_m (row at byte $o, unnormalised, sum $c) ← α_m·(1/c) with entries below flush set to 0;
 * the nonzero columns' byte offsets are listed at $lc ($lcEnd past the last).
 */
const NORMALIZE_LIST = `
    (local.set $r (f64.div (f64.const 1) (local.get $c)))
    (local.set $lcEnd (local.get $lc))
    (local.set $j (i32.const 0))
    (block $ne (loop $nl
      (br_if $ne (i32.ge_s (local.get $j) (local.get $rowB)))
      (local.set $pm (i32.add (local.get $alpha) (i32.add (local.get $o) (local.get $j))))
      (local.set $v (f64.mul (f64.load (local.get $pm)) (local.get $r)))
      (if (f64.lt (local.get $v) (local.get $flush))
        (then (f64.store (local.get $pm) (f64.const 0)))
        (else
          (f64.store (local.get $pm) (local.get $v))
          (i32.store (local.get $lcEnd) (local.get $j))
          (local.set $lcEnd (i32.add (local.get $lcEnd) (i32.const 4)))))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $nl)))`;

/** γ_m = normalize(α_m·b_m) for the row at byte $o (b_m in $bm); returns 1 on underflow. */
const GAMMA_ROW = `
    (local.set $c (f64.const 0))
    (local.set $j (i32.const 0))
    (block $ge (loop $gl
      (br_if $ge (i32.ge_s (local.get $j) (local.get $rowB)))
      (local.set $v (f64.mul (f64.load (i32.add (local.get $alpha) (i32.add (local.get $o) (local.get $j)))) (local.get $bm)))
      (f64.store (i32.add (local.get $gam) (i32.add (local.get $o) (local.get $j))) (local.get $v))
      (local.set $c (f64.add (local.get $c) (local.get $v)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $gl)))
    (if (i32.eqz (f64.ge (local.get $c) (local.get $tiny))) (then (return (i32.const 1))))
    (call $normFlush (i32.add (local.get $gam) (local.get $o)) (local.get $rowB) (local.get $c) (local.get $flush))`;

/** The WAT of `hmmPySweep` (uses the module's $normFlush). */
export const HMM_PY_SWEEP_WAT = `
  ;; One specufex-python repeat after hmmPrepare. mode 0: A = τA + Ã ⊙ Σ_m α_{m−1} W_mᵀ
  ;; (accumulated from 0 in $acc, S×S); mode 1: A_ij = τA + Ã_ij·(α_{m−1,i}·W_mj) added in
  ;; order of m (the package's rounding order); mode 2: no A. γ of every m when mode ≠ 0,
  ;; else γ_0 only (π's update). b: the M β scalars; cs: the M forward normalisers;
  ;; lists: 2·S i32 of scratch.
  (func $pySweep (export "hmmPySweep") (param $S i32) (param $M i32) (param $mode i32) (param $eA i32) (param $ePi i32)
    (param $pr i32) (param $b i32) (param $alpha i32) (param $gam i32) (param $F i32) (param $W i32) (param $acc i32)
    (param $A i32) (param $cs i32) (param $lists i32) (param $tauA f64) (param $tiny f64) (param $flush f64)
    (param $eVal i32) (param $exc i32) (param $nExc i32) (result i32)
    (local $rowB i32) (local $j i32) (local $m i32) (local $o i32) (local $p i32) (local $pv i32) (local $pm i32) (local $ib i32)
    (local $lp i32) (local $lpEnd i32) (local $lc i32) (local $lcEnd i32) (local $t i32) (local $pa i32) (local $pe i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $sv v128) (local $tv v128)
    (local $s f64) (local $c f64) (local $v f64) (local $r f64) (local $bm f64)
    (local.set $rowB (i32.shl (local.get $S) (i32.const 3)))
    ;; Ã (hmmPrepare with onlyEA): Ã_ij = eVal_j where A_ij = τA (every row a copy of eVal),
    ;; then the nExc (index, value) pairs at $exc for the other entries.
    (local.set $pa (local.get $eA))
    (local.set $pe (i32.add (local.get $eA) (i32.mul (local.get $rowB) (local.get $S))))
    (block $fe0 (loop $fl0
      (br_if $fe0 (i32.ge_u (local.get $pa) (local.get $pe)))
      ${rowLoop(
        `(v128.store (i32.add (local.get $pa) (local.get $j)) (v128.load (i32.add (local.get $eVal) (local.get $j))))`,
        `(f64.store (i32.add (local.get $pa) (local.get $j)) (f64.load (i32.add (local.get $eVal) (local.get $j))))`, "fr")}
      (local.set $pa (i32.add (local.get $pa) (local.get $rowB)))
      (br $fl0)))
    (local.set $pv (local.get $exc))
    (local.set $pe (i32.add (local.get $exc) (i32.shl (local.get $nExc) (i32.const 4))))
    (block $xe0 (loop $xl0
      (br_if $xe0 (i32.ge_u (local.get $pv) (local.get $pe)))
      (f64.store (i32.add (local.get $eA) (i32.shl (i32.trunc_f64_s (f64.load (local.get $pv))) (i32.const 3)))
        (f64.load offset=8 (local.get $pv)))
      (local.set $pv (i32.add (local.get $pv) (i32.const 16)))
      (br $xl0)))
    (local.set $lp (local.get $lists))
    (local.set $lc (i32.add (local.get $lists) (i32.shl (local.get $S) (i32.const 2))))
    ;; α_0 = normalize(π̃ ⊙ Pr_0).
    (local.set $o (i32.const 0))
    (local.set $c (f64.const 0))
    (local.set $j (i32.const 0))
    (block $e0 (loop $l0
      (br_if $e0 (i32.ge_s (local.get $j) (local.get $rowB)))
      (local.set $v (f64.mul (f64.load (i32.add (local.get $ePi) (local.get $j))) (f64.load (i32.add (local.get $pr) (local.get $j)))))
      (f64.store (i32.add (local.get $alpha) (local.get $j)) (local.get $v))
      (local.set $c (f64.add (local.get $c) (local.get $v)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $l0)))
    (if (i32.eqz (f64.ge (local.get $c) (local.get $tiny))) (then (return (i32.const 1))))
    (f64.store (local.get $cs) (local.get $c))
    ${NORMALIZE_LIST}
    (local.set $bm (f64.load (local.get $b)))
    ${GAMMA_ROW}
    ;; The A accumulator: 0 (mode 0) or τA (mode 1).
    (if (i32.ne (local.get $mode) (i32.const 2)) (then
      (local.set $v (select (f64.const 0) (local.get $tauA) (i32.eqz (local.get $mode))))
      (local.set $pa (local.get $acc))
      (local.set $pe (i32.add (local.get $acc) (i32.mul (local.get $rowB) (local.get $S))))
      (block $ie (loop $il
        (br_if $ie (i32.ge_u (local.get $pa) (local.get $pe)))
        (f64.store (local.get $pa) (local.get $v))
        (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
        (br $il)))))
    (local.set $m (i32.const 1))
    (block $me (loop $ml
      (br_if $me (i32.ge_s (local.get $m) (local.get $M)))
      ;; The list of α_{m−1} becomes the previous one.
      (local.set $t (local.get $lp))
      (local.set $lp (local.get $lc))
      (local.set $lpEnd (local.get $lcEnd))
      (local.set $lc (local.get $t))
      (local.set $o (i32.mul (local.get $m) (local.get $rowB)))
      (local.set $p (i32.sub (local.get $o) (local.get $rowB)))
      (local.set $c (f64.const 0))
      ${forwardRow()}
      (if (i32.eqz (f64.ge (local.get $c) (local.get $tiny))) (then (return (i32.const 1))))
      (f64.store (i32.add (local.get $cs) (i32.shl (local.get $m) (i32.const 3))) (local.get $c))
      ${NORMALIZE_LIST}
      (local.set $bm (f64.load (i32.add (local.get $b) (i32.shl (local.get $m) (i32.const 3)))))
      (if (i32.ne (local.get $mode) (i32.const 2)) (then
        ;; W_m = b_m·Pr_m / Σ_j F_mj·(b_m·Pr_mj).
        (local.set $s (f64.const 0))
        (local.set $j (i32.const 0))
        (block $we (loop $wl
          (br_if $we (i32.ge_s (local.get $j) (local.get $rowB)))
          (local.set $v (f64.mul (local.get $bm) (f64.load (i32.add (local.get $pr) (i32.add (local.get $o) (local.get $j))))))
          (f64.store (i32.add (local.get $W) (local.get $j)) (local.get $v))
          (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (i32.add (local.get $F) (local.get $j))) (local.get $v))))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br $wl)))
        (if (i32.eqz (f64.ge (local.get $s) (local.get $tiny))) (then (return (i32.const 1))))
        (local.set $r (f64.div (f64.const 1) (local.get $s)))
        (local.set $sv (f64x2.splat (local.get $r)))
        ${rowLoop(
          `(local.set $pm (i32.add (local.get $W) (local.get $j)))
           (v128.store (local.get $pm) (f64x2.mul (v128.load (local.get $pm)) (local.get $sv)))`,
          `(local.set $pm (i32.add (local.get $W) (local.get $j)))
           (f64.store (local.get $pm) (f64.mul (f64.load (local.get $pm)) (local.get $r)))`, "ws")}
        ;; Rows i of the accumulator with α_{m−1,i} ≠ 0.
        (local.set $pv (local.get $lp))
        (block $ae (loop $al
          (br_if $ae (i32.ge_u (local.get $pv) (local.get $lpEnd)))
          (local.set $ib (i32.load (local.get $pv)))
          (local.set $v (f64.load (i32.add (local.get $alpha) (i32.add (local.get $p) (local.get $ib)))))
          (local.set $sv (f64x2.splat (local.get $v)))
          (local.set $pa (i32.add (local.get $acc) (i32.mul (local.get $ib) (local.get $S))))
          (local.set $pe (i32.add (local.get $eA) (i32.mul (local.get $ib) (local.get $S))))
          (if (i32.eqz (local.get $mode))
            (then
              ${rowLoop(
                `(local.set $pm (i32.add (local.get $pa) (local.get $j)))
                 (v128.store (local.get $pm) (f64x2.add (v128.load (local.get $pm)) (f64x2.mul (local.get $sv) (v128.load (i32.add (local.get $W) (local.get $j))))))`,
                `(local.set $pm (i32.add (local.get $pa) (local.get $j)))
                 (f64.store (local.get $pm) (f64.add (f64.load (local.get $pm)) (f64.mul (local.get $v) (f64.load (i32.add (local.get $W) (local.get $j))))))`, "a0")})
            (else
              ${rowLoop(
                `(local.set $pm (i32.add (local.get $pa) (local.get $j)))
                 (v128.store (local.get $pm) (f64x2.add (v128.load (local.get $pm))
                   (f64x2.mul (v128.load (i32.add (local.get $pe) (local.get $j))) (f64x2.mul (local.get $sv) (v128.load (i32.add (local.get $W) (local.get $j)))))))`,
                `(local.set $pm (i32.add (local.get $pa) (local.get $j)))
                 (f64.store (local.get $pm) (f64.add (f64.load (local.get $pm))
                   (f64.mul (f64.load (i32.add (local.get $pe) (local.get $j))) (f64.mul (local.get $v) (f64.load (i32.add (local.get $W) (local.get $j)))))))`, "a1")}))
          (local.set $pv (i32.add (local.get $pv) (i32.const 4)))
          (br $al)))))
      (if (i32.ne (local.get $mode) (i32.const 0)) (then ${GAMMA_ROW}))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $ml)))
    ;; A from the accumulator.
    (local.set $pa (i32.const 0))
    (local.set $pe (i32.mul (local.get $rowB) (local.get $S)))
    (if (i32.eqz (local.get $mode)) (then
      (local.set $tv (f64x2.splat (local.get $tauA)))
      (block $ze (loop $zl
        (br_if $ze (i32.gt_s (i32.add (local.get $pa) (i32.const 16)) (local.get $pe)))
        (v128.store (i32.add (local.get $A) (local.get $pa))
          (f64x2.add (local.get $tv) (f64x2.mul (v128.load (i32.add (local.get $eA) (local.get $pa))) (v128.load (i32.add (local.get $acc) (local.get $pa))))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (br $zl)))
      (if (i32.lt_s (local.get $pa) (local.get $pe)) (then
        (f64.store (i32.add (local.get $A) (local.get $pa))
          (f64.add (local.get $tauA) (f64.mul (f64.load (i32.add (local.get $eA) (local.get $pa))) (f64.load (i32.add (local.get $acc) (local.get $pa))))))))))
    (if (i32.eq (local.get $mode) (i32.const 1)) (then
      (block $ce (loop $cl
        (br_if $ce (i32.ge_s (local.get $pa) (local.get $pe)))
        (f64.store (i32.add (local.get $A) (local.get $pa)) (f64.load (i32.add (local.get $acc) (local.get $pa))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
        (br $cl)))))
    (i32.const 0))

  ;; Start of a repeat (hmmSameInputs and hmmPrepare's scan in one pass over A): returns −1
  ;; when A and π equal the previous repeat's inputs at $prev (S×S then S; skipped when
  ;; $first), else saves them there and returns the number of entries A_ij ≠ τA, listed
  ;; (row-major, as doubles) at $others, with each row's sum, in order, at $rs.
  (func $scan (export "hmmScan") (param $S i32) (param $A i32) (param $Ppi i32) (param $prev i32) (param $first i32)
    (param $tauA f64) (param $rs i32) (param $others i32) (result i32)
    (local $SS i32) (local $k i32) (local $i i32) (local $l i32) (local $n i32) (local $x f64) (local $c f64)
    (local.set $SS (i32.mul (local.get $S) (local.get $S)))
    (if (i32.eqz (local.get $first)) (then
      (block $diff
        (local.set $k (i32.const 0))
        (block $ae (loop $al
          (br_if $ae (i32.ge_s (local.get $k) (local.get $SS)))
          (br_if $diff (f64.ne (f64.load (i32.add (local.get $A) (i32.shl (local.get $k) (i32.const 3))))
            (f64.load (i32.add (local.get $prev) (i32.shl (local.get $k) (i32.const 3))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $al)))
        (local.set $k (i32.const 0))
        (block $pe (loop $pl
          (br_if $pe (i32.ge_s (local.get $k) (local.get $S)))
          (br_if $diff (f64.ne (f64.load (i32.add (local.get $Ppi) (i32.shl (local.get $k) (i32.const 3))))
            (f64.load (i32.add (local.get $prev) (i32.shl (i32.add (local.get $SS) (local.get $k)) (i32.const 3))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $pl)))
        (return (i32.const -1)))))
    (local.set $k (i32.const 0))
    (local.set $i (i32.const 0))
    (block $re (loop $rl
      (br_if $re (i32.ge_s (local.get $i) (local.get $S)))
      (local.set $c (f64.const 0))
      (local.set $l (i32.const 0))
      (block $le (loop $ll
        (br_if $le (i32.ge_s (local.get $l) (local.get $S)))
        (local.set $x (f64.load (i32.add (local.get $A) (i32.shl (local.get $k) (i32.const 3)))))
        (f64.store (i32.add (local.get $prev) (i32.shl (local.get $k) (i32.const 3))) (local.get $x))
        (local.set $c (f64.add (local.get $c) (local.get $x)))
        (if (f64.ne (local.get $x) (local.get $tauA)) (then
          (f64.store (i32.add (local.get $others) (i32.shl (local.get $n) (i32.const 3))) (f64.convert_i32_s (local.get $k)))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $ll)))
      (f64.store (i32.add (local.get $rs) (i32.shl (local.get $i) (i32.const 3))) (local.get $c))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rl)))
    (local.set $k (i32.const 0))
    (block $qe (loop $ql
      (br_if $qe (i32.ge_s (local.get $k) (local.get $S)))
      (f64.store (i32.add (local.get $prev) (i32.shl (i32.add (local.get $SS) (local.get $k)) (i32.const 3)))
        (f64.load (i32.add (local.get $Ppi) (i32.shl (local.get $k) (i32.const 3)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $ql)))
    (local.get $n))
`;
