// Registers the DA methods (trainers). A method's schema lists its own options
// on top of the common trainer options (max_iters, nan_policy).
import { trainers } from '../registry';
import { number, options } from '../registry/schema';
import type { TrainerContext } from '../engine/contract';
import { trainerOptionsSchema } from '../engine/trainer';
import { SourceOnly } from './source-only';
import { DANN, type DANNOptions } from './dann';

trainers.register('SourceOnly', {
  description: 'supervised training on the source domain only (models: backbone, head)',
  schema: options({ ...trainerOptionsSchema }, ['max_iters']),
  factory: (o, context: TrainerContext) => new SourceOnly(o as never, context),
});

trainers.register('DANN', {
  description: 'domain-adversarial training with a gradient-reversal layer (models: backbone, head, discriminator)',
  schema: options(
    {
      ...trainerOptionsSchema,
      grl: {
        type: 'object',
        properties: {
          max_iters: { type: 'integer', minimum: 1, default: 1000 },
          alpha: number({ default: 1 }),
          lo: number({ default: 0 }),
          hi: number({ default: 1 }),
        },
        additionalProperties: false,
        default: {},
        description: 'GRL coefficient lo + (hi-lo)(2/(1+exp(-alpha i/max_iters)) - 1)',
      },
      trade_off: number({ minimum: 0, default: 1, description: 'weight of the domain loss' }),
    },
    ['max_iters'],
  ),
  factory: (o, context: TrainerContext) => new DANN(o as DANNOptions, context),
});
