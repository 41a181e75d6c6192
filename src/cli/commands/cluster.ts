// `specufex cluster`: cluster a feature table (CSV, fingerprint HDF5, project store) and write
// event_ID, cluster (1-based; 0 = DBSCAN noise) and the method's per-event measure as CSV.
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { DataError, FormatError, OptionError } from "../../core/errors.js";
import { CLUSTER_METHODS, clusterFeatures, type ClusterMethod, type ClusterOutcome, type ClusterRequest } from "../../cluster/cluster-features.js";
import { formatCsv, type FeatureTable } from "../../cluster/features.js";
import type { ScalerKind } from "../../cluster/scalers.js";
import { EXIT, info, type CliContext } from "../context.js";

interface ClusterFlags {
  input: string;
  out: string;
  method: string;
  k?: string;
  kRange?: string;
  nInit?: string;
  maxIter?: string;
  eps?: string;
  minSamples?: string;
  covariance?: string;
  scaler: string;
  pcaPve?: string;
  seed: string;
}

const SCALERS: readonly ScalerKind[] = ["none", "standard", "minmax", "robust"];

/** Registers `specufex cluster`. */
export function registerCluster(program: Command, ctx: CliContext): void {
  program
    .command("cluster")
    .description("Cluster events by their features (fingerprints) and write their labels as CSV.")
    .requiredOption("--input <file>", "features: CSV (event_ID, then numeric columns), HDF5 with fingerprints/<event_ID>, or a project store specufex.h5")
    .requiredOption("--out <file>", 'labels CSV (event_ID, cluster, measure); "-" for stdout')
    .option("--method <name>", `one of ${CLUSTER_METHODS.join(", ")}`, "kmeans")
    .option("--k <K>", "number of clusters")
    .option("--k-range <min:max>", "choose K in this inclusive range by mean silhouette (BIC for gmm); default 3:19")
    .option("--n-init <N>", "k-means restarts (default 10)")
    .option("--max-iter <N>", "k-means iterations per restart (default 500)")
    .option("--eps <E>", "dbscan neighbourhood radius")
    .option("--min-samples <M>", "dbscan points within eps that make a core point (default 5)")
    .option("--covariance <type>", "gmm covariance: full or diag (default full)")
    .option("--scaler <name>", `scale features first: ${SCALERS.join(", ")}`, "none")
    .option("--pca-pve <P>", "keep the fewest principal components explaining more than P (0 < P < 1) of the variance")
    .option("--seed <S>", "random seed (k-means++, gmm start)", "0")
    .addHelpText(
      "after",
      "\nThe CSV gets event_ID, cluster (1-based; 0 = DBSCAN noise) and silhouette (kmeans, linkages),\n" +
        "probability (gmm) or kind (dbscan: core/border/noise). With a K range, the table of K against\n" +
        "mean silhouette and SSE (BIC for gmm) is printed with the chosen K marked.\n" +
        "\nExamples:\n" +
        "  specufex cluster --input fingerprints.csv --out labels.csv --method kmeans --k-range 3:19\n" +
        "  specufex cluster --input tutorial_results.h5 --out - --method ward --k 4 --scaler standard\n" +
        "  specufex cluster --input specufex.h5 --out labels.csv --method dbscan --eps 0.3 --min-samples 6\n",
    )
    .action(async (flags: ClusterFlags) => {
      const request = parseRequest(flags);
      let table: FeatureTable;
      try {
        // lazily: h5wasm is loaded only when this command runs
        const { readFeatures } = await import("../../cluster/features.node.js");
        const { H5File } = await import("../../io/hdf5/index.js");
        table = await readFeatures(flags.input, (p) => H5File.open(p, "r"));
      } catch (err) {
        // bad input is a usage error: nothing ran (STYLE.md §9, exit 2)
        if (err instanceof FormatError || err instanceof DataError) {
          ctx.stderr.write(`specufex: ${err.message}\n`);
          ctx.exitCode = EXIT.usage;
          return;
        }
        throw err;
      }
      const [n, f] = table.x.shape;
      if (table.skipped.length > 0) info(ctx, `cluster: ${table.skipped.length} events without features skipped (rejected earlier)`);
      info(ctx, `cluster: ${n} events × ${f} features from ${flags.input}, method ${request.method}`);
      const outcome = clusterFeatures(table.x, request);
      if (outcome.pcaComponents !== undefined) info(ctx, `cluster: PCA kept ${outcome.pcaComponents} components (PVE > ${request.pcaPve})`);
      if (outcome.sweep) {
        const text = sweepTable(outcome);
        if (flags.out === "-") ctx.stderr.write(text);
        else ctx.stdout.write(text);
      }
      info(ctx, summaryLine(outcome));
      const csv = formatCsv(table.ids, {
        cluster: Array.from(outcome.labels, (l) => l + 1),
        [outcome.measureName]: outcome.measure,
      });
      if (flags.out === "-") ctx.stdout.write(csv);
      else {
        await writeFile(flags.out, csv);
        info(ctx, `cluster: wrote ${flags.out}`);
      }
    });
}

/** The flags as a ClusterRequest; every malformed value is an OptionError naming its flag (exit 2). */
export function parseRequest(flags: ClusterFlags): ClusterRequest {
  if (!CLUSTER_METHODS.includes(flags.method as ClusterMethod)) {
    throw new OptionError(`--method must be one of ${CLUSTER_METHODS.join(", ")}, got ${JSON.stringify(flags.method)}`, { field: "method" });
  }
  const method = flags.method as ClusterMethod;
  if (!SCALERS.includes(flags.scaler as ScalerKind)) throw new OptionError(`--scaler must be one of ${SCALERS.join(", ")}, got ${JSON.stringify(flags.scaler)}`, { field: "scaler" });
  if (flags.k !== undefined && flags.kRange !== undefined) throw new OptionError(`give --k or --k-range, not both`, { field: "k" });
  const request: ClusterRequest = { method, scaler: flags.scaler as ScalerKind, seed: integer("--seed", flags.seed, -(2 ** 53) + 1) };
  if (method === "dbscan") {
    if (flags.k !== undefined || flags.kRange !== undefined) throw new OptionError(`--method dbscan finds the number of clusters itself: use --eps and --min-samples, not --k/--k-range`, { field: "k" });
    if (flags.eps === undefined) throw new OptionError(`--method dbscan needs --eps (the neighbourhood radius)`, { field: "eps" });
    request.eps = positive("--eps", flags.eps);
    if (flags.minSamples !== undefined) request.minSamples = integer("--min-samples", flags.minSamples, 1);
  } else {
    if (flags.eps !== undefined || flags.minSamples !== undefined) throw new OptionError(`--eps and --min-samples apply to --method dbscan only, not ${method}`, { field: "eps" });
    if (flags.k !== undefined) request.k = integer("--k", flags.k, 1);
    if (flags.kRange !== undefined) {
      const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(flags.kRange);
      if (!m || Number(m[1]) < 2 || Number(m[1]) > Number(m[2])) {
        throw new OptionError(`--k-range must be MIN:MAX with 2 ≤ MIN ≤ MAX (e.g. 3:19), got ${JSON.stringify(flags.kRange)}`, { field: "kRange" });
      }
      request.kRange = [Number(m[1]), Number(m[2])];
    }
  }
  if (flags.nInit !== undefined) {
    if (method !== "kmeans" && method !== "gmm") throw new OptionError(`--n-init applies to kmeans and gmm, not ${method}`, { field: "nInit" });
    request.nInit = integer("--n-init", flags.nInit, 1);
  }
  if (flags.maxIter !== undefined) {
    if (method !== "kmeans") throw new OptionError(`--max-iter applies to kmeans only, not ${method}`, { field: "maxIter" });
    request.maxIter = integer("--max-iter", flags.maxIter, 1);
  }
  if (flags.covariance !== undefined) {
    if (method !== "gmm") throw new OptionError(`--covariance applies to gmm only, not ${method}`, { field: "covariance" });
    if (flags.covariance !== "full" && flags.covariance !== "diag") throw new OptionError(`--covariance must be full or diag, got ${JSON.stringify(flags.covariance)}`, { field: "covariance" });
    request.covariance = flags.covariance;
  }
  if (flags.pcaPve !== undefined) {
    const p = Number(flags.pcaPve);
    if (!(flags.pcaPve.trim() !== "" && p > 0 && p < 1)) throw new OptionError(`--pca-pve must be a number between 0 and 1 (exclusive), got ${JSON.stringify(flags.pcaPve)}`, { field: "pcaPve" });
    request.pcaPve = p;
  }
  return request;
}

function integer(flag: string, raw: string, min: number): number {
  const v = Number(raw);
  if (!/^\s*[+-]?\d+\s*$/.test(raw) || !Number.isSafeInteger(v) || v < min) {
    throw new OptionError(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`, { field: flag.slice(2) });
  }
  return v;
}

function positive(flag: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(v) || v <= 0) throw new OptionError(`${flag} must be a number > 0, got ${JSON.stringify(raw)}`, { field: flag.slice(2) });
  return v;
}

/** Per K: mean silhouette and SSE (BIC for gmm), the chosen K marked. */
function sweepTable(o: ClusterOutcome): string {
  const isGmm = o.method === "gmm";
  const lines = [`K  mean_silhouette  ${isGmm ? "BIC" : "SSE"}`];
  for (const e of o.sweep!) {
    const extra = isGmm ? e.bic! : e.sse!;
    lines.push(`${String(e.k).padEnd(2)} ${e.meanSilhouette.toFixed(6).padStart(15)}  ${extra.toPrecision(8)}${e.k === o.k ? "  <- chosen" : ""}`);
  }
  return lines.join("\n") + "\n";
}

function summaryLine(o: ClusterOutcome): string {
  if (o.method === "dbscan") {
    const noise = o.labels.reduce((s, l) => s + (l < 0 ? 1 : 0), 0);
    return `cluster: dbscan found ${o.k} clusters and ${noise} noise events`;
  }
  const by = o.sweep ? (o.method === "gmm" ? " (lowest BIC)" : " (highest mean silhouette)") : "";
  let m = "";
  if (o.measureName === "silhouette") {
    let s = 0;
    for (const v of o.measure as Float64Array) s += v;
    m = `, mean silhouette ${(s / o.labels.length).toFixed(4)}`;
  }
  return `cluster: ${o.method} K = ${o.k}${by}${m}`;
}
