import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FormatError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { H5File } from "../io/hdf5/index.js";
import { ProjectStore } from "../pipeline/store.js";
import { assertGolden } from "../../test-support/shared.js";
import { embeddedEvent, type ReportData } from "./data.js";
import { reportFixture } from "./fixture.js";
import { loadReportData } from "./load.node.js";
import { unpackMatrix } from "./packed.js";
import { renderRunReport } from "./render.node.js";

const NPERSEG = 50;

/**
 * Writes a run directory (docs/RUN-DIRECTORY.md) holding the fixture: every usable event gets matrices
 * (the fixture's embedded ones, others scaled copies of an embedded event of the same cluster with a lower
 * silhouette), the rejected events none.
 */
async function writeRunDir(dir: string, data: ReportData): Promise<{ EA: Float64Array }> {
  const ev = data.events;
  const N = ev.ids.length;
  const usable = Array.from({ length: N }, (_, i) => ev.cluster[i]! > 0);
  const donor = (i: number) => embeddedEvent(data, i) ?? embeddedEvent(data, data.examples[ev.cluster[i]! - 1]![0]!)!;
  const scaled = (m: Matrix | undefined, f: number): Matrix | null => (m ? { data: m.data.map((v) => v * f), shape: m.shape } : null);
  const pick = (i: number, key: "spectrogram" | "activations" | "states"): Matrix | null =>
    !usable[i] ? null : embeddedEvent(data, i) ? donor(i)[key]! : scaled(donor(i)[key], 0.9);
  const store = await ProjectStore.create(join(dir, "specufex.h5"), {
    eventIds: ev.ids,
    numeric: { lat: ev.lat, lon: ev.lon, depth: ev.depthKm, mag: ev.mag },
    text: { otime: ev.times },
  });
  try {
    store.writeRejections("ingest", ev.ids.flatMap((id, index) => (usable[index] ? [] : [{ index, eventId: id, stage: "ingest", reason: "gap" }])));
    // As the spectrogram stage writes them: segment-centre times from the first sample and the settings JSON.
    const M = data.embedded[0]!.spectrogram.shape[1];
    store.writeStacked("spectrograms", ev.ids.map((_, i) => pick(i, "spectrogram")), {
      frequencies: data.frequenciesHz, times: Float64Array.from({ length: M }, (_, m) => 2.5 + 0.5 * m), fmin: 1, fmax: 40,
      settings: JSON.stringify({ nperseg: NPERSEG, noverlap: NPERSEG - 25, window: "tukey" }), units: "normalised dB",
    });
    store.writeStacked("activations", ev.ids.map((_, i) => pick(i, "activations")));
    store.writeStacked("states", ev.ids.map((_, i) => pick(i, "states")));
    const S = data.embedded[0]!.fingerprint!.shape[0];
    const fp = new Float64Array(N * S * S).fill(NaN);
    for (let i = 0; i < N; i++) if (usable[i]) fp.set(donor(i).fingerprint!.data, i * S * S);
    store.writeTable("fingerprints", { data: fp, shape: [N, S * S] });
    // The clustered features are the fixture's PC scores; with an identity PCA the loader must return them.
    store.writeTable("clusters/features", data.pcaScores!);
    const L = data.embedded[0]!.waveform!.data.length;
    const waves = new Float64Array(N * L);
    for (let i = 0; i < N; i++) if (usable[i]) waves.set(donor(i).waveform!.data, i * L);
    store.file.writeNumbers("waveforms/data", waves, { shape: [N, L] });
    store.file.setAttr("waveforms", "sampling_rate", data.embedded[0]!.waveform!.sampleRateHz);
    store.file.setAttr("waveforms", "start_offset_s", -2);
    store.file.setAttr("waveforms", "units", "m/s");
    store.writeVector("cluster", ev.cluster);
    store.writeVector("silhouette", ev.silhouette.map((s, i) => (usable[i] && !embeddedEvent(data, i) ? Math.min(s, -0.5) : s)));
    store.writeVector("centroid_distance", ev.centroidDistance);
    store.file.setAttr("/", "station", "IV.T1213..HHZ");
    store.file.setAttr("/", "station_latitude", 42.76);
    store.file.setAttr("/", "station_longitude", 13.9);
  } finally {
    store.close();
  }
  mkdirSync(join(dir, "models"), { recursive: true });
  const W = data.dictionary!;
  const [D, K] = W.shape;
  const EA = Float64Array.from({ length: K }, (_, k) => 0.5 + k);
  const nmf = await H5File.open(join(dir, "models", "nmf.h5"), "w");
  nmf.writeMatrix("EW", { data: W.data.map((v, j) => v / EA[j % K]!), shape: [D, K] });
  nmf.writeMatrix("EA", { data: EA, shape: [1, K] });
  nmf.close();
  const hmm = await H5File.open(join(dir, "models", "hmm.h5"), "w");
  hmm.writeMatrix("EB", data.emissions!);
  hmm.close();
  // The clustered events in reverse order: labels and linkage leaves follow `eventIds`.
  const order = Array.from(data.linkage!.eventIndices!).reverse();
  const Z = data.linkage!.Z;
  writeFileSync(join(dir, "models", "cluster.json"), JSON.stringify({
    version: 1, method: data.method, k: data.k, scaler: { kind: "none" },
    pca: { mean: [0, 0], components: [[1, 0], [0, 1]], explainedVarianceRatio: [0.46, 0.21] },
    sweep: data.sweep,
    linkage: { method: data.linkage!.method, Z: Array.from({ length: Z.shape[0] }, (_, r) => Array.from(Z.data.subarray(4 * r, 4 * r + 4))) },
    alternatives: data.alternatives.map((a) => ({ name: a.name, labels: order.map((i) => a.labels[i]) })),
    eventIds: order.map((i) => ev.ids[i]),
  }));
  mkdirSync(join(dir, "progress"), { recursive: true });
  writeFileSync(join(dir, "progress", "nmf-fit.json"), JSON.stringify(data.progress.nmf));
  writeFileSync(join(dir, "progress", "hmm-fit.json"), data.progress.hmm.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return { EA };
}

test("loadReportData reads a run directory back to the data written (store, models, cluster.json, progress)", async () => {
  const data = reportFixture();
  const dir = mkdtempSync(join(tmpdir(), "specufex-report-load-"));
  try {
    await writeRunDir(dir, data);
    const got = await loadReportData(dir);
    const ev = data.events;
    assert.deepEqual(got.events.ids, ev.ids);
    assert.deepEqual(got.events.times, ev.times);
    assert.deepEqual([got.events.lat, got.events.lon, got.events.depthKm, got.events.mag], [ev.lat, ev.lon, ev.depthKm, ev.mag]);
    assert.deepEqual(got.events.cluster, ev.cluster);
    assert.deepEqual(got.events.centroidDistance, ev.centroidDistance);
    // Embedded: the best 4 per cluster by silhouette (the copies were written with silhouettes ≤ −0.5) and the best overall.
    assert.deepEqual(got.examples, data.examples);
    assert.equal(got.defaultEvent, data.defaultEvent);
    assert.deepEqual(got.embedded.map((e) => e.index), data.embedded.map((e) => e.index));
    for (const e of data.embedded) {
      const g = embeddedEvent(got, e.index)!;
      assert.deepEqual(g.spectrogram, e.spectrogram, `spectrogram of ${e.index}`);
      assert.deepEqual(g.activations, e.activations);
      assert.deepEqual(g.states, e.states);
      assert.deepEqual(g.fingerprint, e.fingerprint);
      assertGolden(g.transitions!, e.transitions!, { rtol: 1e-12, label: `A of event ${e.index} from its fingerprint` });
      assert.deepEqual(g.waveform, { ...e.waveform!, startSeconds: -2, units: "m/s" });
      // The raw spectrogram, computed from the waveform, peaks at the cluster's frequency (3, 12, 21 Hz) in the coda.
      const raw = g.rawSpectrogram!;
      assert.deepEqual(raw.shape, e.spectrogram.shape);
      const M = raw.shape[1];
      const col = Math.round((3.5 - got.timeAxis.t0Seconds) / got.timeAxis.dtSeconds);
      let best = 0;
      for (let d = 1; d < raw.shape[0]; d++) if (raw.data[d * M + col]! > raw.data[best * M + col]!) best = d;
      assert.equal(got.frequenciesHz[best], 3 + 9 * (ev.cluster[e.index]! - 1), `peak frequency of event ${e.index}`);
    }
    assert.deepEqual(got.frequenciesHz, data.frequenciesHz);
    assert.deepEqual(got.timeAxis, { t0Seconds: 2.5 - 2, dtSeconds: 0.5 });
    assert.deepEqual(got.station, { id: "IV.T1213..HHZ", lat: 42.76, lon: 13.9 });
    assert.equal(got.spectrogramUnits, "normalised dB");
    assertGolden(got.dictionary!, data.dictionary!, { rtol: 1e-15, label: "EW·diag(EA)" });
    assert.deepEqual(got.emissions, data.emissions);
    assert.deepEqual([got.k, got.method], [data.k, data.method]);
    assert.deepEqual(got.sweep, data.sweep);
    assert.deepEqual(got.linkage, { ...data.linkage!, eventIndices: Int32Array.from(data.linkage!.eventIndices!).reverse() });
    assert.deepEqual(got.alternatives, data.alternatives);
    for (let i = 0; i < ev.ids.length; i++) {
      const expected = ev.cluster[i]! > 0 ? [data.pcaScores!.data[2 * i], data.pcaScores!.data[2 * i + 1]] : [NaN, NaN];
      assert.deepEqual([got.pcaScores!.data[2 * i], got.pcaScores!.data[2 * i + 1]], expected, `PC scores of event ${i}`);
    }
    assert.deepEqual(got.explainedVarianceRatio, Float64Array.of(0.46, 0.21));
    assert.deepEqual(got.progress, data.progress);
    // Every other usable event is packed for figure 10: its store matrices within one 8-bit step.
    const embeddedSet = new Set(data.embedded.map((e) => e.index));
    const others = Array.from({ length: ev.ids.length }, (_, i) => i).filter((i) => ev.cluster[i]! > 0 && !embeddedSet.has(i));
    assert.deepEqual(got.packed!.events.map((p) => p.index), others);
    for (const p of got.packed!.events.slice(0, 5)) {
      const donor = embeddedEvent(data, data.examples[ev.cluster[p.index]! - 1]![0]!)!;
      for (const key of ["spectrogram", "activations", "states"] as const) {
        const m = p[key]!;
        const decoded = unpackMatrix(got.packed!, p, m);
        const step = (m.hi - m.lo) / 255 + 1e-12;
        donor[key]!.data.forEach((v, j) => assert.ok(Math.abs(decoded.data[j]! - 0.9 * v) <= step, `${key} of event ${p.index} at ${j}`));
      }
      assert.equal(p.waveform!.n, 600);
    }

    // The pipeline's entry point writes the page into <runDir>/report.
    const out = await renderRunReport(dir, { quiet: true, figureFiles: false });
    assert.equal(out.indexHtml, join(dir, "report", "index.html"));
    const html = readFileSync(out.indexHtml, "utf8");
    assert.equal((html.match(/<section class="figure"/g) ?? []).length, 14);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("loadReportData names the file it cannot use (FormatError)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "specufex-report-load-"));
  try {
    await assert.rejects(loadReportData(dir), (e: unknown) => e instanceof FormatError && e.message.includes(join(dir, "specufex.h5")));
    await writeRunDir(dir, reportFixture({ clusters: 2, eventsPerCluster: 5, rejected: 0 }));
    writeFileSync(join(dir, "progress", "hmm-fit.json"), '{"step": 1}\n{"step": 2\n');
    await assert.rejects(loadReportData(dir), /hmm-fit\.json: line 2 is not valid JSON/);
    writeFileSync(join(dir, "models", "cluster.json"), "{ not json");
    await assert.rejects(loadReportData(dir), /cluster\.json: not valid JSON/);
    assert.ok(existsSync(join(dir, "specufex.h5")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
