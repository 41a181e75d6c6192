// Fuzzing of the waveform readers (STYLE.md §6): truncations at many offsets and seeded
// random bit flips must end in a named error or a result; a result with fewer samples
// than the intact file must say so in its warnings. Never a RangeError/TypeError or a hang.
// (Runs of 20× these case counts with other seeds passed while developing; the suite keeps
// a few hundred per format so it stays fast.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DataError, FormatError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import type { ReadResult } from "../core/trace.js";
import { sharedPath } from "../../test-support/shared.js";
import { readMiniseed2, scanMiniseed2 } from "./miniseed2.js";
import { readMiniseed3, scanMiniseed3 } from "./miniseed3.js";
import { WAVEFORM_FORMATS } from "./registry.js";
import { readSac } from "./sac.js";

type Reader = (bytes: Uint8Array, source: string) => ReadResult;

interface Tally { errors: number; partial: number; full: number }

const total = (r: ReadResult) => r.traces.reduce((s, t) => s + t.data.length, 0);

/** Runs one mutated input; fails on anything but a named error or an honest result. */
function check(read: Reader, bytes: Uint8Array, label: string, intact: number, tally: Tally, namedErrors: readonly (new (...a: never[]) => Error)[]): void {
  // Sniffing never throws, whatever the bytes.
  for (const f of WAVEFORM_FORMATS) assert.equal(typeof f.sniff(bytes.subarray(0, 1024)), "boolean");
  let result: ReadResult;
  try {
    result = read(bytes, label);
  } catch (e) {
    if (!namedErrors.some((c) => e instanceof c)) assert.fail(`${label}: threw ${(e as Error).name}: ${(e as Error).message}`);
    assert.ok((e as Error).message.startsWith(label), `${label}: message does not name the file: ${(e as Error).message}`);
    tally.errors++;
    return;
  }
  const n = total(result);
  for (const t of result.traces) for (let i = 0; i < t.data.length; i++) if (typeof t.data[i] !== "number") assert.fail(`${label}: non-number sample`);
  if (n < intact) {
    assert.ok(result.warnings.length > 0, `${label}: ${n} of ${intact} samples and no warning`);
    tally.partial++;
  } else tally.full++;
}

function fuzz(read: Reader, file: string, cases: { cuts: number; flips: number }, seed: number, namedErrors: readonly (new (...a: never[]) => Error)[], recordEnds: ReadonlySet<number> = new Set()): Tally {
  const original = new Uint8Array(readFileSync(sharedPath(file)));
  const name = file.split("/").pop()!;
  const intact = total(read(original, name));
  const rng = new Rng(seed);
  const tally: Tally = { errors: 0, partial: 0, full: 0 };
  for (let k = 0; k < cases.cuts; k++) {
    // Every small length, then random ones. A cut exactly at a record end leaves a valid, shorter file.
    const len = k < 64 ? k : rng.integer(original.length);
    const atRecordEnd = recordEnds.has(len);
    check(read, original.subarray(0, len), `${name}[0:${len}]`, atRecordEnd ? 0 : intact, tally, namedErrors);
  }
  for (let k = 0; k < cases.flips; k++) {
    const mutated = original.slice();
    const flips = 1 + rng.integer(4);
    // Half the cases hit the first 128 bytes of a record, where the header lives.
    for (let f = 0; f < flips; f++) {
      const at = k % 2 === 0 ? rng.integer(Math.min(128, original.length)) : rng.integer(original.length);
      mutated[at]! ^= 1 << rng.integer(8);
    }
    check(read, mutated, `${name}#${k}`, intact, tally, namedErrors);
  }
  return tally;
}

test("miniSEED 2 fuzz: 4 files × (100 truncations + 150 bit-flip cases) → FormatError or warned partial decodes", () => {
  const files = [
    "data/fixtures-miniseed2/obspy-cases/test.mseed",
    "data/fixtures-miniseed2/real-misc/CO_JSC.mseed",
    "data/fixtures-miniseed2/libmseed2-testdata/Steim1-AllDifferences-LE.mseed",
    "data/fixtures-miniseed2/obspy-cases/bizarre/mseed_no_blkt_1000.mseed",
  ];
  const sum: Tally = { errors: 0, partial: 0, full: 0 };
  files.forEach((f, i) => {
    const ends = new Set(scanMiniseed2(readFileSync(sharedPath(f)), f).records.map((r) => r.offset + r.recordLength));
    const t = fuzz((b, s) => readMiniseed2(b, s), f, { cuts: 100, flips: 150 }, 1000 + i, [FormatError], ends);
    sum.errors += t.errors; sum.partial += t.partial; sum.full += t.full;
  });
  // Both outcomes occur: the fuzzing reaches the error paths and the partial-decode paths.
  assert.ok(sum.errors > 50 && sum.partial > 50, JSON.stringify(sum));
});

test("miniSEED 3 fuzz: 2 files × (100 truncations + 150 bit-flip cases) → FormatError (CRC, lengths) or warned partial decodes", () => {
  const sum: Tally = { errors: 0, partial: 0, full: 0 };
  ["data/fixtures-miniseed3/libmseed3-reference/reference-testdata-steim2.mseed3", "data/fixtures-miniseed3/libmseed3-reference/testdata-oneseries-mixedlengths-mixedorder.mseed3"].forEach((f, i) => {
    const ends = new Set(scanMiniseed3(readFileSync(sharedPath(f)), f).records.map((r) => r.offset + r.recordLength));
    const t = fuzz((b, s) => readMiniseed3(b, s), f, { cuts: 100, flips: 150 }, 2000 + i, [FormatError], ends);
    sum.errors += t.errors; sum.partial += t.partial; sum.full += t.full;
  });
  assert.ok(sum.errors > 100 && sum.partial > 20, JSON.stringify(sum));
});

test("miniSEED 3 fuzz without the CRC check: the decoders themselves meet damaged headers and payloads safely", () => {
  const f = "data/fixtures-miniseed3/libmseed3-reference/reference-testdata-steim1.mseed3";
  const ends = new Set(scanMiniseed3(readFileSync(sharedPath(f)), f).records.map((r) => r.offset + r.recordLength));
  const t = fuzz((b, s) => readMiniseed3(b, s, { checkCrc: false }), f, { cuts: 50, flips: 250 }, 2500, [FormatError], ends);
  // Flipped payload bits now reach the Steim decoder: some records decode (warned or not), others fail.
  assert.ok(t.errors > 20 && t.full > 20, JSON.stringify(t));
});

test("SAC fuzz: 2 files × (100 truncations + 150 bit-flip cases) → FormatError/DataError, a full read or a warned one", () => {
  const sum: Tally = { errors: 0, partial: 0, full: 0 };
  ["data/fixtures-sac/obspy/seism.sac", "data/fixtures-sac/obspy/test.sac.swap"].forEach((f, i) => {
    const t = fuzz((b, s) => readSac(b, s), f, { cuts: 100, flips: 150 }, 3000 + i, [FormatError, DataError]);
    sum.errors += t.errors; sum.partial += t.partial; sum.full += t.full;
  });
  // Every truncation is an error (the size must match NPTS); flips mostly are too.
  assert.ok(sum.errors >= 200, JSON.stringify(sum));
});
