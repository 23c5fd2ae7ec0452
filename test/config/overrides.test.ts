import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, applyOverrides, describeSource, loadConfig, parseOverride, type LoadedConfig } from '../../src/config';
import { tempDir, writeFiles } from '../helpers/cli';

function load(yaml: string): LoadedConfig {
  const dir = tempDir();
  writeFiles(dir, { 'c.yaml': yaml });
  return loadConfig(path.join(dir, 'c.yaml'));
}

function overrideError(config: LoadedConfig, text: string): string {
  try {
    applyOverrides(config, [text]);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail(`expected '${text}' to be rejected`);
}

describe('parseOverride', () => {
  const value = (text: string) => parseOverride(`k=${text}`).value;

  it('parses numbers, booleans, null, lists, mappings and strings', () => {
    assert.equal(value('3'), 3);
    assert.equal(value('-0.5'), -0.5);
    assert.equal(value('1e-3'), 0.001);
    assert.equal(value('true'), true);
    assert.equal(value('False'), false);
    assert.equal(value('null'), null);
    assert.equal(value('~'), null);
    assert.deepEqual(value('[1, 2]'), [1, 2]);
    assert.deepEqual(value('[a, "b c"]'), ['a', 'b c']);
    assert.deepEqual(value('{type: SGD, lr: 0.1}'), { type: 'SGD', lr: 0.1 });
    assert.equal(value('"3"'), '3');
    assert.equal(value("'true'"), 'true');
    assert.equal(value('hello'), 'hello');
    assert.equal(value('yes'), 'yes');
    assert.equal(value('2020-01-01'), '2020-01-01');
    assert.equal(value(''), '');
    assert.equal(value('a=b'), 'a=b');
  });

  it('splits the key into segments, with list indices either way', () => {
    assert.deepEqual(parseOverride('a.b.c=1').path, ['a', 'b', 'c']);
    assert.deepEqual(parseOverride('hooks[0].priority=1').path, ['hooks', '0', 'priority']);
    assert.deepEqual(parseOverride('hooks.0.priority=1').path, ['hooks', '0', 'priority']);
    assert.deepEqual(parseOverride(' a.b = 1 ').path, ['a', 'b']);
  });

  it('rejects malformed overrides', () => {
    for (const [text, message] of [
      ['a.b', /missing '='/],
      ['=1', /the key is empty/],
      ['a..b=1', /empty key segment/],
      ['.a=1', /empty key segment/],
      ['a[x]=1', /cannot read 'a\[x\]'/],
      ['a=[1, 2', /cannot parse the value of override 'a'/],
      ['a={x: 1', /cannot parse the value/],
    ] as const) {
      assert.throws(() => parseOverride(text), (error: Error) => error instanceof ConfigError && message.test(error.message));
    }
  });
});

describe('applyOverrides', () => {
  const base = () =>
    load('trainer: {type: DANN, max_iters: 10}\nhooks:\n  - {type: A, priority: 1}\nmodels:\n  head: {type: Linear, in_features: 5}\n');

  it('sets nested values, creating missing mappings, without touching the input', () => {
    const config = base();
    const out = applyOverrides(config, ['trainer.max_iters=20', 'runtime.checkpoint.interval=5', 'trainer.grl={max_iters: 3}']);
    assert.equal(out.data.trainer.max_iters, 20);
    assert.deepEqual(out.data.trainer.grl, { max_iters: 3 });
    assert.deepEqual(out.data.runtime, { checkpoint: { interval: 5 } });
    assert.equal(config.data.trainer.max_iters, 10);
    assert.equal(config.data.runtime, undefined);
  });

  it('addresses list items by index', () => {
    const out = applyOverrides(base(), ['hooks.0.priority=5', 'hooks[0].type=B']);
    assert.deepEqual(out.data.hooks, [{ type: 'B', priority: 5 }]);
  });

  it('merges a mapping value into a mapping, and honours _delete_', () => {
    const merged = applyOverrides(base(), ['models.head={out_features: 3}']);
    assert.deepEqual(merged.data.models.head, { type: 'Linear', in_features: 5, out_features: 3 });
    const replaced = applyOverrides(base(), ['models.head={_delete_: true, type: MLP}']);
    assert.deepEqual(replaced.data.models.head, { type: 'MLP' });
  });

  it('replaces lists and scalars, later overrides winning', () => {
    const out = applyOverrides(base(), ['hooks=[{type: C}]', 'trainer.max_iters=1', 'trainer.max_iters=2']);
    assert.deepEqual(out.data.hooks, [{ type: 'C' }]);
    assert.equal(out.data.trainer.max_iters, 2);
  });

  it('records the override as the source of what it set', () => {
    const out = applyOverrides(base(), ['trainer.max_iters=20', 'trainer.grl={max_iters: 3}']);
    assert.equal(describeSource(out.sources.find(['trainer', 'max_iters'])), "--cfg-options 'trainer.max_iters=20'");
    assert.equal(describeSource(out.sources.find(['trainer', 'grl', 'max_iters'])), "--cfg-options 'trainer.grl={max_iters: 3}'");
    assert.match(describeSource(out.sources.find(['trainer', 'type'])), /c\.yaml:1$/);
  });

  it('resolves relative custom_imports from the working directory', () => {
    const out = applyOverrides(base(), ['custom_imports=[./x.js, pkg]']);
    assert.deepEqual(out.data.custom_imports, [path.resolve('x.js'), 'pkg']);
  });

  it('rejects paths that cannot be set', () => {
    assert.match(overrideError(base(), 'trainer.max_iters.x=1'), /trainer\.max_iters: cannot set a key inside the integer 10/);
    assert.match(overrideError(base(), 'hooks.1.type=X'), /hooks\[1\]: index out of range: the list has 1 item\(s\)/);
    assert.match(overrideError(base(), 'hooks.first=X'), /hooks: is a list: address its items by index/);
  });
});
