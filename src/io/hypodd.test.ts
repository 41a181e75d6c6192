import { test } from "node:test";
import assert from "node:assert/strict";
import { FormatError } from "../core/errors.js";
import { parseTimeNs } from "../core/time.js";
import { parseHypoddPhases } from "./hypodd.js";

// The example of the hypoDD user guide (ph2dt input), two events.
const PHASES = `# 1985  1 24  2 19 58.71  37.8832 -122.2415   9.80 1.40  0.15  0.51  0.02     38542
NCCBW      0.100  1.000   P
NCCAI      0.190  1.000   P
NCCSP      2.720  0.500   S
# 1985  1 24  2 20  1.50  37.8830 -122.2410  10.10 1.10  0.20  0.60  0.03     38543
NCCBW      0.120  0.500   P
`;

test("event lines give origin, hypocentre, magnitude and id; pick times are origin + travel time", () => {
  const { events } = parseHypoddPhases(PHASES, "phase.dat");
  assert.equal(events.length, 2);
  const e = events[0]!;
  const origin = parseTimeNs("1985-01-24T02:19:58.71Z");
  assert.deepEqual([e.eventId, e.originNs, e.latitude, e.longitude, e.depthKm, e.magnitude], ["38542", origin, 37.8832, -122.2415, 9.8, 1.4]);
  assert.deepEqual(e.extra, { eh: "0.15", ez: "0.51", rms: "0.02" });
  assert.deepEqual(e.picks, [
    { station: "NCCBW", phase: "P", timeNs: origin + 100_000_000n, weight: 1 },
    { station: "NCCAI", phase: "P", timeNs: origin + 190_000_000n, weight: 1 },
    { station: "NCCSP", phase: "S", timeNs: origin + 2_720_000_000n, weight: 0.5 },
  ]);
  assert.deepEqual(events[1]!.picks, [{ station: "NCCBW", phase: "P", timeNs: parseTimeNs("1985-01-24T02:20:01.62Z"), weight: 0.5 }]);
});

test("malformed lines name the file, line and field", () => {
  assert.throws(() => parseHypoddPhases("NCCBW 0.1 1 P\n", "p.dat"), (e: unknown) => e instanceof FormatError && /p\.dat: line 1: pick line before the first "#" event line/.test(e.message));
  assert.throws(() => parseHypoddPhases("# 1985 1 24 2 19 58.71 37.8 -122.2 9.8 1.4 0.1 0.5 0.0\n", "p.dat"), (e: unknown) => e instanceof FormatError && /event line has 13 fields/.test(e.message));
  assert.throws(() => parseHypoddPhases(PHASES.replace("0.190", "x.19"), "p.dat"), (e: unknown) => e instanceof FormatError && e.record === 3 && /travel time "x\.19" is not a number/.test(e.message));
});
