// CSV catalogues (FORMATS.md §4): the tutorial's event_ID, otime, lat, lon, depth, mag and the
// usual aliases, an optional pick time and waveform file name, quoted fields (RFC 4180), and a
// report of which source column fed which field. Other columns are kept as text in `extra`.
import type { CatalogEvent, CatalogResult, Pick } from "../core/catalog.js";
import { FormatError } from "../core/errors.js";
import { parseTimeNs } from "../core/time.js";

/** Field → accepted column names (compared case-insensitively, trimmed). */
export const CSV_COLUMN_ALIASES = {
  eventId: ["event_id", "evid", "ev_id", "eventid", "id"],
  originNs: ["otime", "origin_time", "time", "timestamp", "origintime", "datetime"],
  latitude: ["lat", "latitude", "evla"],
  longitude: ["lon", "longitude", "long", "lng", "evlo"],
  depthKm: ["depth", "depth_km", "dep", "evdp"],
  magnitude: ["mag", "magnitude"],
  magnitudeType: ["magtype", "mag_type", "magnitude_type"],
  pickNs: ["pick_time", "p_time", "ptime", "p_pick", "arrival_time", "pick"],
  file: ["file", "filename", "file_name", "waveform_file", "path"],
  station: ["station", "sta"],
  network: ["network", "net"],
  channel: ["channel", "cha", "chan"],
  phase: ["phase", "pick_phase"],
} as const;

type Field = keyof typeof CSV_COLUMN_ALIASES;

/** Options of `parseCsvCatalog`. */
export interface CsvCatalogOptions {
  /** Field separator; default: the first of ",", ";", tab found in the header line. */
  readonly delimiter?: string;
  /** Explicit column → field choices that override the aliases, e.g. { origin: "originNs" }. */
  readonly columns?: Readonly<Record<string, Field>>;
}

/** Splits CSV text into rows of fields (quotes, doubled quotes, separators and newlines inside quotes). */
export function parseCsvRows(text: string, delimiter: string, source: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let afterQuote = false;
  const s = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') { cell += '"'; i++; } else { quoted = false; afterQuote = true; }
      } else {
        if (c === "\n") line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell.trim() === "" && !afterQuote) { quoted = true; cell = ""; continue; }
    if (c === delimiter) { cells.push(cell); cell = ""; afterQuote = false; continue; }
    if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      cells.push(cell);
      if (cells.length > 1 || cells[0]!.trim() !== "") rows.push({ line: rowLine, cells });
      cells = []; cell = ""; afterQuote = false;
      line++;
      rowLine = line;
      continue;
    }
    if (afterQuote && c.trim() !== "") throw new FormatError(`${source}: row at line ${line}: text after a closing quote`, { file: source, record: line });
    cell += c;
  }
  if (quoted) throw new FormatError(`${source}: row at line ${rowLine}: quote not closed before the end of the file`, { file: source, record: rowLine });
  cells.push(cell);
  if (cells.length > 1 || cells[0]!.trim() !== "") rows.push({ line: rowLine, cells });
  return rows;
}

/**
 * Parses a CSV catalogue; `mappedColumns` says which column fed which field (e.g. origin_time → originNs).
 * Times are ISO 8601 or epoch seconds; a pick-time column gives one pick per row (phase from a
 * phase column, else "P"); a file column lands in `extra.file`.
 * Without a time column, year/month/day/hour/minute/second columns are combined.
 * @throws FormatError naming the file, row (line) and column.
 * @example
 * const { events, mappedColumns } = parseCsvCatalog(csvText, "catalog.csv"); // mappedColumns.event_id === "eventId"
 */
export function parseCsvCatalog(text: string, source: string, options: CsvCatalogOptions = {}): CatalogResult {
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const delimiter = options.delimiter ?? ([",", ";", "\t"].find((d) => firstLine.includes(d)) ?? ",");
  const rows = parseCsvRows(text, delimiter, source);
  if (rows.length === 0) throw new FormatError(`${source}: empty CSV (expected a header row)`, { file: source });
  const header = rows[0]!.cells.map((h) => h.trim());
  const lower = header.map((h) => h.toLowerCase());
  const column: Partial<Record<Field, number>> = {};
  const mappedColumns: Record<string, string> = {};
  for (const [name, field] of Object.entries(options.columns ?? {})) {
    const i = lower.indexOf(name.toLowerCase());
    if (i < 0) throw new FormatError(`${source}: column "${name}" given for ${field} is not in the header (${header.join(", ")})`, { file: source, field: name });
    column[field] = i;
  }
  for (const [field, aliases] of Object.entries(CSV_COLUMN_ALIASES) as [Field, readonly string[]][]) {
    if (column[field] !== undefined) continue;
    for (const alias of aliases) {
      const i = lower.indexOf(alias);
      if (i >= 0 && !Object.values(column).includes(i)) { column[field] = i; break; }
    }
  }
  const parts = ["year", "month", "day", "hour", "minute", "second"].map((p) => lower.findIndex((h) => h === p || h === `${p}s`));
  const composite = column.originNs === undefined && parts[0]! >= 0 && parts[1]! >= 0 && parts[2]! >= 0;
  if (column.eventId === undefined) {
    throw new FormatError(`${source}: no event id column (expected one of ${["event_ID", ...CSV_COLUMN_ALIASES.eventId.slice(1)].join(", ")}; got ${header.join(", ")})`, { file: source, field: "eventId" });
  }
  // Station, network, channel and phase describe a pick: without a pick-time column they stay plain columns.
  if (column.pickNs === undefined) for (const f of ["station", "network", "channel", "phase"] as const) delete column[f];
  for (const [field, i] of Object.entries(column)) mappedColumns[header[i]!] = field === "file" ? "extra.file" : field === "pickNs" ? "picks[0].timeNs" : field;
  if (composite) parts.forEach((i) => { if (i >= 0) mappedColumns[header[i]!] = "originNs"; });
  const used = new Set<number>([...Object.values(column), ...(composite ? parts.filter((i) => i >= 0) : [])]);

  const events: CatalogEvent[] = [];
  const warnings: string[] = [];
  for (const r of rows.slice(1)) {
    if (r.cells.length !== header.length) {
      throw new FormatError(`${source}: row at line ${r.line}: ${r.cells.length} fields, the header has ${header.length}`, { file: source, record: r.line });
    }
    const get = (field: Field): string | undefined => {
      const i = column[field];
      const v = i === undefined ? undefined : r.cells[i]!.trim();
      return v === "" ? undefined : v;
    };
    const fail = (field: Field | string, value: string, expected: string, cause?: unknown): never => {
      const name = typeof field === "string" && column[field as Field] !== undefined ? header[column[field as Field]!]! : field;
      throw new FormatError(`${source}: row at line ${r.line}, column "${name}": "${value}" is not ${expected}`, { file: source, record: r.line, field: name, ...(cause ? { cause } : {}) });
    };
    const num = (field: Field): number | undefined => {
      const v = get(field);
      if (v === undefined) return undefined;
      const x = Number(v);
      return Number.isFinite(x) ? x : fail(field, v, "a number");
    };
    const time = (field: Field): bigint | undefined => {
      const v = get(field);
      if (v === undefined) return undefined;
      if (/^[+-]?\d+(\.\d+)?$/.test(v)) return BigInt(Math.round(Number(v) * 1e6)) * 1000n;
      try {
        return parseTimeNs(v);
      } catch (err) {
        return fail(field, v, "a time (expected ISO 8601 or epoch seconds)", err);
      }
    };
    let originNs = time("originNs");
    if (composite) {
      const p = parts.map((i, k) => {
        const v = i >= 0 ? r.cells[i]!.trim() : "0";
        const x = Number(v === "" ? "0" : v);
        return Number.isFinite(x) ? x : fail(header[i]!, v, "a number");
      }) as [number, number, number, number, number, number];
      const whole = Math.floor(p[5]);
      originNs = BigInt(Date.UTC(p[0], p[1] - 1, p[2], p[3], p[4], whole)) * 1_000_000n + BigInt(Math.round((p[5] - whole) * 1e9));
    }
    const pickNs = time("pickNs");
    const picks: Pick[] = [];
    if (pickNs !== undefined) {
      const network = get("network");
      const channel = get("channel");
      picks.push({ ...(network ? { network } : {}), station: get("station") ?? "", ...(channel ? { channel } : {}), phase: get("phase") ?? "P", timeNs: pickNs });
    }
    const extra: Record<string, string> = {};
    header.forEach((h, i) => { if (!used.has(i) || i === column.file || i === column.station || i === column.network || i === column.channel) extra[i === column.file ? "file" : h] = r.cells[i]!.trim(); });
    const eventId = get("eventId");
    if (eventId === undefined) fail("eventId", "", "an event id (empty)");
    const latitude = num("latitude");
    const longitude = num("longitude");
    const depthKm = num("depthKm");
    const magnitude = num("magnitude");
    const magnitudeType = get("magnitudeType");
    events.push({
      eventId: eventId!,
      ...(originNs !== undefined ? { originNs } : {}),
      ...(latitude !== undefined ? { latitude } : {}),
      ...(longitude !== undefined ? { longitude } : {}),
      ...(depthKm !== undefined ? { depthKm } : {}),
      ...(magnitude !== undefined ? { magnitude } : {}),
      ...(magnitudeType !== undefined ? { magnitudeType } : {}),
      ...(picks.length ? { picks } : {}),
      extra,
    });
  }
  if (column.originNs === undefined && !composite && column.pickNs === undefined) warnings.push(`${source}: no origin or pick time column (expected one of ${CSV_COLUMN_ALIASES.originNs.join(", ")})`);
  return { events, mappedColumns, warnings };
}
