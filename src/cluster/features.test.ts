import { test } from "node:test";
import assert from "node:assert/strict";
import { DataError, FormatError } from "../core/errors.js";
import { featuresFromDatasets, featuresFromTable, formatCsv, parseFeatureCsv, splitCsv } from "./features.js";

const rejects = (fn: () => unknown, cls: new (...a: never[]) => Error, pattern: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof cls && pattern.test((e as Error).message), `expected ${cls.name} matching ${pattern}`);

test("parseFeatureCsv reads ids and numbers (quotes, CRLF, BOM, blank trailing lines)", () => {
  const t = parseFeatureCsv('\ufeffevent_ID,a,b\r\n"ev,1",1.5,-2e-3\r\nev2, 3 ,.5\r\n\r\n', "x.csv");
  assert.deepEqual(t.ids, ["ev,1", "ev2"]);
  assert.deepEqual(t.columns, ["a", "b"]);
  assert.deepEqual(Array.from(t.x.data), [1.5, -0.002, 3, 0.5]);
  assert.deepEqual(t.x.shape, [2, 2]);
});

test("parseFeatureCsv names line, event and column of each bad input", () => {
  rejects(() => parseFeatureCsv("event_ID,a,b\nev1,1,2\nev2,3\n", "f.csv"), FormatError, /f\.csv: line 3 has 2 cells \(expected 3/);
  rejects(() => parseFeatureCsv("event_ID,a,b\nev1,1,x7\n", "f.csv"), DataError, /line 2 \(event_ID "ev1"\), column "b": "x7" is not a number/);
  rejects(() => parseFeatureCsv("event_ID,a,b\nev1,NaN,1\n", "f.csv"), DataError, /line 2 \(event_ID "ev1"\), column "a": is NaN/);
  rejects(() => parseFeatureCsv("event_ID,a\nev1,\n", "f.csv"), DataError, /column "a": is empty/);
  rejects(() => parseFeatureCsv("event_ID,a\nev1,1\nev2,2\nev1,3\n", "f.csv"), DataError, /line 4, column "event_ID": duplicate event_ID "ev1" \(first on line 2\)/);
  rejects(() => parseFeatureCsv("id,a\nev1,1\n", "f.csv"), FormatError, /first column is "id" \(expected "event_ID"\)/);
  rejects(() => parseFeatureCsv("event_ID,a\nev1,0x10\n", "f.csv"), DataError, /"0x10" is not a number/);
  rejects(() => parseFeatureCsv("event_ID,a\n", "f.csv"), DataError, /no data rows/);
});

test("splitCsv keeps quoted newlines and doubled quotes", () => {
  const rows = splitCsv('a,"b ""q""\nc"\nd,e', "t");
  assert.deepEqual(rows.map((r) => r.cells), [["a", 'b "q"\nc'], ["d", "e"]]);
  assert.deepEqual(rows.map((r) => r.line), [1, 3]);
});

test("featuresFromDatasets flattens S×S fingerprints row-major and rejects mixed shapes and NaN", () => {
  const t = featuresFromDatasets([
    { id: "e1", data: Float64Array.of(1, 2, 3, 4), shape: [2, 2] },
    { id: "e2", data: Float64Array.of(5, 6, 7, 8), shape: [2, 2] },
  ], "fp.h5");
  assert.deepEqual(t.columns, ["fp_1_1", "fp_1_2", "fp_2_1", "fp_2_2"]);
  assert.deepEqual(Array.from(t.x.data), [1, 2, 3, 4, 5, 6, 7, 8]);
  rejects(() => featuresFromDatasets([{ id: "e1", data: new Float64Array(4), shape: [2, 2] }, { id: "e2", data: new Float64Array(9), shape: [3, 3] }], "fp.h5"), FormatError, /"e2" has shape 3×3 \(expected 2×2/);
  rejects(() => featuresFromDatasets([{ id: "e1", data: Float64Array.of(0, NaN, 0, 0), shape: [2, 2] }], "fp.h5"), DataError, /"e1" \(row 1\), column "fp_1_2": is NaN/);
});

test("featuresFromTable skips all-NaN rows (rejected events) and rejects partly NaN rows", () => {
  const t = featuresFromTable(["a", "b", "c"], { data: Float64Array.of(1, 2, 3, 4, NaN, NaN, NaN, NaN, 5, 6, 7, 8), shape: [3, 4] }, "store.h5");
  assert.deepEqual(t.ids, ["a", "c"]);
  assert.deepEqual(t.skipped, ["b"]);
  assert.deepEqual(Array.from(t.x.data), [1, 2, 3, 4, 5, 6, 7, 8]);
  rejects(() => featuresFromTable(["a"], { data: Float64Array.of(1, NaN, 3, 4), shape: [1, 4] }, "store.h5"), DataError, /column "fp_1_2"/);
});

test("formatCsv round-trips through parseFeatureCsv", () => {
  const text = formatCsv(["e,1", "e2"], { x: [0.1, 1e-300], y: [-3, 2.5] });
  const t = parseFeatureCsv(text, "r.csv");
  assert.deepEqual(t.ids, ["e,1", "e2"]);
  assert.deepEqual(Array.from(t.x.data), [0.1, -3, 1e-300, 2.5]);
});
