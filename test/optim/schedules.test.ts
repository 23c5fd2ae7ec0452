// lr and scalar schedules against their formulas, through the registries.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as torch from '../../src/torch';
import { lrSchedulers, optimizers } from '../../src/registry';
import { loadBuiltins } from '../../src/registry/builtins';
import { LrScheduler, ScalarSchedule, buildScalarSchedule, lrFormulas, warmupFactor } from '../../src/optim/schedules';
import { buildParamGroups } from '../../src/optim/param-groups';
import { nn } from '../../src/torch';

loadBuiltins();
const close = (a: number, b: number, label = '') => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${label}: ${a} != ${b}`);

function scheduled(config: Record<string, unknown>, maxIters = 100) {
  const w = torch.zeros([1]).requiresGrad_();
  const b = torch.zeros([1]).requiresGrad_();
  const opt = optimizers.build({ type: 'SGD', lr: 0.1 }, [{ params: [w] }, { params: [b], lr: 0.01 }]) as torch.optim.Optimizer;
  const scheduler = lrSchedulers.build(config, opt, { maxIters }) as LrScheduler;
  return (iter: number) => {
    scheduler.step(iter);
    return opt.paramGroups.map((g) => g.lr);
  };
}

test('each lr schedule follows its formula for every group', () => {
  const cases: [Record<string, unknown>, (base: number, i: number) => number][] = [
    [{ type: 'Constant' }, (b) => b],
    [{ type: 'Step', step_size: 30, gamma: 0.5 }, (b, i) => b * 0.5 ** Math.floor(i / 30)],
    [{ type: 'MultiStep', milestones: [50, 20] }, (b, i) => b * 0.1 ** ((i >= 20 ? 1 : 0) + (i >= 50 ? 1 : 0))],
    [{ type: 'Exponential', gamma: 0.99 }, (b, i) => b * 0.99 ** i],
    [{ type: 'Poly', power: 0.9, min_lr: 1e-4 }, (b, i) => (b - 1e-4) * (1 - i / 100) ** 0.9 + 1e-4],
    [{ type: 'Cosine' }, (b, i) => (b * (1 + Math.cos((Math.PI * i) / 100))) / 2],
    [{ type: 'InvLR', gamma: 0.001, power: 0.75 }, (b, i) => b * (1 + 0.001 * i) ** -0.75],
  ];
  for (const [config, formula] of cases) {
    const at = scheduled(config);
    for (const i of [0, 1, 19, 20, 49, 50, 99]) {
      const [g1, g2] = at(i) as [number, number];
      close(g1, formula(0.1, i), `${config.type} group 1 iter ${i}`);
      close(g2, formula(0.01, i), `${config.type} group 2 iter ${i}`);
    }
  }
});

test('warmup (linear, constant, exp) multiplies the scheduled lr', () => {
  close(warmupFactor({ type: 'linear', iters: 10, ratio: 0.1 }, 0), 0.1);
  close(warmupFactor({ type: 'linear', iters: 10, ratio: 0.1 }, 5), 0.55);
  close(warmupFactor({ type: 'constant', iters: 10, ratio: 0.2 }, 9), 0.2);
  close(warmupFactor({ type: 'exp', iters: 10, ratio: 0.01 }, 5), 0.1);
  close(warmupFactor({ type: 'exp', iters: 10 }, 10), 1);
  const at = scheduled({ type: 'InvLR', warmup: { type: 'linear', iters: 10, ratio: 0.5 } });
  close((at(4) as number[])[0] as number, 0.1 * (1 + 0.004) ** -0.75 * (1 - 0.6 * 0.5));
});

test('scheduler state restores the lr of the saved iteration', () => {
  const w = torch.zeros([1]).requiresGrad_();
  const opt = new torch.optim.SGD([w], { lr: 1 });
  const a = new LrScheduler(opt, lrFormulas.step(10, 0.1));
  a.step(25);
  const state = a.stateDict();
  const opt2 = new torch.optim.SGD([torch.zeros([1]).requiresGrad_()], { lr: 1 });
  new LrScheduler(opt2, lrFormulas.step(10, 0.1)).loadStateDict(state);
  close(opt2.paramGroups[0]?.lr as number, 0.01);
});

test('scalar schedules: GRL ramp, linear, constant', () => {
  const grl = ScalarSchedule.sigmoidRamp(1000);
  close(grl.value(0), 0);
  close(grl.value(500), 2 / (1 + Math.exp(-5)) - 1);
  assert.ok(grl.value(100000) > 0.9999);
  const warm = buildScalarSchedule({ type: 'sigmoid_ramp', alpha: 1, lo: 0, hi: 0.1, max_iters: 1000 }, 5);
  close(warm.value(1000), 0.1 * (2 / (1 + Math.exp(-1)) - 1));
  close(buildScalarSchedule({ type: 'linear', start: 1, end: 0 }, 10).value(5), 0.5);
  close(buildScalarSchedule(0.3, 10).value(99), 0.3);
  assert.deepEqual(grl.stateDict(), { last_iter: 100000 });
  assert.throws(() => buildScalarSchedule({ type: 'bogus' } as never, 1), /unknown scalar schedule type 'bogus'/);
});

test('param groups honour model lr_mult, name-prefix multipliers and decay multipliers', () => {
  const model = new nn.Sequential(new nn.Linear(4, 4), new nn.BatchNorm1d(4), new nn.Linear(4, 2));
  (model.at(2) as nn.Linear).requiresGrad_(false);
  const groups = buildParamGroups(model, {
    lr: 0.01,
    weightDecay: 1e-3,
    lrMult: 10,
    name: 'head',
    paramwise: { custom_keys: { '0': { lr_mult: 0.1 } }, bias_decay_mult: 0, norm_decay_mult: 0 },
  });
  const summary = groups.map((g) => ({ n: g.params.length, lr: g.lr, wd: g.weightDecay, name: g.name }));
  assert.deepEqual(summary, [
    { n: 1, lr: 0.01 * 10 * 0.1, wd: 1e-3, name: 'head(lr x0.1)' },
    { n: 1, lr: 0.01 * 10 * 0.1, wd: 0, name: 'head(lr x0.1, decay x0)' },
    { n: 2, lr: 0.1, wd: 0, name: 'head(decay x0)' },
  ]);
  const opt = optimizers.build({ type: 'SGD', lr: 0.01, momentum: 0.9 }, groups) as torch.optim.Optimizer;
  assert.equal(opt.paramGroups.length, 3);
  const scheduler = lrSchedulers.build({ type: 'InvLR' }, opt, { maxIters: 10 }) as LrScheduler;
  scheduler.step(100);
  close(opt.paramGroups[0]?.lr as number, 0.01 * (1.1 ** -0.75));
  close(opt.paramGroups[2]?.lr as number, 0.1 * (1.1 ** -0.75));
});

test('optimizer and scheduler options are validated', () => {
  assert.throws(() => optimizers.build({ type: 'SGD', lr: 0.1, momentun: 0.9 }, []), /momentun[\s\S]*did you mean 'momentum'/);
  assert.throws(() => optimizers.build({ type: 'SGD' }, []), /lr/);
  assert.throws(() => lrSchedulers.build({ type: 'Step' }, null, { maxIters: 1 }), /step_size/);
});
