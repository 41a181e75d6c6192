import assert from "node:assert/strict";
import { test } from "node:test";
import { assembleWat, WatError } from "./wat.js";
import { KERNELS_WAT } from "./kernels-wat.js";

const wasm = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: Record<string, (...a: number[]) => number> }; Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly;

test("assembleWat encodes folded and flat code, locals, labels, SIMD lanes and memory access that runs", () => {
  const text = `(module
    (import "env" "mem" (memory 1))
    (func $sum (export "sum") (param $n i32) (result f64)
      (local $i i32) (local $acc v128)
      (local.set $acc (v128.const f64x2 0 0))
      (block $done (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $acc (f64x2.add (local.get $acc) (v128.load (i32.shl (local.get $i) (i32.const 4)))))
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        (br $next)))
      (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc)))))`;
  const mem = new wasm.Memory({ initial: 1 });
  const inst = new wasm.Instance(new wasm.Module(assembleWat(text)), { env: { mem } });
  new Float64Array(mem.buffer).set([1, 2, 3, 4, 5, 6]);
  assert.equal(inst.exports.sum!(3), 21);
});

test("the kernel module assembles to a valid WebAssembly module", () => {
  const bytes = assembleWat(KERNELS_WAT);
  assert.deepEqual(Array.from(bytes.subarray(0, 8)), [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  assert.doesNotThrow(() => new wasm.Module(bytes));
});

test("assembleWat rejects unbalanced text, unknown instructions, locals and labels with WatError", () => {
  const wrap = (body: string) => `(module (func (export "f") (local $x i32) ${body}))`;
  assert.throws(() => assembleWat("(module (func)))"), WatError);
  assert.throws(() => assembleWat("(module (func)"), WatError);
  assert.throws(() => assembleWat(wrap("(i32.frobnicate)")), /unsupported instruction i32\.frobnicate/);
  assert.throws(() => assembleWat(wrap("(local.get $y) drop")), /unknown local \$y/);
  assert.throws(() => assembleWat(wrap("(br $nowhere)")), /unknown label \$nowhere/);
});
