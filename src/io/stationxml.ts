// FDSN StationXML 1.x / 2.0 → ChannelMetadata[] with instrument responses (poles–zeros, coefficients, FIR,
// response lists, gain-only stages), parsed with fast-xml-parser. Namespace prefixes are ignored, so
// documents with a prefixed default namespace read the same; vendor extensions outside Channel are skipped.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { FormatError } from "../core/errors.js";
import type { ChannelMetadata, InstrumentResponse, ResponseStage } from "../core/response.js";
import { parseTimeNs } from "../core/time.js";

const ARRAYS = new Set(["Network", "Station", "Channel", "Stage", "Zero", "Pole", "Numerator", "Denominator", "NumeratorCoefficient", "ResponseListElement", "Coefficient"]);

type Node = Record<string, unknown>;

/** Decodes bytes with the encoding the XML declaration names (UTF-8 by default; ISO-8859-1/latin1 supported). */
export function decodeXml(bytes: Uint8Array): string {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const m = /encoding\s*=\s*["']([^"']+)["']/i.exec(head);
  const enc = m ? m[1]!.toLowerCase() : "utf-8";
  const label = /^(iso-8859-1|latin-?1|windows-1252|us-ascii|ascii)$/.test(enc) ? "latin1" : "utf-8";
  return new TextDecoder(label).decode(bytes);
}

/**
 * Parses a StationXML document into one ChannelMetadata per channel epoch, with its response.
 * @param input the document (string, or bytes decoded per its XML declaration)
 * @param source file name or URL, named in errors
 * @returns channels in document order (an inventory without channels gives [])
 * @throws FormatError for malformed XML, a root other than FDSNStationXML, or a malformed number, time or
 *   transfer-function type (naming the element)
 * @example parseStationXml(readFileSync("IU_ANMO_BH.xml"), "IU_ANMO_BH.xml")[0].response?.stages.length
 */
export function parseStationXml(input: string | Uint8Array, source = "StationXML"): ChannelMetadata[] {
  const text = typeof input === "string" ? input : decodeXml(input);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new FormatError(`${source}: line ${valid.err.line}, column ${valid.err.col}: malformed XML (${valid.err.msg})`, { file: source });
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => ARRAYS.has(name),
  });
  let doc: Node;
  try {
    doc = parser.parse(text) as Node;
  } catch (err) {
    throw new FormatError(`${source}: malformed XML (${String(err)})`, { file: source, cause: err });
  }
  const root = doc["FDSNStationXML"];
  if (root === undefined || typeof root !== "object" || root === null) {
    const names = Object.keys(doc).filter((k) => k !== "?xml");
    throw new FormatError(`${source}: not a StationXML document (expected root element FDSNStationXML, got ${names.join(", ") || "none"})`, { file: source });
  }
  const version = attr(root as Node, "schemaVersion");
  if (version !== undefined && !/^[123](\.\d+)*$/.test(version)) {
    throw new FormatError(`${source}: unsupported StationXML schemaVersion "${version}" (expected 1.x or 2.x)`, { file: source, field: "schemaVersion" });
  }
  const out: ChannelMetadata[] = [];
  for (const net of list((root as Node)["Network"])) {
    const network = attr(net, "code") ?? "";
    for (const sta of list(net["Station"])) {
      const station = attr(sta, "code") ?? "";
      for (const cha of list(sta["Channel"])) {
        const code = attr(cha, "code");
        if (code === undefined) continue; // an empty <Channel/> element carries nothing to keep
        const where = `${source}: ${network}.${station}.${attr(cha, "locationCode") ?? ""}.${code}`;
        out.push(parseChannel(cha, network, station, code, where, source));
      }
    }
  }
  return out;
}

function parseChannel(cha: Node, network: string, station: string, code: string, where: string, file: string): ChannelMetadata {
  const loc = (attr(cha, "locationCode") ?? "").trim();
  const start = attr(cha, "startDate");
  const end = attr(cha, "endDate");
  const m: {
    -readonly [K in keyof ChannelMetadata]: ChannelMetadata[K];
  } = { network, station, location: loc === "--" ? "" : loc, channel: code };
  if (start !== undefined) m.startNs = time(start, `${where} startDate`, file);
  if (end !== undefined) m.endNs = time(end, `${where} endDate`, file);
  const setNum = (key: "latitude" | "longitude" | "elevationM" | "depthM" | "azimuthDeg" | "dipDeg" | "sampleRateHz", el: string): void => {
    const v = cha[el];
    if (v !== undefined && text(v) !== "") m[key] = num(v, `${where} ${el}`, file);
  };
  setNum("latitude", "Latitude");
  setNum("longitude", "Longitude");
  setNum("elevationM", "Elevation");
  setNum("depthM", "Depth");
  setNum("azimuthDeg", "Azimuth");
  setNum("dipDeg", "Dip");
  setNum("sampleRateHz", "SampleRate");
  const resp = cha["Response"];
  if (resp !== undefined && typeof resp === "object" && resp !== null) m.response = parseResponse(resp as Node, `${where} Response`, file);
  return m;
}

function parseResponse(resp: Node, where: string, file: string): InstrumentResponse {
  let sensitivity: InstrumentResponse["sensitivity"];
  const sens = obj(resp["InstrumentSensitivity"]);
  if (sens && sens["Value"] !== undefined) {
    sensitivity = {
      value: num(sens["Value"], `${where} InstrumentSensitivity/Value`, file),
      frequencyHz: sens["Frequency"] !== undefined ? num(sens["Frequency"], `${where} InstrumentSensitivity/Frequency`, file) : 0,
      inputUnits: units(sens["InputUnits"]),
      outputUnits: units(sens["OutputUnits"]),
    };
  }
  const stages: ResponseStage[] = [];
  let previousOutput = sensitivity?.inputUnits ?? "";
  for (const st of list(resp["Stage"])) {
    const sw = `${where} Stage ${attr(st, "number") ?? stages.length + 1}`;
    const stage = parseStage(st, sw, file, previousOutput);
    previousOutput = stage.outputUnits;
    stages.push(stage);
  }
  return sensitivity ? { stages, sensitivity } : { stages };
}

function parseStage(st: Node, where: string, file: string, previousOutput: string): ResponseStage {
  const gainNode = obj(st["StageGain"]) ?? obj(st["StageSensitivity"]);
  const gainValue = gainNode?.["Value"] ?? gainNode?.["SensitivityValue"];
  const gain = gainValue !== undefined ? num(gainValue, `${where} StageGain/Value`, file) : 1;
  const gainFrequencyHz = gainNode?.["Frequency"] !== undefined ? num(gainNode["Frequency"], `${where} StageGain/Frequency`, file) : 0;
  const dec = obj(st["Decimation"]);
  const decimation: { inputSampleRateHz?: number; decimationFactor?: number; delaySeconds?: number; correctionSeconds?: number } = {};
  if (dec) {
    if (dec["InputSampleRate"] !== undefined) decimation.inputSampleRateHz = num(dec["InputSampleRate"], `${where} Decimation/InputSampleRate`, file);
    if (dec["Factor"] !== undefined) decimation.decimationFactor = num(dec["Factor"], `${where} Decimation/Factor`, file);
    if (dec["Delay"] !== undefined) decimation.delaySeconds = num(dec["Delay"], `${where} Decimation/Delay`, file);
    if (dec["Correction"] !== undefined) decimation.correctionSeconds = num(dec["Correction"], `${where} Decimation/Correction`, file);
  }
  const pz = obj(st["PolesZeros"]);
  if (pz) {
    const type = text(pz["PzTransferFunctionType"]).toUpperCase();
    const transfer = type.startsWith("LAPLACE (RADIANS") ? "laplace-rad" : type.startsWith("LAPLACE (HERTZ") ? "laplace-hz" : type.startsWith("DIGITAL") ? "digital" : undefined;
    if (!transfer) throw new FormatError(`${where}: PzTransferFunctionType "${type}" is not LAPLACE (RADIANS/SECOND), LAPLACE (HERTZ) or DIGITAL (Z-TRANSFORM)`, { file, field: "PzTransferFunctionType" });
    const roots = (key: "Zero" | "Pole"): (readonly [number, number])[] =>
      list(pz[key]).map((z, i) => [num(z["Real"], `${where} ${key} ${i} Real`, file), num(z["Imaginary"], `${where} ${key} ${i} Imaginary`, file)] as const);
    const stage: ResponseStage & { inputSampleRateHz?: number } = {
      kind: "poles-zeros",
      transfer,
      normalizationFactor: pz["NormalizationFactor"] !== undefined ? num(pz["NormalizationFactor"], `${where} NormalizationFactor`, file) : 1,
      normalizationFrequencyHz: pz["NormalizationFrequency"] !== undefined ? num(pz["NormalizationFrequency"], `${where} NormalizationFrequency`, file) : 0,
      zeros: roots("Zero"),
      poles: roots("Pole"),
      gain,
      gainFrequencyHz,
      inputUnits: units(pz["InputUnits"]),
      outputUnits: units(pz["OutputUnits"]),
    };
    // A DIGITAL poles–zeros stage is evaluated on e^{2πif/fs}: keep the stage's input rate with it.
    if (decimation.inputSampleRateHz !== undefined) stage.inputSampleRateHz = decimation.inputSampleRateHz;
    return stage;
  }
  const cf = obj(st["Coefficients"]);
  if (cf) {
    return {
      kind: "coefficients",
      numerators: list(cf["Numerator"], true).map((v, i) => num(v, `${where} Numerator ${i}`, file)),
      denominators: list(cf["Denominator"], true).map((v, i) => num(v, `${where} Denominator ${i}`, file)),
      ...decimation,
      gain,
      gainFrequencyHz,
      inputUnits: units(cf["InputUnits"]),
      outputUnits: units(cf["OutputUnits"]),
    };
  }
  const fir = obj(st["FIR"]);
  if (fir) {
    const sym = text(fir["Symmetry"]).toUpperCase() || "NONE";
    if (sym !== "NONE" && sym !== "EVEN" && sym !== "ODD") throw new FormatError(`${where}: FIR Symmetry "${sym}" is not NONE, EVEN or ODD`, { file, field: "Symmetry" });
    return {
      kind: "fir",
      symmetry: sym,
      coefficients: list(fir["NumeratorCoefficient"], true).map((v, i) => num(v, `${where} NumeratorCoefficient ${i}`, file)),
      ...decimation,
      gain,
      gainFrequencyHz,
      inputUnits: units(fir["InputUnits"]),
      outputUnits: units(fir["OutputUnits"]),
    };
  }
  const rl = obj(st["ResponseList"]);
  if (rl) {
    const rows = list(rl["ResponseListElement"]).map((e, i) => [
      num(e["Frequency"], `${where} ResponseListElement ${i} Frequency`, file),
      num(e["Amplitude"], `${where} ResponseListElement ${i} Amplitude`, file),
      num(e["Phase"], `${where} ResponseListElement ${i} Phase`, file),
    ] as const);
    rows.sort((a, b) => a[0] - b[0]);
    return {
      kind: "list",
      frequenciesHz: rows.map((r) => r[0]),
      amplitudes: rows.map((r) => r[1]),
      phasesDeg: rows.map((r) => r[2]),
      gain,
      gainFrequencyHz,
      inputUnits: units(rl["InputUnits"]),
      outputUnits: units(rl["OutputUnits"]),
    };
  }
  // Polynomial stages (non-linear sensors) and stages with only a gain keep their gain and units.
  const poly = obj(st["Polynomial"]);
  const inputUnits = poly ? units(poly["InputUnits"]) : previousOutput;
  const outputUnits = poly ? units(poly["OutputUnits"]) : previousOutput;
  return { kind: "gain", gain, gainFrequencyHz, inputUnits, outputUnits };
}

function list(v: unknown, keepScalars = false): Node[] {
  if (v === undefined || v === null) return [];
  const arr = Array.isArray(v) ? v : [v];
  if (keepScalars) return arr as Node[];
  return arr.filter((x) => typeof x === "object" && x !== null) as Node[];
}

function obj(v: unknown): Node | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === "object" && first !== null ? (first as Node) : undefined;
}

function attr(n: Node, name: string): string | undefined {
  const v = n[`@_${name}`];
  return v === undefined ? undefined : String(v);
}

function text(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "object") return text((v as Node)["#text"]);
  return String(v).trim();
}

function num(v: unknown, where: string, file: string): number {
  const t = text(v);
  const x = t === "" ? NaN : Number(t);
  if (!Number.isFinite(x)) throw new FormatError(`${where}: "${t}" is not a number`, { file });
  return x;
}

function units(v: unknown): string {
  return typeof v === "object" && v !== null ? text((v as Node)["Name"]) : text(v);
}

function time(t: string, where: string, file: string): bigint {
  try {
    return parseTimeNs(t, where);
  } catch (err) {
    throw new FormatError(`${where}: cannot parse time "${t}"`, { file, cause: err });
  }
}
