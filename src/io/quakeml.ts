// QuakeML 1.2 (FDSN event service, ObsPy, USGS, ISC) → CatalogResult: each event's
// preferred origin (time, latitude, longitude, depth in km) and preferred magnitude, and its
// picks with their waveform ids and the phases the preferred origin's arrivals give them.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { CatalogEvent, CatalogResult, Pick } from "../core/catalog.js";
import { FormatError } from "../core/errors.js";
import { parseTimeNs } from "../core/time.js";

type Node = Record<string, unknown>;

const ARRAYS = new Set(["event", "origin", "magnitude", "pick", "arrival", "description", "comment"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

function child(n: unknown, key: string): Node | undefined {
  if (n === null || typeof n !== "object") return undefined;
  const v = (n as Node)[key];
  if (Array.isArray(v)) return v[0] as Node | undefined;
  return v !== null && typeof v === "object" ? (v as Node) : undefined;
}

function list(n: unknown, key: string): Node[] {
  if (n === null || typeof n !== "object") return [];
  const v = (n as Node)[key];
  return Array.isArray(v) ? (v as Node[]) : v === undefined ? [] : [v as Node];
}

/** Text of an element that may carry attributes (fast-xml-parser puts it in "#text"). */
function text(n: unknown, key: string): string | undefined {
  if (n === null || typeof n !== "object") return undefined;
  let v = (n as Node)[key];
  if (Array.isArray(v)) v = v[0];
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (v !== null && typeof v === "object" && typeof (v as Node)["#text"] === "string") return (v as Node)["#text"] as string;
  return undefined;
}

/**
 * Parses QuakeML 1.2 text.
 * @param source the file name or URL, used in messages.
 * @throws FormatError when the text is not well-formed XML or not QuakeML, or a value is unreadable (naming event and field).
 * @example
 * const { events } = parseQuakeml(xmlText, "catalog.quakeml");
 */
export function parseQuakeml(xml: string, source: string): CatalogResult {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new FormatError(`${source}: not well-formed XML (line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg})`, { file: source });
  }
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (err) {
    // The validator passes some documents the parser then refuses (e.g. an unclosed processing instruction).
    throw new FormatError(`${source}: not well-formed XML (${(err as Error).message})`, { file: source, cause: err });
  }
  const root = child(doc, "quakeml");
  const params = child(root, "eventParameters");
  if (!root || !params) {
    const top = Object.keys(doc).filter((k) => !k.startsWith("?")).join(", ") || "nothing";
    throw new FormatError(`${source}: not QuakeML (expected <quakeml><eventParameters>, got <${top}>)`, { file: source });
  }
  const warnings: string[] = [];
  const events = list(params, "event").map((ev, i) => parseEvent(ev, i, source, warnings));
  return {
    events,
    mappedColumns: { publicID: "eventId", "origin.time": "originNs", "origin.latitude": "latitude", "origin.longitude": "longitude", "origin.depth (m)": "depthKm", "magnitude.mag": "magnitude", "magnitude.type": "magnitudeType", pick: "picks" },
    warnings,
  };
}

function parseEvent(ev: Node, index: number, source: string, warnings: string[]): CatalogEvent {
  const eventId = (ev["@_publicID"] as string | undefined) ?? `event ${index}`;
  const where = (field: string) => `${source}: event ${eventId}: ${field}`;
  const num = (n: unknown, field: string): number | undefined => {
    const t = text(child(n, field), "value");
    if (t === undefined || t === "") return undefined;
    const v = Number(t);
    if (!Number.isFinite(v)) throw new FormatError(`${where(field)} is "${t}" (expected a number)`, { file: source, event: eventId, field });
    return v;
  };
  const time = (n: unknown, field: string): bigint | undefined => {
    const t = text(child(n, field), "value");
    if (t === undefined || t === "") return undefined;
    try {
      return parseTimeNs(t, where(field));
    } catch (err) {
      throw new FormatError(`${where(field)} is "${t}" (expected an ISO 8601 time)`, { file: source, event: eventId, field, cause: err });
    }
  };
  const origins = list(ev, "origin");
  const preferredOriginId = text(ev, "preferredOriginID");
  let origin = origins.find((o) => o["@_publicID"] === preferredOriginId);
  if (!origin && preferredOriginId !== undefined && origins.length > 0) warnings.push(`${where("preferredOriginID")} ${preferredOriginId} not found; the first origin is used`);
  origin ??= origins[0];
  const magnitudes = list(ev, "magnitude");
  const preferredMagnitudeId = text(ev, "preferredMagnitudeID");
  let magnitude = magnitudes.find((m) => m["@_publicID"] === preferredMagnitudeId);
  if (!magnitude && preferredMagnitudeId !== undefined && magnitudes.length > 0) warnings.push(`${where("preferredMagnitudeID")} ${preferredMagnitudeId} not found; the first magnitude is used`);
  magnitude ??= magnitudes[0];

  const phaseByPick = new Map<string, string>();
  for (const a of list(origin, "arrival")) {
    const pickId = text(a, "pickID");
    const phase = text(a, "phase");
    if (pickId !== undefined && phase !== undefined) phaseByPick.set(pickId, phase);
  }
  const picks: Pick[] = [];
  for (const p of list(ev, "pick")) {
    const id = p["@_publicID"] as string | undefined;
    const timeNs = time(p, "time");
    if (timeNs === undefined) {
      warnings.push(`${where(`pick ${id ?? picks.length}`)} has no time (skipped)`);
      continue;
    }
    const w = child(p, "waveformID");
    const phase = (id !== undefined ? phaseByPick.get(id) : undefined) ?? text(p, "phaseHint") ?? "?";
    const location = w?.["@_locationCode"] as string | undefined;
    const channel = w?.["@_channelCode"] as string | undefined;
    picks.push({
      ...(w?.["@_networkCode"] !== undefined ? { network: w["@_networkCode"] as string } : {}),
      station: (w?.["@_stationCode"] as string | undefined) ?? "",
      ...(location !== undefined ? { location: location.trim() === "--" ? "" : location.trim() } : {}),
      ...(channel !== undefined ? { channel } : {}),
      phase, timeNs,
    });
  }
  const depthM = origin ? num(origin, "depth") : undefined;
  const extra: Record<string, string> = {};
  const type = text(ev, "type");
  if (type !== undefined) extra.type = type;
  const description = text(list(ev, "description")[0], "text");
  if (description !== undefined) extra.description = description;
  if (origin?.["@_publicID"] !== undefined) extra.originId = origin["@_publicID"] as string;
  if (magnitude?.["@_publicID"] !== undefined) extra.magnitudeId = magnitude["@_publicID"] as string;
  const originNs = origin ? time(origin, "time") : undefined;
  const latitude = origin ? num(origin, "latitude") : undefined;
  const longitude = origin ? num(origin, "longitude") : undefined;
  const mag = magnitude ? num(magnitude, "mag") : undefined;
  const magType = magnitude ? text(magnitude, "type") : undefined;
  return {
    eventId,
    ...(originNs !== undefined ? { originNs } : {}),
    ...(latitude !== undefined ? { latitude } : {}),
    ...(longitude !== undefined ? { longitude } : {}),
    ...(depthM !== undefined ? { depthKm: depthM / 1000 } : {}),
    ...(mag !== undefined ? { magnitude: mag } : {}),
    ...(magType !== undefined ? { magnitudeType: magType } : {}),
    picks,
    extra,
  };
}
