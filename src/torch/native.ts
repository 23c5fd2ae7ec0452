// The only module that loads the compiled addon. Everything else in fastda
// reaches libtorch through src/torch's typed facade.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Opaque handle to a native tensor (a JS external). */
export interface Handle {
  readonly __nativeTensor: never;
}

type H = Handle;
type Dims = number[] | null;
type OptTensor = H | null;
type Operand = H | number | boolean;

export interface NativeAddon {
  // creation
  zeros(shape: number[], dtype: string | null, device: string | null): H;
  ones(shape: number[], dtype: string | null, device: string | null): H;
  empty(shape: number[], dtype: string | null, device: string | null): H;
  rand(shape: number[], dtype: string | null, device: string | null): H;
  randn(shape: number[], dtype: string | null, device: string | null): H;
  full(shape: number[], value: number | boolean, dtype: string | null, device: string | null): H;
  randint(low: number, high: number, shape: number[], dtype: string | null, device: string | null): H;
  randperm(n: number, dtype: string | null, device: string | null): H;
  arange(start: number, end: number, step: number, dtype: string | null, device: string | null): H;
  linspace(start: number, end: number, steps: number, dtype: string | null, device: string | null): H;
  eye(n: number, m: number | null, dtype: string | null, device: string | null): H;
  fromTypedArray(data: ArrayBufferView, shape: number[], dtype: string | null, device: string | null): H;
  // conversion and properties
  toArrayBuffer(t: H): ArrayBuffer;
  item(t: H): number | boolean;
  shape(t: H): number[];
  dtype(t: H): string;
  device(t: H): string;
  numel(t: H): number;
  dim(t: H): number;
  to(t: H, dtype: string | null, device: string | null, copy: boolean): H;
  dispose(t: H): void;
  isDisposed(t: H): boolean;
  isTensor(value: unknown): boolean;
  liveTensorCount(): number;
  sameTensor(a: H, b: H): boolean;
  dataPtrEquals(a: H, b: H): boolean;
  toStringRepr(t: H): string;
  // global state
  manualSeed(seed: number): void;
  getRngState(): H;
  setRngState(state: H): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  blasThreads(): number | null;
  setNumInteropThreads(n: number): void;
  cudaAvailable(): boolean;
  cudaDeviceCount(): number;
  buildInfo(): { torchVersion: string; cuda: boolean; parallelInfo: string };
  // elementwise
  neg(t: H): H; abs(t: H): H; exp(t: H): H; log(t: H): H; log1p(t: H): H; sqrt(t: H): H;
  square(t: H): H; reciprocal(t: H): H; sign(t: H): H; floor(t: H): H; ceil(t: H): H; round(t: H): H;
  relu(t: H): H; sigmoid(t: H): H; tanh(t: H): H; detach(t: H): H; clone(t: H): H; contiguous(t: H): H;
  isnan(t: H): H; isfinite(t: H): H; logicalNot(t: H): H; t(t: H): H; zero_(t: H): void;
  add(a: H, b: Operand): H; sub(a: H, b: Operand): H; mul(a: H, b: Operand): H; div(a: H, b: Operand): H;
  pow(a: H, b: Operand): H; remainder(a: H, b: Operand): H;
  eq(a: H, b: Operand): H; ne(a: H, b: Operand): H; lt(a: H, b: Operand): H; le(a: H, b: Operand): H;
  gt(a: H, b: Operand): H; ge(a: H, b: Operand): H;
  matmul(a: H, b: H): H; mm(a: H, b: H): H; bmm(a: H, b: H): H; outer(a: H, b: H): H;
  maximum(a: H, b: H): H; minimum(a: H, b: H): H; logicalAnd(a: H, b: H): H; logicalOr(a: H, b: H): H;
  copy_(dst: H, src: H): void;
  clamp(t: H, min: number | null, max: number | null): H;
  leakyRelu(t: H, slope: number): H;
  fill_(t: H, value: number | boolean): void;
  // reductions
  sum(t: H, dims: Dims, keepdim: boolean): H;
  mean(t: H, dims: Dims, keepdim: boolean): H;
  prod(t: H, dim: number | null, keepdim: boolean): H;
  logsumexp(t: H, dims: number[], keepdim: boolean): H;
  var(t: H, dims: Dims, unbiased: boolean, keepdim: boolean): H;
  std(t: H, dims: Dims, unbiased: boolean, keepdim: boolean): H;
  max(t: H, dim: number | null, keepdim: boolean): H | [H, H];
  min(t: H, dim: number | null, keepdim: boolean): H | [H, H];
  argmax(t: H, dim: number | null, keepdim: boolean): H;
  argmin(t: H, dim: number | null, keepdim: boolean): H;
  all(t: H): H; any(t: H): H;
  norm(t: H, p: number, dims: Dims, keepdim: boolean): H;
  topk(t: H, k: number, dim: number, largest: boolean): [H, H];
  sort(t: H, dim: number, descending: boolean): [H, H];
  cumsum(t: H, dim: number): H;
  // shape and indexing
  view(t: H, shape: number[]): H; reshape(t: H, shape: number[]): H; expand(t: H, shape: number[]): H;
  repeat(t: H, repeats: number[]): H; permute(t: H, dims: number[]): H;
  flatten(t: H, start: number, end: number): H; transpose(t: H, d0: number, d1: number): H;
  squeeze(t: H, dim: number | null): H; unsqueeze(t: H, dim: number): H;
  narrow(t: H, dim: number, start: number, length: number): H;
  slice(t: H, dim: number, start: number | null, end: number | null, step: number): H;
  select(t: H, dim: number, index: number): H;
  indexSelect(t: H, dim: number, index: H): H;
  gather(t: H, dim: number, index: H): H;
  maskedSelect(t: H, mask: H): H;
  maskedFill(t: H, mask: H, value: Operand): H;
  where(cond: H, a: Operand, b: Operand): H;
  cat(ts: H[], dim: number): H; stack(ts: H[], dim: number): H;
  chunk(t: H, chunks: number, dim: number): H[];
  split(t: H, sizes: number | number[], dim: number): H[];
  oneHot(t: H, numClasses: number): H;
  // autograd
  gradReverse(t: H, coeff: number): H;
  requiresGrad(t: H): boolean;
  setRequiresGrad(t: H, value: boolean): void;
  isLeaf(t: H): boolean;
  backward(t: H, gradient: OptTensor, retainGraph: boolean): void;
  grad(t: H): H | null;
  hasGrad(t: H): boolean;
  setGrad(t: H, grad: OptTensor): void;
  zeroGrad(t: H, setToNone: boolean): void;
  isGradEnabled(): boolean;
  setGradEnabled(enabled: boolean): void;
  gradFnName(t: H): string | null;
  // functional
  softmax(t: H, dim: number): H;
  logSoftmax(t: H, dim: number): H;
  dropout(t: H, p: number, training: boolean): H;
  linear(t: H, weight: H, bias: OptTensor): H;
  crossEntropy(input: H, target: H, weight: OptTensor, reduction: string, ignoreIndex: number, labelSmoothing: number): H;
  nllLoss(input: H, target: H, weight: OptTensor, reduction: string, ignoreIndex: number): H;
  binaryCrossEntropy(input: H, target: H, weight: OptTensor, reduction: string): H;
  binaryCrossEntropyWithLogits(input: H, target: H, weight: OptTensor, reduction: string, posWeight: OptTensor): H;
  mseLoss(input: H, target: H, reduction: string): H;
  klDiv(input: H, target: H, reduction: string, logTarget: boolean): H;
  // nn kernels and initialisers
  conv2d(input: H, weight: H, bias: OptTensor, stride: number[], padding: number[], dilation: number[], groups: number): H;
  batchNorm(input: H, weight: OptTensor, bias: OptTensor, runningMean: OptTensor, runningVar: OptTensor, training: boolean, momentum: number, eps: number): H;
  maxPool2d(input: H, kernel: number[], stride: number[], padding: number[], dilation: number[], ceilMode: boolean): H;
  avgPool2d(input: H, kernel: number[], stride: number[], padding: number[], ceilMode: boolean, countIncludePad: boolean): H;
  adaptiveAvgPool2d(input: H, outputSize: number[]): H;
  featureDropout(input: H, p: number, training: boolean): H;
  uniformInit(t: H, low: number, high: number): void;
  normalInit(t: H, mean: number, std: number): void;
  kaimingUniform(t: H, a: number, mode: string, nonlinearity: string): void;
  kaimingNormal(t: H, a: number, mode: string, nonlinearity: string): void;
  xavierUniform(t: H, gain: number): void;
  setData(t: H, source: H): void;
  // optimizers
  sgdStep(params: H[], buffers: (H | null)[], lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, maximize: boolean): (H | null)[];
  adamStep(params: H[], expAvg: H[], expAvgSq: H[], maxExpAvgSq: H[] | null, steps: number[], lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, amsgrad: boolean, decoupled: boolean, maximize: boolean): void;
  clipGradNorm(params: H[], maxNorm: number, normType: number): number;
  clipGradValue(params: H[], clipValue: number): void;
  // serialisation (torch.save / torch.load format)
  pickleSave(value: unknown): Buffer;
  readArchive(data: Buffer): [string, Buffer][];
  fromBytes(data: Uint8Array, dtype: string): H;
  asStrided(t: H, size: number[], stride: number[], storageOffset: number): H;
  // TorchScript
  jitLoad(path: string, device: string | null): ScriptHandle;
  jitForward(module: ScriptHandle, inputs: H[]): H | H[];
  jitNamedParameters(module: ScriptHandle): [string, H][];
  jitNamedBuffers(module: ScriptHandle): [string, H][];
  jitTrain(module: ScriptHandle, mode: boolean): void;
  // data loading (native/data.cc)
  augmentBatch(sources: H[], items: Int32Array, programs: Float64Array, offsets: Int32Array, outShape: number[], mode: 'float' | 'uint8', mean: number[], std: number[], threads: number): H;
  augmentBatchAsync(sources: H[], items: Int32Array, programs: Float64Array, offsets: Int32Array, outShape: number[], mode: 'float' | 'uint8', mean: number[], std: number[], threads: number): Promise<H>;
  decodeImages(paths: string[], threads: number, minShortSide: number): Promise<(H | string | null)[]>;
  dataBackend(): { jpeg: boolean; jpegLibrary: string | null };
}

/** Opaque handle to a loaded TorchScript module. */
export interface ScriptHandle {
  readonly __scriptModule: never;
}

const ADDON_NAME = 'fastda_native.node';

function candidatePaths(): string[] {
  const fromEnv = process.env.FASTDA_NATIVE_ADDON;
  // dist/src/torch -> repository root is three levels up; src/torch (ts-node) two.
  const roots = [path.resolve(__dirname, '..', '..', '..'), path.resolve(__dirname, '..', '..')];
  const paths = roots.flatMap((root) => [
    path.join(root, 'build', 'Release', ADDON_NAME),
    path.join(root, 'build', 'Debug', ADDON_NAME),
  ]);
  return fromEnv ? [fromEnv, ...paths] : paths;
}

function loadAddon(): NativeAddon {
  const found = candidatePaths().find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(
      'fastda: the native addon is not built (looked for build/Release/fastda_native.node). ' +
        'Run `npm run build:native` (needs libtorch-dev; see docs/install.md).',
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require(found) as NativeAddon;
}

export const native: NativeAddon = loadAddon();
