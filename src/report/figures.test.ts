import { test } from "node:test";
import assert from "node:assert/strict";
import { ShapeError } from "../core/errors.js";
import { reportFixture } from "./fixture.js";
import { buildFigures } from "./figures/index.js";
import { nodeDeflate } from "./png.node.js";
import { figureSvg, worldAtlas50m } from "./render.node.js";
import type { ReportData } from "./data.js";

/** Child elements of every `<g class="… <name>">` group of an SVG (marks of that name). */
function countSvgMarks(svg: string, name: string): number {
  let n = 0;
  const re = new RegExp(`<g class="[^"]*\\b${name}\\b[^"]*"[^>]*>`, "g");
  for (const m of svg.matchAll(re)) {
    const start = m.index! + m[0].length;
    const end = svg.indexOf("</g>", start);
    n += (svg.slice(start, end).match(/<(path|image|line|text|rect)\b/g) ?? []).length;
  }
  return n;
}

const data = reportFixture();
const ALL = ["01-spectrogram", "02-nmf", "03-hmm", "04-k-sweep", "05-map", "06-examples", "07-boxplots", "08-occurrence",
  "09-fit-progress", "10-one-event", "11-silhouette", "12-dendrogram", "13-pca", "14-contingency"];

test("all fourteen figure groups compile without a Vega-Lite or Vega warning and draw the expected marks", async () => {
  const figures = buildFigures(data, { deflate: nodeDeflate, atlas: await worldAtlas50m() });
  assert.deepEqual(figures.map((f) => f.name), ALL);
  const svg: Record<string, string> = {};
  for (const f of figures) svg[f.name] = await figureSvg(f.spec, f.name);
  const N = data.events.ids.length;
  const clustered = data.events.cluster.filter((c) => c > 0).length;
  const examples = data.examples.reduce((s, e) => s + e.length, 0);
  assert.equal(countSvgMarks(svg["05-map"]!, "map_events_marks"), N, "one map symbol per event");
  assert.equal(countSvgMarks(svg["05-map"]!, "section_lat_marks"), N);
  assert.equal(countSvgMarks(svg["05-map"]!, "section_lon_marks"), N);
  assert.ok(countSvgMarks(svg["05-map"]!, "map_lines_marks") >= 1, "the Adriatic coastline is drawn");
  assert.equal(countSvgMarks(svg["11-silhouette"]!, "silhouette_bars_marks"), clustered, "one silhouette bar per clustered event");
  assert.equal(countSvgMarks(svg["13-pca"]!, "pca_points_marks"), clustered);
  assert.equal(countSvgMarks(svg["13-pca"]!, "pca_best_marks"), examples);
  assert.equal(countSvgMarks(svg["06-examples"]!, "example_spectrograms_marks"), examples, "every example spectrogram");
  assert.equal(countSvgMarks(svg["06-examples"]!, "example_waveforms_marks"), examples, "every example waveform");
  assert.equal(countSvgMarks(svg["12-dendrogram"]!, "dendrogram_links_marks"), 3 * 30, "three links per merge, last 30 merges");
  assert.equal(countSvgMarks(svg["10-one-event"]!, "one_event_header_marks"), 1, "figure 10 shows one event");
  assert.ok(svg["10-one-event"]!.includes(`Event ${data.events.ids[data.defaultEvent]} `), "figure 10 starts at the default event");
  assert.ok(svg["10-one-event"]!.includes("Velocity (m/s)"), "the waveform axis names the ground-motion quantity of the stored units");
  // Heat maps are PNG tiles: images, never one rect per cell.
  const images = (s: string): number => (s.match(/<image\b/g) ?? []).length;
  assert.deepEqual(["01-spectrogram", "02-nmf", "03-hmm", "10-one-event", "14-contingency"].map((n) => images(svg[n]!)), [2, 3, 3, 7, 2]);
  for (const n of ALL) assert.ok(svg[n]!.length > 5000 && svg[n]!.includes("role-mark"), `${n} is a drawn SVG`);
});

test("a region far from land gets no coastlines; figures without data are left out", async () => {
  const base = reportFixture({ clusters: 2, eventsPerCluster: 6, rejected: 0 });
  const atSea: ReportData = {
    ...base,
    events: { ...base.events, lat: base.events.lat.map((v) => v - 42.7), lon: base.events.lon.map((v) => v - 43.5) },
    station: { id: "OBS", lat: 0, lon: -30 },
    linkage: undefined, alternatives: [], pcaScores: undefined, sweep: [], progress: { nmf: [], hmm: [] },
  } as ReportData;
  const figures = buildFigures(atSea, { deflate: nodeDeflate, atlas: await worldAtlas50m() });
  assert.deepEqual(figures.map((f) => f.name), ["01-spectrogram", "02-nmf", "03-hmm", "05-map", "06-examples", "07-boxplots", "08-occurrence", "10-one-event", "11-silhouette"]);
  const map = await figureSvg(figures.find((f) => f.name === "05-map")!.spec);
  assert.equal(countSvgMarks(map, "map_lines_marks"), 0);
  assert.equal(countSvgMarks(map, "map_events_marks"), 12);
});

test("inconsistent report data is rejected with a ShapeError naming the field", () => {
  assert.throws(() => buildFigures({ ...data, events: { ...data.events, mag: new Float64Array(3) } }), /events\.mag has 3 entries, expected 62/);
  assert.throws(() => buildFigures({ ...data, defaultEvent: 1_000 }), ShapeError);
  assert.throws(() => buildFigures({ ...data, frequenciesHz: new Float64Array(5) }), /expected 5 rows \(frequencies\)/);
});

test("figures 12 and 14 number another clustering's clusters as the chosen ones they overlap most (colours and highlights agree)", () => {
  const K = data.k;
  const ward = data.alternatives.find((a) => a.name === "ward")!.labels;
  // The same partition with its clusters renamed (c → c mod K + 1) must draw the same coloured dendrogram.
  const renamed = ward.map((c) => (c === 0 ? 0 : (c % K) + 1));
  const withRenamed: ReportData = { ...data, alternatives: data.alternatives.map((a) => (a.name === "ward" ? { ...a, labels: renamed } : a)) };
  const segs = (d: ReportData): unknown => {
    const f = buildFigures(d, { deflate: nodeDeflate }).find((x) => x.name === "12-dendrogram")!;
    return ((f.spec.layer as { data: { values: { cluster: number }[] } }[])[0]!.data.values).map((v) => v.cluster);
  };
  assert.deepEqual(segs(withRenamed), segs(data));
  // The big subtrees are coloured by the chosen clustering's label of most of their events.
  const colours = segs(data) as number[];
  assert.deepEqual([...new Set(colours.filter((c) => c > 0))].sort(), Array.from({ length: K }, (_, i) => i + 1));
  // Figure 14: with the renamed labels the table's largest counts lie on the diagonal.
  const f14 = buildFigures(withRenamed, { deflate: nodeDeflate }).find((x) => x.name === "14-contingency")!;
  const panel = (f14.spec.hconcat as { layer: { data?: { values?: { cx: number; cy: number; n: number }[] } }[] }[])[1]!;
  const cells = panel.layer.flatMap((l) => l.data?.values ?? []).filter((v) => "cx" in v);
  for (let r = 1; r <= K; r++) {
    const row = cells.filter((c) => c.cy === r);
    const best = row.reduce((a, b) => (b.n > a.n ? b : a));
    assert.equal(best.cx, r, `row ${r}: ${JSON.stringify(row)}`);
  }
});

test("figure 9 draws 25-step moving means over the noisy per-step measures of a long fit, and plain points for a short one", async () => {
  const long = (n: number): ReportData["progress"] => ({
    nmf: Array.from({ length: n }, (_, s) => ({ step: s + 1, patternsLeft: 20, temperature: 1, rho: 0.1, dictionaryChange: 0.01 * (1 + 0.5 * Math.sin(s)), logLikelihood: -1 + 0.1 * Math.cos(s), elapsedMs: s })),
    hmm: Array.from({ length: n }, (_, s) => ({ step: s + 1, rho: 0.1, emissionChange: 0.02 * (1 + 0.5 * Math.sin(3 * s)), logLikelihood: 500 + 100 * Math.sin(7 * s), elapsedMs: s })),
  });
  type Panel = { layer: { mark: { point?: unknown; opacity?: number }; transform?: { frame: number[] }[] }[] };
  const panels = (d: ReportData): Panel[] => {
    const f = buildFigures(d, { deflate: nodeDeflate }).find((x) => x.name === "09-fit-progress")!;
    return (f.spec.vconcat as { hconcat: Panel[] }[]).flatMap((r) => r.hconcat);
  };
  const big = { ...data, progress: long(600) } as ReportData;
  const p = panels(big);
  assert.deepEqual(p.map((x) => x.layer.length), [1, 2, 2, 2], "patterns left unsmoothed; change and both log-likelihoods smoothed");
  assert.deepEqual(p[1]!.layer[1]!.transform![0]!.frame, [-12, 12]);
  assert.equal(p[1]!.layer[0]!.mark.opacity, 0.35);
  const f = buildFigures(big, { deflate: nodeDeflate }).find((x) => x.name === "09-fit-progress")!;
  assert.ok((await figureSvg(f.spec, f.name)).includes("role-mark"));
  const small = panels({ ...data, progress: long(30) } as ReportData);
  assert.deepEqual(small.map((x) => x.layer.length), [1, 1, 1, 1]);
  assert.ok(small.every((x) => x.layer[0]!.mark.point !== undefined), "short fits show each step as a point");
});
