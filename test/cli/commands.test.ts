// The CLI commands end to end, with the test fixture components
// (test/fixtures/components.js) loaded through custom_imports.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as yaml from 'js-yaml';
import { fixturesDir, runCli, tempDir, writeFiles } from '../helpers/cli';

const good = path.join(fixturesDir, 'bad_configs', '_good.yaml');
const components = path.join(fixturesDir, 'components.js');

/** A project dir with a config using the Recorder trainer (writes its context to context.json). */
function recorderProject(runtime = ''): { dir: string; config: string } {
  const dir = tempDir();
  writeFiles(dir, {
    'configs/_base_/common.yaml': `custom_imports: [${JSON.stringify(components)}]\nhooks: [{type: TensorBoard}]\n`,
    'configs/record.yaml': `_base_: _base_/common.yaml\ntrainer: {type: Recorder, note: hello}\n${runtime}`,
  });
  return { dir, config: path.join(dir, 'configs', 'record.yaml') };
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('fastda --help and --version', { concurrency: 4 }, () => {
  for (const command of ['', 'train', 'test', 'resume', 'config', 'list']) {
    it(`fastda ${command} --help shows usage and examples`, async () => {
      const result = await runCli([...(command ? [command] : []), '--help']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Examples:/);
      assert.match(result.stdout, command ? new RegExp(`fastda ${command}`) : /Commands:/);
    });
  }

  it('fastda --version prints the package version', async () => {
    const result = await runCli(['--version']);
    assert.equal(result.code, 0);
    const pkg = readJson(path.join(__dirname, '..', '..', '..', 'package.json'));
    assert.equal(result.stdout.trim(), pkg.version);
  });
});

describe('fastda config', { concurrency: 4 }, () => {
  it('prints the merged config as YAML, with several overrides applied', async () => {
    const result = await runCli([
      'config',
      good,
      '--cfg-options',
      'trainer.max_iters=7',
      'models.head.lr_mult=2.5',
      '--cfg-options',
      'hooks=[{type: TensorBoard, log_dir: tb}]',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const data = yaml.load(result.stdout) as any;
    assert.equal(data.trainer.max_iters, 7);
    assert.equal(data.models.head.lr_mult, 2.5);
    assert.deepEqual(data.hooks, [{ type: 'TensorBoard', log_dir: 'tb' }]);
    assert.deepEqual(data.custom_imports, [components]);
  });

  it('prints JSON with --format json', async () => {
    const result = await runCli(['config', good, '--format', 'json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).trainer.type, 'DANN');
  });
});

describe('fastda list', { concurrency: 4 }, () => {
  it('lists every registry (built-ins only without --config)', async () => {
    const result = await runCli(['list']);
    assert.equal(result.code, 0, result.stderr);
    for (const name of ['models', 'datasets', 'transforms', 'trainers', 'validators', 'hooks', 'optimizers', 'lr_schedulers', 'metrics']) {
      assert.match(result.stdout, new RegExp(`^${name}:`, 'm'));
    }
    assert.doesNotMatch(result.stdout, /Recorder/);
  });

  it("adds a config's custom components with --config, as text or JSON", async () => {
    const text = await runCli(['list', 'trainers', '--config', good]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^trainers:\n/);
    assert.match(text.stdout, /^ {2}Recorder +test fixture trainer that records its context$/m);
    assert.doesNotMatch(text.stdout, /^models:/m);
    const json = await runCli(['list', 'lrSchedulers', '--config', good, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const listing = JSON.parse(json.stdout);
    assert.deepEqual(Object.keys(listing), ['lr_schedulers']);
    assert.deepEqual(
      listing.lr_schedulers.find((e: { name: string }) => e.name === 'InvLR'),
      { name: 'InvLR', description: 'test fixture lr scheduler' },
    );
  });
});

describe('fastda train', { concurrency: 2 }, () => {
  it('dumps the merged config and passes the run context to the trainer', async () => {
    const { dir, config } = recorderProject();
    const workDir = path.join(dir, 'run');
    const result = await runCli(['train', config, '--work-dir', workDir, '--seed', '7', '--device', 'cuda:1', '--nproc', '2', '--cfg-options', 'trainer.note=changed']);
    assert.equal(result.code, 0, result.stderr);
    const recorded = readJson(path.join(workDir, 'context.json'));
    assert.deepEqual(recorded.options, { note: 'changed' });
    assert.deepEqual(recorded.context, { workDir, device: 'cuda:1', seed: 7, nproc: 2, mode: 'train' });
    const dumped = yaml.load(fs.readFileSync(path.join(workDir, 'config.yaml'), 'utf8')) as any;
    assert.deepEqual(dumped, recorded.config);
    assert.deepEqual(dumped.runtime, { seed: 7, device: 'cuda:1', nproc: 2 });
    assert.deepEqual(dumped.hooks, [{ type: 'TensorBoard' }]);
    assert.equal(dumped._base_, undefined);
  });

  it('defaults to work_dirs/<config name>/<timestamp> and records a random seed', async () => {
    const { dir, config } = recorderProject();
    const result = await runCli(['train', config], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const runs = fs.readdirSync(path.join(dir, 'work_dirs', 'record'));
    assert.equal(runs.length, 1);
    assert.match(runs[0], /^\d{8}_\d{6}$/);
    const workDir = path.join(dir, 'work_dirs', 'record', runs[0]);
    const dumped = yaml.load(fs.readFileSync(path.join(workDir, 'config.yaml'), 'utf8')) as any;
    assert.ok(Number.isInteger(dumped.runtime.seed));
    assert.equal(dumped.runtime.device, 'cpu');
    assert.equal(readJson(path.join(workDir, 'context.json')).context.seed, dumped.runtime.seed);
  });

  it('keeps runtime settings from the config when no flag is given', async () => {
    const { dir, config } = recorderProject('runtime: {seed: 3, device: cuda, nproc: 4}\n');
    const result = await runCli(['train', config, '--work-dir', path.join(dir, 'run')]);
    assert.equal(result.code, 0, result.stderr);
    const { context } = readJson(path.join(dir, 'run', 'context.json'));
    assert.deepEqual([context.seed, context.device, context.nproc], [3, 'cuda', 4]);
  });
});

describe('fastda resume', { concurrency: 2 }, () => {
  async function trained(): Promise<string> {
    const { dir, config } = recorderProject('runtime: {seed: 5}\n');
    const workDir = path.join(dir, 'run');
    const result = await runCli(['train', config, '--work-dir', workDir]);
    assert.equal(result.code, 0, result.stderr);
    // config.yaml is all resume needs: the original config may go away
    fs.rmSync(path.join(dir, 'configs'), { recursive: true });
    writeFiles(workDir, { 'checkpoints/iter_100.ckpt': 'a', 'checkpoints/iter_200.ckpt': 'b', 'notes.txt': 'c' });
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(workDir, 'checkpoints/iter_100.ckpt'), old, old);
    return workDir;
  }

  it('resumes from the newest checkpoint with the dumped config', async () => {
    const workDir = await trained();
    const before = fs.readFileSync(path.join(workDir, 'config.yaml'), 'utf8');
    const result = await runCli(['resume', workDir, '--device', 'cuda:0']);
    assert.equal(result.code, 0, result.stderr);
    const { context } = readJson(path.join(workDir, 'context.json'));
    assert.deepEqual(context, {
      workDir,
      device: 'cuda:0',
      seed: 5,
      nproc: 1,
      mode: 'resume',
      resumeFrom: path.join(workDir, 'checkpoints', 'iter_200.ckpt'),
      resumeExplicit: false,
    });
    assert.equal(fs.readFileSync(path.join(workDir, 'config.yaml'), 'utf8'), before, 'config.yaml is not rewritten');
  });

  it('resumes from --checkpoint when given', async () => {
    const workDir = await trained();
    const checkpoint = path.join(workDir, 'checkpoints', 'iter_100.ckpt');
    const result = await runCli(['resume', workDir, '--checkpoint', checkpoint]);
    assert.equal(result.code, 0, result.stderr);
    const { context } = readJson(path.join(workDir, 'context.json'));
    assert.equal(context.resumeFrom, checkpoint);
    assert.equal(context.resumeExplicit, true, 'an explicit checkpoint must not fall back to another');
  });

  it('fails with exit code 2 when the work dir has no checkpoint', async () => {
    const { dir, config } = recorderProject();
    const workDir = path.join(dir, 'run');
    assert.equal((await runCli(['train', config, '--work-dir', workDir])).code, 0);
    const result = await runCli(['resume', workDir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no checkpoint \(\*\.ckpt, \*\.pth, \*\.pt\) found under/);
  });
});
