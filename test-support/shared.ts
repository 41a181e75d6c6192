// Test helpers: locate the shared folder, read goldens, compare with the golden README's metric.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import assert from "node:assert/strict";
import type { Matrix } from "../src/core/matrix.js";

const root = resolve(import.meta.dirname, "..");

/** The shared folder; throws (never skips) when it is missing. */
export function sharedDir(): string {
  const dir = resolve(root, process.env.SPECUFEX_SHARED ?? "../shared");
  if (!existsSync(join(dir, "golden"))) throw new Error(`shared folder not found at ${dir} (set SPECUFEX_SHARED)`);
  return dir;
}

/** Absolute path of a file under the shared folder, e.g. sharedPath("data/fixtures-sac/MANIFEST.tsv"). */
export function sharedPath(relative: string): string {
  const p = join(sharedDir(), relative);
  if (!existsSync(p)) throw new Error(`missing shared file ${p}`);
  return p;
}

/** A parsed golden JSON file (golden/NAME). */
export function readGolden<T = any>(name: string): T {
  return JSON.parse(readFileSync(sharedPath(join("golden", name)), "utf8")) as T;
}

type Nested = number | Nested[];

/** Flattens nested lists (any depth) into a Float64Array, row-major. */
export function flatten(x: Nested | Float64Array | Matrix | readonly number[]): Float64Array {
  if (x instanceof Float64Array) return x;
  if (typeof x === "object" && x !== null && "data" in x && (x as Matrix).data instanceof Float64Array) return (x as Matrix).data;
  const out: number[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const e of v) walk(e);
    else out.push(v as number);
  };
  walk(x);
  return Float64Array.from(out);
}

export interface GoldenCompareOptions {
  rtol: number;
  /** Absolute floor factor times max|b| (golden README: 1e-12). */
  floor?: number;
  label?: string;
}

/**
 * Element-wise comparison of golden/README.md: |a − b| ≤ rtol·|b| + floor·max|b| for every element.
 * Fails naming the worst element.
 */
export function assertGolden(actual: Nested | Float64Array | Matrix | readonly number[], expected: Nested | Float64Array | Matrix | readonly number[], options: GoldenCompareOptions): void {
  const a = flatten(actual);
  const b = flatten(expected);
  const label = options.label ?? "array";
  assert.equal(a.length, b.length, `${label}: length ${a.length}, expected ${b.length}`);
  let maxAbs = 0;
  for (let i = 0; i < b.length; i++) maxAbs = Math.max(maxAbs, Math.abs(b[i]!));
  const floor = (options.floor ?? 1e-12) * maxAbs;
  let worst = -1;
  let worstExcess = 0;
  let count = 0;
  for (let i = 0; i < b.length; i++) {
    const err = Math.abs(a[i]! - b[i]!);
    const allowed = options.rtol * Math.abs(b[i]!) + floor;
    if (!(err <= allowed)) {
      count++;
      const excess = Number.isNaN(err) ? Infinity : err / (allowed || Number.MIN_VALUE);
      if (excess > worstExcess || worst < 0) {
        worstExcess = excess;
        worst = i;
      }
    }
  }
  if (worst >= 0) {
    assert.fail(`${label}: ${count} of ${b.length} elements out of tolerance (rtol ${options.rtol}); worst at flat index ${worst}: got ${a[worst]}, expected ${b[worst]}`);
  }
}
