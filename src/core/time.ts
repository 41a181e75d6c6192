import { DataError } from "./errors.js";

/** ns since epoch → ISO 8601 with microseconds and "Z", e.g. 2016-10-13T04:05:06.123456Z. */
export function formatIsoNs(ns: bigint): string {
  // Floor to whole microseconds, then split into whole seconds and the microseconds within them.
  let us = ns / 1000n;
  if (ns < 0n && us * 1000n !== ns) us -= 1n;
  let sec = us / 1_000_000n;
  let remUs = us - sec * 1_000_000n;
  if (remUs < 0n) {
    remUs += 1_000_000n;
    sec -= 1n;
  }
  const base = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  return `${base}.${remUs.toString().padStart(6, "0")}Z`;
}

/**
 * Parses ISO-8601-like UTC times: "2016-10-13T04:05:06.123456Z", "2016-10-13 04:05:06.1",
 * "2016-10-13", "2016-287T04:05:06" (day of year). No zone or "Z" means UTC; "+hh:mm" offsets are applied.
 */
export function parseTimeNs(text: string, where = "time"): bigint {
  const s = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  const j = m ? null : /^(\d{4})[-,.](\d{3})(?:[T ,](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?Z?$/i.exec(s);
  if (!m && !j) throw new DataError(`${where}: cannot parse time "${text}" (expected ISO 8601, e.g. 2016-10-13T04:05:06.5Z)`);
  let ms: number;
  let frac: string | undefined;
  let offsetMin = 0;
  if (m) {
    const [, y, mo, d, h, mi, se, f, zone] = m;
    ms = Date.UTC(+y!, +mo! - 1, +d!, +(h ?? 0), +(mi ?? 0), +(se ?? 0));
    const check = new Date(ms);
    if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +(h ?? 0) > 23 || +(mi ?? 0) > 59 || +(se ?? 0) > 60) {
      throw new DataError(`${where}: invalid date/time "${text}"`);
    }
    frac = f;
    if (zone && zone.toUpperCase() !== "Z") {
      const sign = zone[0] === "-" ? -1 : 1;
      const digits = zone.slice(1).replace(":", "");
      offsetMin = sign * (+digits.slice(0, 2) * 60 + +digits.slice(2, 4));
    }
  } else {
    const [, y, doy, h, mi, se, f] = j!;
    ms = Date.UTC(+y!, 0, 1, +(h ?? 0), +(mi ?? 0), +(se ?? 0)) + (+doy! - 1) * 86400000;
    frac = f;
  }
  let ns = BigInt(ms - offsetMin * 60000) * 1_000_000n;
  if (frac) ns += BigInt(frac.slice(0, 9).padEnd(9, "0"));
  return ns;
}
