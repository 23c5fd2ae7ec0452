// The text logger: every `interval` iterations one readable console line and
// one JSON record with iteration, ETA, speed, data/step time, every lr and the
// mean of every scalar the method returned since the last line.
import type { Metrics } from '../contract';
import type { Hook } from '../hooks';
import type { Trainer } from '../trainer';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** An evaluation metric as logs and `fastda test` print it: integers as they are, others with two decimals. */
export function formatMetric(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

const fmt = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));

export class LoggerHook implements Hook {
  name = 'Logger';
  priority = 'VERY_LOW';
  private sums: Record<string, number> = {};
  private count = 0;
  private dataTime = 0;
  private stepTime = 0;
  private windowStart = 0;
  private windowIters = 0;
  private valStart = 0;
  /** Training seconds of earlier runs of this work dir (resume). */
  private elapsedBefore = 0;
  private runStart = 0;

  constructor(private readonly interval: number) {}

  beforeRun(trainer: Trainer): void {
    this.runStart = this.windowStart = performance.now();
    const models = Object.entries(trainer.models).map(([n, m]) => `${n} ${(m.numParameters() / 1e6).toFixed(2)}M`);
    trainer.logger.info(`${trainer.constructor.name}: iterations ${trainer.iter}/${trainer.maxIters}; models ${models.join(', ')}; work dir ${trainer.workDir}`, {
      event: 'start',
      iter: trainer.iter,
      max_iters: trainer.maxIters,
      seed: trainer.context.seed,
      device: trainer.context.device,
    });
  }

  afterTrainIter(trainer: Trainer): void {
    for (const [k, v] of Object.entries(trainer.outputs)) this.sums[k] = (this.sums[k] ?? 0) + v;
    this.count += 1;
    this.windowIters += 1;
    this.dataTime += trainer.timing.data;
    this.stepTime += trainer.timing.step;
    if (trainer.iter % this.interval !== 0 && trainer.iter !== trainer.maxIters) return;
    const now = performance.now();
    const itPerSec = (this.windowIters * 1000) / Math.max(1e-9, now - this.windowStart);
    const eta = (trainer.maxIters - trainer.iter) / itPerSec;
    const means = Object.fromEntries(Object.entries(this.sums).map(([k, v]) => [k, v / this.count]));
    const lrs = trainer.lrs();
    const line =
      `[${trainer.iter}/${trainer.maxIters}] eta ${formatDuration(eta)}  ${itPerSec.toFixed(1)} it/s  ` +
      `data ${((1000 * this.dataTime) / this.count).toFixed(1)}ms step ${((1000 * this.stepTime) / this.count).toFixed(1)}ms  ` +
      `lr ${Object.entries(lrs).map(([k, v]) => `${k}=${v.toExponential(3)}`).join(' ')}  ` +
      Object.entries(means).map(([k, v]) => `${k}=${fmt(v)}`).join(' ');
    trainer.logger.info(line, {
      event: 'train',
      iter: trainer.iter,
      max_iters: trainer.maxIters,
      eta_s: Math.round(eta),
      it_per_s: itPerSec,
      data_ms: (1000 * this.dataTime) / this.count,
      step_ms: (1000 * this.stepTime) / this.count,
      lr: lrs,
      ...means,
    });
    this.sums = {};
    this.count = 0;
    this.dataTime = 0;
    this.stepTime = 0;
    this.windowStart = now;
    this.windowIters = 0;
  }

  beforeVal(): void {
    this.valStart = performance.now();
  }

  afterVal(trainer: Trainer, metrics: Metrics): void {
    const text = Object.entries(metrics).map(([k, v]) => `${k}=${formatMetric(v)}`).join(' ');
    trainer.logger.info(`[${trainer.iter}/${trainer.maxIters}] eval ${text}`, { event: 'eval', iter: trainer.iter, ...metrics });
    // Evaluation time is not training speed: move the window start past it.
    this.windowStart += performance.now() - this.valStart;
  }

  afterRun(trainer: Trainer): void {
    const total = this.elapsedBefore + (performance.now() - this.runStart) / 1000;
    trainer.logger.info(`done: ${trainer.iter} iterations, ${formatDuration(total)} of training${trainer.skippedUpdates ? `, ${trainer.skippedUpdates} updates skipped (non-finite loss)` : ''}`, {
      event: 'done',
      iter: trainer.iter,
      seconds: total,
      skipped_updates: trainer.skippedUpdates,
    });
  }

  stateDict(): unknown {
    return { elapsed_s: this.elapsedBefore + (this.runStart ? (performance.now() - this.runStart) / 1000 : 0) };
  }

  loadStateDict(state: unknown): void {
    this.elapsedBefore = Number((state as { elapsed_s?: number }).elapsed_s ?? 0);
  }
}
