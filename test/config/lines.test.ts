import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonKeyLines, yamlKeyLines } from '../../src/config/lines';

describe('yamlKeyLines', () => {
  it('finds block mapping keys and list items', () => {
    const lines = yamlKeyLines(
      [
        '# comment',
        'models:',
        '  head:',
        '    type: Linear',
        '    lr_mult: 10',
        'hooks:',
        '  - type: A',
        '    x: 1',
        '  - type: B',
        'custom_imports:',
        '- ./a.js',
        'trainer: {type: DANN}',
      ].join('\n'),
    );
    assert.equal(lines.get('models'), 2);
    assert.equal(lines.get('models.head.type'), 4);
    assert.equal(lines.get('models.head.lr_mult'), 5);
    assert.equal(lines.get('hooks[0]'), 7);
    assert.equal(lines.get('hooks[0].type'), 7);
    assert.equal(lines.get('hooks[0].x'), 8);
    assert.equal(lines.get('hooks[1].type'), 9);
    assert.equal(lines.get('custom_imports[0]'), 11);
    assert.equal(lines.get('trainer'), 12);
  });

  it('skips block scalars and multi-line flow collections', () => {
    const lines = yamlKeyLines(
      ['note: |', '  fake: key', '  other: key', 'list: [1,', '  2, {x: 3}]', 'after: 1'].join('\n'),
    );
    assert.equal(lines.get('fake'), undefined);
    assert.equal(lines.get('after'), 6);
  });

  it('reads quoted keys', () => {
    const lines = yamlKeyLines(['"a b": 1', "'c': 2", 'd:e: 3'].join('\n'));
    assert.equal(lines.get('["a b"]'), 1);
    assert.equal(lines.get('c'), 2);
    assert.equal(lines.get('["d:e"]'), 3);
  });
});

describe('jsonKeyLines', () => {
  it('finds keys and items of pretty-printed JSON', () => {
    const text = JSON.stringify({ trainer: { type: 'DANN', max_iters: 3 }, hooks: [{ type: 'A' }] }, null, 2);
    const lines = jsonKeyLines(text);
    assert.equal(lines.get('trainer'), 2);
    assert.equal(lines.get('trainer.max_iters'), 4);
    assert.equal(lines.get('hooks[0]'), 7);
    assert.equal(lines.get('hooks[0].type'), 8);
  });
});
