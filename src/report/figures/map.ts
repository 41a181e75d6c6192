// Figure 5: map view (lon/lat) of the events coloured by cluster, the station, coastlines and borders,
// with depth–latitude and longitude–depth sections.
import { regionLines, type LonLatBox } from "../atlas.js";
import type { ReportData } from "../data.js";
import {
  CLUSTER_PARAM, EVENT_TOOLTIP, clusterColorEncoding, eventsDatasets, highlightOpacity, num,
  type Figure, type FigureContext, type VlSpec,
} from "./common.js";

const MAP_WIDTH = 420;

/** The plotted region (events and station, padded) and the map's pixel size at true aspect (equirectangular at the mid latitude). */
export function mapFrame(data: ReportData): { box: LonLatBox; width: number; height: number } {
  const { lat, lon } = data.events;
  let lonMin = Infinity, lonMax = -Infinity, latMin = Infinity, latMax = -Infinity;
  const add = (x: number, y: number): void => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    lonMin = Math.min(lonMin, x); lonMax = Math.max(lonMax, x);
    latMin = Math.min(latMin, y); latMax = Math.max(latMax, y);
  };
  for (let i = 0; i < lat.length; i++) add(lon[i]!, lat[i]!);
  if (data.station) add(data.station.lon, data.station.lat);
  if (!(lonMin <= lonMax)) { lonMin = -1; lonMax = 1; latMin = -1; latMax = 1; }
  const padLon = Math.max(0.05, 0.1 * (lonMax - lonMin));
  const padLat = Math.max(0.05, 0.1 * (latMax - latMin));
  lonMin -= padLon; lonMax += padLon; latMin -= padLat; latMax += padLat;
  const cos = Math.cos((((latMin + latMax) / 2) * Math.PI) / 180);
  let height = (MAP_WIDTH * (latMax - latMin)) / ((lonMax - lonMin) * cos);
  if (height > 480) {
    // Too tall: widen the longitude range to keep the true aspect.
    height = 480;
    const want = (MAP_WIDTH * (latMax - latMin)) / (height * cos);
    const mid = (lonMin + lonMax) / 2;
    lonMin = mid - want / 2; lonMax = mid + want / 2;
  } else if (height < 220) {
    height = 220;
    const want = (height * (lonMax - lonMin) * cos) / MAP_WIDTH;
    const mid = (latMin + latMax) / 2;
    latMin = mid - want / 2; latMax = mid + want / 2;
  }
  return { box: { lonMin, lonMax, latMin, latMax }, width: MAP_WIDTH, height: Math.round(height) };
}

function eventPoints(data: ReportData, x: VlSpec, y: VlSpec, name: string, legend: boolean): VlSpec {
  return {
    name,
    data: { name: "events" },
    transform: [{ filter: "isValid(datum.lat) && isValid(datum.lon)" }],
    mark: { type: "point", filled: true, clip: true, cursor: "pointer" },
    encoding: {
      x, y,
      color: clusterColorEncoding(data, { legend }),
      size: { field: "mag", type: "quantitative", scale: { type: "pow", exponent: 2, range: [12, 160] }, legend: legend ? { title: "Magnitude" } : null },
      opacity: highlightOpacity(0.85, 0.1),
      stroke: { condition: { test: "datum.emb == 1", value: "#111111" }, value: null },
      strokeWidth: { value: 0.8 },
      tooltip: EVENT_TOOLTIP,
    },
  };
}

function selectedRing(x: VlSpec, y: VlSpec): VlSpec {
  return {
    data: { name: "events" },
    transform: [{ filter: "datum.i == selEvent" }],
    mark: { type: "point", shape: "circle", size: 420, filled: false, stroke: "#000000", strokeWidth: 2, clip: true },
    encoding: { x, y },
  };
}

export function mapFigure(data: ReportData, ctx: FigureContext): Figure {
  const { box, width, height } = mapFrame(data);
  const lonScale = { domain: [num(box.lonMin, 5), num(box.lonMax, 5)], nice: false, zero: false };
  const latScale = { domain: [num(box.latMin, 5), num(box.latMax, 5)], nice: false, zero: false };
  const lonX = { field: "lon", type: "quantitative", scale: lonScale, axis: { title: "Longitude (°E)" } };
  const latY = { field: "lat", type: "quantitative", scale: latScale, axis: { title: "Latitude (°N)" } };
  const depthDomain = (() => {
    let max = 0;
    for (const d of data.events.depthKm) if (Number.isFinite(d) && d > max) max = d;
    return [0, Math.ceil(max * 1.05 + 0.5)];
  })();
  const mapLayers: VlSpec[] = [];
  const lines = ctx.atlas ? regionLines(ctx.atlas, box) : [];
  if (lines.length > 0) {
    const rows: VlSpec[] = [];
    lines.forEach((l, li) => {
      for (let j = 0; j < l.lon.length; j++) rows.push({ lon: num(l.lon[j]!, 4), lat: num(l.lat[j]!, 4), l: li, o: j, kind: l.kind });
    });
    const kinds = (["coast", "border"] as const).filter((k) => lines.some((l) => l.kind === k));
    mapLayers.push({
      name: "map_lines",
      data: { values: rows },
      mark: { type: "line", clip: true, color: "#6b6b6b", strokeWidth: 1, interpolate: "linear" },
      encoding: {
        x: { ...lonX }, y: { ...latY },
        detail: { field: "l", type: "nominal" },
        order: { field: "o", type: "quantitative" },
        strokeDash: {
          field: "kind", type: "nominal",
          scale: { domain: kinds, range: kinds.map((k) => (k === "coast" ? [1, 0] : [5, 3])) },
          legend: { title: "Natural Earth 1:50m", labelExpr: "datum.label == 'coast' ? 'coastline' : 'border'" },
        },
      },
    });
  }
  mapLayers.push(eventPoints(data, lonX, latY, "map_events", true));
  mapLayers.push(selectedRing(lonX, latY));
  if (data.station) {
    const s = data.station;
    mapLayers.push({
      name: "map_station",
      data: { values: [{ lon: s.lon, lat: s.lat, id: s.id }] },
      layer: [
        { mark: { type: "point", shape: "triangle-up", size: 220, filled: true, color: "#111111", stroke: "#ffffff", strokeWidth: 1 }, encoding: { x: lonX, y: latY, tooltip: [{ field: "id", title: "Station" }] } },
        { mark: { type: "text", dy: -14, fontWeight: "bold" }, encoding: { x: lonX, y: latY, text: { field: "id" } } },
      ],
    });
  }
  const depthLat = {
    width: 160,
    height,
    title: "Depth–latitude section",
    layer: [
      eventPoints(data, { field: "depth", type: "quantitative", scale: { domain: depthDomain, nice: false }, axis: { title: "Depth (km)" } }, latY, "section_lat", true),
    ],
  };
  const lonDepth = {
    width,
    height: 160,
    title: "Longitude–depth section",
    layer: [
      eventPoints(data, lonX, { field: "depth", type: "quantitative", scale: { domain: depthDomain, reverse: true, nice: false }, axis: { title: "Depth (km)" } }, "section_lon", true),
    ],
  };
  return {
    name: "05-map",
    number: 5,
    title: "Where the clusters are",
    caption: `${data.events.ids.length} events coloured by cluster (size by magnitude; outlined events can be opened in figure 10), ${data.station ? `station ${data.station.id} (triangle), ` : ""}${lines.length > 0 ? "Natural Earth 1:50m coastlines (solid) and borders (dashed), " : ""}with depth sections. Click an event or a legend entry to choose its cluster.`,
    params: ["selCluster", "selEvent"],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      params: [CLUSTER_PARAM, { name: "selEvent", value: data.defaultEvent }],
      datasets: eventsDatasets(data),
      vconcat: [
        { hconcat: [{ width, height, title: "Map view", layer: mapLayers }, depthLat] },
        lonDepth,
      ],
      resolve: { legend: { color: "shared", size: "shared" } },
    },
  };
}
