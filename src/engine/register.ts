// Registers the engine's hooks and validators so configs can name them.
import { hooks, validators } from '../registry';
import { integer, oneOf, options, string } from '../registry/schema';
import type { TrainerContext } from './contract';
import { CheckpointHook } from './hooks/checkpoint';
import { LoggerHook } from './hooks/logger';
import { ProgressBarHook } from './hooks/progress';
import { TensorBoardHook } from './hooks/tensorboard';
import { ClassificationValidator } from './validator';

type Opts = Record<string, any>;

validators.register('Classification', {
  description: 'top-1 and mean per-class accuracy (and confusion matrices) on every datasets.test set',
  factory: (o: Opts, ...extra: unknown[]) => new ClassificationValidator({ interval: o.interval }, extra[0] as TrainerContext),
});

hooks.register('TensorBoard', {
  description: 'TensorBoard event files in <work_dir>/<dir>: train scalars, lrs, eval metrics (default hook)',
  schema: options({ interval: integer(1), dir: string({ default: 'tf_logs' }) }),
  factory: (o: Opts, ...extra: unknown[]) =>
    new TensorBoardHook(o.interval ?? (extra[0] as TrainerContext).config.runtime?.log_interval ?? 50, o.dir),
});
hooks.register('Logger', {
  description: 'console lines and JSON records (log.jsonl) every interval iterations (default hook)',
  schema: options({ interval: integer(1) }),
  factory: (o: Opts, ...extra: unknown[]) => new LoggerHook(o.interval ?? (extra[0] as TrainerContext).config.runtime?.log_interval ?? 50),
});
hooks.register('Checkpoint', {
  description: 'periodic, final and best checkpoints in <work_dir>/checkpoints (default hook; or runtime.checkpoint)',
  schema: options({
    interval: integer(1),
    max_keep: integer(0),
    save_best: { type: ['string', 'boolean'] },
    best_mode: oneOf(['max', 'min']),
  }),
  factory: (o: Opts) => new CheckpointHook(o),
});
hooks.register('ProgressBar', {
  description: 'a progress bar on stderr (default hook when stderr is a terminal)',
  factory: () => new ProgressBarHook(),
});
