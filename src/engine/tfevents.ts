// TensorBoard event files, written from the documented formats: TFRecord
// framing (little-endian uint64 length, masked CRC-32C of the length, data,
// masked CRC-32C of the data) around Event protocol buffers holding scalar
// summaries. The reader exists for tests and tools that check the files.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = (CRC32C_TABLE[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

// ---- protobuf encoding (only what Event/Summary need) ---------------------------
function varint(value: number | bigint): Buffer {
  let v = BigInt(value);
  const bytes: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return Buffer.from(bytes);
}

const key = (field: number, wireType: number) => varint((field << 3) | wireType);
const lengthDelimited = (field: number, payload: Buffer) => Buffer.concat([key(field, 2), varint(payload.length), payload]);

function doubleField(field: number, value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return Buffer.concat([key(field, 1), b]);
}

function floatField(field: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return Buffer.concat([key(field, 5), b]);
}

/** Event{wall_time=1, step=2, file_version=3 | summary=5{value=1{tag=1, simple_value=2}}}. */
function encodeEvent(wallTime: number, step: number, body: { fileVersion?: string; scalars?: [string, number][] }): Buffer {
  const parts = [doubleField(1, wallTime), Buffer.concat([key(2, 0), varint(step)])];
  if (body.fileVersion) parts.push(lengthDelimited(3, Buffer.from(body.fileVersion)));
  if (body.scalars) {
    const values = body.scalars.map(([tag, value]) => lengthDelimited(1, Buffer.concat([lengthDelimited(1, Buffer.from(tag)), floatField(2, value)])));
    parts.push(lengthDelimited(5, Buffer.concat(values)));
  }
  return Buffer.concat(parts);
}

function frame(data: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header.writeBigUInt64LE(BigInt(data.length));
  header.writeUInt32LE(maskedCrc32c(header.subarray(0, 8)), 8);
  const footer = Buffer.alloc(4);
  footer.writeUInt32LE(maskedCrc32c(data));
  return Buffer.concat([header, data, footer]);
}

/** Appends scalar events to a new events.out.tfevents.<time>.<host> file in `dir`. */
export class EventFileWriter {
  readonly file: string;
  private readonly fd: number;

  constructor(dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    const now = Date.now() / 1000;
    this.file = path.join(dir, `events.out.tfevents.${Math.floor(now)}.${os.hostname()}.${process.pid}`);
    this.fd = fs.openSync(this.file, 'a');
    fs.writeSync(this.fd, frame(encodeEvent(now, 0, { fileVersion: 'brain.Event:2' })));
  }

  addScalars(step: number, scalars: Record<string, number>): void {
    const entries = Object.entries(scalars).filter(([, v]) => Number.isFinite(v));
    if (entries.length === 0) return;
    fs.writeSync(this.fd, frame(encodeEvent(Date.now() / 1000, step, { scalars: entries })));
  }

  close(): void {
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }
}

// ---- reading ------------------------------------------------------------------------
export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: Record<string, number>;
}

class ProtoReader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.buf[this.pos++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
    }
  }
  bytes(n: number): Buffer {
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** Reads one field; returns [field, wireType, value]. */
  field(): [number, number, bigint | Buffer] {
    const tag = Number(this.varint());
    const wire = tag & 7;
    if (wire === 0) return [tag >> 3, wire, this.varint()];
    if (wire === 1) return [tag >> 3, wire, this.bytes(8)];
    if (wire === 2) return [tag >> 3, wire, this.bytes(Number(this.varint()))];
    if (wire === 5) return [tag >> 3, wire, this.bytes(4)];
    throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

function decodeEvent(data: Buffer): DecodedEvent {
  const event: DecodedEvent = { wallTime: 0, step: 0, scalars: {} };
  const reader = new ProtoReader(data);
  while (!reader.done) {
    const [field, , value] = reader.field();
    if (field === 1) event.wallTime = (value as Buffer).readDoubleLE();
    else if (field === 2) event.step = Number(value as bigint);
    else if (field === 3) event.fileVersion = (value as Buffer).toString();
    else if (field === 5) {
      const summary = new ProtoReader(value as Buffer);
      while (!summary.done) {
        const [f, , v] = summary.field();
        if (f !== 1) continue;
        const item = new ProtoReader(v as Buffer);
        let tag = '';
        let simple = NaN;
        while (!item.done) {
          const [ff, , vv] = item.field();
          if (ff === 1) tag = (vv as Buffer).toString();
          else if (ff === 2) simple = (vv as Buffer).readFloatLE();
        }
        event.scalars[tag] = simple;
      }
    }
  }
  return event;
}

/** Reads every record of an event file, checking both CRCs of each. */
export function readEventFile(file: string): DecodedEvent[] {
  const data = fs.readFileSync(file);
  const events: DecodedEvent[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (pos + 12 > data.length) throw new Error(`${file}: truncated record header at byte ${pos}`);
    const length = Number(data.readBigUInt64LE(pos));
    if (data.readUInt32LE(pos + 8) !== maskedCrc32c(data.subarray(pos, pos + 8))) throw new Error(`${file}: bad length CRC at byte ${pos}`);
    const body = data.subarray(pos + 12, pos + 12 + length);
    if (body.length !== length || pos + 16 + length > data.length) throw new Error(`${file}: truncated record at byte ${pos}`);
    if (data.readUInt32LE(pos + 12 + length) !== maskedCrc32c(body)) throw new Error(`${file}: bad data CRC at byte ${pos}`);
    events.push(decodeEvent(body));
    pos += 16 + length;
  }
  return events;
}
