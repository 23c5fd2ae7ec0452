// The named registries every module registers its components into.
//
// They live on globalThis (under a Symbol.for key) rather than only in this
// module: a user project loaded through custom_imports may resolve its own
// copy of fastda (its node_modules/fastda), and must still register into the
// registries the running CLI reads.
import type { TrainerContext, TrainerRunner } from '../engine/contract';
import { UsageError } from '../util/errors';
import { didYouMean } from '../util/suggest';
import { commonOptions } from './common';
import { Registry } from './registry';

export { Registry, RegistryError } from './registry';
export type { ComponentEntry, ComponentSpec, Factory, RegistryOptions } from './registry';
export type { JsonSchema, OptionIssue, Segment } from './validate';

// Component value types are `unknown` until the engine, models and data
// layers exist; those modules narrow them where they build.
export interface Registries {
  models: Registry<unknown>;
  datasets: Registry<unknown>;
  transforms: Registry<unknown>;
  trainers: Registry<TrainerRunner | Promise<TrainerRunner>, [TrainerContext]>;
  validators: Registry<unknown>;
  hooks: Registry<unknown>;
  optimizers: Registry<unknown>;
  lr_schedulers: Registry<unknown>;
  metrics: Registry<unknown>;
}

export type RegistryName = keyof Registries;

function create(): Registries {
  const make = <T, A extends unknown[] = unknown[]>(name: RegistryName, kind: string) =>
    new Registry<T, A>(name, { kind, commonOptions: commonOptions[name] });
  return {
    models: make('models', 'model'),
    datasets: make('datasets', 'dataset'),
    transforms: make('transforms', 'transform'),
    trainers: make<TrainerRunner | Promise<TrainerRunner>, [TrainerContext]>('trainers', 'trainer'),
    validators: make('validators', 'validator'),
    hooks: make('hooks', 'hook'),
    optimizers: make('optimizers', 'optimizer'),
    lr_schedulers: make('lr_schedulers', 'lr scheduler'),
    metrics: make('metrics', 'metric'),
  };
}

const KEY = Symbol.for('fastda.registries.v1');
const holder = globalThis as unknown as Record<symbol, Registries | undefined>;

/** All registries by name (the names `fastda list` accepts). */
export const registries: Registries = (holder[KEY] ??= create());

export const models = registries.models;
export const datasets = registries.datasets;
export const transforms = registries.transforms;
export const trainers = registries.trainers;
export const validators = registries.validators;
export const hooks = registries.hooks;
export const optimizers = registries.optimizers;
export const lrSchedulers = registries.lr_schedulers;
export const metrics = registries.metrics;

export const registryNames = Object.keys(registries) as RegistryName[];

/** A registry by name; accepts camelCase (lrSchedulers) too. */
export function getRegistry(name: string, from: Registries = registries): Registry<unknown, any[]> {
  const key = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) as RegistryName;
  const registry = from[key] as Registry<unknown, any[]> | undefined;
  if (registry) return registry;
  const suggestion = didYouMean(name, Object.keys(from));
  throw new UsageError(
    `unknown registry '${name}'` +
      (suggestion ? ` (did you mean '${suggestion}'?)` : '') +
      `; registries: ${Object.keys(from).join(', ')}`,
  );
}

/** Fresh, empty registries (tests, tools that must not see global state). */
export function createRegistries(): Registries {
  return create();
}
