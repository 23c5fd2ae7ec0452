// ResNet-18/34/50/101 with torchvision's exact module names, shapes and
// initialisation, so torchvision state dicts load unchanged. Used as feature
// extractors: without `fc`, forward returns the pooled features.
import { nn, type Tensor } from '../torch';

const conv3x3 = (inPlanes: number, outPlanes: number, stride = 1) =>
  new nn.Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false });
const conv1x1 = (inPlanes: number, outPlanes: number, stride = 1) => new nn.Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });

interface Block extends nn.Module {
  forward(x: Tensor): Tensor;
}

class BasicBlock extends nn.Module implements Block {
  static readonly expansion = 1;
  private readonly conv1: nn.Conv2d;
  private readonly bn1: nn.BatchNorm2d;
  private readonly conv2: nn.Conv2d;
  private readonly bn2: nn.BatchNorm2d;
  private readonly downsample: nn.Sequential | null;
  constructor(inPlanes: number, planes: number, stride: number, downsample: nn.Sequential | null) {
    super();
    this.conv1 = this.registerModule('conv1', conv3x3(inPlanes, planes, stride));
    this.bn1 = this.registerModule('bn1', new nn.BatchNorm2d(planes));
    this.registerModule('relu', new nn.ReLU());
    this.conv2 = this.registerModule('conv2', conv3x3(planes, planes));
    this.bn2 = this.registerModule('bn2', new nn.BatchNorm2d(planes));
    this.downsample = downsample ? this.registerModule('downsample', downsample) : null;
  }
  forward(x: Tensor): Tensor {
    const out = this.bn2.forward(this.conv2.forward(this.bn1.forward(this.conv1.forward(x)).relu()));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    return out.add(identity).relu();
  }
}

class BottleneckBlock extends nn.Module implements Block {
  static readonly expansion = 4;
  private readonly conv1: nn.Conv2d;
  private readonly bn1: nn.BatchNorm2d;
  private readonly conv2: nn.Conv2d;
  private readonly bn2: nn.BatchNorm2d;
  private readonly conv3: nn.Conv2d;
  private readonly bn3: nn.BatchNorm2d;
  private readonly downsample: nn.Sequential | null;
  constructor(inPlanes: number, planes: number, stride: number, downsample: nn.Sequential | null) {
    super();
    this.conv1 = this.registerModule('conv1', conv1x1(inPlanes, planes));
    this.bn1 = this.registerModule('bn1', new nn.BatchNorm2d(planes));
    // torchvision puts the stride on the 3x3 convolution (ResNet v1.5).
    this.conv2 = this.registerModule('conv2', conv3x3(planes, planes, stride));
    this.bn2 = this.registerModule('bn2', new nn.BatchNorm2d(planes));
    this.conv3 = this.registerModule('conv3', conv1x1(planes, planes * 4));
    this.bn3 = this.registerModule('bn3', new nn.BatchNorm2d(planes * 4));
    this.registerModule('relu', new nn.ReLU());
    this.downsample = downsample ? this.registerModule('downsample', downsample) : null;
  }
  forward(x: Tensor): Tensor {
    let out = this.bn1.forward(this.conv1.forward(x)).relu();
    out = this.bn2.forward(this.conv2.forward(out)).relu();
    out = this.bn3.forward(this.conv3.forward(out));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    return out.add(identity).relu();
  }
}

type BlockClass = (typeof BasicBlock | typeof BottleneckBlock) & { expansion: number };

export const RESNET_DEPTHS: Record<number, { block: BlockClass; layers: [number, number, number, number] }> = {
  18: { block: BasicBlock, layers: [2, 2, 2, 2] },
  34: { block: BasicBlock, layers: [3, 4, 6, 3] },
  50: { block: BottleneckBlock, layers: [3, 4, 6, 3] },
  101: { block: BottleneckBlock, layers: [3, 4, 23, 3] },
};

export interface ResNetOptions {
  /** Keep torchvision's final classifier `fc` (forward then returns logits). */
  keepFc?: boolean;
  numClasses?: number;
}

export class ResNet extends nn.Module {
  readonly outFeatures: number;
  private readonly stem: nn.Module[];
  private readonly stages: nn.Sequential[];
  private readonly fc: nn.Linear | null;

  constructor(
    readonly depth: number,
    options: ResNetOptions = {},
  ) {
    super();
    const spec = RESNET_DEPTHS[depth];
    if (!spec) throw new RangeError(`ResNet depth must be one of ${Object.keys(RESNET_DEPTHS).join(', ')}, got ${depth}`);
    let inPlanes = 64;
    this.stem = [
      this.registerModule('conv1', new nn.Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false })),
      this.registerModule('bn1', new nn.BatchNorm2d(64)),
      this.registerModule('relu', new nn.ReLU()),
      this.registerModule('maxpool', new nn.MaxPool2d(3, { stride: 2, padding: 1 })),
    ];
    this.stages = [64, 128, 256, 512].map((planes, i) => {
      const stride = i === 0 ? 1 : 2;
      const blocks: nn.Module[] = [];
      for (let b = 0; b < (spec.layers[i] as number); b++) {
        const blockStride = b === 0 ? stride : 1;
        let downsample: nn.Sequential | null = null;
        if (b === 0 && (stride !== 1 || inPlanes !== planes * spec.block.expansion)) {
          downsample = new nn.Sequential(conv1x1(inPlanes, planes * spec.block.expansion, stride), new nn.BatchNorm2d(planes * spec.block.expansion));
        }
        blocks.push(new spec.block(inPlanes, planes, blockStride, downsample));
        inPlanes = planes * spec.block.expansion;
      }
      return this.registerModule(`layer${i + 1}`, new nn.Sequential(...blocks));
    });
    this.registerModule('avgpool', new nn.AdaptiveAvgPool2d(1));
    this.outFeatures = inPlanes;
    this.fc = options.keepFc ? this.registerModule('fc', new nn.Linear(inPlanes, options.numClasses ?? 1000)) : null;
    this.initialise();
  }

  /** torchvision: kaiming_normal(fan_out, relu) convolutions, BatchNorm weight 1 and bias 0. */
  private initialise(): void {
    for (const [, module] of this.namedModules()) {
      if (module instanceof nn.Conv2d) nn.init.kaimingNormal_(module.weight, 0, 'fan_out', 'relu');
    }
  }

  forward(x: Tensor): Tensor {
    let out = this.stem.reduce<Tensor>((h, layer) => layer.forward(h) as Tensor, x);
    for (const stage of this.stages) out = stage.forward(out);
    out = out.mean([2, 3]); // adaptive average pooling to 1x1, flattened
    return this.fc ? this.fc.forward(out) : out;
  }
}
