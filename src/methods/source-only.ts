// Source only: train backbone + head on labelled source data; the target
// domain is only used for evaluation. The baseline every DA method must beat.
import * as torch from '../torch';
import type { Tensor } from '../torch';
import type { Batch } from '../data';
import { Trainer } from '../engine/trainer';

export class SourceOnly extends Trainer {
  protected override trainDomains(): string[] {
    return ['source'];
  }

  trainStep(batches: Record<string, Batch>): Record<string, number | Tensor> {
    const source = batches.source as Batch;
    const logits = this.predict(source.image as Tensor);
    const labels = source.label as Tensor;
    const loss = torch.functional.crossEntropy(logits, labels);
    this.optimize(loss, ['backbone', 'head'], { name: 'loss_cls' });
    return { loss_cls: loss, acc_src: logits.argmax(1).eq(labels).float().mean().mul(100) };
  }
}
