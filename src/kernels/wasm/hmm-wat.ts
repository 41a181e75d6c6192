// The HMM sweep (ALGORITHM.md §3.1, after Ã and π̃ are known) in WebAssembly
// SIMD, as WAT text for the project's assembler. Every function mirrors
// kernels/js/hmm.ts (hmmSweep) operation for operation — same products, same
// summation order, no fused multiply-add — so both backends give the same bits.
// f64x2 lanes run over the column index j (rows are contiguous, element (r, j)
// at base + (r·S + j)·8); odd S ends with a scalar column. Pointers are bytes.
// Exact zeros of the splatted factor are skipped (they add exactly 0, as in JS).
// A function returns 1 when a normaliser falls below `tiny`: the caller then
// redoes the repeat with the JS sweep, which has the log-domain path.

import { HMM_EMISSION_WAT } from "./hmm-wat-emission.js";
import { HMM_PY_SWEEP_WAT } from "./hmm-wat-python.js";

const V0 = "(v128.const f64x2 0 0)";

/**
 * Column blocks of a row: 4 pairs, then single pairs, then one scalar column.
 * `body(n, jExpr)` emits the code for n pairs (0 = scalar) at byte column $j.
 */
function columnBlocks(body: (pairs: 0 | 1 | 4) => string): string {
  return `
    (local.set $j (i32.const 0))
    (block $b4e (loop $b4l
      (br_if $b4e (i32.gt_s (i32.add (local.get $j) (i32.const 64)) (local.get $rowB)))
      ${body(4)}
      (local.set $j (i32.add (local.get $j) (i32.const 64)))
      (br $b4l)))
    (block $b1e (loop $b1l
      (br_if $b1e (i32.gt_s (i32.add (local.get $j) (i32.const 16)) (local.get $rowB)))
      ${body(1)}
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $b1l)))
    (if (i32.lt_s (local.get $j) (local.get $rowB)) (then
      ${body(0)}))`;
}

/** Accumulators $a0…$a3 (v128) or $s (f64). */
function accNames(pairs: 0 | 1 | 4): string[] {
  return pairs === 0 ? ["$s"] : Array.from({ length: pairs }, (_, q) => `$a${q}`);
}

/**
 * Inner loop over r (pointer $pr walks `stepB` bytes, $pv walks a vector of scalars):
 * acc_q = acc_q + splat(*$pv) · load($pr + 16q), all q in order of r.
 */
function splatLoop(pairs: 0 | 1 | 4, init: string, stepB: string): string {
  const acc = accNames(pairs);
  const L: string[] = [];
  for (const a of acc) L.push(pairs === 0 ? `(local.set ${a} (f64.const 0))` : `(local.set ${a} ${init})`);
  L.push(`(block $re (loop $rl`);
  L.push(`  (br_if $re (i32.ge_u (local.get $pv) (local.get $pvEnd)))`);
  // Exact zeros (most of α and β once flushed) add exactly 0: skipped.
  L.push(`  (local.set $v (f64.load (local.get $pv)))`);
  L.push(`  (if (f64.ne (local.get $v) (f64.const 0)) (then`);
  if (pairs === 0) {
    L.push(`    (local.set $s (f64.add (local.get $s) (f64.mul (local.get $v) (f64.load (local.get $pm)))))`);
  } else {
    L.push(`    (local.set $sv (f64x2.splat (local.get $v)))`);
    acc.forEach((a, q) => L.push(`    (local.set ${a} (f64x2.add (local.get ${a}) (f64x2.mul (local.get $sv) (v128.load offset=${16 * q} (local.get $pm)))))`));
  }
  L.push(`  ))`);
  L.push(`  (local.set $pv (i32.add (local.get $pv) (i32.const 8)))`);
  L.push(`  (local.set $pm (i32.add (local.get $pm) ${stepB}))`);
  L.push(`  (br $rl)))`);
  return L.join("\n");
}

const COMMON_LOCALS = `(local $rowB i32) (local $j i32) (local $m i32) (local $o i32) (local $p i32) (local $pv i32) (local $pvEnd i32) (local $pm i32)
  (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $sv v128) (local $s f64) (local $c f64) (local $v f64)`;

/** Stores the accumulators at byte address `at` (+16q), optionally transformed. */
function storeAcc(pairs: 0 | 1 | 4, at: string, f: (acc: string, q: number) => string = (a) => `(local.get ${a})`): string {
  if (pairs === 0) return `(f64.store ${at} ${f("$s", 0)})`;
  return accNames(pairs).map((a, q) => `(v128.store offset=${16 * q} ${at} ${f(a, q)})`).join("\n");
}

export const HMM_WAT = `(module
  (import "env" "mem" (memory 1))

  ;; Σ of n doubles at ptr, in order (as the JS loops accumulate).
  (func $sum (param $ptr i32) (param $nB i32) (result f64) (local $end i32) (local $c f64)
    (local.set $end (i32.add (local.get $ptr) (local.get $nB)))
    (local.set $c (f64.const 0))
    (block $e (loop $l
      (br_if $e (i32.ge_u (local.get $ptr) (local.get $end)))
      (local.set $c (f64.add (local.get $c) (f64.load (local.get $ptr))))
      (local.set $ptr (i32.add (local.get $ptr) (i32.const 8)))
      (br $l)))
    (local.get $c))

  ;; x = x·(1/c), then values below flush set to 0 (pairs, then one scalar).
  (func $normFlush (param $ptr i32) (param $nB i32) (param $c f64) (param $flush f64) (local $end i32) (local $r f64) (local $v f64)
    (local $rv v128) (local $fv v128) (local $x v128)
    (local.set $r (f64.div (f64.const 1) (local.get $c)))
    (local.set $rv (f64x2.splat (local.get $r)))
    (local.set $fv (f64x2.splat (local.get $flush)))
    (local.set $end (i32.add (local.get $ptr) (local.get $nB)))
    (block $e2 (loop $l2
      (br_if $e2 (i32.gt_u (i32.add (local.get $ptr) (i32.const 16)) (local.get $end)))
      (local.set $x (f64x2.mul (v128.load (local.get $ptr)) (local.get $rv)))
      (v128.store (local.get $ptr) (v128.andnot (local.get $x) (f64x2.lt (local.get $x) (local.get $fv))))
      (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
      (br $l2)))
    (if (i32.lt_u (local.get $ptr) (local.get $end)) (then
      (local.set $v (f64.mul (f64.load (local.get $ptr)) (local.get $r)))
      (f64.store (local.get $ptr) (select (f64.const 0) (local.get $v) (f64.lt (local.get $v) (local.get $flush))))))
  )

  ;; Forward pass: α_0 = normalize(π̃ ⊙ Pr_0); F_m = Ãᵀ α_{m−1}, α_m = normalize(F_m ⊙ Pr_m); cs_m = c_m.
  (func $forward (export "hmmForward") (param $S i32) (param $M i32) (param $eA i32) (param $ePi i32) (param $pr i32)
    (param $alpha i32) (param $F i32) (param $cs i32) (param $tiny f64) (param $flush f64) (result i32)
    ${COMMON_LOCALS}
    (local.set $rowB (i32.shl (local.get $S) (i32.const 3)))
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
    (call $normFlush (local.get $alpha) (local.get $rowB) (local.get $c) (local.get $flush))
    (local.set $m (i32.const 1))
    (block $me (loop $ml
      (br_if $me (i32.ge_s (local.get $m) (local.get $M)))
      (local.set $o (i32.mul (local.get $m) (local.get $rowB)))
      (local.set $p (i32.sub (local.get $o) (local.get $rowB)))
      ${columnBlocks((pairs) => `
        (local.set $pv (i32.add (local.get $alpha) (local.get $p)))
        (local.set $pvEnd (i32.add (local.get $pv) (local.get $rowB)))
        (local.set $pm (i32.add (local.get $eA) (local.get $j)))
        ${splatLoop(pairs, V0, "(local.get $rowB)")}
        ${storeAcc(pairs, "(i32.add (local.get $F) (i32.add (local.get $o) (local.get $j)))")}
        ${storeAcc(pairs, "(i32.add (local.get $alpha) (i32.add (local.get $o) (local.get $j)))", (a, q) =>
          pairs === 0
            ? `(f64.mul (local.get $s) (f64.load (i32.add (local.get $pr) (i32.add (local.get $o) (local.get $j)))))`
            : `(f64x2.mul (local.get ${a}) (v128.load offset=${16 * q} (i32.add (local.get $pr) (i32.add (local.get $o) (local.get $j)))))`)}`)}
      (local.set $c (call $sum (i32.add (local.get $alpha) (local.get $o)) (local.get $rowB)))
      (if (i32.eqz (f64.ge (local.get $c) (local.get $tiny))) (then (return (i32.const 1))))
      (f64.store (i32.add (local.get $cs) (i32.shl (local.get $m) (i32.const 3))) (local.get $c))
      (call $normFlush (i32.add (local.get $alpha) (local.get $o)) (local.get $rowB) (local.get $c) (local.get $flush))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $ml)))
    (i32.const 0))

  ;; Backward pass. paisley2018: β_m = normalize(Ã (β_{m+1} ⊙ Pr_{m+1})), via Ãᵀ rows;
  ;; specufex-python: β_m = β_{m+1}/Σβ_{m+1}. β_{M−1} = 1.
  (func $backward (export "hmmBackward") (param $S i32) (param $M i32) (param $isPython i32) (param $eAT i32) (param $pr i32)
    (param $beta i32) (param $ws i32) (param $tiny f64) (param $flush f64) (result i32)
    ${COMMON_LOCALS}
    (local.set $rowB (i32.shl (local.get $S) (i32.const 3)))
    (local.set $o (i32.mul (i32.sub (local.get $M) (i32.const 1)) (local.get $rowB)))
    (local.set $j (i32.const 0))
    (block $e0 (loop $l0
      (br_if $e0 (i32.ge_s (local.get $j) (local.get $rowB)))
      (f64.store (i32.add (local.get $beta) (i32.add (local.get $o) (local.get $j))) (f64.const 1))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $l0)))
    (local.set $m (i32.sub (local.get $M) (i32.const 2)))
    (block $me (loop $ml
      (br_if $me (i32.lt_s (local.get $m) (i32.const 0)))
      (local.set $o (i32.mul (local.get $m) (local.get $rowB)))
      (local.set $p (i32.add (local.get $o) (local.get $rowB)))
      (if (local.get $isPython) (then
        (local.set $c (call $sum (i32.add (local.get $beta) (local.get $p)) (local.get $rowB)))
        (local.set $j (i32.const 0))
        (block $e1 (loop $l1
          (br_if $e1 (i32.ge_s (local.get $j) (local.get $rowB)))
          (f64.store (i32.add (local.get $beta) (i32.add (local.get $o) (local.get $j)))
            (f64.div (f64.load (i32.add (local.get $beta) (i32.add (local.get $p) (local.get $j)))) (local.get $c)))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br $l1))))
      (else
        (local.set $j (i32.const 0))
        (block $e2 (loop $l2
          (br_if $e2 (i32.ge_s (local.get $j) (local.get $rowB)))
          (f64.store (i32.add (local.get $ws) (local.get $j))
            (f64.mul (f64.load (i32.add (local.get $beta) (i32.add (local.get $p) (local.get $j)))) (f64.load (i32.add (local.get $pr) (i32.add (local.get $p) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br $l2)))
        ${columnBlocks((pairs) => `
          (local.set $pv (local.get $ws))
          (local.set $pvEnd (i32.add (local.get $ws) (local.get $rowB)))
          (local.set $pm (i32.add (local.get $eAT) (local.get $j)))
          ${splatLoop(pairs, V0, "(local.get $rowB)")}
          ${storeAcc(pairs, "(i32.add (local.get $beta) (i32.add (local.get $o) (local.get $j)))")}`)}
        (local.set $c (call $sum (i32.add (local.get $beta) (local.get $o)) (local.get $rowB)))
        (if (i32.eqz (f64.ge (local.get $c) (local.get $tiny))) (then (return (i32.const 1))))
        (call $normFlush (i32.add (local.get $beta) (local.get $o)) (local.get $rowB) (local.get $c) (local.get $flush))))
      (local.set $m (i32.sub (local.get $m) (i32.const 1)))
      (br $ml)))
    (i32.const 0))

  ;; γ_m = normalize(α_m ⊙ β_m).
  (func $gamma (export "hmmGamma") (param $S i32) (param $M i32) (param $alpha i32) (param $beta i32) (param $gam i32)
    (param $tiny f64) (param $flush f64) (result i32)
    ${COMMON_LOCALS}
    (local.set $rowB (i32.shl (local.get $S) (i32.const 3)))
    (local.set $o (i32.const 0))
    (local.set $p (i32.mul (local.get $M) (local.get $rowB)))
    (block $e (loop $l
      (br_if $e (i32.ge_s (local.get $o) (local.get $p)))
      (f64.store (i32.add (local.get $gam) (local.get $o))
        (f64.mul (f64.load (i32.add (local.get $alpha) (local.get $o))) (f64.load (i32.add (local.get $beta) (local.get $o)))))
      (local.set $o (i32.add (local.get $o) (i32.const 8)))
      (br $l)))
    (local.set $o (i32.const 0))
    (block $me (loop $ml
      (br_if $me (i32.ge_s (local.get $o) (local.get $p)))
      (local.set $c (call $sum (i32.add (local.get $gam) (local.get $o)) (local.get $rowB)))
      (if (i32.eqz (f64.ge (local.get $c) (local.get $tiny))) (then (return (i32.const 1))))
      (call $normFlush (i32.add (local.get $gam) (local.get $o)) (local.get $rowB) (local.get $c) (local.get $flush))
      (local.set $o (i32.add (local.get $o) (local.get $rowB)))
      (br $ml)))
    (i32.const 0))

  ;; W_m = (β_m ⊙ Pr_m) / Σ_j F_mj β_mj Pr_mj, m = 1…M−1.
  (func $weights (export "hmmWeights") (param $S i32) (param $M i32) (param $beta i32) (param $pr i32) (param $F i32) (param $W i32)
    (param $tiny f64) (result i32)
    ${COMMON_LOCALS}
    (local.set $rowB (i32.shl (local.get $S) (i32.const 3)))
    (local.set $m (i32.const 1))
    (block $me (loop $ml
      (br_if $me (i32.ge_s (local.get $m) (local.get $M)))
      (local.set $o (i32.mul (local.get $m) (local.get $rowB)))
      (local.set $c (f64.const 0))
      (local.set $j (i32.const 0))
      (block $e (loop $l
        (br_if $e (i32.ge_s (local.get $j) (local.get $rowB)))
        (local.set $p (i32.add (local.get $o) (local.get $j)))
        (local.set $v (f64.mul (f64.load (i32.add (local.get $beta) (local.get $p))) (f64.load (i32.add (local.get $pr) (local.get $p)))))
        (f64.store (i32.add (local.get $W) (local.get $p)) (local.get $v))
        (local.set $c (f64.add (local.get $c) (f64.mul (f64.load (i32.add (local.get $F) (local.get $p))) (local.get $v))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $l)))
      (if (i32.eqz (f64.ge (local.get $c) (local.get $tiny))) (then (return (i32.const 1))))
      (local.set $v (f64.div (f64.const 1) (local.get $c)))
      (local.set $sv (f64x2.splat (local.get $v)))
      (local.set $j (i32.const 0))
      (block $e2 (loop $l2
        (br_if $e2 (i32.gt_s (i32.add (local.get $j) (i32.const 16)) (local.get $rowB)))
        (local.set $p (i32.add (local.get $W) (i32.add (local.get $o) (local.get $j))))
        (v128.store (local.get $p) (f64x2.mul (v128.load (local.get $p)) (local.get $sv)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $l2)))
      (if (i32.lt_s (local.get $j) (local.get $rowB)) (then
        (local.set $p (i32.add (local.get $W) (i32.add (local.get $o) (local.get $j))))
        (f64.store (local.get $p) (f64.mul (f64.load (local.get $p)) (local.get $v)))))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $ml)))
    (i32.const 0))

  ;; A from α and W. exact = 0: A = τA + Ã ⊙ C, C_ij = Σ_m α_{m−1,i} W_mj (0 + … in order of m);
  ;; exact = 1: A_ij = τA, then += Ã_ij·(α_{m−1,i}·W_mj) for m = 1…M−1 (the package's order).
  (func $accumulate (export "hmmAccumulate") (param $S i32) (param $M i32) (param $exact i32) (param $alpha i32) (param $W i32)
    (param $eA i32) (param $A i32) (param $tauA f64)
    ${COMMON_LOCALS} (local $i i32) (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $e f64) (local $tv v128)
    (local.set $rowB (i32.shl (local.get $S) (i32.const 3)))
    (local.set $tv (f64x2.splat (local.get $tauA)))
    (local.set $i (i32.const 0))
    (block $ie (loop $il
      (br_if $ie (i32.ge_s (local.get $i) (local.get $rowB)))
      (local.set $o (i32.mul (i32.shr_u (local.get $i) (i32.const 3)) (local.get $rowB)))
      (if (local.get $exact) (then
        ${columnBlocks((pairs) => exactBlock(pairs))})
      (else
        ${columnBlocks((pairs) => `
          (local.set $pv (i32.add (local.get $alpha) (local.get $i)))
          (local.set $pvEnd (i32.add (local.get $alpha) (i32.mul (i32.sub (local.get $M) (i32.const 1)) (local.get $rowB))))
          (local.set $pm (i32.add (local.get $W) (i32.add (local.get $rowB) (local.get $j))))
          ${fastLoop(pairs)}
          ${storeAcc(pairs, "(i32.add (local.get $A) (i32.add (local.get $o) (local.get $j)))", (a, q) =>
            pairs === 0
              ? `(f64.add (local.get $tauA) (f64.mul (f64.load (i32.add (local.get $eA) (i32.add (local.get $o) (local.get $j)))) (local.get $s)))`
              : `(f64x2.add (local.get $tv) (f64x2.mul (v128.load offset=${16 * q} (i32.add (local.get $eA) (i32.add (local.get $o) (local.get $j)))) (local.get ${a})))`)}`)}))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $il)))
  )
${HMM_PY_SWEEP_WAT}
${HMM_EMISSION_WAT}

  ;; Fingerprint series (ALGORITHM.md §3.3), t = 1…T: y = xᵀ(cĀ) (zero x_i skipped), then
  ;; x = y with entries below flush set to 0, v += x. cĀ S×S; x, v, y S doubles.
  (func $fpSeries (export "hmmFpSeries") (param $S i32) (param $T i32) (param $cA i32) (param $x i32) (param $vs i32) (param $y i32) (param $flush f64)
    ${COMMON_LOCALS} (local $t i32) (local $fv v128) (local $yv v128)
    (local.set $rowB (i32.shl (local.get $S) (i32.const 3)))
    (local.set $fv (f64x2.splat (local.get $flush)))
    (local.set $t (i32.const 1))
    (block $te (loop $tl
      (br_if $te (i32.gt_s (local.get $t) (local.get $T)))
      ${columnBlocks((pairs) => `
        (local.set $pv (local.get $x))
        (local.set $pvEnd (i32.add (local.get $x) (local.get $rowB)))
        (local.set $pm (i32.add (local.get $cA) (local.get $j)))
        ${splatLoop(pairs, V0, "(local.get $rowB)")}
        ${storeAcc(pairs, "(i32.add (local.get $y) (local.get $j))")}`)}
      (local.set $j (i32.const 0))
      (block $ue (loop $ul
        (br_if $ue (i32.gt_s (i32.add (local.get $j) (i32.const 16)) (local.get $rowB)))
        (local.set $yv (v128.load (i32.add (local.get $y) (local.get $j))))
        (local.set $yv (v128.andnot (local.get $yv) (f64x2.lt (local.get $yv) (local.get $fv))))
        (v128.store (i32.add (local.get $x) (local.get $j)) (local.get $yv))
        (v128.store (i32.add (local.get $vs) (local.get $j)) (f64x2.add (v128.load (i32.add (local.get $vs) (local.get $j))) (local.get $yv)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $ul)))
      (if (i32.lt_s (local.get $j) (local.get $rowB)) (then
        (local.set $v (f64.load (i32.add (local.get $y) (local.get $j))))
        (local.set $v (select (f64.const 0) (local.get $v) (f64.lt (local.get $v) (local.get $flush))))
        (f64.store (i32.add (local.get $x) (local.get $j)) (local.get $v))
        (f64.store (i32.add (local.get $vs) (local.get $j)) (f64.add (f64.load (i32.add (local.get $vs) (local.get $j))) (local.get $v)))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tl)))
  )
)`;

/** C accumulation over m: $pv walks α_{m,i} (stride rowB), $pm walks W_{m+1, j…}. */
function fastLoop(pairs: 0 | 1 | 4): string {
  const acc = accNames(pairs);
  const L: string[] = [];
  for (const a of acc) L.push(pairs === 0 ? `(local.set ${a} (f64.const 0))` : `(local.set ${a} ${V0})`);
  L.push(`(block $re (loop $rl`);
  L.push(`  (br_if $re (i32.ge_u (local.get $pv) (local.get $pvEnd)))`);
  L.push(`  (local.set $v (f64.load (local.get $pv)))`);
  L.push(`  (if (f64.ne (local.get $v) (f64.const 0)) (then`);
  if (pairs === 0) {
    L.push(`    (local.set $s (f64.add (local.get $s) (f64.mul (local.get $v) (f64.load (local.get $pm)))))`);
  } else {
    L.push(`    (local.set $sv (f64x2.splat (local.get $v)))`);
    acc.forEach((a, q) => L.push(`    (local.set ${a} (f64x2.add (local.get ${a}) (f64x2.mul (local.get $sv) (v128.load offset=${16 * q} (local.get $pm)))))`));
  }
  L.push(`  ))`);
  L.push(`  (local.set $pv (i32.add (local.get $pv) (local.get $rowB)))`);
  L.push(`  (local.set $pm (i32.add (local.get $pm) (local.get $rowB)))`);
  L.push(`  (br $rl)))`);
  return L.join("\n");
}

/** The exact-order A block: acc = τA; acc = acc + e·(α·W) for m in order. */
function exactBlock(pairs: 0 | 1 | 4): string {
  const acc = accNames(pairs);
  const es = pairs === 0 ? ["$e"] : ["$e0", "$e1", "$e2", "$e3"].slice(0, pairs);
  const L: string[] = [];
  const eAt = "(i32.add (local.get $eA) (i32.add (local.get $o) (local.get $j)))";
  if (pairs === 0) {
    L.push(`(local.set $s (local.get $tauA))`);
    L.push(`(local.set $e (f64.load ${eAt}))`);
  } else {
    acc.forEach((a, q) => {
      L.push(`(local.set ${a} (local.get $tv))`);
      L.push(`(local.set ${es[q]} (v128.load offset=${16 * q} ${eAt}))`);
    });
  }
  L.push(`(local.set $pv (i32.add (local.get $alpha) (local.get $i)))`);
  L.push(`(local.set $pvEnd (i32.add (local.get $alpha) (i32.mul (i32.sub (local.get $M) (i32.const 1)) (local.get $rowB))))`);
  L.push(`(local.set $pm (i32.add (local.get $W) (i32.add (local.get $rowB) (local.get $j))))`);
  L.push(`(block $re (loop $rl`);
  L.push(`  (br_if $re (i32.ge_u (local.get $pv) (local.get $pvEnd)))`);
  L.push(`  (local.set $v (f64.load (local.get $pv)))`);
  L.push(`  (if (f64.ne (local.get $v) (f64.const 0)) (then`);
  if (pairs === 0) {
    L.push(`    (local.set $s (f64.add (local.get $s) (f64.mul (local.get $e) (f64.mul (local.get $v) (f64.load (local.get $pm))))))`);
  } else {
    L.push(`    (local.set $sv (f64x2.splat (local.get $v)))`);
    acc.forEach((a, q) => L.push(`    (local.set ${a} (f64x2.add (local.get ${a}) (f64x2.mul (local.get ${es[q]}) (f64x2.mul (local.get $sv) (v128.load offset=${16 * q} (local.get $pm))))))`));
  }
  L.push(`  ))`);
  L.push(`  (local.set $pv (i32.add (local.get $pv) (local.get $rowB)))`);
  L.push(`  (local.set $pm (i32.add (local.get $pm) (local.get $rowB)))`);
  L.push(`  (br $rl)))`);
  L.push(storeAcc(pairs, "(i32.add (local.get $A) (i32.add (local.get $o) (local.get $j)))"));
  return L.join("\n");
}
