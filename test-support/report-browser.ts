// Checks of a rendered report in a real browser (Debian chromium through playwright-core), driven by its data.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";
import type { ReportData } from "../src/report/data.js";
import { regionLines } from "../src/report/atlas.js";
import { mapFrame } from "../src/report/figures/map.js";
import { decodePng, pixelStats } from "../src/report/png-decode.node.js";
import { worldAtlas50m } from "../src/report/render.node.js";

// Code passed to page.evaluate runs in the browser; the project compiles without the DOM library.
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
export const CHROMIUM = "/usr/bin/chromium";
export const ALL_FIGURES = ["01-spectrogram", "02-nmf", "03-hmm", "04-k-sweep", "05-map", "06-examples", "07-boxplots", "08-occurrence",
  "09-fit-progress", "10-one-event", "11-silhouette", "12-dendrogram", "13-pca", "14-contingency"];

/**
 * Helpers evaluated in the page: walk a figure's Vega scenegraph (what the canvas draws) and map items to
 * page coordinates, so the test clicks and hovers where a user would.
 */
const PAGE_HELPERS = `
window.__t = {
  walk: function (fig, visit) {
    var view = window.__report.views[fig];
    var o = view.origin();
    (function walkMark(mark, ox, oy, legendTitle) {
      var title = legendTitle;
      (mark.items || []).forEach(function (it) {
        if (mark.role === "legend") {
          // A legend group: remember its title for the entries inside.
          (it.items || []).forEach(function (m) { if (m.role === "legend-title") (m.items || []).forEach(function (t) { title = String(t.text); }); });
        }
        visit(mark, it, ox, oy, title);
        if (mark.marktype === "group") (it.items || []).forEach(function (child) { walkMark(child, ox + (it.x || 0), oy + (it.y || 0), title); });
      });
    })(view.scenegraph().root, o[0], o[1], "");
  },
  items: function (fig, name) {
    var out = [];
    window.__t.walk(fig, function (mark, it) { if (mark.name === name) out.push(it); });
    return out;
  },
  centre: function (fig, ox, oy, it) {
    var r = window.__report.views[fig].container().querySelector("canvas").getBoundingClientRect();
    var b = it.bounds;
    return { x: r.left + ox + (b.x1 + b.x2) / 2, y: r.top + oy + (b.y1 + b.y2) / 2 };
  },
  find: function (fig, test) {
    var found = null;
    window.__t.walk(fig, function (mark, it, ox, oy, title) { if (!found && test(mark, it, title)) found = { ox: ox, oy: oy, it: it }; });
    return found;
  },
};
`;

async function count(page: Page, figure: string, markName: string): Promise<number> {
  return page.evaluate(([f, m]) => window.__t.items(f, m).length, [figure, markName] as const);
}

/** Lines drawn: a line mark's items are its points, so count the marks (one per facet cell). */
async function countLines(page: Page, figure: string, markName: string): Promise<number> {
  return page.evaluate(([f, m]) => new Set(window.__t.items(f, m).map((it: any) => it.mark)).size, [figure, markName] as const);
}

/**
 * Scrolls a figure into view and moves the mouse onto the first scenegraph item passing `test` (source of a
 * JS predicate over mark, item and legend title): from the item's centre outwards until Vega itself reports
 * the item under the pointer, as a user's pointer would find it. Returns that page position.
 */
async function pointAt(page: Page, figure: string, test: string): Promise<{ x: number; y: number }> {
  const p = await page.evaluate(([f, t]) => {
    const view = window.__report.views[f];
    view.container().scrollIntoView({ block: "center" });
    const match = new Function("mark", "it", "title", `return (${t});`);
    const hit = window.__t.find(f, match);
    if (!hit) return null;
    window.__t.target = hit.it;
    window.__t.over = null;
    if (!window.__t.listening?.[f]) {
      window.__t.listening = { ...window.__t.listening, [f]: true };
      view.addEventListener("mousemove", (_e: unknown, item: unknown) => { window.__t.over = item; });
    }
    return window.__t.centre(f, hit.ox, hit.oy, hit.it);
  }, [figure, test] as const);
  assert.ok(p, `${figure}: no scenegraph item with ${test}`);
  const offsets: [number, number][] = [];
  for (let dy = -12; dy <= 12; dy += 2) for (let dx = -12; dx <= 12; dx += 2) offsets.push([dx, dy]);
  offsets.sort((a, b) => Math.hypot(...a) - Math.hypot(...b));
  for (const [dx, dy] of offsets) {
    await page.mouse.move(p.x + dx, p.y + dy);
    if (await page.evaluate(() => window.__t.over === window.__t.target)) return { x: p.x + dx, y: p.y + dy };
  }
  assert.fail(`${figure}: the pointer never reached the item with ${test} near (${p.x}, ${p.y})`);
}

async function exampleLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    window.__t.walk("06-examples", (m: any, it: any) => { if (m.marktype === "text" && String(it.text ?? "").includes(" · M ")) out.push(String(it.text)); });
    return out;
  });
}

async function oneEventHeader(page: Page): Promise<string> {
  return page.evaluate(() => String(window.__t.items("10-one-event", "one_event_header_marks")[0]?.text ?? ""));
}

async function oneEventImages(page: Page): Promise<string[]> {
  return page.evaluate(() => { const out: string[] = []; window.__t.walk("10-one-event", (m: any, it: any) => { if (m.marktype === "image") out.push(String(it.url)); }); return out; });
}


/** The figure files of a rendered report: every PNG decodable, of real size and not blank; every SVG non-trivial. */
export function assertFigureFiles(dir: string): void {
  for (const name of ALL_FIGURES) {
    const png = readFileSync(join(dir, "figures", `${name}.png`));
    const img = decodePng(png, name);
    const stats = pixelStats(img);
    assert.ok(png.length > 10_000 && img.width > 300 && img.height > 150, `${name}.png is ${png.length} bytes, ${img.width}×${img.height}`);
    assert.ok(stats.distinctColors > 50 && stats.nonBackgroundFraction > 0.02, `${name}.png looks blank: ${JSON.stringify(stats)}`);
    assert.ok(statSync(join(dir, "figures", `${name}.svg`)).size > 5000);
  }
}

/**
 * Opens a rendered report from disk in Chromium and checks, against the data it was rendered from: every
 * figure drawn, mark counts, tooltips, choosing a cluster (legend) swaps the examples and fades the others,
 * choosing an event (map, catalogue table) redraws figure 10, no network request, a non-blank screenshot.
 */
export async function assertReportInBrowser(indexHtml: string, data: ReportData): Promise<void> {
  assert.ok(existsSync(CHROMIUM), `Chromium was not found at ${CHROMIUM}; the browser tests need it and are never skipped: run \`bash scripts/test.sh\` (it installs Debian chromium and fonts-dejavu-core)`);
  const ids = data.events.ids;
  const html = readFileSync(indexHtml, "utf8");
  assert.ok(!/<script[^>]+src=|<link[^>]+href=["']?https?:/i.test(html), "no external scripts or stylesheets");

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`); });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    await page.route(/^(https?|wss?|ftp):/, (route) => route.abort());
    await page.goto(pathToFileURL(indexHtml).href);
    await page.waitForFunction(() => window.__report?.ready === true, null, { timeout: 60_000 });
    assert.deepEqual(await page.evaluate(() => window.__report.errors), []);

    await page.evaluate(PAGE_HELPERS);

    // Every figure drew a canvas that is not blank.
    for (const name of ALL_FIGURES) {
      const c = await page.evaluate((n) => {
        const canvas = document.querySelector(`#vis-${n} canvas`);
        if (!canvas) return null;
        const px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        const colours = new Set<number>();
        for (let i = 0; i < px.length; i += 4 * 7) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
        return { w: canvas.getBoundingClientRect().width, h: canvas.getBoundingClientRect().height, colours: colours.size };
      }, name);
      assert.ok(c && c.w > 100 && c.h > 100 && c.colours > 20, `${name}: ${JSON.stringify(c)}`);
    }
    const N = ids.length;
    const clustered = data.events.cluster.filter((c) => c > 0).length;
    assert.equal(await count(page, "05-map", "map_events_marks"), N, "one map symbol per event");
    assert.equal(await count(page, "05-map", "section_lat_marks"), N);
    assert.equal(await count(page, "05-map", "section_lon_marks"), N);
    // Coastlines and borders are drawn where the map's region contains any (Natural Earth 50m).
    const regionHasLines = regionLines(await worldAtlas50m(), mapFrame(data).box).length > 0;
    const lineMarks = await count(page, "05-map", "map_lines_marks");
    assert.ok(regionHasLines ? lineMarks >= 1 : lineMarks === 0, `coastline/border marks ${lineMarks}, region has lines: ${regionHasLines}`);
    assert.equal(await count(page, "11-silhouette", "silhouette_bars_marks"), clustered, "one silhouette bar per clustered event");
    assert.equal(await count(page, "13-pca", "pca_points_marks"), clustered);
    assert.equal(await count(page, "12-dendrogram", "dendrogram_links_marks"), 90);
    assert.equal(await count(page, "06-examples", "example_spectrograms_marks"), 12);
    assert.equal(await countLines(page, "06-examples", "example_waveforms_marks"), 12);
    assert.equal(await count(page, "10-one-event", "one_event_header_marks"), 1);
    assert.ok((await oneEventHeader(page)).startsWith(`Event ${ids[data.defaultEvent]} `));

    // Hovering an event shows its id, time, magnitude, depth and silhouette.
    const hovered = data.examples[0]![1]!;
    await pointAt(page, "05-map", `mark.name === "map_events_marks" && it.datum.i === ${hovered}`);
    await page.waitForSelector("#vg-tooltip-element.visible", { timeout: 10_000 });
    const tip = await page.evaluate(() => document.querySelector("#vg-tooltip-element")?.textContent ?? "");
    for (const part of [ids[hovered]!, data.events.times[hovered]!, data.events.mag[hovered]!.toFixed(2), data.events.depthKm[hovered]!.toFixed(1), data.events.silhouette[hovered]!.toFixed(3)]) {
      assert.ok(tip.includes(part), `tooltip ${JSON.stringify(tip)} lacks ${part}`);
    }

    // Clicking cluster 2 in the map's legend: its events stay bright, the others fade, and its examples replace the rest.
    const cells = (): Promise<number> => page.evaluate(() => { let n = 0; window.__t.walk("06-examples", (m: any) => { if (/_cell$/.test(String(m.name))) n++; }); return n; });
    const before = await exampleLabels(page);
    assert.equal(before.length, 24, "12 spectrogram + 12 waveform labels");
    assert.equal(await cells(), 24, "3 clusters × 4 examples, spectrograms and waveforms");
    const legend = await pointAt(page, "05-map", `mark.role === "legend-label" && title === "Cluster" && it.text === "2"`);
    await page.mouse.click(legend.x, legend.y);
    await page.waitForFunction(() => window.__t.items("06-examples", "example_spectrograms_marks").length === 4, null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.__report.state.cluster), 2);
    const after = await exampleLabels(page);
    const cluster2 = [...data.examples[1]!].map((i) => ids[i]!);
    assert.deepEqual([...new Set(after.map((s) => s.split(" · ")[0]))].sort(), [...cluster2].sort(), "the examples are cluster 2's best events");
    assert.equal(after.length, 8);
    assert.equal(await cells(), 8, "only cluster 2's cells remain (no empty frames)");
    assert.equal(await countLines(page, "06-examples", "example_waveforms_marks"), 4);
    const faded = await page.evaluate(() => window.__t.items("05-map", "map_events_marks").filter((it: any) => it.opacity === 0.1).length);
    assert.equal(faded, N - data.events.cluster.filter((c) => c === 2).length, "events outside cluster 2 fade on the map");
    // … and everywhere else: every cluster-aware figure has the choice, the PCA points and silhouette bars fade alike.
    for (const f of ["05-map", "06-examples", "07-boxplots", "08-occurrence", "11-silhouette", "12-dendrogram", "13-pca"]) {
      assert.equal(await page.evaluate((n) => window.__report.views[n].signal("selCluster"), f), 2, `${f} highlights cluster 2`);
    }
    const outside2 = clustered - data.events.cluster.filter((c) => c === 2).length;
    assert.equal(await page.evaluate(() => window.__t.items("13-pca", "pca_points_marks").filter((it: any) => it.opacity === 0.08).length), outside2, "PCA points outside cluster 2 fade");
    assert.equal(await page.evaluate(() => window.__t.items("11-silhouette", "silhouette_bars_marks").filter((it: any) => it.opacity === 0.15).length), outside2, "silhouette bars outside cluster 2 fade");
    // The table of contents jumps below the sticky header.
    await page.click('nav.toc a[href="#fig-10-one-event"]');
    await page.waitForTimeout(300);
    const gap = await page.evaluate(() => document.querySelector("#fig-10-one-event").getBoundingClientRect().top - document.querySelector("header").getBoundingClientRect().bottom);
    assert.ok(gap >= 0 && gap < 40, `figure 10's heading lands ${gap} px below the header`);

    // Choosing another event on the map redraws figure 10.
    const urlsBefore = await oneEventImages(page);
    const onMap = data.examples[2]![0]!;
    const m = await pointAt(page, "05-map", `mark.name === "map_events_marks" && it.datum.i === ${onMap}`);
    await page.mouse.click(m.x, m.y);
    await page.waitForFunction((id) => String(window.__t.items("10-one-event", "one_event_header_marks")[0]?.text ?? "").startsWith(`Event ${id} `), ids[onMap], { timeout: 10_000 });
    const urlsAfter = await oneEventImages(page);
    assert.equal(urlsAfter.length, 7);
    assert.equal(urlsAfter.filter((x, j) => x !== urlsBefore[j]).length, 5, "spectrogram, V, γ, A and fingerprint change; W and EB stay");
    assert.equal(await page.evaluate(() => window.__report.state.cluster), 3, "clicking an event chooses its cluster");

    // … and so does a row of the catalogue table.
    const fromTable = data.examples[0]![2]!;
    await page.click(`#catalogue tbody tr[data-event="${fromTable}"] td`);
    await page.waitForFunction((id) => String(window.__t.items("10-one-event", "one_event_header_marks")[0]?.text ?? "").startsWith(`Event ${id} `), ids[fromTable], { timeout: 10_000 });

    // Any event with data redraws figure 10, not only the embedded ones: a packed event from the table …
    const packed = data.packed?.events ?? [];
    assert.ok(packed.length >= 2, "the report packs the events that are not embedded");
    const embeddedUrls = await oneEventImages(page);
    const packedRow = packed[0]!.index;
    assert.ok(!data.embedded.some((e) => e.index === packedRow));
    await page.click(`#catalogue tbody tr[data-event="${packedRow}"] td`);
    await page.waitForFunction((id) => String(window.__t.items("10-one-event", "one_event_header_marks")[0]?.text ?? "").startsWith(`Event ${id} `), ids[packedRow], { timeout: 10_000 });
    const packedUrls = await oneEventImages(page);
    assert.equal(packedUrls.length, 7);
    assert.equal(packedUrls.filter((x, j) => x !== embeddedUrls[j]).length, 5, "its own spectrogram, V, γ, A and fingerprint; W and EB stay");
    assert.ok(packedUrls.every((u) => u.startsWith("data:image/png;base64,")));
    assert.equal(await countLines(page, "10-one-event", "one_event_waveform_marks"), 1, "its waveform is drawn");
    assert.equal(await page.evaluate(() => document.getElementById("event-note").textContent), "");
    // … and one on the map (a different event: different images again).
    const packedOnMap = packed[packed.length - 1]!.index;
    const pm = await pointAt(page, "05-map", `mark.name === "map_events_marks" && it.datum.i === ${packedOnMap}`);
    await page.mouse.click(pm.x, pm.y);
    await page.waitForFunction((id) => String(window.__t.items("10-one-event", "one_event_header_marks")[0]?.text ?? "").startsWith(`Event ${id} `), ids[packedOnMap], { timeout: 10_000 });
    const mapUrls = await oneEventImages(page);
    assert.equal(mapUrls.length, 7);
    assert.equal(mapUrls.filter((x, j) => x !== packedUrls[j]).length, 5);
    assert.equal(await page.evaluate(() => window.__report.state.event), packedOnMap);

    // A screenshot of the page is not blank.
    await page.evaluate(() => window.scrollTo(0, 0));
    const shot = pixelStats(decodePng(await page.screenshot(), "screenshot"));
    assert.ok(shot.distinctColors > 200 && shot.nonBackgroundFraction > 0.1, `screenshot looks blank: ${JSON.stringify(shot)}`);

    assert.deepEqual(problems, [], "no console errors or warnings");
    const external = requests.filter((u) => !/^(file|data):/.test(u));
    assert.deepEqual(external, [], "only file: and data: requests");
  } finally {
    await browser.close();
  }
}
