// Default FDSN service roots of common data centres. A provider lists only the services it runs;
// the URL of a service is `<baseUrl>/fdsnws/<service>/1` (FDSN web service specification 1.2 §2).
import { OptionError } from "../../core/errors.js";
import type { FdsnService } from "./urls.js";

/** A data centre: its base URL and which FDSN services it offers. */
export interface FdsnProvider {
  readonly name: string;
  readonly description: string;
  readonly baseUrl: string;
  readonly services: readonly FdsnService[];
}

const ALL: readonly FdsnService[] = ["event", "station", "dataselect"];
const WAVEFORMS: readonly FdsnService[] = ["station", "dataselect"];

/** Known data centres by name (upper case). IRIS is the former name of EarthScope's data services. */
export const FDSN_PROVIDERS: Readonly<Record<string, FdsnProvider>> = Object.freeze({
  EARTHSCOPE: { name: "EARTHSCOPE", description: "EarthScope Consortium (formerly IRIS DMC), USA", baseUrl: "https://service.earthscope.org", services: WAVEFORMS },
  IRIS: { name: "IRIS", description: "IRIS DMC (now EarthScope), USA", baseUrl: "https://service.iris.edu", services: WAVEFORMS },
  USGS: { name: "USGS", description: "USGS ComCat earthquake catalogue, USA (events only)", baseUrl: "https://earthquake.usgs.gov", services: ["event"] },
  NCEDC: { name: "NCEDC", description: "Northern California Earthquake Data Center, USA", baseUrl: "https://service.ncedc.org", services: ALL },
  SCEDC: { name: "SCEDC", description: "Southern California Earthquake Data Center, USA", baseUrl: "https://service.scedc.caltech.edu", services: ALL },
  INGV: { name: "INGV", description: "Istituto Nazionale di Geofisica e Vulcanologia, Italy", baseUrl: "https://webservices.ingv.it", services: ALL },
  GFZ: { name: "GFZ", description: "GFZ GEOFON, Germany", baseUrl: "https://geofon.gfz.de", services: ALL },
  ETH: { name: "ETH", description: "Swiss Seismological Service (ETH Zurich), Switzerland", baseUrl: "https://eida.ethz.ch", services: ALL },
  ORFEUS: { name: "ORFEUS", description: "ORFEUS Data Center (EIDA node), Netherlands", baseUrl: "https://www.orfeus-eu.org", services: WAVEFORMS },
  EIDA: { name: "EIDA", description: "EIDA federator (all European EIDA nodes)", baseUrl: "https://eida-federator.ethz.ch", services: WAVEFORMS },
  RESIF: { name: "RESIF", description: "RESIF-SI Epos-France, France", baseUrl: "https://ws.resif.fr", services: WAVEFORMS },
  EMSC: { name: "EMSC", description: "European-Mediterranean Seismological Centre (events only)", baseUrl: "https://www.seismicportal.eu", services: ["event"] },
});

/** The provider of `name` (case-insensitive). @throws OptionError listing the known names. */
export function getProvider(name: string): FdsnProvider {
  const p = FDSN_PROVIDERS[name.trim().toUpperCase()];
  if (!p) throw new OptionError(`FDSN provider "${name}" is not known (known: ${Object.keys(FDSN_PROVIDERS).join(", ")}); give a base URL instead`, { field: "provider" });
  return p;
}

/** The root of a service under a base URL: `<baseUrl>/fdsnws/<service>/1`. */
export function serviceUrl(baseUrl: string, service: FdsnService): string {
  return `${baseUrl.replace(/\/+$/, "")}/fdsnws/${service}/1`;
}

/** The provider that serves events when the waveform provider has no event service (ComCat covers the world). */
export const DEFAULT_EVENT_PROVIDER = "USGS";
