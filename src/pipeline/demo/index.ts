// The embedded demo data set (browser-safe): a synthetic local-earthquake catalogue with known families.
export { generateDemo } from "./generate.js";
export type { DemoDataset, DemoEvent, DemoOptions } from "./generate.js";
export { DEMO_STATION, MAX_DEMO_FAMILIES, VP_KM_S, VS_KM_S } from "./families.js";
export type { DemoFamily, DemoStation } from "./families.js";
