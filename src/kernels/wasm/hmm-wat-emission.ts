// Emission log-likelihoods of the HMM's local pass (ALGORITHM.md §3.1) in
// WebAssembly SIMD, spliced into kernels/wasm/hmm-wat.ts's module: the S×K×M
// products lnPr_ms = Σ_k ElnB_sk·U_km − Σ_k EB_sk and each column's shift by its
// maximum. f64x2 lanes run over states (ElnBᵀ rows, K×S, are contiguous); each
// entry sums over k in order from 0, as kernels/js/hmm-stats.ts (hmmEmission),
// so the values are bit-identical. The exponentials stay in JS.

/** Σ_k over the column at $pu (stride $colB) times ElnBᵀ rows at column $j; stores ln = acc − EB. */
function dotBlock(pairs: 0 | 1 | 4): string {
  const acc = pairs === 0 ? ["$s"] : Array.from({ length: pairs }, (_, q) => `$a${q}`);
  const L: string[] = [];
  for (const a of acc) L.push(pairs === 0 ? `(local.set ${a} (f64.const 0))` : `(local.set ${a} (v128.const f64x2 0 0))`);
  L.push(`(local.set $pu (i32.add (local.get $U) (i32.shl (local.get $m) (i32.const 3))))`);
  L.push(`(local.set $pm (i32.add (local.get $ET) (local.get $j)))`);
  L.push(`(block $ke (loop $kl`);
  L.push(`  (br_if $ke (i32.ge_u (local.get $pu) (local.get $puEnd)))`);
  if (pairs === 0) {
    L.push(`  (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $pu)) (f64.load (local.get $pm)))))`);
  } else {
    L.push(`  (local.set $sv (f64x2.splat (f64.load (local.get $pu))))`);
    acc.forEach((a, q) => L.push(`  (local.set ${a} (f64x2.add (local.get ${a}) (f64x2.mul (local.get $sv) (v128.load offset=${16 * q} (local.get $pm)))))`));
  }
  L.push(`  (local.set $pu (i32.add (local.get $pu) (local.get $colB)))`);
  L.push(`  (local.set $pm (i32.add (local.get $pm) (local.get $rowB)))`);
  L.push(`  (br $kl)))`);
  const lnAt = "(i32.add (local.get $ln) (i32.add (local.get $o) (local.get $j)))";
  const ebAt = "(i32.add (local.get $EB) (local.get $j))";
  if (pairs === 0) L.push(`(f64.store ${lnAt} (f64.sub (local.get $s) (f64.load ${ebAt})))`);
  else acc.forEach((a, q) => L.push(`(v128.store offset=${16 * q} ${lnAt} (f64x2.sub (local.get ${a}) (v128.load offset=${16 * q} ${ebAt})))`));
  return L.join("\n");
}

/** The WAT of `hmmEmission`. */
export const HMM_EMISSION_WAT = `
  ;; lnPrT (M×S) = (ElnBᵀ (K×S))ᵀ·U (K×M) − EB (S), then each row minus its maximum (stored
  ;; in colMax). Returns 1 when a maximum is not finite or a shifted value is NaN.
  (func $emission (export "hmmEmission") (param $S i32) (param $K i32) (param $M i32) (param $ET i32) (param $EB i32) (param $U i32)
    (param $ln i32) (param $cmax i32) (result i32)
    (local $rowB i32) (local $colB i32) (local $j i32) (local $m i32) (local $o i32) (local $pu i32) (local $puEnd i32) (local $pm i32) (local $bad i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $sv v128) (local $s f64) (local $v f64) (local $mx f64)
    (local.set $rowB (i32.shl (local.get $S) (i32.const 3)))
    (local.set $colB (i32.shl (local.get $M) (i32.const 3)))
    (local.set $m (i32.const 0))
    (block $me (loop $ml
      (br_if $me (i32.ge_s (local.get $m) (local.get $M)))
      (local.set $o (i32.mul (local.get $m) (local.get $rowB)))
      (local.set $puEnd (i32.add (i32.add (local.get $U) (i32.shl (local.get $m) (i32.const 3))) (i32.mul (local.get $K) (local.get $colB))))
      (local.set $j (i32.const 0))
      (block $b4e (loop $b4l
        (br_if $b4e (i32.gt_s (i32.add (local.get $j) (i32.const 64)) (local.get $rowB)))
        ${dotBlock(4)}
        (local.set $j (i32.add (local.get $j) (i32.const 64)))
        (br $b4l)))
      (block $b1e (loop $b1l
        (br_if $b1e (i32.gt_s (i32.add (local.get $j) (i32.const 16)) (local.get $rowB)))
        ${dotBlock(1)}
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $b1l)))
      (if (i32.lt_s (local.get $j) (local.get $rowB)) (then
        ${dotBlock(0)}))
      ;; mx = max_s (v > mx in order, as the JS loop: NaN never wins).
      (local.set $mx (f64.const -inf))
      (local.set $j (i32.const 0))
      (block $xe (loop $xl
        (br_if $xe (i32.ge_s (local.get $j) (local.get $rowB)))
        (local.set $v (f64.load (i32.add (local.get $ln) (i32.add (local.get $o) (local.get $j)))))
        (if (f64.gt (local.get $v) (local.get $mx)) (then (local.set $mx (local.get $v))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $xl)))
      (f64.store (i32.add (local.get $cmax) (i32.shl (local.get $m) (i32.const 3))) (local.get $mx))
      (if (f64.ne (f64.sub (local.get $mx) (local.get $mx)) (f64.const 0)) (then (local.set $bad (i32.const 1))))
      (local.set $j (i32.const 0))
      (block $se (loop $sl
        (br_if $se (i32.ge_s (local.get $j) (local.get $rowB)))
        (local.set $pm (i32.add (local.get $ln) (i32.add (local.get $o) (local.get $j))))
        (local.set $v (f64.sub (f64.load (local.get $pm)) (local.get $mx)))
        (if (f64.ne (local.get $v) (local.get $v)) (then (local.set $bad (i32.const 1))))
        (f64.store (local.get $pm) (local.get $v))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $sl)))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $ml)))
    (local.get $bad))
`;
