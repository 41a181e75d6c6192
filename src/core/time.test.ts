import { test } from "node:test";
import assert from "node:assert/strict";
import { formatIsoNs, parseTimeNs } from "./time.js";
import { DataError } from "./errors.js";

test("parseTimeNs reads ISO 8601 variants, day-of-year and offsets to exact nanoseconds", () => {
  assert.equal(parseTimeNs("1970-01-01T00:00:01Z"), 1_000_000_000n);
  assert.equal(parseTimeNs("2016-10-13 04:05:06.123456789"), 1476331506_123456789n);
  assert.equal(parseTimeNs("2016-10-13T04:05:06.5+02:00"), 1476324306_500000000n);
  assert.equal(parseTimeNs("2016-287T04:05:06"), parseTimeNs("2016-10-13T04:05:06"));
  assert.equal(parseTimeNs("2016-10-13"), 1476316800_000000000n);
  assert.throws(() => parseTimeNs("2016-13-01", "catalog.csv row 3"), (e: unknown) => e instanceof DataError && /catalog\.csv row 3/.test(e.message));
  assert.throws(() => parseTimeNs("yesterday"), DataError);
});

test("formatIsoNs floors to microseconds, also before 1970, and round-trips", () => {
  assert.equal(formatIsoNs(1476331506_123456789n), "2016-10-13T04:05:06.123456Z");
  assert.equal(formatIsoNs(-1n), "1969-12-31T23:59:59.999999Z");
  assert.equal(formatIsoNs(-12_345_345n), "1969-12-31T23:59:59.987654Z");
  assert.equal(formatIsoNs(0n), "1970-01-01T00:00:00.000000Z");
  for (const t of ["2016-10-13T04:05:06.123456Z", "1969-07-20T20:17:40.000001Z"]) assert.equal(formatIsoNs(parseTimeNs(t)), t);
});
