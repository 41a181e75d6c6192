// Runs Debian's python3 with h5py (installed by scripts/test.sh). Missing → the test fails with how to install it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const DEBIAN_PYTHON = "/usr/bin/python3";

/** Runs a Python snippet with h5py; returns its stdout parsed as JSON. */
export function runH5py<T = unknown>(script: string, args: readonly string[] = []): T {
  if (!existsSync(DEBIAN_PYTHON)) throw new Error(`${DEBIAN_PYTHON} is missing: run "bash scripts/test.sh" (installs python3-h5py with apt)`);
  const r = spawnSync(DEBIAN_PYTHON, ["-c", script, ...args], { encoding: "utf8" });
  if (r.status !== 0) {
    if (/No module named 'h5py'/.test(r.stderr)) throw new Error(`python3-h5py is not installed: run "bash scripts/test.sh" (or apt-get install python3-h5py)`);
    throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  }
  return JSON.parse(r.stdout) as T;
}

/** A Python function that lists every dataset of an HDF5 file with dtype and shape: {path: [dtype, shape]}. */
export const H5PY_LIST_DATASETS = `
import h5py, json, sys
out = {}
def visit(name, obj):
    if isinstance(obj, h5py.Dataset):
        out[name] = [obj.dtype.str if obj.dtype.kind != 'O' else 'object', list(obj.shape)]
with h5py.File(sys.argv[1], 'r') as f:
    f.visititems(visit)
print(json.dumps(out))
`;
