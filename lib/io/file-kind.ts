/**
 * What a file is, told from its first bytes (never from its name): a gzip stream or a zip
 * archive (both read), a known binary or compressed format (named, not read), UTF-16 text
 * (named: sounding reads UTF-8), or text. One look at the head, so a PNG or an executable is
 * reported in one line instead of as hundreds of UTF-8 or JSON errors.
 *
 * Signatures are the formats' own magic numbers: zip `PK\x03\x04` (an empty archive
 * `PK\x05\x06`; Inspect's `EvalRecorder.handles_bytes` tests the same four bytes,
 * UKGovernmentBEIS/inspect_ai@499e615, src/inspect_ai/log/_recorders/eval.py), gzip `1f 8b`,
 * zstd frame `28 b5 2f fd`, xz `fd 37 7a 58 5a 00`, bzip2 `BZh`, 7z `37 7a bc af 27 1c`, ELF
 * `7f 45 4c 46`, PE/DOS `MZ`, Mach-O `fe ed fa ce|cf` either byte order and fat `ca fe ba be`
 * (also a Java class file), PNG `89 50 4e 47`, JPEG `ff d8 ff`, GIF `GIF87a|GIF89a`, PDF
 * `%PDF-`, SQLite `SQLite format 3\0`, Parquet `PAR1`, tar `ustar` at offset 257.
 */
import { open } from "node:fs/promises";

export type FileKind =
  | { kind: "text" }
  | { kind: "gzip" }
  | { kind: "zip" }
  /** Not readable as trace text; `what` names the format ("ELF executable", "PNG image"). */
  | { kind: "binary"; what: string };

/** Bytes read from the head of a file to tell its kind. */
export const SNIFF_BYTES = 4096;

const MAGIC: ReadonlyArray<readonly [number[], string]> = [
  [[0x28, 0xb5, 0x2f, 0xfd], "zstd-compressed stream"],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "xz-compressed stream"],
  [[0x42, 0x5a, 0x68], "bzip2-compressed stream"],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], "7-Zip archive"],
  [[0x7f, 0x45, 0x4c, 0x46], "ELF executable"],
  [[0xfe, 0xed, 0xfa, 0xce], "Mach-O executable"],
  [[0xfe, 0xed, 0xfa, 0xcf], "Mach-O executable"],
  [[0xce, 0xfa, 0xed, 0xfe], "Mach-O executable"],
  [[0xcf, 0xfa, 0xed, 0xfe], "Mach-O executable"],
  [[0xca, 0xfe, 0xba, 0xbe], "Mach-O universal binary or Java class file"],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG image"],
  [[0xff, 0xd8, 0xff], "JPEG image"],
  [[0x47, 0x49, 0x46, 0x38, 0x37, 0x61], "GIF image"],
  [[0x47, 0x49, 0x46, 0x38, 0x39, 0x61], "GIF image"],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], "PDF document"],
  [[...Buffer.from("SQLite format 3"), 0], "SQLite database"],
  [[...Buffer.from("PAR1")], "Parquet file"],
  [[0x4d, 0x5a], "PE/DOS executable"],
];

function startsWith(head: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (head.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (head[at + i] !== sig[i]) return false;
  return true;
}

/**
 * Length of the valid UTF-8 sequence starting at `i`, or 0 when the bytes there are not
 * valid UTF-8. A sequence cut by the end of `head` counts as valid (the head is a prefix).
 */
function utf8Len(head: Uint8Array, i: number): number {
  const b = head[i]!;
  const n = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? (b <= 0xef ? 3 : 0) : b >= 0xc2 && b <= 0xdf ? 2 : 0;
  if (n === 0) return 0;
  for (let k = 1; k < n; k++) {
    if (i + k >= head.length) return n;
    const c = head[i + k]!;
    if (c < 0x80 || c > 0xbf) return 0;
  }
  return n;
}

/**
 * The share of `head` that text cannot contain: NUL, C0 controls other than tab, newline,
 * form feed and carriage return, DEL, and bytes that are not valid UTF-8.
 */
export function nonTextShare(head: Uint8Array): number {
  if (head.length === 0) return 0;
  let bad = 0;
  for (let i = 0; i < head.length;) {
    const b = head[i]!;
    if (b < 0x80) {
      if ((b < 0x20 && b !== 9 && b !== 10 && b !== 12 && b !== 13) || b === 0x7f) bad++;
      i++;
      continue;
    }
    const n = utf8Len(head, i);
    if (n === 0) {
      bad++;
      i++;
    } else i += n;
  }
  return bad / head.length;
}

/**
 * A head is binary when it holds a NUL byte (JSON text never does) or more than 10% of it is
 * not text. A few stray Latin-1 bytes in a JSON Lines file stay text (each such line is then
 * reported as not UTF-8 by the splitter).
 */
const BINARY_SHARE = 0.1;

const UTF16 = "UTF-16 text";

/** Tell a file's kind from its first bytes (at least `SNIFF_BYTES` when the file has them). */
export function sniffKind(head: Uint8Array): FileKind {
  if (startsWith(head, [0x1f, 0x8b])) return { kind: "gzip" };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return { kind: "zip" };
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    return { kind: "binary", what: UTF16 };
  }
  for (const [sig, what] of MAGIC) if (startsWith(head, sig)) return { kind: "binary", what };
  if (startsWith(head, [...Buffer.from("ustar")], 257)) return { kind: "binary", what: "tar archive" };
  // UTF-16 without a BOM: every other byte NUL in ASCII-heavy text
  if (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) {
    return { kind: "binary", what: UTF16 };
  }
  if (head.includes(0) || nonTextShare(head) > BINARY_SHARE) return { kind: "binary", what: "binary data" };
  return { kind: "text" };
}

/** The first `n` bytes of a file (fewer when it is shorter). */
export async function readHead(path: string, n = SNIFF_BYTES): Promise<Buffer> {
  const fh = await open(path, "r");
  try {
    const b = Buffer.alloc(n);
    const { bytesRead } = await fh.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Tell a file's kind from its first bytes. Open errors propagate (the caller reports them). */
export async function fileKind(path: string): Promise<FileKind> {
  return sniffKind(await readHead(path));
}

/** The one-line, file-level reason for a file of kind `binary`. */
export function binaryReason(what: string): string {
  if (what === UTF16) return "UTF-16 text, not UTF-8: convert it first (iconv -f UTF-16 -t UTF-8 FILE)";
  return `a binary file (${what}), not a trace`;
}
