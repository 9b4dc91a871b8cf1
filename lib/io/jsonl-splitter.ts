/**
 * Frames JSON Lines from a byte stream, chunk by chunk, without ever holding more than one
 * record (bounded by `maxRecordBytes`) beyond the current chunk. Blank lines are skipped;
 * CRLF and a leading BOM are accepted. Bad lines become `bad` records with the reason.
 */
import { decodeUtf8, excerptOf, jsonReason, tooLarge, type RawRecord } from "./raw-record.js";

export class JsonlSplitter {
  private line = 0;
  private parts: Buffer[] = [];
  private pendingBytes = 0;
  private oversize = false;
  private first = true;

  /** `linesBefore`: lines that precede the first byte pushed (when reading a byte range). */
  constructor(
    private readonly maxRecordBytes: number,
    linesBefore = 0,
  ) {
    this.line = linesBefore;
    if (linesBefore > 0) this.first = false; // a BOM can only start the file
  }

  /** Bytes of the current, unfinished record held in memory (never more than the limit). */
  get bufferedBytes(): number {
    let n = 0;
    for (const p of this.parts) n += p.length;
    return n;
  }

  push(chunk: Buffer, out: RawRecord[]): void {
    let pos = 0;
    if (this.first && chunk.length) {
      this.first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) pos = 3;
    }
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl === -1) {
        this.carry(chunk, pos, chunk.length);
        return;
      }
      this.line++;
      if (this.parts.length === 0 && !this.oversize) {
        this.emit(chunk, pos, nl, out);
      } else {
        this.carry(chunk, pos, nl);
        this.flushCarried(out);
      }
      pos = nl + 1;
    }
  }

  end(out: RawRecord[]): void {
    if (this.parts.length || this.oversize) {
      this.line++;
      this.flushCarried(out, true);
    }
  }

  private carry(chunk: Buffer, start: number, end: number): void {
    if (end <= start) return;
    this.pendingBytes += end - start;
    if (this.oversize) return;
    if (this.pendingBytes > this.maxRecordBytes) {
      this.oversize = true;
      this.parts = [];
      return;
    }
    // copy: the chunk buffer may be reused by the stream
    this.parts.push(Buffer.from(chunk.subarray(start, end)));
  }

  private flushCarried(out: RawRecord[], atEof = false): void {
    if (this.oversize) {
      out.push(tooLarge(this.line, this.pendingBytes, this.maxRecordBytes));
    } else {
      const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
      this.emit(buf, 0, buf.length, out, atEof);
    }
    this.parts = [];
    this.pendingBytes = 0;
    this.oversize = false;
  }

  private emit(buf: Buffer, start: number, end: number, out: RawRecord[], atEof = false): void {
    if (end > start && buf[end - 1] === 13) end--;
    if (end - start > this.maxRecordBytes) {
      out.push(tooLarge(this.line, end - start, this.maxRecordBytes));
      return;
    }
    const text = decodeUtf8(buf, start, end);
    if (text === null) {
      out.push({
        kind: "bad",
        line: this.line,
        reason: "not valid UTF-8: the line holds bytes that are not UTF-8 text (re-encode the file as UTF-8)",
        excerpt: excerptOf(buf.toString("latin1", start, Math.min(end, start + 120))),
      });
      return;
    }
    if (isBlank(text)) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      let reason = jsonReason(err, text);
      if (atEof && !reason.includes("truncated")) reason += " (last line of the file: truncated?)";
      out.push({ kind: "bad", line: this.line, reason, excerpt: excerptOf(text) });
      return;
    }
    out.push({ kind: "value", line: this.line, value, bytes: end - start });
  }
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}
