import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  ConfigError,
  applyOverrides,
  componentSites,
  loadConfig,
  validateComponents,
  validateTopLevel,
  type LoadedConfig,
} from '../../src/config';
import { createRegistries, type Registries } from '../../src/registry';
import { tempDir, writeFiles } from '../helpers/cli';

function registries(): Registries {
  const r = createRegistries();
  const none = () => ({});
  r.models.register('LeNet', { description: 'm', factory: none });
  r.models.register('Linear', {
    description: 'm',
    factory: none,
    schema: {
      type: 'object',
      required: ['in_features'],
      properties: { in_features: { type: 'integer' }, out_features: { type: 'integer' } },
    },
  });
  r.datasets.register('MNIST', { description: 'd', factory: none, schema: { properties: { split: { enum: ['train', 'test'] } } } });
  r.transforms.register('Normalize', { description: 't', factory: none, schema: { properties: { mean: { type: 'number' } } } });
  r.optimizers.register('SGD', {
    description: 'o',
    factory: none,
    schema: { required: ['lr'], properties: { lr: { type: 'number' }, momentum: { type: 'number' } } },
  });
  r.optimizers.register('Adam', { description: 'o', factory: none, schema: { properties: { lr: { type: 'number' }, betas: { type: 'array' } } } });
  r.lr_schedulers.register('InvLR', { description: 's', factory: none, schema: { properties: { gamma: { type: 'number' } } } });
  r.trainers.register('DANN', {
    description: 't',
    factory: () => ({ run: async () => {} }),
    schema: { required: ['max_iters'], properties: { max_iters: { type: 'integer', minimum: 1 } } },
  });
  r.validators.register('Classification', { description: 'v', factory: none });
  r.hooks.register('TensorBoard', { description: 'h', factory: none });
  return r;
}

function load(files: Record<string, string>, main = 'c.yaml'): LoadedConfig {
  const dir = tempDir();
  writeFiles(dir, files);
  return loadConfig(path.join(dir, main));
}

function errorOf(fn: () => void): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('expected a ConfigError');
}

const GOOD = `
datasets:
  train:
    source: {type: MNIST, split: train, batch_size: 32, shuffle: true, transforms: [{type: Normalize, mean: 0.5}]}
  test:
    target: {type: MNIST, split: test, num_workers: 0, drop_last: false}
models:
  optimizer: {type: SGD, lr: 0.1}
  lr_scheduler: {type: InvLR, gamma: 0.001}
  backbone: {type: LeNet, lr_mult: 1, frozen: false, pretrained: true}
  head: {type: Linear, in_features: 3, optimizer: {momentum: 0.9}, lr_scheduler: {gamma: 0.1}}
  disc: {type: LeNet, optimizer: {type: Adam, betas: [0.5, 0.9]}}
trainer: {type: DANN, max_iters: 3}
validator: {type: Classification, interval: 10}
hooks: [{type: TensorBoard, priority: 10}]
runtime: {seed: 0, device: 'cuda:1', nproc: 2, log_interval: 5, checkpoint: {interval: 10, max_keep: 2}}
`;

describe('validateTopLevel', () => {
  it('accepts a complete config', () => {
    validateTopLevel(load({ 'c.yaml': GOOD }));
  });

  it('requires trainer and names unknown sections with a suggestion', () => {
    const error = errorOf(() => validateTopLevel(load({ 'c.yaml': 'modles: {}\n' })));
    assert.equal(error.issues.length, 2);
    assert.match(error.message, /missing required section 'trainer'/);
    assert.match(error.message, /c\.yaml:1: modles: unknown top-level section 'modles' \(did you mean 'models'\?\)/);
  });

  it('checks section shapes', () => {
    const error = errorOf(() =>
      validateTopLevel(load({ 'c.yaml': 'trainer: {type: DANN}\nhooks: {}\nmodels: {head: {lr_mult: 1}}\ncustom_imports: [3]\n' })),
    );
    const text = error.message;
    assert.match(text, /hooks: expected a list, got a mapping/);
    assert.match(text, /models\.head: missing required key 'type'/);
    assert.match(text, /custom_imports\[0\]: expected a string, got the integer 3/);
  });
});

describe('validateComponents', () => {
  it('accepts known types, their options and the common keys of each registry', () => {
    validateComponents(load({ 'c.yaml': GOOD }), registries());
  });

  it('lists every component site, per-model optimizers inheriting the shared type', () => {
    const sites = componentSites(load({ 'c.yaml': GOOD }).data);
    const names = sites.map((s) => `${s.path.join('.')}:${s.registry}`);
    assert.deepEqual(names, [
      'datasets.train.source:datasets',
      'datasets.train.source.transforms.0:transforms',
      'datasets.test.target:datasets',
      'models.optimizer:optimizers',
      'models.lr_scheduler:lr_schedulers',
      'models.backbone:models',
      'models.head:models',
      'models.head.optimizer:optimizers',
      'models.head.lr_scheduler:lr_schedulers',
      'models.disc:models',
      'models.disc.optimizer:optimizers',
      'trainer:trainers',
      'validator:validators',
      'hooks.0:hooks',
    ]);
    const head = sites.find((s) => s.path.join('.') === 'models.head.optimizer')!;
    assert.deepEqual(head.config, { type: 'SGD', lr: 0.1, momentum: 0.9 });
    assert.deepEqual(head.inheritsFrom, ['models', 'optimizer']);
  });

  it('reports unknown types with a suggestion and the registered names', () => {
    const config = applyOverrides(load({ 'c.yaml': GOOD }), ['trainer.type=DAN']);
    const error = errorOf(() => validateComponents(config, registries()));
    assert.match(error.message, /--cfg-options 'trainer.type=DAN': trainer\.type: unknown trainer type 'DAN' \(did you mean 'DANN'\?\)/);
    assert.match(error.message, /one of the registered trainers: DANN/);
  });

  it('reports unknown keys, wrong types and missing options with file and line', () => {
    const error = errorOf(() =>
      validateComponents(
        load({
          'c.yaml':
            'trainer:\n  type: DANN\n  max_iters: 0\n  max_iter: 3\nmodels:\n  head:\n    type: Linear\n    out_features: x\n',
        }),
        registries(),
      ),
    );
    assert.equal(error.issues.length, 4);
    assert.match(error.message, /c\.yaml:3: trainer\.max_iters: must be >= 1, got the integer 0/);
    assert.match(error.message, /c\.yaml:4: trainer\.max_iter: unknown key 'max_iter' for trainer 'DANN' \(did you mean 'max_iters'\?\)/);
    assert.match(error.message, /c\.yaml:6: models\.head: missing required key 'in_features' for model 'Linear'/);
    assert.match(error.message, /c\.yaml:8: models\.head\.out_features: expected an integer, got the string "x"/);
  });

  it('validates nested transforms and per-model optimizers', () => {
    const config = applyOverrides(load({ 'c.yaml': GOOD }), [
      'datasets.train.source.transforms=[{type: Normalise}]',
      'models.head.optimizer={momentun: 0.9}',
    ]);
    const error = errorOf(() => validateComponents(config, registries()));
    assert.match(error.message, /transforms\[0\]\.type: unknown transform type 'Normalise' \(did you mean 'Normalize'\?\)/);
    assert.match(error.message, /models\.head\.optimizer\.momentun: unknown key 'momentun' for optimizer 'SGD' \(did you mean 'momentum'\?\)/);
  });

  it('reports a problem of the shared optimizer once, not per model', () => {
    const config = applyOverrides(load({ 'c.yaml': GOOD }), ['models.optimizer.type=SDG']);
    const error = errorOf(() => validateComponents(config, registries()));
    assert.equal(error.issues.length, 1);
    assert.match(error.message, /models\.optimizer\.type: unknown optimizer type 'SDG'/);
  });

  it('suggests _delete_ when a changed type meets keys inherited from a base', () => {
    const config = load({
      'base.yaml': 'trainer: {type: DANN, max_iters: 3}\nmodels:\n  head: {type: Linear, in_features: 3}\n',
      'c.yaml': '_base_: base.yaml\nmodels:\n  head:\n    type: LeNet\n',
    });
    const error = errorOf(() => validateComponents(config, registries()));
    assert.match(error.message, /base\.yaml:3: models\.head\.in_features: unknown key 'in_features' for model 'LeNet'/);
    assert.match(error.message, /add '_delete_: true' next to the new type/);
  });

  it('does not suggest _delete_ for a typo written over an inherited type', () => {
    const config = load({
      'base.yaml': 'trainer: {type: DANN, max_iters: 3}\n',
      'c.yaml': '_base_: base.yaml\ntrainer: {max_iter: 3}\n',
    });
    const error = errorOf(() => validateComponents(config, registries()));
    assert.doesNotMatch(error.message, /_delete_/);
  });
});
