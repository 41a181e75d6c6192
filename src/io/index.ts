// Browser-safe readers and writers of waveform and catalogue formats (bytes or text in).
// Node-only file access lives in read.node.ts (readWaveformFile), exported from src/node.ts.
export { WAVEFORM_FORMATS, SNIFF_BYTES, detectFormat, formatByName, readWaveform } from "./registry.js";
export type { WaveformFormat, WaveformFormatName } from "./registry.js";
export { miniseed2, readMiniseed2, scanMiniseed2, isMiniseed2Header, nominalSampleRate } from "./miniseed2.js";
export type { Miniseed2ReadOptions, Miniseed2Record, Miniseed2Scan } from "./miniseed2.js";
export { miniseed3, readMiniseed3, scanMiniseed3, writeMiniseed3, crc32c, parseSourceId } from "./miniseed3.js";
export type { Miniseed3ReadOptions, Miniseed3Record } from "./miniseed3.js";
export { decodeMiniseed2Data, ENCODING_NAMES } from "./miniseed2-data.js";
export type { DecodedData } from "./miniseed2-data.js";
export { decodeSteim1, decodeSteim2, steimCapacity } from "./steim.js";
export type { SteimResult } from "./steim.js";
export { mergeRecords } from "./trace-merge.js";
export type { MergeRecord, MergedTrace } from "./trace-merge.js";
export { traceText } from "./waveform-result.js";
export {
  sac, readSac, parseSac, writeSac, sacTrace, sacEvent, sacFromTrace, sacReferenceNs, sacByteOrder, float32Decimal,
  SAC_FLOAT_NAMES, SAC_INT_NAMES, SAC_STRING_NAMES,
} from "./sac.js";
export type { SacHeader, SacRecord, SacFloatName, SacIntName, SacStringName } from "./sac.js";
export { parseQuakeml } from "./quakeml.js";
export { parseFdsnEventText, parseFdsnStationText, parseZmap } from "./fdsn-text.js";
export type { FdsnNetworkRow, FdsnStationRow, FdsnChannelRow, FdsnStationText } from "./fdsn-text.js";
export { parseCsvCatalog, parseCsvRows, CSV_COLUMN_ALIASES } from "./csv-catalog.js";
export type { CsvCatalogOptions } from "./csv-catalog.js";
export { parseHypoddPhases } from "./hypodd.js";
