// The band-DFT kernel (kernels/band-dft.ts) as WAT text: a packed matrix product with R frequency rows × 2V
// segments per register block (R·V f64x2 accumulators) and static load offsets, then the
// magnitude (or power) of the row pair (cos part, sin part) times the row factor, stored into the D×M output.
// Pointers and sizes are in bytes. Operation order per output equals the JS kernel's, so both give the same bits.
//
//   bandDft(dp, mp, h, bc, bs, pe, po, f, out, d, m, isMagnitude, tmp)
//     dp bin panels of R rows; mp segment panels of 2V segments; h folded taps;
//     bc/bs: cos/sin basis panels (panel q: h × R doubles, p-major); pe/po: even/odd segment panels (h × 2V);
//     f: row factors (dp·R); out: D×M row-major; tmp: R·V·16 bytes of scratch.

/** Rows (frequency bins) per register block. */
export const BAND_DFT_ROWS = 4;
/** f64x2 vectors (pairs of segments) per register block. */
export const BAND_DFT_VECTORS = 2;

const R = BAND_DFT_ROWS;
const V = BAND_DFT_VECTORS;
const W = 2 * V; // segments per panel
const zero = "(v128.const f64x2 0 0)";

/**
 * The p loop of one product: acc_rv += splat(a[p][r]) · b[p][v] over p < h. Not unrolled: TurboFan hoists the
 * loads of an unrolled body and spills accumulators (measured 25 % slower); R = 4, V = 2 keeps all 15 live
 * vectors in the 16 xmm registers.
 */
function product(aStart: string, bStart: string): string {
  const L: string[] = [];
  for (let r = 0; r < R; r++) for (let v = 0; v < V; v++) L.push(`(local.set $acc${r}${v} ${zero})`);
  L.push(`(local.set $a (${aStart}))`);
  L.push(`(local.set $b (${bStart}))`);
  L.push(`(local.set $aend (i32.add (local.get $a) (local.get $bpanel)))`);
  L.push(`(block $pend (loop $ploop`);
  L.push(`  (br_if $pend (i32.ge_u (local.get $a) (local.get $aend)))`);
  for (let v = 0; v < V; v++) L.push(`  (local.set $bv${v} (v128.load offset=${2 * v * 8} (local.get $b)))`);
  for (let r = 0; r < R; r++) {
    L.push(`  (local.set $av (v128.load64_splat offset=${r * 8} (local.get $a)))`);
    for (let v = 0; v < V; v++) L.push(`  (local.set $acc${r}${v} (f64x2.add (local.get $acc${r}${v}) (f64x2.mul (local.get $av) (local.get $bv${v}))))`);
  }
  L.push(`  (local.set $a (i32.add (local.get $a) (i32.const ${R * 8})))`);
  L.push(`  (local.set $b (i32.add (local.get $b) (i32.const ${W * 8})))`);
  L.push(`  (br $ploop)))`);
  return L.join("\n");
}

function block(): string {
  const L: string[] = [];
  // cos part → tmp
  L.push(product(`i32.add (local.get $bc) (local.get $qoff)`, `i32.add (local.get $pe) (local.get $goff)`));
  for (let r = 0; r < R; r++) for (let v = 0; v < V; v++) L.push(`(v128.store offset=${(r * V + v) * 16} (local.get $tmp) (local.get $acc${r}${v}))`);
  // sin part in the accumulators
  L.push(product(`i32.add (local.get $bs) (local.get $qoff)`, `i32.add (local.get $po) (local.get $goff)`));
  for (let r = 0; r < R; r++) {
    L.push(`(local.set $row (i32.add (local.get $row0) (i32.const ${r})))`);
    L.push(`(if (i32.lt_u (local.get $row) (local.get $d)) (then`);
    L.push(`  (local.set $fv (v128.load64_splat (i32.add (local.get $f) (i32.shl (local.get $row) (i32.const 3)))))`);
    for (let v = 0; v < V; v++) {
      L.push(`  (local.set $re (v128.load offset=${(r * V + v) * 16} (local.get $tmp)))`);
      L.push(`  (local.set $pw (f64x2.add (f64x2.mul (local.get $re) (local.get $re)) (f64x2.mul (local.get $acc${r}${v}) (local.get $acc${r}${v}))))`);
      L.push(`  (if (local.get $isMag) (then (local.set $pw (f64x2.sqrt (local.get $pw)))))`);
      L.push(`  (local.set $pw (f64x2.mul (local.get $pw) (local.get $fv)))`);
      L.push(`  (local.set $col (i32.add (local.get $col0) (i32.const ${2 * v})))`);
      L.push(`  (local.set $o (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $row) (local.get $m)) (local.get $col)) (i32.const 3))))`);
      L.push(`  (if (i32.le_u (i32.add (local.get $col) (i32.const 2)) (local.get $m))`);
      L.push(`    (then (v128.store (local.get $o) (local.get $pw)))`);
      L.push(`    (else (if (i32.lt_u (local.get $col) (local.get $m)) (then (f64.store (local.get $o) (f64x2.extract_lane 0 (local.get $pw)))))))`);
    }
    L.push(`))`);
  }
  return L.join("\n");
}

function bandDft(): string {
  const accs: string[] = [];
  for (let r = 0; r < R; r++) for (let v = 0; v < V; v++) accs.push(`(local $acc${r}${v} v128)`);
  const bvs: string[] = [];
  for (let v = 0; v < V; v++) bvs.push(`(local $bv${v} v128)`);
  return `(func $bandDft (export "bandDft") (param $dp i32) (param $mp i32) (param $h i32) (param $bc i32) (param $bs i32)
(param $pe i32) (param $po i32) (param $f i32) (param $out i32) (param $d i32) (param $m i32) (param $isMag i32) (param $tmp i32)
(local $q i32) (local $g i32) (local $qoff i32) (local $goff i32) (local $bpanel i32) (local $spanel i32)
(local $a i32) (local $b i32) (local $aend i32) (local $row0 i32) (local $row i32) (local $col0 i32) (local $col i32) (local $o i32)
${accs.join(" ")}
${bvs.join(" ")} (local $av v128) (local $re v128) (local $pw v128) (local $fv v128)
(local.set $bpanel (i32.mul (local.get $h) (i32.const ${R * 8})))
(local.set $spanel (i32.mul (local.get $h) (i32.const ${W * 8})))
(local.set $q (i32.const 0))
(block $qend (loop $qloop
  (br_if $qend (i32.ge_u (local.get $q) (local.get $dp)))
  (local.set $qoff (i32.mul (local.get $q) (local.get $bpanel)))
  (local.set $row0 (i32.mul (local.get $q) (i32.const ${R})))
  (local.set $g (i32.const 0))
  (block $gend (loop $gloop
    (br_if $gend (i32.ge_u (local.get $g) (local.get $mp)))
    (local.set $goff (i32.mul (local.get $g) (local.get $spanel)))
    (local.set $col0 (i32.mul (local.get $g) (i32.const ${W})))
${block()}
    (local.set $g (i32.add (local.get $g) (i32.const 1)))
    (br $gloop)))
  (local.set $q (i32.add (local.get $q) (i32.const 1)))
  (br $qloop))))`;
}

// fold(m, step, nperseg, h, isConst, mp, x, w, even, odd): the even/odd panels (BandDftMemory.fold), two segments
// per f64x2 (lanes i, i+1), the same operations as the JS fold in the same order.
function fold(): string {
  const X = (j: string): string => `(f64x2.replace_lane 1 (v128.load64_splat (i32.add (local.get $s0) (i32.shl ${j} (i32.const 3)))) (f64.load (i32.add (local.get $s1) (i32.shl ${j} (i32.const 3)))))`;
  const W8 = (j: string): string => `(v128.load64_splat (i32.add (local.get $w) (i32.shl ${j} (i32.const 3))))`;
  return `(func $fold (export "fold") (param $m i32) (param $step i32) (param $nperseg i32) (param $h i32) (param $isConst i32) (param $mp i32)
(param $x i32) (param $w i32) (param $even i32) (param $odd i32)
(local $i i32) (local $n i32) (local $s0 i32) (local $s1 i32) (local $j i32) (local $half i32) (local $hi0 i32) (local $lo0 i32)
(local $p i32) (local $p0 i32) (local $eo i32) (local $last i32) (local $acc v128) (local $mean v128) (local $a v128) (local $b v128)
(local.set $half (i32.shr_u (i32.add (local.get $nperseg) (i32.const 1)) (i32.const 1)))
(local.set $p0 (i32.and (local.get $nperseg) (i32.const 1)))
(local.set $hi0 (i32.sub (local.get $half) (local.get $p0)))
(local.set $lo0 (i32.sub (local.get $half) (i32.const 1)))
(local.set $n (i32.mul (local.get $mp) (i32.const ${W})))
(local.set $last (i32.sub (local.get $m) (i32.const 1)))
(local.set $i (i32.const 0))
(block $iend (loop $iloop
  (br_if $iend (i32.ge_u (local.get $i) (local.get $n)))
  (local.set $s0 (i32.add (local.get $x) (i32.shl (i32.mul (select (local.get $i) (local.get $last) (i32.lt_u (local.get $i) (local.get $m))) (local.get $step)) (i32.const 3))))
  (local.set $j (i32.add (local.get $i) (i32.const 1)))
  (local.set $s1 (i32.add (local.get $x) (i32.shl (i32.mul (select (local.get $j) (local.get $last) (i32.lt_u (local.get $j) (local.get $m))) (local.get $step)) (i32.const 3))))
  (local.set $mean ${zero})
  (if (local.get $isConst) (then
    (local.set $acc ${zero})
    (local.set $j (i32.const 0))
    (block $jend (loop $jloop
      (br_if $jend (i32.ge_u (local.get $j) (local.get $nperseg)))
      (local.set $acc (f64x2.add (local.get $acc) ${X("(local.get $j)")}))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $jloop)))
    (local.set $mean (f64x2.div (local.get $acc) (f64x2.splat (f64.convert_i32_s (local.get $nperseg)))))))
  (local.set $eo (i32.shl (i32.add (i32.mul (i32.div_u (local.get $i) (i32.const ${W})) (i32.mul (local.get $h) (i32.const ${W})))
    (i32.rem_u (local.get $i) (i32.const ${W}))) (i32.const 3)))
  (if (local.get $p0) (then
    (v128.store (i32.add (local.get $even) (local.get $eo)) (f64x2.mul (f64x2.sub ${X("(local.get $hi0)")} (local.get $mean)) ${W8("(local.get $hi0)")}))
    (v128.store (i32.add (local.get $odd) (local.get $eo)) ${zero})))
  (local.set $p (local.get $p0))
  (block $pend (loop $ploop
    (br_if $pend (i32.ge_u (local.get $p) (local.get $half)))
    (local.set $a (f64x2.mul (f64x2.sub ${X("(i32.add (local.get $hi0) (local.get $p))")} (local.get $mean)) ${W8("(i32.add (local.get $hi0) (local.get $p))")}))
    (local.set $b (f64x2.mul (f64x2.sub ${X("(i32.sub (local.get $lo0) (local.get $p))")} (local.get $mean)) ${W8("(i32.sub (local.get $lo0) (local.get $p))")}))
    (local.set $j (i32.add (local.get $eo) (i32.shl (local.get $p) (i32.const ${Math.log2(W * 8)}))))
    (v128.store (i32.add (local.get $even) (local.get $j)) (f64x2.add (local.get $a) (local.get $b)))
    (v128.store (i32.add (local.get $odd) (local.get $j)) (f64x2.sub (local.get $a) (local.get $b)))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (br $ploop)))
  (local.set $i (i32.add (local.get $i) (i32.const 2)))
  (br $iloop))))`;
}

// The median/dB normalisation of a spectrogram in place (kernels/band-dft.ts, decibelsAboveMedian):
//   scan(n, v, stats) → 1 when a value is NaN, ±Inf or negative; else stats = [min positive (or Inf), max, zeros]
// (pmin/pmax, one instruction each, where wasm's min/max would expand to NaN-handling sequences: no NaN reaches them)
//   histogram(n, v, hist, shift, base, size): hist[(hi >>> shift) − base]++ over the non-zero values (i32 counts)
//   gather(n, v, dst, shift, base, b1, b2) → count: the non-zero values whose bucket is b1 or b2, in order
//   decibels(n, v, threshold, lnRef, scale): v ← v > threshold ? max((ln v − lnRef)·scale, 0) : 0
const f2 = (v: number): string => `(v128.const f64x2 ${v} ${v})`;
const i2 = (v: string): string => `(v128.const i64x2 ${v} ${v})`;
const MAGIC = "6755399441055744"; // 1.5·2^52
const MAGIC_BITS = "0x4338000000000000";

/** Shared by the JS replica (js/band-dft.ts): fdlibm's log kernel (e_log.c), the hfsq form for every input. */
export const LOG_CONSTANTS = {
  lg1: 6.666666666666735130e-01, lg2: 3.999999999940941908e-01, lg3: 2.857142874366239149e-01, lg4: 2.222219843214978396e-01,
  lg5: 1.818357216161805012e-01, lg6: 1.531383769920937332e-01, lg7: 1.479819860511658591e-01,
  ln2Hi: 6.93147180369123816490e-01, ln2Lo: 1.90821492927058770002e-10,
} as const;
const C = LOG_CONSTANTS;

function scan(): string {
  return `(func $scan (export "scan") (param $n i32) (param $v i32) (param $stats i32) (result i32)
(local $end i32) (local $x v128) (local $z v128) (local $bad v128) (local $cnt v128) (local $mn v128) (local $mx v128)
(local.set $mn (v128.const f64x2 inf inf))
(local.set $mx ${zero}) (local.set $bad ${zero}) (local.set $cnt ${zero})
(local.set $end (i32.add (local.get $v) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
(block $done (loop $l
  (br_if $done (i32.ge_u (local.get $v) (local.get $end)))
  (local.set $x (v128.load (local.get $v)))
  (local.set $bad (v128.or (local.get $bad) (v128.not (v128.and (f64x2.ge (local.get $x) ${zero}) (f64x2.lt (local.get $x) (v128.const f64x2 inf inf))))))
  (local.set $z (f64x2.eq (local.get $x) ${zero}))
  (local.set $cnt (i64x2.sub (local.get $cnt) (local.get $z)))
  (local.set $mn (f64x2.pmin (v128.bitselect (v128.const f64x2 inf inf) (local.get $x) (local.get $z)) (local.get $mn)))
  (local.set $mx (f64x2.pmax (local.get $x) (local.get $mx)))
  (local.set $v (i32.add (local.get $v) (i32.const 16)))
  (br $l)))
(if (i32.and (local.get $n) (i32.const 1)) (then
  (local.set $x (v128.load64_splat (local.get $v)))
  (local.set $bad (v128.or (local.get $bad) (v128.not (v128.and (f64x2.ge (local.get $x) ${zero}) (f64x2.lt (local.get $x) (v128.const f64x2 inf inf))))))
  (local.set $z (f64x2.eq (local.get $x) ${zero}))
  (local.set $cnt (i64x2.sub (local.get $cnt) (v128.and (local.get $z) (v128.const i64x2 -1 0))))
  (local.set $mn (f64x2.pmin (v128.bitselect (v128.const f64x2 inf inf) (local.get $x) (local.get $z)) (local.get $mn)))
  (local.set $mx (f64x2.pmax (local.get $x) (local.get $mx)))))
(if (v128.any_true (local.get $bad)) (then (return (i32.const 1))))
(f64.store (local.get $stats) (f64.min (f64x2.extract_lane 0 (local.get $mn)) (f64x2.extract_lane 1 (local.get $mn))))
(f64.store offset=8 (local.get $stats) (f64.max (f64x2.extract_lane 0 (local.get $mx)) (f64x2.extract_lane 1 (local.get $mx))))
(f64.store offset=16 (local.get $stats) (f64.convert_i64_s (i64.add (i64x2.extract_lane 0 (local.get $cnt)) (i64x2.extract_lane 1 (local.get $cnt)))))
(i32.const 0))`;
}

const key = `(i32.sub (i32.shr_u (i32.wrap_i64 (i64.shr_u (local.get $bits) (i64.const 32))) (local.get $shift)) (local.get $base))`;

function histogram(): string {
  return `(func $histogram (export "histogram") (param $n i32) (param $v i32) (param $hist i32) (param $shift i32) (param $base i32) (param $size i32)
(local $i i32) (local $end i32) (local $bits i64) (local $a i32)
(local.set $i (i32.const 0))
(block $z (loop $zl
  (br_if $z (i32.gt_u (local.get $i) (local.get $size)))
  (i32.store (i32.add (local.get $hist) (i32.shl (local.get $i) (i32.const 2))) (i32.const 0))
  (local.set $i (i32.add (local.get $i) (i32.const 1)))
  (br $zl)))
(local.set $end (i32.add (local.get $v) (i32.shl (local.get $n) (i32.const 3))))
(block $done (loop $l
  (br_if $done (i32.ge_u (local.get $v) (local.get $end)))
  (local.set $bits (i64.load (local.get $v)))
  ;; zeros (either sign) go to the spare bucket \`size\`
  (local.set $a (i32.add (local.get $hist) (i32.shl (select ${key} (local.get $size) (i64.ne (i64.shl (local.get $bits) (i64.const 1)) (i64.const 0))) (i32.const 2))))
  (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
  (local.set $v (i32.add (local.get $v) (i32.const 8)))
  (br $l))))`;
}

function gather(): string {
  return `(func $gather (export "gather") (param $n i32) (param $v i32) (param $dst i32) (param $shift i32) (param $base i32) (param $b1 i32) (param $b2 i32) (result i32)
(local $end i32) (local $bits i64) (local $k i32) (local $g i32)
(local.set $end (i32.add (local.get $v) (i32.shl (local.get $n) (i32.const 3))))
(block $done (loop $l
  (br_if $done (i32.ge_u (local.get $v) (local.get $end)))
  (local.set $bits (i64.load (local.get $v)))
  (local.set $k ${key})
  (i64.store (i32.add (local.get $dst) (i32.shl (local.get $g) (i32.const 3))) (local.get $bits))
  (local.set $g (i32.add (local.get $g) (i32.and (i64.ne (i64.shl (local.get $bits) (i64.const 1)) (i64.const 0))
    (i32.or (i32.eq (local.get $k) (local.get $b1)) (i32.eq (local.get $k) (local.get $b2))))))
  (local.set $v (i32.add (local.get $v) (i32.const 8)))
  (br $l)))
(local.get $g))`;
}

/** $db = ln($x) for positive normal lanes (other lanes: finite garbage, masked by the caller). */
function logLanes(): string {
  return `(local.set $hx (i64x2.shr_u (local.get $x) (i32.const 32)))
(local.set $k (i64x2.sub (i64x2.shr_u (local.get $hx) (i32.const 20)) ${i2("1023")}))
(local.set $hx (v128.and (local.get $hx) ${i2("0xfffff")}))
(local.set $ii (v128.and (i64x2.add (local.get $hx) ${i2("0x95f64")}) ${i2("0x100000")}))
(local.set $xn (v128.or (i64x2.shl (v128.or (local.get $hx) (v128.xor (local.get $ii) ${i2("0x3ff00000")})) (i32.const 32))
  (v128.and (local.get $x) ${i2("0xffffffff")})))
(local.set $k (i64x2.add (local.get $k) (i64x2.shr_u (local.get $ii) (i32.const 20))))
(local.set $dk (f64x2.sub (i64x2.add (local.get $k) ${i2(MAGIC_BITS)}) ${f2(Number(MAGIC))}))
(local.set $f (f64x2.sub (local.get $xn) ${f2(1)}))
(local.set $s (f64x2.div (local.get $f) (f64x2.add ${f2(2)} (local.get $f))))
(local.set $zz (f64x2.mul (local.get $s) (local.get $s)))
(local.set $w (f64x2.mul (local.get $zz) (local.get $zz)))
(local.set $r (f64x2.add
  (f64x2.mul (local.get $zz) (f64x2.add ${f2(C.lg1)} (f64x2.mul (local.get $w) (f64x2.add ${f2(C.lg3)} (f64x2.mul (local.get $w) (f64x2.add ${f2(C.lg5)} (f64x2.mul (local.get $w) ${f2(C.lg7)})))))))
  (f64x2.mul (local.get $w) (f64x2.add ${f2(C.lg2)} (f64x2.mul (local.get $w) (f64x2.add ${f2(C.lg4)} (f64x2.mul (local.get $w) ${f2(C.lg6)})))))))
(local.set $hf (f64x2.mul (f64x2.mul ${f2(0.5)} (local.get $f)) (local.get $f)))
(local.set $db (f64x2.sub (f64x2.mul (local.get $dk) ${f2(C.ln2Hi)})
  (f64x2.sub (f64x2.sub (local.get $hf) (f64x2.add (f64x2.mul (local.get $s) (f64x2.add (local.get $hf) (local.get $r)))
    (f64x2.mul (local.get $dk) ${f2(C.ln2Lo)}))) (local.get $f))))`;
}

function decibels(): string {
  const body = `(local.set $gt (f64x2.gt (local.get $x) (local.get $medv)))
(if (v128.any_true (local.get $gt)) (then
${logLanes()}
  (local.set $db (f64x2.pmax ${zero} (f64x2.mul (f64x2.sub (local.get $db) (local.get $lnv)) (local.get $kv))))
  (local.set $db (v128.and (local.get $db) (local.get $gt))))
(else (local.set $db ${zero})))`;
  return `(func $decibels (export "decibels") (param $n i32) (param $v i32) (param $med f64) (param $lnMed f64) (param $scale f64)
(local $end i32) (local $x v128) (local $gt v128) (local $medv v128) (local $lnv v128) (local $kv v128)
(local $hx v128) (local $k v128) (local $ii v128) (local $xn v128) (local $dk v128) (local $f v128) (local $s v128)
(local $zz v128) (local $w v128) (local $r v128) (local $hf v128) (local $db v128)
(local.set $medv (f64x2.splat (local.get $med)))
(local.set $lnv (f64x2.splat (local.get $lnMed)))
(local.set $kv (f64x2.splat (local.get $scale)))
(local.set $end (i32.add (local.get $v) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
(block $done (loop $l
  (br_if $done (i32.ge_u (local.get $v) (local.get $end)))
  (local.set $x (v128.load (local.get $v)))
${body}
  (v128.store (local.get $v) (local.get $db))
  (local.set $v (i32.add (local.get $v) (i32.const 16)))
  (br $l)))
(if (i32.and (local.get $n) (i32.const 1)) (then
  (local.set $x (v128.load64_splat (local.get $v)))
${body}
  (f64.store (local.get $v) (f64x2.extract_lane 0 (local.get $db))))))`;
}

/** The module: one imported memory, the exported kernels. */
export const BAND_DFT_WAT = `(module
(import "env" "mem" (memory 1))
${bandDft()}
${fold()}
${scan()}
${histogram()}
${gather()}
${decibels()}
)`;
