// Evaluation over the test loaders: models in eval mode, no autograd, one
// evalStep per batch, exact metrics from a confusion matrix (every test sample
// counted once; no padding with duplicates).
import * as torch from '../torch';
import type { Tensor } from '../torch';
import { buildTestLoader, type Batch, type TestLoader } from '../data';
import type { Metrics, TrainerContext } from './contract';
import type { HookList, RunState } from './hooks';

/** What a validator needs from the trainer. */
export interface Evaluable extends RunState {
  config: Record<string, any>;
  models: Record<string, { train(mode?: boolean): unknown; eval(): unknown }>;
  predict(images: Tensor): Tensor;
}

export interface Validator {
  /** Whether to evaluate after `iter` completed iterations. */
  due(iter: number, maxIters: number): boolean;
  run(trainer: Evaluable, hooks?: HookList): Promise<Metrics>;
  /** Confusion matrices of the last run, by test set (rows: true class). */
  readonly confusion: Record<string, number[][]>;
}

/** `interval: N`, or FastDA's `{milestone: interval}`: from each milestone on, that interval. */
export type IntervalSpec = number | Record<string, number>;

export function isEvalIteration(spec: IntervalSpec | undefined, iter: number, maxIters: number): boolean {
  if (iter === maxIters) return true; // always evaluate the final weights
  if (spec === undefined) return false;
  if (typeof spec === 'number') return iter % spec === 0;
  const milestones = Object.entries(spec)
    .map(([m, every]) => [Number(m), every] as const)
    .sort((a, b) => a[0] - b[0]);
  let every: number | undefined;
  for (const [m, e] of milestones) if (iter >= m) every = e;
  return every !== undefined && iter % every === 0;
}

/** Accuracy metrics from a confusion matrix: top-1 (%), mean per-class accuracy (%). */
export function classificationMetrics(confusion: number[][]): { acc: number; mean_class_acc: number } {
  let correct = 0;
  let total = 0;
  const perClass: number[] = [];
  confusion.forEach((row, c) => {
    const n = row.reduce((a, b) => a + b, 0);
    correct += row[c] as number;
    total += n;
    if (n > 0) perClass.push((row[c] as number) / n);
  });
  return {
    acc: total ? (100 * correct) / total : 0,
    mean_class_acc: perClass.length ? (100 * perClass.reduce((a, b) => a + b, 0)) / perClass.length : 0,
  };
}

export class ClassificationValidator implements Validator {
  confusion: Record<string, number[][]> = {};
  private loaders: Record<string, TestLoader> | null = null;

  constructor(
    private readonly options: { interval?: IntervalSpec },
    private readonly context: TrainerContext,
  ) {}

  due(iter: number, maxIters: number): boolean {
    return isEvalIteration(this.options.interval, iter, maxIters);
  }

  private testLoaders(config: Record<string, any>): Record<string, TestLoader> {
    if (!this.loaders) {
      const sets = (config.datasets?.test ?? {}) as Record<string, Record<string, any>>;
      if (Object.keys(sets).length === 0) throw new Error('the Classification validator needs datasets.test (e.g. datasets.test.target)');
      this.loaders = Object.fromEntries(Object.entries(sets).map(([name, cfg]) => [name, buildTestLoader(cfg, { rank: 0, worldSize: 1, baseDir: process.cwd(), name })]));
    }
    return this.loaders;
  }

  async run(trainer: Evaluable, hooks?: HookList): Promise<Metrics> {
    const metrics: Metrics = {};
    const modes = Object.values(trainer.models);
    for (const m of modes) m.eval();
    try {
      for (const [name, loader] of Object.entries(this.testLoaders(trainer.config))) {
        const k = loader.dataset.numClasses;
        const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
        let index = 0;
        for await (const batch of loader.batches()) {
          try {
            const [labels, preds] = torch.scope(() =>
              torch.noGrad(() => {
                const images = batch.image as Tensor;
                const input = this.context.device === 'cpu' ? images : images.to(this.context.device);
                const logits = trainer.predict(input);
                return [Array.from((batch.label as Tensor).data(), Number), Array.from(logits.argmax(1).cpu().data(), Number)];
              }),
            );
            labels.forEach((y, i) => {
              const row = confusion[y];
              if (!row) throw new Error(`test set '${name}': label ${y} outside 0..${k - 1}`);
              row[preds[i] as number] = (row[preds[i] as number] as number) + 1;
            });
            if (hooks) await hooks.call('afterValIter', trainer, batch, index, name);
          } finally {
            torch.dispose(batch as Batch);
          }
          index += 1;
        }
        this.confusion[name] = confusion;
        const m = classificationMetrics(confusion);
        metrics[`${name}/acc`] = m.acc;
        metrics[`${name}/mean_class_acc`] = m.mean_class_acc;
      }
    } finally {
      for (const m of modes) m.train();
    }
    return metrics;
  }

  async close(): Promise<void> {
    if (this.loaders) await Promise.all(Object.values(this.loaders).map((l) => l.close()));
  }
}
