/**
 * A small ZIP writer for tests, written from PKWARE's APPNOTE rather than from the reader:
 * stored, DEFLATE and zstd (method 93) members, streamed members (flag bit 3 with a data
 * descriptor and zero sizes in the local header), forced ZIP64 (saturated 32-bit fields with
 * a 0x0001 extra, a ZIP64 end record and locator) and repeated names, as Inspect writes them.
 */
import { crc32, deflateRawSync } from "node:zlib";

/**
 * A zstd frame of raw (uncompressed) blocks (RFC 8878 §3.1.1): magic, a frame header with the
 * content size, then blocks of at most 128 KiB, the last one flagged.
 */
export function zstdRawFrame(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd])];
  // Single_Segment_flag (bit 5) set; Frame_Content_Size_flag (bits 6-7): 0 -> 1 byte, 1 -> 2 bytes (minus 256), 2 -> 4
  if (data.length < 256) parts.push(Buffer.from([0x20, data.length]));
  else if (data.length < 65536 + 256) {
    const b = Buffer.alloc(3);
    b[0] = 0x60;
    b.writeUInt16LE(data.length - 256, 1);
    parts.push(b);
  } else {
    const b = Buffer.alloc(5);
    b[0] = 0xa0;
    b.writeUInt32LE(data.length, 1);
    parts.push(b);
  }
  const MAX = 128 * 1024;
  let p = 0;
  do {
    const n = Math.min(MAX, data.length - p);
    const last = p + n >= data.length ? 1 : 0;
    const h = (n << 3) | last; // Block_Type 0 (raw) in bits 1-2
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), data.subarray(p, p + n));
    p += n;
  } while (p < data.length);
  return Buffer.concat(parts);
}

export interface ZipInput {
  name: string;
  data: Buffer | string;
  /** 0 stored, 8 DEFLATE, 93 zstd (default 8). */
  method?: 0 | 8 | 93;
}

export interface ZipOptions {
  /** Streamed members: flag bit 3, zero sizes in the local header, a data descriptor after the data. */
  descriptor?: boolean;
  /** Saturated 32-bit sizes and offsets with ZIP64 extras, plus a ZIP64 end record. */
  zip64?: boolean;
  /** An archive comment (the end record is then not the file's last 22 bytes). */
  comment?: string;
}

const FF = 0xffffffff;

export function writeZip(entries: readonly ZipInput[], opts: ZipOptions = {}): Buffer {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer): void => {
    out.push(b);
    offset += b.length;
  };
  for (const e of entries) {
    const raw = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, "utf8");
    const method = e.method ?? 8;
    const body = method === 0 ? raw : method === 8 ? deflateRawSync(raw) : zstdRawFrame(raw);
    const crc = crc32(raw) >>> 0;
    const name = Buffer.from(e.name, "utf8");
    const flags = 0x800 | (opts.descriptor ? 0x8 : 0);
    const localAt = offset;
    const z64 = opts.zip64 ? Buffer.alloc(4 + 16) : Buffer.alloc(0);
    if (opts.zip64) {
      z64.writeUInt16LE(0x0001, 0);
      z64.writeUInt16LE(16, 2);
      z64.writeBigUInt64LE(BigInt(opts.descriptor ? 0 : raw.length), 4);
      z64.writeBigUInt64LE(BigInt(opts.descriptor ? 0 : body.length), 12);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(opts.descriptor ? 0 : crc, 14);
    local.writeUInt32LE(opts.zip64 ? FF : opts.descriptor ? 0 : body.length, 18);
    local.writeUInt32LE(opts.zip64 ? FF : opts.descriptor ? 0 : raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(z64.length, 28);
    push(Buffer.concat([local, name, z64, body]));
    if (opts.descriptor) {
      const d = Buffer.alloc(opts.zip64 ? 24 : 16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc, 4);
      if (opts.zip64) {
        d.writeBigUInt64LE(BigInt(body.length), 8);
        d.writeBigUInt64LE(BigInt(raw.length), 16);
      } else {
        d.writeUInt32LE(body.length, 8);
        d.writeUInt32LE(raw.length, 12);
      }
      push(d);
    }
    const cx = opts.zip64 ? Buffer.alloc(4 + 24) : Buffer.alloc(0);
    if (opts.zip64) {
      cx.writeUInt16LE(0x0001, 0);
      cx.writeUInt16LE(24, 2);
      cx.writeBigUInt64LE(BigInt(raw.length), 4);
      cx.writeBigUInt64LE(BigInt(body.length), 12);
      cx.writeBigUInt64LE(BigInt(localAt), 20);
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(0x031e, 4);
    c.writeUInt16LE(opts.zip64 ? 45 : 20, 6);
    c.writeUInt16LE(flags, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(opts.zip64 ? FF : body.length, 20);
    c.writeUInt32LE(opts.zip64 ? FF : raw.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt16LE(cx.length, 30);
    c.writeUInt32LE(opts.zip64 ? FF : localAt, 42);
    central.push(Buffer.concat([c, name, cx]));
  }
  const cdAt = offset;
  const cd = Buffer.concat(central);
  push(cd);
  if (opts.zip64) {
    const e64At = offset;
    const r = Buffer.alloc(56);
    r.writeUInt32LE(0x06064b50, 0);
    r.writeBigUInt64LE(44n, 4);
    r.writeUInt16LE(45, 12);
    r.writeUInt16LE(45, 14);
    r.writeBigUInt64LE(BigInt(entries.length), 24);
    r.writeBigUInt64LE(BigInt(entries.length), 32);
    r.writeBigUInt64LE(BigInt(cd.length), 40);
    r.writeBigUInt64LE(BigInt(cdAt), 48);
    push(r);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(e64At), 8);
    loc.writeUInt32LE(1, 16);
    push(loc);
  }
  const comment = Buffer.from(opts.comment ?? "", "utf8");
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 8);
  end.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 10);
  end.writeUInt32LE(opts.zip64 ? FF : cd.length, 12);
  end.writeUInt32LE(opts.zip64 ? FF : cdAt, 16);
  end.writeUInt16LE(comment.length, 20);
  push(Buffer.concat([end, comment]));
  return Buffer.concat(out);
}
