// DANN (Ganin & Lempitsky 2015): a domain discriminator learns to tell source
// from target features, and a gradient-reversal layer makes the backbone learn
// features it cannot tell apart. The GRL coefficient ramps up with the
// iteration (scheduled per call, saved in checkpoints).
import * as torch from '../torch';
import type { Tensor } from '../torch';
import type { Batch } from '../data';
import { Trainer, type TrainerOptions } from '../engine/trainer';
import { ScalarSchedule } from '../optim/schedules';

export interface DANNOptions extends TrainerOptions {
  /** GRL coefficient: lo + (hi - lo)(2 / (1 + exp(-alpha i / max_iters)) - 1). */
  grl?: Partial<{ max_iters: number; alpha: number; lo: number; hi: number }>;
  /** Weight of the domain loss. */
  trade_off: number;
}

export class DANN extends Trainer {
  declare readonly options: DANNOptions;
  private grl!: ScalarSchedule;

  protected override trainDomains(): string[] {
    return ['source', 'target'];
  }

  protected override setupMethod(): void {
    const { max_iters, alpha, lo, hi } = { max_iters: 1000, alpha: 1, lo: 0, hi: 1, ...this.options.grl };
    this.grl = this.registerSchedule('grl', ScalarSchedule.sigmoidRamp(max_iters, { alpha, lo, hi }));
  }

  trainStep(batches: Record<string, Batch>): Record<string, number | Tensor> {
    const F = torch.functional;
    const source = batches.source as Batch;
    const target = batches.target as Batch;
    const xs = source.image as Tensor;
    const labels = source.label as Tensor;
    const ns = xs.size(0);
    const nt = (target.image as Tensor).size(0);

    // One pass over both domains, as TLlib does.
    const features = this.model('backbone').forward(torch.cat([xs, target.image as Tensor])) as Tensor;
    const logits = (this.model('head').forward(features) as Tensor).narrow(0, 0, ns);
    const lossCls = F.crossEntropy(logits, labels);

    const coeff = this.grl.value(this.iter);
    const domainLogits = (this.model('discriminator').forward(torch.gradReverse(features, coeff)) as Tensor).flatten();
    const domainLabels = torch.cat([torch.ones([ns], { device: xs.device }), torch.zeros([nt], { device: xs.device })]);
    const lossDomain = F.binaryCrossEntropyWithLogits(domainLogits, domainLabels);

    const loss = lossCls.add(lossDomain.mul(this.options.trade_off));
    this.optimize(loss, ['backbone', 'head', 'discriminator'], { name: 'loss' });
    return {
      loss_cls: lossCls,
      loss_domain: lossDomain,
      acc_src: logits.argmax(1).eq(labels).float().mean().mul(100),
      acc_domain: domainLogits.gt(0).eq(domainLabels.gt(0.5)).float().mean().mul(100),
      grl_coeff: coeff,
    };
  }
}
