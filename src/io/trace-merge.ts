// Merging of decoded records into continuous traces, as libmseed 2's mst_addmsrtogroup
// does with its default tolerances (time: half a sample period; rate: |1 − r1/r2| < 1e-4).
// Records are taken in file order; each joins the first trace of the same id that it
// extends at the end (or, failing that, at the start), else it starts a new trace.
// No healing pass: out-of-order records stay separate traces, as in libmseed's output.

/** One decoded record as the merger needs it. */
export interface MergeRecord {
  readonly network: string;
  readonly station: string;
  readonly location: string;
  readonly channel: string;
  /** Time of the first sample, ns since the epoch. */
  readonly startNs: bigint;
  readonly sampleRateHz: number;
  /** Samples the header announces (a record with 0 adds no time coverage). */
  readonly sampleCount: number;
  /** Decoded samples (`sampleCount` of them), null when the record has none. */
  readonly data: Float64Array | null;
  /** Text (ASCII) payload rather than samples. */
  readonly isText: boolean;
  /** miniSEED 2 activity flag bit 4: a positive leap second occurred in the record. */
  readonly hasLeapSecond?: boolean;
}

/** One merged trace: codes, start, rate, samples, plus what the merge saw. */
export interface MergedTrace {
  readonly network: string;
  readonly station: string;
  readonly location: string;
  readonly channel: string;
  readonly startNs: bigint;
  /** Time of the last sample, ns. */
  readonly endNs: bigint;
  readonly sampleRateHz: number;
  readonly data: Float64Array;
  readonly isText: boolean;
  readonly recordCount: number;
}

interface Building {
  readonly network: string;
  readonly station: string;
  readonly location: string;
  readonly channel: string;
  startTick: bigint;
  endTick: bigint;
  readonly sampleRateHz: number;
  readonly isText: boolean;
  readonly tail: Float64Array[];
  readonly head: Float64Array[];
  length: number;
  recordCount: number;
}

const RATE_TOLERANCE = 0.0001;

function ratesTolerable(a: number, b: number): boolean {
  return Math.abs(1 - a / b) < RATE_TOLERANCE;
}

/**
 * Merges records into traces with libmseed's default tolerances.
 * @param tickNs the time resolution of the format, in ns (1000 for miniSEED 2's
 *   microseconds, 1 for miniSEED 3's nanoseconds): libmseed rounds spans and
 *   tolerances to whole ticks, and so do we, so merge decisions match it exactly.
 */
export function mergeRecords(records: readonly MergeRecord[], tickNs: bigint): MergedTrace[] {
  const ticksPerSecond = 1e9 / Number(tickNs);
  const traces: Building[] = [];
  const byId = new Map<string, Building[]>();
  for (const r of records) {
    const rate = r.sampleRateHz;
    const startTick = r.startNs / tickNs;
    let span = 0;
    if (rate > 0 && r.sampleCount > 0) span = Math.trunc(((r.sampleCount - 1) / rate) * ticksPerSecond + 0.5);
    if (r.hasLeapSecond) span -= ticksPerSecond;
    // A denormal rate gives infinite spans: such a record stays a trace of its own.
    if (!Number.isFinite(span)) span = 0;
    const endTick = startTick + BigInt(span);
    const deltaTicks = rate ? Math.trunc(ticksPerSecond / rate) : 0;
    const delta = BigInt(Number.isFinite(deltaTicks) ? deltaTicks : 0);
    const tol = BigInt(Math.trunc(0.5 * Number(delta)));
    const ntol = tol !== 0n ? -tol : 0n;
    const id = `${r.network}.${r.station}.${r.location}.${r.channel}`;
    const candidates = byId.get(id);
    let found: Building | undefined;
    let atEnd = true;
    if (candidates) {
      for (const t of candidates) {
        const postgap = startTick - t.endTick - delta;
        const pregap = t.startTick - endTick - delta;
        if (postgap <= tol && postgap >= ntol) atEnd = true;
        else if (pregap <= tol && pregap >= ntol) atEnd = false;
        else continue;
        if (!ratesTolerable(rate, t.sampleRateHz)) continue;
        found = t;
        break;
      }
    }
    if (found) {
      // Records with no time coverage do not contribute to a trace (libmseed).
      if (r.sampleCount <= 0 || rate <= 0) continue;
      add(found, r, atEnd, startTick, endTick);
    } else {
      const t: Building = {
        network: r.network, station: r.station, location: r.location, channel: r.channel,
        startTick, endTick, sampleRateHz: rate, isText: r.isText, tail: [], head: [], length: 0, recordCount: 0,
      };
      add(t, r, true, startTick, endTick);
      traces.push(t);
      if (candidates) candidates.push(t);
      else byId.set(id, [t]);
    }
  }
  return traces.map((t) => {
    const data = new Float64Array(t.length);
    let k = 0;
    for (let i = t.head.length - 1; i >= 0; i--) { data.set(t.head[i]!, k); k += t.head[i]!.length; }
    for (const c of t.tail) { data.set(c, k); k += c.length; }
    return {
      network: t.network, station: t.station, location: t.location, channel: t.channel,
      startNs: t.startTick * tickNs, endNs: t.endTick * tickNs, sampleRateHz: t.sampleRateHz,
      data, isText: t.isText, recordCount: t.recordCount,
    };
  });
}

function add(t: Building, r: MergeRecord, atEnd: boolean, startTick: bigint, endTick: bigint): void {
  const data = r.data;
  if (atEnd) {
    if (data && data.length > 0) t.tail.push(data);
    t.endTick = endTick;
  } else {
    if (data && data.length > 0) t.head.push(data);
    t.startTick = startTick;
  }
  if (data) t.length += data.length;
  t.recordCount++;
}
