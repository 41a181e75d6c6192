// The demo's score: the ARI of catalog.csv's clusters against truth.csv's families, overall and within
// 5-dB SNR bands (the band edges, the top SNR in the last band, noise-labelled events left out).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adjustedRandIndex } from "../cluster/compare.js";
import { demoAri } from "./demo-run.js";

const dir = mkdtempSync(join(tmpdir(), "specufex-demo-ari-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("demoAri: overall ARI and per SNR band; the top SNR (20 dB) counts in 15–20 dB; cluster 0 is left out", () => {
  // Low SNR (5–10 dB): families 1,1,2,2 all in cluster 1 → ARI 0. High SNR (15–20 dB): perfect → ARI 1.
  // Mid SNR (10–15 dB): families 1,1,2,2 as clusters 1,2,1,2 → ARI −0.5 (the pair-count formula).
  const rows: [string, number, number, number][] = [
    ["a1", 1, 5.0, 1], ["a2", 1, 6.5, 1], ["a3", 2, 7.0, 1], ["a4", 2, 9.99, 1],
    ["b1", 1, 10.0, 1], ["b2", 1, 11.0, 2], ["b3", 2, 12.0, 1], ["b4", 2, 14.9, 2],
    ["c1", 1, 15.0, 1], ["c2", 1, 16.0, 1], ["c3", 2, 18.0, 2], ["c4", 2, 20.0, 2],
    ["n1", 1, 17.0, 0],
  ];
  writeFileSync(join(dir, "truth.csv"), "event_ID,family,snr_db\n" + rows.map((r) => `${r[0]},${r[1]},${r[2].toFixed(2)}`).join("\n") + "\n");
  writeFileSync(join(dir, "catalog.csv"), "event_ID,otime,cluster,silhouette\n" + rows.map((r) => `${r[0]},,${r[3]},0`).join("\n") + "\n");
  const r = demoAri(dir);
  const used = rows.filter((x) => x[3] !== 0);
  assert.equal(r.events, 12);
  assert.equal(r.ari, adjustedRandIndex(Int32Array.from(used, (x) => x[1]), Int32Array.from(used, (x) => x[3])));
  assert.deepEqual(r.bySnr.map((b) => [b.fromDb, b.toDb, b.events]), [[5, 10, 4], [10, 15, 4], [15, 20, 4]]);
  assert.equal(r.bySnr[0]!.ari, 0);
  assert.equal(r.bySnr[1]!.ari, -0.5);
  assert.equal(r.bySnr[2]!.ari, 1);
});
