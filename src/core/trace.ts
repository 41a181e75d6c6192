/**
 * One continuous run of samples of one channel (ObsPy's Trace, seisplotjs's segment).
 * Times are bigint nanoseconds since 1970-01-01 UTC.
 */
export interface Trace {
  /** Network code, e.g. "IV". */
  readonly network: string;
  /** Station code, e.g. "T1214". */
  readonly station: string;
  /** Location code, "" when empty. */
  readonly location: string;
  /** Channel code, e.g. "EHZ". */
  readonly channel: string;
  /** Time of the first sample, ns since the Unix epoch, UTC. */
  readonly startNs: bigint;
  readonly sampleRateHz: number;
  /** Samples as doubles (integer encodings converted exactly). */
  readonly data: Float64Array;
}

/** "NET.STA.LOC.CHA" of a trace. */
export function traceId(t: Pick<Trace, "network" | "station" | "location" | "channel">): string {
  return `${t.network}.${t.station}.${t.location}.${t.channel}`;
}

/** Time of the sample after the last one, ns. */
export function traceEndNs(t: Trace): bigint {
  if (!(t.sampleRateHz > 0)) return t.startNs;
  return t.startNs + BigInt(Math.round((t.data.length * 1e9) / t.sampleRateHz));
}

/** What a reader returns: traces plus non-fatal warnings (e.g. a dropped truncated final record). */
export interface ReadResult {
  readonly traces: Trace[];
  readonly warnings: string[];
}
