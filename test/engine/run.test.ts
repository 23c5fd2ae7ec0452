// End-to-end runs of the real CLI on the real digits data: outputs, hook
// order, exact resume after a crash, fallback past a corrupt checkpoint,
// the NaN guard and `fastda test`.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as torch from '../../src/torch';
import { loadCheckpoint } from '../../src/engine/checkpoint';
import { readEventFile } from '../../src/engine/tfevents';
import { fixturesDir, runCli, tempDir } from '../helpers/cli';

const CONFIG = path.join(fixturesDir, 'engine', 'dann_tiny.yaml');
const root = tempDir('fastda-engine-');
const dirA = path.join(root, 'straight');

function jsonLines(file: string): Record<string, any>[] {
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

/** Every tensor of every model and optimizer, as raw bytes. */
function weightsOf(file: string): Map<string, string> {
  const ck = loadCheckpoint(file);
  const out = new Map<string, string>();
  const walk = (prefix: string, value: unknown) => {
    if (value instanceof torch.Tensor) out.set(prefix, value.toBuffer().toString('base64'));
    else if (value instanceof Map) for (const [k, v] of value) walk(`${prefix}.${k}`, v);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(`${prefix}.${k}`, v);
  };
  walk('models', ck.models);
  walk('optimizers', ck.optimizers);
  return out;
}

/** Removes the test hooks from a run's saved config, so they do not fire again on resume. */
function dropSavedHooks(workDir: string): void {
  const configFile = path.join(workDir, 'config.yaml');
  fs.writeFileSync(configFile, fs.readFileSync(configFile, 'utf8').replace(/hooks:\n(\s+- .*\n(\s+\w+: .*\n)*)/, 'hooks: []\n'));
}

/** Asserts that every tensor of the straight run's final checkpoint is bitwise equal in `workDir`'s. */
function assertSameFinalWeights(workDir: string, what: string): void {
  const a = weightsOf(path.join(dirA, 'checkpoints', 'iter_30.ckpt'));
  const b = weightsOf(path.join(workDir, 'checkpoints', 'iter_30.ckpt'));
  for (const [key, bytes] of a) assert.equal(b.get(key), bytes, `${key} ${what}`);
}

test('a run writes config, logs, TensorBoard events and checkpoints, calling hooks in order', async () => {
  const r = await runCli(['train', CONFIG, '--work-dir', dirA, '--cfg-options', 'hooks=[{type: RecordEvents}]']);
  // lr logged at iteration 5 is the one used by it: 0.01 * (1 + 0.001 * 4)^-0.75
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\[5\/30\] eta \d+:\d\d:\d\d +[\d.]+ it\/s +data [\d.]+ms step [\d.]+ms +lr backbone=9\.970e-3 head=9\.970e-3 discriminator=9\.970e-3 +loss_cls=/);
  assert.match(r.stdout, /\[15\/30\] eval target\/acc=\d+\.\d\d target\/mean_class_acc=\d+\.\d\d/);
  assert.ok(fs.existsSync(path.join(dirA, 'config.yaml')));

  const log = jsonLines(path.join(dirA, 'log.jsonl'));
  const events = log.map((l) => l.event).filter(Boolean);
  assert.equal(events[0], 'start');
  assert.equal(events.at(-1), 'done');
  assert.deepEqual(log.filter((l) => l.event === 'eval').map((l) => l.iter), [15, 30]);
  const train = log.filter((l) => l.event === 'train');
  assert.deepEqual(train.map((l) => l.iter), [5, 10, 15, 20, 25, 30]);
  assert.ok(train.every((l) => typeof l.loss_cls === 'number' && typeof l.lr.backbone === 'number' && l.eta_s >= 0));

  const tfDir = path.join(dirA, 'tf_logs');
  const tf = readEventFile(path.join(tfDir, fs.readdirSync(tfDir)[0] as string));
  const tags = new Set(tf.flatMap((e) => Object.keys(e.scalars)));
  for (const tag of ['train/loss_cls', 'train/loss_domain', 'train/grl_coeff', 'lr/backbone', 'val/target/acc']) assert.ok(tags.has(tag), tag);

  const ckpts = fs.readdirSync(path.join(dirA, 'checkpoints')).sort();
  assert.deepEqual(ckpts, ['best.ckpt', 'iter_20.ckpt', 'iter_30.ckpt'], 'max_keep 2 removed iter_10');

  const recorded = fs.readFileSync(path.join(dirA, 'events.txt'), 'utf8').trim().split('\n');
  assert.deepEqual(recorded.slice(0, 4), ['beforeRun 0', 'beforeTrainIter 0', 'afterTrainIter 1', 'beforeTrainIter 1']);
  const valStart = recorded.indexOf('beforeVal 15');
  assert.deepEqual(recorded.slice(valStart, valStart + 3), ['beforeVal 15', 'afterValIter 15 target', 'afterVal 15 target/acc,target/mean_class_acc']);
  assert.equal(recorded.at(-1), 'afterRun 30');
});

test('crash at iteration 25, resume: bitwise the same weights as the straight run', async () => {
  const dirB = path.join(root, 'crashed');
  const crashed = await runCli(['train', CONFIG, '--work-dir', dirB, '--cfg-options', 'hooks=[{type: CrashAt, iter: 25}]']);
  assert.equal(crashed.code, null, 'killed by SIGKILL');
  assert.deepEqual(fs.readdirSync(path.join(dirB, 'checkpoints')).filter((f) => f.startsWith('iter_')).sort(), ['iter_10.ckpt', 'iter_20.ckpt']);
  dropSavedHooks(dirB);
  const resumed = await runCli(['resume', dirB]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /resuming from .*iter_20\.ckpt \(iteration 20 of 30\)/);
  assert.equal(weightsOf(path.join(dirB, 'checkpoints', 'iter_30.ckpt')).size, weightsOf(path.join(dirA, 'checkpoints', 'iter_30.ckpt')).size);
  assertSameFinalWeights(dirB, 'differs after resume');
  const log = jsonLines(path.join(dirB, 'log.jsonl'));
  assert.ok(log.some((l) => l.event === 'resume' && l.iter === 20), 'the same log continues');
});

test('Ctrl+C saves a checkpoint at the current iteration; resume gives the same weights', async () => {
  const dirI = path.join(root, 'interrupted');
  const stopped = await runCli(['train', CONFIG, '--work-dir', dirI, '--cfg-options', 'hooks=[{type: InterruptAt, iter: 7}]']);
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stderr, /SIGINT: stopping after this iteration and saving a checkpoint/);
  assert.match(stopped.stderr, /stopped by SIGINT at iteration 7; continue with: fastda resume /);
  assert.doesNotMatch(stopped.stderr, /run failed/);
  assert.deepEqual(fs.readdirSync(path.join(dirI, 'checkpoints')).sort(), ['iter_7.ckpt']);
  dropSavedHooks(dirI);
  const resumed = await runCli(['resume', dirI]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /resuming from .*iter_7\.ckpt \(iteration 7 of 30\)/);
  assertSameFinalWeights(dirI, 'differs after an interrupted run resumed');
});

test('resume skips an unreadable newest checkpoint and says so', async () => {
  const dirC = path.join(root, 'corrupt');
  const crashed = await runCli(['train', CONFIG, '--work-dir', dirC, '--cfg-options', 'hooks=[{type: CrashAt, iter: 25}]']);
  assert.equal(crashed.code, null);
  dropSavedHooks(dirC);
  const newest = path.join(dirC, 'checkpoints', 'iter_20.ckpt');
  fs.writeFileSync(newest, fs.readFileSync(newest).subarray(0, 1000));
  const resumed = await runCli(['resume', dirC]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /skipping unreadable checkpoint .*iter_20\.ckpt: .*truncated or corrupt/);
  assert.match(resumed.stdout, /resuming from .*iter_10\.ckpt \(iteration 10 of 30\)/);
  assertSameFinalWeights(dirC, 'differs after resuming past a corrupt checkpoint');
});

test('resume says which parts of the run the checkpoint has no state for', async () => {
  const sourceOnly = path.join(root, 'parts-source-only');
  const trained = await runCli(['train', CONFIG, '--work-dir', sourceOnly, '--cfg-options', 'trainer={_delete_: true, type: SourceOnly, max_iters: 10}']);
  assert.equal(trained.code, 0, trained.stderr);
  const dann = path.join(root, 'parts-dann');
  assert.equal((await runCli(['train', CONFIG, '--work-dir', dann, '--cfg-options', 'trainer.max_iters=12', 'validator.interval=100'])).code, 0);
  const resumed = await runCli(['resume', dann, '--checkpoint', path.join(sourceOnly, 'checkpoints', 'iter_10.ckpt')]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /iter_10\.ckpt has no schedule state for 'grl'; it starts fresh/);
  assert.match(resumed.stderr, /iter_10\.ckpt has no sampler state for 'target'; it starts fresh/);
  assert.doesNotMatch(resumed.stderr, /optimizer state/, 'every optimizer was saved');
});

test('a NaN loss stops the run naming the loss and iteration; nan_policy skip carries on', async () => {
  const nanArgs = ['--cfg-options', 'trainer={_delete_: true, type: NaNAt, max_iters: 6, at: 3}', 'validator.interval=100'];
  const stop = await runCli(['train', CONFIG, '--work-dir', path.join(root, 'nan-stop'), ...nanArgs]);
  assert.equal(stop.code, 1);
  assert.match(stop.stderr, /loss 'loss_cls' is NaN at iteration 4; stopping/);
  const skip = await runCli(['train', CONFIG, '--work-dir', path.join(root, 'nan-skip'), ...nanArgs, 'trainer.nan_policy=skip']);
  assert.equal(skip.code, 0, skip.stderr);
  assert.match(skip.stdout, /3 updates skipped \(non-finite loss\)/);
});

test('--nproc above 1 fails up front instead of silently training on one process', async () => {
  const r = await runCli(['train', CONFIG, '--work-dir', path.join(root, 'nproc'), '--nproc', '2']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--nproc 2: multi-process \(distributed\) training is not available/);
  assert.ok(!fs.existsSync(path.join(root, 'nproc', 'checkpoints')), 'nothing was trained');
});

test('fastda test evaluates a checkpoint; a different model layout lists the mismatched keys', async () => {
  const out = path.join(root, 'metrics.json');
  const ckpt = path.join(dirA, 'checkpoints', 'iter_30.ckpt');
  const r = await runCli(['test', CONFIG, '--checkpoint', ckpt, '--out', out, '--work-dir', path.join(root, 'test-run')]);
  assert.equal(r.code, 0, r.stderr);
  const metrics = JSON.parse(fs.readFileSync(out, 'utf8'));
  const trainLog = jsonLines(path.join(dirA, 'log.jsonl')).filter((l) => l.event === 'eval' && l.iter === 30)[0];
  assert.equal(metrics['target/acc'], trainLog?.['target/acc'], 'same accuracy as the evaluation during training');
  assert.match(r.stdout, new RegExp(`^target/acc: ${(metrics['target/acc'] as number).toFixed(2)}$`, 'm'));
  const bad = await runCli(['test', CONFIG, '--checkpoint', ckpt, '--work-dir', path.join(root, 'test-bad'), '--cfg-options', 'models.head.out_features=5']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /does not fit model 'head' \(Linear\):\n\s+size mismatch for weight: checkpoint has \[10, 500\], model has \[5, 500\]/);
});
