// examples/custom_project: a user project that registers its own trainer and
// hook through custom_imports, driven through the real CLI.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as yaml from 'js-yaml';
import { repoRoot, runCli, tempDir } from '../helpers/cli';

const config = path.join('examples', 'custom_project', 'config.yaml');

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('examples/custom_project', () => {
  const workDir = path.join(tempDir(), 'toy');

  it('trains with the custom trainer and hook', async () => {
    const result = await runCli(['train', config, '--work-dir', workDir]);
    assert.equal(result.code, 0, result.stderr);

    const dumped = yaml.load(fs.readFileSync(path.join(workDir, 'config.yaml'), 'utf8')) as any;
    assert.equal(dumped.trainer.type, 'ToyCounter');
    assert.deepEqual(dumped.custom_imports, [path.join(repoRoot, 'examples', 'custom_project', 'register.js')]);

    assert.deepEqual(readJson(path.join(workDir, 'result.json')), {
      iterations: 10,
      started_at: 0,
      mode: 'train',
      seed: 0,
      device: 'cpu',
      nproc: 1,
    });
    const events = fs.readFileSync(path.join(workDir, 'events.log'), 'utf8').trim().split('\n');
    assert.deepEqual(events, ['before_run iter=0', 'after_iter iter=5', 'after_iter iter=10', 'after_run iter=10']);
    assert.deepEqual(fs.readdirSync(path.join(workDir, 'checkpoints')).sort(), ['iter_10.ckpt', 'iter_5.ckpt']);
  });

  it('resumes from a checkpoint using only the work dir', async () => {
    const result = await runCli(['resume', workDir, '--checkpoint', path.join(workDir, 'checkpoints', 'iter_5.ckpt')]);
    assert.equal(result.code, 0, result.stderr);
    const summary = readJson(path.join(workDir, 'result.json'));
    assert.equal(summary.started_at, 5);
    assert.equal(summary.iterations, 10);
    assert.equal(summary.mode, 'resume');
  });

  it('tests a checkpoint and writes the metrics', async () => {
    const out = path.join(path.dirname(workDir), 'metrics.json');
    const result = await runCli([
      'test',
      config,
      '--checkpoint',
      path.join(workDir, 'checkpoints', 'iter_5.ckpt'),
      '--out',
      out,
      '--work-dir',
      path.join(path.dirname(workDir), 'test'),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^iterations: 5$/m);
    assert.match(result.stdout, /^progress: 0\.50$/m);
    assert.deepEqual(readJson(out), { iterations: 5, progress: 0.5 });
  });

  it('shows its components in `fastda list --config`', async () => {
    const trainers = await runCli(['list', 'trainers', '--config', config]);
    assert.equal(trainers.code, 0, trainers.stderr);
    assert.match(trainers.stdout, /ToyCounter +Example trainer: counts iterations/);
    const hooks = await runCli(['list', 'hooks', '--config', config]);
    assert.match(hooks.stdout, /EventLog +Example hook/);
  });

  it('rejects a bad option of the custom trainer with its schema', async () => {
    const result = await runCli(['config', config, '--cfg-options', 'trainer.max_iter=3']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /trainer\.max_iter: unknown key 'max_iter' for trainer 'ToyCounter' \(did you mean 'max_iters'\?\)/);
  });
});
