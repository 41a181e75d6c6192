// FDSN web-service text formats: event `format=text` (one event per line) and station
// `format=text` at network, station and channel level, plus ZMAP catalogue text.
// Pipe-separated columns are found by their header names, so reordered or extra columns work.
import type { CatalogEvent, CatalogResult } from "../core/catalog.js";
import { FormatError } from "../core/errors.js";
import type { ChannelMetadata } from "../core/response.js";
import { parseTimeNs } from "../core/time.js";

/** A network line of station text (level=network). */
export interface FdsnNetworkRow {
  readonly network: string;
  readonly description?: string;
  readonly startNs?: bigint;
  readonly endNs?: bigint;
  readonly totalStations?: number;
}

/** A station line of station text (level=station). */
export interface FdsnStationRow {
  readonly network: string;
  readonly station: string;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly elevationM?: number;
  readonly siteName?: string;
  readonly startNs?: bigint;
  readonly endNs?: bigint;
}

/** A channel line of station text (level=channel): channel metadata with its overall sensitivity. */
export interface FdsnChannelRow extends ChannelMetadata {
  readonly sensorDescription?: string;
}

/** Station text of one level. */
export type FdsnStationText =
  | { readonly level: "network"; readonly rows: FdsnNetworkRow[] }
  | { readonly level: "station"; readonly rows: FdsnStationRow[] }
  | { readonly level: "channel"; readonly rows: FdsnChannelRow[] };

interface Table {
  readonly header: string[];
  readonly rows: { readonly line: number; readonly cells: string[] }[];
}

function table(text: string, source: string): Table {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== "");
  if (first < 0 || !lines[first]!.startsWith("#")) {
    throw new FormatError(`${source}: line ${first + 1}: expected a "#"-header line of pipe-separated column names`, { file: source, record: first + 1 });
  }
  const header = lines[first]!.slice(1).split("|").map((h) => h.trim().toLowerCase());
  const rows: Table["rows"] = [];
  for (let i = first + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === "" || l.startsWith("#")) continue;
    const cells = l.split("|").map((c) => c.trim());
    if (cells.length !== header.length) {
      throw new FormatError(`${source}: line ${i + 1}: ${cells.length} fields, the header has ${header.length}`, { file: source, record: i + 1 });
    }
    rows.push({ line: i + 1, cells });
  }
  return { header, rows };
}

class Row {
  constructor(private readonly t: Table, private readonly r: Table["rows"][number], private readonly source: string) {}
  private index(names: readonly string[]): number {
    return this.t.header.findIndex((h) => names.includes(h));
  }
  text(...names: string[]): string | undefined {
    const i = this.index(names);
    const v = i < 0 ? undefined : this.r.cells[i];
    return v === undefined || v === "" ? undefined : v;
  }
  number(...names: string[]): number | undefined {
    const v = this.text(...names);
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x)) throw new FormatError(`${this.source}: line ${this.r.line}, column "${names[0]}": "${v}" is not a number`, { file: this.source, record: this.r.line, field: names[0]! });
    return x;
  }
  time(...names: string[]): bigint | undefined {
    const v = this.text(...names);
    if (v === undefined) return undefined;
    try {
      return parseTimeNs(v);
    } catch (err) {
      throw new FormatError(`${this.source}: line ${this.r.line}, column "${names[0]}": "${v}" is not a time (expected ISO 8601)`, { file: this.source, record: this.r.line, field: names[0]!, cause: err });
    }
  }
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * Parses FDSN event text (`format=text`): EventID | Time | Latitude | Longitude | Depth/km | … | MagType | Magnitude | …
 * @throws FormatError naming the file, line and column.
 */
export function parseFdsnEventText(text: string, source: string): CatalogResult {
  const t = table(text, source);
  if (!t.header.includes("eventid") || !t.header.includes("time")) {
    throw new FormatError(`${source}: not FDSN event text (expected columns EventID and Time, got ${t.header.join(", ")})`, { file: source });
  }
  const events: CatalogEvent[] = t.rows.map((r) => {
    const row = new Row(t, r, source);
    const extra: Record<string, string> = {};
    for (const [name, key] of [["author", "author"], ["catalog", "catalog"], ["contributor", "contributor"], ["contributorid", "contributorId"], ["magauthor", "magAuthor"], ["eventlocationname", "locationName"], ["eventtype", "type"]] as const) {
      const v = row.text(name);
      if (v !== undefined) extra[key] = v;
    }
    return defined({
      eventId: row.text("eventid")!,
      originNs: row.time("time"),
      latitude: row.number("latitude"),
      longitude: row.number("longitude"),
      depthKm: row.number("depth/km", "depth"),
      magnitude: row.number("magnitude"),
      magnitudeType: row.text("magtype"),
      extra,
    }) as CatalogEvent;
  });
  return { events, mappedColumns: { EventID: "eventId", Time: "originNs", Latitude: "latitude", Longitude: "longitude", "Depth/km": "depthKm", Magnitude: "magnitude", MagType: "magnitudeType" }, warnings: [] };
}

/**
 * Parses FDSN station text (`format=text`) at network, station or channel level (recognised from the header).
 * @throws FormatError naming the file, line and column.
 */
export function parseFdsnStationText(text: string, source: string): FdsnStationText {
  const t = table(text, source);
  const rows = t.rows.map((r) => new Row(t, r, source));
  if (t.header.includes("channel")) {
    return {
      level: "channel",
      rows: rows.map((row) => {
        const scale = row.number("scale");
        const frequencyHz = row.number("scalefreq");
        return defined({
          network: row.text("network") ?? "", station: row.text("station") ?? "", location: row.text("location") ?? "", channel: row.text("channel") ?? "",
          latitude: row.number("latitude"), longitude: row.number("longitude"), elevationM: row.number("elevation"), depthM: row.number("depth"),
          azimuthDeg: row.number("azimuth"), dipDeg: row.number("dip"), sampleRateHz: row.number("samplerate"),
          startNs: row.time("starttime"), endNs: row.time("endtime"),
          sensorDescription: row.text("sensordescription", "instrument"),
          response: scale !== undefined ? { stages: [], sensitivity: { value: scale, frequencyHz: frequencyHz ?? 0, inputUnits: row.text("scaleunits") ?? "", outputUnits: "COUNTS" } } : undefined,
        }) as FdsnChannelRow;
      }),
    };
  }
  if (t.header.includes("station")) {
    return {
      level: "station",
      rows: rows.map((row) => defined({
        network: row.text("network") ?? "", station: row.text("station") ?? "",
        latitude: row.number("latitude"), longitude: row.number("longitude"), elevationM: row.number("elevation"),
        siteName: row.text("sitename"), startNs: row.time("starttime"), endNs: row.time("endtime"),
      }) as FdsnStationRow),
    };
  }
  if (t.header.includes("network")) {
    return {
      level: "network",
      rows: rows.map((row) => defined({
        network: row.text("network") ?? "", description: row.text("description"),
        startNs: row.time("starttime"), endNs: row.time("endtime"), totalStations: row.number("totalstations"),
      }) as FdsnNetworkRow),
    };
  }
  throw new FormatError(`${source}: not FDSN station text (expected a Network column, got ${t.header.join(", ")})`, { file: source });
}

/**
 * Parses ZMAP catalogue text: whitespace-separated lon, lat, decimal year, month, day, magnitude,
 * depth (km), hour, minute, second (further columns, e.g. errors, are kept in `extra`).
 * ZMAP has no event ids: events are numbered from 1 in file order.
 * @throws FormatError naming the file, line and column.
 */
export function parseZmap(text: string, source: string): CatalogResult {
  const names = ["lon", "lat", "year", "month", "day", "mag", "depth", "hour", "minute", "second"];
  const events: CatalogEvent[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || line.trim().startsWith("#")) return;
    const cells = line.trim().split(/\s+/);
    if (cells.length < names.length) throw new FormatError(`${source}: line ${i + 1}: ${cells.length} columns, ZMAP has at least 10`, { file: source, record: i + 1 });
    const v = names.map((name, k) => {
      const x = Number(cells[k]);
      if (!Number.isFinite(x)) throw new FormatError(`${source}: line ${i + 1}, column ${k + 1} (${name}): "${cells[k]}" is not a number`, { file: source, record: i + 1, field: name });
      return x;
    });
    const [lon, lat, year, month, day, mag, depth, hour, minute, second] = v as [number, number, number, number, number, number, number, number, number, number];
    const wholeSecond = Math.floor(second);
    const ms = Date.UTC(Math.floor(year), month - 1, day, hour, minute, wholeSecond);
    const fields: [string, number, number, number][] = [["month", month, 1, 12], ["day", day, 1, 31], ["hour", hour, 0, 23], ["minute", minute, 0, 59], ["second", second, 0, 60.999999]];
    for (const [name, x, lo, hi] of fields) {
      if (x < lo || x > hi || (name !== "second" && !Number.isInteger(x))) throw new FormatError(`${source}: line ${i + 1}: ${name} ${x} is out of range (${lo}–${Math.floor(hi)})`, { file: source, record: i + 1, field: name });
    }
    if (!Number.isFinite(ms)) throw new FormatError(`${source}: line ${i + 1}: year ${year} is out of range`, { file: source, record: i + 1, field: "year" });
    const originNs = BigInt(ms) * 1_000_000n + BigInt(Math.round((second - wholeSecond) * 1e9));
    const extra: Record<string, string> = {};
    cells.slice(names.length).forEach((c, k) => { extra[`column${names.length + k + 1}`] = c; });
    events.push({ eventId: String(events.length + 1), originNs, latitude: lat, longitude: lon, depthKm: depth, magnitude: mag, extra });
  });
  return { events, mappedColumns: { "1": "longitude", "2": "latitude", "3-5,8-10": "originNs", "6": "magnitude", "7": "depthKm" }, warnings: [] };
}
