// Models built from configs through the registry.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../src/torch';
import { models } from '../../src/registry';
import { loadBuiltins } from '../../src/registry/builtins';
import { buildModel } from '../../src/models/build';

loadBuiltins();

test('every zoo model is registered with a description', () => {
  for (const name of ['LeNet', 'DTN', 'ResNet18', 'ResNet34', 'ResNet50', 'ResNet101', 'Bottleneck', 'DomainDiscriminator', 'RandomizedMultilinearMap', 'MultilinearMap', 'MCDHead', 'MDDHead', 'TorchScript', 'Sequential', 'Linear', 'Conv2d', 'BatchNorm1d', 'BatchNorm2d', 'Dropout', 'Dropout2d', 'ReLU', 'LeakyReLU', 'MaxPool2d', 'AdaptiveAvgPool2d', 'Flatten', 'Identity']) {
    assert.ok(models.has(name), name);
  }
});

test('a Sequential described in a config builds and runs', () => {
  const model = buildModel({
    type: 'Sequential',
    layers: [
      { type: 'Linear', in_features: 8, out_features: 16 },
      { type: 'BatchNorm1d', num_features: 16 },
      { type: 'LeakyReLU', negative_slope: 0.2 },
      { type: 'Dropout', p: 0.1 },
      { type: 'Linear', in_features: 16, out_features: 3, bias: false },
    ],
  });
  assert.deepEqual([...model.stateDict().keys()], ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '4.weight']);
  torch.scope(() => assert.deepEqual((model.forward(torch.randn([5, 8])) as torch.Tensor).shape, [5, 3]));
});

test('model options are checked with a did-you-mean', () => {
  assert.throws(() => buildModel({ type: 'DomainDiscriminator', in_feature: 500 }), /in_feature[\s\S]*did you mean 'in_features'/);
  assert.throws(() => buildModel({ type: 'Linear', in_features: 0, out_features: 2 }), /in_features/);
  assert.throws(() => buildModel({ type: 'LeNett' }), /unknown model type 'LeNett' \(did you mean 'LeNet'\?\)/);
  assert.throws(() => buildModel({ type: 'Sequential', layers: [{ type: 'Linear', in_features: 2 }] }), /out_features/);
});

test('pretrained weights: missing file, wrong layout, true without a file', () => {
  assert.throws(() => buildModel({ type: 'LeNet', pretrained: '/nonexistent/lenet.pth' }), /pretrained weights not found: \/nonexistent\/lenet\.pth/);
  assert.throws(() => buildModel({ type: 'ResNet50', pretrained: true }), /fastda downloads nothing/);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fastda-w-')), 'dtn.pth');
  const dtn = buildModel({ type: 'DTN' });
  fs.writeFileSync(file, torch.saveToBuffer({ state_dict: dtn.stateDict() }));
  assert.throws(
    () => buildModel({ type: 'LeNet', pretrained: file }, { name: 'models.backbone' }),
    /models\.backbone: cannot load pretrained weights .*dtn\.pth:\n\s+missing keys: 3\.weight, 3\.bias\n[\s\S]*size mismatch for 0\.weight: checkpoint has \[64, 3, 5, 5\], model has \[20, 1, 5, 5\]/,
  );
  const again = buildModel({ type: 'DTN', pretrained: file, frozen: true });
  assert.equal(again.numParameters(true), 0);
  assert.deepEqual(again.stateDict().get('0.weight')?.toArray(), dtn.stateDict().get('0.weight')?.toArray());
});
