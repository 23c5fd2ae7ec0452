// Backbones for digit benchmarks, layer for layer as in TLlib/CDAN, so their
// state dicts have the same keys ("0.weight", "3.weight", ...).
import { nn } from '../torch';

/** LeNet for 28x28 grayscale digits (MNIST <-> USPS); 500-d features. */
export class LeNet extends nn.Sequential {
  readonly outFeatures = 500;
  constructor() {
    super(
      new nn.Conv2d(1, 20, 5),
      new nn.MaxPool2d(2),
      new nn.ReLU(),
      new nn.Conv2d(20, 50, 5),
      new nn.Dropout2d(0.5),
      new nn.MaxPool2d(2),
      new nn.ReLU(),
      new nn.Flatten(1),
      new nn.Linear(50 * 4 * 4, 500),
      new nn.ReLU(),
      new nn.Dropout(0.5),
    );
  }
}

/** DTN for 32x32 RGB digits (SVHN -> MNIST); 512-d features. */
export class DTN extends nn.Sequential {
  readonly outFeatures = 512;
  constructor() {
    super(
      new nn.Conv2d(3, 64, 5, { stride: 2, padding: 2 }),
      new nn.BatchNorm2d(64),
      new nn.Dropout2d(0.1),
      new nn.ReLU(),
      new nn.Conv2d(64, 128, 5, { stride: 2, padding: 2 }),
      new nn.BatchNorm2d(128),
      new nn.Dropout2d(0.3),
      new nn.ReLU(),
      new nn.Conv2d(128, 256, 5, { stride: 2, padding: 2 }),
      new nn.BatchNorm2d(256),
      new nn.Dropout2d(0.5),
      new nn.ReLU(),
      new nn.Flatten(1),
      new nn.Linear(256 * 4 * 4, 512),
      new nn.BatchNorm1d(512),
      new nn.ReLU(),
      new nn.Dropout(0.5),
    );
  }
}
