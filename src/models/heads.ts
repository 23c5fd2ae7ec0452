// Heads and adaptation modules used by DA methods, with TLlib's layer layout.
import * as torch from '../torch';
import { nn, type Tensor } from '../torch';

/** Linear -> BatchNorm1d -> ReLU feature bottleneck (TLlib's `bottleneck`). */
export class Bottleneck extends nn.Sequential {
  constructor(
    inFeatures: number,
    readonly outFeatures = 256,
  ) {
    super(new nn.Linear(inFeatures, outFeatures), new nn.BatchNorm1d(outFeatures), new nn.ReLU());
  }
}

/**
 * Domain discriminator in -> hidden -> hidden -> 1 (TLlib). Returns logits
 * unless `sigmoid` is set; train it with binaryCrossEntropyWithLogits.
 */
export class DomainDiscriminator extends nn.Sequential {
  constructor(inFeatures: number, options: { hiddenSize?: number; batchNorm?: boolean; sigmoid?: boolean } = {}) {
    const hidden = options.hiddenSize ?? 1024;
    const layers: nn.Module[] =
      options.batchNorm ?? true
        ? [new nn.Linear(inFeatures, hidden), new nn.BatchNorm1d(hidden), new nn.ReLU(), new nn.Linear(hidden, hidden), new nn.BatchNorm1d(hidden), new nn.ReLU()]
        : [new nn.Linear(inFeatures, hidden), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(hidden, hidden), new nn.ReLU(), new nn.Dropout(0.5)];
    layers.push(new nn.Linear(hidden, 1));
    if (options.sigmoid) layers.push(new nn.Sigmoid());
    super(...layers);
  }
}

/** CDAN's multilinear map: flattened outer product of features f and predictions g. */
export class MultilinearMap extends nn.Module {
  forward(f: Tensor, g: Tensor): Tensor {
    const batch = f.size(0);
    return g.unsqueeze(2).mul(f.unsqueeze(1)).view(batch, -1);
  }
}

/**
 * CDAN's randomized multilinear map: (f Rf) * (g Rg) / sqrt(d). Rf and Rg are
 * drawn once from the run's seed and saved as buffers, so resume is exact.
 */
export class RandomizedMultilinearMap extends nn.Module {
  private readonly rf: Tensor;
  private readonly rg: Tensor;
  constructor(
    featuresDim: number,
    numClasses: number,
    readonly outputDim = 1024,
  ) {
    super();
    this.rf = this.registerBuffer('Rf', torch.randn([featuresDim, outputDim]));
    this.rg = this.registerBuffer('Rg', torch.randn([numClasses, outputDim]));
  }
  forward(f: Tensor, g: Tensor): Tensor {
    return f.matmul(this.rf).mul(g.matmul(this.rg)).div(Math.sqrt(this.outputDim));
  }
}

/** MCD's classifier: dropout-linear-bn-relu x2 then linear (TLlib's ImageClassifierHead). */
export class MCDHead extends nn.Sequential {
  constructor(inFeatures: number, numClasses: number, bottleneckDim = 1024) {
    super(
      new nn.Dropout(0.5),
      new nn.Linear(inFeatures, bottleneckDim),
      new nn.BatchNorm1d(bottleneckDim),
      new nn.ReLU(),
      new nn.Dropout(0.5),
      new nn.Linear(bottleneckDim, bottleneckDim),
      new nn.BatchNorm1d(bottleneckDim),
      new nn.ReLU(),
      new nn.Linear(bottleneckDim, numClasses),
    );
  }
}

/** MDD's classifier and adversarial classifier: linear-relu-dropout-linear. */
export class MDDHead extends nn.Sequential {
  constructor(inFeatures: number, numClasses: number, width = 1024) {
    super(new nn.Linear(inFeatures, width), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(width, numClasses));
  }
}
