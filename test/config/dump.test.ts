import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { configToYaml, dumpConfig, loadConfig, parseConfigText } from '../../src/config';
import { tempDir } from '../helpers/cli';

describe('dumpConfig', () => {
  it('writes config.yaml that loads back to the same data', () => {
    const data = {
      custom_imports: ['/abs/plugin.js'],
      trainer: { type: 'DANN', max_iters: 10, grl: { max_iters: 1 } },
      hooks: [{ type: 'A' }],
      strings: ['yes', 'no', 'on', '2020-01-01', '1e3', 'null', '', '0x10', 'a: b'],
      numbers: [0, -1.5, 1e-7],
      nothing: null,
    };
    const dir = tempDir();
    const file = dumpConfig(data, dir, 'configs/x.yaml');
    assert.equal(file, path.join(dir, 'config.yaml'));
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /^# Merged config written by fastda/);
    assert.deepEqual(loadConfig(file).data, data);
    assert.deepEqual(fs.readdirSync(dir), ['config.yaml']);
  });

  it('writes shared objects in full (no YAML anchors)', () => {
    const shared = { lr: 1 };
    const text = configToYaml({ a: shared, b: shared });
    assert.doesNotMatch(text, /[&*]ref/);
    assert.deepEqual(parseConfigText(text, 'x.yaml').data, { a: { lr: 1 }, b: { lr: 1 } });
  });
});
