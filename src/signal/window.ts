// Cutting an event window [t − before, t + after] around an origin time or a pick from one channel's traces,
// with an explicit policy for windows that run off the data or contain gaps.
import { DataError, OptionError } from "../core/errors.js";
import { formatIsoNs } from "../core/time.js";
import type { Trace } from "../core/trace.js";
import { traceId } from "../core/trace.js";

/**
 * What to do when data are missing inside the window: "reject" (default) throws a DataError naming the event
 * and the reason; "pad-zero" fills missing samples with 0 and counts them; "truncate" returns the contiguous
 * run of data around the reference time.
 */
export type WindowPolicy = "reject" | "pad-zero" | "truncate";

/** Options of `cutWindow`. */
export interface CutWindowOptions {
  /** Seconds before the reference time (≥ 0). */
  beforeS: number;
  /** Seconds after the reference time (≥ 0). */
  afterS: number;
  /** Missing-data policy (default "reject"). */
  policy?: WindowPolicy;
  /** Event id named in errors. */
  eventId?: string;
}

/** A cut window: the trace plus how many of its samples were filled because data were missing. */
export interface CutWindowResult {
  readonly trace: Trace;
  /** Samples set to 0 by "pad-zero" (0 otherwise). */
  readonly paddedSamples: number;
}

/**
 * Cuts [referenceNs − beforeS, referenceNs + afterS] from the traces of one channel, both ends included
 * (round((before + after)·fs) + 1 samples, as ObsPy's `trim(nearest_sample=True)`), on the sample grid of the
 * trace covering the window start (or the earliest trace touching the window).
 * @param traces pieces of one channel (same id and sampling rate), e.g. after `mergeTraces`
 * @param referenceNs origin or pick time, ns since the epoch
 * @param options beforeS, afterS, policy ("reject"), eventId
 * @returns { trace, paddedSamples }
 * @throws DataError (reject policy) naming the event when the window runs off the data or contains a gap, or
 *   when no trace touches the window; OptionError for negative lengths, mixed channels or rates
 * @example cutWindow(traces, originNs, { beforeS: 3, afterS: 17, eventId: "200037" }) // 2501 samples at 125 Hz
 */
export function cutWindow(traces: readonly Trace[], referenceNs: bigint, options: CutWindowOptions): CutWindowResult {
  const { beforeS, afterS } = options;
  const policy = options.policy ?? "reject";
  const event = options.eventId;
  const where = event === undefined ? "cutWindow" : `cutWindow (event ${event})`;
  const ctx = event === undefined ? {} : { event };
  if (!(beforeS >= 0 && afterS >= 0 && Number.isFinite(beforeS + afterS))) throw new OptionError(`${where}: beforeS and afterS must be finite and ≥ 0, got ${beforeS}, ${afterS}`, { field: "beforeS" });
  if (policy !== "reject" && policy !== "pad-zero" && policy !== "truncate") throw new OptionError(`${where}: policy must be "reject", "pad-zero" or "truncate", got ${JSON.stringify(policy)}`, { field: "policy" });
  if (traces.length === 0) throw new DataError(`${where}: no data for the window`, ctx);
  const id = traceId(traces[0]!);
  const rate = traces[0]!.sampleRateHz;
  for (const t of traces) {
    if (traceId(t) !== id) throw new OptionError(`${where}: traces of several channels given (${id}, ${traceId(t)})`);
    if (Math.abs(1 - t.sampleRateHz / rate) >= 1e-4) throw new OptionError(`${where}: ${id} has several sampling rates (${rate}, ${t.sampleRateHz} Hz)`);
  }
  const periodNs = 1e9 / rate;
  const startNs = referenceNs - BigInt(Math.round(beforeS * 1e9));
  const endNs = referenceNs + BigInt(Math.round(afterS * 1e9));
  const npts = Math.round((beforeS + afterS) * rate) + 1;
  const sorted = [...traces].sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
  const traceEnd = (t: Trace): bigint => t.startNs + BigInt(Math.round(((t.data.length - 1) * 1e9) / rate));
  const touching = sorted.filter((t) => t.data.length > 0 && traceEnd(t) >= startNs - BigInt(Math.round(periodNs / 2)) && t.startNs <= endNs + BigInt(Math.round(periodNs / 2)));
  const range = `${formatIsoNs(startNs)}–${formatIsoNs(endNs)}`;
  if (touching.length === 0) {
    const span = `${formatIsoNs(sorted[0]!.startNs)}–${formatIsoNs(traceEnd(sorted[sorted.length - 1]!))}`;
    throw new DataError(`${where}: ${id}: window ${range} has no data (data cover ${span})`, ctx);
  }
  // Grid: the trace covering the window start, else the first trace in the window.
  const gridTrace = touching.find((t) => t.startNs <= startNs && traceEnd(t) >= startNs) ?? touching[0]!;
  const firstIndex = Math.round(Number(startNs - gridTrace.startNs) / periodNs);
  const t0Ns = gridTrace.startNs + BigInt(Math.round(firstIndex * periodNs));
  const data = new Float64Array(npts);
  const filled = new Uint8Array(npts);
  for (const t of touching) {
    const offset = Number(t.startNs - t0Ns) / periodNs; // output index of t's first sample
    const shift = Math.round(offset);
    const j0 = Math.max(0, shift), j1 = Math.min(npts, shift + t.data.length);
    for (let j = j0; j < j1; j++) if (!filled[j]) { data[j] = t.data[j - shift]!; filled[j] = 1; }
  }
  let missing = 0, firstMissing = -1;
  for (let j = 0; j < npts; j++) if (!filled[j]) { missing++; if (firstMissing < 0) firstMissing = j; }
  const make = (d: Float64Array, startIndex: number): Trace => ({ ...gridTrace, startNs: t0Ns + BigInt(Math.round(startIndex * periodNs)), data: d });
  if (missing === 0) return { trace: make(data, 0), paddedSamples: 0 };
  if (policy === "pad-zero") return { trace: make(data, 0), paddedSamples: missing };
  if (policy === "truncate") {
    // The contiguous run of filled samples containing the reference time (or the longest run).
    const refIndex = Math.min(npts - 1, Math.max(0, Math.round(Number(referenceNs - t0Ns) / periodNs)));
    let a = refIndex, b = refIndex;
    if (!filled[refIndex]) {
      let best = -1, bestLen = 0;
      for (let j = 0; j < npts;) {
        if (!filled[j]) { j++; continue; }
        let k = j;
        while (k < npts && filled[k]) k++;
        if (k - j > bestLen) { bestLen = k - j; best = j; }
        j = k;
      }
      a = best; b = best + bestLen - 1;
    } else {
      while (a > 0 && filled[a - 1]) a--;
      while (b < npts - 1 && filled[b + 1]) b++;
    }
    return { trace: make(data.slice(a, b + 1), a), paddedSamples: 0 };
  }
  const dataStart = touching[0]!.startNs, dataEnd = traceEnd(touching[touching.length - 1]!);
  const runsOff = !filled[0] && dataStart > startNs ? `starts before the data (data from ${formatIsoNs(dataStart)})`
    : !filled[npts - 1] && dataEnd < endNs ? `ends after the data (data until ${formatIsoNs(dataEnd)})` : undefined;
  const reason = runsOff ?? `contains a gap of ${missing} samples from ${formatIsoNs(t0Ns + BigInt(Math.round(firstMissing * periodNs)))}`;
  throw new DataError(`${where}: ${id}: window ${range} ${reason}`, ctx);
}
