// Stage `report`: the renderer handed in by the caller (the CLI passes the report module's), so the
// pipeline never imports the report (STYLE.md §1).
import type { StageContext, StageDefinition, StageInfo } from "../stage.js";

export const reportStage: StageDefinition = {
  name: "report",
  settings: (c) => ({ report: c.report, cluster: c.cluster }),
  async run(ctx: StageContext): Promise<StageInfo> {
    if (!ctx.config.report.enabled) return { skipped: "report.enabled is false" };
    if (!ctx.report) return { skipped: "no report renderer was given" };
    const r = await ctx.report(ctx.runDir, { quiet: true });
    ctx.log(`wrote ${r.indexHtml} and ${r.figures.length} figures`);
    return { indexHtml: r.indexHtml, figures: r.figures.length };
  },
};
