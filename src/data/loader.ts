// Train and test loaders. The JS thread only samples indices and draws
// augmentation parameters; reading, decoding, cropping, resizing, colour and
// normalisation run on native threads, several batches ahead.
import * as os from 'node:os';
import * as torch from '../torch';
import { augmentBatch, augmentBatchAsync, type AugmentArgs } from '../torch/data';
import type { Dataset, DatasetInfo } from './datasets';
import { decodeFiles } from './decode';
import { DataError } from './errors';
import { hashInts, Rng } from './rng';
import { InfiniteSampler, testShard, type SamplerState } from './sampler';
import { Grayscale, ToRGB, type ImageShape, type Pipeline } from './transforms';

// Native data work runs on libuv's pool; its default of 4 threads is shared
// with fs and sharp. Effective only if nothing has used the pool yet.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(8, Math.min(32, os.availableParallelism() * 2)));

/**
 * One batch. Classification datasets give { image: float32 [N, C, H, W],
 * label: int64 [N], index: int64 [N] } and, with two views, image2. The
 * consumer owns the tensors and disposes them.
 */
export interface Batch {
  [key: string]: torch.Tensor | number[] | string[];
}

export interface LoaderSettings {
  batchSize: number;
  /** Native threads per stage (decode, augment). */
  threads: number;
  /** Batches prepared ahead of the one being consumed. */
  prefetch: number;
  shuffle: boolean;
  dropLast: boolean;
  /** One pipeline per view: image, image2. */
  pipelines: Pipeline[];
}

/** Disposes the tensors of a batch (for batches the consumer never received). */
export function disposeBatch(batch: Batch | undefined): void {
  if (!batch) return;
  for (const value of Object.values(batch)) if (value instanceof torch.Tensor) value.dispose();
}

function int64(values: ArrayLike<number>): torch.Tensor {
  return torch.keep(torch.tensor(Int32Array.from(values), { dtype: 'int64' }));
}

/** Turns (index, epoch) lists into batches for one dataset. */
/** In-memory images for one view: the bank, its image shape and how many leading transforms it already holds. */
interface MemoryView {
  bank: torch.Tensor;
  shape: ImageShape;
  prefix: number;
}

export class BatchMaker {
  private views: MemoryView[] = [];
  private decodeChain: Promise<unknown> = Promise.resolve();
  private readonly inflight = new Set<Promise<unknown>>();
  // Pillow's convert(mode) before the transforms, as torchvision's loaders do;
  // custom datasets keep the channels they give
  private readonly convertMode: ToRGB | Grayscale | null;

  constructor(
    readonly dataset: Dataset,
    readonly pipelines: Pipeline[],
    readonly threads: number,
  ) {
    if (pipelines.length === 0) throw new DataError('a loader needs at least one transform pipeline');
    this.convertMode = dataset.kind === 'files' ? (dataset.mode === 'RGB' ? new ToRGB() : new Grayscale(1)) : null;
    if (dataset.kind === 'memory') this.prepareMemory(dataset);
  }

  private prepareMemory(ds: Extract<Dataset, { kind: 'memory' }>): void {
    const shape: ImageShape = { c: ds.channels, h: ds.height, w: ds.width };
    if (ds.images.length !== ds.size * shape.c * shape.h * shape.w) {
      throw new DataError(`${ds.name}: ${ds.images.length} bytes of images for ${ds.size} samples of ${shape.c}x${shape.h}x${shape.w}`);
    }
    const raw = torch.keep(torch.tensor(ds.images, { shape: [ds.size, shape.h, shape.w, shape.c], dtype: 'uint8' }));
    const derived = new Map<Pipeline, MemoryView>();
    try {
      this.views = this.pipelines.map((pipeline) => {
        const prefix = pipeline.deterministicPrefix();
        if (prefix === 0) return { bank: raw, shape, prefix };
        let view = derived.get(pipeline);
        if (!view) {
          // decoded once: apply the deterministic leading transforms to every image now
          const ops: number[] = [];
          const out = pipeline.plan(shape, ops, new Rng(0), 0, prefix);
          view = { bank: this.applyToAll(raw, ops, out), shape: out, prefix };
          derived.set(pipeline, view);
        }
        return view;
      });
    } catch (error) {
      raw.dispose();
      for (const view of derived.values()) view.bank.dispose();
      throw error;
    }
    if (!this.views.some((view) => view.bank === raw)) raw.dispose();
  }

  private applyToAll(raw: torch.Tensor, ops: number[], out: ImageShape): torch.Tensor {
    const n = raw.shape[0] as number;
    const chunk = 4096;
    const parts: torch.Tensor[] = [];
    try {
      for (let start = 0; start < n; start += chunk) {
        const m = Math.min(chunk, n - start);
        const items = new Int32Array(2 * m);
        const programs = new Float64Array(m * ops.length);
        const offsets = new Int32Array(m + 1);
        for (let i = 0; i < m; i++) {
          items[2 * i + 1] = start + i;
          programs.set(ops, i * ops.length);
          offsets[i + 1] = (i + 1) * ops.length;
        }
        parts.push(
          torch.keep(augmentBatch({ sources: [raw], items, programs, offsets, outShape: [out.c, out.h, out.w], mode: 'uint8', threads: this.threads })),
        );
      }
    } catch (error) {
      for (const p of parts) p.dispose();
      throw error;
    }
    if (parts.length === 1) return parts[0] as torch.Tensor;
    const bank = torch.keep(torch.cat(parts, 0));
    for (const p of parts) p.dispose();
    return bank;
  }

  /** Builds the batch of the given samples; seed, epoch and index seed each sample's augmentation. */
  make(indices: number[], epochs: number[], seed: number): Promise<Batch> {
    const promise = this.build(indices, epochs, seed);
    // close() waits for these, so native work never outlives the banks it reads
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.add(settled);
    void settled.then(() => this.inflight.delete(settled));
    return promise;
  }

  /** Waits for the batches being made, then frees the in-memory images. */
  async close(): Promise<void> {
    await Promise.all([...this.inflight]);
    this.dispose();
  }

  private async build(indices: number[], epochs: number[], seed: number): Promise<Batch> {
    const ds = this.dataset;
    let sources: torch.Tensor[];
    let shapes: ImageShape[];
    let owned: torch.Tensor[] = [];
    if (ds.kind === 'memory') {
      sources = [];
      shapes = [];
    } else {
      owned = await this.decode(indices);
      sources = owned;
      shapes = owned.map((t) => {
        const [h, w, c] = t.shape as [number, number, number];
        return { c, h, w };
      });
    }
    try {
      // plan every view first (synchronous, may throw), then run them natively
      const jobs = this.pipelines.map((pipeline, view) => this.plan(pipeline, view, indices, epochs, seed, sources, shapes));
      const settled = await Promise.allSettled(jobs.map((args) => augmentBatchAsync(args)));
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        for (const r of settled) if (r.status === 'fulfilled') r.value.dispose();
        const error = failed.reason as Error;
        const m = /^sample (\d+) of the batch: (.*)$/s.exec(error?.message ?? '');
        if (m) throw new DataError(`${ds.describe(indices[Number(m[1])] as number)}: ${m[2]}`);
        throw error;
      }
      const batch: Batch = {};
      settled.forEach((r, view) => {
        batch[view === 0 ? 'image' : `image${view + 1}`] = (r as PromiseFulfilledResult<torch.Tensor>).value;
      });
      batch.label = int64(indices.map((i) => ds.labels[i] as number));
      batch.index = int64(indices);
      return batch;
    } finally {
      for (const t of owned) t.dispose();
    }
  }

  private plan(
    pipeline: Pipeline,
    view: number,
    indices: number[],
    epochs: number[],
    seed: number,
    sources: torch.Tensor[],
    shapes: ImageShape[],
  ): AugmentArgs {
    const ds = this.dataset;
    const n = indices.length;
    const items = new Int32Array(2 * n);
    const offsets = new Int32Array(n + 1);
    const programs: number[] = [];
    let outShape: ImageShape | null = null;
    for (let i = 0; i < n; i++) {
      const index = indices[i] as number;
      const rng = new Rng(hashInts(seed, epochs[i] as number, index, view));
      let shape: ImageShape;
      let from = 0;
      if (ds.kind === 'memory') {
        items[2 * i + 1] = index;
        ({ shape, prefix: from } = this.views[view] as MemoryView);
      } else {
        items[2 * i] = i;
        items[2 * i + 1] = -1;
        shape = shapes[i] as ImageShape;
        if (this.convertMode) shape = this.convertMode.apply(shape, programs);
      }
      const out = pipeline.plan(shape, programs, rng, from);
      offsets[i + 1] = programs.length;
      if (!outShape) outShape = out;
      else if (out.c !== outShape.c || out.h !== outShape.h || out.w !== outShape.w) {
        throw new DataError(
          `transforms give images of different sizes in one batch: ${ds.describe(indices[0] as number)} -> ` +
            `${outShape.c}x${outShape.h}x${outShape.w}, ${ds.describe(index)} -> ${out.c}x${out.h}x${out.w} (CxHxW); ` +
            `end the transforms with a fixed-size crop or Resize([height, width])`,
        );
      }
    }
    const shape = outShape as ImageShape;
    const { mean, std } = pipeline.normalization(shape.c);
    // a thread per ~128k output values: small batches (digits) are not worth spawning threads for
    const threads = Math.max(1, Math.min(this.threads, Math.ceil((n * shape.c * shape.h * shape.w) / 131072)));
    return {
      sources: ds.kind === 'memory' ? [(this.views[view] as MemoryView).bank] : sources,
      items,
      programs: Float64Array.from(programs),
      offsets,
      outShape: [shape.c, shape.h, shape.w],
      mode: 'float',
      mean,
      std,
      threads,
    };
  }

  /** Decodes one batch at a time (each with all threads), in request order. */
  private decode(indices: number[]): Promise<torch.Tensor[]> {
    const ds = this.dataset;
    const run = async (): Promise<torch.Tensor[]> => {
      if (ds.kind === 'files') {
        return decodeFiles(
          indices.map((i) => ds.paths[i] as string),
          { threads: this.threads, minShortSide: ds.draft, describe: (k) => ds.describe(indices[k] as number) },
        );
      }
      if (ds.kind === 'custom') {
        const out: torch.Tensor[] = [];
        try {
          for (const i of indices) {
            const img = await ds.getImage(i);
            if (img.channels !== 1 && img.channels !== 3) throw new DataError(`${ds.describe(i)}: images must have 1 or 3 channels, got ${img.channels}`);
            out.push(torch.keep(torch.tensor(img.data, { shape: [img.height, img.width, img.channels], dtype: 'uint8' })));
          }
        } catch (error) {
          for (const t of out) t.dispose();
          throw error;
        }
        return out;
      }
      throw new Error('unreachable');
    };
    const result = this.decodeChain.then(run, run);
    this.decodeChain = result.catch(() => undefined);
    return result;
  }

  dispose(): void {
    for (const bank of new Set(this.views.map((view) => view.bank))) bank.dispose();
    this.views = [];
  }
}

export interface TrainLoader {
  readonly dataset: DatasetInfo;
  readonly batchSize: number;
  /** The next batch of an infinite stream; each epoch reshuffles. */
  next(): Promise<Batch>;
  /** Where the next batch starts: after loadStateDict(state), next() gives exactly the batch that would have come next. */
  stateDict(): SamplerState;
  loadStateDict(state: SamplerState): void;
  /** Stops prefetching and frees the loader's memory. */
  close(): Promise<void>;
}

export interface TestLoader {
  readonly dataset: DatasetInfo;
  readonly batchSize: number;
  /** One pass in order; the partial last batch is kept; across ranks each sample comes exactly once. */
  batches(): AsyncIterable<Batch>;
  close(): Promise<void>;
}

function info(ds: Dataset): DatasetInfo {
  return { size: ds.size, numClasses: ds.numClasses, ...(ds.classes ? { classes: ds.classes } : {}) };
}

interface Job {
  promise: Promise<Batch>;
  state: SamplerState;
}

export class InfiniteLoader implements TrainLoader {
  readonly dataset: DatasetInfo;
  readonly batchSize: number;
  private readonly sampler: InfiniteSampler;
  private readonly maker: BatchMaker;
  private queue: Job[] = [];
  private consumed: SamplerState;
  private closed = false;

  constructor(
    ds: Dataset,
    private readonly settings: LoaderSettings,
    options: { seed: number; rank?: number; worldSize?: number; label?: string },
  ) {
    this.dataset = info(ds);
    this.batchSize = settings.batchSize;
    this.sampler = new InfiniteSampler(ds.size, {
      seed: options.seed,
      batchSize: settings.batchSize,
      shuffle: settings.shuffle,
      dropLast: settings.dropLast,
      rank: options.rank,
      worldSize: options.worldSize,
      label: options.label,
    });
    this.consumed = this.sampler.stateDict();
    this.maker = new BatchMaker(ds, settings.pipelines, settings.threads);
  }

  private enqueue(): void {
    const { indices, epochs } = this.sampler.nextBatch();
    const state = this.sampler.stateDict();
    this.queue.push({ promise: this.maker.make(indices, epochs, state.seed), state });
  }

  next(): Promise<Batch> {
    if (this.closed) return Promise.reject(new DataError('next() on a closed loader'));
    if (this.queue.length === 0) this.enqueue();
    const job = this.queue.shift() as Job;
    this.consumed = job.state;
    while (this.queue.length < this.settings.prefetch) this.enqueue();
    return job.promise;
  }

  stateDict(): SamplerState {
    return { ...this.consumed };
  }

  private discardQueue(): void {
    for (const job of this.queue) job.promise.then(disposeBatch, () => undefined);
    this.queue = [];
  }

  loadStateDict(state: SamplerState): void {
    this.sampler.loadStateDict(state);
    this.discardQueue();
    this.consumed = this.sampler.stateDict();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.discardQueue();
    await this.maker.close();
  }
}

export class SequentialLoader implements TestLoader {
  readonly dataset: DatasetInfo;
  readonly batchSize: number;
  private readonly maker: BatchMaker;
  private readonly shard: { start: number; end: number };
  private closed = false;

  constructor(
    ds: Dataset,
    private readonly settings: LoaderSettings,
    private readonly options: { seed: number; rank?: number; worldSize?: number },
  ) {
    this.dataset = info(ds);
    this.batchSize = settings.batchSize;
    this.shard = testShard(ds.size, options.rank ?? 0, options.worldSize ?? 1);
    this.maker = new BatchMaker(ds, settings.pipelines, settings.threads);
  }

  /** Number of batches this rank yields. */
  get length(): number {
    const n = this.shard.end - this.shard.start;
    return this.settings.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  async *batches(): AsyncGenerator<Batch> {
    if (this.closed) throw new DataError('batches() on a closed loader');
    const { start, end } = this.shard;
    const total = this.length;
    const queue: Promise<Batch>[] = [];
    let issued = 0;
    const issue = () => {
      const from = start + issued * this.batchSize;
      const to = Math.min(end, from + this.batchSize);
      const indices = Array.from({ length: to - from }, (_, k) => from + k);
      queue.push(this.maker.make(indices, new Array(indices.length).fill(0), this.options.seed));
      issued++;
    };
    try {
      for (let k = 0; k < total; k++) {
        while (issued < total && queue.length <= this.settings.prefetch) issue();
        const batch = await (queue.shift() as Promise<Batch>);
        yield batch;
      }
    } finally {
      for (const p of queue) p.then(disposeBatch, () => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.maker.close();
  }
}
