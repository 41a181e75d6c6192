// Writes the report: outDir/index.html (self-contained) and outDir/figures/<name>.svg + .png
// (Vega's headless SVG renderer, then resvg with the DejaVu font).
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import type { Topology } from "topojson-specification";
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import { DataError } from "../core/errors.js";
import type { ReportData } from "./data.js";
import { buildFigures, type Figure, type VlSpec } from "./figures/index.js";
import { reportHtml, type VegaBundles } from "./html.js";
import { loadReportData, type LoadReportOptions } from "./load.node.js";
import { nodeDeflate } from "./png.node.js";

/** The renderer the pipeline calls for its report stage (`runPipeline(config, { report })`). */
export type ReportRenderer = (runDir: string, options?: { quiet?: boolean }) => Promise<{ indexHtml: string; figures: string[] }>;

export const DEFAULT_FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

export interface RenderReportOptions {
  /** Library code never prints; accepted for the CLI's signature. */
  readonly quiet?: boolean;
  /** Write figures/<name>.svg and .png (default true). */
  readonly figureFiles?: boolean;
  /** Font for the PNGs (default DejaVu Sans; system fonts when the file is missing). */
  readonly fontFile?: string;
  /** PNG pixels per SVG pixel (default 2). */
  readonly pngScale?: number;
  /** Page renderer (default "canvas": far less DOM work than SVG for thousands of marks). */
  readonly renderer?: "svg" | "canvas";
  /** Natural Earth topology; default world-atlas countries-50m.json; false for none. */
  readonly atlas?: Topology | false;
}

export interface RenderReportResult {
  /** Path of index.html. */
  readonly indexHtml: string;
  /** Paths of the figure files (SVG and PNG). */
  readonly figures: string[];
  /** e.g. a missing font file. */
  readonly warnings: string[];
}

const require = createRequire(import.meta.url);
let bundlesCache: VegaBundles | undefined;
let atlasCache: Topology | undefined;

/** The UMD bundles of vega, vega-lite and vega-embed from node_modules. */
export async function vegaBundles(): Promise<VegaBundles> {
  if (!bundlesCache) {
    // The packages export only their module entries; the UMD builds sit beside them.
    const at = (pkg: string, file: string): string => join(dirname(require.resolve(pkg)), file);
    const [v, vl, ve] = await Promise.all([
      readFile(at("vega", "vega.min.js"), "utf8"),
      readFile(at("vega-lite", "vega-lite.min.js"), "utf8"),
      readFile(at("vega-embed", "vega-embed.min.js"), "utf8"),
    ]);
    bundlesCache = { vega: v, vegaLite: vl, vegaEmbed: ve };
  }
  return bundlesCache;
}

/** world-atlas's Natural Earth 1:50m countries. */
export async function worldAtlas50m(): Promise<Topology> {
  atlasCache ??= JSON.parse(await readFile(require.resolve("world-atlas/countries-50m.json"), "utf8")) as Topology;
  return atlasCache;
}

interface Logger { level(): unknown; warn(...a: unknown[]): Logger; info(): Logger; debug(): Logger; error(...a: unknown[]): Logger }

function collectingLogger(problems: string[]): Logger {
  const logger: Logger = {
    level: () => logger,
    warn: (...args) => { problems.push(args.map(String).join(" ")); return logger; },
    info: () => logger,
    debug: () => logger,
    error: (...args) => { problems.push(args.map(String).join(" ")); return logger; },
  };
  return logger;
}

/**
 * Compiles a Vega-Lite spec to Vega; `config` is merged over the spec's own.
 * @throws DataError when Vega-Lite warns (a figure spec must compile cleanly).
 */
export function compileFigure(spec: VlSpec, where = "figure", config?: VlSpec): VlSpec {
  const problems: string[] = [];
  const full = config ? { ...spec, config: { ...(spec.config as VlSpec | undefined), ...config } } : spec;
  const compiled = vegaLite.compile(full as unknown as vegaLite.TopLevelSpec, { logger: collectingLogger(problems) as never }).spec;
  if (problems.length > 0) throw new DataError(`${where}: Vega-Lite reports ${problems.join("; ")}`);
  return compiled as unknown as VlSpec;
}

/**
 * Compiles a Vega-Lite spec and renders it to SVG headlessly.
 * @throws DataError when Vega-Lite or Vega reports a problem (warnings included).
 */
export async function figureSvg(spec: VlSpec, where = "figure"): Promise<string> {
  const compiled = compileFigure(spec, where);
  const problems: string[] = [];
  const view = new vega.View(vega.parse(compiled as never), { renderer: "none", logger: collectingLogger(problems) as never, logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    if (problems.length > 0) throw new DataError(`${where}: Vega reports ${problems.join("; ")}`);
    return svg;
  } finally {
    view.finalize();
  }
}

/**
 * Vega-Lite lays out facets over the cross product of row and column values ever seen, so cells of a
 * cluster filtered out by the page's cluster choice would stay as empty frames; without `cross` only the
 * cells holding data are drawn.
 */
function withoutFacetCross(spec: VlSpec): VlSpec {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(walk); return; }
    if (!node || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    const facet = (o.from as Record<string, unknown> | undefined)?.facet as Record<string, unknown> | undefined;
    if (facet && facet.aggregate && typeof facet.aggregate === "object") {
      const { cross: _cross, ...rest } = facet.aggregate as Record<string, unknown>;
      if (Object.keys(rest).length > 0) facet.aggregate = rest;
      else delete facet.aggregate;
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(spec);
  return spec;
}

/** Vega writes both `optimizeSpeed` and `pixelated`; resvg reads the last, so keep the one it knows. */
function forResvg(svg: string): string {
  return svg.replace(/image-rendering: optimizeSpeed; image-rendering: pixelated;/g, "image-rendering: optimizeSpeed;");
}

async function writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

/**
 * Renders the report of `data` into `outDir`: index.html and figures/<name>.svg + .png.
 * @throws DataError when a figure's spec does not compile cleanly.
 */
export async function renderReport(data: ReportData, outDir: string, options: RenderReportOptions = {}): Promise<RenderReportResult> {
  const warnings: string[] = [];
  const atlas = options.atlas === false ? undefined : options.atlas ?? (await worldAtlas50m());
  const figures: Figure[] = buildFigures(data, { deflate: nodeDeflate, ...(atlas ? { atlas } : {}) });
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  if (options.figureFiles ?? true) {
    const figDir = join(outDir, "figures");
    await mkdir(figDir, { recursive: true });
    const fontFile = options.fontFile ?? DEFAULT_FONT_FILE;
    const hasFont = existsSync(fontFile);
    if (!hasFont) warnings.push(`report: font file ${fontFile} not found; PNG text uses system fonts (install fonts-dejavu-core)`);
    for (const f of figures) {
      const svg = await figureSvg(f.spec, `figure ${f.name}`);
      const svgPath = join(figDir, `${f.name}.svg`);
      await writeAtomic(svgPath, svg);
      const resvg = new Resvg(forResvg(svg), {
        font: hasFont
          ? { fontFiles: [fontFile], loadSystemFonts: false, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" }
          : { loadSystemFonts: true },
        fitTo: { mode: "zoom", value: options.pngScale ?? 2 },
        background: "#ffffff",
      });
      const pngPath = join(figDir, `${f.name}.png`);
      await writeAtomic(pngPath, resvg.render().asPng());
      files.push(svgPath, pngPath);
    }
  }
  // The page gets Vega specs compiled here (no Vega-Lite compile in the browser) without ARIA descriptions
  // (an expression per mark item: the largest cost of drawing 1000 events).
  const compiled: Record<string, VlSpec> = {};
  for (const f of figures) compiled[f.name] = withoutFacetCross(compileFigure(f.spec, `figure ${f.name}`, { aria: false }));
  const html = reportHtml(data, figures, await vegaBundles(), { renderer: options.renderer ?? "canvas", generatedAt: new Date().toISOString(), compiled });
  const indexHtml = join(outDir, "index.html");
  await writeAtomic(indexHtml, html);
  return { indexHtml, figures: files, warnings };
}

/** Loads a run directory (docs/RUN-DIRECTORY.md) and writes its report to `<runDir>/report`. */
export async function renderRunReport(runDir: string, options: { quiet?: boolean } & LoadReportOptions & RenderReportOptions = {}): Promise<RenderReportResult> {
  const data = await loadReportData(runDir, options);
  return renderReport(data, join(runDir, "report"), options);
}

// The pipeline's renderer signature is satisfied.
const _check: ReportRenderer = renderRunReport;
void _check;
