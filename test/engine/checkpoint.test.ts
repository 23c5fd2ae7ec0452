// Checkpoint files: atomic writes, clear errors for damaged files.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../src/torch';
import { CheckpointError, checkpointMeta, loadCheckpoint, saveCheckpoint, type Checkpoint } from '../../src/engine/checkpoint';
import { flat } from '../helpers/numeric';

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'fastda-ckpt-'));

function sample(iteration: number, size = 1000): Checkpoint {
  return {
    meta: checkpointMeta(iteration),
    iteration,
    models: { net: new Map([['weight', torch.full([size], iteration)]]) },
    optimizers: {},
    lr_schedulers: { net: { last_iter: iteration } },
    schedules: {},
    rng: { torch_cpu: torch.getRngState() },
    samplers: { source: { epoch: 2, position: 17, seed: 5 } },
    hooks: {},
    config: JSON.stringify({ lr: 1.0, name: 'x' }),
  };
}

test('a checkpoint round-trips with its metadata', () => {
  const file = path.join(tmpDir(), 'iter_3.ckpt');
  saveCheckpoint(file, sample(3));
  const back = loadCheckpoint(file);
  assert.equal(back.iteration, 3);
  assert.equal(back.meta.format, 1);
  assert.match(back.meta.fastda_version, /^\d+\.\d+\.\d+$/);
  assert.deepEqual(flat((back.models.net as Record<string, torch.Tensor>).weight as torch.Tensor).slice(0, 2), [3, 3]);
  assert.deepEqual(back.samplers, { source: { epoch: 2, position: 17, seed: 5 } });
  assert.deepEqual(JSON.parse(back.config), { lr: 1.0, name: 'x' });
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['iter_3.ckpt'], 'no temp files left behind');
});

test('truncated, corrupted and foreign files are clear errors', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'good.ckpt');
  saveCheckpoint(file, sample(1, 50000));
  const bytes = fs.readFileSync(file);
  const truncated = path.join(dir, 'truncated.ckpt');
  fs.writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1));
  assert.throws(() => loadCheckpoint(truncated), (e: Error) => e instanceof CheckpointError && /truncated\.ckpt is truncated or corrupt/.test(e.message));
  const flipped = Buffer.from(bytes);
  flipped[bytes.length >> 1] = (flipped[bytes.length >> 1] as number) ^ 0x55;
  const corrupt = path.join(dir, 'corrupt.ckpt');
  fs.writeFileSync(corrupt, flipped);
  assert.throws(() => loadCheckpoint(corrupt), /corrupt\.ckpt is corrupt: CRC-32 mismatch in data\//);
  const text = path.join(dir, 'notes.ckpt');
  fs.writeFileSync(text, 'hello');
  assert.throws(() => loadCheckpoint(text), /notes\.ckpt is not a torch\.save zip archive/);
  const weightsOnly = path.join(dir, 'weights.pth');
  fs.writeFileSync(weightsOnly, torch.saveToBuffer({ 'fc.weight': torch.ones([2]) }));
  assert.throws(() => loadCheckpoint(weightsOnly), /weights\.pth is not a fastda checkpoint/);
  assert.throws(() => loadCheckpoint(path.join(dir, 'missing.ckpt')), /checkpoint not found: .*missing\.ckpt/);
});

test('killing a writer mid-save never leaves an unreadable checkpoint', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'latest.ckpt');
  saveCheckpoint(file, sample(0, 200000));
  const writer = `
    const { saveCheckpoint, checkpointMeta } = require(${JSON.stringify(path.resolve(__dirname, '../../src/engine/checkpoint'))});
    const torch = require(${JSON.stringify(path.resolve(__dirname, '../../src/torch'))});
    for (let i = 1; ; i++) {
      saveCheckpoint(${JSON.stringify(file)}, { meta: checkpointMeta(i), iteration: i,
        models: { net: new Map([['weight', torch.full([2000000], i)]]) }, optimizers: {}, lr_schedulers: {},
        schedules: {}, rng: {}, samplers: {}, hooks: {}, config: '{}' });
      process.stdout.write(i + '\\n');
    }`;
  for (let round = 0; round < 4; round++) {
    const child = spawn(process.execPath, ['-e', writer], { stdio: ['ignore', 'pipe', 'inherit'] });
    // Kill at a different point of the write cycle each round.
    await new Promise<void>((resolve) => {
      let saves = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        saves += chunk.toString().split('\n').filter(Boolean).length;
        if (saves >= 1) setTimeout(() => child.kill('SIGKILL'), 15 + round * 37);
      });
      child.on('exit', () => resolve());
    });
    const loaded = loadCheckpoint(file);
    const weight = (loaded.models.net as Record<string, torch.Tensor>).weight as torch.Tensor;
    assert.equal(weight.index(0).item(), loaded.iteration, 'contents belong to one save');
    assert.equal(weight.index(weight.numel - 1).item(), loaded.iteration);
  }
});
