// Index samplers. Training draws from an infinite stream of per-epoch
// shuffles whose whole state is (epoch, position, seed); testing walks each
// rank's contiguous share of the dataset once, without padding.
import { DataError } from './errors';
import { hashInts, Rng } from './rng';

/** JSON-serialisable sampler state: where the next batch starts. */
export interface SamplerState {
  epoch: number;
  position: number;
  seed: number;
}

export interface InfiniteSamplerOptions {
  seed: number;
  batchSize: number;
  shuffle?: boolean;
  /** true: an epoch's remainder smaller than a batch is skipped; false: batches run on into the next epoch. */
  dropLast?: boolean;
  rank?: number;
  worldSize?: number;
  /** For messages: "datasets.train.source (MNIST, 60000 samples)". */
  label?: string;
}

export interface SampledBatch {
  indices: number[];
  /** The epoch each sample was drawn in (seeds its augmentation). */
  epochs: number[];
}

export function checkRank(rank: number, worldSize: number): void {
  if (!Number.isInteger(worldSize) || worldSize < 1) throw new DataError(`worldSize must be a positive integer, got ${worldSize}`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) throw new DataError(`rank must be an integer in [0, ${worldSize}), got ${rank}`);
}

/**
 * Each epoch, one permutation of the whole dataset (from seed and epoch) is
 * split between ranks: rank r takes positions r, r + W, r + 2W, ... of it,
 * floor(N / W) samples, so every rank has epochs of the same length and no
 * sample is seen twice in an epoch across ranks.
 */
export class InfiniteSampler {
  readonly size: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly rank: number;
  readonly worldSize: number;
  /** Samples per rank per epoch. */
  readonly epochLength: number;
  private state: SamplerState;
  private cachedEpoch = -1;
  private cachedSeed = 0;
  private order: Int32Array = new Int32Array(0);

  constructor(size: number, options: InfiniteSamplerOptions) {
    this.size = size;
    this.batchSize = options.batchSize;
    this.shuffle = options.shuffle ?? true;
    this.dropLast = options.dropLast ?? true;
    this.rank = options.rank ?? 0;
    this.worldSize = options.worldSize ?? 1;
    checkRank(this.rank, this.worldSize);
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new DataError(`batch_size must be a positive integer, got ${this.batchSize}`);
    this.epochLength = Math.floor(size / this.worldSize);
    const label = options.label ? `${options.label}: ` : '';
    if (this.epochLength === 0) {
      throw new DataError(`${label}the dataset has ${size} samples, fewer than the ${this.worldSize} ranks`);
    }
    if (this.dropLast && this.epochLength < this.batchSize) {
      throw new DataError(
        `${label}an epoch has ${this.epochLength} samples${this.worldSize > 1 ? ' per rank' : ''}, fewer than batch_size ${this.batchSize}, ` +
          `so drop_last would drop every batch; lower batch_size or set drop_last: false`,
      );
    }
    this.state = { epoch: 0, position: 0, seed: options.seed >>> 0 };
  }

  /** The rank's sample order in an epoch. */
  epochOrder(epoch: number): Int32Array {
    if (epoch !== this.cachedEpoch || this.state.seed !== this.cachedSeed) {
      const perm = this.shuffle ? new Rng(hashInts(this.state.seed, epoch)).permutation(this.size) : null;
      const order = new Int32Array(this.epochLength);
      for (let k = 0; k < this.epochLength; k++) {
        const p = this.rank + k * this.worldSize;
        order[k] = perm ? (perm[p] as number) : p;
      }
      this.order = order;
      this.cachedEpoch = epoch;
      this.cachedSeed = this.state.seed;
    }
    return this.order;
  }

  nextBatch(): SampledBatch {
    const indices: number[] = [];
    const epochs: number[] = [];
    let { epoch, position } = this.state;
    if (this.dropLast && position + this.batchSize > this.epochLength) {
      epoch += 1;
      position = 0;
    }
    while (indices.length < this.batchSize) {
      if (position >= this.epochLength) {
        epoch += 1;
        position = 0;
      }
      const order = this.epochOrder(epoch);
      const take = Math.min(this.batchSize - indices.length, this.epochLength - position);
      for (let k = 0; k < take; k++) {
        indices.push(order[position + k] as number);
        epochs.push(epoch);
      }
      position += take;
    }
    this.state = { ...this.state, epoch, position };
    return { indices, epochs };
  }

  stateDict(): SamplerState {
    return { ...this.state };
  }

  loadStateDict(state: SamplerState): void {
    for (const key of ['epoch', 'position', 'seed'] as const) {
      const v = state?.[key];
      if (!Number.isInteger(v) || (v as number) < 0) {
        throw new DataError(`invalid sampler state: '${key}' must be a non-negative integer, got ${JSON.stringify(v)}`);
      }
    }
    if (state.position > this.epochLength) {
      throw new DataError(
        `invalid sampler state: position ${state.position} is past the end of an epoch (${this.epochLength} samples); ` +
          `was the checkpoint written for a different dataset or number of ranks?`,
      );
    }
    this.state = { epoch: state.epoch, position: state.position, seed: state.seed >>> 0 };
  }
}

/** Rank r's contiguous share [start, end) of n test samples: every sample exactly once across ranks. */
export function testShard(n: number, rank = 0, worldSize = 1): { start: number; end: number } {
  checkRank(rank, worldSize);
  return { start: Math.floor((rank * n) / worldSize), end: Math.floor(((rank + 1) * n) / worldSize) };
}
