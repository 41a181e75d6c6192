// The fetch stage's per-event work: the P arrival (a pick, or predicted) and the cut of the window from a
// fetched trace with the instrument response removed.
import type { CatalogEvent } from "../../core/catalog.js";
import { SpecufexError } from "../../core/errors.js";
import type { ChannelMetadata } from "../../core/response.js";
import { formatIsoNs } from "../../core/time.js";
import type { Trace } from "../../core/trace.js";
import { removeResponse } from "../../signal/response.js";
import { epicentralDistanceKm, pTravelTimeSeconds, type VelocityModel } from "./fetch-travel-time.js";

/** The reference time of an event at a station and where it came from. */
export interface Arrival {
  readonly timeNs: bigint;
  readonly how: string;
}

/**
 * The P arrival of an event at the station: its P pick (phase P, Pg, Pn or Pb of this station; "P" preferred,
 * else the earliest), or the origin time plus the travel time in `model`.
 * @returns the arrival, or a sentence saying what is missing.
 */
export function findArrival(ev: CatalogEvent, epochs: readonly ChannelMetadata[], sel: { network: string; station: string }, model: VelocityModel): Arrival | string {
  const picks = (ev.picks ?? []).filter((p) => p.station === sel.station && (p.network === undefined || p.network === "" || p.network === sel.network) && /^P[gnb]?$/i.test(p.phase));
  if (picks.length > 0) {
    const p = picks.find((x) => x.phase.toUpperCase() === "P") ?? [...picks].sort((a, b) => (a.timeNs < b.timeNs ? -1 : 1))[0]!;
    return { timeNs: p.timeNs, how: `pick ${p.phase}` };
  }
  if (ev.originNs === undefined) return `event ${ev.eventId} has no origin time`;
  if (ev.latitude === undefined || ev.longitude === undefined || ev.depthKm === undefined) {
    return `event ${ev.eventId} has no P pick at ${sel.station} and no complete hypocentre (latitude, longitude, depth) to predict one`;
  }
  const at = epochs.find((c) => (c.startNs === undefined || c.startNs <= ev.originNs!) && (c.endNs === undefined || c.endNs >= ev.originNs!)) ?? epochs[0];
  if (!at || at.latitude === undefined || at.longitude === undefined) return `the station metadata of ${sel.network}.${sel.station} has no coordinates to predict the P arrival`;
  const distanceKm = epicentralDistanceKm(ev.latitude, ev.longitude, at.latitude, at.longitude);
  const receiverDepthKm = -((at.elevationM ?? 0) - (at.depthM ?? 0)) / 1000;
  const seconds = pTravelTimeSeconds(distanceKm, ev.depthKm, receiverDepthKm, model);
  if (!Number.isFinite(seconds)) return `no P travel time for ${distanceKm.toFixed(1)} km at depth ${ev.depthKm} km in the velocity model`;
  return { timeNs: ev.originNs + BigInt(Math.round(seconds * 1e9)), how: `predicted (${distanceKm.toFixed(2)} km, ${seconds.toFixed(3)} s)` };
}

/** A cut window: L samples from the sample nearest the window start. */
export interface CutResult {
  readonly data: Float64Array;
  readonly sampleRateHz: number;
}

export interface CutOptions {
  readonly beforeSeconds: number;
  readonly afterSeconds: number;
  readonly output: "displacement" | "velocity" | "acceleration" | "counts";
  readonly waterLevelDb: number | null;
  readonly preFilterHz: readonly [number, number, number, number] | null;
}

type CutRejection = { readonly reason: "incomplete data" | "response removal failed"; readonly detail: string };

/**
 * Cuts [cutStart, cutStart + before + after] (L = round((before + after)·fs) + 1 samples, the first the sample
 * nearest cutStart) from the one trace that covers it, after removing the response over the fetched span
 * (padding included, so the taper stays outside the window).
 */
export function cutWindow(traces: readonly Trace[], request: { network: string; station: string; location: string; channel: string; startNs: bigint; endNs: bigint }, cutStartNs: bigint, epoch: ChannelMetadata, o: CutOptions): CutResult | CutRejection {
  const loc = (l: string): string => (l.trim() === "--" ? "" : l.trim());
  const mine = traces.filter((t) => t.network === request.network && t.station === request.station && loc(t.location) === loc(request.location) && t.channel === request.channel);
  const id = `${request.network}.${request.station}.${request.location}.${request.channel}`;
  const span = `${formatIsoNs(cutStartNs)} + ${o.beforeSeconds + o.afterSeconds} s`;
  if (mine.length === 0) return { reason: "incomplete data", detail: `the answer holds no ${id} samples` };
  for (const t of mine) {
    const fs = t.sampleRateHz;
    const L = Math.round((o.beforeSeconds + o.afterSeconds) * fs) + 1;
    const first = Math.round((Number(cutStartNs - t.startNs) * fs) / 1e9);
    if (first < 0 || first + L > t.data.length) continue;
    // The response is removed over the padded span the request asked for, as far as the trace has it.
    const a = Math.min(first, Math.max(0, Math.floor((Number(request.startNs - t.startNs) * fs) / 1e9)));
    const b = Math.max(first + L, Math.min(t.data.length, Math.ceil((Number(request.endNs - t.startNs) * fs) / 1e9) + 1));
    let seg = t.data.subarray(a, b);
    if (o.output !== "counts") {
      try {
        seg = removeResponse(seg, fs, epoch.response!, { output: o.output, waterLevelDb: o.waterLevelDb, preFilterHz: o.preFilterHz });
      } catch (err) {
        if (err instanceof SpecufexError) return { reason: "response removal failed", detail: `${id}: ${err.message}` };
        throw err;
      }
    }
    const data = seg.slice(first - a, first - a + L);
    for (let i = 0; i < L; i++) if (!Number.isFinite(data[i]!)) return { reason: "response removal failed", detail: `${id}: sample ${i} of the window is not finite` };
    return { data, sampleRateHz: fs };
  }
  const spans = mine.map((t) => `${formatIsoNs(t.startNs)} + ${(t.data.length / t.sampleRateHz).toFixed(3)} s`).join(", ");
  const what = mine.length > 1 ? `a gap: ${mine.length} separate traces` : "the data do not reach over the window";
  return { reason: "incomplete data", detail: `${id}: window ${span} not covered (${what}; data ${spans})` };
}
