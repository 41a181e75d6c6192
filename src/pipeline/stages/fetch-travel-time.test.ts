import { test } from "node:test";
import assert from "node:assert/strict";
import { OptionError } from "../../core/errors.js";
import { epicentralDistanceKm, pTravelTimeSeconds } from "./fetch-travel-time.js";

const close = (a: number, b: number, tol: number, label: string): void => assert.ok(Math.abs(a - b) <= tol, `${label}: ${a} vs ${b}`);

test("epicentral distance: one degree along the equator or a meridian is 2π·6371/360 km", () => {
  close(epicentralDistanceKm(0, 0, 0, 1), 111.19492664455873, 1e-9, "equator");
  close(epicentralDistanceKm(10, 20, 11, 20), 111.19492664455873, 1e-9, "meridian");
  close(epicentralDistanceKm(0, 0, 0, 180), Math.PI * 6371, 1e-6, "antipode");
});

test("a straight ray: a 30-40-50 triangle at 5 km/s takes 10 s; station elevation lengthens the ray", () => {
  assert.equal(pTravelTimeSeconds(30, 40, 0, { vpKmS: 5 }), 10);
  close(pTravelTimeSeconds(30, 39.5, -0.5, { vpKmS: 5 }), 10, 1e-12, "station 0.5 km above sea level");
  close(pTravelTimeSeconds(60, 0, 0), 10, 1e-12, "default vp 6 km/s");
});

test("a one-layer model is the straight ray", () => {
  for (const [x, z] of [[0, 5], [12, 3], [80, 15], [5, 0.2]] as const) {
    close(pTravelTimeSeconds(x, z, 0, { layers: [{ topKm: 0, vpKmS: 6 }] }), Math.hypot(x, z) / 6, 1e-9, `x ${x} z ${z}`);
  }
});

test("two layers, surface source: the direct wave until the crossover distance, the head wave beyond (analytic)", () => {
  const model = { layers: [{ topKm: 0, vpKmS: 5 }, { topKm: 10, vpKmS: 8 }] };
  const intercept = 2 * 10 * Math.sqrt(1 / 25 - 1 / 64);
  const crossover = 2 * 10 * Math.sqrt((8 + 5) / (8 - 5)); // 41.63 km
  close(pTravelTimeSeconds(10, 0, 0, model), 2, 1e-9, "x 10 (before the critical distance)");
  close(pTravelTimeSeconds(30, 0, 0, model), 6, 1e-9, "x 30 (direct still first)");
  close(pTravelTimeSeconds(100, 0, 0, model), 100 / 8 + intercept, 1e-9, "x 100 (head wave)");
  close(pTravelTimeSeconds(crossover, 0, 0, model), crossover / 5, 1e-9, "at the crossover both agree");
  close(pTravelTimeSeconds(crossover, 0, 0, model), crossover / 8 + intercept, 1e-9, "at the crossover both agree");
});

test("a direct ray up through two layers matches the ray-parameter forward formulas (p = 0.1 s/km)", () => {
  const model = { layers: [{ topKm: 0, vpKmS: 5 }, { topKm: 10, vpKmS: 8 }] };
  const p = 0.1;
  const legs = [{ h: 10, v: 5 }, { h: 5, v: 8 }];
  const x = legs.reduce((a, l) => a + (l.h * p * l.v) / Math.sqrt(1 - (p * l.v) ** 2), 0);
  const t = legs.reduce((a, l) => a + l.h / (l.v * Math.sqrt(1 - (p * l.v) ** 2)), 0);
  close(pTravelTimeSeconds(x, 15, 0, model), t, 1e-9, "source at 15 km");
});

test("bad models are OptionErrors naming the layer", () => {
  assert.throws(() => pTravelTimeSeconds(10, 5, 0, { vpKmS: 0 }), OptionError);
  assert.throws(() => pTravelTimeSeconds(10, 5, 0, { layers: [] }), /at least one layer/);
  assert.throws(() => pTravelTimeSeconds(10, 5, 0, { layers: [{ topKm: 0, vpKmS: 5 }, { topKm: 0, vpKmS: 6 }] }), /layers\[1\]\.topKm/);
});
