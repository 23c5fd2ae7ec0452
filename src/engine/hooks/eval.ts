// Runs the validator on its schedule (every N iterations, FastDA's
// {milestone: interval} form, and always after the last iteration).
import type { Metrics } from '../contract';
import type { Hook } from '../hooks';
import type { Trainer } from '../trainer';

export class EvalHook implements Hook {
  name = 'Eval';
  priority = 'ABOVE_NORMAL';
  last: { iter: number; metrics: Metrics } | null = null;

  async afterTrainIter(trainer: Trainer): Promise<void> {
    if (!trainer.validator || !trainer.validator.due(trainer.iter, trainer.maxIters)) return;
    this.last = { iter: trainer.iter, metrics: await trainer.validate() };
  }

  async afterRun(trainer: Trainer): Promise<void> {
    await (trainer.validator as { close?: () => Promise<void> } | null)?.close?.();
  }
}
