/**
 * Durable cache of LLM answers, one file per request key under `<dir>/<k0k1>/<key>.json`.
 * Each entry is written to a temporary file and renamed into place, so a process killed at
 * any moment leaves either the whole entry or none; an unreadable entry counts as a miss
 * and is rewritten. Entries hold labels only: no request headers, no keys.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface CachedChunk {
  key: string;
  promptVersion: string;
  model: string;
  labels: Array<{ call: number; label: string; utility: number; evidence: string }>;
}

export class LabelCache {
  hits = 0;
  misses = 0;
  corrupt = 0;
  constructor(readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedChunk | null> {
    let text: string;
    try {
      text = await readFile(this.path(key), "utf8");
    } catch {
      this.misses++;
      return null;
    }
    try {
      const v = JSON.parse(text) as CachedChunk;
      if (v.key !== key || !Array.isArray(v.labels)) throw new Error("mismatch");
      this.hits++;
      return v;
    } catch {
      this.corrupt++;
      this.misses++;
      return null;
    }
  }

  async put(entry: CachedChunk): Promise<void> {
    const p = this.path(entry.key);
    await mkdir(join(this.dir, entry.key.slice(0, 2)), { recursive: true });
    const tmp = `${p}.tmp-${process.pid}-${Math.floor(performance.now() * 1000)}`;
    await writeFile(tmp, JSON.stringify(entry));
    await rename(tmp, p);
  }
}
