// Learning-rate schedules (stepped per iteration) and scalar schedules for
// method coefficients such as the GRL lambda. Schedules are pure functions of
// the iteration, so resuming needs only the iteration they were last applied at.
import type { Optimizer } from '../torch/optim';

/** lr at iteration `iter` for a group whose base lr is `base`. */
export type LrFormula = (base: number, iter: number) => number;

export interface WarmupConfig {
  type: 'linear' | 'constant' | 'exp';
  iters: number;
  /** lr multiplier at iteration 0 (default 0.1). */
  ratio?: number;
}

export const lrFormulas = {
  constant: (): LrFormula => (base) => base,
  step: (stepSize: number, gamma: number): LrFormula => (base, i) => base * gamma ** Math.floor(i / stepSize),
  multiStep: (milestones: number[], gamma: number): LrFormula => {
    const sorted = [...milestones].sort((a, b) => a - b);
    return (base, i) => base * gamma ** sorted.filter((m) => i >= m).length;
  },
  exponential: (gamma: number): LrFormula => (base, i) => base * gamma ** i,
  poly: (maxIters: number, power: number, minLr: number): LrFormula => (base, i) =>
    (base - minLr) * Math.max(0, 1 - i / maxIters) ** power + minLr,
  cosine: (maxIters: number, minLr: number): LrFormula => (base, i) =>
    minLr + ((base - minLr) * (1 + Math.cos((Math.PI * Math.min(i, maxIters)) / maxIters))) / 2,
  /** DANN/TLlib: lr0 * (1 + gamma * i)^(-power). */
  inv: (gamma: number, power: number): LrFormula => (base, i) => base * (1 + gamma * i) ** -power,
};

/** Multiplier of the scheduled lr during warmup (mmcv semantics), 1 afterwards. */
export function warmupFactor(warmup: WarmupConfig | undefined, iter: number): number {
  if (!warmup || iter >= warmup.iters) return 1;
  const ratio = warmup.ratio ?? 0.1;
  const progress = iter / warmup.iters;
  switch (warmup.type) {
    case 'constant':
      return ratio;
    case 'linear':
      return 1 - (1 - progress) * (1 - ratio);
    case 'exp':
      return ratio ** (1 - progress);
  }
}

/** Applies a formula to every parameter group of one optimizer, honouring each group's multiplier. */
export class LrScheduler {
  private lastIter = -1;
  constructor(
    readonly optimizer: Optimizer,
    private readonly formula: LrFormula,
    private readonly warmup?: WarmupConfig,
  ) {}

  /** Sets every group's lr for iteration `iter` (0-based). */
  step(iter: number): void {
    const w = warmupFactor(this.warmup, iter);
    for (const group of this.optimizer.paramGroups) group.lr = this.formula(group.initialLr, iter) * w;
    this.lastIter = iter;
  }

  /** Current lr of each group, by group name. */
  lrs(): Record<string, number> {
    return Object.fromEntries(this.optimizer.paramGroups.map((g) => [g.name, g.lr]));
  }

  stateDict(): { last_iter: number } {
    return { last_iter: this.lastIter };
  }

  loadStateDict(state: { last_iter?: number }): void {
    if (typeof state.last_iter === 'number' && state.last_iter >= 0) this.step(state.last_iter);
  }
}

/** A coefficient as a function of the iteration (GRL lambda, loss weights). */
export class ScalarSchedule {
  private lastIter = -1;
  constructor(private readonly formula: (iter: number) => number) {}

  static constant(value: number): ScalarSchedule {
    return new ScalarSchedule(() => value);
  }

  /** Linear from `start` to `end` over maxIters, then constant. */
  static linear(start: number, end: number, maxIters: number): ScalarSchedule {
    return new ScalarSchedule((i) => start + (end - start) * Math.min(1, i / maxIters));
  }

  /**
   * Ganin & Lempitsky's ramp lo + (hi - lo) * (2 / (1 + exp(-alpha p)) - 1),
   * p = iter / maxIters (TLlib's WarmStartGradientReverseLayer).
   */
  static sigmoidRamp(maxIters: number, options: { alpha?: number; lo?: number; hi?: number } = {}): ScalarSchedule {
    const { alpha = 10, lo = 0, hi = 1 } = options;
    return new ScalarSchedule((i) => lo + (hi - lo) * (2 / (1 + Math.exp((-alpha * i) / maxIters)) - 1));
  }

  /** The value at `iter`; remembers the iteration for checkpoints. */
  value(iter: number): number {
    this.lastIter = iter;
    return this.formula(iter);
  }

  stateDict(): { last_iter: number } {
    return { last_iter: this.lastIter };
  }

  loadStateDict(state: { last_iter?: number }): void {
    if (typeof state.last_iter === 'number') this.lastIter = state.last_iter;
  }
}

export type ScalarScheduleConfig =
  | number
  | { type: 'constant'; value: number }
  | { type: 'linear'; start: number; end: number; max_iters?: number }
  | { type: 'sigmoid_ramp'; max_iters?: number; alpha?: number; lo?: number; hi?: number };

/** Builds a scalar schedule from config; a bare number is a constant. */
export function buildScalarSchedule(config: ScalarScheduleConfig, defaultMaxIters: number): ScalarSchedule {
  if (typeof config === 'number') return ScalarSchedule.constant(config);
  switch (config.type) {
    case 'constant':
      return ScalarSchedule.constant(config.value);
    case 'linear':
      return ScalarSchedule.linear(config.start, config.end, config.max_iters ?? defaultMaxIters);
    case 'sigmoid_ramp':
      return ScalarSchedule.sigmoidRamp(config.max_iters ?? defaultMaxIters, config);
    default:
      throw new Error(`unknown scalar schedule type '${(config as { type: string }).type}' (constant, linear, sigmoid_ramp)`);
  }
}

/** JSON schema of ScalarScheduleConfig, for components that take one. */
export const scalarScheduleSchema = {
  oneOf: [
    { type: 'number' },
    { type: 'object', properties: { type: { const: 'constant' }, value: { type: 'number' } }, required: ['type', 'value'], additionalProperties: false },
    {
      type: 'object',
      properties: { type: { const: 'linear' }, start: { type: 'number' }, end: { type: 'number' }, max_iters: { type: 'integer', minimum: 1 } },
      required: ['type', 'start', 'end'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        type: { const: 'sigmoid_ramp' },
        max_iters: { type: 'integer', minimum: 1 },
        alpha: { type: 'number' },
        lo: { type: 'number' },
        hi: { type: 'number' },
      },
      required: ['type'],
      additionalProperties: false,
    },
  ],
};
