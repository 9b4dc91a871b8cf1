/**
 * Frames the elements of a JSON array file (`[ {...}, {...} ]`) from a byte stream, one
 * element at a time, tracking the line each element starts on. A single top-level object
 * (`{ ... }` spanning lines) is framed as one record. A file cut in the middle of an element
 * yields the complete elements before it and a `bad` record for the cut one.
 */
import { decodeUtf8, excerptOf, jsonReason, tooLarge, type RawRecord } from "./raw-record.js";

const LBRACE = 123,
  RBRACE = 125,
  LBRACK = 91,
  RBRACK = 93,
  QUOTE = 34,
  BSLASH = 92,
  COMMA = 44,
  NL = 10;

export class JsonArraySplitter {
  private line = 1;
  /** 0: before the top-level value; 1: inside the top-level array; 2: done. */
  private phase = 0;
  private topIsArray = true;
  private depth = 0; // depth relative to the element (0 = between elements)
  private inString = false;
  private escape = false;
  private scalar = false;
  private elemLine = 0;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private oversize = false;
  private first = true;
  private trailing = false;

  constructor(private readonly maxRecordBytes: number) {}

  push(chunk: Buffer, out: RawRecord[]): void {
    let i = 0;
    if (this.first && chunk.length) {
      this.first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    let elemStart = this.depth > 0 || this.scalar ? 0 : -1;
    const n = chunk.length;
    for (; i < n; i++) {
      const b = chunk[i]!;
      if (b === NL) this.line++;
      if (this.phase === 2) {
        if (b > 32 && !this.trailing) {
          this.trailing = true;
          out.push({
            kind: "bad",
            line: this.line,
            reason: "unexpected content after the end of the JSON document; ignored",
            excerpt: "",
          });
        }
        continue;
      }
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (b === BSLASH) this.escape = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.depth === 0 && this.scalar) {
            this.scalar = false;
            this.finish(chunk, elemStart, i + 1, out);
            elemStart = -1;
          }
        }
        continue;
      }
      if (this.phase === 0) {
        if (b <= 32) continue;
        if (b === LBRACK) {
          this.phase = 1;
          continue;
        }
        // a single top-level value: frame it as one element
        this.phase = 1;
        this.topIsArray = false;
      }
      if (this.depth === 0 && !this.scalar) {
        if (b <= 32 || b === COMMA) continue;
        if (b === RBRACK && this.topIsArray) {
          this.phase = 2;
          continue;
        }
        this.elemLine = this.line;
        elemStart = i;
        if (b === LBRACE || b === LBRACK) this.depth = 1;
        else if (b === QUOTE) {
          this.scalar = true;
          this.inString = true;
        } else this.scalar = true;
        continue;
      }
      if (this.scalar) {
        if (b === COMMA || b === RBRACK || b <= 32) {
          this.scalar = false;
          this.finish(chunk, elemStart, i, out);
          elemStart = -1;
          if (b === RBRACK && this.topIsArray) this.phase = 2;
        }
        continue;
      }
      if (b === QUOTE) this.inString = true;
      else if (b === LBRACE || b === LBRACK) this.depth++;
      else if (b === RBRACE || b === RBRACK) {
        this.depth--;
        if (this.depth === 0) {
          this.finish(chunk, elemStart, i + 1, out);
          elemStart = -1;
          if (!this.topIsArray) this.phase = 2;
        }
      }
    }
    if (elemStart !== -1) this.carry(chunk, elemStart, n);
  }

  end(out: RawRecord[]): void {
    if (this.phase === 0) return; // empty file
    if (this.depth > 0 || this.inString || this.parts.length || this.oversize) {
      const text = this.oversize ? "" : Buffer.concat(this.parts).toString("utf8");
      out.push({
        kind: "bad",
        line: this.elemLine,
        reason: "JSON ends inside this element (file cut short?): element skipped",
        excerpt: excerptOf(text),
      });
    } else if (this.scalar) {
      this.finish(Buffer.alloc(0), 0, 0, out);
    } else if (this.phase === 1 && this.topIsArray) {
      out.push({
        kind: "bad",
        line: this.line,
        reason: "JSON array is not closed with ']' (file cut short?)",
        excerpt: "",
      });
    }
    this.parts = [];
  }

  private carry(chunk: Buffer, start: number, end: number): void {
    this.partBytes += end - start;
    if (this.oversize) return;
    if (this.partBytes > this.maxRecordBytes) {
      this.oversize = true;
      this.parts = [];
      return;
    }
    this.parts.push(Buffer.from(chunk.subarray(start, end)));
  }

  private finish(chunk: Buffer, start: number, end: number, out: RawRecord[]): void {
    const line = this.elemLine;
    const total = this.partBytes + (end - start);
    if (this.oversize || total > this.maxRecordBytes) {
      out.push(tooLarge(line, total, this.maxRecordBytes));
    } else {
      let buf: Buffer;
      if (this.parts.length) {
        this.parts.push(chunk.subarray(start, end));
        buf = Buffer.concat(this.parts);
      } else buf = chunk.subarray(start, end);
      const text = decodeUtf8(buf, 0, buf.length);
      if (text === null) {
        out.push({
          kind: "bad",
          line,
          reason: "not valid UTF-8: the element holds bytes that are not UTF-8 text (re-encode the file as UTF-8)",
          excerpt: "",
        });
      } else {
        try {
          out.push({ kind: "value", line, value: JSON.parse(text), bytes: buf.length });
        } catch (err) {
          out.push({ kind: "bad", line, reason: jsonReason(err, text), excerpt: excerptOf(text) });
        }
      }
    }
    this.parts = [];
    this.partBytes = 0;
    this.oversize = false;
  }
}
