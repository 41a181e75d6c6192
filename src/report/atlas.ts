// Coastlines and borders of a lon/lat box from a world-atlas (Natural Earth) TopoJSON topology.
import { mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";

/** A lon/lat rectangle in degrees. */
export interface LonLatBox {
  readonly lonMin: number;
  readonly lonMax: number;
  readonly latMin: number;
  readonly latMax: number;
}

/** One polyline: a coastline (land/sea edge) or a border between two countries. */
export interface MapLine {
  readonly kind: "coast" | "border";
  readonly lon: Float64Array;
  readonly lat: Float64Array;
}

function inside(box: LonLatBox, lon: number, lat: number): boolean {
  return lon >= box.lonMin && lon <= box.lonMax && lat >= box.latMin && lat <= box.latMax;
}

/**
 * The coastlines and borders crossing `box`, cut to the runs of vertices inside it (plus one vertex on
 * each side, so lines leave the frame; the plot clips them).
 * @param topology e.g. world-atlas's countries-50m.json, with a `countries` object.
 */
export function regionLines(topology: Topology, box: LonLatBox): MapLine[] {
  const countries = topology.objects.countries as GeometryCollection | undefined;
  if (!countries) return [];
  const out: MapLine[] = [];
  const kinds: ["coast" | "border", (a: unknown, b: unknown) => boolean][] = [
    ["coast", (a, b) => a === b],
    ["border", (a, b) => a !== b],
  ];
  for (const [kind, filter] of kinds) {
    const m = mesh(topology, countries, filter);
    for (const line of m.coordinates) {
      let start = -1;
      const flush = (end: number): void => {
        // [start, end) are inside; add one neighbour on each side.
        const s = Math.max(0, start - 1);
        const e = Math.min(line.length, end + 1);
        if (e - s >= 2) {
          const lon = new Float64Array(e - s);
          const lat = new Float64Array(e - s);
          for (let j = s; j < e; j++) {
            lon[j - s] = line[j]![0]!;
            lat[j - s] = line[j]![1]!;
          }
          out.push({ kind, lon, lat });
        }
        start = -1;
      };
      for (let j = 0; j < line.length; j++) {
        const p = line[j]!;
        if (inside(box, p[0]!, p[1]!)) {
          if (start < 0) start = j;
        } else if (start >= 0) flush(j);
      }
      if (start >= 0) flush(line.length);
    }
  }
  return out;
}
