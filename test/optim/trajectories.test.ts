// Optimizer trajectories equal torch.optim's on a fixed problem (float64,
// two parameter groups, an lr change mid-run), and clipping matches.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as torch from '../../src/torch';
import { assertClose, flat, randomValues } from '../helpers/numeric';
import { runPython, skipWithoutPyTorch } from '../helpers/python';

const skip = skipWithoutPyTorch();
const X = randomValues(24, 31);
const Y = randomValues(16, 32);
const W0 = randomValues(6, 33);
const B0 = randomValues(2, 34);
const STEPS = 15;

interface Config {
  name: string;
  kind: 'SGD' | 'Adam' | 'AdamW';
  options: Record<string, unknown>;
  py: string;
}

const configs: Config[] = [
  { name: 'sgd-nesterov', kind: 'SGD', options: { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }, py: 'torch.optim.SGD(groups, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)' },
  { name: 'sgd-dampening', kind: 'SGD', options: { lr: 0.1, momentum: 0.9, dampening: 0.1 }, py: 'torch.optim.SGD(groups, lr=0.1, momentum=0.9, dampening=0.1)' },
  { name: 'sgd-plain', kind: 'SGD', options: { lr: 0.1, weightDecay: 0.05 }, py: 'torch.optim.SGD(groups, lr=0.1, weight_decay=0.05)' },
  { name: 'adam', kind: 'Adam', options: { lr: 0.1, weightDecay: 0.01 }, py: 'torch.optim.Adam(groups, lr=0.1, weight_decay=0.01)' },
  { name: 'adam-amsgrad', kind: 'Adam', options: { lr: 0.1, amsgrad: true, betas: [0.8, 0.99] }, py: 'torch.optim.Adam(groups, lr=0.1, amsgrad=True, betas=(0.8, 0.99))' },
  { name: 'adamw', kind: 'AdamW', options: { lr: 0.1, weightDecay: 0.05 }, py: 'torch.optim.AdamW(groups, lr=0.1, weight_decay=0.05)' },
];

function runFastda(config: Config): number[] {
  const w = torch.tensor(W0, { dtype: 'float64', shape: [3, 2] }).requiresGrad_();
  const b = torch.tensor(B0, { dtype: 'float64', shape: [2] }).requiresGrad_();
  const x = torch.tensor(X, { dtype: 'float64', shape: [8, 3] });
  const y = torch.tensor(Y, { dtype: 'float64', shape: [8, 2] });
  // Group 2 overrides lr and weight decay, as a per-group multiplier would.
  const groups = [{ params: [w] }, { params: [b], lr: 0.05, weightDecay: 0 }];
  const Ctor = torch.optim[config.kind] as unknown as new (g: unknown, o: unknown) => torch.optim.Optimizer;
  const opt = new Ctor(groups, config.options);
  for (let i = 0; i < STEPS; i++) {
    if (i === 7) for (const g of opt.paramGroups) g.lr *= 0.5;
    torch.scope(() => {
      opt.zeroGrad();
      torch.functional.mseLoss(x.matmul(w).add(b), y).backward();
      opt.step();
    });
  }
  return [...flat(w), ...flat(b)];
}

test('SGD, Adam and AdamW follow torch.optim step for step', { skip }, () => {
  const script = `
import json, sys, torch
torch.set_default_dtype(torch.float64)
data = json.loads(sys.argv[1])
X = torch.tensor(data['X']).view(8, 3); Y = torch.tensor(data['Y']).view(8, 2)
out = {}
for name, ctor in data['configs']:
    w = torch.tensor(data['W0']).view(3, 2).requires_grad_(); b = torch.tensor(data['B0']).requires_grad_()
    groups = [{'params': [w]}, {'params': [b], 'lr': 0.05, 'weight_decay': 0}]
    opt = eval(ctor)
    for i in range(${STEPS}):
        if i == 7:
            for g in opt.param_groups: g['lr'] *= 0.5
        opt.zero_grad()
        torch.nn.functional.mse_loss(X @ w + b, Y).backward()
        opt.step()
    out[name] = w.detach().flatten().tolist() + b.detach().tolist()
print(json.dumps(out))
`;
  const expected = runPython<Record<string, number[]>>(script, [
    JSON.stringify({ X, Y, W0, B0, configs: configs.map((c) => [c.name, c.py]) }),
  ]);
  for (const config of configs) {
    assertClose(runFastda(config), expected[config.name] as number[], 1e-10, config.name);
  }
});

test('gradient clipping by norm and by value', () => {
  const p = torch.tensor([0, 0], { dtype: 'float64' }).requiresGrad_();
  const q = torch.tensor([0], { dtype: 'float64' }).requiresGrad_();
  const opt = new torch.optim.SGD([p, q], { lr: 1 });
  torch.scope(() => {
    p.mul(torch.tensor([3, 4], { dtype: 'float64' })).sum().add(q.mul(12).sum()).backward();
  });
  const total = opt.clipGradNorm(6.5);
  assert.ok(Math.abs(total - 13) < 1e-9, `total norm ${total}`);
  assertClose(flat(p.grad as torch.Tensor), [1.5, 2], 1e-6);
  assertClose(flat(q.grad as torch.Tensor), [6], 1e-6);
  opt.clipGradValue(1.8);
  assertClose(flat(p.grad as torch.Tensor), [1.5, 1.8], 1e-6);
  opt.gradClip = { clipValue: 1 };
  opt.step();
  assertClose(flat(p), [-1, -1], 1e-12);
});

test('optimizer state round-trips and resumes the same trajectory', () => {
  const make = () => {
    const w = torch.tensor([1, -2, 3], { dtype: 'float64' }).requiresGrad_();
    return { w, opt: new torch.optim.Adam([w], { lr: 0.1, amsgrad: true }) };
  };
  const stepOnce = (w: torch.Tensor, opt: torch.optim.Optimizer) =>
    torch.scope(() => {
      opt.zeroGrad();
      w.pow(4).sum().backward();
      opt.step();
    });
  const a = make();
  for (let i = 0; i < 5; i++) stepOnce(a.w, a.opt);
  const saved = torch.loadFromBuffer(torch.saveToBuffer({ w: a.w, opt: a.opt.stateDict() })) as { w: torch.Tensor; opt: torch.optim.OptimizerStateDict };
  const b = make();
  b.w.copy_(saved.w);
  b.opt.loadStateDict(saved.opt);
  for (let i = 0; i < 5; i++) {
    stepOnce(a.w, a.opt);
    stepOnce(b.w, b.opt);
  }
  assert.deepEqual(flat(b.w), flat(a.w));
  assert.throws(() => new torch.optim.SGD([a.w], { lr: 0.1 }).loadStateDict({ state: new Map(), param_groups: [] }), /0 parameter groups, this optimizer has 1/);
});

test('invalid hyper-parameters are rejected', () => {
  const w = torch.zeros([1]).requiresGrad_();
  assert.throws(() => new torch.optim.SGD([w], { lr: -1 }), /invalid learning rate -1/);
  assert.throws(() => new torch.optim.SGD([w], { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum/);
  assert.throws(() => new torch.optim.Adam([w], { betas: [1, 0.9] }), /invalid beta 1/);
  assert.throws(() => new torch.optim.SGD([{ params: [w] }, { params: [w] }], { lr: 0.1 }), /more than one parameter group/);
});
