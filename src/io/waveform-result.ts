// Turns merged traces into a reader's result: waveforms are kept; text (log) channels and
// traces without a sample rate are dropped with a warning unless asked for; empty traces
// (records announcing no samples, e.g. detection records) carry nothing and are dropped.
import type { ReadResult, Trace } from "../core/trace.js";
import type { MergedTrace } from "./trace-merge.js";

/** Builds a ReadResult from merged traces (see the file comment for what is kept). */
export function finishTraces(merged: readonly MergedTrace[], warnings: string[], source: string, keepNonWaveform: boolean): ReadResult {
  const traces: Trace[] = [];
  const dropped = new Map<string, number>();
  for (const m of merged) {
    const isWaveform = !m.isText && m.sampleRateHz > 0 && Number.isFinite(m.sampleRateHz);
    if (!keepNonWaveform) {
      if (m.data.length === 0) continue;
      if (!isWaveform) {
        const id = `${m.network}.${m.station}.${m.location}.${m.channel}`;
        dropped.set(id, (dropped.get(id) ?? 0) + m.data.length);
        continue;
      }
    }
    traces.push({
      network: m.network, station: m.station, location: m.location, channel: m.channel,
      startNs: m.startNs, sampleRateHz: m.sampleRateHz, data: m.data,
    });
  }
  for (const [id, n] of dropped) {
    warnings.push(`${source}: ${id}: ${n} text or rate-less samples dropped (not a waveform; keepNonWaveform keeps them)`);
  }
  return { traces, warnings };
}

/** The text of a text (log) trace kept with `keepNonWaveform`: its samples are bytes, read as UTF-8. */
export function traceText(trace: Pick<Trace, "data">): string {
  return new TextDecoder("utf-8").decode(Uint8Array.from(trace.data));
}
