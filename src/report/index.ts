// The report's browser-safe API: data types, spec builders, PNG tiles, colour maps, the page.
// Node-only (list for src/node.ts): ./load.node.js (loadReportData), ./render.node.js (renderReport,
// renderRunReport, ReportRenderer, figureSvg), ./png.node.js (nodeDeflate).
export * from "./data.js";
export * from "./colormap.js";
export * from "./png.js";
export * from "./tiles.js";
export * from "./packed.js";
export * from "./stats.js";
export * from "./atlas.js";
export * from "./raw-spectrogram.js";
export { buildFigures } from "./figures/index.js";
export type { Figure, FigureContext, FigureParam, VlSpec } from "./figures/index.js";
export { reportHtml, type VegaBundles, type ReportHtmlOptions } from "./html.js";
export { reportFixture, type ReportFixtureOptions } from "./fixture.js";
