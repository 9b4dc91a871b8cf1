/**
 * The records of a zip archive of samples (an Inspect `.eval` log, or any zip whose members
 * are `samples/*.json`): one value record per sample member, each exactly the parsed sample
 * object (the same shape as one element of an Inspect JSON log's `samples[]`), read and
 * decompressed one member at a time.
 *
 * Inspect writes `header.json` (eval spec and results), `samples/{id}_epoch_{epoch}.json`,
 * `summaries.json`, `reductions.json` and `_journal/…` (UKGovernmentBEIS/inspect_ai@499e615,
 * src/inspect_ai/log/_recorders/eval.py, `_sample_filename`); only the samples are records.
 *
 * Order: by epoch, then by id, as Inspect's own `sort_samples` orders them (src/inspect_ai/
 * log/_log.py: an integer id compares as its 20-digit zero-padded decimal, a string id as
 * itself); the id and epoch come from the member name. A `samples/*.json` member whose name
 * lacks `_epoch_N` sorts as epoch 0 by its stem. Ties cannot occur (names are unique after the
 * last-entry-wins rule). `line` is the member's 1-based position in that order.
 *
 * An archive cut short (no central directory) is read from its local headers: one bad record at
 * line 0 says so, then the samples that could be recovered.
 */
import type { FileHandle } from "node:fs/promises";
import { decodeUtf8, excerptOf, fileLevelBad, humanBytes, jsonReason, type RawRecord } from "./raw-record.js";
import { latestEntries, openZip, readMember, ZipError, type ZipEntry } from "./zip-reader.js";

const SAMPLE = /^samples\/([^/]+)\.json$/;
const EPOCH = /^(.*)_epoch_(\d+)$/;

interface SampleMember {
  entry: ZipEntry;
  epoch: number;
  key: string;
}

function sampleOf(entry: ZipEntry): SampleMember | null {
  const m = SAMPLE.exec(entry.name);
  if (!m) return null;
  const stem = m[1]!;
  const e = EPOCH.exec(stem);
  const id = e ? e[1]! : stem;
  return { entry, epoch: e ? Number(e[2]) : 0, key: /^\d+$/.test(id) ? id.padStart(20, "0") : id };
}

/** Sample members in reading order (see the module comment). */
export function sampleMembers(entries: readonly ZipEntry[]): ZipEntry[] {
  const samples = latestEntries(entries).flatMap((e) => sampleOf(e) ?? []);
  samples.sort((a, b) => a.epoch - b.epoch || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return samples.map((s) => s.entry);
}

function listing(entries: readonly ZipEntry[]): string {
  const names = entries.slice(0, 5).map((e) => e.name);
  return names.join(", ") + (entries.length > 5 ? `, … (${entries.length} members)` : "");
}

async function memberRecord(fh: FileHandle, e: ZipEntry, line: number, max: number): Promise<RawRecord> {
  const bad = (reason: string, excerpt = ""): RawRecord => ({ kind: "bad", line, reason, excerpt, member: e.name });
  if (e.uncompressedSize > max) {
    const lim = `${humanBytes(max)} limit (maxRecordBytes / --max-record-mb)`;
    return bad(`${e.name}: record too large: ${humanBytes(e.uncompressedSize)} exceeds the ${lim}; skipped`);
  }
  let buf: Buffer;
  try {
    buf = await readMember(fh, e, max);
  } catch (err) {
    if (err instanceof ZipError) return bad(err.message);
    throw err;
  }
  const text = decodeUtf8(buf, 0, buf.length);
  if (text === null) return bad(`${e.name}: not valid UTF-8`);
  try {
    return { kind: "value", line, value: JSON.parse(text), bytes: buf.length, member: e.name };
  } catch (err) {
    return bad(`${e.name}: ${jsonReason(err, text)}`, excerptOf(text));
  }
}

/**
 * The log header of an Inspect archive without samples: `header.json` (written when the run ends),
 * else `_journal/start.json` (written when it starts), as one value record at line 0 when it is an
 * object with a numeric `version` and an `eval` object (Inspect's `EvalLog` / `LogStart`); else null.
 */
async function inspectHeader(fh: FileHandle, entries: readonly ZipEntry[], max: number): Promise<RawRecord | null> {
  const latest = latestEntries(entries);
  for (const name of ["header.json", "_journal/start.json"]) {
    const e = latest.find((x) => x.name === name);
    if (!e) continue;
    const rec = await memberRecord(fh, e, 0, max);
    if (rec.kind !== "value") continue;
    const v = rec.value as Record<string, unknown> | null;
    const isObj = (x: unknown): boolean => typeof x === "object" && x !== null && !Array.isArray(x);
    if (isObj(v) && typeof v!.version === "number" && isObj(v!.eval)) return rec;
  }
  return null;
}

/**
 * Batches (one record each) of the sample members of the zip at `path`. A structural problem
 * (no central directory, cut short) or an archive without samples is one file-level record.
 */
export async function* readZipRecords(
  path: string,
  maxRecordBytes: number,
  onProgress?: (bytesRead: number) => void,
): AsyncGenerator<RawRecord[]> {
  let zip;
  try {
    zip = await openZip(path);
  } catch (err) {
    if (err instanceof ZipError) {
      yield [fileLevelBad(`a zip archive that cannot be read: ${err.message}`)];
      return;
    }
    throw err;
  }
  const { fh, entries, recovered } = zip;
  try {
    const samples = sampleMembers(entries);
    if (recovered !== null && samples.length) {
      const n = `${samples.length} sample member${samples.length === 1 ? "" : "s"}`;
      const why = `a zip archive without a readable central directory (${recovered})`;
      yield [
        { kind: "bad", line: 0, reason: `${why}: ${n} recovered from local headers; later ones are lost`, excerpt: "" },
      ];
    }
    if (samples.length === 0) {
      // an Inspect log of zero samples (an empty dataset, a run stopped before its first sample,
      // `--no-log-samples`): its header is the one record, which the loader reports as a log without samples
      const header = await inspectHeader(fh, entries, maxRecordBytes);
      if (header) {
        yield [header];
        return;
      }
      const what = entries.length ? `its members: ${listing(entries)}` : "it is empty";
      yield [fileLevelBad(`a zip archive with no samples/*.json members (${what}), not an Inspect .eval log`)];
      return;
    }
    let line = 0;
    let read = 0;
    for (const e of samples) {
      const rec = await memberRecord(fh, e, ++line, maxRecordBytes);
      read += e.compressedSize;
      onProgress?.(read);
      yield [rec];
    }
  } finally {
    await fh.close();
  }
}
