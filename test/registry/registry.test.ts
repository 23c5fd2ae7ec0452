import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry, RegistryError, createRegistries, getRegistry, registries, registryNames } from '../../src/registry';
import { isUsageError } from '../../src/util/errors';

function registry() {
  return new Registry<{ options: Record<string, unknown>; extra: unknown[] }, [string?]>('models', {
    kind: 'model',
    commonOptions: { lr_mult: { type: 'number' } },
  });
}

const spec = {
  description: 'a linear layer',
  factory: (options: Record<string, unknown>, ...extra: unknown[]) => ({ options, extra }),
  schema: {
    type: 'object',
    required: ['in_features'],
    properties: {
      in_features: { type: 'integer' },
      bias: { type: 'boolean', default: true },
      init: { type: 'object', properties: { std: { type: 'number' } } },
    },
  },
};

describe('Registry', () => {
  it('registers, lists and gets components', () => {
    const r = registry();
    r.register('Linear', spec);
    r.register('Conv', { description: 'a conv layer', factory: spec.factory });
    assert.equal(r.has('Linear'), true);
    assert.equal(r.has('MLP'), false);
    assert.equal(r.get('Linear').description, 'a linear layer');
    assert.deepEqual(r.names(), ['Conv', 'Linear']);
    assert.deepEqual(r.list(), [
      { name: 'Conv', description: 'a conv layer' },
      { name: 'Linear', description: 'a linear layer' },
    ]);
  });

  it('rejects duplicate names unless override is set', () => {
    const r = registry();
    r.register('Linear', spec);
    assert.throws(() => r.register('Linear', spec), /duplicate model name 'Linear'.*override: true/);
    r.register('Linear', { ...spec, description: 'replacement' }, { override: true });
    assert.equal(r.get('Linear').description, 'replacement');
    assert.equal(r.unregister('Linear'), true);
    assert.equal(r.has('Linear'), false);
  });

  it('rejects malformed registrations', () => {
    const r = registry();
    assert.throws(() => r.register('', spec), RegistryError);
    assert.throws(() => r.register('A', { ...spec, factory: undefined as never }), /factory must be a function/);
    assert.throws(() => r.register('A', { ...spec, description: '' }), /description must be a non-empty single line/);
    assert.throws(() => r.register('A', { ...spec, description: 'two\nlines' }), /single line/);
    assert.throws(() => r.register('A', { ...spec, schema: { type: 'array' } }), /schema must be a JSON schema of type 'object'/);
    assert.throws(() => r.register('A', { ...spec, schema: { properties: { x: { type: 'nonsense' } } } }), /invalid option schema/);
    assert.equal(r.names().length, 0);
  });

  it('suggests a near name for an unknown one', () => {
    const r = registry();
    r.register('Linear', spec);
    assert.throws(
      () => r.get('Lineer'),
      (error: Error) =>
        error instanceof RegistryError &&
        isUsageError(error) &&
        /unknown model type 'Lineer' \(did you mean 'Linear'\?\); registered models: Linear/.test(error.message),
    );
  });

  it('validates options against the closed schema plus common options', () => {
    const r = registry();
    r.register('Linear', spec);
    assert.deepEqual(r.validate('Linear', { in_features: 3, lr_mult: 2 }), []);
    const issues = r.validate('Linear', { in_feature: 3, init: { sdt: 1 } });
    const messages = issues.map((i) => `${i.path.join('.')}: ${i.message}${i.suggestion ? ` -> ${i.suggestion}` : ''}`);
    assert.deepEqual(messages.sort(), [
      ": missing required key 'in_features'",
      "in_feature: unknown key 'in_feature' -> in_features",
      "init.sdt: unknown key 'sdt' -> std",
    ]);
  });

  it('allows only the common options for a component without a schema', () => {
    const r = registry();
    r.register('Identity', { description: 'nothing', factory: spec.factory });
    assert.deepEqual(r.validate('Identity', { lr_mult: 1 }), []);
    assert.equal(r.validate('Identity', { x: 1 })[0].message, "unknown key 'x'");
  });

  it('builds with validated options, schema defaults and extra arguments', () => {
    const r = registry();
    r.register('Linear', spec);
    const config = { type: 'Linear', in_features: 3 };
    const built = r.build(config, 'context');
    assert.deepEqual(built.options, { in_features: 3, bias: true });
    assert.deepEqual(built.extra, ['context']);
    assert.deepEqual(config, { type: 'Linear', in_features: 3 }, 'the config is not modified');
  });

  it('refuses to build from invalid configs', () => {
    const r = registry();
    r.register('Linear', spec);
    assert.throws(() => r.build({ in_features: 3 }), /expected a mapping with a string 'type' key/);
    assert.throws(() => r.build({ type: 'MLP' }), /unknown model type 'MLP'/);
    assert.throws(() => r.build({ type: 'Linear', in_features: 'x', bais: 1 }), (error: Error) => {
      assert.ok(error instanceof RegistryError);
      assert.match(error.message, /invalid options for model 'Linear'/);
      assert.match(error.message, /in_features: expected an integer, got the string "x"/);
      assert.match(error.message, /bais: unknown key 'bais' \(did you mean 'bias'\?\)/);
      return true;
    });
  });
});

describe('named registries', () => {
  it('has one registry per component kind', () => {
    assert.deepEqual(registryNames, [
      'models',
      'datasets',
      'transforms',
      'trainers',
      'validators',
      'hooks',
      'optimizers',
      'lr_schedulers',
      'metrics',
    ]);
    for (const name of registryNames) assert.equal(registries[name].name, name);
  });

  it('defines common options once per registry', () => {
    const r = createRegistries();
    const none = () => ({});
    r.models.register('M', { description: 'm', factory: none });
    r.datasets.register('D', { description: 'd', factory: none });
    r.validators.register('V', { description: 'v', factory: none });
    r.hooks.register('H', { description: 'h', factory: none });
    assert.deepEqual(r.models.validate('M', { lr_mult: 10, optimizer: {}, lr_scheduler: {}, pretrained: 'x.pth', frozen: true }), []);
    assert.deepEqual(r.datasets.validate('D', { batch_size: 2, shuffle: true, num_workers: 0, drop_last: false, transforms: [] }), []);
    assert.deepEqual(r.validators.validate('V', { interval: 5 }), []);
    assert.deepEqual(r.hooks.validate('H', { priority: 'HIGH' }), []);
    assert.equal(r.models.validate('M', { lr_mult: 0 }).length, 1);
  });

  it('finds registries by name, camelCase included, with a suggestion otherwise', () => {
    assert.equal(getRegistry('lr_schedulers'), registries.lr_schedulers);
    assert.equal(getRegistry('lrSchedulers'), registries.lr_schedulers);
    assert.throws(() => getRegistry('modles'), /unknown registry 'modles' \(did you mean 'models'\?\)/);
  });

  it('is shared by every copy of the module (a project with its own fastda)', () => {
    const id = require.resolve('../../src/registry');
    const cached = require.cache[id];
    delete require.cache[id];
    try {
      const copy = require('../../src/registry') as typeof import('../../src/registry');
      assert.notEqual(copy.getRegistry, getRegistry, 'a second module instance was loaded');
      assert.equal(copy.registries, registries);
    } finally {
      require.cache[id] = cached;
    }
  });
});
