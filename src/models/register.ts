// Registers layers and the model zoo in the `models` registry. Option names
// are snake_case, as in the YAML configs.
import { nn } from '../torch';
import { models } from '../registry';
import { boolean, integer, options, pair, positive, probability, string, number } from '../registry/schema';
import { DTN, LeNet } from './digits';
import { RESNET_DEPTHS, ResNet } from './resnet';
import { Bottleneck, DomainDiscriminator, MCDHead, MDDHead, MultilinearMap, RandomizedMultilinearMap } from './heads';
import { buildModel } from './build';

type Opts = Record<string, any>;

// ---- layers -----------------------------------------------------------------
models.register('Linear', {
  description: 'fully connected layer y = x W^T + b',
  schema: options({ in_features: integer(1), out_features: integer(1), bias: boolean({ default: true }) }, ['in_features', 'out_features']),
  factory: (o: Opts) => new nn.Linear(o.in_features, o.out_features, o.bias),
});
models.register('Conv2d', {
  description: '2-d convolution',
  schema: options(
    {
      in_channels: integer(1),
      out_channels: integer(1),
      kernel_size: pair(),
      stride: pair({ default: 1 }),
      padding: pair({ default: 0 }),
      dilation: pair({ default: 1 }),
      groups: integer(1, { default: 1 }),
      bias: boolean({ default: true }),
    },
    ['in_channels', 'out_channels', 'kernel_size'],
  ),
  factory: (o: Opts) =>
    new nn.Conv2d(o.in_channels, o.out_channels, o.kernel_size, { stride: o.stride, padding: o.padding, dilation: o.dilation, groups: o.groups, bias: o.bias }),
});
const batchNormSchema = options(
  { num_features: integer(1), eps: positive({ default: 1e-5 }), momentum: probability({ default: 0.1 }), affine: boolean({ default: true }) },
  ['num_features'],
);
models.register('BatchNorm1d', {
  description: 'batch normalisation over (N, C) or (N, C, L)',
  schema: batchNormSchema,
  factory: (o: Opts) => new nn.BatchNorm1d(o.num_features, { eps: o.eps, momentum: o.momentum, affine: o.affine }),
});
models.register('BatchNorm2d', {
  description: 'batch normalisation over (N, C, H, W)',
  schema: batchNormSchema,
  factory: (o: Opts) => new nn.BatchNorm2d(o.num_features, { eps: o.eps, momentum: o.momentum, affine: o.affine }),
});
models.register('Dropout', {
  description: 'zeroes elements with probability p while training',
  schema: options({ p: probability({ default: 0.5 }) }),
  factory: (o: Opts) => new nn.Dropout(o.p),
});
models.register('Dropout2d', {
  description: 'zeroes whole channels with probability p while training',
  schema: options({ p: probability({ default: 0.5 }) }),
  factory: (o: Opts) => new nn.Dropout2d(o.p),
});
models.register('ReLU', { description: 'max(0, x)', factory: () => new nn.ReLU() });
models.register('LeakyReLU', {
  description: 'x, or negative_slope * x below 0',
  schema: options({ negative_slope: number({ default: 0.01 }) }),
  factory: (o: Opts) => new nn.LeakyReLU(o.negative_slope),
});
models.register('Sigmoid', { description: 'logistic sigmoid', factory: () => new nn.Sigmoid() });
models.register('Tanh', { description: 'hyperbolic tangent', factory: () => new nn.Tanh() });
models.register('MaxPool2d', {
  description: '2-d max pooling',
  schema: options({ kernel_size: pair(), stride: pair(), padding: pair({ default: 0 }), ceil_mode: boolean({ default: false }) }, ['kernel_size']),
  factory: (o: Opts) => new nn.MaxPool2d(o.kernel_size, { stride: o.stride, padding: o.padding, ceilMode: o.ceil_mode }),
});
models.register('AdaptiveAvgPool2d', {
  description: '2-d average pooling to a fixed output size',
  schema: options({ output_size: pair({ default: 1 }) }),
  factory: (o: Opts) => new nn.AdaptiveAvgPool2d(o.output_size),
});
models.register('Flatten', {
  description: 'flattens dims start_dim..end_dim into one',
  schema: options({ start_dim: integer(undefined, { default: 1 }), end_dim: integer(undefined, { default: -1 }) }),
  factory: (o: Opts) => new nn.Flatten(o.start_dim, o.end_dim),
});
models.register('Identity', { description: 'returns its input', factory: () => new nn.Identity() });
models.register('Sequential', {
  description: 'runs `layers` (each a model config) in order; children named 0, 1, ...',
  schema: options({ layers: { type: 'array', minItems: 1, items: { type: 'object', required: ['type'] } } }, ['layers']),
  factory: (o: Opts) => new nn.Sequential(...(o.layers as Opts[]).map((layer) => buildModel(layer))),
});

// ---- backbones --------------------------------------------------------------
models.register('LeNet', {
  description: 'LeNet for 28x28 grayscale digits (TLlib/CDAN layout), 500-d features',
  factory: () => new LeNet(),
});
models.register('DTN', {
  description: 'DTN for 32x32 RGB digits (SVHN->MNIST), 512-d features',
  factory: () => new DTN(),
});
for (const depth of Object.keys(RESNET_DEPTHS)) {
  models.register(`ResNet${depth}`, {
    description: `ResNet-${depth} feature extractor with torchvision parameter names (pretrained: <torchvision state dict>)`,
    schema: options({ keep_fc: boolean({ default: false }), num_classes: integer(1, { default: 1000 }) }),
    factory: (o: Opts) => new ResNet(Number(depth), { keepFc: o.keep_fc, numClasses: o.num_classes }),
  });
}
models.register('TorchScript', {
  description: 'a model saved with torch.jit.script/trace(...).save(path)',
  schema: options({ path: string({ minLength: 1 }) }, ['path']),
  factory: (o: Opts) => new nn.ScriptModule(o.path),
});

// ---- heads and adaptation modules --------------------------------------------
models.register('Bottleneck', {
  description: 'Linear -> BatchNorm1d -> ReLU feature bottleneck',
  schema: options({ in_features: integer(1), out_features: integer(1, { default: 256 }) }, ['in_features']),
  factory: (o: Opts) => new Bottleneck(o.in_features, o.out_features),
});
models.register('DomainDiscriminator', {
  description: 'domain classifier in -> hidden -> hidden -> 1 logit (TLlib)',
  schema: options(
    { in_features: integer(1), hidden_size: integer(1, { default: 1024 }), batch_norm: boolean({ default: true }), sigmoid: boolean({ default: false }) },
    ['in_features'],
  ),
  factory: (o: Opts) => new DomainDiscriminator(o.in_features, { hiddenSize: o.hidden_size, batchNorm: o.batch_norm, sigmoid: o.sigmoid }),
});
models.register('MultilinearMap', {
  description: "CDAN's multilinear map: flattened outer product of features and predictions",
  factory: () => new MultilinearMap(),
});
models.register('RandomizedMultilinearMap', {
  description: "CDAN's randomized multilinear map (f Rf) * (g Rg) / sqrt(d)",
  schema: options({ features_dim: integer(1), num_classes: integer(1), output_dim: integer(1, { default: 1024 }) }, ['features_dim', 'num_classes']),
  factory: (o: Opts) => new RandomizedMultilinearMap(o.features_dim, o.num_classes, o.output_dim),
});
models.register('MCDHead', {
  description: "MCD's classifier (dropout-linear-bn-relu x2, linear)",
  schema: options({ in_features: integer(1), num_classes: integer(1), bottleneck_dim: integer(1, { default: 1024 }) }, ['in_features', 'num_classes']),
  factory: (o: Opts) => new MCDHead(o.in_features, o.num_classes, o.bottleneck_dim),
});
models.register('MDDHead', {
  description: "MDD's classifier / adversarial classifier (linear-relu-dropout-linear)",
  schema: options({ in_features: integer(1), num_classes: integer(1), width: integer(1, { default: 1024 }) }, ['in_features', 'num_classes']),
  factory: (o: Opts) => new MDDHead(o.in_features, o.num_classes, o.width),
});
