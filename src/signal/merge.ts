// Merging contiguous traces of one channel with libmseed's default tolerances (time: half a sample period;
// rate: |1 − r1/r2| < 1e-4), reporting every gap and overlap instead of filling or dropping data silently.
import type { Trace } from "../core/trace.js";
import { traceId } from "../core/trace.js";

/** A discontinuity between two consecutive traces of one channel. */
export interface MergeIssue {
  /** "NET.STA.LOC.CHA". */
  readonly id: string;
  /** "gap": missing time; "overlap": the later trace starts before the earlier one ends with different samples; "rate": rates differ. */
  readonly kind: "gap" | "overlap" | "rate";
  /** Expected time of the next sample after the earlier trace, ns. */
  readonly fromNs: bigint;
  /** Start of the later trace, ns. */
  readonly toNs: bigint;
  /** toNs − fromNs in seconds (negative for overlaps). */
  readonly seconds: number;
}

/** Merged traces plus the discontinuities that kept traces apart. */
export interface MergeResult {
  readonly traces: Trace[];
  readonly issues: MergeIssue[];
}

/** Options of `mergeTraces`. */
export interface MergeOptions {
  /** Time tolerance in sample periods (default 0.5, libmseed's). */
  toleranceSamples?: number;
  /** Relative sample-rate tolerance (default 1e-4, libmseed's). */
  rateTolerance?: number;
}

/**
 * Merges traces per channel: sorted by start time, a trace that starts within the tolerance of the previous
 * one's next sample is appended; an overlap whose samples equal the data already there (duplicated records)
 * is merged by dropping the duplicates. Gaps, other overlaps and rate changes keep traces apart and are
 * reported in `issues`.
 * @param traces any traces (several channels allowed; the output keeps channels in first-seen order)
 * @param options toleranceSamples (0.5), rateTolerance (1e-4)
 * @returns { traces, issues }
 * @example mergeTraces(readResult.traces).issues // [] for a continuous record
 */
export function mergeTraces(traces: readonly Trace[], options: MergeOptions = {}): MergeResult {
  const tol = options.toleranceSamples ?? 0.5;
  const rateTol = options.rateTolerance ?? 1e-4;
  const byId = new Map<string, Trace[]>();
  for (const t of traces) {
    const id = traceId(t);
    const list = byId.get(id);
    if (list) list.push(t); else byId.set(id, [t]);
  }
  const out: Trace[] = [];
  const issues: MergeIssue[] = [];
  for (const [id, list] of byId) {
    const sorted = [...list].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
    let parts: Float64Array[] = [sorted[0]!.data];
    let head = sorted[0]!;
    let count = head.data.length;
    const flush = (): void => {
      out.push(parts.length === 1 ? head : { ...head, data: concat(parts, count) });
    };
    for (let i = 1; i < sorted.length; i++) {
      const t = sorted[i]!;
      const rate = head.sampleRateHz;
      const expectedNs = head.startNs + BigInt(Math.round((count * 1e9) / rate));
      const deltaNs = t.startNs - expectedNs;
      const periodNs = 1e9 / rate;
      const deltaSamples = Number(deltaNs) / periodNs;
      if (Math.abs(1 - t.sampleRateHz / rate) >= rateTol) {
        issues.push({ id, kind: "rate", fromNs: expectedNs, toNs: t.startNs, seconds: Number(deltaNs) / 1e9 });
      } else if (Math.abs(deltaSamples) <= tol) {
        parts.push(t.data); count += t.data.length;
        continue;
      } else if (deltaSamples > 0) {
        issues.push({ id, kind: "gap", fromNs: expectedNs, toNs: t.startNs, seconds: Number(deltaNs) / 1e9 });
      } else {
        // Overlap: merge when the overlapping samples repeat what is there (duplicated records).
        const overlap = Math.round(-deltaSamples);
        const alignedNs = Math.abs(-deltaSamples - overlap) <= tol;
        if (alignedNs && overlap <= count && overlap <= t.data.length && repeats(parts, count, t.data, overlap)) {
          if (t.data.length > overlap) { parts.push(t.data.subarray(overlap)); count += t.data.length - overlap; }
          continue;
        }
        issues.push({ id, kind: "overlap", fromNs: expectedNs, toNs: t.startNs, seconds: Number(deltaNs) / 1e9 });
      }
      flush();
      head = t; parts = [t.data]; count = t.data.length;
    }
    flush();
  }
  return { traces: out, issues };
}

function concat(parts: readonly Float64Array[], count: number): Float64Array {
  const out = new Float64Array(count);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// True when the last `overlap` samples held in parts equal the first `overlap` samples of next.
function repeats(parts: readonly Float64Array[], count: number, next: Float64Array, overlap: number): boolean {
  let k = overlap - 1; // walk both backwards from the end of the held data
  for (let pi = parts.length - 1; pi >= 0 && k >= 0; pi--) {
    const p = parts[pi]!;
    for (let i = p.length - 1; i >= 0 && k >= 0; i--, k--) if (p[i] !== next[k]) return false;
  }
  return count >= overlap;
}
