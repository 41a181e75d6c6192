// File access for feature tables (the layouts are read in features.ts): a CSV, or an HDF5 file —
// fingerprint datasets or the project store — opened with the HDF5 reader the caller passes in
// (cluster/ does not import io/; the CLI and the pipeline pass io/hdf5's `H5File.open`).
import { open, readFile } from "node:fs/promises";
import { FormatError } from "../core/errors.js";
import { featuresFromHdf5, parseFeatureCsv, type FeatureFile, type FeatureTable } from "./features.js";

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Opens an HDF5 file for reading (e.g. `(p) => H5File.open(p, "r")`). */
export type OpenHdf5 = (path: string) => Promise<FeatureFile & { close(): void }>;

/** True when the file starts with the HDF5 signature (at offset 0; user blocks are not searched). */
export async function isHdf5File(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (err) {
    throw new FormatError(`${path}: cannot open (${(err as Error).message})`, { file: path, cause: err });
  }
  try {
    const head = new Uint8Array(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    return bytesRead === 8 && HDF5_SIGNATURE.every((b, i) => head[i] === b);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a feature table from a CSV, a fingerprint HDF5 file or a project store (detected by content).
 * @param openHdf5 how to open HDF5 files (io/hdf5's `H5File.open`); needed only for HDF5 input.
 * @throws FormatError (unreadable file, unknown HDF5 layout, ragged rows), DataError (bad values), each naming file, row and column.
 * @example
 * const { ids, x } = await readFeatures("fingerprints.csv", (p) => H5File.open(p, "r"));
 */
export async function readFeatures(path: string, openHdf5?: OpenHdf5): Promise<FeatureTable> {
  if (!(await isHdf5File(path))) return parseFeatureCsv(await readFile(path, "utf8"), path);
  if (!openHdf5) throw new FormatError(`${path}: is an HDF5 file, but no HDF5 reader was given`, { file: path });
  const file = await openHdf5(path);
  try {
    return featuresFromHdf5(file, path);
  } finally {
    file.close();
  }
}
