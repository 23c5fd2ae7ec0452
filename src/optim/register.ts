// Registers optimizers and lr schedulers. An optimizer factory takes the
// param groups built for one model; an lr scheduler factory takes the
// optimizer and the run's iteration budget.
import { optim } from '../torch';
import { lrSchedulers, optimizers } from '../registry';
import { integer, number, oneOf, options, positive, probability, boolean } from '../registry/schema';
import type { ParamGroupInput } from '../torch/optim';
import { LrScheduler, lrFormulas, type LrFormula } from './schedules';

type Opts = Record<string, any>;

const multipliers = { type: 'object', properties: { lr_mult: positive(), decay_mult: number({ minimum: 0 }) }, additionalProperties: false };
const paramGroupOptions = {
  weight_decay: number({ minimum: 0, default: 0 }),
  paramwise: {
    type: 'object',
    properties: {
      custom_keys: { type: 'object', additionalProperties: multipliers },
      bias_decay_mult: number({ minimum: 0 }),
      norm_decay_mult: number({ minimum: 0 }),
    },
    additionalProperties: false,
    description: 'per-parameter multipliers: custom_keys {name prefix: {lr_mult, decay_mult}}, bias_decay_mult, norm_decay_mult',
  },
  grad_clip: {
    type: 'object',
    properties: { max_norm: positive(), norm_type: positive(), clip_value: positive() },
    additionalProperties: false,
    description: 'clip gradients before each step: {max_norm, norm_type} or {clip_value}',
  },
};

/**
 * The groups an optimizer factory receives: ready-made groups, or a builder
 * called with the optimizer's lr and weight decay after schema defaults apply.
 */
export type GroupSource = ParamGroupInput[] | { groups: (lr: number, weightDecay: number) => ParamGroupInput[] };

function groupsOf(source: unknown, o: Opts): ParamGroupInput[] {
  if (Array.isArray(source)) return source as ParamGroupInput[];
  return (source as Exclude<GroupSource, ParamGroupInput[]>).groups(o.lr, o.weight_decay);
}

function withClip<O extends optim.Optimizer>(optimizer: O, o: Opts): O {
  if (o.grad_clip) optimizer.gradClip = { maxNorm: o.grad_clip.max_norm, normType: o.grad_clip.norm_type, clipValue: o.grad_clip.clip_value };
  return optimizer;
}

optimizers.register('SGD', {
  description: 'stochastic gradient descent with momentum, dampening, Nesterov and weight decay',
  schema: options(
    {
      lr: positive(),
      momentum: number({ minimum: 0, default: 0 }),
      dampening: number({ minimum: 0, default: 0 }),
      nesterov: boolean({ default: false }),
      ...paramGroupOptions,
    },
    ['lr'],
  ),
  factory: (o: Opts, ...extra: unknown[]) =>
    withClip(new optim.SGD(groupsOf(extra[0], o), { lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weight_decay, nesterov: o.nesterov }), o),
});

const adamSchema = (defaultDecay: number) =>
  options({
    lr: positive({ default: 1e-3 }),
    betas: { type: 'array', items: probability({ exclusiveMaximum: 1 }), minItems: 2, maxItems: 2, default: [0.9, 0.999] },
    eps: positive({ default: 1e-8 }),
    amsgrad: boolean({ default: false }),
    ...paramGroupOptions,
    weight_decay: number({ minimum: 0, default: defaultDecay }),
  });
const adamOptions = (o: Opts) => ({ lr: o.lr, betas: o.betas as [number, number], eps: o.eps, weightDecay: o.weight_decay, amsgrad: o.amsgrad });

optimizers.register('Adam', {
  description: 'Adam (weight decay added to the gradient)',
  schema: adamSchema(0),
  factory: (o: Opts, ...extra: unknown[]) => withClip(new optim.Adam(groupsOf(extra[0], o), adamOptions(o)), o),
});
optimizers.register('AdamW', {
  description: 'Adam with decoupled weight decay',
  schema: adamSchema(0.01),
  factory: (o: Opts, ...extra: unknown[]) => withClip(new optim.AdamW(groupsOf(extra[0], o), adamOptions(o)), o),
});

// ---- lr schedulers ------------------------------------------------------------
const warmup = {
  type: 'object',
  properties: { type: oneOf(['linear', 'constant', 'exp']), iters: integer(1), ratio: positive({ maximum: 1, default: 0.1 }) },
  required: ['type', 'iters'],
  additionalProperties: false,
  description: 'warmup before the schedule: {type: linear|constant|exp, iters, ratio}',
};

export interface SchedulerContext {
  /** The run's iteration budget (trainer.max_iters), the default horizon. */
  maxIters: number;
}

function registerSchedule(name: string, description: string, props: Record<string, unknown>, required: string[], make: (o: Opts, ctx: SchedulerContext) => LrFormula): void {
  lrSchedulers.register(name, {
    description,
    schema: options({ ...props, warmup } as Record<string, Record<string, unknown>>, required),
    // extra: [optimizer, SchedulerContext]
    factory: (o: Opts, ...extra: unknown[]) =>
      new LrScheduler(extra[0] as optim.Optimizer, make(o, extra[1] as SchedulerContext), o.warmup),
  });
}

registerSchedule('Constant', 'constant lr (optionally after a warmup)', {}, [], () => lrFormulas.constant());
registerSchedule('Step', 'lr x gamma every step_size iterations', { step_size: integer(1), gamma: positive({ default: 0.1 }) }, ['step_size'], (o) =>
  lrFormulas.step(o.step_size, o.gamma),
);
registerSchedule(
  'MultiStep',
  'lr x gamma at each milestone iteration',
  { milestones: { type: 'array', items: integer(1), minItems: 1 }, gamma: positive({ default: 0.1 }) },
  ['milestones'],
  (o) => lrFormulas.multiStep(o.milestones, o.gamma),
);
registerSchedule('Exponential', 'lr x gamma^iteration', { gamma: positive() }, ['gamma'], (o) => lrFormulas.exponential(o.gamma));
registerSchedule(
  'Poly',
  '(lr - min_lr) (1 - i/max_iters)^power + min_lr',
  { power: positive({ default: 1 }), min_lr: number({ minimum: 0, default: 0 }), max_iters: integer(1) },
  [],
  (o, ctx) => lrFormulas.poly(o.max_iters ?? ctx.maxIters, o.power, o.min_lr),
);
registerSchedule(
  'Cosine',
  'cosine annealing from lr to min_lr over max_iters',
  { min_lr: number({ minimum: 0, default: 0 }), max_iters: integer(1) },
  [],
  (o, ctx) => lrFormulas.cosine(o.max_iters ?? ctx.maxIters, o.min_lr),
);
registerSchedule(
  'InvLR',
  "DANN's lr (1 + gamma i)^(-power)",
  { gamma: positive({ default: 0.001 }), power: positive({ default: 0.75 }) },
  [],
  (o) => lrFormulas.inv(o.gamma, o.power),
);
