// libtorch's archive reader does not verify CRCs, so a flipped byte inside a
// tensor would load silently. This reads the zip central directory and checks
// every record's CRC-32 (zlib.crc32) before the archive is trusted.
import * as zlib from 'node:zlib';

interface CentralEntry {
  name: string;
  crc: number;
  size: number;
}

function centralDirectory(data: Buffer): CentralEntry[] | null {
  // End of central directory: 22 bytes + an optional comment (<= 64 KiB).
  const lowest = Math.max(0, data.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = data.length - 22; i >= lowest; i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = data.readUInt16LE(eocd + 10);
  let offset = data.readUInt32LE(eocd + 16);
  if (offset === 0xffffffff) return null; // zip64 directory: trust libtorch's reader
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > data.length || data.readUInt32LE(offset) !== 0x02014b50) return null;
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    entries.push({
      name: data.toString('utf8', offset + 46, offset + 46 + nameLength),
      crc: data.readUInt32LE(offset + 16),
      size: data.readUInt32LE(offset + 24),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Names of records whose contents do not match their stored CRC-32. */
export function corruptRecords(archive: Buffer, records: [string, Buffer][]): string[] {
  const entries = centralDirectory(archive);
  if (!entries) return [];
  const bad: string[] = [];
  for (const [name, bytes] of records) {
    const entry = entries.find((e) => e.name === name || e.name.endsWith(`/${name}`));
    if (!entry || entry.size === 0xffffffff) continue;
    if (zlib.crc32(bytes) >>> 0 !== entry.crc >>> 0) bad.push(name);
  }
  return bad;
}
