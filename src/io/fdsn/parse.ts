// Service answers → library records, through the project's parsers (io/quakeml, io/fdsn-text,
// io/stationxml); this file only decodes the bytes and routes.
import type { CatalogResult } from "../../core/catalog.js";
import type { ChannelMetadata } from "../../core/response.js";
import { parseFdsnEventText } from "../fdsn-text.js";
import { parseQuakeml } from "../quakeml.js";
import { decodeXml, parseStationXml } from "../stationxml.js";

/**
 * An fdsnws-event answer as a catalogue: QuakeML ("xml") or the pipe-separated text format.
 * @throws FormatError naming `source` when the answer is not what the format says.
 */
export function parseEventResponse(bytes: Uint8Array, format: "xml" | "text", source: string): CatalogResult {
  return format === "xml" ? parseQuakeml(decodeXml(bytes), source) : parseFdsnEventText(new TextDecoder("utf-8").decode(bytes), source);
}

/** An fdsnws-station answer (StationXML) as channel epochs with responses. @throws FormatError naming `source`. */
export function parseStationResponse(bytes: Uint8Array, source: string): ChannelMetadata[] {
  return parseStationXml(bytes, source);
}
