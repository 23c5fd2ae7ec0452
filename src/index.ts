// fastda's public API for research projects (custom_imports) and scripts:
//   const { torch, registries, Trainer } = require('fastda');
export * as torch from './torch';
export { registries, models, datasets, transforms, trainers, validators, hooks, optimizers, lrSchedulers, metrics, Registry } from './registry';
export { Trainer, trainerOptionsSchema, NonFiniteLossError, type TrainerOptions } from './engine/trainer';
export { HookList, PRIORITIES, type Hook, type RunState } from './engine/hooks';
export type { TrainerContext, TrainerRunner, Metrics } from './engine/contract';
export { saveCheckpoint, loadCheckpoint, type Checkpoint } from './engine/checkpoint';
export { ScalarSchedule, buildScalarSchedule, LrScheduler } from './optim/schedules';
export { buildModel } from './models/build';
export * as schema from './registry/schema';
