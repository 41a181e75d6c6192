// SAC pole–zero files (`*.sacpz`, `SAC_PZs_*`, rdseed/IRIS and GeoNet styles) → ChannelMetadata with a
// one-stage InstrumentResponse: CONSTANT·Π(s − z)/Π(s − p), s = 2πif, exactly what SAC's `transfer` uses.
// ZEROS n lists only the non-zero zeros; the others are at the origin. Input units are displacement
// ("INPUT UNIT" comment, default metres as rdseed writes them), output counts.
import { FormatError } from "../core/errors.js";
import type { ChannelMetadata } from "../core/response.js";
import { parseTimeNs } from "../core/time.js";

type Header = Map<string, string>;

// Header keys of the two comment styles, mapped to one name: "* NETWORK   (KNETWK): CC" and "* NETWORK      NZ".
const KEYS: readonly (readonly [string, string])[] = [
  ["NETWORK", "network"], ["STATION", "station"], ["LOCATION", "location"], ["CHANNEL", "channel"], ["COMPONENT", "channel"],
  ["START", "start"], ["EFFECTIVE", "start"], ["END", "end"], ["ENDDATE", "end"],
  ["LATITUDE", "latitude"], ["LAT-SEED", "latitude"], ["LONGITUDE", "longitude"], ["LONG-SEED", "longitude"],
  ["ELEVATION", "elevation"], ["ELEV-SEED", "elevation"], ["DEPTH", "depth"], ["DIP", "dip"], ["DIP (SEED)", "dip"], ["AZIMUTH", "azimuth"],
  ["SAMPLE RATE", "rate"], ["RATE (HZ)", "rate"], ["INPUT UNIT", "input"], ["OUTPUT UNIT", "output"],
];
const KEY_BY_NAME = new Map(KEYS);
const KEYS_LONGEST_FIRST = [...KEYS].sort((a, b) => b[0].length - a[0].length);

interface Block {
  header: Header;
  zeroCount?: number;
  poleCount?: number;
  zeros: [number, number][];
  poles: [number, number][];
  constant?: number;
  reading?: "zeros" | "poles";
  hasKeyword: boolean;
}

const newBlock = (): Block => ({ header: new Map(), zeros: [], poles: [], hasKeyword: false });

/**
 * Parses a SAC pole–zero file (one or several channels).
 * @param input file text (or bytes, read as latin1)
 * @param source file name, named in errors
 * @returns one ChannelMetadata per pole–zero block, codes and coordinates from the comment header when present
 *   ("" otherwise); the response has one "poles-zeros" stage (LAPLACE rad/s, normalisation factor = CONSTANT,
 *   stage gain 1, input units from "INPUT UNIT", default "M", output "COUNTS")
 * @throws FormatError naming the line for an unknown line, a malformed number, or more listed roots than announced
 * @example parseSacPz(readFileSync("hrv.bhe.sacpz", "latin1"))[0].response.stages[0] // 3 zeros at 0, 3 poles
 */
export function parseSacPz(input: string | Uint8Array, source = "SACPZ"): ChannelMetadata[] {
  const text = typeof input === "string" ? input : new TextDecoder("latin1").decode(input);
  const lines = text.split(/\r?\n/);
  const blocks: Block[] = [];
  let cur = newBlock();
  const finish = (): void => {
    if (cur.hasKeyword) blocks.push(cur);
    cur = newBlock();
  };
  for (let li = 0; li < lines.length; li++) {
    const where = `${source}: line ${li + 1}`;
    const line = lines[li]!.trim();
    if (line === "") continue;
    if (line.startsWith("*")) {
      const kv = headerEntry(line.slice(1).trim());
      if (kv) {
        if (cur.hasKeyword) finish();
        cur.header.set(kv[0], kv[1]);
      }
      continue;
    }
    const tokens = line.split(/\s+/);
    const keyword = tokens[0]!.toUpperCase();
    if (keyword === "ZEROS" || keyword === "POLES" || keyword === "CONSTANT") {
      const seen = keyword === "ZEROS" ? cur.zeroCount !== undefined : keyword === "POLES" ? cur.poleCount !== undefined : cur.constant !== undefined;
      if (seen) finish();
      cur.hasKeyword = true;
      const value = number(tokens[1], `${where}: ${keyword}`, source);
      if (keyword === "CONSTANT") { cur.constant = value; cur.reading = undefined; continue; }
      if (!Number.isInteger(value) || value < 0) throw new FormatError(`${where}: ${keyword} count must be an integer ≥ 0, got ${tokens[1]}`, { file: source, record: li + 1 });
      if (keyword === "ZEROS") { cur.zeroCount = value; cur.reading = "zeros"; } else { cur.poleCount = value; cur.reading = "poles"; }
      continue;
    }
    if (!cur.reading) throw new FormatError(`${where}: unexpected line "${line}" (expected ZEROS, POLES, CONSTANT, a root or a "*" comment)`, { file: source, record: li + 1 });
    const root: [number, number] = [number(tokens[0], `${where}: real part`, source), number(tokens[1], `${where}: imaginary part`, source)];
    const target = cur.reading === "zeros" ? cur.zeros : cur.poles;
    const count = cur.reading === "zeros" ? cur.zeroCount! : cur.poleCount!;
    if (target.length >= count) throw new FormatError(`${where}: more ${cur.reading} listed than the ${count} announced`, { file: source, record: li + 1 });
    target.push(root);
  }
  finish();
  return blocks.map((b) => toChannel(b, source));
}

function headerEntry(body: string): [string, string] | undefined {
  // rdseed/IRIS style: KEY [(KSACNAME)] : value
  const iris = /^([A-Z][A-Z \-]*?(?:\s*\((?:SEED|HZ)\))?)\s*(?:\([A-Z0-9]+\))?\s*:\s*(.*)$/i.exec(body);
  if (iris) {
    const name = KEY_BY_NAME.get(iris[1]!.trim().toUpperCase().replace(/\s+/g, " "));
    return name ? [name, iris[2]!.trim()] : undefined;
  }
  // GeoNet style: KEY value
  const upper = body.toUpperCase();
  for (const [key, name] of KEYS_LONGEST_FIRST) {
    if (upper.startsWith(key) && (body.length === key.length || /\s/.test(body[key.length]!))) return [name, body.slice(key.length).trim()];
  }
  return undefined;
}

function number(t: string | undefined, where: string, file: string): number {
  const x = t === undefined ? NaN : Number(t);
  if (!Number.isFinite(x)) throw new FormatError(`${where}: "${t ?? ""}" is not a number`, { file });
  return x;
}

function toChannel(b: Block, file: string): ChannelMetadata {
  const h = b.header;
  const zeros: (readonly [number, number])[] = [...b.zeros];
  while (zeros.length < (b.zeroCount ?? 0)) zeros.push([0, 0]);
  const poles: (readonly [number, number])[] = [...b.poles];
  while (poles.length < (b.poleCount ?? 0)) poles.push([0, 0]);
  const m: { -readonly [K in keyof ChannelMetadata]: ChannelMetadata[K] } = {
    network: h.get("network") ?? "",
    station: h.get("station") ?? "",
    location: normaliseLocation(h.get("location") ?? ""),
    channel: h.get("channel") ?? "",
    response: {
      stages: [{
        kind: "poles-zeros",
        transfer: "laplace-rad",
        normalizationFactor: b.constant ?? 1,
        normalizationFrequencyHz: 0,
        zeros,
        poles,
        gain: 1,
        gainFrequencyHz: 0,
        inputUnits: (h.get("input") ?? "M").split(/\s+/)[0]!,
        outputUnits: (h.get("output") ?? "COUNTS").split(/\s+/)[0]!,
      }],
    },
  };
  const where = `${file}: ${m.network}.${m.station}.${m.location}.${m.channel}`;
  const t = (key: string): bigint | undefined => {
    const v = h.get(key);
    if (v === undefined || v === "") return undefined;
    try {
      return parseTimeNs(v.replace(/\//g, "-"), `${where} ${key}`);
    } catch (err) {
      throw new FormatError(`${where}: ${key} time "${v}" cannot be parsed`, { file, cause: err });
    }
  };
  const start = t("start"), end = t("end");
  if (start !== undefined) m.startNs = start;
  if (end !== undefined) m.endNs = end;
  const n = (key: string): number | undefined => {
    const v = h.get(key);
    if (v === undefined || v === "") return undefined;
    const x = Number(v.split(/\s+/)[0]);
    return Number.isFinite(x) ? x : undefined;
  };
  const set = (key: "latitude" | "longitude" | "elevationM" | "depthM" | "dipDeg" | "azimuthDeg" | "sampleRateHz", name: string): void => {
    const x = n(name);
    if (x !== undefined) m[key] = x;
  };
  set("latitude", "latitude");
  set("longitude", "longitude");
  set("elevationM", "elevation");
  set("depthM", "depth");
  set("dipDeg", "dip");
  set("azimuthDeg", "azimuth");
  set("sampleRateHz", "rate");
  return m;
}

function normaliseLocation(s: string): string {
  const t = s.trim();
  return t === "--" ? "" : t;
}
