// hypoDD phase files (ph2dt input, hypoDD user guide §3.1):
//   # YR MO DY HR MN SC LAT LON DEP MAG EH EZ RMS ID     one line per event, then its picks:
//   STA TT WGHT PHA                                      travel time (s after the origin), weight, phase
import type { CatalogEvent, CatalogResult, Pick } from "../core/catalog.js";
import { FormatError } from "../core/errors.js";

/**
 * Parses a hypoDD phase file; pick times are origin + travel time.
 * @throws FormatError naming the file, line and field.
 * @example
 * const { events } = parseHypoddPhases(text, "phase.dat"); // events[0].picks[0] = { station, phase, timeNs, weight }
 */
export function parseHypoddPhases(text: string, source: string): CatalogResult {
  const events: CatalogEvent[] = [];
  let current: { event: CatalogEvent; picks: Pick[] } | undefined;
  const flush = () => { if (current) events.push({ ...current.event, picks: current.picks }); };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const num = (cell: string | undefined, field: string): number => {
      const x = Number(cell);
      if (cell === undefined || !Number.isFinite(x)) {
        throw new FormatError(`${source}: line ${i + 1}: ${field} "${cell ?? ""}" is not a number`, { file: source, record: i + 1, field });
      }
      return x;
    };
    if (line.startsWith("#")) {
      flush();
      const c = line.slice(1).trim().split(/\s+/);
      if (c.length < 14) throw new FormatError(`${source}: line ${i + 1}: event line has ${c.length} fields (expected 14: YR MO DY HR MN SC LAT LON DEP MAG EH EZ RMS ID)`, { file: source, record: i + 1 });
      const [yr, mo, dy, hr, mn, sc, lat, lon, dep, mag] = ["year", "month", "day", "hour", "minute", "second", "latitude", "longitude", "depth", "magnitude", "eh", "ez", "rms"].map((f, k) => num(c[k], f)) as number[];
      const whole = Math.floor(sc!);
      const ms = Date.UTC(yr!, mo! - 1, dy!, hr!, mn!, whole);
      if (!Number.isFinite(ms) || mo! < 1 || mo! > 12 || dy! < 1 || dy! > 31) throw new FormatError(`${source}: line ${i + 1}: invalid date ${yr}-${mo}-${dy}`, { file: source, record: i + 1, field: "date" });
      const originNs = BigInt(ms) * 1_000_000n + BigInt(Math.round((sc! - whole) * 1e9));
      current = {
        event: { eventId: c[13]!, originNs, latitude: lat!, longitude: lon!, depthKm: dep!, magnitude: mag!, extra: { eh: c[10]!, ez: c[11]!, rms: c[12]! } },
        picks: [],
      };
      return;
    }
    if (!current) throw new FormatError(`${source}: line ${i + 1}: pick line before the first "#" event line`, { file: source, record: i + 1 });
    const c = line.split(/\s+/);
    if (c.length < 4) throw new FormatError(`${source}: line ${i + 1}: pick line has ${c.length} fields (expected STA TT WGHT PHA)`, { file: source, record: i + 1 });
    const tt = num(c[1], "travel time");
    const weight = num(c[2], "weight");
    current.picks.push({ station: c[0]!, phase: c[3]!, timeNs: current.event.originNs! + BigInt(Math.round(tt * 1e9)), weight });
  });
  flush();
  return { events, mappedColumns: { "#ID": "eventId", "#YR MO DY HR MN SC": "originNs", "#LAT": "latitude", "#LON": "longitude", "#DEP": "depthKm", "#MAG": "magnitude", "STA TT WGHT PHA": "picks" }, warnings: [] };
}
