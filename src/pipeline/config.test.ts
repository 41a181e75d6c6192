import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig, loadConfigFile } from "./config.js";
import { OptionError } from "../core/errors.js";
import { sharedPath } from "../../test-support/shared.js";

test("an empty config takes every default", () => {
  const c = parseConfig({});
  assert.equal(c.nmf.numPatterns, 75);
  assert.equal(c.nmf.schedule, "paisley2018");
  assert.equal(c.spectrogram.nperseg, 64);
  assert.equal(c.spectrogram.nfft, 512);
  assert.deepEqual(c.cluster.kRange, [2, 10]);
  assert.equal(c.data.before, 3);
});

test("config errors name the key path, what was expected and what was found", () => {
  assert.throws(() => parseConfig({ nmf: { numPatterns: "ten" } }, "config.yaml"), (e: unknown) => e instanceof OptionError && /config\.yaml: nmf\.numPatterns: expected number, received string, got "ten"/.test(e.message));
  assert.throws(() => parseConfig({ nmf: { numPaterns: 10 } }, "c.yaml"), (e: unknown) => e instanceof OptionError && /c\.yaml: nmf\.numPaterns is not a known key/.test(e.message));
  assert.throws(() => parseConfig({ cluster: { method: "kmedoids" } }, "c.yaml"), (e: unknown) => e instanceof OptionError && /cluster\.method/.test(e.message) && /"kmedoids"/.test(e.message));
  assert.throws(() => parseConfig({ nmf: { numPatterns: 0 } }, "c.yaml"), (e: unknown) => e instanceof OptionError && /nmf\.numPatterns: .*>=\s*1.*got 0/.test(e.message));
});

test("the SpecUFEx_workflow config maps onto ours and says which keys it mapped and which it ignored", () => {
  const { config, mapping } = loadConfigFile(sharedPath("data/specufex-python-layouts/workflow_config.yaml"));
  assert.ok(mapping);
  assert.equal(config.spectrogram.windowSeconds, 0.512);
  assert.equal(config.spectrogram.overlapFraction, 0.25);
  assert.equal(config.spectrogram.nperseg, null);
  assert.equal(config.spectrogram.nfft, 512);
  assert.equal(config.spectrogram.fmin, 5);
  assert.equal(config.spectrogram.fmax, 20);
  assert.equal(config.spectrogram.pool, 1);
  assert.equal(config.nmf.numPatterns, 75);
  assert.equal(config.nmf.steps, 1500);
  assert.equal(config.nmf.schedule, "specufex-python");
  assert.equal(config.hmm.numStates, 8);
  assert.equal(config.hmm.steps, 300);
  assert.deepEqual(config.cluster.kRange, [2, 8]);
  assert.equal(config.cluster.method, "kmeans");
  assert.equal(config.cluster.scaler, "none");
  assert.equal(config.cluster.pcaPve, null, "clusterOn: fingerprints → no PCA");
  assert.equal(config.report.examplesPerCluster, 5);
  assert.equal(config.output, "./layouts_run/");
  assert.ok(mapping.mapped.includes("sgramParams.winLen_Sec → spectrogram.windowSeconds"));
  assert.deepEqual(config.data.files, ["./waveforms/"]);
  assert.ok(mapping.mapped.includes("paths.waveformPath → data.files"));
  for (const key of ["paths.key", "paths.h5name", "sgramParams.sgramType", "specufexParams.nmf_batchsz", "specufexParams.hmm_batchsz"]) {
    assert.ok(mapping.ignored.some((k) => k.startsWith(key)), `${key} reported as ignored (ignored: ${mapping.ignored.join(", ")})`);
  }
});

test("invalid YAML is an OptionError naming the file", () => {
  const p = join(mkdtempSync(join(tmpdir(), "specufex-cfg-")), "bad.yaml");
  writeFileSync(p, "nmf: [1, 2\n");
  assert.throws(() => loadConfigFile(p), (e: unknown) => e instanceof OptionError && /bad\.yaml: invalid YAML/.test(e.message));
});

test("the init template lists every key with its default and parses back to the defaults", async () => {
  const { configTemplate } = await import("./config-template.js");
  const { parse } = await import("yaml");
  const text = configTemplate();
  for (const key of ["numPatterns: 75", "numStates: 15", "schedule: paisley2018", "kRange: [2, 10]", "windowSeconds: null", "bandpass: null"]) assert.ok(text.includes(key), key);
  assert.match(text, /numPatterns: 75 +# initial number of patterns K0/);
  assert.deepEqual(parseConfig(parse(text)), parseConfig({}));
});

test("the init template shows every key of the schema, nested ones included, each with a comment; enums list their choices", async () => {
  const { configTemplate } = await import("./config-template.js");
  const { configSchema } = await import("./config.js");
  const lines = configTemplate().split("\n");
  type Def = { type: string; innerType?: unknown; shape?: Record<string, unknown>; entries?: Record<string, string> };
  const defOf = (t: unknown): Def => {
    let d = (t as { _zod: { def: Def } })._zod.def;
    while (d.innerType) d = (d.innerType as { _zod: { def: Def } })._zod.def;
    return d;
  };
  let checked = 0;
  // Top level "key:", sections' keys "  key:", keys of optional blocks "  #   key:".
  const walk = (shape: Record<string, unknown>, prefix: string, from: number): void => {
    for (const [key, field] of Object.entries(shape)) {
      const def = defOf(field);
      // Searched from the enclosing section's or block's own line on.
      const at = lines.findIndex((l, i) => i >= from && l.startsWith(`${prefix}${key}:`));
      assert.ok(at >= 0, `${prefix}${key} is in the template`);
      const line = lines[at]!;
      checked++;
      if (def.shape && prefix === "") walk(def.shape, "  ", at);
      else if (def.shape) walk(def.shape, "  #   ", at);
      else assert.match(line, /\S {4}# \S/, `${key} has a comment: ${line}`);
      if (def.type === "enum") for (const v of Object.values(def.entries!)) assert.ok(line.includes(v), `${key} lists ${v}`);
    }
  };
  walk(defOf(configSchema).shape!, "", 0);
  assert.ok(checked >= 78, `${checked} keys walked`);
});

test("the data section also takes specufex fetch's keys (one config for fetch and run), validated like the rest", () => {
  const c = parseConfig({ data: { waveforms: "w.h5", start: "2016-10-13", end: "2016-10-19", radius: [42.75, 13.2, 30], minMag: 1.5, provider: "INGV", station: "IV.T1214..EHZ", output: "velocity" } });
  assert.deepEqual(c.data.radius, [42.75, 13.2, 30]);
  assert.equal(c.data.minMag, 1.5);
  assert.equal(c.data.provider, "INGV");
  assert.equal(c.data.box, null);
  assert.throws(() => parseConfig({ data: { radius: [42.75, 13.2] } }), (e: unknown) => e instanceof OptionError && /data\.radius/.test(e.message));
  assert.throws(() => parseConfig({ data: { output: "voltage" } }), (e: unknown) => e instanceof OptionError && /data\.output/.test(e.message));
});
