import assert from "node:assert/strict";
import { test } from "node:test";
import { fromRows, type Matrix } from "../../core/matrix.js";
import { assertGolden, readGolden } from "../../../test-support/shared.js";
import { BayesianNmf } from "./bayesian-nmf.js";

// Golden README: element-wise |a − b| ≤ 1e-9·|b| + 1e-12·max|b| for the engine files;
// K_after_step exactly. Fits start from the files' G and batches/order.
const RTOL = 1e-9;
const BACKENDS = ["js", "wasm"] as const;

interface NmfGolden {
  schedule: "paisley2018" | "specufex-python";
  N: number;
  D: number;
  M: number;
  K0: number;
  X: number[][][];
  G: number[][];
  batches?: number[][];
  order?: number[];
  first_steps: { step: number; W1: number[][]; W2: number[][]; A1: number[]; A2: number[] }[];
  K_after_step?: number[];
  final: Record<string, number | number[] | number[][]> & { K: number };
  V: number[][][];
}

function runGolden(name: string, backend: (typeof BACKENDS)[number]): void {
  const g = readGolden<NmfGolden>(name);
  const X: Matrix[] = g.X.map((x) => fromRows(x));
  // nEff: paisley2018 Σ M_n = N·M (the file's value); specufex-python N.
  const nEff = g.schedule === "paisley2018" ? g.N * g.M : g.N;
  const nmf = new BayesianNmf({ schedule: g.schedule, numPatterns: g.K0, nEff, init: { G: fromRows(g.G) }, backend });
  const batches = g.batches ?? g.order!.map((i) => [i]);
  const K: number[] = [];
  batches.forEach((batch, s) => {
    nmf.partialFit(batch.map((i) => X[i]!));
    const f = nmf.fitted;
    K.push(f.K);
    if (s < g.first_steps.length) {
      const fs = g.first_steps[s]!;
      assert.equal(fs.step, s + 1);
      assert.equal(f.isSorted, false);
      for (const key of ["W1", "W2", "A1", "A2"] as const) assertGolden(f[key], fs[key], { rtol: RTOL, label: `${name} [${backend}] step ${s + 1} ${key}` });
    }
  });
  assert.equal(nmf.fitted.step, batches.length);
  if (g.K_after_step) assert.deepEqual(K, g.K_after_step, `${name} [${backend}]: patterns after every step`);
  nmf.sortPatterns();
  const f = nmf.fitted;
  assert.equal(f.K, g.final.K);
  for (const key of ["W1", "W2", "A1", "A2", "EW", "EA", "ElnWA", "gain"] as const) {
    assertGolden(f[key], g.final[key] as number[], { rtol: RTOL, label: `${name} [${backend}] final ${key}` });
  }
  X.forEach((x, n) => {
    const V = nmf.transform(x);
    assert.deepEqual(V.shape, [f.K, g.M]);
    assertGolden(V, g.V[n]!, { rtol: RTOL, label: `${name} [${backend}] V[${n}]` });
  });
}

for (const backend of BACKENDS) {
  test(`nmf (paisley2018, ${backend}) reproduces first_steps, K after every step (12 → 3), final and V (rtol 1e-9)`, () => {
    runGolden("nmf_paisley2018.json", backend);
  });

  test(`nmf (specufex-python, ${backend}) reproduces the package's first_steps, final and V (rtol 1e-9)`, () => {
    runGolden("nmf_specufex_python.json", backend);
  });
}

test("transform from the golden's final matrices equals its V (fromMatrices, both conventions)", () => {
  for (const name of ["nmf_paisley2018.json", "nmf_specufex_python.json"]) {
    const g = readGolden<NmfGolden>(name);
    const fin = g.final;
    // specufex-python: h0 = h01 = 1/K0 (the stored h01), ln V2 in every repeat; paisley2018: h0 = 1/K.
    const nmf = BayesianNmf.fromMatrices({
      W1: fromRows(fin.W1 as number[][]), W2: fromRows(fin.W2 as number[][]),
      A1: fin.A1 as number[], A2: fin.A2 as number[],
      schedule: g.schedule, h01: 1 / g.K0,
    });
    assert.equal(nmf.fitted.h0, g.schedule === "paisley2018" ? 1 / fin.K : 1 / g.K0);
    g.X.forEach((x, n) => assertGolden(nmf.transform(fromRows(x)), g.V[n]!, { rtol: RTOL, label: `${name} V[${n}]` }));
  }
});
