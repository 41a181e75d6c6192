// How long the report of a 1000-event data set takes: Node render (figure files + page) and, in headless
// Chromium, from navigation to every figure drawn (target < 3 s). Run: node --import tsx bench/report.bench.ts
import { readFileSync, readdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { reportFixture } from "../src/report/fixture.js";
import { renderReport } from "../src/report/render.node.js";

// Code passed to page.evaluate runs in the browser; the project compiles without the DOM library.
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface PageReport { readyAtMs: number; renderMs: number; timings: Record<string, number>; errors: string[] }

/**
 * CPU seconds (user + system) used so far by every descendant process of this one (the Chromium we
 * launched): on a busy machine wall time overstates the work, CPU time does not. Linux /proc only; NaN elsewhere.
 */
function childCpuSeconds(rendererMainOnly = false): number {
  try {
    const parent = new Map<number, number>();
    const ticks = new Map<number, number>();
    const statTicks = (path: string): number => {
      const st = readFileSync(path, "utf8");
      const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
      return Number(f[11]) + Number(f[12]);
    };
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const st = readFileSync(`/proc/${name}/stat`, "utf8");
        parent.set(Number(name), Number(st.slice(st.lastIndexOf(")") + 2).split(" ")[1]));
        ticks.set(Number(name), statTicks(`/proc/${name}/stat`));
      } catch {
        // the process ended while we looked
      }
    }
    let total = 0;
    for (const [pid, t] of ticks) {
      let p = parent.get(pid);
      while (p !== undefined && p > 1 && p !== process.pid) p = parent.get(p);
      if (p !== process.pid) continue;
      if (!rendererMainOnly) {
        total += t;
        continue;
      }
      try {
        // A renderer's main thread (tid = pid) runs the page's JavaScript, style, layout and canvas calls.
        if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer")) total += statTicks(`/proc/${pid}/task/${pid}/stat`);
      } catch {
        // the process ended while we looked
      }
    }
    return total / 100;
  } catch {
    return NaN;
  }
}

export async function bench(print: (line: string) => void): Promise<void> {
  const data = reportFixture({ clusters: 4, eventsPerCluster: 250, rejected: 0 });
  const dir = mkdtempSync(join(tmpdir(), "specufex-report-bench-"));
  try {
    let t = performance.now();
    let cpu = process.cpuUsage();
    await renderReport(data, dir, { figureFiles: false });
    const pageMs = performance.now() - t;
    const pageCpu = process.cpuUsage(cpu);
    t = performance.now();
    cpu = process.cpuUsage();
    const out = await renderReport(data, dir);
    const allMs = performance.now() - t;
    const allCpu = process.cpuUsage(cpu);
    print(`report bench: ${data.events.ids.length} events, ${data.embedded.length} embedded; index.html ${(statSync(out.indexHtml).size / 1e6).toFixed(2)} MB`);
    const ms = (u: NodeJS.CpuUsage): string => ((u.user + u.system) / 1000).toFixed(0);
    print(`node: page only ${pageMs.toFixed(0)} ms wall (${ms(pageCpu)} ms CPU); page + 14 SVG/PNG figures ${allMs.toFixed(0)} ms wall (${ms(allCpu)} ms CPU)`);
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    try {
      const runs: PageReport[] = [];
      const cpus: number[] = [];
      const mains: number[] = [];
      for (let r = 0; r < 3; r++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const c0 = childCpuSeconds();
        const m0 = childCpuSeconds(true);
        await page.goto(pathToFileURL(out.indexHtml).href);
        await page.waitForFunction(() => (window as unknown as { __report?: { ready: boolean } }).__report?.ready === true, null, { timeout: 120_000 });
        cpus.push((childCpuSeconds() - c0) * 1000);
        mains.push((childCpuSeconds(true) - m0) * 1000);
        runs.push(await page.evaluate(() => { const r = (window as unknown as { __report: PageReport }).__report; return { readyAtMs: r.readyAtMs, renderMs: r.renderMs, timings: r.timings, errors: r.errors }; }));
        await page.close();
      }
      const med = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      print(`browser: navigation → all figures drawn ${med(runs.map((r) => r.readyAtMs)).toFixed(0)} ms (median of 3: ${runs.map((r) => r.readyAtMs.toFixed(0)).join(", ")}); embedding alone ${med(runs.map((r) => r.renderMs)).toFixed(0)} ms; target < 3000 ms`);
      print(`browser CPU time, navigation → drawn: renderer main thread ${med(mains).toFixed(0)} ms (the page's critical path; median of 3: ${mains.map((c) => c.toFixed(0)).join(", ")}), all Chromium processes ${med(cpus).toFixed(0)} ms; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
      const last = runs[runs.length - 1]!;
      print(`per figure (ms): ${Object.entries(last.timings).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")}`);
      if (last.errors.length > 0) print(`errors: ${last.errors.join("; ")}`);
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await bench((line) => console.log(line));
