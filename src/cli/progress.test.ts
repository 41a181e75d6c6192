// The progress display: a bar with rate and ETA on a terminal (CI unset), plain periodic lines otherwise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import type { CliContext } from "./context.js";
import { startProgress } from "./progress.js";

class Capture extends Writable {
  text = "";
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

function context(tty: boolean, verbosity: CliContext["verbosity"] = "normal"): CliContext & { stderr: Capture } {
  return { stdout: new Capture(false), stderr: new Capture(tty), verbosity, exitCode: 0 };
}

/** Runs `f` with CI set to `value` (undefined = unset), restoring it after. */
function withCi<T>(value: string | undefined, f: () => T): T {
  const saved = process.env.CI;
  if (value === undefined) delete process.env.CI;
  else process.env.CI = value;
  try {
    return f();
  } finally {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  }
}

test("on a terminal: a bar redrawn in place with percentage, rate and ETA, a final line with the elapsed time", () => {
  withCi(undefined, () => {
    let t = 1000;
    const ctx = context(true);
    const p = startProgress(ctx, "nmf-fit", 200, "steps", () => t);
    t += 50;
    p.update(5); // within 0.1 s of the start: not drawn
    assert.equal(ctx.stderr.text, "");
    t = 1000 + 2000;
    p.update(50, "K = 40");
    // 50 steps in 2 s = 25/s; 150 left → 6 s.
    assert.equal(ctx.stderr.text, "\r\x1b[2Knmf-fit        [######------------------]  25%  50/200 steps  25.0/s  ETA 6 s  K = 40");
    t = 1000 + 8000;
    p.finish();
    assert.ok(String(ctx.stderr.text).endsWith("\r\x1b[2Knmf-fit        [########################] 100%  200/200 steps  25.0/s  8.0 s\n"), JSON.stringify(ctx.stderr.text));
  });
});

test("not a terminal, or CI set: plain lines at most every 10 s, then a final one", () => {
  for (const [tty, ci] of [[false, undefined], [true, "1"]] as const) {
    withCi(ci, () => {
      let t = 0;
      const ctx = context(tty);
      const p = startProgress(ctx, "hmm-fit", 1000, "steps", () => t);
      t = 4000;
      p.update(100);
      assert.equal(ctx.stderr.text, "", "nothing before 10 s");
      t = 10_000;
      p.update(400);
      t = 15_000;
      p.update(600);
      t = 20_000;
      p.update(800);
      t = 25_000;
      p.finish();
      assert.equal(ctx.stderr.text, "hmm-fit: 400/1000 steps  40.0/s  ETA 15 s\nhmm-fit: 800/1000 steps  40.0/s  ETA 5 s\nhmm-fit: 1000/1000 steps  40.0/s  25.0 s\n");
      assert.ok(!String(ctx.stderr.text).includes("\r"), "no carriage returns in a log");
    });
  }
});

test("--quiet shows no progress; long ETAs are given in minutes", () => {
  withCi(undefined, () => {
    let t = 0;
    const quiet = context(true, "quiet");
    const q = startProgress(quiet, "nmf-fit", 10, "steps", () => t);
    t = 5000;
    q.update(5);
    q.finish();
    assert.equal(quiet.stderr.text, "");
    const ctx = context(false);
    t = 0;
    const p = startProgress(ctx, "spectrograms", 10_000, "events", () => t);
    t = 20_000;
    p.update(100);
    assert.equal(ctx.stderr.text, "spectrograms: 100/10000 events  5.00/s  ETA 33 min 0 s\n");
  });
});
