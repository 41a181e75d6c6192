// Figure 9: the fit's progress: patterns left per step and the convergence measures (ALGORITHM.md §7).
import type { ReportData } from "../data.js";
import { num, type Figure, type VlSpec } from "./common.js";

/** Steps each side of the moving mean drawn over a noisy per-step series. */
const SMOOTH_HALF_WIDTH = 12;

/**
 * One panel of per-step values. Long runs draw the raw values faint and without points, and, for the
 * noisy minibatch measures (`smooth`), a moving mean over ±SMOOTH_HALF_WIDTH steps on top.
 */
function linePanel(rows: VlSpec[], y: string, title: string, yTitle: string, log: boolean, smooth: boolean): VlSpec {
  const steps = Math.max(rows.filter((r) => r.model === "NMF").length, rows.filter((r) => r.model === "HMM").length);
  const long = steps > 100;
  const withMean = smooth && steps > 4 * SMOOTH_HALF_WIDTH;
  const x = { field: "step", type: "quantitative", axis: { title: "Step", tickMinStep: 1, format: "d" } };
  const color = { field: "model", type: "nominal", scale: { domain: ["NMF", "HMM"], range: ["#4c78a8", "#e45756"] }, legend: { title: "Model" } };
  const layers: VlSpec[] = [
    {
      mark: long ? { type: "line", strokeWidth: 1, opacity: withMean ? 0.35 : 1 } : { type: "line", point: { size: 12 } },
      encoding: {
        x,
        y: { field: y, type: "quantitative", scale: log ? { type: "log" } : { zero: false }, axis: { title: yTitle } },
        color,
        tooltip: [{ field: "model" }, { field: "step" }, { field: y, format: ".4g", title: yTitle }],
      },
    },
  ];
  if (withMean) {
    layers.push({
      transform: [{ window: [{ op: "mean", field: y, as: "mean" }], frame: [-SMOOTH_HALF_WIDTH, SMOOTH_HALF_WIDTH], groupby: ["model"], sort: [{ field: "step" }] }],
      mark: { type: "line", strokeWidth: 2.2 },
      encoding: { x, y: { field: "mean", type: "quantitative" }, color },
    });
  }
  return {
    width: 300,
    height: 170,
    title,
    data: { values: rows },
    transform: [{ filter: log ? `isValid(datum.${y}) && datum.${y} > 0` : `isValid(datum.${y})` }],
    layer: layers,
  };
}

export function progressFigure(data: ReportData): Figure | undefined {
  const { nmf, hmm } = data.progress;
  if (nmf.length === 0 && hmm.length === 0) return undefined;
  const rows: VlSpec[] = [];
  for (const r of nmf) rows.push({ model: "NMF", step: r.step, patterns: r.patternsLeft ?? null, change: num(r.dictionaryChange ?? NaN, 12), ll: num(r.logLikelihood ?? NaN, 8) });
  for (const r of hmm) rows.push({ model: "HMM", step: r.step, patterns: null, change: num(r.emissionChange ?? NaN, 12), ll: num(r.logLikelihood ?? NaN, 8) });
  const nmfRows = rows.filter((r) => r.model === "NMF");
  const hmmRows = rows.filter((r) => r.model === "HMM");
  return {
    name: "09-fit-progress",
    number: 9,
    title: "Fit progress",
    caption: `NMF patterns left after pruning at each step; relative change of the dictionary EW (NMF) and of the emission matrix EB (HMM) between steps; log-likelihood per entry (NMF, Poisson) and per column (HMM, forward pass) of each step's minibatch (ALGORITHM.md §7). Over long fits the thick lines are ${2 * SMOOTH_HALF_WIDTH + 1}-step moving means of the faint per-step values.`,
    params: [],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      vconcat: [
        { hconcat: [linePanel(nmfRows, "patterns", "NMF patterns left", "Patterns", false, false), linePanel(rows, "change", "Relative change per step", "‖ΔE‖/‖E‖", true, true)] },
        { hconcat: [linePanel(nmfRows, "ll", "NMF log-likelihood", "Log-likelihood per entry", false, true), linePanel(hmmRows, "ll", "HMM log-likelihood", "Log-likelihood per column", false, true)] },
      ],
      resolve: { scale: { color: "shared" } },
    },
  };
}
