// The iteration-based DA trainer. A method subclasses Trainer and implements
// trainStep(batches): one batch from every train loader in, scalars out; it
// does its own zero_grad/backward/step through the helpers below. Everything
// else (building models/optimizers/loaders from the config, hooks, logging,
// evaluation, checkpoints, exact resume) lives here.
import * as path from 'node:path';
import * as torch from '../torch';
import type { nn, Tensor } from '../torch';
import type { Optimizer } from '../torch/optim';
import { buildTrainLoader, type Batch, type TrainLoader } from '../data';
import { buildModel } from '../models/build';
import { buildParamGroups } from '../optim/param-groups';
import { ScalarSchedule, type LrScheduler } from '../optim/schedules';
import { hooks as hookRegistry, lrSchedulers, optimizers, validators } from '../registry';
import type { Metrics, TrainerContext, TrainerRunner } from './contract';
import { HookList, type Hook, type RunState } from './hooks';
import { checkpointMeta, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint';
import { CHECKPOINT_DIR, findResumeCheckpoint, removeStaleTemps } from './resume';
import { InterruptedError, InterruptWatch, yieldToEventLoop } from './interrupt';
import { defaultHooks } from './default-hooks';
import { RunLogger } from './logger';
import type { Validator } from './validator';

export interface TrainerOptions {
  max_iters: number;
  /** What a NaN/infinite loss does: stop the run (default) or skip that update. */
  nan_policy?: 'stop' | 'skip';
  [key: string]: unknown;
}

/** Common trainer options, merged into every method's schema. */
export const trainerOptionsSchema = {
  max_iters: { type: 'integer', minimum: 1, description: 'iterations to train' },
  nan_policy: { enum: ['stop', 'skip'], default: 'stop', description: 'on a NaN/inf loss: stop the run, or skip that update' },
};

const SHARED_MODEL_KEYS = new Set(['optimizer', 'lr_scheduler']);
const MODEL_ONLY_KEYS = ['lr_mult', 'optimizer', 'lr_scheduler'];

export class NonFiniteLossError extends Error {
  constructor(name: string, iter: number, value: number) {
    super(`loss '${name}' is ${value} at iteration ${iter + 1}; stopping (set trainer.nan_policy: skip to skip such updates)`);
    this.name = 'NonFiniteLossError';
  }
}

/** Per-model optimizer/scheduler config: a model's own, merged over the shared default. */
function mergeComponent(shared: Record<string, unknown> | undefined, own: Record<string, unknown> | undefined): Record<string, any> | undefined {
  if (!own) return shared ? { ...shared } : undefined;
  if (own.type !== undefined || !shared) return { ...own };
  return { ...shared, ...own };
}

export abstract class Trainer implements TrainerRunner, RunState {
  readonly config: Record<string, any>;
  readonly workDir: string;
  readonly maxIters: number;
  models: Record<string, nn.Module> = {};
  optimizers: Record<string, Optimizer> = {};
  lrSchedulers: Record<string, LrScheduler> = {};
  /** Scalar schedules of the method (GRL coefficient...), saved in checkpoints. */
  schedules: Record<string, ScalarSchedule> = {};
  trainLoaders: Record<string, TrainLoader> = {};
  validator: Validator | null = null;
  readonly hooks = new HookList();
  logger!: RunLogger;
  /** Iterations completed (during trainStep: the 0-based index of the current one). */
  iter = 0;
  /** Scalars returned by the last trainStep. */
  outputs: Record<string, number> = {};
  /** Seconds spent waiting for data and in trainStep, last iteration. */
  timing = { data: 0, step: 0 };
  /** Updates skipped by nan_policy: skip. */
  skippedUpdates = 0;
  private readonly nanPolicy: 'stop' | 'skip';

  constructor(
    readonly options: TrainerOptions,
    readonly context: TrainerContext,
  ) {
    this.config = context.config;
    this.workDir = context.workDir;
    this.maxIters = options.max_iters;
    this.nanPolicy = options.nan_policy ?? 'stop';
  }

  /** The method's update for one iteration; runs inside a tensor scope. */
  abstract trainStep(batches: Record<string, Batch>): Record<string, number | Tensor>;

  /** Class scores for evaluation; default: head(backbone(images)). */
  predict(images: Tensor): Tensor {
    return this.model('head').forward(this.model('backbone').forward(images)) as Tensor;
  }

  /** Train sets the method draws batches from (default: all of datasets.train). */
  protected trainDomains(available: string[]): string[] {
    return available;
  }

  /** Method-specific setup after models, optimizers and loaders exist (register schedules here). */
  protected setupMethod(): void {}

  // ---- helpers for methods ---------------------------------------------------
  model(name: string): nn.Module {
    const m = this.models[name];
    if (!m) throw new Error(`${this.constructor.name} needs a model named '${name}' under models: (has ${Object.keys(this.models).join(', ') || 'none'})`);
    return m;
  }

  /** Registers a scalar schedule so it is saved and restored with the run. */
  protected registerSchedule(name: string, schedule: ScalarSchedule): ScalarSchedule {
    this.schedules[name] = schedule;
    return schedule;
  }

  zeroGrad(modelNames: string[]): void {
    for (const name of modelNames) this.optimizers[name]?.zeroGrad();
  }

  stepOptimizers(modelNames: string[]): void {
    for (const name of modelNames) this.optimizers[name]?.step();
  }

  /**
   * The common case in one call: zero the grads of `modelNames`, check the
   * loss is finite (nan_policy), backward, step. Returns false when the update
   * was skipped.
   */
  optimize(loss: Tensor, modelNames: string[], options: { name?: string; retainGraph?: boolean } = {}): boolean {
    this.zeroGrad(modelNames);
    const value = loss.item();
    if (!Number.isFinite(value)) {
      if (this.nanPolicy === 'stop') throw new NonFiniteLossError(options.name ?? 'loss', this.iter, value);
      this.skippedUpdates += 1;
      return false;
    }
    loss.backward(undefined, { retainGraph: options.retainGraph });
    this.stepOptimizers(modelNames);
    return true;
  }

  lrs(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, opt] of Object.entries(this.optimizers)) {
      opt.paramGroups.forEach((g, i) => (out[opt.paramGroups.length === 1 ? name : i === 0 ? name : g.name] = g.lr));
    }
    return out;
  }

  // ---- setup -------------------------------------------------------------------
  private buildModels(): void {
    const section = (this.config.models ?? {}) as Record<string, Record<string, any>>;
    for (const [name, cfg] of Object.entries(section)) {
      if (SHARED_MODEL_KEYS.has(name)) continue;
      const modelConfig = Object.fromEntries(Object.entries(cfg).filter(([k]) => !MODEL_ONLY_KEYS.includes(k)));
      const model = buildModel(modelConfig, { name: `models.${name}` });
      if (this.context.device !== 'cpu') model.to(this.context.device);
      this.models[name] = model;
      const optimizerCfg = cfg.frozen ? undefined : mergeComponent(section.optimizer, cfg.optimizer);
      if (!optimizerCfg) {
        model.requiresGrad_(false); // a model without an optimizer is frozen
        continue;
      }
      const groups = (lr: number, weightDecay: number) =>
        buildParamGroups(model, { lr, weightDecay, lrMult: cfg.lr_mult, paramwise: optimizerCfg.paramwise, name });
      const optimizer = optimizers.build(optimizerCfg, { groups, name }) as Optimizer;
      this.optimizers[name] = optimizer;
      const schedulerCfg = mergeComponent(section.lr_scheduler, cfg.lr_scheduler);
      if (schedulerCfg) this.lrSchedulers[name] = lrSchedulers.build(schedulerCfg, optimizer, { maxIters: this.maxIters }) as LrScheduler;
    }
  }

  private buildLoaders(): void {
    const train = (this.config.datasets?.train ?? {}) as Record<string, Record<string, any>>;
    const used = this.trainDomains(Object.keys(train));
    for (const name of used) if (!train[name]) throw new Error(`${this.constructor.name} needs datasets.train.${name}`);
    const ignored = Object.keys(train).filter((n) => !used.includes(n));
    if (ignored.length) this.logger.info(`${this.constructor.name} does not use datasets.train.${ignored.join(', datasets.train.')}`);
    for (const name of used) {
      const cfg = train[name] as Record<string, any>;
      this.trainLoaders[name] = buildTrainLoader(cfg, { seed: this.context.seed, rank: 0, worldSize: 1, baseDir: process.cwd(), name });
    }
  }

  private buildHooks(): void {
    for (const hook of defaultHooks(this.config, this.context)) {
      const override = (this.config.hooks ?? []).some((h: { type: string }) => h.type === hook.name);
      if (!override) this.hooks.add(hook);
    }
    for (const cfg of (this.config.hooks ?? []) as Record<string, any>[]) {
      const hook = hookRegistry.build(cfg, this.context) as Hook;
      if (!hook.name) hook.name = cfg.type;
      this.hooks.add(hook, cfg.priority);
    }
  }

  /** Builds everything from the config; `forTest` skips train loaders and hooks. */
  async setup(forTest = false): Promise<void> {
    const runtime = (this.config.runtime ?? {}) as Record<string, any>;
    if (this.context.nproc > 1) {
      // Never train on one process while the user believes it is several.
      throw new Error(`--nproc ${this.context.nproc}: multi-process (distributed) training is not available in this fastda yet; run with --nproc 1`);
    }
    if (runtime.num_threads) torch.setNumThreads(runtime.num_threads);
    torch.manualSeed(this.context.seed);
    this.logger = new RunLogger(this.workDir, { logLevel: runtime.log_level, quiet: forTest });
    this.buildModels();
    if (this.config.validator) this.validator = validators.build(this.config.validator, this.context) as Validator;
    if (forTest) return;
    this.buildLoaders();
    this.buildHooks();
    this.setupMethod();
  }

  // ---- the loop ------------------------------------------------------------------
  private async nextBatches(): Promise<Record<string, Batch>> {
    const names = Object.keys(this.trainLoaders);
    const batches = await Promise.all(names.map((n) => (this.trainLoaders[n] as TrainLoader).next()));
    const out: Record<string, Batch> = {};
    names.forEach((n, i) => (out[n] = this.toDevice(batches[i] as Batch)));
    return out;
  }

  private toDevice(batch: Batch): Batch {
    if (this.context.device === 'cpu') return batch;
    const out: Batch = {};
    for (const [k, v] of Object.entries(batch)) {
      if (v instanceof torch.Tensor) {
        out[k] = v.to(this.context.device);
        v.dispose();
      } else {
        out[k] = v;
      }
    }
    return out;
  }

  private runStep(batches: Record<string, Batch>): Record<string, number> {
    return torch.scope(() => {
      for (const model of Object.values(this.models)) model.train();
      const raw = this.trainStep(batches);
      const out: Record<string, number> = {};
      for (const [name, value] of Object.entries(raw)) {
        const n = value instanceof torch.Tensor ? value.item() : value;
        if (!Number.isFinite(n) && this.nanPolicy === 'stop' && name.startsWith('loss')) throw new NonFiniteLossError(name, this.iter, n);
        out[name] = n;
      }
      return out;
    });
  }

  async run(): Promise<void> {
    await this.setup();
    const interrupts = new InterruptWatch('stopping after this iteration and saving a checkpoint');
    try {
      removeStaleTemps(this.workDir);
      if (this.context.mode === 'resume' || this.context.resumeFrom) await this.resume();
      await this.hooks.call('beforeRun', this);
      while (this.iter < this.maxIters) {
        await yieldToEventLoop();
        if (interrupts.signal) this.stopOnSignal(interrupts.signal);
        const dataStart = process.hrtime.bigint();
        const batches = await this.nextBatches();
        const stepStart = process.hrtime.bigint();
        this.timing.data = Number(stepStart - dataStart) / 1e9;
        await this.hooks.call('beforeTrainIter', this);
        try {
          this.outputs = this.runStep(batches);
        } finally {
          torch.dispose(batches);
        }
        this.timing.step = Number(process.hrtime.bigint() - stepStart) / 1e9;
        this.iter += 1;
        await this.hooks.call('afterTrainIter', this);
      }
      await this.hooks.call('afterRun', this);
    } finally {
      interrupts.close();
      await Promise.all(Object.values(this.trainLoaders).map((l) => l.close()));
      this.logger.close();
    }
  }

  /** Saves the run as it is now and ends it with an InterruptedError. */
  private stopOnSignal(signal: 'SIGINT' | 'SIGTERM'): never {
    const file = path.join(this.workDir, CHECKPOINT_DIR, `iter_${this.iter}.ckpt`);
    saveCheckpoint(file, this.checkpoint());
    this.logger.info(`stopped by ${signal} at iteration ${this.iter} of ${this.maxIters}; saved ${file}`, { event: 'interrupted', iter: this.iter, signal, file });
    throw new InterruptedError(`stopped by ${signal} at iteration ${this.iter}; continue with: fastda resume ${this.workDir}`, signal);
  }

  /** Runs the validator now (hooks beforeVal/afterValIter/afterVal included). */
  async validate(): Promise<Metrics> {
    if (!this.validator) throw new Error('no validator configured (add a validator: section)');
    await this.hooks.call('beforeVal', this);
    const metrics = await this.validator.run(this, this.hooks);
    await this.hooks.call('afterVal', this, metrics);
    return metrics;
  }

  async test(checkpoint: string): Promise<Metrics> {
    await this.setup(true);
    try {
      const ckpt = loadCheckpoint(checkpoint);
      this.loadModels(ckpt, checkpoint);
      this.iter = ckpt.iteration;
      const metrics = await this.validate();
      this.logger.info(`test ${checkpoint} (iteration ${ckpt.iteration})`, { event: 'test', checkpoint, iter: ckpt.iteration, metrics });
      return metrics;
    } finally {
      this.logger.close();
    }
  }

  // ---- checkpoints -----------------------------------------------------------------
  /** The complete state of the run, as saved in a checkpoint. */
  checkpoint(): Checkpoint {
    const mapValues = <T, U>(record: Record<string, T>, fn: (v: T) => U) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
    return {
      meta: checkpointMeta(this.iter, 1),
      iteration: this.iter,
      models: mapValues(this.models, (m) => m.stateDict()),
      optimizers: mapValues(this.optimizers, (o) => o.stateDict()),
      lr_schedulers: mapValues(this.lrSchedulers, (s) => s.stateDict()),
      schedules: mapValues(this.schedules, (s) => s.stateDict()),
      rng: { torch_cpu: torch.getRngState() },
      samplers: mapValues(this.trainLoaders, (l) => l.stateDict()),
      hooks: this.hooks.stateDict(),
      config: JSON.stringify(this.config),
    };
  }

  private loadModels(ckpt: Checkpoint, file: string): void {
    for (const [name, model] of Object.entries(this.models)) {
      const state = ckpt.models[name];
      if (!state) throw new Error(`${file} has no weights for model '${name}' (it has ${Object.keys(ckpt.models).join(', ')})`);
      model.loadStateDict(state, { context: `${file} does not fit model '${name}' (${this.config.models?.[name]?.type})` });
    }
  }

  private async resume(): Promise<void> {
    const { file, checkpoint: ckpt, skipped } = findResumeCheckpoint(this.workDir, this.context.resumeFrom, this.context.resumeExplicit ?? false);
    for (const { file: bad, reason } of skipped) this.logger.warn(`skipping unreadable checkpoint ${bad}: ${reason}`);
    this.loadModels(ckpt, file);
    // A part the checkpoint has no state for (e.g. a model given an optimizer
    // after the run began) starts fresh: say so, since resume is no longer exact.
    const restore = <T>(kind: string, parts: Record<string, T>, saved: Record<string, unknown> | undefined, load: (part: T, state: never) => void) => {
      for (const [name, part] of Object.entries(parts)) {
        const state = saved?.[name];
        if (state) load(part, state as never);
        else this.logger.warn(`${file} has no ${kind} state for '${name}'; it starts fresh`);
      }
    };
    restore('optimizer', this.optimizers, ckpt.optimizers, (opt, state) => opt.loadStateDict(state));
    restore('lr schedule', this.lrSchedulers, ckpt.lr_schedulers, (scheduler, state) => scheduler.loadStateDict(state));
    restore('schedule', this.schedules, ckpt.schedules, (schedule, state) => schedule.loadStateDict(state));
    restore('sampler', this.trainLoaders, ckpt.samplers, (loader, state) => loader.loadStateDict(state));
    this.hooks.loadStateDict(ckpt.hooks);
    const rng = ckpt.rng.torch_cpu;
    if (rng instanceof torch.Tensor) torch.setRngState(rng);
    this.iter = ckpt.iteration;
    this.logger.info(`resuming from ${file} (iteration ${ckpt.iteration} of ${this.maxIters})`, { event: 'resume', checkpoint: file, iter: ckpt.iteration });
    torch.dispose(ckpt);
  }
}
