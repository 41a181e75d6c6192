import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { runCli } from "../../../test-support/cli.js";
import { parseConfig } from "../../pipeline/config.js";

test("specufex init writes a specufex.yaml that validates to the defaults, and refuses to overwrite", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "specufex-init-")), "proj");
  const first = await runCli(["init", dir]);
  assert.equal(first.code, 0, first.stderr);
  const text = readFileSync(join(dir, "specufex.yaml"), "utf8");
  assert.deepEqual(parseConfig(parse(text)), parseConfig({}));
  const second = await runCli(["init", dir]);
  assert.equal(second.code, 2);
  assert.match(second.stderr, /specufex\.yaml exists already/);
  assert.equal((await runCli(["init", dir, "--force"])).code, 0);
});

test("specufex --help lists the commands with examples; an unknown command exits 2", async () => {
  const help = await runCli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /init \[options\] \[dir\]/);
  assert.match(help.stdout, /Examples:/);
  const bad = await runCli(["frobnicate"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown command 'frobnicate'/);
});
