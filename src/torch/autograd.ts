// Grad-mode control and the gradient-reversal layer.
import { native } from './native';
import { Tensor } from './tensor';

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = native.isGradEnabled();
  native.setGradEnabled(enabled);
  try {
    const result = fn();
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      throw new TypeError('noGrad()/enableGrad() need a synchronous function; grad mode cannot follow an await');
    }
    return result;
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Runs fn with autograd recording off (PyTorch's torch.no_grad()). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with autograd recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

/**
 * Identity in the forward pass; multiplies the gradient by -coeff in the
 * backward pass (Ganin & Lempitsky's GRL). The coefficient belongs to this
 * call only, so schedules stay in the method that owns them.
 */
export function gradReverse(input: Tensor, coeff = 1): Tensor {
  if (!Number.isFinite(coeff)) throw new RangeError(`gradReverse coefficient must be finite, got ${coeff}`);
  return new Tensor(native.gradReverse(input.handle, coeff));
}
