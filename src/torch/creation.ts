// Tensor factories: from JS data, constant fills, ranges and random draws.
import { native } from './native';
import { Tensor, type NestedArray } from './tensor';
import { dtypeOfTypedArray, type Device, type DType } from './dtype';

export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

function finish(tensor: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) tensor.requiresGrad = true;
  return tensor;
}

/** Shape of a nested array; throws on ragged input. */
function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0] as NestedArray;
  }
  return shape;
}

function flattenInto(data: NestedArray, shape: number[], depth: number, out: (number | boolean)[], path: string): void {
  if (depth === shape.length) {
    if (Array.isArray(data)) throw new TypeError(`ragged nested array: element ${path || '[]'} has more dimensions than its siblings`);
    if (typeof data !== 'number' && typeof data !== 'boolean') {
      throw new TypeError(`nested array element ${path} is ${typeof data}, expected a number or boolean`);
    }
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new TypeError(
      `ragged nested array: element ${path || '[]'} should have length ${shape[depth]}, got ${Array.isArray(data) ? data.length : 'a scalar'}`,
    );
  }
  data.forEach((item, i) => flattenInto(item, shape, depth + 1, out, `${path}[${i}]`));
}

/**
 * Creates a tensor by copying JS data: a nested array of numbers/booleans, a
 * scalar, or a typed array / Buffer (with `shape`, default 1-d).
 * Numbers default to float32 and booleans to bool; typed arrays keep their type.
 */
export function tensor(data: NestedArray | ArrayBufferView, options: TensorOptions & { shape?: number[] } = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const length = (data as unknown as { length: number }).length;
    const shape = options.shape ?? [length];
    dtypeOfTypedArray(data);
    return finish(new Tensor(native.fromTypedArray(data, shape, options.dtype ?? null, options.device ?? null)), options);
  }
  const shape = options.shape ?? inferShape(data);
  const flat: (number | boolean)[] = [];
  if (options.shape) {
    flattenInto(data, inferShape(data), 0, flat, '');
  } else {
    flattenInto(data, shape, 0, flat, '');
  }
  const isBool = flat.length > 0 && flat.every((v) => typeof v === 'boolean');
  const dtype = options.dtype ?? (isBool ? 'bool' : 'float32');
  let buffer: ArrayBufferView;
  if (dtype === 'float64' || dtype === 'int64' || dtype === 'int32') {
    // float64 holds every JS number exactly, including large integers.
    buffer = Float64Array.from(flat, Number);
  } else if (dtype === 'bool' || dtype === 'uint8') {
    buffer = Uint8Array.from(flat, Number);
  } else {
    buffer = Float32Array.from(flat, Number);
  }
  return finish(new Tensor(native.fromTypedArray(buffer, shape, dtype, options.device ?? null)), options);
}

/** A 0-d tensor holding one number. */
export function scalar(value: number | boolean, options: TensorOptions = {}): Tensor {
  return tensor(value, options);
}

type ShapeArg = number[] | number;
const shapeOf = (shape: ShapeArg): number[] => (Array.isArray(shape) ? shape : [shape]);

export function zeros(shape: ShapeArg, options: TensorOptions = {}): Tensor {
  return finish(new Tensor(native.zeros(shapeOf(shape), options.dtype ?? null, options.device ?? null)), options);
}
export function ones(shape: ShapeArg, options: TensorOptions = {}): Tensor {
  return finish(new Tensor(native.ones(shapeOf(shape), options.dtype ?? null, options.device ?? null)), options);
}
/** Uninitialised memory: only for tensors that are fully written next. */
export function empty(shape: ShapeArg, options: TensorOptions = {}): Tensor {
  return finish(new Tensor(native.empty(shapeOf(shape), options.dtype ?? null, options.device ?? null)), options);
}
export function full(shape: ShapeArg, value: number | boolean, options: TensorOptions = {}): Tensor {
  return finish(new Tensor(native.full(shapeOf(shape), value, options.dtype ?? null, options.device ?? null)), options);
}
export function zerosLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(like.shape, { dtype: like.dtype, device: like.device, ...options });
}
export function onesLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return ones(like.shape, { dtype: like.dtype, device: like.device, ...options });
}
export function fullLike(like: Tensor, value: number | boolean, options: TensorOptions = {}): Tensor {
  return full(like.shape, value, { dtype: like.dtype, device: like.device, ...options });
}
/** Uniform samples in [0, 1). */
export function rand(shape: ShapeArg, options: TensorOptions = {}): Tensor {
  return finish(new Tensor(native.rand(shapeOf(shape), options.dtype ?? null, options.device ?? null)), options);
}
/** Standard normal samples. */
export function randn(shape: ShapeArg, options: TensorOptions = {}): Tensor {
  return finish(new Tensor(native.randn(shapeOf(shape), options.dtype ?? null, options.device ?? null)), options);
}
/** Integers uniform in [low, high); int64 unless a dtype is given. */
export function randint(low: number, high: number, shape: ShapeArg, options: TensorOptions = {}): Tensor {
  return new Tensor(native.randint(low, high, shapeOf(shape), options.dtype ?? null, options.device ?? null));
}
/** A random permutation of 0..n-1 (int64). */
export function randperm(n: number, options: TensorOptions = {}): Tensor {
  return new Tensor(native.randperm(n, options.dtype ?? null, options.device ?? null));
}
/** Values in [start, end) spaced by step: int64 for integer arguments, else float32. */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  return finish(new Tensor(native.arange(from, to, step, options.dtype ?? null, options.device ?? null)), options);
}
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  return finish(new Tensor(native.linspace(start, end, steps, options.dtype ?? null, options.device ?? null)), options);
}
export function eye(n: number, m?: number, options: TensorOptions = {}): Tensor {
  return finish(new Tensor(native.eye(n, m ?? null, options.dtype ?? null, options.device ?? null)), options);
}

// ---- joining and selecting (free functions over several tensors) ----------
export function cat(tensors: Tensor[], dim = 0): Tensor {
  return new Tensor(native.cat(tensors.map((t) => t.handle), dim));
}
export function stack(tensors: Tensor[], dim = 0): Tensor {
  return new Tensor(native.stack(tensors.map((t) => t.handle), dim));
}
/** Elementwise choice: condition ? input : other (either may be a number). */
export function where(condition: Tensor, input: Tensor | number, other: Tensor | number): Tensor {
  const h = (v: Tensor | number) => (v instanceof Tensor ? v.handle : v);
  return new Tensor(native.where(condition.handle, h(input), h(other)));
}
export function oneHot(indices: Tensor, numClasses: number): Tensor {
  return new Tensor(native.oneHot(indices.handle, numClasses));
}
export function outer(a: Tensor, b: Tensor): Tensor {
  return a.outer(b);
}
export function matmul(a: Tensor, b: Tensor): Tensor {
  return a.matmul(b);
}
