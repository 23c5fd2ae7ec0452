// The hooks every run gets. A config entry in `hooks:` with the same type
// replaces the default one (e.g. `{type: TensorBoard, interval: 10}`).
import type { TrainerContext } from './contract';
import type { Hook } from './hooks';
import { CheckpointHook } from './hooks/checkpoint';
import { EvalHook } from './hooks/eval';
import { LoggerHook } from './hooks/logger';
import { LrSchedulerHook } from './hooks/lr-scheduler';
import { ProgressBarHook } from './hooks/progress';
import { TensorBoardHook } from './hooks/tensorboard';

export function defaultHooks(config: Record<string, any>, _context: TrainerContext): Hook[] {
  const runtime = (config.runtime ?? {}) as Record<string, any>;
  const logInterval = runtime.log_interval ?? 50;
  const hooks: Hook[] = [
    new LrSchedulerHook(),
    new EvalHook(),
    new CheckpointHook(runtime.checkpoint ?? {}),
    new LoggerHook(logInterval),
    new TensorBoardHook(logInterval),
  ];
  if (process.stderr.isTTY) hooks.push(new ProgressBarHook());
  return hooks;
}
