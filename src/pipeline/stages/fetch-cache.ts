// The fetch stage's on-disk cache: one `<hash>.mseed` per waveform window (its own records, as the data
// centre sent them) plus `index.json` describing each entry. Every file is written to a temporary name and
// renamed, so an entry that exists is complete; a re-run fetches only the windows without one.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bulkLine, type WaveformRequest } from "../../io/fdsn/index.js";

export const CACHE_FORMAT = "specufex-fetch-cache";

/** One cached window. */
export interface CacheEntry {
  readonly file: string;
  readonly service: string;
  /** The bulk selection line of the window. */
  readonly selection: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly savedAt: string;
}

/** Writes `data` to `path` atomically (temporary file in the same folder, then rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export class WaveformCache {
  readonly dir: string;
  readonly #entries = new Map<string, CacheEntry>();
  #dirty = false;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    const indexPath = join(dir, "index.json");
    if (existsSync(indexPath)) {
      try {
        const index = JSON.parse(readFileSync(indexPath, "utf8")) as { format?: string; entries?: Record<string, CacheEntry> };
        if (index.format === CACHE_FORMAT) for (const [k, e] of Object.entries(index.entries ?? {})) this.#entries.set(k, e);
      } catch {
        // An unreadable index is rebuilt: the .mseed files are the truth, the index describes them.
        this.#dirty = true;
      }
    }
  }

  /** The key of a window at a service: a hash of the service URL and the selection line. */
  static key(service: string, request: WaveformRequest): string {
    return createHash("sha256").update(`${service}\n${bulkLine(request)}`).digest("hex").slice(0, 32);
  }

  /** The cached bytes of a window, or undefined. */
  get(key: string): Uint8Array | undefined {
    const path = join(this.dir, `${key}.mseed`);
    if (!existsSync(path)) return undefined;
    return new Uint8Array(readFileSync(path));
  }

  /** Stores a window's records (atomically). */
  put(key: string, service: string, request: WaveformRequest, bytes: Uint8Array): void {
    const file = `${key}.mseed`;
    writeFileAtomic(join(this.dir, file), bytes);
    this.#entries.set(key, {
      file, service, selection: bulkLine(request), bytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"), savedAt: new Date().toISOString(),
    });
    this.#dirty = true;
  }

  /** Forgets a window (e.g. its file no longer decodes). */
  remove(key: string): void {
    rmSync(join(this.dir, `${key}.mseed`), { force: true });
    this.#entries.delete(key);
    this.#dirty = true;
  }

  /** Number of entries in the index. */
  get size(): number {
    return this.#entries.size;
  }

  /** Writes index.json (atomically) when something changed. */
  flush(): void {
    if (!this.#dirty) return;
    const entries: Record<string, CacheEntry> = {};
    for (const k of [...this.#entries.keys()].sort()) entries[k] = this.#entries.get(k)!;
    writeFileAtomic(join(this.dir, "index.json"), JSON.stringify({ format: CACHE_FORMAT, version: 1, entries }, null, 1) + "\n");
    this.#dirty = false;
  }
}
