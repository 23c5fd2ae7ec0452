// Ops checked against plain-JS float64 references or hand-worked values.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as torch from '../../src/torch';
import { assertClose, flat, randomValues } from '../helpers/numeric';

const f64 = (values: number[], shape: number[]) => torch.tensor(values, { dtype: 'float64', shape });

test('elementwise unary ops match Math', () => {
  const v = randomValues(12, 1, 0.1, 3);
  const x = f64(v, [3, 4]);
  const cases: [string, torch.Tensor, (a: number) => number][] = [
    ['neg', x.neg(), (a) => -a],
    ['abs', x.neg().abs(), (a) => a],
    ['exp', x.exp(), Math.exp],
    ['log', x.log(), Math.log],
    ['log1p', x.log1p(), Math.log1p],
    ['sqrt', x.sqrt(), Math.sqrt],
    ['square', x.square(), (a) => a * a],
    ['reciprocal', x.reciprocal(), (a) => 1 / a],
    ['sigmoid', x.sigmoid(), (a) => 1 / (1 + Math.exp(-a))],
    ['tanh', x.tanh(), Math.tanh],
    ['relu', x.sub(1).relu(), (a) => Math.max(0, a - 1)],
    ['leakyRelu', x.sub(1).leakyRelu(0.2), (a) => (a - 1 > 0 ? a - 1 : 0.2 * (a - 1))],
    ['floor', x.floor(), Math.floor],
    ['ceil', x.ceil(), Math.ceil],
    ['clamp', x.clamp(0.5, 2), (a) => Math.min(2, Math.max(0.5, a))],
    ['clampMin', x.clamp(1), (a) => Math.max(1, a)],
    ['pow', x.pow(2.5), (a) => a ** 2.5],
    ['sign', x.sub(1).sign(), (a) => Math.sign(a - 1)],
  ];
  for (const [name, actual, ref] of cases) assertClose(flat(actual), v.map(ref), 1e-12, name);
});

test('binary ops broadcast like PyTorch', () => {
  const a = randomValues(6, 2);
  const b = randomValues(3, 3, 0.5, 2);
  const ta = f64(a, [2, 3]);
  const tb = f64(b, [3]);
  const ref = (op: (x: number, y: number) => number) => a.map((x, i) => op(x, b[i % 3] as number));
  assertClose(flat(ta.add(tb)), ref((x, y) => x + y), 1e-12, 'add');
  assertClose(flat(ta.sub(tb)), ref((x, y) => x - y), 1e-12, 'sub');
  assertClose(flat(ta.mul(tb)), ref((x, y) => x * y), 1e-12, 'mul');
  assertClose(flat(ta.div(tb)), ref((x, y) => x / y), 1e-12, 'div');
  assertClose(flat(tb.pow(tb)), b.map((x) => x ** x), 1e-12, 'pow tensor');
  assertClose(flat(ta.add(2)), a.map((x) => x + 2), 1e-12, 'add scalar');
  assertClose(flat(ta.maximum(tb)), ref(Math.max), 0, 'maximum');
  assertClose(flat(ta.minimum(tb)), ref(Math.min), 0, 'minimum');
  // column vector against row vector gives the outer grid
  const col = f64([1, 2], [2, 1]);
  const row = f64([10, 20, 30], [1, 3]);
  assert.deepEqual(col.add(row).toArray(), [[11, 21, 31], [12, 22, 32]]);
  assert.throws(() => f64([1, 2], [2]).add(f64([1, 2, 3], [3])), /size of tensor a \(2\) must match the size of tensor b \(3\)/);
});

test('integer scalars keep integer dtypes; fractional ones promote', () => {
  const i = torch.tensor([1, 2], { dtype: 'int64' });
  assert.equal(i.add(1).dtype, 'int64');
  assert.equal(i.mul(1.5).dtype, 'float32');
  assert.deepEqual(i.mul(1.5).toArray(), [1.5, 3]);
});

function jsMatmul(a: number[], b: number[], n: number, k: number, m: number): number[] {
  const out = new Array(n * m).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let p = 0; p < k; p++) out[i * m + j] += (a[i * k + p] as number) * (b[p * m + j] as number);
  return out;
}

test('matmul, mm, bmm and outer match a naive product', () => {
  const a = randomValues(12, 4);
  const b = randomValues(20, 5);
  assertClose(flat(f64(a, [3, 4]).matmul(f64(b, [4, 5]))), jsMatmul(a, b, 3, 4, 5), 1e-12, 'matmul');
  assertClose(flat(f64(a, [3, 4]).mm(f64(b, [4, 5]))), jsMatmul(a, b, 3, 4, 5), 1e-12, 'mm');
  const batchA = randomValues(2 * 2 * 3, 6);
  const batchB = randomValues(2 * 3 * 2, 7);
  const expected = [
    ...jsMatmul(batchA.slice(0, 6), batchB.slice(0, 6), 2, 3, 2),
    ...jsMatmul(batchA.slice(6), batchB.slice(6), 2, 3, 2),
  ];
  assertClose(flat(f64(batchA, [2, 2, 3]).bmm(f64(batchB, [2, 3, 2]))), expected, 1e-12, 'bmm');
  assert.deepEqual(torch.outer(torch.tensor([1, 2]), torch.tensor([3, 4, 5])).toArray(), [[3, 4, 5], [6, 8, 10]]);
  assert.throws(() => f64(a, [3, 4]).mm(f64(a, [3, 4])), /mat1 and mat2 shapes cannot be multiplied \(3x4 and 3x4\)/);
});

test('reductions over dims with keepdim', () => {
  const v = randomValues(24, 8);
  const x = f64(v, [2, 3, 4]);
  const at = (i: number, j: number, k: number) => v[i * 12 + j * 4 + k] as number;
  const sumDim1: number[] = [];
  for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) sumDim1.push(at(i, 0, k) + at(i, 1, k) + at(i, 2, k));
  assertClose(flat(x.sum(1)), sumDim1, 1e-12, 'sum(1)');
  assert.deepEqual(x.sum(1).shape, [2, 4]);
  assert.deepEqual(x.sum(1, true).shape, [2, 1, 4]);
  assert.deepEqual(x.mean([0, 2]).shape, [3]);
  const meanAll = v.reduce((a, b) => a + b, 0) / v.length;
  assertClose([x.mean().item()], [meanAll], 1e-12, 'mean()');
  assertClose([x.sum().item()], [meanAll * 24], 1e-12, 'sum()');
  const varAll = v.reduce((a, b) => a + (b - meanAll) ** 2, 0) / (v.length - 1);
  assertClose([x.var().item()], [varAll], 1e-12, 'var unbiased');
  assertClose([x.std().item()], [Math.sqrt(varAll)], 1e-12, 'std unbiased');
  assertClose([x.var(undefined, { unbiased: false }).item()], [(varAll * 23) / 24], 1e-12, 'var biased');
  const rowVar = f64([1, 2, 3, 4, 6, 8], [2, 3]).var(1, { keepdim: true });
  assert.deepEqual(rowVar.shape, [2, 1]);
  assertClose(flat(rowVar), [1, 4], 1e-12, 'var(1)');
  assertClose([x.norm().item()], [Math.sqrt(v.reduce((a, b) => a + b * b, 0))], 1e-12, 'norm');
  assertClose([x.norm(1).item()], [v.reduce((a, b) => a + Math.abs(b), 0)], 1e-12, 'norm p=1');
  assertClose([x.prod().item()], [v.reduce((a, b) => a * b, 1)], 1e-10, 'prod');
  const lse = Math.log(v.slice(0, 4).reduce((a, b) => a + Math.exp(b), 0));
  assertClose([flat(x.logsumexp(2))[0] as number], [lse], 1e-12, 'logsumexp');
});

test('max, min, argmax, topk and sort', () => {
  const x = torch.tensor([[3, 9, 1], [7, 2, 8]]);
  assert.equal(x.max().item(), 9);
  assert.equal(x.min().item(), 1);
  const m = x.max(1);
  assert.deepEqual(m.values.toArray(), [9, 8]);
  assert.deepEqual(m.indices.toArray(), [1, 2]);
  assert.deepEqual(x.min(0, true).values.toArray(), [[3, 2, 1]]);
  assert.deepEqual(x.argmax(1).toArray(), [1, 2]);
  assert.deepEqual(x.argmin(0).toArray(), [0, 1, 0]);
  assert.equal(x.argmax().item(), 1);
  assert.deepEqual(x.topk(2, 1).indices.toArray(), [[1, 0], [2, 0]]);
  assert.deepEqual(x.sort(1).values.toArray(), [[1, 3, 9], [2, 7, 8]]);
  assert.deepEqual(x.sort(1, true).indices.toArray(), [[1, 0, 2], [2, 0, 1]]);
  assert.deepEqual(torch.tensor([1, 2, 3]).cumsum(0).toArray(), [1, 3, 6]);
});

test('softmax and logSoftmax match the formula', () => {
  const v = randomValues(6, 9, -3, 3);
  const x = f64(v, [2, 3]);
  const ref: number[] = [];
  for (let r = 0; r < 2; r++) {
    const row = v.slice(r * 3, r * 3 + 3);
    const z = row.reduce((a, b) => a + Math.exp(b), 0);
    ref.push(...row.map((a) => Math.exp(a) / z));
  }
  assertClose(flat(x.softmax(1)), ref, 1e-12, 'softmax');
  assertClose(flat(x.logSoftmax(-1)), ref.map(Math.log), 1e-12, 'logSoftmax');
  assertClose(flat(torch.functional.softmax(x, 0).sum(0)), [1, 1, 1], 1e-12, 'softmax(0) sums');
});

test('views and shape ops move elements like PyTorch', () => {
  const x = torch.arange(6);
  assert.deepEqual(x.view(2, 3).toArray(), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(x.reshape(3, -1).toArray(), [[0, 1], [2, 3], [4, 5]]);
  const m = x.view(2, 3);
  assert.deepEqual(m.transpose(0, 1).toArray(), [[0, 3], [1, 4], [2, 5]]);
  assert.deepEqual(m.t().contiguous().view(6).toArray(), [0, 3, 1, 4, 2, 5]);
  assert.deepEqual(torch.arange(24).view(2, 3, 4).permute(2, 0, 1).shape, [4, 2, 3]);
  assert.equal(torch.arange(24).view(2, 3, 4).permute(2, 0, 1).index(1).index(1).index(2).item(), 21);
  assert.deepEqual(torch.zeros([2, 3, 4]).flatten(1).shape, [2, 12]);
  assert.deepEqual(torch.zeros([1, 3, 1]).squeeze().shape, [3]);
  assert.deepEqual(torch.zeros([1, 3, 1]).squeeze(0).shape, [3, 1]);
  assert.deepEqual(torch.zeros([3]).unsqueeze(0).shape, [1, 3]);
  assert.deepEqual(torch.tensor([[1], [2]]).expand(2, 3).toArray(), [[1, 1, 1], [2, 2, 2]]);
  assert.deepEqual(torch.tensor([1, 2]).repeat(2).toArray(), [1, 2, 1, 2]);
  assert.throws(() => x.view(4, 2), /shape '\[4, 2\]' is invalid for input of size 6/);
});

test('joining, splitting and indexing', () => {
  const a = torch.tensor([[1, 2], [3, 4]]);
  const b = torch.tensor([[5, 6]]);
  assert.deepEqual(torch.cat([a, b]).toArray(), [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(torch.stack([a, a], 2).shape, [2, 2, 2]);
  const parts = torch.arange(7).chunk(3);
  assert.deepEqual(parts.map((p) => p.toArray()), [[0, 1, 2], [3, 4, 5], [6]]);
  assert.deepEqual(torch.arange(5).split(2).map((p) => p.numel), [2, 2, 1]);
  assert.deepEqual(torch.arange(5).split([1, 4]).map((p) => p.toArray()), [[0], [1, 2, 3, 4]]);
  const x = torch.arange(10);
  assert.deepEqual(x.narrow(0, 2, 3).toArray(), [2, 3, 4]);
  assert.deepEqual(x.slice(0, 1, 8, 3).toArray(), [1, 4, 7]);
  assert.deepEqual(x.slice(0, -3).toArray(), [7, 8, 9]);
  assert.deepEqual(x.slice(0, null, null, 2).toArray(), [0, 2, 4, 6, 8]);
  const idx = torch.tensor([4, 0], { dtype: 'int64' });
  assert.deepEqual(x.indexSelect(0, idx).toArray(), [4, 0]);
  const g = torch.tensor([[1, 2], [3, 4]]).gather(1, torch.tensor([[0, 0], [1, 0]], { dtype: 'int64' }));
  assert.deepEqual(g.toArray(), [[1, 1], [4, 3]]);
  assert.throws(() => x.indexSelect(0, torch.tensor([10], { dtype: 'int64' })), /out of range|index out of range/i);
  assert.throws(() => x.select(0, 10), /index 10 (is )?out of (range|bounds)/);
});

test('comparisons, logic, where and masking', () => {
  const x = torch.tensor([1, 5, 3]);
  assert.deepEqual(x.gt(2).toArray(), [false, true, true]);
  assert.deepEqual(x.le(3).toArray(), [true, false, true]);
  assert.deepEqual(x.eq(torch.tensor([1, 0, 3])).toArray(), [true, false, true]);
  assert.deepEqual(x.ne(5).toArray(), [true, false, true]);
  assert.deepEqual(x.lt(3).logicalOr(x.gt(4)).toArray(), [true, true, false]);
  assert.deepEqual(x.lt(3).logicalAnd(x.gt(0)).logicalNot().toArray(), [false, true, true]);
  assert.deepEqual(torch.where(x.gt(2), x, 0).toArray(), [0, 5, 3]);
  assert.deepEqual(torch.where(x.gt(2), -1, x).toArray(), [1, -1, -1]);
  assert.deepEqual(x.maskedFill(x.gt(2), -7).toArray(), [1, -7, -7]);
  assert.deepEqual(x.maskedSelect(x.gt(2)).toArray(), [5, 3]);
  assert.equal(x.gt(0).all().item(), true);
  assert.equal(x.gt(4).any().item(), true);
  assert.deepEqual(torch.tensor([1, NaN, Infinity]).isnan().toArray(), [false, true, false]);
  assert.deepEqual(torch.tensor([1, NaN, Infinity]).isfinite().toArray(), [true, false, false]);
  assert.deepEqual(torch.oneHot(torch.tensor([2, 0], { dtype: 'int64' }), 3).toArray(), [[0, 0, 1], [1, 0, 0]]);
});

test('in-place updates write through to shared storage', () => {
  const x = torch.zeros([2, 2]);
  const row = x.index(1);
  row.fill_(3);
  assert.deepEqual(x.toArray(), [[0, 0], [3, 3]]);
  x.copy_(torch.ones([2, 2]));
  assert.deepEqual(row.toArray(), [1, 1]);
  x.zero_();
  assert.deepEqual(x.toArray(), [[0, 0], [0, 0]]);
});
