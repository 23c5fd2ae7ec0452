// Keys that every component of a registry accepts, on top of its own schema.
// Defined once here so every model takes lr_mult, every dataset batch_size...
// Nested components (a model's optimizer, a dataset's transforms) are only
// shape-checked here; src/config/components.ts validates them against their
// own registries.
import type { JsonSchema } from './validate';

const nestedComponent: JsonSchema = { type: 'object' };

export const commonOptions: Record<string, Record<string, JsonSchema>> = {
  models: {
    lr_mult: { type: 'number', exclusiveMinimum: 0, description: 'multiplier of the optimizer lr for this model' },
    optimizer: { ...nestedComponent, description: 'per-model optimizer (merged over models.optimizer when it has no type)' },
    lr_scheduler: { ...nestedComponent, description: 'per-model lr scheduler (merged over models.lr_scheduler when it has no type)' },
    pretrained: { type: ['string', 'boolean'], description: 'checkpoint file, or true for the default weights' },
    frozen: { type: 'boolean', description: 'exclude the parameters from optimisation' },
  },
  datasets: {
    batch_size: { type: 'integer', minimum: 1 },
    shuffle: { type: 'boolean' },
    num_workers: { type: 'integer', minimum: 0 },
    drop_last: { type: 'boolean' },
    transforms: { type: 'array', items: nestedComponent },
    prefetch: { type: 'integer', minimum: 0, description: 'batches prepared ahead (default 2)' },
    two_views: { type: 'boolean', description: 'also give image2: a second, independently augmented view of each image' },
    transforms2: { type: 'array', items: nestedComponent, description: 'transforms of the second view image2 (default: transforms)' },
  },
  transforms: {},
  trainers: {},
  validators: {
    interval: {
      oneOf: [
        { type: 'integer', minimum: 1 },
        { type: 'object', propertyNames: { pattern: '^[0-9]+$' }, additionalProperties: { type: 'integer', minimum: 1 }, minProperties: 1 },
      ],
      description: 'validate every N iterations, or {milestone: interval} (FastDA); always after the last iteration',
    },
  },
  hooks: {
    priority: { type: ['integer', 'string'], description: 'order among hooks (engine-defined names or a number)' },
  },
  optimizers: {},
  lr_schedulers: {},
  metrics: {},
};
