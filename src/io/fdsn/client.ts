// FdsnClient: the three FDSN services behind one object, with one concurrency limit, timeouts and retries.
import type { CatalogResult } from "../../core/catalog.js";
import { FetchError, FormatError, OptionError, SpecufexError } from "../../core/errors.js";
import { custom, int, oneOf, resolveOptions } from "../../core/options.js";
import type { ChannelMetadata } from "../../core/response.js";
import { formatIsoNs } from "../../core/time.js";
import type { Trace } from "../../core/trace.js";
import { Limiter, sendRequest, sleepMs, type FetchLike, type HttpSettings } from "./http.js";
import { parseEventResponse, parseStationResponse } from "./parse.js";
import { FDSN_PROVIDERS, getProvider, serviceUrl } from "./providers.js";
import { readMiniseedBytes, splitDataselectResponse } from "./responses.js";
import { bulkBody, eventQueryUrl, groupBulkRequests, serviceEndpoint, stationQueryUrl, type BulkOptions, type EventQuery, type FdsnService, type StationQuery, type WaveformRequest } from "./urls.js";

/** Options of an FdsnClient. Give `baseUrl` or `provider` (or per-service `serviceUrls`). */
export interface FdsnClientOptions {
  /** Base URL of a data centre, e.g. "https://service.iris.edu"; services at `<baseUrl>/fdsnws/<service>/1`. */
  readonly baseUrl?: string;
  /** A known data centre (FDSN_PROVIDERS), e.g. "INGV". */
  readonly provider?: string;
  /** Full service roots that override the above, e.g. { event: "https://earthquake.usgs.gov/fdsnws/event/1" }. */
  readonly serviceUrls?: Partial<Record<FdsnService, string>>;
  /** Requests in flight at once (default 4; FDSN centres ask for few). */
  readonly concurrency?: number;
  /** Per attempt, headers and body included (default 60 000 ms). */
  readonly timeoutMs?: number;
  /** Retries after a 429, a 5xx, a timeout or a network failure (default 3). */
  readonly retries?: number;
  /** First backoff, doubled per retry (default 1000 ms); a Retry-After header replaces it. */
  readonly backoffMs?: number;
  /** Cap of the exponential backoff (default 60 000 ms). */
  readonly maxBackoffMs?: number;
  /** A fetch to use instead of the global one (tests, proxies). */
  readonly fetch?: FetchLike;
  readonly userAgent?: string;
  /** How the service says "no data": 204 (the FDSN default) or 404 (sends nodata=404). */
  readonly nodata?: 204 | 404;
  /** Lines per dataselect bulk POST (default 100). */
  readonly maxBulkLines?: number;
  /** A sleep to use between retries (tests record the waits instead of waiting). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborts every request of this client. */
  readonly signal?: AbortSignal;
}

interface Resolved {
  baseUrl?: string;
  provider?: string;
  serviceUrls?: Partial<Record<FdsnService, string>>;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxBackoffMs: number;
  fetch?: FetchLike;
  userAgent: string;
  nodata: 204 | 404;
  maxBulkLines: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

const isUrl = (v: unknown): boolean => typeof v === "string" && /^https?:\/\/[^\s/]+/i.test(v);
const RULES = {
  baseUrl: custom<string>("an http(s) URL", isUrl),
  provider: custom<string>(`one of ${Object.keys(FDSN_PROVIDERS).join(", ")}`, (v) => typeof v === "string" && v.trim().toUpperCase() in FDSN_PROVIDERS),
  serviceUrls: custom<object>("an object of http(s) URLs keyed by event, station, dataselect", (v) =>
    typeof v === "object" && v !== null && Object.entries(v).every(([k, u]) => ["event", "station", "dataselect"].includes(k) && (u === undefined || isUrl(u)))),
  concurrency: int({ min: 1, max: 64 }, 4),
  timeoutMs: int({ min: 1 }, 60_000),
  retries: int({ min: 0, max: 20 }, 3),
  backoffMs: int({ min: 0 }, 1000),
  maxBackoffMs: int({ min: 0 }, 60_000),
  fetch: custom<FetchLike>("a function", (v) => typeof v === "function"),
  userAgent: custom<string>("a non-empty string", (v) => typeof v === "string" && v.length > 0, "specufex/0.1 (FDSN client; https://github.com/specufex)"),
  nodata: oneOf([204, 404] as const, 204),
  maxBulkLines: int({ min: 1, max: 10_000 }, 100),
  sleep: custom("a function", (v) => typeof v === "function"),
  signal: custom<AbortSignal>("an AbortSignal", (v) => typeof v === "object" && v !== null && "aborted" in v),
};

/** One window's data: its traces (decoded from its own records), the reader's and the answer's warnings. */
export interface WaveformData {
  readonly kind: "data";
  readonly request: WaveformRequest;
  readonly traces: Trace[];
  readonly warnings: string[];
  /** The window's own miniSEED records, as the service sent them (what a cache keeps). */
  readonly bytes: Uint8Array;
  readonly url: string;
}

/** Why a window has no data. */
export type WaveformRejectionReason = "no data" | "request failed" | "unreadable data";

/** A window that could not be had, with the reason and the error behind it. */
export interface WaveformRejection {
  readonly kind: "rejected";
  readonly request: WaveformRequest;
  readonly reason: WaveformRejectionReason;
  readonly message: string;
  readonly status?: number;
  readonly url: string;
  readonly error?: SpecufexError;
}

export type WaveformResult = WaveformData | WaveformRejection;

/** Per-call options of fetchWaveforms. */
export interface FetchWaveformsOptions extends Omit<BulkOptions, "nodata"> {
  /** Called once per window as soon as its bulk request is answered (in completion order). */
  readonly onResult?: (index: number, result: WaveformResult) => void;
}

/**
 * A client of the FDSN event, station and dataselect web services (version 1).
 * @example
 * const client = new FdsnClient({ provider: "IRIS" });
 * const channels = await client.queryStations({ network: "CO", station: "BIRD", channel: "HHZ" });
 */
export class FdsnClient {
  readonly options: Readonly<Omit<Resolved, "fetch" | "sleep" | "signal">>;
  readonly #http: HttpSettings;
  readonly #limiter: Limiter;
  readonly #services: Partial<Record<FdsnService, string>>;

  /** @throws OptionError for an unknown option, a bad value, or neither baseUrl, provider nor serviceUrls. */
  constructor(options: FdsnClientOptions) {
    const o = resolveOptions<Resolved>("FdsnClient", RULES, options);
    if (o.baseUrl !== undefined && o.provider !== undefined) throw new OptionError(`FdsnClient: give baseUrl or provider, not both (got ${o.baseUrl} and ${o.provider})`, { field: "baseUrl" });
    const services: Partial<Record<FdsnService, string>> = {};
    if (o.provider !== undefined) {
      const p = getProvider(o.provider);
      for (const s of p.services) services[s] = serviceUrl(p.baseUrl, s);
    } else if (o.baseUrl !== undefined) {
      for (const s of ["event", "station", "dataselect"] as const) services[s] = serviceUrl(o.baseUrl, s);
    }
    for (const [s, u] of Object.entries(o.serviceUrls ?? {})) if (u) services[s as FdsnService] = u.replace(/\/+$/, "");
    if (Object.keys(services).length === 0) throw new OptionError("FdsnClient: give baseUrl, provider or serviceUrls", { field: "baseUrl" });
    const fetchFn = o.fetch ?? (typeof fetch === "function" ? (fetch as FetchLike) : undefined);
    if (!fetchFn) throw new OptionError("FdsnClient: no global fetch in this environment; pass options.fetch", { field: "fetch" });
    this.#services = services;
    this.#limiter = new Limiter(o.concurrency);
    this.#http = {
      fetch: fetchFn, timeoutMs: o.timeoutMs, retries: o.retries, backoffMs: o.backoffMs, maxBackoffMs: o.maxBackoffMs,
      userAgent: o.userAgent, nodata: o.nodata, sleep: o.sleep ?? sleepMs, ...(o.signal ? { signal: o.signal } : {}),
    };
    const { fetch: _f, sleep: _s, signal: _g, ...shown } = o;
    this.options = Object.freeze(shown);
  }

  /** The root URL of a service. @throws OptionError when this client's data centre does not run it. */
  serviceUrl(service: FdsnService): string {
    const u = this.#services[service];
    if (!u) throw new OptionError(`FdsnClient: ${this.options.provider ?? "this data centre"} has no fdsnws-${service} service (it runs ${Object.keys(this.#services).join(", ")})`, { field: "provider" });
    return u;
  }

  /** True when this client knows a URL for the service. */
  hasService(service: FdsnService): boolean {
    return this.#services[service] !== undefined;
  }

  /**
   * Events from fdsnws-event (QuakeML, or the text format with `format: "text"`).
   * No matching event (HTTP 204) gives an empty catalogue with a warning saying so.
   * @throws FetchError (URL, status, attempt) when the service fails; FormatError when the answer is unreadable.
   */
  async queryEvents(query: EventQuery): Promise<CatalogResult> {
    const url = eventQueryUrl(this.serviceUrl("event"), query, { nodata: this.#http.nodata });
    const out = await sendRequest(this.#http, this.#limiter, url);
    if (out.kind === "nodata") return { events: [], mappedColumns: {}, warnings: [`${url}: no data (HTTP ${out.status}): no event matches the query`] };
    return parseEventResponse(out.bytes, query.format ?? "xml", url);
  }

  /**
   * Channel epochs from fdsnws-station (StationXML, level "response" by default).
   * No matching channel (HTTP 204) gives an empty list.
   * @throws FetchError when the service fails; FormatError when the answer is unreadable.
   */
  async queryStations(query: StationQuery): Promise<ChannelMetadata[]> {
    if (query.format === "text") throw new OptionError("FdsnClient.queryStations: reads StationXML; format \"text\" is not supported here", { field: "format" });
    const url = stationQueryUrl(this.serviceUrl("station"), query, { nodata: this.#http.nodata });
    const out = await sendRequest(this.#http, this.#limiter, url);
    if (out.kind === "nodata") return [];
    return parseStationResponse(out.bytes, url);
  }

  /**
   * Waveform windows from fdsnws-dataselect, in bulk POST requests of at most `maxBulkLines` lines grouped by
   * station. Every window gets a result in the input order: its data, or a named rejection ("no data" for a
   * 204 or a window the answer holds nothing of; "request failed" once retries are spent; "unreadable data").
   * One failed request never loses the windows of another.
   */
  async fetchWaveforms(requests: readonly WaveformRequest[], options: FetchWaveformsOptions = {}): Promise<WaveformResult[]> {
    const endpoint = serviceEndpoint(this.serviceUrl("dataselect"));
    const { onResult, ...bulk } = options;
    const groups = groupBulkRequests(requests, this.options.maxBulkLines);
    const bodies = groups.map((g) => bulkBody(g.map((i) => requests[i]!), { ...bulk, nodata: this.#http.nodata }));
    const results: WaveformResult[] = new Array(requests.length);
    const settle = (i: number, r: WaveformResult): void => {
      results[i] = r;
      onResult?.(i, r);
    };
    await Promise.all(groups.map(async (group, g) => {
      const label = `bulk POST of ${group.length} line${group.length === 1 ? "" : "s"}`;
      const reqs = group.map((i) => requests[i]!);
      let outcome;
      try {
        outcome = await sendRequest(this.#http, this.#limiter, endpoint, bodies[g]!, label);
      } catch (err) {
        if (!(err instanceof FetchError)) throw err;
        for (const i of group) settle(i, { kind: "rejected", request: requests[i]!, reason: "request failed", message: err.message, url: endpoint, error: err, ...(err.status === undefined ? {} : { status: err.status }) });
        return;
      }
      if (outcome.kind === "nodata") {
        for (const i of group) settle(i, { kind: "rejected", request: requests[i]!, reason: "no data", message: `${endpoint} (${label}): no data (HTTP ${outcome.status})`, status: outcome.status, url: endpoint });
        return;
      }
      const source = `${endpoint} (${label}, attempt ${outcome.attempt})`;
      let split;
      try {
        split = splitDataselectResponse(outcome.bytes, reqs, source);
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        for (const i of group) settle(i, { kind: "rejected", request: requests[i]!, reason: "unreadable data", message: err.message, url: endpoint, error: err });
        return;
      }
      group.forEach((i, k) => {
        const part = split.parts[k]!;
        const request = requests[i]!;
        if (part.length === 0) {
          const lost = split.warnings.length ? ` (the answer had problems: ${split.warnings.join("; ")})` : "";
          settle(i, { kind: "rejected", request, reason: "no data", message: `${source}: the answer holds no record of ${describe(request)}${lost}`, url: endpoint });
          return;
        }
        try {
          const read = readMiniseedBytes(part, `${source}: ${describe(request)}`);
          settle(i, { kind: "data", request, traces: read.traces, warnings: [...split.warnings, ...read.warnings], bytes: part, url: endpoint });
        } catch (err) {
          if (!(err instanceof FormatError)) throw err;
          settle(i, { kind: "rejected", request, reason: "unreadable data", message: err.message, url: endpoint, error: err });
        }
      });
    }));
    return results;
  }
}

/** "NET.STA.LOC.CHA start–end" of a request. */
export function describe(r: WaveformRequest): string {
  return `${r.network}.${r.station}.${r.location}.${r.channel} ${formatIsoNs(r.startNs)}–${formatIsoNs(r.endNs)}`;
}
