import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as torch from '../../src/torch';
import { assertClose, flat } from '../helpers/numeric';

test('nested arrays: shape, default dtypes and round trip', () => {
  const t = torch.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.equal(t.device, 'cpu');
  assert.equal(t.ndim, 2);
  assert.equal(t.numel, 6);
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  const b = torch.tensor([true, false]);
  assert.equal(b.dtype, 'bool');
  assert.deepEqual(b.toArray(), [true, false]);
  assert.equal(torch.scalar(3.5).item(), 3.5);
  assert.deepEqual(torch.scalar(3.5).shape, []);
});

test('every supported dtype converts and keeps its values', () => {
  const values = [0, 1, 2, 255];
  for (const dtype of ['float32', 'float64', 'int64', 'int32', 'uint8'] as const) {
    const t = torch.tensor(values, { dtype });
    assert.equal(t.dtype, dtype);
    assert.deepEqual(t.toArray(), values, dtype);
  }
  assert.deepEqual(torch.tensor([0, 1, 2], { dtype: 'bool' }).toArray(), [false, true, true]);
  // float64 keeps integers beyond 2^31 exactly through int64.
  assert.equal(torch.tensor([2 ** 40 + 1], { dtype: 'int64' }).item(), 2 ** 40 + 1);
  assert.equal(torch.tensor([1.5, 2.25], { dtype: 'float16' }).toArray().toString(), '1.5,2.25');
});

test('typed arrays and Buffers copy in and out', () => {
  const f = torch.tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] });
  assert.deepEqual(f.shape, [3, 2]);
  assert.ok(f.data() instanceof Float32Array);
  const i64 = torch.tensor(new BigInt64Array([1n, -2n, 3n]));
  assert.equal(i64.dtype, 'int64');
  assert.deepEqual(Array.from(i64.data() as BigInt64Array), [1n, -2n, 3n]);
  const buf = Buffer.from([7, 8, 9, 10]);
  const u8 = torch.tensor(buf, { shape: [2, 2] });
  assert.equal(u8.dtype, 'uint8');
  assert.deepEqual(u8.toBuffer(), buf);
  // The tensor owns a copy: changing the source does not change it.
  buf[0] = 0;
  assert.equal(u8.index(0).index(0).item(), 7);
  const asFloat = torch.tensor(new Uint8Array([0, 128, 255]), { dtype: 'float32' });
  assert.equal(asFloat.dtype, 'float32');
  assert.deepEqual(asFloat.toArray(), [0, 128, 255]);
  // A subarray view copies only its own window.
  const window = new Float64Array([9, 1, 2, 9]).subarray(1, 3);
  assert.deepEqual(torch.tensor(window).toArray(), [1, 2]);
});

test('to() converts dtype and keeps device', () => {
  const t = torch.tensor([1.7, -2.2]);
  assert.deepEqual(t.to('int64').toArray(), [1, -2]);
  assert.equal(t.double().dtype, 'float64');
  assert.equal(t.to('cpu').device, 'cpu');
  const copy = t.to({ dtype: 'float32', copy: true });
  copy.fill_(0);
  assert.deepEqual(flat(t), flat(torch.tensor([1.7, -2.2])));
});

test('constant and range factories', () => {
  assert.deepEqual(torch.zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
  assert.deepEqual(torch.ones(3, { dtype: 'int64' }).toArray(), [1, 1, 1]);
  assert.deepEqual(torch.full([2], 7).toArray(), [7, 7]);
  assert.deepEqual(torch.eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
  const r = torch.arange(5);
  assert.equal(r.dtype, 'int64');
  assert.deepEqual(r.toArray(), [0, 1, 2, 3, 4]);
  assert.equal(torch.arange(0, 1, 0.25).dtype, 'float32');
  assertClose(flat(torch.arange(0, 1, 0.25)), [0, 0.25, 0.5, 0.75]);
  assertClose(flat(torch.linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(torch.zerosLike(torch.ones([2], { dtype: 'int32' })).toArray(), [0, 0]);
  assert.equal(torch.empty([4, 5]).numel, 20);
});

test('random factories respect their ranges and the seed', () => {
  torch.manualSeed(123);
  const u = flat(torch.rand([1000]));
  assert.ok(u.every((v) => v >= 0 && v < 1));
  const mean = u.reduce((a, b) => a + b, 0) / u.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `uniform mean ${mean}`);
  const n = flat(torch.randn([4000]));
  const m = n.reduce((a, b) => a + b, 0) / n.length;
  const sd = Math.sqrt(n.reduce((a, b) => a + (b - m) ** 2, 0) / n.length);
  assert.ok(Math.abs(m) < 0.08 && Math.abs(sd - 1) < 0.08, `normal mean ${m} sd ${sd}`);
  const ints = torch.randint(3, 7, [500]).toArray() as number[];
  assert.ok(ints.every((v) => v >= 3 && v < 7));
  assert.deepEqual(new Set(ints), new Set([3, 4, 5, 6]));
  const perm = torch.randperm(10).toArray() as number[];
  assert.deepEqual([...perm].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  torch.manualSeed(7);
  const a = flat(torch.randn([5]));
  torch.manualSeed(7);
  const b = flat(torch.randn([5]));
  assert.deepEqual(a, b);
});

test('RNG state can be saved and restored exactly', () => {
  torch.manualSeed(1);
  torch.rand([3]);
  const state = torch.getRngState();
  assert.equal(state.dtype, 'uint8');
  const first = flat(torch.rand([4]));
  torch.rand([100]);
  torch.setRngState(state);
  assert.deepEqual(flat(torch.rand([4])), first);
});

test('thread settings are applied', () => {
  const before = torch.getNumThreads();
  torch.setNumThreads(1);
  assert.equal(torch.getNumThreads(), 1);
  torch.setNumThreads(before);
  assert.throws(() => torch.setNumThreads(0), /threads must be >= 1/);
});

test('setNumThreads also sizes OpenBLAS\'s own pool', { skip: process.env.OPENBLAS_NUM_THREADS ? 'OPENBLAS_NUM_THREADS is set' : false }, () => {
  // Debian's alternatives point libblas.so.3 at OpenBLAS once libopenblas0-pthread is installed.
  let systemBlas = '';
  try {
    systemBlas = fs.realpathSync('/usr/lib/x86_64-linux-gnu/libblas.so.3');
  } catch {
    // another layout: only check OpenBLAS when the addon finds it
  }
  if (systemBlas.includes('openblas')) assert.notEqual(torch.blasThreads(), null, `libblas.so.3 is ${systemBlas}`);
  if (torch.blasThreads() === null) return;
  const before = torch.getNumThreads();
  torch.setNumThreads(2);
  assert.equal(torch.blasThreads(), 2);
  torch.setNumThreads(1);
  assert.equal(torch.blasThreads(), 1);
  torch.setNumThreads(before);
});

test('CUDA requests fail clearly without a GPU', { skip: torch.cudaIsAvailable() ? 'a GPU is present' : false }, () => {
  assert.equal(torch.cudaDeviceCount(), 0);
  assert.throws(() => torch.zeros([2], { device: 'cuda' }), /device 'cuda' requested but/);
  assert.throws(() => torch.ones([2]).to('cuda:1'), /device 'cuda:1' requested but/);
  assert.throws(() => torch.zeros([2], { device: 'tpu' as string }), /unknown device 'tpu'/);
});

test('buildInfo reports the libtorch in use', () => {
  const info = torch.buildInfo();
  assert.match(info.torchVersion, /^\d+\.\d+/);
  assert.equal(typeof info.cuda, 'boolean');
  assert.match(info.parallelInfo, /ATen\/Parallel/);
});
