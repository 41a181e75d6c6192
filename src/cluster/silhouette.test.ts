import { test } from "node:test";
import assert from "node:assert/strict";
import { fromRows } from "../core/matrix.js";
import { OptionError } from "../core/errors.js";
import { assertGolden, readGolden } from "../../test-support/shared.js";
import { silhouetteSamples, silhouetteScore } from "./silhouette.js";

test("silhouetteSamples equals scikit-learn on cluster.json (rtol 1e-9)", () => {
  const g = readGolden("cluster.json");
  const s = silhouetteSamples(fromRows(g.X), Int32Array.from(g.labels));
  assertGolden(s, g.silhouette, { rtol: 1e-9, label: "silhouette" });
});

test("silhouetteSamples equals scikit-learn on cluster_more.json (rtol 1e-9)", () => {
  const g = readGolden("cluster_more.json");
  const s = silhouetteSamples(fromRows(g.X), Int32Array.from(g.kmeans.labels));
  assertGolden(s, g.kmeans.silhouette, { rtol: 1e-9, label: "silhouette" });
});
