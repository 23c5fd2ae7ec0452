// The Tensor class: a thin, typed wrapper over a native handle. Every method
// that returns a tensor returns a new Tensor tracked by the current scope.
import { native, type Handle } from './native';
import { track, TENSOR_BRAND } from './scope';
import type { AnyTypedArray, Device, DType } from './dtype';

export type Operand = Tensor | number | boolean;
export type NestedArray = number | boolean | NestedArray[];

function operand(value: Operand): Handle | number | boolean {
  return value instanceof Tensor ? value.handle : value;
}

function dimList(dim: number | number[] | undefined): number[] | null {
  if (dim === undefined) return null;
  return Array.isArray(dim) ? dim : [dim];
}

/** Values and indices of max/min/topk/sort along a dimension. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

export class Tensor {
  readonly [TENSOR_BRAND] = true as const;
  readonly handle: Handle;

  /** Wraps a native handle; used by the facade, not by user code. */
  constructor(handle: Handle) {
    this.handle = handle;
    track(this);
  }

  // ---- properties -------------------------------------------------------
  get shape(): number[] {
    return native.shape(this.handle);
  }
  get dtype(): DType {
    return native.dtype(this.handle) as DType;
  }
  get device(): Device {
    return native.device(this.handle);
  }
  get ndim(): number {
    return native.dim(this.handle);
  }
  get numel(): number {
    return native.numel(this.handle);
  }
  size(dim: number): number {
    const shape = this.shape;
    const index = dim < 0 ? dim + shape.length : dim;
    if (index < 0 || index >= shape.length) {
      throw new RangeError(`dimension ${dim} out of range for a tensor with ${shape.length} dimension(s)`);
    }
    return shape[index] as number;
  }
  get isDisposed(): boolean {
    return native.isDisposed(this.handle);
  }

  // ---- lifetime ---------------------------------------------------------
  /** Frees the native tensor now (idempotent). Views and grads stay valid. */
  dispose(): void {
    native.dispose(this.handle);
  }

  // ---- conversion -------------------------------------------------------
  /** A copy of the elements in row-major order (float16/bfloat16 as Float32Array). */
  data(): AnyTypedArray {
    let source: Tensor = this;
    let owned = false;
    if (this.dtype === 'float16' || this.dtype === 'bfloat16') {
      source = new Tensor(native.to(this.handle, 'float32', null, false));
      owned = true;
    }
    const buffer = native.toArrayBuffer(source.handle);
    const dtype = source.dtype;
    if (owned) source.dispose();
    switch (dtype) {
      case 'float32':
        return new Float32Array(buffer);
      case 'float64':
        return new Float64Array(buffer);
      case 'int64':
        return new BigInt64Array(buffer);
      case 'int32':
        return new Int32Array(buffer);
      default:
        return new Uint8Array(buffer);
    }
  }
  /** The raw bytes of the elements as a Node Buffer. */
  toBuffer(): Buffer {
    return Buffer.from(native.toArrayBuffer(this.handle));
  }
  /** Nested JS arrays (int64 as numbers, bool as booleans); a 0-d tensor gives a scalar. */
  toArray(): NestedArray {
    const flat = this.data();
    const isBool = this.dtype === 'bool';
    const read = (i: number): number | boolean => {
      const v = flat[i] as number | bigint;
      return isBool ? v !== 0 : Number(v);
    };
    const shape = this.shape;
    if (shape.length === 0) return read(0);
    let offset = 0;
    const build = (level: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < (shape[level] as number); i++) {
        out.push(level === shape.length - 1 ? read(offset++) : build(level + 1));
      }
      return out;
    };
    return build(0);
  }
  item(): number;
  item<T extends number | boolean>(): T;
  item(): number | boolean {
    return native.item(this.handle);
  }
  toString(): string {
    return native.toStringRepr(this.handle);
  }
  to(target: DType | Device | { dtype?: DType; device?: Device; copy?: boolean }): Tensor {
    if (typeof target === 'string') {
      const isDevice = target === 'cpu' || target.startsWith('cuda');
      return new Tensor(native.to(this.handle, isDevice ? null : target, isDevice ? target : null, false));
    }
    return new Tensor(native.to(this.handle, target.dtype ?? null, target.device ?? null, target.copy ?? false));
  }
  float(): Tensor {
    return this.to('float32');
  }
  double(): Tensor {
    return this.to('float64');
  }
  long(): Tensor {
    return this.to('int64');
  }
  cpu(): Tensor {
    return this.to('cpu');
  }

  // ---- autograd ---------------------------------------------------------
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  set requiresGrad(value: boolean) {
    native.setRequiresGrad(this.handle, value);
  }
  /** Sets requiresGrad in place and returns this tensor (PyTorch's requires_grad_). */
  requiresGrad_(value = true): this {
    native.setRequiresGrad(this.handle, value);
    return this;
  }
  get isLeaf(): boolean {
    return native.isLeaf(this.handle);
  }
  /** The accumulated gradient as a new handle on the same storage, or null. */
  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g === null ? null : new Tensor(g);
  }
  set grad(value: Tensor | null) {
    native.setGrad(this.handle, value === null ? null : value.handle);
  }
  get gradFn(): string | null {
    return native.gradFnName(this.handle);
  }
  backward(gradient?: Tensor, options: { retainGraph?: boolean } = {}): void {
    native.backward(this.handle, gradient ? gradient.handle : null, options.retainGraph ?? false);
  }
  /** Clears the gradient (setToNone, the default, frees it; otherwise zeroes it). */
  zeroGrad(setToNone = true): void {
    native.zeroGrad(this.handle, setToNone);
  }
  detach(): Tensor {
    return new Tensor(native.detach(this.handle));
  }
  clone(): Tensor {
    return new Tensor(native.clone(this.handle));
  }
  contiguous(): Tensor {
    return new Tensor(native.contiguous(this.handle));
  }

  // ---- elementwise ------------------------------------------------------
  add(other: Operand): Tensor {
    return new Tensor(native.add(this.handle, operand(other)));
  }
  sub(other: Operand): Tensor {
    return new Tensor(native.sub(this.handle, operand(other)));
  }
  mul(other: Operand): Tensor {
    return new Tensor(native.mul(this.handle, operand(other)));
  }
  div(other: Operand): Tensor {
    return new Tensor(native.div(this.handle, operand(other)));
  }
  pow(exponent: Operand): Tensor {
    return new Tensor(native.pow(this.handle, operand(exponent)));
  }
  remainder(other: Operand): Tensor {
    return new Tensor(native.remainder(this.handle, operand(other)));
  }
  neg(): Tensor {
    return new Tensor(native.neg(this.handle));
  }
  abs(): Tensor {
    return new Tensor(native.abs(this.handle));
  }
  exp(): Tensor {
    return new Tensor(native.exp(this.handle));
  }
  log(): Tensor {
    return new Tensor(native.log(this.handle));
  }
  log1p(): Tensor {
    return new Tensor(native.log1p(this.handle));
  }
  sqrt(): Tensor {
    return new Tensor(native.sqrt(this.handle));
  }
  square(): Tensor {
    return new Tensor(native.square(this.handle));
  }
  reciprocal(): Tensor {
    return new Tensor(native.reciprocal(this.handle));
  }
  sign(): Tensor {
    return new Tensor(native.sign(this.handle));
  }
  floor(): Tensor {
    return new Tensor(native.floor(this.handle));
  }
  ceil(): Tensor {
    return new Tensor(native.ceil(this.handle));
  }
  round(): Tensor {
    return new Tensor(native.round(this.handle));
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    if ((min === undefined || min === null) && (max === undefined || max === null)) {
      throw new TypeError('clamp() needs at least one of min and max');
    }
    return new Tensor(native.clamp(this.handle, min ?? null, max ?? null));
  }
  maximum(other: Tensor): Tensor {
    return new Tensor(native.maximum(this.handle, other.handle));
  }
  minimum(other: Tensor): Tensor {
    return new Tensor(native.minimum(this.handle, other.handle));
  }
  relu(): Tensor {
    return new Tensor(native.relu(this.handle));
  }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return new Tensor(native.leakyRelu(this.handle, negativeSlope));
  }
  sigmoid(): Tensor {
    return new Tensor(native.sigmoid(this.handle));
  }
  tanh(): Tensor {
    return new Tensor(native.tanh(this.handle));
  }
  softmax(dim: number): Tensor {
    return new Tensor(native.softmax(this.handle, dim));
  }
  logSoftmax(dim: number): Tensor {
    return new Tensor(native.logSoftmax(this.handle, dim));
  }
  isnan(): Tensor {
    return new Tensor(native.isnan(this.handle));
  }
  isfinite(): Tensor {
    return new Tensor(native.isfinite(this.handle));
  }

  // ---- comparisons and logic -------------------------------------------
  eq(other: Operand): Tensor {
    return new Tensor(native.eq(this.handle, operand(other)));
  }
  ne(other: Operand): Tensor {
    return new Tensor(native.ne(this.handle, operand(other)));
  }
  lt(other: Operand): Tensor {
    return new Tensor(native.lt(this.handle, operand(other)));
  }
  le(other: Operand): Tensor {
    return new Tensor(native.le(this.handle, operand(other)));
  }
  gt(other: Operand): Tensor {
    return new Tensor(native.gt(this.handle, operand(other)));
  }
  ge(other: Operand): Tensor {
    return new Tensor(native.ge(this.handle, operand(other)));
  }
  logicalNot(): Tensor {
    return new Tensor(native.logicalNot(this.handle));
  }
  logicalAnd(other: Tensor): Tensor {
    return new Tensor(native.logicalAnd(this.handle, other.handle));
  }
  logicalOr(other: Tensor): Tensor {
    return new Tensor(native.logicalOr(this.handle, other.handle));
  }
  maskedFill(mask: Tensor, value: Operand): Tensor {
    return new Tensor(native.maskedFill(this.handle, mask.handle, operand(value)));
  }
  maskedSelect(mask: Tensor): Tensor {
    return new Tensor(native.maskedSelect(this.handle, mask.handle));
  }

  // ---- linear algebra ---------------------------------------------------
  matmul(other: Tensor): Tensor {
    return new Tensor(native.matmul(this.handle, other.handle));
  }
  mm(other: Tensor): Tensor {
    return new Tensor(native.mm(this.handle, other.handle));
  }
  bmm(other: Tensor): Tensor {
    return new Tensor(native.bmm(this.handle, other.handle));
  }
  outer(other: Tensor): Tensor {
    return new Tensor(native.outer(this.handle, other.handle));
  }
  /** Transpose of a 2-d tensor. */
  t(): Tensor {
    return new Tensor(native.t(this.handle));
  }

  // ---- reductions -------------------------------------------------------
  sum(dim?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.sum(this.handle, dimList(dim), keepdim));
  }
  mean(dim?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.mean(this.handle, dimList(dim), keepdim));
  }
  prod(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.prod(this.handle, dim ?? null, keepdim));
  }
  logsumexp(dim: number | number[], keepdim = false): Tensor {
    return new Tensor(native.logsumexp(this.handle, dimList(dim) as number[], keepdim));
  }
  var(dim?: number | number[], options: { unbiased?: boolean; keepdim?: boolean } = {}): Tensor {
    return new Tensor(native.var(this.handle, dimList(dim), options.unbiased ?? true, options.keepdim ?? false));
  }
  std(dim?: number | number[], options: { unbiased?: boolean; keepdim?: boolean } = {}): Tensor {
    return new Tensor(native.std(this.handle, dimList(dim), options.unbiased ?? true, options.keepdim ?? false));
  }
  /** Largest element (no dim) or {values, indices} along `dim`. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): ValuesIndices;
  max(dim?: number, keepdim = false): Tensor | ValuesIndices {
    return this.reduceWithIndices(native.max(this.handle, dim ?? null, keepdim));
  }
  /** Smallest element (no dim) or {values, indices} along `dim`. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): ValuesIndices;
  min(dim?: number, keepdim = false): Tensor | ValuesIndices {
    return this.reduceWithIndices(native.min(this.handle, dim ?? null, keepdim));
  }
  private reduceWithIndices(result: Handle | [Handle, Handle]): Tensor | ValuesIndices {
    if (Array.isArray(result)) return { values: new Tensor(result[0]), indices: new Tensor(result[1]) };
    return new Tensor(result);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.argmax(this.handle, dim ?? null, keepdim));
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.argmin(this.handle, dim ?? null, keepdim));
  }
  all(): Tensor {
    return new Tensor(native.all(this.handle));
  }
  any(): Tensor {
    return new Tensor(native.any(this.handle));
  }
  /** p-norm over all elements or over `dim`. */
  norm(p = 2, dim?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.norm(this.handle, p, dimList(dim), keepdim));
  }
  topk(k: number, dim = -1, largest = true): ValuesIndices {
    const [values, indices] = native.topk(this.handle, k, dim, largest);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  sort(dim = -1, descending = false): ValuesIndices {
    const [values, indices] = native.sort(this.handle, dim, descending);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  cumsum(dim: number): Tensor {
    return new Tensor(native.cumsum(this.handle, dim));
  }

  // ---- shape ------------------------------------------------------------
  view(...shape: number[]): Tensor {
    return new Tensor(native.view(this.handle, shape));
  }
  reshape(...shape: number[]): Tensor {
    return new Tensor(native.reshape(this.handle, shape));
  }
  expand(...shape: number[]): Tensor {
    return new Tensor(native.expand(this.handle, shape));
  }
  repeat(...repeats: number[]): Tensor {
    return new Tensor(native.repeat(this.handle, repeats));
  }
  permute(...dims: number[]): Tensor {
    return new Tensor(native.permute(this.handle, dims));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return new Tensor(native.flatten(this.handle, startDim, endDim));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return new Tensor(native.transpose(this.handle, dim0, dim1));
  }
  squeeze(dim?: number): Tensor {
    return new Tensor(native.squeeze(this.handle, dim ?? null));
  }
  unsqueeze(dim: number): Tensor {
    return new Tensor(native.unsqueeze(this.handle, dim));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(native.narrow(this.handle, dim, start, length));
  }
  /** Python's x[start:end:step] along `dim` (negative indices count from the end). */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return new Tensor(native.slice(this.handle, dim, start ?? null, end ?? null, step));
  }
  /** x[index] along `dim` (drops that dimension). */
  select(dim: number, index: number): Tensor {
    return new Tensor(native.select(this.handle, dim, index));
  }
  /** x[i] along the first dimension. */
  index(i: number): Tensor {
    return this.select(0, i);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native.indexSelect(this.handle, dim, index.handle));
  }
  gather(dim: number, index: Tensor): Tensor {
    return new Tensor(native.gather(this.handle, dim, index.handle));
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return native.chunk(this.handle, chunks, dim).map((h) => new Tensor(h));
  }
  split(sizes: number | number[], dim = 0): Tensor[] {
    return native.split(this.handle, sizes, dim).map((h) => new Tensor(h));
  }

  // ---- in place (no autograd history; for parameter updates and buffers) --
  copy_(source: Tensor): this {
    native.copy_(this.handle, source.handle);
    return this;
  }
  fill_(value: number | boolean): this {
    native.fill_(this.handle, value);
    return this;
  }
  zero_(): this {
    native.zero_(this.handle);
    return this;
  }
}
