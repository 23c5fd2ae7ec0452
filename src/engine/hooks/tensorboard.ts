// TensorBoard scalars: train outputs and lrs every `interval` iterations
// (means over the interval), metrics after each evaluation. Files go to
// <workDir>/tf_logs; a resumed run adds a new file there.
import * as path from 'node:path';
import type { Metrics } from '../contract';
import type { Hook } from '../hooks';
import { EventFileWriter } from '../tfevents';
import type { Trainer } from '../trainer';

export class TensorBoardHook implements Hook {
  name = 'TensorBoard';
  priority = 'VERY_LOW';
  private writer: EventFileWriter | null = null;
  private sums: Record<string, number> = {};
  private count = 0;

  constructor(
    private readonly interval: number,
    private readonly dir = 'tf_logs',
  ) {}

  beforeRun(trainer: Trainer): void {
    this.writer = new EventFileWriter(path.join(trainer.workDir, this.dir));
  }

  afterTrainIter(trainer: Trainer): void {
    for (const [k, v] of Object.entries(trainer.outputs)) this.sums[k] = (this.sums[k] ?? 0) + v;
    this.count += 1;
    if (trainer.iter % this.interval !== 0 && trainer.iter !== trainer.maxIters) return;
    const scalars: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.sums)) scalars[`train/${k}`] = v / this.count;
    for (const [k, v] of Object.entries(trainer.lrs())) scalars[`lr/${k}`] = v;
    this.writer?.addScalars(trainer.iter, scalars);
    this.sums = {};
    this.count = 0;
  }

  afterVal(trainer: Trainer, metrics: Metrics): void {
    this.writer?.addScalars(trainer.iter, Object.fromEntries(Object.entries(metrics).map(([k, v]) => [`val/${k}`, v])));
  }

  afterRun(): void {
    this.writer?.close();
    this.writer = null;
  }
}
