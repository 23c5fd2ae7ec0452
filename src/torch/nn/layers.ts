// Standard layers with PyTorch's parameter names, shapes and initialisation.
import { native } from '../native';
import { Tensor } from '../tensor';
import { empty, ones, zeros, scalar } from '../creation';
import { noGrad } from '../autograd';
import { Module } from './module';
import { resetLinearLike } from './init';

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (Array.isArray(v) ? v : [v, v]);

function positive(name: string, value: number, layer: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${layer}: ${name} must be a positive integer, got ${value}`);
  return value;
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    bias = true,
  ) {
    super();
    positive('in_features', inFeatures, 'Linear');
    positive('out_features', outFeatures, 'Linear');
    this.weight = this.registerParameter('weight', empty([outFeatures, inFeatures]));
    this.bias = bias ? this.registerParameter('bias', empty([outFeatures])) : null;
    resetLinearLike(this.weight, this.bias);
  }
  forward(input: Tensor): Tensor {
    return new Tensor(native.linear(input.handle, this.weight.handle, this.bias ? this.bias.handle : null));
  }
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  private readonly stride: [number, number];
  private readonly padding: [number, number];
  private readonly dilation: [number, number];
  private readonly groups: number;
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dOptions = {}) {
    super();
    positive('in_channels', inChannels, 'Conv2d');
    positive('out_channels', outChannels, 'Conv2d');
    this.groups = options.groups ?? 1;
    if (inChannels % this.groups || outChannels % this.groups) throw new RangeError('Conv2d: channels must be divisible by groups');
    const [kh, kw] = pair(kernelSize);
    this.stride = pair(options.stride ?? 1);
    this.padding = pair(options.padding ?? 0);
    this.dilation = pair(options.dilation ?? 1);
    this.weight = this.registerParameter('weight', empty([outChannels, inChannels / this.groups, kh, kw]));
    this.bias = options.bias ?? true ? this.registerParameter('bias', empty([outChannels])) : null;
    resetLinearLike(this.weight, this.bias);
  }
  forward(input: Tensor): Tensor {
    return new Tensor(
      native.conv2d(input.handle, this.weight.handle, this.bias ? this.bias.handle : null, this.stride, this.padding, this.dilation, this.groups),
    );
  }
}

export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
}

class BatchNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  private readonly eps: number;
  private readonly momentum: number;
  constructor(
    numFeatures: number,
    private readonly expectedDims: number[],
    options: BatchNormOptions,
  ) {
    super();
    positive('num_features', numFeatures, this.constructor.name);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const affine = options.affine ?? true;
    const track = options.trackRunningStats ?? true;
    this.weight = affine ? this.registerParameter('weight', ones([numFeatures])) : null;
    this.bias = affine ? this.registerParameter('bias', zeros([numFeatures])) : null;
    this.runningMean = track ? this.registerBuffer('running_mean', zeros([numFeatures])) : null;
    this.runningVar = track ? this.registerBuffer('running_var', ones([numFeatures])) : null;
    this.numBatchesTracked = track ? this.registerBuffer('num_batches_tracked', scalar(0, { dtype: 'int64' })) : null;
  }
  forward(input: Tensor): Tensor {
    if (!this.expectedDims.includes(input.ndim)) {
      throw new RangeError(`${this.constructor.name}: expected a ${this.expectedDims.join('-d or ')}-d input, got shape [${input.shape.join(', ')}]`);
    }
    const useBatchStats = this.training || this.runningMean === null;
    if (this.training && this.numBatchesTracked) {
      const counter = this.numBatchesTracked;
      noGrad(() => {
        const next = counter.add(1);
        counter.copy_(next);
        next.dispose();
      });
    }
    const h = (t: Tensor | null) => (t ? t.handle : null);
    return new Tensor(
      native.batchNorm(input.handle, h(this.weight), h(this.bias), h(this.runningMean), h(this.runningVar), useBatchStats, this.momentum, this.eps),
    );
  }
}

/** BatchNorm over (N, C) or (N, C, L) inputs. */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [2, 3], options);
  }
}

/** BatchNorm over (N, C, H, W) inputs. */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [4], options);
  }
}

export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (p < 0 || p > 1) throw new RangeError(`Dropout: p must be in [0, 1], got ${p}`);
  }
  forward(input: Tensor): Tensor {
    return new Tensor(native.dropout(input.handle, this.p, this.training));
  }
}

/** Zeroes whole channels of (N, C, H, W) inputs. */
export class Dropout2d extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (p < 0 || p > 1) throw new RangeError(`Dropout2d: p must be in [0, 1], got ${p}`);
  }
  forward(input: Tensor): Tensor {
    return new Tensor(native.featureDropout(input.handle, this.p, this.training));
  }
}

export class ReLU extends Module {
  forward(input: Tensor): Tensor {
    return input.relu();
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(input: Tensor): Tensor {
    return input.leakyRelu(this.negativeSlope);
  }
}

export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}

export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return input.tanh();
  }
}

export class MaxPool2d extends Module {
  private readonly kernel: [number, number];
  private readonly stride: [number, number];
  private readonly padding: [number, number];
  private readonly dilation: [number, number];
  constructor(kernelSize: Pair, options: { stride?: Pair; padding?: Pair; dilation?: Pair; ceilMode?: boolean } = {}) {
    super();
    this.kernel = pair(kernelSize);
    this.stride = pair(options.stride ?? kernelSize);
    this.padding = pair(options.padding ?? 0);
    this.dilation = pair(options.dilation ?? 1);
    this.ceilMode = options.ceilMode ?? false;
  }
  private readonly ceilMode: boolean;
  forward(input: Tensor): Tensor {
    return new Tensor(native.maxPool2d(input.handle, this.kernel, this.stride, this.padding, this.dilation, this.ceilMode));
  }
}

export class AdaptiveAvgPool2d extends Module {
  private readonly outputSize: [number, number];
  constructor(outputSize: Pair) {
    super();
    this.outputSize = pair(outputSize);
  }
  forward(input: Tensor): Tensor {
    return new Tensor(native.adaptiveAvgPool2d(input.handle, this.outputSize));
  }
}

export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }
}

export class Identity extends Module {
  forward(input: Tensor): Tensor {
    return input;
  }
}

/** Runs its children in order; they are named "0", "1", … as in PyTorch. */
export class Sequential extends Module {
  private readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((layer, i) => this.registerModule(String(i), layer));
  }
  get length(): number {
    return this.layers.length;
  }
  at(index: number): Module {
    const layer = this.layers[index < 0 ? this.layers.length + index : index];
    if (!layer) throw new RangeError(`Sequential has no layer ${index}`);
    return layer;
  }
  forward(input: Tensor): Tensor {
    return this.layers.reduce<Tensor>((x, layer) => layer.forward(x) as Tensor, input);
  }
}
