// Adam and AdamW (decoupled weight decay), as torch.optim.Adam/AdamW.
import { native } from '../native';
import { Tensor } from '../tensor';
import { zerosLike, scalar } from '../creation';
import { Optimizer, type ParamGroupInput, type ParamState } from './optimizer';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

export class Adam extends Optimizer {
  readonly betas: [number, number];
  readonly eps: number;
  readonly amsgrad: boolean;
  readonly maximize: boolean;
  protected readonly decoupled: boolean = false;

  constructor(params: ParamGroupInput[] | Tensor[], options: AdamOptions = {}, defaultWeightDecay = 0) {
    super(params, { lr: options.lr ?? 1e-3, weightDecay: options.weightDecay ?? defaultWeightDecay });
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.amsgrad = options.amsgrad ?? false;
    this.maximize = options.maximize ?? false;
    for (const b of this.betas) if (!(b >= 0 && b < 1)) throw new RangeError(`invalid beta ${b} (expected 0 <= beta < 1)`);
  }

  protected groupHyperParameters(): Record<string, unknown> {
    return { betas: this.betas, eps: this.eps, amsgrad: this.amsgrad, maximize: this.maximize };
  }

  private ensureState(param: Tensor): ParamState {
    const s = this.stateOf(param);
    if (!(s.exp_avg instanceof Tensor)) {
      // torch.optim keeps `step` as a float tensor; fastda keeps a number and
      // converts when saving, so PyTorch can load the state.
      s.step = 0;
      s.exp_avg = this.keepState(zerosLike(param));
      s.exp_avg_sq = this.keepState(zerosLike(param));
      if (this.amsgrad) s.max_exp_avg_sq = this.keepState(zerosLike(param));
    }
    return s;
  }

  protected update(): void {
    for (const group of this.paramGroups) {
      const params = group.params.filter((p) => native.hasGrad(p.handle));
      if (params.length === 0) continue;
      const states = params.map((p) => this.ensureState(p));
      for (const s of states) s.step = stepNumber(s.step) + 1;
      native.adamStep(
        params.map((p) => p.handle),
        states.map((s) => (s.exp_avg as Tensor).handle),
        states.map((s) => (s.exp_avg_sq as Tensor).handle),
        this.amsgrad ? states.map((s) => (s.max_exp_avg_sq as Tensor).handle) : null,
        states.map((s) => s.step as number),
        group.lr,
        this.betas[0],
        this.betas[1],
        this.eps,
        group.weightDecay,
        this.amsgrad,
        this.decoupled,
        this.maximize,
      );
    }
  }

  override stateDict() {
    const dict = super.stateDict();
    for (const s of dict.state.values()) if (typeof s.step === 'number') s.step = scalar(s.step, { dtype: 'float32' });
    return dict;
  }

  override loadStateDict(dict: Parameters<Optimizer['loadStateDict']>[0]): void {
    super.loadStateDict(dict);
    for (const s of this.state.values()) s.step = stepNumber(s.step);
  }
}

function stepNumber(step: Tensor | number | undefined): number {
  if (step === undefined) return 0;
  if (step instanceof Tensor) {
    const n = step.item();
    step.dispose();
    return n;
  }
  return step;
}

/** Adam with decoupled weight decay (Loshchilov & Hutter); default weight decay 0.01. */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;
  constructor(params: ParamGroupInput[] | Tensor[], options: AdamOptions = {}) {
    super(params, options, 0.01);
  }
}
