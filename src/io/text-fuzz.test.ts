// Fuzzing of the metadata and catalogue readers (STYLE.md §6, as waveform-fuzz.test.ts does for the
// waveform readers): truncations and seeded random byte flips must end in a FormatError/DataError that
// names the source, or in a result; never a TypeError/RangeError or a hang. An XML document cut before
// its end is never accepted (that would be a silent loss).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DataError, FormatError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { sharedPath } from "../../test-support/shared.js";
import { parseCsvCatalog } from "./csv-catalog.js";
import { parseFdsnEventText, parseFdsnStationText, parseZmap } from "./fdsn-text.js";
import { parseHypoddPhases } from "./hypodd.js";
import { parseQuakeml } from "./quakeml.js";
import { parseSacPz } from "./sacpz.js";
import { decodeXml, parseStationXml } from "./stationxml.js";

type Parse = (bytes: Uint8Array, source: string) => unknown;
interface Tally { errors: number; results: number }

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const READERS: [string, string, Parse][] = [
  ["SAC pole-zero", "data/fixtures-sac/seisplotjs-filter-reference/hrv.bhe.sacpz", (b, s) => parseSacPz(b, s)],
  ["SAC pole-zero (IRIS)", "data/fixtures-sac/obspy/SAC_PZs_NZ_CRLZ_HHZ", (b, s) => parseSacPz(b, s)],
  ["StationXML", "data/fixtures-stationxml/obspy-core-response/IU_ANMO_BH.xml", (b, s) => parseStationXml(b, s)],
  ["QuakeML", "data/seisplotjs-sc-event-dataset/dataset/catalog.quakeml", (b, s) => parseQuakeml(decodeXml(b), s)],
  ["FDSN event text", "data/fixtures-fdsn-text/event-text/fdsnws-event-text_obspy_events.txt", (b, s) => parseFdsnEventText(text(b), s)],
  ["FDSN station text", "data/fixtures-fdsn-text/station-text/channel_level_fdsn.txt", (b, s) => parseFdsnStationText(text(b), s)],
  ["ZMAP", "data/fixtures-fdsn-text/event-zmap/zmap_events.txt", (b, s) => parseZmap(text(b), s)],
  ["CSV catalogue", "data/ncedc-event-windows/catalog.csv", (b, s) => parseCsvCatalog(text(b), s)],
];

const HYPODD = `# 1985  1 24  2 19 58.71  37.8832 -122.2415   9.80 1.40  0.15  0.51  0.02     38542
NCCBW      0.100  1.000   P
NCCAI      0.190  1.000   P
NCCSP      2.720  0.500   S
# 1985  1 24  2 20  1.50  37.8830 -122.2410  10.10 1.10  0.20  0.60  0.03     38543
NCCBW      0.120  0.500   P
`;

const SYNTAX = "<>&\"',|#\n\t -.:0e/";

function attempt(parse: Parse, bytes: Uint8Array, label: string, tally: Tally): boolean {
  try {
    parse(bytes, label);
  } catch (e) {
    if (!(e instanceof FormatError || e instanceof DataError)) assert.fail(`${label}: threw ${(e as Error).name}: ${(e as Error).message}`);
    assert.ok(e.message.startsWith(label), `${label}: message does not name the source: ${e.message}`);
    tally.errors++;
    return false;
  }
  tally.results++;
  return true;
}

function fuzz(parse: Parse, original: Uint8Array, name: string, seed: number, isXml: boolean): Tally {
  parse(original, name); // the intact file reads
  const rng = new Rng(seed);
  const tally: Tally = { errors: 0, results: 0 };
  // XML: the end of the root element; cutting anywhere before it must fail.
  const rootEnd = isXml ? text(original).trimEnd().length : 0;
  for (let k = 0; k < 120; k++) {
    const len = k < 40 ? k : rng.integer(original.length);
    const ok = attempt(parse, original.subarray(0, len), `${name}[0:${len}]`, tally);
    if (isXml && len > 0 && len < rootEnd - 1) assert.equal(ok, false, `${name}[0:${len}]: a cut XML document was accepted`);
  }
  for (let k = 0; k < 200; k++) {
    const mutated = original.slice();
    const flips = 1 + rng.integer(6);
    for (let f = 0; f < flips; f++) {
      const at = rng.integer(original.length);
      // Half flip a bit, half put in a character that matters to the syntax.
      mutated[at] = k % 2 === 0 ? mutated[at]! ^ (1 << rng.integer(8)) : SYNTAX.charCodeAt(rng.integer(SYNTAX.length));
    }
    attempt(parse, mutated, `${name}#${k}`, tally);
  }
  return tally;
}

for (const [kind, file, parse] of READERS) {
  test(`${kind} fuzz: 120 truncations + 200 byte-flip cases → a named FormatError/DataError or a result, never a crash`, () => {
    const t = fuzz(parse, new Uint8Array(readFileSync(sharedPath(file))), file.split("/").pop()!, kind.length * 7919, /xml|quakeml/i.test(file));
    // The mutations reach the error paths.
    assert.ok(t.errors > 20, JSON.stringify(t));
  });
}

test("hypoDD phase fuzz: 120 truncations + 200 byte-flip cases → a named FormatError or a result, never a crash", () => {
  const t = fuzz((b, s) => parseHypoddPhases(text(b), s), new TextEncoder().encode(HYPODD), "phase.dat", 4242, false);
  assert.ok(t.errors > 20, JSON.stringify(t));
});
