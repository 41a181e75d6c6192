// Reads a catalogue file of any supported kind, detected from its content: QuakeML (XML), FDSN event text,
// hypoDD phase file, or CSV (FORMATS.md §4).
import { readFileSync } from "node:fs";
import type { CatalogResult } from "../core/catalog.js";
import { FormatError } from "../core/errors.js";
import { parseCsvCatalog } from "./csv-catalog.js";
import { parseFdsnEventText } from "./fdsn-text.js";
import { parseHypoddPhases } from "./hypodd.js";
import { parseQuakeml } from "./quakeml.js";
import { decodeXml } from "./stationxml.js";

/** The catalogue in `path` with its column mapping and warnings. @throws FormatError naming the file. */
export function readCatalogFile(path: string): CatalogResult {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new FormatError(`${path}: cannot read the catalogue (${(err as Error).message})`, { file: path, cause: err });
  }
  const text = new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
  const head = text.slice(0, 512).trimStart();
  if (head.startsWith("<")) return parseQuakeml(decodeXml(bytes), path);
  if (/^#\s*EventID\s*\|/i.test(head)) return parseFdsnEventText(text, path);
  if (/^#\s*\d{4}\s/.test(head)) return parseHypoddPhases(text, path);
  return parseCsvCatalog(text, path);
}
