// Predicted P arrival times for cutting windows when no pick is given: a straight ray at one velocity,
// or the first arrival (direct ray or head wave) in a flat, layered 1-D model.
import { OptionError } from "../../core/errors.js";

/** One layer of a 1-D model: from `topKm` (depth below sea level; negative = above) down to the next top. */
export interface VelocityLayer {
  readonly topKm: number;
  readonly vpKmS: number;
}

/** A straight ray at one P velocity, or a layered model (layers ordered by depth; the last is a half-space). */
export type VelocityModel = { readonly vpKmS: number } | { readonly layers: readonly VelocityLayer[] };

/** The default model: a straight ray at 6 km/s. */
export const DEFAULT_VELOCITY_MODEL: VelocityModel = { vpKmS: 6 };

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in km on the sphere of radius 6371 km (haversine). */
export function epicentralDistanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Checks a model: positive finite velocities, layer tops strictly increasing. @throws OptionError */
export function checkVelocityModel(model: VelocityModel, where = "velocity model"): void {
  if ("vpKmS" in model) {
    if (!(model.vpKmS > 0 && Number.isFinite(model.vpKmS))) throw new OptionError(`${where}: vpKmS must be a finite number > 0, got ${model.vpKmS}`, { field: "vpKmS" });
    return;
  }
  if (model.layers.length === 0) throw new OptionError(`${where}: layers must hold at least one layer`, { field: "layers" });
  model.layers.forEach((l, i) => {
    if (!(l.vpKmS > 0 && Number.isFinite(l.vpKmS))) throw new OptionError(`${where}: layers[${i}].vpKmS must be a finite number > 0, got ${l.vpKmS}`, { field: "layers" });
    if (!Number.isFinite(l.topKm) || (i > 0 && l.topKm <= model.layers[i - 1]!.topKm)) {
      throw new OptionError(`${where}: layers[${i}].topKm must be finite and below the layer above (tops strictly increasing), got ${l.topKm}`, { field: "layers" });
    }
  });
}

/**
 * The P travel time in seconds from a source to a receiver.
 * @param distanceKm epicentral distance (flat-earth horizontal offset)
 * @param sourceDepthKm source depth below sea level
 * @param receiverDepthKm receiver depth below sea level (−elevation for a surface station)
 * @example pTravelTimeSeconds(30, 40, 0, { vpKmS: 5 }) // 10 (a 30-40-50 triangle)
 */
export function pTravelTimeSeconds(distanceKm: number, sourceDepthKm: number, receiverDepthKm: number, model: VelocityModel = DEFAULT_VELOCITY_MODEL): number {
  checkVelocityModel(model);
  if ("vpKmS" in model) return Math.hypot(distanceKm, sourceDepthKm - receiverDepthKm) / model.vpKmS;
  const zTop = Math.min(sourceDepthKm, receiverDepthKm);
  const zBottom = Math.max(sourceDepthKm, receiverDepthKm);
  // Layers as [top, bottom, v]; the first extends up to any station elevation, the last down forever.
  const layers = model.layers.map((l, i) => ({ top: i === 0 ? Math.min(l.topKm, zTop) : l.topKm, bottom: model.layers[i + 1]?.topKm ?? Infinity, v: l.vpKmS }));
  const thickness = (a: number, b: number): { h: number; v: number }[] =>
    layers.map((l) => ({ h: Math.max(0, Math.min(b, l.bottom) - Math.max(a, l.top)), v: l.v })).filter((x) => x.h > 0);
  const between = thickness(zTop, zBottom);
  // Source and receiver at one depth: the direct ray runs horizontally in that layer.
  const here = layers.find((l) => zTop >= l.top && zTop < l.bottom) ?? layers[0]!;
  let best = between.length === 0 ? distanceKm / here.v : directTime(distanceKm, between);
  // Head waves along the top of each layer below the source: down from both ends, along the interface.
  for (let k = 1; k < layers.length; k++) {
    const z = layers[k]!.top;
    if (z <= zBottom) continue;
    const vk = layers[k]!.v;
    const legs = [...thickness(sourceDepthKm, z), ...thickness(receiverDepthKm, z)];
    if (legs.some((l) => l.v >= vk)) continue; // no critical refraction under a faster layer
    const p = 1 / vk;
    let x = 0;
    let t = 0;
    for (const l of legs) {
      const eta = Math.sqrt(1 / (l.v * l.v) - p * p);
      x += (l.h * p) / eta;
      t += l.h * eta;
    }
    if (x <= distanceKm) best = Math.min(best, t + distanceKm * p);
  }
  return best;
}

/** The direct ray through stacked layers: solve X(p) = distance for the ray parameter by bisection. */
function directTime(distanceKm: number, legs: readonly { h: number; v: number }[]): number {
  const vMax = Math.max(...legs.map((l) => l.v));
  if (distanceKm === 0) return legs.reduce((a, l) => a + l.h / l.v, 0);
  const X = (p: number): number => legs.reduce((a, l) => a + (l.h * p * l.v) / Math.sqrt(1 - p * p * l.v * l.v), 0);
  let lo = 0;
  let hi = 1 / vMax;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (X(mid) < distanceKm) lo = mid;
    else hi = mid;
  }
  const p = (lo + hi) / 2;
  return legs.reduce((a, l) => a + l.h / (l.v * Math.sqrt(1 - p * p * l.v * l.v)), 0);
}
