import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, describeSource, loadConfig } from '../../src/config';
import { tempDir, writeFiles } from '../helpers/cli';

function setup(files: Record<string, string>): string {
  const dir = tempDir();
  writeFiles(dir, files);
  return dir;
}

function loadError(file: string): ConfigError {
  try {
    loadConfig(file);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected loadConfig to throw');
}

describe('loadConfig: formats', () => {
  it('reads YAML, YML and JSON', () => {
    const dir = setup({
      'a.yaml': 'trainer: {type: T, max_iters: 3}\n',
      'b.yml': 'trainer:\n  type: T\n',
      'c.json': '{"trainer": {"type": "T", "lr": 0.5}}',
    });
    assert.deepEqual(loadConfig(path.join(dir, 'a.yaml')).data, { trainer: { type: 'T', max_iters: 3 } });
    assert.deepEqual(loadConfig(path.join(dir, 'b.yml')).data, { trainer: { type: 'T' } });
    assert.deepEqual(loadConfig(path.join(dir, 'c.json')).data, { trainer: { type: 'T', lr: 0.5 } });
  });

  it('treats an empty file as an empty config', () => {
    const dir = setup({ 'empty.yaml': '# nothing\n' });
    assert.deepEqual(loadConfig(path.join(dir, 'empty.yaml')).data, {});
  });

  it('keeps dates and yes/no as strings (YAML 1.2 core schema) and supports merge keys', () => {
    const dir = setup({
      'a.yaml': 'when: 2020-01-01\nanswer: yes\ndefaults: &d {lr: 1, momentum: 0.9}\nopt:\n  <<: *d\n  lr: 2\nsame: *d\n',
    });
    const { data } = loadConfig(path.join(dir, 'a.yaml'));
    assert.equal(data.when, '2020-01-01');
    assert.equal(data.answer, 'yes');
    assert.deepEqual(data.opt, { lr: 2, momentum: 0.9 });
    // aliases are copied: editing one occurrence leaves the other alone
    data.same.lr = 5;
    assert.equal(data.defaults.lr, 1);
  });
});

describe('loadConfig: inheritance', () => {
  it('deep-merges a child over its base; lists and scalars replace', () => {
    const dir = setup({
      'base.yaml': 'models:\n  head: {type: Linear, in_features: 500, out_features: 10}\n  backbone: {type: LeNet}\nhooks: [{type: A}, {type: B}]\ntrainer: {type: DANN, max_iters: 10}\n',
      'child.yaml': '_base_: base.yaml\nmodels:\n  head: {out_features: 31}\nhooks: [{type: C}]\ntrainer: {max_iters: 20}\n',
    });
    const { data } = loadConfig(path.join(dir, 'child.yaml'));
    assert.deepEqual(data, {
      models: { head: { type: 'Linear', in_features: 500, out_features: 31 }, backbone: { type: 'LeNet' } },
      hooks: [{ type: 'C' }],
      trainer: { type: 'DANN', max_iters: 20 },
    });
    assert.equal('_base_' in data, false);
  });

  it('resolves _base_ relative to the including file, recursively', () => {
    const dir = setup({
      '_base_/runtime.yaml': 'runtime: {seed: 1, log_interval: 5}\n',
      '_base_/datasets/digits.yaml': '_base_: ../runtime.yaml\ndatasets: {train: {source: {type: MNIST}}}\n',
      'methods/dann/m2u.yaml': '_base_: ../../_base_/datasets/digits.yaml\nruntime: {seed: 2}\ntrainer: {type: DANN}\n',
    });
    const { data } = loadConfig(path.join(dir, 'methods/dann/m2u.yaml'));
    assert.deepEqual(data, {
      runtime: { seed: 2, log_interval: 5 },
      datasets: { train: { source: { type: 'MNIST' } } },
      trainer: { type: 'DANN' },
    });
  });

  it('merges a list of bases in order, later bases winning', () => {
    const dir = setup({
      'a.yaml': 'runtime: {seed: 1, log_interval: 10}\n',
      'b.yaml': 'runtime: {seed: 2}\n',
      'c.yaml': '_base_: [a.yaml, b.yaml]\ntrainer: {type: T}\n',
    });
    assert.deepEqual(loadConfig(path.join(dir, 'c.yaml')).data.runtime, { seed: 2, log_interval: 10 });
  });

  it('allows diamond inheritance (the same base twice is not a cycle)', () => {
    const dir = setup({
      'root.yaml': 'runtime: {seed: 1}\n',
      'left.yaml': '_base_: root.yaml\nleft: 1\n',
      'right.yaml': '_base_: root.yaml\nright: 1\n',
      'top.yaml': '_base_: [left.yaml, right.yaml]\n',
    });
    assert.deepEqual(loadConfig(path.join(dir, 'top.yaml')).data, { runtime: { seed: 1 }, left: 1, right: 1 });
  });

  it('replaces instead of merging with _delete_: true', () => {
    const dir = setup({
      'base.yaml': 'models:\n  head: {type: Linear, in_features: 500, out_features: 10}\n',
      'child.yaml': '_base_: base.yaml\nmodels:\n  head:\n    _delete_: true\n    type: MLP\n    hidden: [3]\n',
    });
    assert.deepEqual(loadConfig(path.join(dir, 'child.yaml')).data.models, { head: { type: 'MLP', hidden: [3] } });
  });

  it('merges with _delete_: false and strips _delete_ keys with nothing to replace', () => {
    const dir = setup({
      'base.yaml': 'a: {x: 1}\n',
      'child.yaml': '_base_: base.yaml\na: {_delete_: false, y: 2}\nb: {_delete_: true, z: {_delete_: true, w: 1}}\n',
    });
    assert.deepEqual(loadConfig(path.join(dir, 'child.yaml')).data, { a: { x: 1, y: 2 }, b: { z: { w: 1 } } });
  });

  it('rejects a non-boolean _delete_', () => {
    const dir = setup({ 'a.yaml': 'm:\n  _delete_: 1\n' });
    const error = loadError(path.join(dir, 'a.yaml'));
    assert.match(error.message, /a\.yaml:2: m\._delete_: expected true or false/);
  });

  it('concatenates custom_imports across files, resolving paths from the declaring file', () => {
    const dir = setup({
      'base/base.yaml': 'custom_imports: [./plugin.js, some-package]\n',
      'child.yaml': '_base_: base/base.yaml\ncustom_imports: [./mine.js, some-package]\n',
    });
    const config = loadConfig(path.join(dir, 'child.yaml'));
    assert.deepEqual(config.data.custom_imports, [
      path.join(dir, 'base/plugin.js'),
      'some-package',
      path.join(dir, 'mine.js'),
    ]);
    assert.equal(describeSource(config.sources.find(['custom_imports', 0])), `${path.join(dir, 'base/base.yaml')}:1`);
    assert.equal(describeSource(config.sources.find(['custom_imports', 2])), `${path.join(dir, 'child.yaml')}:2`);
  });
});

describe('loadConfig: sources', () => {
  it('records file and line of every key through merging', () => {
    const dir = setup({
      'base.yaml': 'models:\n  head:\n    type: Linear\n    in_features: 500\nhooks:\n  - type: A\n',
      'child.yaml': '_base_: base.yaml\n\nmodels:\n  head:\n    lr_mult: 10\n    extra: {a: 1}\n',
    });
    const config = loadConfig(path.join(dir, 'child.yaml'));
    const at = (...p: Array<string | number>) => config.sources.find(p);
    assert.deepEqual(at('models', 'head', 'type'), { file: path.join(dir, 'base.yaml'), line: 3 });
    assert.deepEqual(at('models', 'head', 'lr_mult'), { file: path.join(dir, 'child.yaml'), line: 5 });
    assert.deepEqual(at('models', 'head', 'extra', 'a'), { file: path.join(dir, 'child.yaml'), line: 6 });
    assert.deepEqual(at('hooks', 0, 'type'), { file: path.join(dir, 'base.yaml'), line: 6 });
    // a missing key falls back to its nearest ancestor
    assert.deepEqual(at('models', 'head', 'nothing'), { file: path.join(dir, 'child.yaml'), line: 4 });
    assert.deepEqual(config.files, [path.join(dir, 'base.yaml'), path.join(dir, 'child.yaml')]);
  });

  it('drops the sources of replaced values', () => {
    const dir = setup({
      'base.yaml': 'm:\n  a: 1\n  b: 2\n',
      'child.yaml': '_base_: base.yaml\nm:\n  _delete_: true\n  c: 3\n',
    });
    const config = loadConfig(path.join(dir, 'child.yaml'));
    assert.equal(config.sources.get(['m', 'a']), undefined);
    assert.deepEqual(config.sources.get(['m', 'c']), { file: path.join(dir, 'child.yaml'), line: 4 });
  });

  it('records JSON lines', () => {
    const dir = setup({ 'a.json': '{\n  "trainer": {\n    "type": "T"\n  }\n}\n' });
    const config = loadConfig(path.join(dir, 'a.json'));
    assert.deepEqual(config.sources.find(['trainer', 'type']), { file: path.join(dir, 'a.json'), line: 3 });
  });
});

describe('loadConfig: errors', () => {
  it('detects a cycle and names the chain', () => {
    const dir = setup({ 'a.yaml': '_base_: b.yaml\n', 'b.yaml': '_base_: [c.yaml]\n', 'c.yaml': '_base_: ./a.yaml\n' });
    const error = loadError(path.join(dir, 'a.yaml'));
    assert.match(error.message, /inheritance cycle: .*a\.yaml -> .*b\.yaml -> .*c\.yaml -> .*a\.yaml/);
    assert.match(error.message, /c\.yaml:1/);
  });

  it('names the including file and line for a missing base, with a suggestion', () => {
    const dir = setup({ 'runtime.yaml': 'runtime: {}\n', 'a.yaml': 'x: 1\n_base_: [./runtim.yaml]\n' });
    const error = loadError(path.join(dir, 'a.yaml'));
    assert.match(error.message, /a\.yaml:2: _base_: base config not found: '\.\/runtim\.yaml'/);
    assert.match(error.message, /did you mean 'runtime\.yaml'\?/);
  });

  it('reports YAML syntax errors with file and line', () => {
    const dir = setup({ 'base.yaml': 'a:\n  b: 1\n c: 2\n', 'child.yaml': '_base_: base.yaml\n' });
    const error = loadError(path.join(dir, 'child.yaml'));
    assert.match(error.message, /base\.yaml:3: invalid YAML: bad indentation/);
  });

  it('rejects a file whose top level is not a mapping', () => {
    const dir = setup({ 'a.yaml': '- 1\n' });
    assert.match(loadError(path.join(dir, 'a.yaml')).message, /must be a mapping of sections, got a list/);
  });

  it('rejects unknown file extensions', () => {
    const dir = setup({ 'a.toml': 'x = 1\n' });
    assert.match(loadError(path.join(dir, 'a.toml')).message, /unsupported config file extension '\.toml'/);
  });
});
