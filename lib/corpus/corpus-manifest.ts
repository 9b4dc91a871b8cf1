/**
 * Reading, writing and tidying a corpus manifest (corpus-schema.ts): the manifest is replaced
 * atomically (written under a temporary name, then renamed), and only the parts it lists belong to
 * the corpus.
 */
import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  CONVERT_ORIGIN,
  CorpusManifestSchema,
  MANIFEST_FILE,
  TABLE_NAMES,
  type CorpusManifest,
  type TableName,
} from "./corpus-schema.js";

export class CorpusError extends Error {}

/** Read a corpus manifest (null when `dir` holds none). */
export async function readCorpusManifest(dir: string): Promise<CorpusManifest | null> {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if (err instanceof Error && "code" in err && err.code === "ENOENT") return null;
    throw err;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new CorpusError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const r = CorpusManifestSchema.safeParse(v);
  if (!r.success) {
    const sv = v !== null && typeof v === "object" && "schemaVersion" in v ? v.schemaVersion : undefined;
    const version = sv !== undefined ? ` (schemaVersion ${JSON.stringify(sv)})` : "";
    const why = r.error.issues[0]?.message ?? "";
    throw new CorpusError(`${file}: not a sounding corpus manifest of schema version 1${version}: ${why}`);
  }
  return r.data;
}

/** Replace the manifest of `dir` atomically. */
export async function writeManifest(dir: string, m: CorpusManifest): Promise<void> {
  const tmp = join(dir, `${MANIFEST_FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(m, null, 1) + "\n");
  await rename(tmp, join(dir, MANIFEST_FILE));
}

/** Every part the manifest lists, by table. */
export function manifestParts(m: CorpusManifest): Record<TableName, string[]> {
  return {
    trajectories: m.sources.flatMap((s) => s.parts.trajectories),
    calls: m.sources.flatMap((s) => s.parts.calls),
    labels: Object.values(m.labelSets).flatMap((l) => l.parts),
  };
}

/** Delete files under the table folders that the manifest does not list (left by a killed run). */
export async function removeUnlisted(dir: string, m: CorpusManifest): Promise<void> {
  const listed = new Set(Object.values(manifestParts(m)).flat());
  for (const t of TABLE_NAMES) {
    let names: string[];
    try {
      names = await readdir(join(dir, t));
    } catch {
      continue;
    }
    for (const n of names) if (!listed.has(`${t}/${n}`)) await rm(join(dir, t, n), { force: true });
  }
  await rm(join(dir, `${MANIFEST_FILE}.tmp`), { force: true });
}

/** Delete parts (paths relative to the corpus directory) that no manifest lists any more. */
export async function removeParts(dir: string, parts: readonly string[]): Promise<void> {
  for (const p of parts) await rm(join(dir, p), { force: true });
}

/** Recompute the parts and rows of label sets made while converting from their sources. */
export function syncConvertLabelSets(m: CorpusManifest): void {
  for (const [name, ls] of Object.entries(m.labelSets)) {
    if (ls.origin !== CONVERT_ORIGIN) continue;
    ls.parts = m.sources.flatMap((s) => s.labels[name]?.parts ?? []);
    ls.rows = m.sources.reduce((n, s) => n + (s.labels[name]?.rows ?? 0), 0);
    if (!m.sources.some((s) => s.labels[name])) delete m.labelSets[name];
  }
}
