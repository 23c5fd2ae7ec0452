// fastda's data layer: datasets, transforms, samplers and loaders.
//
//   const loader = buildTrainLoader(config.datasets.train.source, { seed, name: 'source' });
//   const batch = await loader.next();   // { image, label, index } tensors, owned by the caller
//
// Loader configs are a dataset component plus loader keys: batch_size,
// shuffle, num_workers, drop_last, prefetch, transforms, two_views, transforms2.
import * as os from 'node:os';
import { datasets as datasetRegistry, transforms as transformRegistry } from '../registry';
import { isObject } from '../registry/validate';
import { isDataset, type Dataset, type DatasetContext } from './datasets';
import { DataError } from './errors';
import { InfiniteLoader, SequentialLoader, type LoaderSettings, type TestLoader, type TrainLoader } from './loader';
import { canonicalJson, hashInts, hashString } from './rng';
import { Pipeline, type Transform } from './transforms';
import './register';

export type { Batch, TrainLoader, TestLoader, LoaderSettings } from './loader';
export { BatchMaker, InfiniteLoader, SequentialLoader, disposeBatch } from './loader';
export type { SamplerState } from './sampler';
export { InfiniteSampler, testShard } from './sampler';
export * from './datasets';
export * from './transforms';
export { DataError } from './errors';
export { Rng, hashInts, hashString, canonicalJson } from './rng';
export { decodeFiles, decodeWithSharp } from './decode';
export { readMat } from './mat';

export interface TrainLoaderOptions {
  /** The run's seed; each loader's shuffle and augmentation seeds derive from it and the loader's config. */
  seed: number;
  rank?: number;
  worldSize?: number;
  /** Folder relative data paths are resolved against first (the config file's folder). */
  baseDir?: string;
  /** The loader's name (datasets.train.<name>): mixed into its seed, and used in messages. */
  name?: string;
}

export interface TestLoaderOptions {
  rank?: number;
  worldSize?: number;
  baseDir?: string;
  name?: string;
}

/** Keys that configure loading, not the dataset (and do not change the sample order). */
const RUNTIME_KEYS = ['num_workers', 'prefetch'];

export function defaultNumWorkers(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** Builds the dataset of a loader config (`type` plus the dataset's options). */
export function buildDataset(config: Record<string, any>, ctx: DatasetContext = {}): Dataset {
  const dataset = datasetRegistry.build(config, ctx);
  if (!isDataset(dataset)) {
    throw new DataError(`dataset type '${config.type}' did not build a dataset (expected an object with kind 'memory', 'files' or 'custom')`);
  }
  return dataset;
}

/** Builds a transform pipeline from config entries; errors name the entry. */
export function buildPipeline(list: unknown, where: string): Pipeline {
  if (list === undefined || list === null) return new Pipeline([]);
  if (!Array.isArray(list)) throw new DataError(`${where}: expected a list of transforms`);
  const built = list.map((item, i) => {
    try {
      return transformRegistry.build(item) as Transform;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new DataError(`${where}[${i}]: ${message}`, { cause: error });
    }
  });
  try {
    return new Pipeline(built);
  } catch (error) {
    throw new DataError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

function settingsOf(config: Record<string, any>, train: boolean, where: string): LoaderSettings {
  const pipelines = [buildPipeline(config.transforms, `${where}.transforms`)];
  if (config.transforms2 !== undefined) pipelines.push(buildPipeline(config.transforms2, `${where}.transforms2`));
  else if (config.two_views) pipelines.push(pipelines[0] as Pipeline);
  const numWorkers = config.num_workers ?? defaultNumWorkers();
  return {
    batchSize: config.batch_size ?? 32,
    threads: Math.max(1, numWorkers),
    prefetch: config.prefetch ?? 2,
    shuffle: config.shuffle ?? train,
    dropLast: config.drop_last ?? train,
    pipelines,
  };
}

function checkConfig(config: unknown, what: string): asserts config is Record<string, any> {
  if (!isObject(config) || typeof config.type !== 'string') throw new DataError(`${what}: expected a dataset config with a 'type'`);
}

/** The seed of a train loader: from the run's seed, the loader's name and its dataset config. */
export function loaderSeed(config: Record<string, any>, seed: number, name = ''): number {
  const identity = Object.fromEntries(Object.entries(config).filter(([k]) => !RUNTIME_KEYS.includes(k)));
  return hashInts(seed >>> 0, hashString(name), hashString(canonicalJson(identity)));
}

export function buildTrainLoader(config: Record<string, any>, options: TrainLoaderOptions): TrainLoader {
  const where = options.name ? `datasets.train.${options.name}` : 'train dataset';
  checkConfig(config, where);
  if (!Number.isFinite(options.seed)) throw new DataError(`${where}: a numeric seed is required`);
  const dataset = buildDataset(config, { baseDir: options.baseDir });
  const settings = settingsOf(config, true, where);
  return new InfiniteLoader(dataset, settings, {
    seed: loaderSeed(config, options.seed, options.name),
    rank: options.rank,
    worldSize: options.worldSize,
    label: `${where} (${dataset.name}, ${dataset.size} samples)`,
  });
}

export function buildTestLoader(config: Record<string, any>, options: TestLoaderOptions = {}): TestLoader {
  const where = options.name ? `datasets.test.${options.name}` : 'test dataset';
  checkConfig(config, where);
  const dataset = buildDataset(config, { baseDir: options.baseDir });
  const settings = settingsOf(config, false, where);
  return new SequentialLoader(dataset, settings, { seed: loaderSeed(config, 0, options.name), rank: options.rank, worldSize: options.worldSize });
}
