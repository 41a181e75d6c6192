// Query builders for the FDSN web services, version 1 (fdsnws-event, fdsnws-station, fdsnws-dataselect):
// GET query strings and dataselect bulk POST bodies. Pure: strings in, strings out.
import { OptionError } from "../../core/errors.js";
import { formatIsoNs } from "../../core/time.js";

/** The three FDSN services. */
export type FdsnService = "event" | "station" | "dataselect";

/** Kilometres per degree of arc on the sphere of radius 6371 km (what maxradius in km is converted with). */
export const KM_PER_DEGREE = (2 * Math.PI * 6371) / 360;

/** A rectangular region in degrees. */
export interface BoxRegion {
  readonly minLatitude: number;
  readonly maxLatitude: number;
  readonly minLongitude: number;
  readonly maxLongitude: number;
}

/** A circle around a point; the radius in km (converted to degrees for the service) or in degrees. */
export interface RadiusRegion {
  readonly latitude: number;
  readonly longitude: number;
  readonly maxRadiusKm?: number;
  readonly maxRadiusDeg?: number;
  readonly minRadiusKm?: number;
  readonly minRadiusDeg?: number;
}

/** An fdsnws-event query. Times are ns since the epoch, UTC. */
export interface EventQuery {
  readonly startNs?: bigint;
  readonly endNs?: bigint;
  readonly box?: BoxRegion;
  readonly radius?: RadiusRegion;
  readonly minMagnitude?: number;
  readonly maxMagnitude?: number;
  readonly minDepthKm?: number;
  readonly maxDepthKm?: number;
  readonly eventId?: string;
  readonly limit?: number;
  readonly orderBy?: "time" | "time-asc" | "magnitude" | "magnitude-asc";
  /** Response format: QuakeML ("xml", the default) or the pipe-separated "text". */
  readonly format?: "xml" | "text";
  /** Ask for picks and arrivals (QuakeML only; not every service supports it). */
  readonly includeArrivals?: boolean;
}

/** SEED codes; each may hold FDSN wildcards (`*`, `?`) and comma-separated lists. "" location = "--". */
export interface ChannelCodes {
  readonly network?: string;
  readonly station?: string;
  readonly location?: string;
  readonly channel?: string;
}

/** An fdsnws-station query. */
export interface StationQuery extends ChannelCodes {
  readonly startNs?: bigint;
  readonly endNs?: bigint;
  readonly box?: BoxRegion;
  readonly radius?: RadiusRegion;
  /** Detail level; "response" (the default here) includes the instrument responses. */
  readonly level?: "network" | "station" | "channel" | "response";
  readonly format?: "xml" | "text";
}

/** One waveform window of one channel (no wildcards). Times are ns since the epoch, UTC. */
export interface WaveformRequest {
  readonly network: string;
  readonly station: string;
  readonly location: string;
  readonly channel: string;
  readonly startNs: bigint;
  readonly endNs: bigint;
}

/** Options shared by every query: nodata=404 asks the service to answer "no data" with 404 instead of 204. */
export interface CommonQueryOptions {
  readonly nodata?: 204 | 404;
}

/**
 * FDSN time: `YYYY-MM-DDThh:mm:ss.ffffff`, UTC, without a zone letter (some services reject "Z").
 * `round` decides how sub-microsecond parts go: "floor" for window starts, "ceil" for ends, so no sample is lost.
 */
export function fdsnTime(ns: bigint, round: "floor" | "ceil" = "floor"): string {
  let us = ns / 1000n;
  const rem = ns - us * 1000n;
  if (rem < 0n) us -= 1n;
  if (round === "ceil" && rem !== 0n) us += 1n;
  // Floor division throughout, so times before 1970 format right too.
  let seconds = us / 1_000_000n;
  if (us - seconds * 1_000_000n < 0n) seconds -= 1n;
  const micro = us - seconds * 1_000_000n;
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${micro.toString().padStart(6, "0")}`;
}

/** The location code as FDSN services want it: "--" for an empty code. */
export function fdsnLocation(location: string): string {
  const t = location.trim();
  return t === "" ? "--" : t;
}

/** Converts a distance in km to degrees of arc (sphere of radius 6371 km). */
export function kmToDegrees(km: number): number {
  return km / KM_PER_DEGREE;
}

function finite(owner: string, name: string, v: number | undefined, lo = -Infinity, hi = Infinity): void {
  if (v === undefined) return;
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi) {
    const bounds = lo > -Infinity || hi < Infinity ? ` in [${lo}, ${hi}]` : "";
    throw new OptionError(`${owner}: ${name} must be a finite number${bounds}, got ${String(v)}`, { field: name });
  }
}

function num(v: number): string {
  // Shortest round-trip form, never exponent notation for the magnitudes a query uses.
  const s = String(v);
  return /e/i.test(s) ? v.toFixed(12).replace(/0+$/, "").replace(/\.$/, "") : s;
}

function addTimes(owner: string, p: [string, string][], startNs?: bigint, endNs?: bigint): void {
  if (startNs !== undefined && endNs !== undefined && endNs <= startNs) {
    throw new OptionError(`${owner}: end time ${formatIsoNs(endNs)} is not after start time ${formatIsoNs(startNs)}`, { field: "endNs" });
  }
  if (startNs !== undefined) p.push(["starttime", fdsnTime(startNs, "floor")]);
  if (endNs !== undefined) p.push(["endtime", fdsnTime(endNs, "ceil")]);
}

function addRegion(owner: string, p: [string, string][], box?: BoxRegion, radius?: RadiusRegion): void {
  if (box && radius) throw new OptionError(`${owner}: give a box or a radius, not both`, { field: "box" });
  if (box) {
    finite(owner, "minLatitude", box.minLatitude, -90, 90);
    finite(owner, "maxLatitude", box.maxLatitude, -90, 90);
    finite(owner, "minLongitude", box.minLongitude, -180, 180);
    finite(owner, "maxLongitude", box.maxLongitude, -180, 180);
    if (box.minLatitude > box.maxLatitude) {
      throw new OptionError(`${owner}: box minLatitude ${box.minLatitude} is above maxLatitude ${box.maxLatitude}`, { field: "box" });
    }
    // minlongitude > maxlongitude is legal: a box across the antimeridian.
    p.push(["minlatitude", num(box.minLatitude)], ["maxlatitude", num(box.maxLatitude)]);
    p.push(["minlongitude", num(box.minLongitude)], ["maxlongitude", num(box.maxLongitude)]);
  }
  if (radius) {
    finite(owner, "latitude", radius.latitude, -90, 90);
    finite(owner, "longitude", radius.longitude, -180, 180);
    finite(owner, "maxRadiusKm", radius.maxRadiusKm, 0);
    finite(owner, "maxRadiusDeg", radius.maxRadiusDeg, 0, 180);
    finite(owner, "minRadiusKm", radius.minRadiusKm, 0);
    finite(owner, "minRadiusDeg", radius.minRadiusDeg, 0, 180);
    const maxDeg = radius.maxRadiusDeg ?? (radius.maxRadiusKm === undefined ? undefined : kmToDegrees(radius.maxRadiusKm));
    const minDeg = radius.minRadiusDeg ?? (radius.minRadiusKm === undefined ? undefined : kmToDegrees(radius.minRadiusKm));
    if (maxDeg === undefined) throw new OptionError(`${owner}: a radius region needs maxRadiusKm or maxRadiusDeg`, { field: "radius" });
    p.push(["latitude", num(radius.latitude)], ["longitude", num(radius.longitude)]);
    if (minDeg !== undefined) p.push(["minradius", num(minDeg)]);
    p.push(["maxradius", num(maxDeg)]);
  }
}

function addCodes(owner: string, p: [string, string][], c: ChannelCodes): void {
  const check = (name: string, v: string | undefined, re: RegExp): void => {
    if (v !== undefined && !re.test(v)) throw new OptionError(`${owner}: ${name} code "${v}" is not valid (letters, digits, *, ?, commas)`, { field: name });
  };
  check("network", c.network, /^[A-Za-z0-9*?,]+$/);
  check("station", c.station, /^[A-Za-z0-9*?,]+$/);
  check("location", c.location, /^[A-Za-z0-9*?,\- ]*$/);
  check("channel", c.channel, /^[A-Za-z0-9*?,]+$/);
  if (c.network !== undefined) p.push(["network", c.network]);
  if (c.station !== undefined) p.push(["station", c.station]);
  if (c.location !== undefined) p.push(["location", c.location.split(",").map(fdsnLocation).join(",")]);
  if (c.channel !== undefined) p.push(["channel", c.channel]);
}

function queryString(p: readonly [string, string][]): string {
  // FDSN services accept ":" and "," unescaped, and several reject them escaped in older versions; keep them readable.
  return p.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%3A/gi, ":").replace(/%2C/gi, ",")}`).join("&");
}

/** A method of a service: `serviceUrl` is the service root, e.g. "https://service.iris.edu/fdsnws/station/1". */
export function serviceEndpoint(serviceUrl: string, method: "query" | "version" | "application.wadl" = "query"): string {
  const base = serviceUrl.replace(/\/+$/, "");
  return `${base}/${method}`;
}

/**
 * The fdsnws-event query URL.
 * @param serviceUrl e.g. "https://earthquake.usgs.gov/fdsnws/event/1"
 * @throws OptionError for inconsistent limits (min > max, end ≤ start, box and radius together).
 * @example
 * eventQueryUrl("https://earthquake.usgs.gov/fdsnws/event/1", { minMagnitude: 2, box: { minLatitude: 33, maxLatitude: 35, minLongitude: -81, maxLongitude: -79 } });
 */
export function eventQueryUrl(serviceUrl: string, q: EventQuery, common: CommonQueryOptions = {}): string {
  const owner = "fdsn event query";
  const p: [string, string][] = [];
  addTimes(owner, p, q.startNs, q.endNs);
  addRegion(owner, p, q.box, q.radius);
  finite(owner, "minMagnitude", q.minMagnitude);
  finite(owner, "maxMagnitude", q.maxMagnitude);
  finite(owner, "minDepthKm", q.minDepthKm);
  finite(owner, "maxDepthKm", q.maxDepthKm);
  if (q.minMagnitude !== undefined && q.maxMagnitude !== undefined && q.minMagnitude > q.maxMagnitude) {
    throw new OptionError(`${owner}: minMagnitude ${q.minMagnitude} is above maxMagnitude ${q.maxMagnitude}`, { field: "minMagnitude" });
  }
  if (q.minDepthKm !== undefined && q.maxDepthKm !== undefined && q.minDepthKm > q.maxDepthKm) {
    throw new OptionError(`${owner}: minDepthKm ${q.minDepthKm} is below maxDepthKm ${q.maxDepthKm}`, { field: "minDepthKm" });
  }
  if (q.minDepthKm !== undefined) p.push(["mindepth", num(q.minDepthKm)]);
  if (q.maxDepthKm !== undefined) p.push(["maxdepth", num(q.maxDepthKm)]);
  if (q.minMagnitude !== undefined) p.push(["minmagnitude", num(q.minMagnitude)]);
  if (q.maxMagnitude !== undefined) p.push(["maxmagnitude", num(q.maxMagnitude)]);
  if (q.eventId !== undefined) p.push(["eventid", q.eventId]);
  if (q.limit !== undefined) {
    if (!Number.isInteger(q.limit) || q.limit < 1) throw new OptionError(`${owner}: limit must be an integer ≥ 1, got ${q.limit}`, { field: "limit" });
    p.push(["limit", String(q.limit)]);
  }
  if (q.orderBy !== undefined) p.push(["orderby", q.orderBy]);
  if (q.includeArrivals) p.push(["includearrivals", "true"]);
  p.push(["format", q.format ?? "xml"]);
  if (common.nodata === 404) p.push(["nodata", "404"]);
  return `${serviceEndpoint(serviceUrl)}?${queryString(p)}`;
}

/**
 * The fdsnws-station query URL (level "response" unless given).
 * @example
 * stationQueryUrl("https://service.iris.edu/fdsnws/station/1", { network: "CO", station: "BIRD,JSC", channel: "HH?" });
 */
export function stationQueryUrl(serviceUrl: string, q: StationQuery, common: CommonQueryOptions = {}): string {
  const owner = "fdsn station query";
  const p: [string, string][] = [];
  addCodes(owner, p, q);
  addTimes(owner, p, q.startNs, q.endNs);
  addRegion(owner, p, q.box, q.radius);
  const format = q.format ?? "xml";
  const level = q.level ?? "response";
  if (format === "text" && (level === "response")) {
    throw new OptionError(`${owner}: level "response" needs format "xml" (the text format has no responses)`, { field: "level" });
  }
  p.push(["level", level], ["format", format]);
  if (common.nodata === 404) p.push(["nodata", "404"]);
  return `${serviceEndpoint(serviceUrl)}?${queryString(p)}`;
}

function checkRequest(owner: string, r: WaveformRequest): void {
  for (const [name, v] of [["network", r.network], ["station", r.station], ["channel", r.channel]] as const) {
    if (!/^[A-Za-z0-9]+$/.test(v)) throw new OptionError(`${owner}: ${name} code "${v}" must be letters and digits (no wildcards in a waveform request)`, { field: name });
  }
  if (!/^[A-Za-z0-9 -]*$/.test(r.location)) throw new OptionError(`${owner}: location code "${r.location}" is not valid`, { field: "location" });
  if (r.endNs <= r.startNs) {
    throw new OptionError(`${owner}: ${r.network}.${r.station}.${r.location}.${r.channel} window ends (${formatIsoNs(r.endNs)}) before it starts (${formatIsoNs(r.startNs)})`, { field: "endNs" });
  }
}

/** The fdsnws-dataselect GET URL for one window. */
export function dataselectQueryUrl(serviceUrl: string, r: WaveformRequest, common: CommonQueryOptions = {}): string {
  checkRequest("fdsn dataselect query", r);
  const p: [string, string][] = [
    ["network", r.network],
    ["station", r.station],
    ["location", fdsnLocation(r.location)],
    ["channel", r.channel],
    ["starttime", fdsnTime(r.startNs, "floor")],
    ["endtime", fdsnTime(r.endNs, "ceil")],
  ];
  if (common.nodata === 404) p.push(["nodata", "404"]);
  return `${serviceEndpoint(serviceUrl)}?${queryString(p)}`;
}

/** One line of a bulk request: `NET STA LOC CHA START END`. */
export function bulkLine(r: WaveformRequest): string {
  checkRequest("fdsn dataselect bulk request", r);
  return `${r.network} ${r.station} ${fdsnLocation(r.location)} ${r.channel} ${fdsnTime(r.startNs, "floor")} ${fdsnTime(r.endNs, "ceil")}`;
}

/** Options of a bulk body: `key=value` lines before the selection lines. */
export interface BulkOptions extends CommonQueryOptions {
  /** Data quality: D, R, Q, M or B (best). */
  readonly quality?: "D" | "R" | "Q" | "M" | "B";
  readonly minimumLength?: number;
  readonly longestOnly?: boolean;
}

/** The POST body of an fdsnws-dataselect bulk request. */
export function bulkBody(requests: readonly WaveformRequest[], options: BulkOptions = {}): string {
  const lines: string[] = [];
  if (options.quality !== undefined) lines.push(`quality=${options.quality}`);
  if (options.minimumLength !== undefined) {
    finite("fdsn dataselect bulk request", "minimumLength", options.minimumLength, 0);
    lines.push(`minimumlength=${num(options.minimumLength)}`);
  }
  if (options.longestOnly) lines.push("longestonly=true");
  if (options.nodata === 404) lines.push("nodata=404");
  for (const r of requests) lines.push(bulkLine(r));
  return lines.join("\n") + "\n";
}

/**
 * Groups waveform requests into bulk requests of at most `maxLines` lines: requests of one station stay
 * together (services answer a station's lines from one archive), stations are packed in code order, and a
 * station with more than `maxLines` windows is split in time order. Returns indices into `requests`.
 */
export function groupBulkRequests(requests: readonly WaveformRequest[], maxLines: number): number[][] {
  if (!Number.isInteger(maxLines) || maxLines < 1) {
    throw new OptionError(`groupBulkRequests: maxLines must be an integer ≥ 1, got ${maxLines}`, { field: "maxLines" });
  }
  const byStation = new Map<string, number[]>();
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i]!;
    const key = `${r.network}.${r.station}`;
    let list = byStation.get(key);
    if (!list) byStation.set(key, (list = []));
    list.push(i);
  }
  const keys = [...byStation.keys()].sort();
  const groups: number[][] = [];
  let current: number[] = [];
  for (const key of keys) {
    const idx = byStation.get(key)!.sort((a, b) => {
      const ra = requests[a]!;
      const rb = requests[b]!;
      if (ra.startNs !== rb.startNs) return ra.startNs < rb.startNs ? -1 : 1;
      const ca = `${ra.location}.${ra.channel}`;
      const cb = `${rb.location}.${rb.channel}`;
      return ca < cb ? -1 : ca > cb ? 1 : a - b;
    });
    if (current.length + idx.length > maxLines && current.length > 0) {
      groups.push(current);
      current = [];
    }
    for (let s = 0; s < idx.length; s += maxLines) {
      const part = idx.slice(s, s + maxLines);
      if (current.length + part.length > maxLines) {
        groups.push(current);
        current = [];
      }
      current.push(...part);
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
