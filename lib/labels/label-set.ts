/**
 * Label sets: labels stored apart from traces, one JSONL row per call (`LabelRowSchema`),
 * keyed by trajectory id + call index, every row stamped with the labeller's name, version
 * and configuration hash. A directory written by `writeLabelSet` holds `labels.jsonl` and
 * `manifest.json` (no timestamps: the same inputs give byte-identical files).
 */
import { mkdir, readFile, readdir, rename, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { LabelRowSchema, type LabelRow, type Trajectory } from "../trajectory/schema.js";
import type { CallLabel, LabellerInfo } from "./labeller.js";

/** Rows of one labelled trajectory. */
export function labelRows(t: Trajectory, labels: readonly CallLabel[], info: LabellerInfo): LabelRow[] {
  if (labels.length !== t.calls.length)
    throw new Error(`labeller returned ${labels.length} labels for ${t.calls.length} calls of ${t.id}`);
  return t.calls.map((c, i) => {
    const l = labels[i]!;
    if (l.callIndex !== c.index) throw new Error(`label ${i} of ${t.id} is for call ${l.callIndex}`);
    const row: LabelRow = {
      source: { ...t.provenance.source },
      trajectoryId: t.id,
      callIndex: c.index,
      tool: c.name,
      role: c.role,
      label: l.label,
      utility: l.utility,
      evidence: l.evidence,
      labeller: info.name,
      version: info.version,
      configHash: info.configHash,
    };
    if (l.items) row.items = l.items;
    if (l.claim !== undefined) row.claim = l.claim;
    if (l.check !== undefined) row.check = l.check;
    return row;
  });
}

export interface LabelSetManifest {
  labeller: string;
  version: string;
  configHash: string;
  config: Record<string, unknown>;
  sources: string[];
  trajectories: number;
  calls: number;
  /** Count of each label (and "none" for unlabelled roles). */
  labels: Record<string, number>;
  /** Trajectories that could not be labelled, with the reason. */
  failures: Array<{ file: string; line: number; trajectoryId: string; reason: string }>;
}

/** Running counts for a manifest, fed row by row. */
export class LabelTally {
  private readonly labels: Record<string, number> = {};
  private readonly sources = new Set<string>();
  private readonly trajectories = new Set<string>();
  private calls = 0;

  add(r: LabelRow): void {
    const k = r.label ?? "none";
    this.labels[k] = (this.labels[k] ?? 0) + 1;
    this.sources.add(r.source.file);
    this.trajectories.add(`${r.source.file}\u0000${r.trajectoryId}`);
    this.calls++;
  }

  manifest(info: LabellerInfo, failures: LabelSetManifest["failures"] = []): LabelSetManifest {
    return {
      labeller: info.name,
      version: info.version,
      configHash: info.configHash,
      config: info.config,
      sources: [...this.sources],
      trajectories: this.trajectories.size,
      calls: this.calls,
      labels: Object.fromEntries(Object.entries(this.labels).sort(([a], [b]) => (a < b ? -1 : 1))),
      failures,
    };
  }
}

export function manifestOf(
  info: LabellerInfo,
  rows: readonly LabelRow[],
  failures: LabelSetManifest["failures"] = [],
): LabelSetManifest {
  const t = new LabelTally();
  for (const r of rows) t.add(r);
  return t.manifest(info, failures);
}

/**
 * Streaming writer of a label set directory: rows go to a temporary file that replaces
 * `labels.jsonl` only on `close`, so an interrupted run never leaves a half-written set.
 */
export class LabelSetWriter {
  readonly tally = new LabelTally();
  private constructor(
    readonly dir: string,
    private readonly tmp: string,
    private readonly ws: import("node:fs").WriteStream,
  ) {}

  static async open(dir: string): Promise<LabelSetWriter> {
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `labels.jsonl.tmp-${process.pid}`);
    const { createWriteStream } = await import("node:fs");
    return new LabelSetWriter(dir, tmp, createWriteStream(tmp));
  }

  async write(rows: readonly LabelRow[]): Promise<void> {
    for (const r of rows) {
      this.tally.add(r);
      if (!this.ws.write(JSON.stringify(r) + "\n"))
        await new Promise<void>((res) => this.ws.once("drain", () => res()));
    }
  }

  async close(info: LabellerInfo, failures: LabelSetManifest["failures"] = []): Promise<LabelSetManifest> {
    await new Promise<void>((res, rej) => this.ws.end((err?: Error | null) => (err ? rej(err) : res())));
    await rename(this.tmp, join(this.dir, "labels.jsonl"));
    const m = this.tally.manifest(info, failures);
    await writeAtomic(join(this.dir, "manifest.json"), JSON.stringify(m, null, 2) + "\n");
    return m;
  }

  abort(): void {
    this.ws.destroy();
  }
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Write `labels.jsonl` and `manifest.json` into `dir` (each replaced atomically). */
export async function writeLabelSet(
  dir: string,
  rows: readonly LabelRow[],
  manifest: LabelSetManifest,
): Promise<{ labels: string; manifest: string }> {
  await mkdir(dir, { recursive: true });
  const labels = join(dir, "labels.jsonl");
  const man = join(dir, "manifest.json");
  await writeAtomic(labels, rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : ""));
  await writeAtomic(man, JSON.stringify(manifest, null, 2) + "\n");
  return { labels, manifest: man };
}

export interface LabelSetIssue {
  file: string;
  line: number;
  reason: string;
}

export interface ReadLabelSet {
  rows: LabelRow[];
  files: string[];
  issues: LabelSetIssue[];
  manifest: LabelSetManifest | null;
}

/**
 * Read a label set: a `.jsonl` file, or a directory holding `labels.jsonl` (a written label
 * set) or `*.labels.jsonl` files (generator sidecars). Bad rows are reported with file and
 * line; good rows are kept.
 */
export async function readLabelSet(path: string): Promise<ReadLabelSet> {
  const st = await stat(path);
  let files: string[];
  let manifest: LabelSetManifest | null = null;
  if (st.isDirectory()) {
    const names = (await readdir(path)).sort();
    if (names.includes("labels.jsonl")) {
      files = [join(path, "labels.jsonl")];
      if (names.includes("manifest.json"))
        manifest = JSON.parse(await readFile(join(path, "manifest.json"), "utf8")) as LabelSetManifest;
    } else {
      files = [];
      const walk = async (d: string): Promise<void> => {
        for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          if (e.isDirectory()) await walk(join(d, e.name));
          else if (e.name.endsWith(".labels.jsonl")) files.push(join(d, e.name));
        }
      };
      await walk(path);
      if (!files.length) throw new Error(`${path}: no labels.jsonl or *.labels.jsonl inside`);
    }
  } else files = [path];
  const rows: LabelRow[] = [];
  const issues: LabelSetIssue[] = [];
  for (const f of files) {
    const lines = (await readFile(f, "utf8")).split("\n");
    lines.forEach((text, i) => {
      if (!text.trim()) return;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (err) {
        issues.push({ file: f, line: i + 1, reason: `invalid JSON: ${(err as Error).message}` });
        return;
      }
      const r = LabelRowSchema.safeParse(v);
      if (!r.success) {
        const first = r.error.issues[0];
        issues.push({
          file: f,
          line: i + 1,
          reason: `not a label row: ${first?.path.join(".") || "(root)"}: ${first?.message ?? "invalid"}`,
        });
        return;
      }
      rows.push(r.data);
    });
  }
  return { rows, files, issues, manifest };
}

/** A short name for a label set path (for tables). */
export function labelSetName(path: string): string {
  return basename(path.replace(/\/+$/, ""));
}
