// Optimizer base: parameter groups, per-parameter state, zero_grad, gradient
// clipping and PyTorch-format state dicts ({state: {idx: …}, param_groups: […]}).
import { native } from '../native';
import { Tensor } from '../tensor';
import { keep } from '../scope';

export interface ParamGroupInput {
  params: Tensor[];
  /** Learning rate of this group before any schedule (base lr x multipliers). */
  lr?: number;
  weightDecay?: number;
  /** Free-form label shown in logs (e.g. "backbone", "backbone/no_decay"). */
  name?: string;
}

export interface ParamGroup {
  params: Tensor[];
  /** Current learning rate (schedules rewrite it every iteration). */
  lr: number;
  /** Learning rate the schedules scale: lr = initialLr x schedule factor. */
  initialLr: number;
  weightDecay: number;
  name: string;
}

export type ParamState = Record<string, Tensor | number>;

export interface OptimizerStateDict {
  state: Map<number, ParamState>;
  param_groups: Record<string, unknown>[];
}

export abstract class Optimizer {
  readonly paramGroups: ParamGroup[];
  protected readonly state = new Map<Tensor, ParamState>();

  constructor(groups: ParamGroupInput[] | Tensor[], defaults: { lr: number; weightDecay?: number }) {
    if (!(defaults.lr >= 0)) throw new RangeError(`invalid learning rate ${defaults.lr}`);
    const inputs: ParamGroupInput[] = groups.length > 0 && groups[0] instanceof Tensor ? [{ params: groups as Tensor[] }] : (groups as ParamGroupInput[]);
    const seen = new Set<Tensor>();
    this.paramGroups = inputs.map((g, i) => {
      for (const p of g.params) {
        if (seen.has(p)) throw new Error(`a parameter appears in more than one parameter group (group ${i})`);
        seen.add(p);
      }
      const lr = g.lr ?? defaults.lr;
      return { params: [...g.params], lr, initialLr: lr, weightDecay: g.weightDecay ?? defaults.weightDecay ?? 0, name: g.name ?? `group${i}` };
    });
  }

  /** Extra hyper-parameters saved in param_groups, with PyTorch's key names. */
  protected abstract groupHyperParameters(): Record<string, unknown>;

  /** Gradient clipping applied by step() before every update (optional). */
  gradClip: { maxNorm?: number; normType?: number; clipValue?: number } | null = null;

  /** Clips gradients if gradClip is set, then updates every parameter that has a gradient. */
  step(): void {
    if (this.gradClip?.maxNorm !== undefined) this.clipGradNorm(this.gradClip.maxNorm, this.gradClip.normType ?? 2);
    if (this.gradClip?.clipValue !== undefined) this.clipGradValue(this.gradClip.clipValue);
    this.update();
  }

  /** The update rule, applied to every parameter that has a gradient. */
  protected abstract update(): void;

  /** Clears gradients (setToNone frees them, as PyTorch >= 2.0 does by default). */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) for (const p of group.params) p.zeroGrad(setToNone);
  }

  /** Every parameter of every group, in order. */
  parameters(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** Scales gradients so their total p-norm is at most maxNorm; returns the norm before clipping. */
  clipGradNorm(maxNorm: number, normType = 2): number {
    return native.clipGradNorm(this.withGrad().map((p) => p.handle), maxNorm, normType);
  }

  /** Clamps every gradient element to [-clipValue, clipValue]. */
  clipGradValue(clipValue: number): void {
    native.clipGradValue(this.withGrad().map((p) => p.handle), clipValue);
  }

  protected withGrad(): Tensor[] {
    return this.parameters().filter((p) => native.hasGrad(p.handle));
  }

  protected stateOf(param: Tensor): ParamState {
    let s = this.state.get(param);
    if (!s) {
      s = {};
      this.state.set(param, s);
    }
    return s;
  }

  /** Stores a state tensor outside any scope. */
  protected keepState(tensor: Tensor): Tensor {
    return keep(tensor);
  }

  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    this.parameters().forEach((p, i) => index.set(p, i));
    const state = new Map<number, ParamState>();
    for (const [param, s] of this.state) state.set(index.get(param) as number, { ...s });
    const hyper = this.groupHyperParameters();
    const param_groups = this.paramGroups.map((g) => ({
      ...hyper,
      lr: g.lr,
      initial_lr: g.initialLr,
      weight_decay: g.weightDecay,
      name: g.name,
      params: g.params.map((p) => index.get(p) as number),
    }));
    return { state, param_groups };
  }

  /** Restores state saved by stateDict() (or by torch.optim with the same groups). */
  loadStateDict(dict: OptimizerStateDict): void {
    const groups = dict.param_groups;
    if (!Array.isArray(groups) || groups.length !== this.paramGroups.length) {
      throw new Error(`optimizer state has ${Array.isArray(groups) ? groups.length : 'no'} parameter groups, this optimizer has ${this.paramGroups.length}`);
    }
    groups.forEach((saved, i) => {
      const group = this.paramGroups[i] as ParamGroup;
      const params = saved.params as number[];
      if (!Array.isArray(params) || params.length !== group.params.length) {
        throw new Error(`optimizer parameter group ${i} has ${group.params.length} parameters, the saved state has ${Array.isArray(params) ? params.length : 'none'}`);
      }
      if (typeof saved.lr === 'number') group.lr = saved.lr;
      if (typeof saved.initial_lr === 'number') group.initialLr = saved.initial_lr;
      if (typeof saved.weight_decay === 'number') group.weightDecay = saved.weight_decay;
    });
    const params = this.parameters();
    const savedState = dict.state instanceof Map ? dict.state : new Map(Object.entries(dict.state ?? {}).map(([k, v]) => [Number(k), v as ParamState]));
    for (const old of this.state.values()) for (const v of Object.values(old)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
    for (const [i, s] of savedState) {
      const param = params[i];
      if (!param) throw new Error(`optimizer state refers to parameter ${i}, but there are only ${params.length}`);
      const restored: ParamState = {};
      for (const [key, value] of Object.entries(s)) {
        if (value instanceof Tensor) {
          // Copy so the optimizer owns its state and it lands on the parameter's device.
          restored[key] = this.keepState(value.to({ device: param.device, copy: true }));
        } else {
          restored[key] = value;
        }
      }
      this.state.set(param, restored);
    }
  }
}
