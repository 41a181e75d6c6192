import { test } from "node:test";
import assert from "node:assert/strict";
import type { ReportData } from "../data.js";
import { reportFixture } from "../fixture.js";
import { figureSvg } from "../render.node.js";
import { buildFigures } from "./index.js";
import { reportStability, stabilityFigure } from "./stability.js";

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

const json = {
  seeds: [42, 43, 44],
  ari: [[1, 0.9, 0.8], [0.9, 1, 0.85], [0.8, 0.85, 1]],
  meanAri: 0.85,
  runs: [
    { k: 4, reused: true, clusterStability: [0.95, 0.9, 0.7, 0.4], labels: [1, 1, 2, 3, 4, 4, 4] },
    { k: 4, reused: false, clusterStability: [0.9, 0.9, 0.8, 0.5], labels: [1, 1, 2, 3, 4, 4, 4] },
    { k: 3, reused: false, clusterStability: [0.9, 0.8, 0.6], labels: [1, 1, 2, 3, 3, 3, 3] },
  ],
  clusters: [{ cluster: 1, size: 2, stability: 0.93 }, { cluster: 2, size: 1, stability: 0.9 }, { cluster: 3, size: 4, stability: 0.6 }],
  kCurve: [{ k: 2, agreement: 0.7, sd: 0.1 }, { k: 3, agreement: 0.9, sd: 0.05 }, { k: 4, agreement: 0.8, sd: 0.1 }, { k: 5, agreement: null, sd: null }],
};

test("the report reads stability.json: run 0's clusters when it is the pipeline's run, the consensus clusters when they are the answer", () => {
  const s = reportStability(json, "kmeans")!;
  assert.deepEqual(s.clusters, [{ cluster: 1, size: 2, stability: 0.95 }, { cluster: 2, size: 1, stability: 0.9 }, { cluster: 3, size: 1, stability: 0.7 }, { cluster: 4, size: 3, stability: 0.4 }]);
  assert.deepEqual(reportStability(json, "consensus")!.clusters, [{ cluster: 1, size: 2, stability: 0.93 }, { cluster: 2, size: 1, stability: 0.9 }, { cluster: 3, size: 4, stability: 0.6 }]);
  assert.deepEqual(s.kChosen, [4, 4, 3]);
  assert.ok(Number.isNaN(s.kCurve[3]!.agreement), "null (not computed) → NaN");
  assert.equal(reportStability({ ari: [] }, "kmeans"), undefined);
});

test("figure 15 compiles without a Vega warning: one bar per cluster, one cell per pair of runs, the curve beside the silhouettes", async () => {
  const base = reportFixture({ clusters: 4, eventsPerCluster: 6, rejected: 0 });
  const data: ReportData = { ...base, stability: reportStability(json, "kmeans")! };
  const f = stabilityFigure(data)!;
  assert.equal(f.name, "15-stability");
  const svg = await figureSvg(f.spec, f.name);
  assert.equal(countSvgMarks(svg, "stability_bars_marks"), 4);
  assert.equal(countSvgMarks(svg, "ari_cells_marks"), 9);
  const silhouettes = base.sweep.filter((p) => Number.isFinite(p.meanSilhouette)).length;
  assert.equal(countSvgMarks(svg, "stability_curve_marks"), 2, "two lines: bootstrap agreement and mean silhouette");
  assert.equal(countSvgMarks(svg, "stability_points_marks"), 3 + silhouettes, "K = 5 was not computed: no point");
  assert.equal(countSvgMarks(svg, "stability_sd_marks"), 3, "± sd where computed");
  assert.ok(svg.includes("ARI between runs (mean 0.850)"));
  assert.deepEqual(buildFigures(data).map((x) => x.name).slice(-1), ["15-stability"], "registered last");
  assert.equal(buildFigures(base).some((x) => x.name === "15-stability"), false, "no stability.json, no figure");
});
