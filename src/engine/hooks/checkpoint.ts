// Saves checkpoints every `interval` iterations and at the last one, keeps the
// newest `max_keep` (by iteration, never by file time), and keeps best.ckpt
// for the best value of a chosen metric.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Metrics } from '../contract';
import type { Hook } from '../hooks';
import { saveCheckpoint, writeFileAtomic } from '../checkpoint';
import { CHECKPOINT_DIR, listCheckpoints } from '../resume';
import type { Trainer } from '../trainer';

export interface CheckpointOptions {
  interval?: number;
  max_keep?: number;
  /** Metric whose best value is kept as best.ckpt ('target/acc'); false to disable. */
  save_best?: string | false;
  /** 'max' (accuracy) or 'min' (losses). */
  best_mode?: 'max' | 'min';
}

export class CheckpointHook implements Hook {
  name = 'Checkpoint';
  priority = 'BELOW_NORMAL';
  private best: { value: number; iter: number; metric: string } | null = null;
  private pendingMetrics: Metrics | null = null;

  constructor(private readonly options: CheckpointOptions) {}

  afterVal(_trainer: Trainer, metrics: Metrics): void {
    this.pendingMetrics = metrics;
  }

  afterTrainIter(trainer: Trainer): void {
    const interval = this.options.interval ?? 1000;
    const dir = path.join(trainer.workDir, CHECKPOINT_DIR);
    const metrics = this.pendingMetrics;
    this.pendingMetrics = null;
    const improved = metrics ? this.updateBest(metrics, trainer.iter) : false;
    const periodic = trainer.iter % interval === 0 || trainer.iter === trainer.maxIters;
    if (!periodic && !improved) return;
    // One serialisation serves both files.
    const file = path.join(dir, `iter_${trainer.iter}.ckpt`);
    if (periodic) {
      saveCheckpoint(file, trainer.checkpoint());
      trainer.logger.record({ event: 'checkpoint', iter: trainer.iter, file });
      this.prune(trainer.workDir);
    }
    if (improved) {
      const best = path.join(dir, 'best.ckpt');
      if (periodic) writeFileAtomic(best, fs.readFileSync(file));
      else saveCheckpoint(best, trainer.checkpoint());
      trainer.logger.info(`new best ${this.best?.metric} = ${this.best?.value.toFixed(2)} at iteration ${trainer.iter}: ${best}`, {
        event: 'best_checkpoint',
        ...this.best,
      });
    }
  }

  private updateBest(metrics: Metrics, iter: number): boolean {
    if (this.options.save_best === false) return false;
    const metric = this.options.save_best ?? Object.keys(metrics).find((k) => k.endsWith('/acc'));
    if (!metric || !(metric in metrics)) return false;
    const value = metrics[metric] as number;
    const better = this.options.best_mode === 'min' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
    if (this.best && !better(value, this.best.value)) return false;
    this.best = { value, iter, metric };
    return true;
  }

  private prune(workDir: string): void {
    const keep = this.options.max_keep ?? 3;
    if (keep <= 0) return;
    for (const { file } of listCheckpoints(workDir).slice(keep)) fs.rmSync(file, { force: true });
  }

  stateDict(): unknown {
    return { best: this.best };
  }

  loadStateDict(state: unknown): void {
    this.best = (state as { best?: CheckpointHook['best'] }).best ?? null;
  }
}
