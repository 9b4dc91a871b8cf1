/**
 * A record as framed from a file, before any format reads it: either a parsed JSON value or
 * a bad record with the reason it could not be framed. `line` is 1-based, the line of the
 * record's first byte; for a member of an archive it is the member's 1-based position in
 * reading order, and `member` names it (`"samples/1_epoch_1.json"`).
 *
 * A bad record with `fileLevel: true` (line 0) speaks for the whole file: it is not a trace
 * (a binary file, a zip without samples, text that is not JSON) and no other record follows.
 */
export type RawRecord =
  | {
      kind: "value";
      line: number;
      value: unknown;
      bytes: number;
      member?: string;
      /** For an element of a streamed array (`ReadRecordsOptions.streamArray`): the object's other fields. */
      parent?: unknown;
    }
  | { kind: "bad"; line: number; reason: string; excerpt: string; member?: string; fileLevel?: true };

/** Container layouts sounding frames. */
export type Container = "jsonl" | "json";

/** A bad record that speaks for the whole file (line 0). */
export function fileLevelBad(reason: string): RawRecord {
  return { kind: "bad", line: 0, reason, excerpt: "", fileLevel: true };
}

const EXCERPT_CHARS = 120;

/** A short, single-line, printable excerpt of record text for error reports. */
export function excerptOf(text: string, max = EXCERPT_CHARS): string {
  const head = text.length > max ? text.slice(0, max) : text;
  // eslint-disable-next-line no-control-regex
  const clean = head.replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === "\n"
      ? "\\n"
      : c === "\t"
        ? "\\t"
        : c === "\r"
          ? "\\r"
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return text.length > max ? clean + "…" : clean;
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decode UTF-8 bytes; returns null when they are not valid UTF-8. Fast path: a plain
 * decode, re-checked strictly only when it produced a replacement character.
 */
export function decodeUtf8(buf: Buffer, start: number, end: number): string | null {
  const s = buf.toString("utf8", start, end);
  if (s.indexOf("\uFFFD") === -1) return s;
  try {
    fatalUtf8.decode(buf.subarray(start, end));
    return s;
  } catch {
    return null;
  }
}

/** Turn a JSON.parse failure into a user-facing reason. */
export function jsonReason(err: unknown, text: string): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/end of JSON input|Unterminated string|Expected .* after/.test(msg) && !/position \d+ \(line/.test(msg)) {
    return `invalid JSON: record ends early (truncated?): ${msg}`;
  }
  return `invalid JSON: ${msg}` + (text.trim() === "" ? " (empty record)" : "");
}

export function humanBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KB`;
  return `${n} B`;
}

/** The bad record for a record over the size limit. */
export function tooLarge(line: number, bytes: number, max: number): RawRecord {
  return {
    kind: "bad",
    line,
    reason: `record too large: ${humanBytes(bytes)} exceeds the ${humanBytes(max)} limit (maxRecordBytes / --max-record-mb); skipped`,
    excerpt: "",
  };
}
