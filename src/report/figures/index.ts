// Every figure group of the report, in order (groups without data are left out).
import { checkReportData, type ReportData } from "../data.js";
import { boxplotsFigure } from "./boxplots.js";
import type { Figure, FigureContext } from "./common.js";
import { contingencyFigure } from "./contingency.js";
import { dendrogramFigure } from "./dendrogram.js";
import { examplesFigure } from "./examples.js";
import { hmmFigure } from "./hmm.js";
import { kSweepFigure } from "./k-sweep.js";
import { mapFigure } from "./map.js";
import { nmfFigure } from "./nmf.js";
import { occurrenceFigure } from "./occurrence.js";
import { oneEventFigure } from "./one-event.js";
import { pcaFigure } from "./pca.js";
import { progressFigure } from "./progress.js";
import { silhouetteFigure } from "./silhouette.js";
import { spectrogramFigure } from "./spectrogram.js";
import { stabilityFigure } from "./stability.js";

export type { Figure, FigureContext, FigureParam, VlSpec } from "./common.js";

/**
 * The report's figure groups 1–14 as Vega-Lite specs (heat maps as PNG tiles in image marks).
 * @throws ShapeError when the parts of `data` disagree (see checkReportData).
 */
export function buildFigures(data: ReportData, ctx: FigureContext = {}): Figure[] {
  checkReportData(data);
  const all = [
    spectrogramFigure(data, ctx),
    nmfFigure(data, ctx),
    hmmFigure(data, ctx),
    kSweepFigure(data),
    mapFigure(data, ctx),
    examplesFigure(data, ctx),
    boxplotsFigure(data),
    occurrenceFigure(data),
    progressFigure(data),
    oneEventFigure(data, ctx),
    silhouetteFigure(data),
    dendrogramFigure(data),
    pcaFigure(data),
    contingencyFigure(data, ctx),
    stabilityFigure(data),
  ];
  return all.filter((f): f is Figure => f !== undefined);
}
