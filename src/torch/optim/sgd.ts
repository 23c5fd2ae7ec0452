// SGD with momentum, dampening, Nesterov and weight decay (torch.optim.SGD).
import { native, type Handle } from '../native';
import { Tensor } from '../tensor';
import { keep } from '../scope';
import { Optimizer, type ParamGroupInput } from './optimizer';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;

  constructor(params: ParamGroupInput[] | Tensor[], options: SGDOptions) {
    super(params, options);
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.maximize = options.maximize ?? false;
    if (this.momentum < 0) throw new RangeError(`invalid momentum ${this.momentum}`);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected groupHyperParameters(): Record<string, unknown> {
    return { momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov, maximize: this.maximize };
  }

  protected update(): void {
    for (const group of this.paramGroups) {
      const params = group.params.filter((p) => native.hasGrad(p.handle));
      if (params.length === 0) continue;
      const buffers = params.map((p) => {
        const buf = this.state.get(p)?.momentum_buffer;
        return buf instanceof Tensor ? buf.handle : null;
      });
      const created = native.sgdStep(
        params.map((p) => p.handle),
        buffers,
        group.lr,
        this.momentum,
        this.dampening,
        group.weightDecay,
        this.nesterov,
        this.maximize,
      );
      created.forEach((h: Handle | null, i) => {
        if (h !== null) this.stateOf(params[i] as Tensor).momentum_buffer = keep(new Tensor(h));
      });
    }
  }
}
