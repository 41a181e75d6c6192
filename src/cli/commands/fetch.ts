// `specufex fetch`: events (FDSN event service or a local catalogue) → waveform windows of one channel from
// an FDSN data centre → the waveform set (FORMATS.md §1) + rejected.csv, through the fetch stage.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { OptionError } from "../../core/errors.js";
import { parseTimeNs } from "../../core/time.js";
import { DEFAULT_EVENT_PROVIDER, FDSN_PROVIDERS, FdsnClient, type EventQuery } from "../../io/fdsn/index.js";
import { readCatalogFile } from "../../io/read-catalog.node.js";
import { parseConfig } from "../../pipeline/config.js";
import { EXIT, info, type CliContext } from "../context.js";
import { startProgress, type Progress } from "../progress.js";

/** The pipeline's own `data:` keys that fetch does not read: allowed, so one config serves `run` and `fetch`. */
function pipelineOnlyKeys(): Set<string> {
  return new Set(Object.keys(parseConfig({}).data).filter((k) => !(k in dataSchema.shape)));
}

/** The keys of the config's `data:` section that fetch reads (the same as its flags). */
const numberList = (n: number) => z.union([z.array(z.number()).length(n), z.string()]);
const dataSchema = z.object({
  start: z.union([z.string(), z.date()]).optional(),
  end: z.union([z.string(), z.date()]).optional(),
  box: numberList(4).optional().describe("[S, N, W, E] degrees"),
  radius: numberList(3).optional().describe("[lat, lon, km]"),
  minMag: z.number().optional(),
  maxMag: z.number().optional(),
  minDepth: z.number().optional(),
  maxDepth: z.number().optional(),
  catalog: z.string().nullable().optional(),
  station: z.string().nullable().optional(),
  reference: z.enum(["origin", "pick"]).optional(),
  before: z.number().min(0).optional(),
  after: z.number().gt(0).optional(),
  pad: z.number().min(0).optional(),
  output: z.enum(["displacement", "velocity", "acceleration", "counts"]).optional(),
  provider: z.string().optional(),
  baseUrl: z.string().optional(),
  eventProvider: z.string().optional(),
  eventBaseUrl: z.string().optional(),
}).strict();
type DataSection = z.infer<typeof dataSchema>;

interface FetchFlags {
  out: string; config?: string; start?: string; end?: string; box?: string; radius?: string; minMag?: string; maxMag?: string;
  minDepth?: string; maxDepth?: string; catalog?: string; station?: string; reference?: string; before?: string; after?: string; pad?: string;
  output?: string; provider?: string; baseUrl?: string; eventProvider?: string; eventBaseUrl?: string;
  concurrency?: string; timeout?: string; retries?: string; cache: boolean;
}

function num(flag: string, raw: string | number | undefined, min = -Infinity): number | undefined {
  if (raw === undefined) return undefined;
  const v = typeof raw === "number" ? raw : Number(raw);
  if ((typeof raw === "string" && raw.trim() === "") || !Number.isFinite(v) || v < min) throw new OptionError(`${flag} must be a number${min > -Infinity ? ` ≥ ${min}` : ""}, got ${JSON.stringify(raw)}`, { field: flag });
  return v;
}

function list(flag: string, raw: string | readonly number[] | undefined, n: number, shape: string): number[] | undefined {
  if (raw === undefined) return undefined;
  const parts = typeof raw === "string" ? raw.split(",").map((s) => num(flag, s.trim())!) : [...raw];
  if (parts.length !== n) throw new OptionError(`${flag} must be ${shape} (${n} numbers), got ${JSON.stringify(raw)}`, { field: flag });
  return parts;
}

function readConfig(path: string): { data: DataSection; baseDir: string } {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (err) {
    throw new OptionError(`${path}: cannot read the config (${(err as Error).message})`, { file: path, cause: err });
  }
  const section = (raw as { data?: unknown } | null)?.data ?? {};
  const skip = pipelineOnlyKeys();
  const own = section !== null && typeof section === "object" && !Array.isArray(section) ? Object.fromEntries(Object.entries(section).filter(([k, v]) => !skip.has(k) && v !== null)) : section;
  const r = dataSchema.safeParse(own);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = ["data", ...issue.path.map(String)].join(".");
    const keys = issue.code === "unrecognized_keys" ? `: ${(issue as { keys: string[] }).keys.join(", ")} is not a key fetch knows` : `: ${issue.message}`;
    throw new OptionError(`${path}: ${where}${keys}`, { file: path, field: where });
  }
  return { data: r.data, baseDir: dirname(resolve(path)) };
}

/** Reads a local catalogue: QuakeML, FDSN event text, hypoDD phases or CSV (recognised from the content). */
function station(raw: string | null | undefined): { network: string; station: string; location: string; channel: string } {
  if (!raw) throw new OptionError("fetch needs --station NET.STA.LOC.CHA (e.g. CO.BIRD.00.HHZ or IV.T1214..EHZ)", { field: "station" });
  const p = raw.split(".");
  if (p.length !== 4 || !p[0] || !p[1] || !p[3]) throw new OptionError(`--station must be NET.STA.LOC.CHA (e.g. CO.BIRD.00.HHZ, IV.T1214..EHZ), got ${JSON.stringify(raw)}`, { field: "station" });
  return { network: p[0], station: p[1], location: p[2]!, channel: p[3] };
}

/** Registers `specufex fetch`. */
export function registerFetch(program: Command, ctx: CliContext): void {
  program
    .command("fetch")
    .description("Fetch event waveforms of one channel from an FDSN data centre into a waveform set (waveforms.h5, rejected.csv).")
    .requiredOption("--out <dir>", "output folder: waveforms.h5, rejected.csv, cache/ (a re-run fetches only what is missing)")
    .option("--config <file>", "YAML whose data: section holds the same keys as these flags (start, end, box, radius, minMag, catalog, station, before, after, reference, provider, baseUrl, …)")
    .option("--start <time>", "events from this time (ISO 8601, UTC)")
    .option("--end <time>", "events until this time")
    .option("--box <S,N,W,E>", "events inside this box (degrees)")
    .option("--radius <LAT,LON,KM>", "events within KM of a point")
    .option("--min-mag <M>", "smallest magnitude")
    .option("--max-mag <M>", "largest magnitude")
    .option("--min-depth <KM>", "shallowest depth")
    .option("--max-depth <KM>", "deepest depth")
    .option("--catalog <file>", "a local catalogue (QuakeML, FDSN text, CSV, hypoDD phases) instead of the event service")
    .option("--station <NET.STA.LOC.CHA>", "the channel to fetch, e.g. CO.BIRD.00.HHZ")
    .option("--reference <origin|pick>", "cut around the origin time, or the P arrival (pick, else predicted at 6 km/s)")
    .option("--before <s>", "seconds before the reference time (default 3)")
    .option("--after <s>", "seconds after the reference time (default 17)")
    .option("--pad <s>", "extra seconds fetched on each side for the response removal (default 10)")
    .option("--output <quantity>", "displacement, velocity (default), acceleration, or counts (no response removal)")
    .option("--provider <name>", `data centre: ${Object.keys(FDSN_PROVIDERS).join(", ")} (default EARTHSCOPE)`)
    .option("--base-url <url>", "base URL of any FDSN data centre (services at <url>/fdsnws/<service>/1)")
    .option("--event-provider <name>", `event service (default: the data centre's own, else ${DEFAULT_EVENT_PROVIDER})`)
    .option("--event-base-url <url>", "base URL of the event service")
    .option("--concurrency <n>", "requests in flight (default 4)")
    .option("--timeout <s>", "seconds per request attempt (default 60)")
    .option("--retries <n>", "retries on 429, 5xx and timeouts (default 3)")
    .option("--no-cache", "ignore and do not fill <out>/cache")
    .addHelpText(
      "after",
      "\nFlags override the config's data: section. Every event not fetched is listed in rejected.csv with\n" +
        "its reason (no data, request failed, no response for this time, incomplete data, …).\n" +
        "\nExamples:\n" +
        "  specufex fetch --out sc --provider IRIS --event-provider USGS --start 2021-12-27 --end 2021-12-28 \\\n" +
        "      --box 33,35,-81,-79 --station CO.BIRD.00.HHZ --reference pick --before 3 --after 17\n" +
        "  specufex fetch --out amatrice --provider INGV --start 2016-10-13 --end 2016-10-19 \\\n" +
        "      --radius 42.75,13.2,30 --min-mag 1.5 --station IV.T1214..EHZ\n" +
        "  specufex fetch --out run --config specufex.yaml --catalog events.csv\n",
    )
    .action(async (flags: FetchFlags) => {
      const { data, baseDir } = flags.config ? readConfig(flags.config) : { data: {} as DataSection, baseDir: process.cwd() };
      const pick = <A, B>(flag: A | undefined, key: B | undefined): A | B | undefined => (flag !== undefined ? flag : key);
      const sel = station(pick(flags.station, data.station ?? undefined));
      const box = list("--box", pick(flags.box, data.box), 4, "S,N,W,E");
      const radius = list("--radius", pick(flags.radius, data.radius), 3, "LAT,LON,KM");
      const catalogPath = flags.catalog ?? (data.catalog ? resolve(baseDir, data.catalog) : undefined);
      const startText = pick(flags.start, data.start);
      const endText = pick(flags.end, data.end);
      const time = (flag: string, v: string | Date | undefined): bigint | undefined =>
        v === undefined ? undefined : v instanceof Date ? BigInt(v.getTime()) * 1_000_000n : wrapTime(flag, v);
      const query: EventQuery = {
        ...(time("--start", startText) !== undefined ? { startNs: time("--start", startText)! } : {}),
        ...(time("--end", endText) !== undefined ? { endNs: time("--end", endText)! } : {}),
        ...(box ? { box: { minLatitude: box[0]!, maxLatitude: box[1]!, minLongitude: box[2]!, maxLongitude: box[3]! } } : {}),
        ...(radius ? { radius: { latitude: radius[0]!, longitude: radius[1]!, maxRadiusKm: radius[2]! } } : {}),
        ...defined({ minMagnitude: num("--min-mag", pick(flags.minMag, data.minMag)), maxMagnitude: num("--max-mag", pick(flags.maxMag, data.maxMag)), minDepthKm: num("--min-depth", pick(flags.minDepth, data.minDepth)), maxDepthKm: num("--max-depth", pick(flags.maxDepth, data.maxDepth)) }),
      };
      if (box && radius) throw new OptionError("give --box or --radius, not both", { field: "box" });
      if (!catalogPath && (query.startNs === undefined || query.endNs === undefined)) throw new OptionError("fetch needs --start and --end for the event service (or --catalog FILE)", { field: "start" });
      const reference = pick(flags.reference, data.reference) ?? "origin";
      if (reference !== "origin" && reference !== "pick") throw new OptionError(`--reference must be origin or pick, got ${JSON.stringify(reference)}`, { field: "reference" });
      const output = pick(flags.output, data.output) ?? "velocity";
      if (!["displacement", "velocity", "acceleration", "counts"].includes(output)) throw new OptionError(`--output must be displacement, velocity, acceleration or counts, got ${JSON.stringify(output)}`, { field: "output" });
      const baseUrl = pick(flags.baseUrl, data.baseUrl);
      const provider = pick(flags.provider, data.provider);
      if (baseUrl && provider) throw new OptionError("give --provider or --base-url, not both", { field: "provider" });
      const controller = new AbortController();
      const common = defined({
        concurrency: num("--concurrency", flags.concurrency, 1), retries: num("--retries", flags.retries, 0),
        timeoutMs: flags.timeout === undefined ? undefined : Math.round(num("--timeout", flags.timeout, 0.001)! * 1000),
      });
      const client = new FdsnClient({ ...(baseUrl ? { baseUrl } : { provider: provider ?? "EARTHSCOPE" }), ...common, signal: controller.signal });
      const eventBase = pick(flags.eventBaseUrl, data.eventBaseUrl);
      const eventProvider = pick(flags.eventProvider, data.eventProvider);
      const eventClient = eventBase || eventProvider
        ? new FdsnClient({ ...(eventBase ? { baseUrl: eventBase } : { provider: eventProvider! }), ...common, signal: controller.signal })
        : client.hasService("event") ? client : new FdsnClient({ provider: DEFAULT_EVENT_PROVIDER, ...common, signal: controller.signal });
      const events = catalogPath ? { catalog: readCatalogFile(catalogPath).events } : { query };
      info(ctx, catalogPath ? `fetch: ${events.catalog!.length} events from ${catalogPath}` : `fetch: events from ${eventClient.serviceUrl("event")}`);
      const { fetchWaveformSet } = await import("../../pipeline/stages/fetch.js");
      // The shared progress display: a bar with rate and ETA on a terminal, else a line now and then and at the end.
      let progress: Progress | undefined;
      let lastDetail = "";
      const onSigint = (): void => controller.abort(new Error("interrupted"));
      process.once("SIGINT", onSigint);
      try {
        const r = await fetchWaveformSet({
          outDir: resolve(flags.out), client, eventClient, events, channel: sel, reference, output: output as "velocity",
          ...defined({ beforeSeconds: num("--before", pick(flags.before, data.before), 0), afterSeconds: num("--after", pick(flags.after, data.after), 0), padSeconds: num("--pad", pick(flags.pad, data.pad), 0) }),
          useCache: flags.cache,
          onProgress: (p) => {
            progress ??= startProgress(ctx, "fetch", p.total, "windows");
            lastDetail = `${p.fromCache} from the cache`;
            progress.update(p.done, lastDetail);
          },
        });
        progress?.finish(lastDetail);
        const reasons = new Map<string, number>();
        for (const x of r.rejected) reasons.set(x.reason, (reasons.get(x.reason) ?? 0) + 1);
        const why = [...reasons].map(([k, n]) => `${n} ${k}`).join(", ");
        info(ctx, `fetch: ${r.kept} of ${r.eventsIn} events written${r.waveformPath ? ` to ${r.waveformPath}` : ""} (${r.fetched} fetched, ${r.fromCache} from the cache)${r.rejected.length ? `; rejected: ${why} (see ${r.rejectedPath})` : ""}`);
        for (const w of r.warnings) info(ctx, `fetch: warning: ${w}`);
      } catch (err) {
        if (controller.signal.aborted) {
          ctx.stderr.write("\nfetch: interrupted; the windows fetched so far are cached and the same command resumes\n");
          ctx.exitCode = EXIT.interrupted;
          return;
        }
        throw err;
      } finally {
        process.removeListener("SIGINT", onSigint);
      }
    });
}

function wrapTime(flag: string, v: string): bigint {
  try {
    return parseTimeNs(v, flag);
  } catch (err) {
    throw new OptionError((err as Error).message, { field: flag, cause: err });
  }
}

function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

