// The self-contained report page: inline Vega bundles, the figure specs and data as JSON, the page script.
import type { ReportData } from "./data.js";
import { clusterColor, eventRows, type Figure, type VlSpec } from "./figures/common.js";
import { base64 } from "./png.js";
import { PAGE_SCRIPT } from "./page-script.js";

/** The three UMD bundles, inlined in this order. */
export interface VegaBundles {
  readonly vega: string;
  readonly vegaLite: string;
  readonly vegaEmbed: string;
}

export interface ReportHtmlOptions {
  /** "canvas" (default) or "svg". */
  readonly renderer?: "svg" | "canvas";
  /** Vega specs compiled from the figures' Vega-Lite specs, by figure name; without them the page compiles. */
  readonly compiled?: Readonly<Record<string, VlSpec>>;
  /** Shown in the footer, e.g. an ISO time. */
  readonly generatedAt?: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** JavaScript safe inside a <script> element. */
function scriptJs(code: string): string {
  return code.replace(/<\/script/gi, "<\\/script");
}

const STYLE = `
:root { --ink: #1d1d1f; --muted: #5f6368; --line: #e3e3e6; --accent: #2f6fb0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 "DejaVu Sans", system-ui, sans-serif; color: var(--ink); background: #fafafa; }
header { position: sticky; top: 0; z-index: 5; background: #ffffffee; border-bottom: 1px solid var(--line); padding: 10px 24px; backdrop-filter: blur(4px); }
header h1 { margin: 0 0 4px; font-size: 20px; }
header .summary { margin: 0; color: var(--muted); font-size: 13px; }
#cluster-chooser { margin-top: 6px; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; font-size: 13px; }
#cluster-chooser button { border: 1px solid var(--line); background: #fff; border-radius: 14px; padding: 2px 10px; cursor: pointer; font: inherit; }
#cluster-chooser button .dot { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin-right: 5px; vertical-align: -1px; }
#cluster-chooser button.on { border-color: var(--ink); box-shadow: inset 0 0 0 1px var(--ink); font-weight: bold; }
nav.toc { font-size: 12px; margin-top: 4px; color: var(--muted); }
nav.toc a { color: var(--accent); margin-right: 8px; text-decoration: none; }
main { padding: 8px 24px 40px; }
section.figure { scroll-margin-top: calc(var(--header-h, 160px) + 8px); }
section.figure { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 16px 0; overflow-x: auto; }
section.figure h2 { font-size: 17px; margin: 0 0 8px; }
.caption { color: var(--muted); font-size: 13px; max-width: 900px; margin: 8px 0 0; }
.vis.failed { color: #b00020; }
#event-note { color: #b00020; font-size: 13px; min-height: 1em; }
.catalogue-wrap { max-height: 360px; overflow-y: auto; display: inline-block; border: 1px solid var(--line); }
table#catalogue { border-collapse: collapse; font-size: 13px; margin-top: 6px; }
#catalogue th, #catalogue td { border-bottom: 1px solid var(--line); padding: 3px 10px; text-align: right; }
#catalogue thead th { position: sticky; top: 0; background: #fff; }
#catalogue th:first-child, #catalogue td:first-child { text-align: left; }
#catalogue tbody tr { cursor: pointer; }
#catalogue tbody tr:hover { background: #f0f4fa; }
#catalogue tbody tr.on { background: #dbe7f5; font-weight: bold; }
footer { color: var(--muted); font-size: 12px; padding: 0 24px 24px; }
`;

function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : "–";
}

/** The catalogue's rows: the embedded events' alone (in the HTML) and every event's (set by the page once drawn). */
function catalogueRows(data: ReportData): { embedded: string; all: string } {
  const ev = data.events;
  const role = new Map<number, string>();
  data.examples.forEach((ex, c) => ex.forEach((i, r) => role.set(i, `example ${r + 1} of cluster ${c + 1}`)));
  if (!role.has(data.defaultEvent)) role.set(data.defaultEvent, "default event");
  const isEmbedded = new Set(data.embedded.map((e) => e.index));
  const shown = [...isEmbedded];
  for (const p of data.packed?.events ?? []) if (!isEmbedded.has(p.index)) shown.push(p.index);
  const order = shown.sort((a, b) => (ev.cluster[a]! - ev.cluster[b]!) || (ev.silhouette[b]! - ev.silhouette[a]!) || a - b);
  const row = (i: number): string => `<tr data-event="${i}"${i === data.defaultEvent ? ' class="on"' : ""}><td>${escapeHtml(ev.ids[i] ?? "")}</td><td>${escapeHtml(ev.times[i] ?? "")}</td><td>${fmt(ev.mag[i]!, 1)}</td><td>${fmt(ev.depthKm[i]!, 1)}</td><td>${ev.cluster[i] || "–"}</td><td>${fmt(ev.silhouette[i]!, 3)}</td><td>${escapeHtml(role.get(i) ?? "")}</td></tr>`;
  return { embedded: order.filter((i) => isEmbedded.has(i)).map(row).join(""), all: order.map(row).join("") };
}

function catalogueTable(rows: string): string {
  return `<table id="catalogue"><thead><tr><th>Event</th><th>Origin time (UTC)</th><th>Mag.</th><th>Depth (km)</th><th>Cluster</th><th>Silhouette</th><th>Shown as</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function summary(data: ReportData): string {
  const ev = data.events;
  let clustered = 0;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < ev.ids.length; i++) {
    if (ev.cluster[i]! > 0) clustered++;
    if (Number.isFinite(ev.silhouette[i]!)) { sum += ev.silhouette[i]!; count++; }
  }
  const parts = [
    `${ev.ids.length} events`,
    `${clustered} clustered`,
    `${ev.ids.length - clustered} not clustered`,
    `K = ${data.k} (${data.method})`,
  ];
  if (count > 0) parts.push(`mean silhouette ${(sum / count).toFixed(3)}`);
  if (data.dictionary) parts.push(`${data.dictionary.shape[1]} NMF patterns`);
  if (data.emissions) parts.push(`${data.emissions.shape[0]} HMM states`);
  if (data.station) parts.push(`station ${data.station.id}`);
  return parts.map(escapeHtml).join(" · ");
}

/**
 * The report page: opens from disk, makes no network request (bundles, data and images are inline).
 * @param figures from buildFigures.
 */
export function reportHtml(data: ReportData, figures: readonly Figure[], bundles: VegaBundles, options: ReportHtmlOptions = {}): string {
  // The events table is shared: each spec refers to it and the page script puts a copy back.
  const figs = figures.map((f) => {
    const vega = options.compiled?.[f.name];
    if (vega) {
      const data = ((vega.data ?? []) as VlSpec[]).map((d) => (d.name === "events" && Array.isArray(d.values) ? { ...d, values: "@events" } : d));
      return { name: f.name, number: f.number, params: f.params, mode: "vega", spec: { ...vega, data }, ...(f.page ? { page: f.page } : {}) };
    }
    const spec: VlSpec = { ...f.spec };
    if (spec.datasets && typeof spec.datasets === "object" && "events" in (spec.datasets as VlSpec)) spec.datasets = { ...(spec.datasets as VlSpec), events: "@events" };
    return { name: f.name, number: f.number, params: f.params, mode: "vega-lite", spec, ...(f.page ? { page: f.page } : {}) };
  });
  // A thousand table rows re-laid out after each of the 14 figures cost ~0.5 s: the page adds the rows of
  // the packed events once every figure is drawn.
  const catalogue = catalogueRows(data);
  const payload = {
    title: data.title,
    k: data.k,
    renderer: options.renderer ?? "canvas",
    defaultEvent: data.defaultEvent,
    embedded: data.embedded.map((e) => e.index),
    events: eventRows(data),
    figures: figs,
    catalogueRows: catalogue.all === catalogue.embedded ? null : catalogue.all,
  };
  const packedBlock = figures.find((f) => f.pageBytes)?.pageBytes;
  const buttons = [`<button data-cluster="0" class="on">all</button>`];
  for (let c = 1; c <= data.k; c++) buttons.push(`<button data-cluster="${c}"><span class="dot" style="background:${clusterColor(c)}"></span>${c}</button>`);
  const sections = figures.map((f) => {
    const extra = f.name === "10-one-event" ? `<div id="event-note"></div><h3>Events</h3><p class="caption">Click a row to show that event in figure 10.</p><div class="catalogue-wrap">${catalogueTable(catalogue.embedded)}</div>` : "";
    return `<section class="figure" id="fig-${f.name}" data-figure="${f.name}"><h2>${f.number}. ${escapeHtml(f.title)}</h2><div class="vis" id="vis-${f.name}"></div><p class="caption">${escapeHtml(f.caption)}</p>${extra}</section>`;
  });
  const toc = figures.map((f) => `<a href="#fig-${f.name}">${f.number}. ${escapeHtml(f.title)}</a>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
<script>${scriptJs(bundles.vega)}</script>
<script>${scriptJs(bundles.vegaLite)}</script>
<script>${scriptJs(bundles.vegaEmbed)}</script>
</head>
<body>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p class="summary">${summary(data)}</p>
<div id="cluster-chooser">Cluster: ${buttons.join(" ")} <span class="caption">showing <span id="chosen-cluster">all clusters</span> — or click a legend entry or an event</span></div>
<nav class="toc">${toc}</nav>
</header>
<main>
${sections.join("\n")}
</main>
<footer>SpecUFEx report${options.generatedAt ? `, generated ${escapeHtml(options.generatedAt)}` : ""}. Figures are also in figures/ as SVG and PNG.</footer>
<script type="application/json" id="report-data">${scriptJson(payload)}</script>
<script type="application/octet-stream" id="report-packed">${packedBlock ? base64(packedBlock) : ""}</script>
<script>${scriptJs(PAGE_SCRIPT)}</script>
</body>
</html>
`;
}
