// Parameter initialisers (torch.nn.init), writing in place without autograd.
import { native } from '../native';
import type { Tensor } from '../tensor';

export type FanMode = 'fan_in' | 'fan_out';
export type Nonlinearity = 'relu' | 'leaky_relu' | 'linear' | 'tanh' | 'sigmoid';

export function uniform_(t: Tensor, low = 0, high = 1): Tensor {
  native.uniformInit(t.handle, low, high);
  return t;
}
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  native.normalInit(t.handle, mean, std);
  return t;
}
export function constant_(t: Tensor, value: number): Tensor {
  return t.fill_(value);
}
export function zeros_(t: Tensor): Tensor {
  return t.zero_();
}
export function ones_(t: Tensor): Tensor {
  return t.fill_(1);
}
export function kaimingUniform_(t: Tensor, a = 0, mode: FanMode = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu'): Tensor {
  native.kaimingUniform(t.handle, a, mode, nonlinearity);
  return t;
}
export function kaimingNormal_(t: Tensor, a = 0, mode: FanMode = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu'): Tensor {
  native.kaimingNormal(t.handle, a, mode, nonlinearity);
  return t;
}
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  native.xavierUniform(t.handle, gain);
  return t;
}

/** fan_in of a weight: input features x receptive field size. */
export function fanIn(weight: Tensor): number {
  const shape = weight.shape;
  return (shape[1] ?? 1) * shape.slice(2).reduce((a, b) => a * b, 1);
}

/** PyTorch's default Linear/Conv initialisation (kaiming_uniform a=sqrt(5), bias U(±1/sqrt(fan_in))). */
export function resetLinearLike(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, Math.sqrt(5));
  if (bias) {
    const bound = 1 / Math.sqrt(fanIn(weight));
    uniform_(bias, -bound, bound);
  }
}
