// The station and the source families of the embedded demo: an Amatrice-like setting (central Italy), one
// vertical short-period/broadband station, up to eight clusters of hypocentres along and across the Apennine
// normal-fault system. Values are plausible, not a real network's metadata.

/** P-wave speed of the homogeneous half-space, km/s (upper crust). */
export const VP_KM_S = 6.0;
/** S-wave speed, km/s: a Poisson solid, vs = vp/√3. */
export const VS_KM_S = VP_KM_S / Math.sqrt(3);
/** Density, kg/m³. */
export const DENSITY_KG_M3 = 2700;
/** Average S-wave radiation coefficient (Boore & Boatwright 1984). */
export const RADIATION_S = 0.63;
/** Mean Earth radius, km (haversine distances). */
export const EARTH_RADIUS_KM = 6371.0;
/** Kilometres per degree of latitude on that sphere. */
export const KM_PER_DEGREE = (Math.PI * EARTH_RADIUS_KM) / 180;

/** The demo's single station (near Amatrice, so maps show the Adriatic and Tyrrhenian coasts). */
export interface DemoStation {
  readonly network: string;
  readonly station: string;
  readonly location: string;
  readonly channel: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly elevationM: number;
}

/** "XX" is the FDSN code reserved for synthetic / temporary data. */
export const DEMO_STATION: DemoStation = Object.freeze({
  network: "XX",
  station: "AMT1",
  location: "",
  channel: "HHZ",
  latitude: 42.628,
  longitude: 13.292,
  elevationM: 955,
});

/** A family's fixed properties (its centroid is placed from the station by azimuth and hypocentral distance). */
interface FamilyTemplate {
  /** Azimuth of the centroid from the station, degrees clockwise from north. */
  readonly azimuthDeg: number;
  /** Hypocentral distance of the centroid, km (sets the S–P time, R·(1/vs − 1/vp)). */
  readonly distanceKm: number;
  /** Centroid depth below sea level, km. */
  readonly depthKm: number;
  /** Brune S-wave corner frequency at the reference magnitude, Hz (all within a factor 1.875 of each other). */
  readonly cornerHz: number;
  /** e-folding time of the S-coda amplitude envelope, s (the scattering volume around the source). */
  readonly codaDecaySeconds: number;
  /** Path-averaged S-wave quality factor (t* = t_S/Q_S). */
  readonly qS: number;
  /**
   * Ratio of the P to the S spectral level on the vertical component: (R_P/R_S)·(vs/vp)³·(P/S vertical
   * projection), i.e. the family's focal mechanism and ray geometry toward the station.
   */
  readonly pOverS: number;
  /** Relative share of the events. */
  readonly weight: number;
}

// Families 1–4 lie NNW of the station (azimuths 320°–345°), 5–8 SSE; within each half the centroids step
// outwards by 6 km in hypocentral distance (0.73 s of S–P). Families 1–4 cross two spectral classes
// (bright: high fc, little attenuation; dull: low fc, strong attenuation) with two coda lengths and two P/S
// ratios; 5–8 take intermediate values. All corner frequencies lie in 7.2–13.5 Hz (factor 1.875).
const TEMPLATES: readonly FamilyTemplate[] = [
  { azimuthDeg: 330, distanceKm: 9, depthKm: 7, cornerHz: 13.5, codaDecaySeconds: 2.0, qS: 700, pOverS: 0.5, weight: 1.3 },
  { azimuthDeg: 345, distanceKm: 15, depthKm: 9, cornerHz: 12.5, codaDecaySeconds: 5.0, qS: 600, pOverS: 0.2, weight: 1.0 },
  { azimuthDeg: 320, distanceKm: 21, depthKm: 8, cornerHz: 7.2, codaDecaySeconds: 2.0, qS: 150, pOverS: 0.2, weight: 0.8 },
  { azimuthDeg: 335, distanceKm: 27, depthKm: 10, cornerHz: 7.8, codaDecaySeconds: 5.0, qS: 180, pOverS: 0.5, weight: 0.9 },
  { azimuthDeg: 150, distanceKm: 12, depthKm: 5, cornerHz: 10.5, codaDecaySeconds: 2.5, qS: 350, pOverS: 0.4, weight: 1.1 },
  { azimuthDeg: 165, distanceKm: 18, depthKm: 11, cornerHz: 9.0, codaDecaySeconds: 1.8, qS: 250, pOverS: 0.3, weight: 0.9 },
  { azimuthDeg: 140, distanceKm: 24, depthKm: 6, cornerHz: 11.8, codaDecaySeconds: 3.2, qS: 450, pOverS: 0.45, weight: 1.0 },
  { azimuthDeg: 155, distanceKm: 30, depthKm: 9, cornerHz: 8.2, codaDecaySeconds: 2.8, qS: 200, pOverS: 0.25, weight: 1.0 },
];

/** Most families the demo can generate. */
export const MAX_DEMO_FAMILIES = TEMPLATES.length;

/** Strike of the fault system (azimuth, degrees): hypocentres spread more along it than across it. */
export const STRIKE_DEG = 155;

/** One generating family of the demo, as returned with the data set (the ground truth). */
export interface DemoFamily {
  /** 1-based family number (the truth label of its events). */
  readonly family: number;
  /** Brune S-wave corner frequency at `referenceMagnitude`, Hz (the P corner is 1.5× higher). */
  readonly cornerHz: number;
  readonly referenceMagnitude: number;
  /** Centroid of the hypocentres. */
  readonly latitude: number;
  readonly longitude: number;
  readonly depthKm: number;
  /** Hypocentral distance of the centroid from the station, km, and its S–P time, s. */
  readonly hypocentralDistanceKm: number;
  readonly spTimeSeconds: number;
  /** e-folding time of the coda amplitude, s (P coda: half of it). */
  readonly codaDecaySeconds: number;
  /** Quality factors: Qp = Qs/√3, so that t*_P = t*_S (see generate.ts). */
  readonly qS: number;
  readonly qP: number;
  /** P/S spectral-level ratio on the vertical component. */
  readonly pOverS: number;
  /** Probability that an event belongs to this family. */
  readonly probability: number;
}

/**
 * The first `count` families, centroids placed from `station`.
 * @param count number of families, 1…MAX_DEMO_FAMILIES
 * @param referenceMagnitude magnitude at which `cornerHz` holds
 */
export function demoFamilies(count: number, station: DemoStation, referenceMagnitude: number): DemoFamily[] {
  const used = TEMPLATES.slice(0, count);
  let weightSum = 0;
  for (const t of used) weightSum += t.weight;
  const elevationKm = station.elevationM / 1000;
  return used.map((t, i) => {
    // Straight ray from the station to the hypocentre: R² = epicentral² + (depth + station elevation)².
    const vertical = t.depthKm + elevationKm;
    const epicentralKm = Math.sqrt(t.distanceKm * t.distanceKm - vertical * vertical);
    const az = (t.azimuthDeg * Math.PI) / 180;
    const { latitude, longitude } = offsetLatLon(station.latitude, station.longitude, epicentralKm * Math.cos(az), epicentralKm * Math.sin(az));
    return Object.freeze({
      family: i + 1,
      cornerHz: t.cornerHz,
      referenceMagnitude,
      latitude,
      longitude,
      depthKm: t.depthKm,
      hypocentralDistanceKm: t.distanceKm,
      spTimeSeconds: t.distanceKm * (1 / VS_KM_S - 1 / VP_KM_S),
      codaDecaySeconds: t.codaDecaySeconds,
      qS: t.qS,
      qP: t.qS / Math.sqrt(3),
      pOverS: t.pOverS,
      probability: t.weight / weightSum,
    });
  });
}

/** A point `northKm`, `eastKm` from (lat, lon), on the local tangent plane (errors ≪ 1 m over 30 km). */
export function offsetLatLon(latitude: number, longitude: number, northKm: number, eastKm: number): { latitude: number; longitude: number } {
  return {
    latitude: latitude + northKm / KM_PER_DEGREE,
    longitude: longitude + eastKm / (KM_PER_DEGREE * Math.cos((latitude * Math.PI) / 180)),
  };
}

/** Great-circle (haversine) distance between two points on the sphere of radius EARTH_RADIUS_KM, km. */
export function epicentralDistanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r;
  const dLon = (lon2 - lon1) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
