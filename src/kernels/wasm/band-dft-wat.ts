// The band-DFT kernel (kernels/band-dft.ts) as WAT text: a packed matrix product with R frequency rows × 2V
// segments per register block (R·V f64x2 accumulators) and static load offsets, then the
// magnitude (or power) of the row pair (cos part, sin part) times the row factor, stored into the D×M output.
// Pointers and sizes are in bytes. Operation order per output equals the JS kernel's, so both give the same bits.
//
//   bandDft(dp, mp, h, bc, bs, pe, po, f, out, d, m, isMagnitude, tmp)
//     dp bin panels of R rows; mp segment panels of 2V segments; h (even) folded taps;
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

/** The module: one imported memory, the exported kernels. */
export const BAND_DFT_WAT = `(module
(import "env" "mem" (memory 1))
${bandDft()}
)`;
