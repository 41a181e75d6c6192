// A local FDSN web service (node:http on 127.0.0.1, ephemeral port) that replays recorded answers.
// It reads its holdings with its own minimal parsers (regular expressions over the XML, the record lists
// libmseed wrote beside the miniSEED 2 fixtures, the 40-byte miniSEED 3 header), independent of the code
// under test; it checks every parameter it receives (unknown ones → 400, like real services), answers
// 204 (or 404 with nodata=404) when nothing it holds matches, 400 when a query reaches outside what was
// recorded, and can inject faults (status codes, Retry-After, delays, truncated or dropped bodies).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";

/** Microseconds since the epoch (exact in a double for any date the fixtures hold). */
export function isoToUs(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?Z?$/.exec(text.trim());
  if (!m) throw new Error(`replay server: bad time "${text}"`);
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  return ms * 1000 + Math.floor(+(m[7] ?? "0").padEnd(6, "0").slice(0, 6));
}

// ---------- holdings ----------

interface HeldEvent { readonly block: string; readonly timeUs: number; readonly lat: number; readonly lon: number; readonly depthKm: number; readonly mag: number }

/** A recorded event answer and the query that produced it (requests must stay inside it). */
export interface EventHolding {
  readonly file: string;
  readonly format: "xml" | "text";
  readonly recorded?: { readonly startUs?: number; readonly endUs?: number; readonly box?: readonly [s: number, n: number, w: number, e: number] };
}

interface HeldChannel { readonly net: string; readonly sta: string; readonly loc: string; readonly cha: string; readonly startUs: number; readonly endUs: number }

/** A recorded StationXML answer (level response or channel). */
export interface StationHolding { readonly file: string }

/** One record of held miniSEED: where it is and what it covers. */
interface HeldRecord { readonly bytes: Uint8Array; readonly id: string; readonly startUs: number; readonly endUs: number }

/** A miniSEED file: version 3 (header read here) or version 2 with libmseed's JSON record list beside it. */
export interface WaveformHolding { readonly file: string; readonly libmseedJson?: string }

export interface Holdings {
  readonly events?: readonly EventHolding[];
  readonly stations?: readonly StationHolding[];
  readonly waveforms?: readonly WaveformHolding[];
}

function tagValue(block: string, path: string[]): string | undefined {
  let cur = block;
  for (const tag of path) {
    const m = new RegExp(`<(?:\\w+:)?${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:\\w+:)?${tag}>`).exec(cur);
    if (!m) return undefined;
    cur = m[1]!;
  }
  return cur.trim();
}

function readQuakeml(text: string): { head: string; tail: string; events: HeldEvent[] } {
  const first = text.search(/<event[\s>]/);
  const last = text.lastIndexOf("</event>") + "</event>".length;
  const events: HeldEvent[] = [];
  for (const m of text.matchAll(/<event[\s>][\s\S]*?<\/event>/g)) {
    const block = m[0];
    const prefOrigin = tagValue(block, ["preferredOriginID"]);
    const origins = [...block.matchAll(/<origin[\s>][\s\S]*?<\/origin>/g)].map((o) => o[0]);
    const origin = origins.find((o) => prefOrigin && o.includes(`publicID="${prefOrigin}"`)) ?? origins[0] ?? "";
    const prefMag = tagValue(block, ["preferredMagnitudeID"]);
    const mags = [...block.matchAll(/<magnitude[\s>][\s\S]*?<\/magnitude>/g)].map((o) => o[0]);
    const mag = mags.find((o) => prefMag && o.includes(`publicID="${prefMag}"`)) ?? mags[0] ?? "";
    events.push({
      block,
      timeUs: isoToUs(tagValue(origin, ["time", "value"])!),
      lat: Number(tagValue(origin, ["latitude", "value"])),
      lon: Number(tagValue(origin, ["longitude", "value"])),
      depthKm: Number(tagValue(origin, ["depth", "value"]) ?? NaN) / 1000,
      mag: Number(tagValue(mag, ["mag", "value"]) ?? NaN),
    });
  }
  return { head: text.slice(0, first), tail: text.slice(last), events };
}

function readEventText(text: string): { head: string; tail: string; events: HeldEvent[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const head = lines.filter((l) => l.startsWith("#")).join("\n") + "\n";
  const events = lines.filter((l) => !l.startsWith("#")).map((l) => {
    const f = l.split("|");
    return { block: l + "\n", timeUs: isoToUs(f[1]!), lat: Number(f[2]), lon: Number(f[3]), depthKm: Number(f[4]), mag: f[10]!.trim() === "" ? NaN : Number(f[10]) };
  });
  return { head, tail: "", events };
}

function readStationXml(text: string): HeldChannel[] {
  const out: HeldChannel[] = [];
  for (const n of text.matchAll(/<Network\s[^>]*code="([^"]*)"[^>]*>([\s\S]*?)<\/Network>/g)) {
    for (const s of n[2]!.matchAll(/<Station\s[^>]*code="([^"]*)"[^>]*>([\s\S]*?)<\/Station>/g)) {
      for (const c of s[2]!.matchAll(/<Channel\s([^>]*)>/g)) {
        const attr = (name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(c[1]!)?.[1];
        out.push({
          net: n[1]!, sta: s[1]!, loc: attr("locationCode") ?? "", cha: attr("code")!,
          startUs: attr("startDate") ? isoToUs(attr("startDate")!) : -Infinity,
          endUs: attr("endDate") ? isoToUs(attr("endDate")!) : Infinity,
        });
      }
    }
  }
  return out;
}

function readMiniseed3Records(bytes: Uint8Array): HeldRecord[] {
  const out: HeldRecord[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  while (p < bytes.length) {
    const ns = view.getUint32(p + 4, true);
    const ms = Date.UTC(view.getUint16(p + 8, true), 0, 1) + (view.getUint16(p + 10, true) - 1) * 86400000 + bytes[p + 12]! * 3600000 + bytes[p + 13]! * 60000 + bytes[p + 14]! * 1000;
    const rate = view.getFloat64(p + 16, true);
    const count = view.getUint32(p + 24, true);
    const sidLen = bytes[p + 33]!;
    const len = 40 + sidLen + view.getUint16(p + 34, true) + view.getUint32(p + 36, true);
    const sid = new TextDecoder().decode(bytes.subarray(p + 40, p + 40 + sidLen));
    const [net, sta, loc, b, s, ss] = sid.replace(/^FDSN:/, "").split("_");
    const startUs = ms * 1000 + ns / 1000;
    out.push({ bytes: bytes.subarray(p, p + len), id: `${net}.${sta}.${loc}.${b}${s}${ss}`, startUs, endUs: startUs + (count / rate) * 1e6 });
    p += len;
  }
  return out;
}

function readMiniseed2Records(bytes: Uint8Array, jsonPath: string): HeldRecord[] {
  const json = JSON.parse(readFileSync(jsonPath, "utf8")) as { records: { id: string; start: string; samprate: number; samplecnt: number; reclen: number }[] };
  const out: HeldRecord[] = [];
  let p = 0;
  for (const r of json.records) {
    const startUs = isoToUs(r.start);
    out.push({ bytes: bytes.subarray(p, p + r.reclen), id: r.id, startUs, endUs: startUs + (r.samplecnt / r.samprate) * 1e6 });
    p += r.reclen;
  }
  if (p !== bytes.length) throw new Error(`replay server: ${jsonPath} lists ${p} bytes of records, the file has ${bytes.length}`);
  return out;
}

// ---------- faults and log ----------

/** A fault injected into the next `times` matching requests (default once). */
export type Fault = { readonly service: "event" | "station" | "dataselect"; readonly times?: number; readonly match?: (req: LoggedRequest) => boolean } & (
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: string }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "truncate"; readonly keepBytes: number }
  | { readonly kind: "drop"; readonly keepBytes: number }
  | { readonly kind: "nodata" }
  | { readonly kind: "body"; readonly status: number; readonly payload: string }
);

/** What the server received and answered. */
export interface LoggedRequest {
  readonly service: string;
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  /** Bulk selection lines (POST), as received. */
  readonly lines: readonly string[];
  readonly timeMs: number;
  status?: number;
  fault?: string;
}

export interface ReplayServer {
  readonly baseUrl: string;
  readonly log: LoggedRequest[];
  readonly faults: Fault[];
  /** Resets the log (faults stay). */
  clearLog(): void;
  close(): Promise<void>;
}

const EVENT_PARAMS = new Set(["starttime", "endtime", "minlatitude", "maxlatitude", "minlongitude", "maxlongitude", "latitude", "longitude", "minradius", "maxradius", "mindepth", "maxdepth", "minmagnitude", "maxmagnitude", "format", "nodata", "eventid", "limit", "orderby", "includearrivals"]);
const STATION_PARAMS = new Set(["network", "station", "location", "channel", "starttime", "endtime", "level", "format", "nodata", "minlatitude", "maxlatitude", "minlongitude", "maxlongitude", "latitude", "longitude", "maxradius", "minradius"]);
const DATASELECT_PARAMS = new Set(["network", "station", "location", "channel", "starttime", "endtime", "nodata", "quality", "minimumlength", "longestonly"]);

class BadRequest extends Error {}

function globToRegExp(pattern: string): RegExp {
  const alts = pattern.split(",").map((p) => (p === "--" ? "" : p).replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, "."));
  return new RegExp(`^(?:${alts.join("|")})$`);
}

function numberParam(params: Record<string, string>, name: string): number | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(v)) throw new BadRequest(`${name}=${v} is not a number`);
  return Number(v);
}

function timeParam(params: Record<string, string>, name: string): number | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(v)) throw new BadRequest(`${name}=${v} is not an FDSN time (YYYY-MM-DDThh:mm:ss.ffffff)`);
  return isoToUs(v);
}

function greatCircleDeg(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return (2 * Math.asin(Math.min(1, Math.sqrt(a)))) / r;
}

/** Starts the server; `await server.close()` when done. */
export async function startReplayServer(holdings: Holdings): Promise<ReplayServer> {
  const eventSets = (holdings.events ?? []).map((h) => {
    const text = readFileSync(h.file, "latin1");
    return { holding: h, ...(h.format === "xml" ? readQuakeml(text) : readEventText(text)) };
  });
  const stationSets = (holdings.stations ?? []).map((h) => {
    const text = readFileSync(h.file, "latin1");
    return { text, channels: readStationXml(text) };
  });
  const records: HeldRecord[] = [];
  for (const w of holdings.waveforms ?? []) {
    const bytes = new Uint8Array(readFileSync(w.file));
    records.push(...(w.libmseedJson ? readMiniseed2Records(bytes, w.libmseedJson) : readMiniseed3Records(bytes)));
  }
  const log: LoggedRequest[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<import("node:net").Socket>();

  const answerEvents = (params: Record<string, string>): { status: number; body?: string } => {
    const format = params.format ?? "xml";
    const set = eventSets.find((s) => s.holding.format === format);
    if (!set) throw new BadRequest(`no recording in format ${format}`);
    const start = timeParam(params, "starttime") ?? -Infinity;
    const end = timeParam(params, "endtime") ?? Infinity;
    const rec = set.holding.recorded ?? {};
    if (start < (rec.startUs ?? -Infinity) || end > (rec.endUs ?? Infinity)) throw new BadRequest("the time window reaches outside the recorded query");
    const box = [numberParam(params, "minlatitude"), numberParam(params, "maxlatitude"), numberParam(params, "minlongitude"), numberParam(params, "maxlongitude")];
    const lat = numberParam(params, "latitude");
    const lon = numberParam(params, "longitude");
    const maxr = numberParam(params, "maxradius");
    if (rec.box) {
      // The region asked for must lie inside the recorded box (a circle by its bounding box).
      const region = maxr !== undefined && lat !== undefined && lon !== undefined
        ? [lat - maxr, lat + maxr, lon - maxr / Math.cos((lat * Math.PI) / 180), lon + maxr / Math.cos((lat * Math.PI) / 180)]
        : box;
      if (region.some((b) => b === undefined) || region[0]! < rec.box[0] || region[1]! > rec.box[1] || region[2]! < rec.box[2] || region[3]! > rec.box[3]) {
        throw new BadRequest("the region reaches outside the recorded query");
      }
    }
    const minMag = numberParam(params, "minmagnitude") ?? -Infinity;
    const maxMag = numberParam(params, "maxmagnitude") ?? Infinity;
    const minDep = numberParam(params, "mindepth") ?? -Infinity;
    const maxDep = numberParam(params, "maxdepth") ?? Infinity;
    const picked = set.events.filter((e) =>
      e.timeUs >= start && e.timeUs <= end &&
      (box[0] === undefined || (e.lat >= box[0] && e.lat <= box[1]! && e.lon >= box[2]! && e.lon <= box[3]!)) &&
      (maxr === undefined || greatCircleDeg(lat!, lon!, e.lat, e.lon) <= maxr) &&
      (minMag === -Infinity || e.mag >= minMag) && (maxMag === Infinity || e.mag <= maxMag) &&
      (minDep === -Infinity || e.depthKm >= minDep) && (maxDep === Infinity || e.depthKm <= maxDep));
    if (picked.length === 0) return { status: 204 };
    return { status: 200, body: set.head + picked.map((e) => e.block).join("\n") + set.tail };
  };

  const answerStations = (params: Record<string, string>): { status: number; body?: string } => {
    if ((params.format ?? "xml") !== "xml") throw new BadRequest("only format=xml is recorded");
    if (!["response", "channel"].includes(params.level ?? "station")) throw new BadRequest(`level=${params.level ?? "station"} is not recorded (response, channel)`);
    const net = globToRegExp(params.network ?? "*");
    const sta = globToRegExp(params.station ?? "*");
    const loc = globToRegExp(params.location ?? "*");
    const cha = globToRegExp(params.channel ?? "*");
    const start = timeParam(params, "starttime") ?? -Infinity;
    const end = timeParam(params, "endtime") ?? Infinity;
    for (const set of stationSets) {
      const keep = set.channels.filter((c) => net.test(c.net) && sta.test(c.sta) && loc.test(c.loc) && cha.test(c.cha) && c.startUs <= end && c.endUs >= start);
      if (keep.length === 0) continue;
      // Prune to the matching channels, as a service does.
      let text = set.text.replace(/<Channel\s([^>]*)>[\s\S]*?<\/Channel>\s*/g, (block, attrs: string) => {
        const code = /\bcode="([^"]*)"/.exec(attrs)![1]!;
        const l = /\blocationCode="([^"]*)"/.exec(attrs)?.[1] ?? "";
        const s = /\bstartDate="([^"]*)"/.exec(attrs)?.[1];
        return keep.some((c) => c.cha === code && c.loc === l && (s === undefined || c.startUs === isoToUs(s))) ? block : "";
      });
      text = text.replace(/<Station\s[^>]*>[\s\S]*?<\/Station>\s*/g, (block) => (/<Channel\s/.test(block) ? block : ""));
      return { status: 200, body: text };
    }
    return { status: 204 };
  };

  const answerWaveforms = (lines: string[]): { status: number; body?: Uint8Array } => {
    const picked = new Set<HeldRecord>();
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f.length !== 6) throw new BadRequest(`selection line "${line}" has ${f.length} fields, expected 6`);
      const [net, sta, loc, cha, s, e] = f as [string, string, string, string, string, string];
      const start = timeParam({ t: s }, "t")!;
      const end = timeParam({ t: e }, "t")!;
      if (end <= start) throw new BadRequest(`selection line "${line}": end before start`);
      const id = `${net}.${sta}.${loc === "--" ? "" : loc}.${cha}`;
      for (const r of records) if (r.id === id && r.startUs < end && r.endUs > start) picked.add(r);
    }
    const list = records.filter((r) => picked.has(r));
    if (list.length === 0) return { status: 204 };
    const total = list.reduce((a, r) => a + r.bytes.length, 0);
    const body = new Uint8Array(total);
    let p = 0;
    for (const r of list) {
      body.set(r.bytes, p);
      p += r.bytes.length;
    }
    return { status: 200, body };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const m = /^\/fdsnws\/(event|station|dataselect)\/1\/query$/.exec(url.pathname);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    const lines: string[] = [];
    if (req.method === "POST") {
      for (const raw of body.split(/\r?\n/)) {
        const l = raw.trim();
        if (l === "") continue;
        const kv = /^(\w+)=(.*)$/.exec(l);
        if (kv) params[kv[1]!] = kv[2]!;
        else lines.push(l);
      }
    }
    const entry: LoggedRequest = { service: m?.[1] ?? url.pathname, method: req.method ?? "", params, lines, timeMs: Date.now() };
    log.push(entry);
    const send = (status: number, payload?: string | Uint8Array, headers: Record<string, string> = {}): void => {
      entry.status = status;
      const bytes = payload === undefined ? undefined : typeof payload === "string" ? Buffer.from(payload, "latin1") : Buffer.from(payload);
      res.writeHead(status, { ...(bytes ? { "Content-Length": String(bytes.length) } : {}), ...headers });
      res.end(bytes);
    };
    if (!m) return send(404, "not an FDSN service path", { "Content-Type": "text/plain" });
    const service = m[1] as "event" | "station" | "dataselect";
    const fi = faults.findIndex((f) => f.service === service && (!f.match || f.match(entry)));
    const fault = fi >= 0 ? faults[fi] : undefined;
    if (fault) {
      const left = (fault.times ?? 1) - 1;
      if (left <= 0) faults.splice(fi, 1);
      else faults[fi] = { ...fault, times: left };
      entry.fault = fault.kind;
      if (fault.kind === "status") return send(fault.status, `Error ${fault.status}: injected`, { "Content-Type": "text/plain", ...(fault.retryAfter ? { "Retry-After": fault.retryAfter } : {}) });
      if (fault.kind === "nodata") return send(204);
      if (fault.kind === "body") return send(fault.status, fault.payload, { "Content-Type": "text/html" });
      if (fault.kind === "delay") {
        await new Promise((r) => setTimeout(r, fault.ms));
        if (res.destroyed || req.destroyed) return;
      }
    }
    try {
      const allowed = service === "event" ? EVENT_PARAMS : service === "station" ? STATION_PARAMS : DATASELECT_PARAMS;
      for (const k of Object.keys(params)) if (!allowed.has(k)) throw new BadRequest(`unknown parameter ${k}`);
      const nodata = params.nodata === "404" ? 404 : 204;
      if (service === "dataselect") {
        if (req.method === "GET") {
          for (const k of ["network", "station", "location", "channel", "starttime", "endtime"]) if (!params[k]) throw new BadRequest(`missing ${k}`);
          lines.push(`${params.network} ${params.station} ${params.location} ${params.channel} ${params.starttime} ${params.endtime}`);
        }
        const a = answerWaveforms(lines);
        if (a.status === 204) return send(nodata);
        let payload = a.body!;
        if (fault?.kind === "truncate") payload = payload.subarray(0, fault.keepBytes);
        if (fault?.kind === "drop") {
          entry.status = 200;
          res.writeHead(200, { "Content-Length": String(payload.length), "Content-Type": "application/vnd.fdsn.mseed" });
          res.write(Buffer.from(payload.subarray(0, fault.keepBytes)));
          setTimeout(() => res.destroy(), 5);
          return;
        }
        return send(200, payload, { "Content-Type": "application/vnd.fdsn.mseed" });
      }
      if (req.method !== "GET") throw new BadRequest(`${service} takes GET`);
      const a = service === "event" ? answerEvents(params) : answerStations(params);
      if (a.status === 204) return send(nodata);
      return send(200, a.body!, { "Content-Type": "application/xml" });
    } catch (err) {
      if (err instanceof BadRequest) return send(400, `Error 400: Bad Request\n${err.message}`, { "Content-Type": "text/plain" });
      throw err;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    log,
    faults,
    clearLog: () => void log.splice(0, log.length),
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
