/**
 * A minimal ZIP reader for trace archives (Inspect `.eval` logs): reads the central directory
 * through a file handle and decompresses one member at a time, so an archive is never held in
 * memory whole (one member's compressed and decompressed bytes at most).
 *
 * Layout facts (PKWARE APPNOTE 6.3.x; how Inspect writes them, UKGovernmentBEIS/inspect_ai@499e615):
 * - The end-of-central-directory record (`PK\x05\x06`, 22 bytes plus a comment of at most
 *   65,535 bytes) is found by scanning the tail backwards. When a count, size or offset there
 *   is saturated (0xFFFF / 0xFFFFFFFF), the ZIP64 locator (`PK\x06\x07`, the 20 bytes just
 *   before it) points at the ZIP64 record (`PK\x06\x06`) holding the 64-bit values
 *   (src/inspect_ai/_util/async_zip.py reads it the same way).
 * - A central-directory entry's saturated sizes and offset come from its ZIP64 extra field
 *   (id 0x0001), in the order uncompressed, compressed, local-header offset, only those
 *   saturated. Inspect opens streamed members with `force_zip64=True`
 *   (src/inspect_ai/log/_recorders/eval.py, `_zip_open_write`).
 * - Streamed members set flag bit 3: their local header has zero sizes and a data descriptor
 *   follows the data. The central directory's sizes are the true ones, so they are used; the
 *   local header is read only for its own name and extra lengths (which may differ from the
 *   central entry's).
 * - Methods: 0 stored, 8 DEFLATE (`zlib.inflateRawSync`), 93 Zstandard (Inspect >= 0.3.206,
 *   src/inspect_ai/_util/zip_common.py `ZipCompressionMethod.ZSTD`; decoded as `zstdDecoder` says;
 *   Inspect caps each zstd frame at 200 MiB of input because of an
 *   fzstd limit on single frames of >= 256 MiB, src/inspect_ai/_util/zipfile.py).
 * - A name written twice is deliberate superseding: Inspect's readers take the last entry
 *   (eval.py, `_zip_writestr`), and so does `latestEntries`.
 */
import { readSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import * as zlib from "node:zlib";
import { decompress as fzstdDecompress } from "fzstd";

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 DEFLATE, 93 zstd; others are reported as unsupported. */
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** A problem with the archive's structure or one member; `message` is user-facing. */
export class ZipError extends Error {
  override readonly name = "ZipError";
}

const EOCD_SIG = 0x06054b50;
const EOCD64_LOCATOR_SIG = 0x07064b50;
const EOCD64_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;

/**
 * `len` bytes at `pos`. Read synchronously on the handle's descriptor: members are read one at
 * a time anyway, and an async read per header and per member (two thread-pool round trips, a
 * zero-filled buffer each) cost more CPU than inflating the member.
 */
async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const b = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const bytesRead = readSync(fh.fd, b, got, len - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  if (got < len) throw new ZipError(`archive is cut short (wanted ${len} bytes at offset ${pos}, file ends)`);
  return b;
}

function u64(b: Buffer, at: number): number {
  const v = b.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError("a ZIP64 size or offset is beyond 2^53");
  return Number(v);
}

/** Where the central directory is and how many entries it has. */
async function findCentralDirectory(
  fh: FileHandle,
  size: number,
): Promise<{ offset: number; bytes: number; count: number }> {
  if (size < EOCD_MIN) throw new ZipError("too short to be a zip archive (no end-of-central-directory record)");
  const tailLen = Math.min(size, EOCD_MIN + MAX_COMMENT);
  const tailStart = size - tailLen;
  const tail = await readAt(fh, tailStart, tailLen);
  let at = -1;
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG && i + EOCD_MIN + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipError("no end-of-central-directory record (the archive is cut short or not a zip)");
  let count = tail.readUInt16LE(at + 10);
  let bytes = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  if (count === U16_MAX || bytes === U32_MAX || offset === U32_MAX) {
    const locAbs = tailStart + at - 20;
    if (locAbs < 0) throw new ZipError("ZIP64 end-of-central-directory locator missing");
    const loc = await readAt(fh, locAbs, 20);
    if (loc.readUInt32LE(0) !== EOCD64_LOCATOR_SIG)
      throw new ZipError("ZIP64 end-of-central-directory locator missing");
    const recAt = u64(loc, 8);
    const rec = await readAt(fh, recAt, 56);
    if (rec.readUInt32LE(0) !== EOCD64_SIG) throw new ZipError("corrupt ZIP64 end-of-central-directory record");
    count = u64(rec, 32);
    bytes = u64(rec, 40);
    offset = u64(rec, 48);
  }
  if (offset + bytes > size) throw new ZipError("the central directory lies beyond the end of the file (cut short?)");
  return { offset, bytes, count };
}

function parseCentralDirectory(cd: Buffer, count: number): ZipEntry[] {
  const out: ZipEntry[] = [];
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG)
      throw new ZipError(`corrupt central directory (entry ${k + 1})`);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressedSize = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const nameEnd = p + 46 + nameLen;
    if (nameEnd + extraLen + commentLen > cd.length) throw new ZipError(`corrupt central directory (entry ${k + 1})`);
    // bit 11: UTF-8 names; otherwise CP437, whose ASCII range (all Inspect writes) is the same
    const name = cd.toString(flags & 0x800 ? "utf8" : "latin1", p + 46, nameEnd);
    if (uncompressedSize === U32_MAX || compressedSize === U32_MAX || localHeaderOffset === U32_MAX) {
      for (let e = nameEnd; e + 4 <= nameEnd + extraLen;) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let f = e + 4;
          const next = (): number => {
            if (f + 8 > e + 4 + len) throw new ZipError(`corrupt ZIP64 extra field for ${name}`);
            const v = u64(cd, f);
            f += 8;
            return v;
          };
          if (uncompressedSize === U32_MAX) uncompressedSize = next();
          if (compressedSize === U32_MAX) compressedSize = next();
          if (localHeaderOffset === U32_MAX) localHeaderOffset = next();
          break;
        }
        e += 4 + len;
      }
    }
    out.push({ name, method, flags, crc, compressedSize, uncompressedSize, localHeaderOffset });
    p = nameEnd + extraLen + commentLen;
  }
  return out;
}

/** The entries of the archive at `path`, in central-directory order. */
export async function listZip(fh: FileHandle): Promise<ZipEntry[]> {
  const { size } = await fh.stat();
  const { offset, bytes, count } = await findCentralDirectory(fh, size);
  return parseCentralDirectory(await readAt(fh, offset, bytes), count);
}

/** One entry per name, the last one written winning (Inspect's superseding rule), in first-seen order. */
export function latestEntries(entries: readonly ZipEntry[]): ZipEntry[] {
  const byName = new Map<string, ZipEntry>();
  for (const e of entries) {
    byName.delete(e.name);
    byName.set(e.name, e);
  }
  return [...byName.values()];
}

/**
 * Zstandard decoding, fastest first: Node's own `zlib.zstdDecompressSync` where it exists
 * (Node >= 22.15); else zstd's reference decoder compiled to WebAssembly (`zstddec`, the wasm
 * shipped inside its npm package), given the member's uncompressed size from the central
 * directory as its output capacity, so a member of several frames (Inspect splits at 200 MiB)
 * decodes whole; else, where WebAssembly is unavailable (`node --jitless`), the pure-JS `fzstd`.
 * Measured on Node 20 (bench/ingest.mjs `eval-zstd`): the wasm decoder takes about 1/7 of
 * fzstd's CPU time once compiled (compiling it costs about 0.1 s, once per process).
 * `readMember` checks every result's length and CRC-32, which also catches a decoder error.
 */
type ZstdDecode = (b: Buffer, size: number) => Buffer;

const nativeZstd = ((): ZstdDecode | null => {
  const native: unknown = Reflect.get(zlib, "zstdDecompressSync");
  if (typeof native !== "function") return null;
  return (b) => {
    const out: unknown = Reflect.apply(native, zlib, [b]);
    if (!Buffer.isBuffer(out)) throw new Error("zstdDecompressSync returned no buffer");
    return out;
  };
})();

const jsZstd: ZstdDecode = (b) => {
  const u = fzstdDecompress(b);
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
};

let zstdReady: Promise<ZstdDecode> | null = null;

/** The zstd decoder for this process, chosen (and the wasm one compiled) on first use. */
function zstdDecoder(): Promise<ZstdDecode> {
  zstdReady ??= (async (): Promise<ZstdDecode> => {
    if (nativeZstd) return nativeZstd;
    if (typeof WebAssembly !== "object") return jsZstd;
    try {
      const { ZSTDDecoder } = await import("zstddec");
      const d = new ZSTDDecoder();
      await d.init();
      return (b, size) => {
        // size 0 would make zstddec read the size from the frame header; an empty member has no frame data to decode
        if (size === 0) return jsZstd(b, 0);
        const u = d.decode(b, size);
        // zstddec reports no decoder error: a short or clipped result is decoded again by fzstd, whose
        // error (or output) then says what is wrong with the member
        if (u.byteLength !== size) return jsZstd(b, size);
        return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
      };
    } catch {
      return jsZstd;
    }
  })();
  return zstdReady;
}

/** The method's name for messages. */
function methodName(m: number): string {
  return m === 0 ? "stored" : m === 8 ? "DEFLATE" : m === 93 ? "zstd" : `method ${m}`;
}

/**
 * Read and decompress one member. `maxBytes` bounds its uncompressed size (checked before
 * anything is read, and again on the output, which a corrupt size field cannot bypass).
 */
export async function readMember(fh: FileHandle, e: ZipEntry, maxBytes: number): Promise<Buffer> {
  if (e.flags & 0x1) throw new ZipError(`${e.name}: encrypted members are not supported`);
  if (e.uncompressedSize > maxBytes)
    throw new ZipError(`${e.name}: ${e.uncompressedSize} bytes uncompressed exceeds the limit`);
  const local = await readAt(fh, e.localHeaderOffset, 30);
  if (local.readUInt32LE(0) !== LOCAL_SIG)
    throw new ZipError(`${e.name}: no local header at offset ${e.localHeaderOffset}`);
  const dataAt = e.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const raw = await readAt(fh, dataAt, e.compressedSize);
  let out: Buffer;
  try {
    if (e.method === 0) out = raw;
    else if (e.method === 8) out = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, maxBytes) });
    else if (e.method === 93) out = (await zstdDecoder())(raw, e.uncompressedSize);
    else
      throw new ZipError(`${e.name}: compression ${methodName(e.method)} is not supported (stored, DEFLATE, zstd are)`);
  } catch (err) {
    if (err instanceof ZipError) throw err;
    throw new ZipError(`${e.name}: ${methodName(e.method)} data is corrupt (${(err as Error).message})`);
  }
  if (out.length !== e.uncompressedSize) {
    throw new ZipError(`${e.name}: decompressed to ${out.length} bytes, the directory says ${e.uncompressedSize}`);
  }
  if (zlib.crc32(out) >>> 0 !== e.crc >>> 0) throw new ZipError(`${e.name}: CRC-32 mismatch (the member is corrupt)`);
  return out;
}

/**
 * The members of an archive without a usable central directory (a copy cut short), found by
 * walking the local headers from the start. Works for members whose local header holds their
 * sizes: Inspect writes its temp file seekably, so even streamed members get their sizes patched
 * in. Stops at the first member it cannot size or that runs past the end of the file.
 */
export async function scanLocalHeaders(fh: FileHandle): Promise<ZipEntry[]> {
  const { size } = await fh.stat();
  const out: ZipEntry[] = [];
  for (let at = 0; at + 30 <= size;) {
    const h = await readAt(fh, at, 30);
    if (h.readUInt32LE(0) !== LOCAL_SIG) break;
    const flags = h.readUInt16LE(6);
    let compressedSize = h.readUInt32LE(18);
    let uncompressedSize = h.readUInt32LE(22);
    const nameLen = h.readUInt16LE(26);
    const extraLen = h.readUInt16LE(28);
    if (at + 30 + nameLen + extraLen > size) break;
    const ne = await readAt(fh, at + 30, nameLen + extraLen);
    const name = ne.toString(flags & 0x800 ? "utf8" : "latin1", 0, nameLen);
    let zip64 = false;
    for (let e = nameLen; e + 4 <= ne.length; e += 4 + ne.readUInt16LE(e + 2)) {
      if (ne.readUInt16LE(e) !== 0x0001) continue;
      zip64 = true;
      if ((compressedSize === U32_MAX || uncompressedSize === U32_MAX) && e + 20 <= ne.length) {
        uncompressedSize = u64(ne, e + 4);
        compressedSize = u64(ne, e + 12);
      }
      break;
    }
    const dataAt = at + 30 + nameLen + extraLen;
    if ((flags & 0x8 && compressedSize === 0) || compressedSize === U32_MAX || dataAt + compressedSize > size) break;
    const crc = h.readUInt32LE(14);
    out.push({ name, method: h.readUInt16LE(8), flags, crc, compressedSize, uncompressedSize, localHeaderOffset: at });
    at = dataAt + compressedSize;
    if (flags & 0x8 && at + 4 <= size) {
      // a data descriptor follows: optional signature, CRC, then 4- or 8-byte sizes
      const d = await readAt(fh, at, Math.min(24, size - at));
      const sig = d.readUInt32LE(0) === 0x08074b50 ? 4 : 0;
      at += sig + 4 + (zip64 ? 16 : 8);
    }
  }
  return out;
}

/**
 * Open an archive for member reads; the caller closes the handle. Without a usable central
 * directory the members come from `scanLocalHeaders`, and `recovered` says so.
 */
export async function openZip(
  path: string,
): Promise<{ fh: FileHandle; entries: ZipEntry[]; recovered: string | null }> {
  const fh = await open(path, "r");
  try {
    try {
      return { fh, entries: await listZip(fh), recovered: null };
    } catch (err) {
      if (!(err instanceof ZipError)) throw err;
      const entries = await scanLocalHeaders(fh);
      if (entries.length === 0) throw err;
      return { fh, entries, recovered: err.message };
    }
  } catch (err) {
    await fh.close();
    throw err;
  }
}
