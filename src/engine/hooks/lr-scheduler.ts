// Sets every optimizer's lr for the coming iteration from its schedule.
import type { Hook } from '../hooks';
import type { Trainer } from '../trainer';

export class LrSchedulerHook implements Hook {
  name = 'LrScheduler';
  priority = 'VERY_HIGH';
  beforeTrainIter(trainer: Trainer): void {
    for (const scheduler of Object.values(trainer.lrSchedulers)) scheduler.step(trainer.iter);
  }
}
