// torch.nn.functional: activations and losses. Options follow PyTorch's names
// in camelCase (reduction 'mean' | 'sum' | 'none').
import { native } from './native';
import { Tensor } from './tensor';

export type Reduction = 'mean' | 'sum' | 'none';

export function relu(input: Tensor): Tensor {
  return input.relu();
}
export function leakyRelu(input: Tensor, negativeSlope = 0.01): Tensor {
  return input.leakyRelu(negativeSlope);
}
export function sigmoid(input: Tensor): Tensor {
  return input.sigmoid();
}
export function tanh(input: Tensor): Tensor {
  return input.tanh();
}
export function softmax(input: Tensor, dim: number): Tensor {
  return input.softmax(dim);
}
export function logSoftmax(input: Tensor, dim: number): Tensor {
  return input.logSoftmax(dim);
}
export function dropout(input: Tensor, p = 0.5, training = true): Tensor {
  if (p < 0 || p > 1) throw new RangeError(`dropout probability must be in [0, 1], got ${p}`);
  return new Tensor(native.dropout(input.handle, p, training));
}
/** input @ weight^T + bias. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return new Tensor(native.linear(input.handle, weight.handle, bias ? bias.handle : null));
}

export interface CrossEntropyOptions {
  weight?: Tensor | null;
  reduction?: Reduction;
  ignoreIndex?: number;
  labelSmoothing?: number;
}

/** Cross entropy of logits against class indices (int64) or class probabilities. */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const smoothing = options.labelSmoothing ?? 0;
  if (smoothing < 0 || smoothing > 1) throw new RangeError(`labelSmoothing must be in [0, 1], got ${smoothing}`);
  return new Tensor(
    native.crossEntropy(
      input.handle,
      target.handle,
      options.weight ? options.weight.handle : null,
      options.reduction ?? 'mean',
      options.ignoreIndex ?? -100,
      smoothing,
    ),
  );
}

/** Negative log-likelihood of log-probabilities against class indices. */
export function nllLoss(input: Tensor, target: Tensor, options: Omit<CrossEntropyOptions, 'labelSmoothing'> = {}): Tensor {
  return new Tensor(
    native.nllLoss(input.handle, target.handle, options.weight ? options.weight.handle : null, options.reduction ?? 'mean', options.ignoreIndex ?? -100),
  );
}

/** Binary cross entropy of probabilities in [0, 1]. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: { weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  return new Tensor(native.binaryCrossEntropy(input.handle, target.handle, options.weight ? options.weight.handle : null, options.reduction ?? 'mean'));
}

/** Binary cross entropy of logits (numerically stable sigmoid + BCE). */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: { weight?: Tensor | null; reduction?: Reduction; posWeight?: Tensor | null } = {},
): Tensor {
  return new Tensor(
    native.binaryCrossEntropyWithLogits(
      input.handle,
      target.handle,
      options.weight ? options.weight.handle : null,
      options.reduction ?? 'mean',
      options.posWeight ? options.posWeight.handle : null,
    ),
  );
}

export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  return new Tensor(native.mseLoss(input.handle, target.handle, options.reduction ?? 'mean'));
}

/** KL(target || exp(input)) with input as log-probabilities; 'batchmean' divides by the batch size. */
export function klDiv(input: Tensor, target: Tensor, options: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}): Tensor {
  return new Tensor(native.klDiv(input.handle, target.handle, options.reduction ?? 'mean', options.logTarget ?? false));
}
