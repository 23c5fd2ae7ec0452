// Layers and modules: shapes, names, parameter counts, modes and state dicts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as torch from '../../src/torch';
import { nn } from '../../src/torch';
import { LeNet, DTN } from '../../src/models/digits';
import { ResNet } from '../../src/models/resnet';
import { DomainDiscriminator, RandomizedMultilinearMap, MultilinearMap, Bottleneck } from '../../src/models/heads';
import { assertClose, flat } from '../helpers/numeric';

test('layer output shapes', () => {
  torch.scope(() => {
    const x = torch.randn([2, 3, 8, 8]);
    assert.deepEqual(new nn.Conv2d(3, 5, 3).forward(x).shape, [2, 5, 6, 6]);
    assert.deepEqual(new nn.Conv2d(3, 6, 3, { stride: 2, padding: 1, groups: 3 }).forward(x).shape, [2, 6, 4, 4]);
    assert.deepEqual(new nn.MaxPool2d(2).forward(x).shape, [2, 3, 4, 4]);
    assert.deepEqual(new nn.AdaptiveAvgPool2d(1).forward(x).shape, [2, 3, 1, 1]);
    assert.deepEqual(new nn.Flatten().forward(x).shape, [2, 192]);
    assert.deepEqual(new nn.Linear(192, 7).forward(new nn.Flatten().forward(x)).shape, [2, 7]);
    assert.deepEqual(new nn.BatchNorm2d(3).forward(x).shape, [2, 3, 8, 8]);
    assert.deepEqual(new LeNet().forward(torch.randn([4, 1, 28, 28])).shape, [4, 500]);
    assert.deepEqual(new DTN().forward(torch.randn([4, 3, 32, 32])).shape, [4, 512]);
    assert.deepEqual(new DomainDiscriminator(500).forward(torch.randn([4, 500])).shape, [4, 1]);
    assert.deepEqual(new Bottleneck(500, 64).forward(torch.randn([4, 500])).shape, [4, 64]);
    assert.deepEqual(new MultilinearMap().forward(torch.randn([4, 5]), torch.randn([4, 3])).shape, [4, 15]);
    assert.deepEqual(new RandomizedMultilinearMap(5, 3, 16).forward(torch.randn([4, 5]), torch.randn([4, 3])).shape, [4, 16]);
  });
});

test('parameter names and counts match torchvision and TLlib', () => {
  const lenet = new LeNet();
  assert.deepEqual([...lenet.stateDict().keys()], ['0.weight', '0.bias', '3.weight', '3.bias', '8.weight', '8.bias']);
  assert.equal(lenet.numParameters(), 520 + 25050 + 400500);
  const counts: Record<number, number> = { 18: 11689512, 34: 21797672, 50: 25557032, 101: 44549160 };
  for (const [depth, expected] of Object.entries(counts)) {
    const model = new ResNet(Number(depth), { keepFc: true });
    assert.equal(model.numParameters(), expected, `resnet${depth}`);
    model.dispose();
  }
  const r18 = new ResNet(18);
  const keys = [...r18.stateDict().keys()];
  assert.equal(keys[0], 'conv1.weight');
  assert.ok(keys.includes('layer2.0.downsample.0.weight'));
  assert.ok(keys.includes('layer4.1.bn2.num_batches_tracked'));
  assert.ok(!keys.some((k) => k.startsWith('fc.')), 'feature extractor has no fc');
  assert.equal(r18.outFeatures, 512);
  torch.scope(() => assert.deepEqual(r18.eval().forward(torch.randn([1, 3, 64, 64])).shape, [1, 512]));
  r18.dispose();
});

test('BatchNorm uses batch statistics in train and running statistics in eval', () => {
  const bn = new nn.BatchNorm1d(2, { momentum: 0.5 });
  const x = torch.tensor([[1, 10], [3, 20], [5, 60]]);
  const y = bn.forward(x);
  // per-feature batch mean 3 and 30; biased variance 8/3 and 1400/3
  assertClose(flat(y.index(0)), [-2 / Math.sqrt(8 / 3 + 1e-5), -20 / Math.sqrt(1400 / 3 + 1e-5)], 1e-5);
  // running stats: 0.5 * old + 0.5 * batch (unbiased variance 4 and 700)
  assertClose(flat(bn.runningMean as torch.Tensor), [1.5, 15], 1e-6);
  assertClose(flat(bn.runningVar as torch.Tensor), [2.5, 350.5], 1e-5);
  assert.equal((bn.numBatchesTracked as torch.Tensor).item(), 1);
  bn.eval();
  const z = bn.forward(torch.tensor([[1.5, 15]]));
  assertClose(flat(z), [0, 0], 1e-6);
  assert.equal((bn.numBatchesTracked as torch.Tensor).item(), 1, 'eval does not count batches');
  assert.throws(() => bn.forward(torch.ones([2, 2, 2, 2])), /expected a 2-d or 3-d input/);
});

test('train() and eval() reach every child; dropout is identity in eval', () => {
  const model = new nn.Sequential(new nn.Linear(4, 4), new nn.Dropout(0.9), new nn.Sequential(new nn.Dropout2d(0.5)));
  model.eval();
  assert.ok(model.namedModules().every(([, m]) => !m.training));
  torch.scope(() => {
    const x = torch.ones([3, 4]);
    assert.deepEqual(flat(model.at(1).forward(x) as torch.Tensor), flat(x));
  });
  model.train();
  assert.ok(model.namedModules().every(([, m]) => m.training));
});

test('state dicts round-trip through torch.save format', () => {
  torch.manualSeed(1);
  const a = new DTN();
  const b = new DTN();
  const buffer = torch.saveToBuffer(a.stateDict());
  const loaded = torch.loadFromBuffer(buffer) as Record<string, torch.Tensor>;
  b.loadStateDict(loaded);
  for (const [key, value] of a.stateDict()) {
    assert.deepEqual(flat((b.stateDict().get(key) as torch.Tensor).double()), flat(value.double()), key);
  }
});

test('strict loading reports missing, unexpected and mis-shaped keys', () => {
  const model = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1));
  const good = model.stateDict();
  const bad = new Map(good);
  bad.delete('2.bias');
  bad.set('9.weight', torch.ones([1]));
  bad.set('0.weight', torch.ones([5, 5]));
  assert.throws(
    () => model.loadStateDict(bad),
    (e: Error) =>
      e instanceof nn.StateDictError &&
      /missing keys: 2\.bias/.test(e.message) &&
      /unexpected keys: 9\.weight/.test(e.message) &&
      /size mismatch for 0\.weight: checkpoint has \[5, 5\], model has \[2, 3\]/.test(e.message),
  );
  const report = model.loadStateDict(bad, { strict: false });
  assert.deepEqual(report.missingKeys, ['2.bias']);
  assert.deepEqual(report.unexpectedKeys, ['9.weight']);
  assert.equal(report.mismatchedKeys[0]?.key, '0.weight');
});

test('freezing excludes parameters from gradients', () => {
  const model = new nn.Linear(3, 2);
  model.requiresGrad_(false);
  assert.equal(model.numParameters(true), 0);
  torch.scope(() => {
    const y = model.forward(torch.ones([1, 3]));
    assert.equal(y.requiresGrad, false);
  });
});

test('a module built inside a scope keeps its parameters', () => {
  const model = torch.scope(() => new nn.Linear(3, 2));
  assert.equal(model.weight.isDisposed, false);
  model.dispose();
  assert.equal(model.weight.isDisposed, true);
});
