// TensorBoard event files read back by a reader written from the record
// format (length, masked CRC-32C, Event protobuf).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventFileWriter, crc32c, maskedCrc32c, readEventFile } from '../../src/engine/tfevents';

test('CRC-32C matches the published check values', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa);
  assert.equal(maskedCrc32c(Buffer.alloc(0)), (((0 >>> 15) | (0 << 17)) + 0xa282ead8) >>> 0);
});

test('scalars written are read back with steps and tags', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fastda-tb-'));
  const writer = new EventFileWriter(dir);
  writer.addScalars(10, { 'train/loss': 0.5, 'lr/backbone': 0.01 });
  writer.addScalars(20, { 'train/loss': 0.25, skipped: NaN });
  writer.close();
  const events = readEventFile(writer.file);
  assert.equal(events[0]?.fileVersion, 'brain.Event:2');
  assert.deepEqual(events.slice(1).map((e) => [e.step, e.scalars]), [
    [10, { 'train/loss': 0.5, 'lr/backbone': Math.fround(0.01) }],
    [20, { 'train/loss': 0.25 }],
  ]);
  assert.ok(Math.abs((events[1]?.wallTime as number) - Date.now() / 1000) < 60);
  const bytes = fs.readFileSync(writer.file);
  bytes[bytes.length - 6] = (bytes[bytes.length - 6] as number) ^ 1;
  fs.writeFileSync(writer.file, bytes);
  assert.throws(() => readEventFile(writer.file), /bad data CRC/);
  fs.writeFileSync(writer.file, bytes.subarray(0, bytes.length - 3));
  assert.throws(() => readEventFile(writer.file), /truncated record/);
});
