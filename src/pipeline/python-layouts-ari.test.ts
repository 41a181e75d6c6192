// The whole pipeline on the Python-layouts data set (60 synthetic Amatrice-like events, three generating
// families; ../shared/data/specufex-python-layouts) with the config a user would write for it: the folder's
// waveform set and catalogue, the tutorial's spectrogram settings, every other setting at its default. The
// clusters must recover the generator's families (the catalogue's `family` column).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sharedPath } from "../../test-support/shared.js";
import { parseConfig } from "./config.js";
import { clusterAri } from "./demo-run.js";
import { runPipeline } from "./run.js";

test("the pipeline at its defaults recovers the Python-layouts families (ARI ≥ 0.8 against catalog.csv's family column)", async () => {
  const catalog = sharedPath("data/specufex-python-layouts/catalog.csv");
  const dir = mkdtempSync(join(tmpdir(), "specufex-layouts-ari-"));
  const config = parseConfig(
    {
      output: dir,
      data: { waveforms: sharedPath("data/specufex-python-layouts/tutorial_waveforms.h5"), catalog },
      spectrogram: { nperseg: 64, noverlap: 16, nfft: 512, fmin: 5, fmax: 20 },
    },
    "python-layouts config",
  );
  const summary = await runPipeline(config, { baseDir: dir });
  assert.equal(summary.eventsUsed, 60);
  const { ari, events } = clusterAri(join(dir, "catalog.csv"), catalog, "family");
  assert.equal(events, 60);
  const families = new Set(readFileSync(catalog, "utf8").trim().split(/\r?\n/).slice(1).map((l) => l.split(",").at(-1)));
  assert.equal(families.size, 3);
  assert.ok(ari >= 0.8, `ARI ${ari.toFixed(3)} (K = ${summary.chosenK}, mean silhouette ${summary.meanSilhouette?.toFixed(3)})`);
});
