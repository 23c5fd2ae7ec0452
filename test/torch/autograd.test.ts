// Gradients from autograd against central finite differences in float64.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as torch from '../../src/torch';
import { assertClose, flat, gradCheck, randomValues } from '../helpers/numeric';

const F = torch.functional;
const v6 = randomValues(6, 21, 0.2, 2);
const c = (values: number[], shape: number[]) => torch.tensor(values, { dtype: 'float64', shape });
const w = c(randomValues(6, 22), [3, 2]);

const cases: [string, (x: torch.Tensor) => torch.Tensor][] = [
  ['mul/add', (x) => x.mul(x).add(x.mul(3)).sum()],
  ['div', (x) => x.div(x.add(1)).sum()],
  ['pow', (x) => x.pow(1.7).sum()],
  ['exp/log/sqrt', (x) => x.exp().add(x.log()).add(x.sqrt()).sum()],
  ['tanh/sigmoid', (x) => x.tanh().mul(x.sigmoid()).sum()],
  ['leakyRelu', (x) => x.sub(1).leakyRelu(0.1).square().sum()],
  ['matmul', (x) => x.matmul(w).square().sum()],
  ['mean/var/std', (x) => x.mean(1).sum().add(x.var()).add(x.std(0).sum())],
  ['norm', (x) => x.norm()],
  ['softmax', (x) => x.softmax(1).select(1, 0).sum()],
  ['logSoftmax', (x) => x.logSoftmax(1).mul(c([1, 0, 0, 0, 1, 0], [2, 3])).sum()],
  ['crossEntropy', (x) => F.crossEntropy(x, torch.tensor([2, 0], { dtype: 'int64' }), { labelSmoothing: 0.2 })],
  ['bceWithLogits', (x) => F.binaryCrossEntropyWithLogits(x, c([1, 0, 1, 0, 0.5, 1], [2, 3]))],
  ['mseLoss', (x) => F.mseLoss(x, c([1, 1, 1, 0, 0, 0], [2, 3]))],
  ['klDiv', (x) => F.klDiv(x.logSoftmax(1), c([0.2, 0.3, 0.5, 0.1, 0.1, 0.8], [2, 3]), { reduction: 'batchmean' })],
  ['reshape/transpose/cat', (x) => torch.cat([x.transpose(0, 1).reshape(6), x.flatten()]).mul(c(randomValues(12, 23), [12])).sum()],
  ['max/gather', (x) => x.max(1).values.sum().add(x.gather(1, torch.tensor([[1], [2]], { dtype: 'int64' })).sum())],
];

for (const [name, f] of cases) {
  test(`gradient of ${name} matches finite differences`, () => gradCheck(f, v6, [2, 3]));
}

test('gradient reversal: identity forward, -coeff * grad backward', () => {
  for (const coeff of [0, 0.5, 1, 2.5]) {
    const x = c(v6, [2, 3]).requiresGrad_();
    const y = torch.gradReverse(x, coeff);
    assert.deepEqual(flat(y), v6);
    y.mul(y).sum().backward();
    assertClose(flat(x.grad as torch.Tensor), v6.map((v) => -coeff * 2 * v), 1e-12, `coeff ${coeff}`);
  }
  // finite differences of g(x) = sum(GRL(x)^2) are +2x; autograd must give the negation
  gradCheck((x) => torch.gradReverse(x, -1).square().sum(), v6, [2, 3]);
});

test('two reversal calls in one graph keep their own coefficients', () => {
  const x = c([1, 2], [2]).requiresGrad_();
  torch.gradReverse(x, 0.1).sum().add(torch.gradReverse(x, 10).sum()).backward();
  assertClose(flat(x.grad as torch.Tensor), [-10.1, -10.1], 1e-12);
});

test('backward with a gradient, retainGraph and accumulation', () => {
  const x = c([1, 2, 3], [3]).requiresGrad_();
  const y = x.mul(x);
  y.backward(c([1, 0.5, 0], [3]), { retainGraph: true });
  assertClose(flat(x.grad as torch.Tensor), [2, 2, 0], 1e-12, 'vjp');
  y.sum().backward();
  assertClose(flat(x.grad as torch.Tensor), [4, 6, 6], 1e-12, 'accumulated');
  x.zeroGrad(false);
  assertClose(flat(x.grad as torch.Tensor), [0, 0, 0], 0, 'zeroed');
  x.zeroGrad();
  assert.equal(x.grad, null);
  const z = x.mul(x).sum();
  z.backward();
  assert.throws(() => z.backward(), /backward through the graph a second time/);
  assert.throws(() => x.mul(2).backward(), /needs a scalar/);
});

test('noGrad stops recording and restores the previous mode', () => {
  const x = c([1, 2], [2]).requiresGrad_();
  const y = torch.noGrad(() => x.mul(2));
  assert.equal(y.requiresGrad, false);
  assert.equal(torch.isGradEnabled(), true);
  assert.throws(() => y.sum().backward(), /does not require grad/);
  const inner = torch.noGrad(() => torch.enableGrad(() => x.mul(2)));
  assert.equal(inner.requiresGrad, true);
  assert.throws(() => torch.noGrad(() => { throw new Error('boom'); }), /boom/);
  assert.equal(torch.isGradEnabled(), true, 'restored after a throw');
  assert.equal(x.isLeaf, true);
  assert.equal(x.mul(2).isLeaf, false);
  assert.match(x.mul(2).gradFn ?? '', /Mul/);
  assert.equal(x.detach().requiresGrad, false);
});
