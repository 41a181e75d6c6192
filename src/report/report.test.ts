// The rendered report of the synthetic fixture in a real browser (Debian chromium through playwright-core).
// The same checks run on a real demo run's report in src/cli/commands/demo.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reportFixture } from "./fixture.js";
import { renderReport } from "./render.node.js";
import { ALL_FIGURES, assertFigureFiles, assertReportInBrowser } from "../../test-support/report-browser.js";

test("the report opens from disk in Chromium: all figures drawn, cluster and event choices work, no network request", async () => {
  const data = reportFixture();
  const dir = mkdtempSync(join(tmpdir(), "specufex-report-"));
  try {
    const out = await renderReport(data, dir);
    assert.deepEqual(out.warnings, []);
    assert.deepEqual(out.figures.map((f) => f.slice(dir.length + 1)), ALL_FIGURES.flatMap((n) => [`figures/${n}.svg`, `figures/${n}.png`]));
    assertFigureFiles(dir);
    await assertReportInBrowser(out.indexHtml, data);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
