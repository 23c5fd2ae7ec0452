// Samplers and loaders: infinite shuffled epochs, exact resume, ranks,
// test passes without duplicates, batch contents, memory, and the shipped
// dataset configs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import yaml from 'js-yaml';
import * as torch from '../../src/torch';
import { loadConfig, validateComponents } from '../../src/config';
import {
  InfiniteSampler,
  buildDataset,
  buildTestLoader,
  buildTrainLoader,
  disposeBatch,
  testShard,
  type Batch,
  type SamplerState,
  type TrainLoader,
} from '../../src/data';
import { NO_OFFICE, officeSubset, repoRoot, tempDir } from './fixtures';

const flat = (t: unknown) => Array.from((t as torch.Tensor).data() as ArrayLike<number>, Number);

describe('InfiniteSampler', () => {
  test('every epoch is a fresh permutation; drop_last skips the remainder', () => {
    const s = new InfiniteSampler(10, { seed: 1, batchSize: 3 });
    const epochs: number[][] = [[], [], []];
    for (let k = 0; k < 9; k++) {
      const b = s.nextBatch();
      b.indices.forEach((i, j) => epochs[b.epochs[j] as number]!.push(i));
    }
    for (const e of epochs) {
      assert.equal(e.length, 9, 'three batches of 3 per epoch, one sample dropped');
      assert.equal(new Set(e).size, 9);
    }
    assert.notDeepEqual(epochs[0], epochs[1]);
  });
  test('without drop_last, batches run on into the next epoch', () => {
    const s = new InfiniteSampler(5, { seed: 1, batchSize: 3, dropLast: false });
    const seen = [s.nextBatch(), s.nextBatch(), s.nextBatch(), s.nextBatch()];
    assert.deepEqual(seen[1]!.epochs, [0, 0, 1]);
    const firstEpoch = [...seen[0]!.indices, ...seen[1]!.indices.slice(0, 2)];
    assert.deepEqual([...firstEpoch].sort(), [0, 1, 2, 3, 4]);
    assert.deepEqual(s.stateDict().epoch, 2);
  });
  test('shuffle: false walks the dataset in order', () => {
    const s = new InfiniteSampler(7, { seed: 1, batchSize: 3, shuffle: false });
    assert.deepEqual([s.nextBatch().indices, s.nextBatch().indices, s.nextBatch().indices], [[0, 1, 2], [3, 4, 5], [0, 1, 2]]);
  });
  test('ranks split each epoch without overlap, with equal epoch lengths', () => {
    const world = 3;
    const samplers = Array.from({ length: world }, (_, rank) => new InfiniteSampler(100, { seed: 5, batchSize: 11, rank, worldSize: world }));
    assert.ok(samplers.every((s) => s.epochLength === 33));
    for (let epoch = 0; epoch < 2; epoch++) {
      const all = samplers.flatMap((s) => [...s.epochOrder(epoch)]);
      assert.equal(new Set(all).size, 99);
    }
  });
  test('loadStateDict resumes the exact stream; bad states are errors', () => {
    const a = new InfiniteSampler(50, { seed: 9, batchSize: 8 });
    for (let k = 0; k < 13; k++) a.nextBatch();
    const state = a.stateDict();
    const expected = [a.nextBatch(), a.nextBatch(), a.nextBatch()];
    const b = new InfiniteSampler(50, { seed: 123, batchSize: 8 });
    b.loadStateDict(JSON.parse(JSON.stringify(state)) as SamplerState);
    assert.deepEqual([b.nextBatch(), b.nextBatch(), b.nextBatch()], expected);
    assert.throws(() => b.loadStateDict({ epoch: 1, position: 99, seed: 1 }), /position 99 is past the end of an epoch \(50 samples\)/);
    assert.throws(() => b.loadStateDict({ epoch: -1, position: 0, seed: 1 }), /'epoch' must be a non-negative integer/);
  });
  test('a dataset smaller than a batch is an error that says what to do', () => {
    assert.throws(() => new InfiniteSampler(5, { seed: 0, batchSize: 8, label: 'datasets.train.target' }), /datasets\.train\.target: an epoch has 5 samples, fewer than batch_size 8.*set drop_last: false/);
  });
});

describe('test sharding', () => {
  test('each sample exactly once across ranks, no padding', () => {
    for (const [n, world] of [[10, 3], [2007, 4], [5, 8], [7, 1]] as const) {
      const covered: number[] = [];
      for (let r = 0; r < world; r++) {
        const { start, end } = testShard(n, r, world);
        for (let i = start; i < end; i++) covered.push(i);
      }
      assert.deepEqual(covered, Array.from({ length: n }, (_, i) => i));
    }
  });
  test('test loaders keep the partial last batch and cover the set once across 3 ranks', async () => {
    const config = { type: 'USPS', split: 'test', batch_size: 256, transforms: [{ type: 'Resize', size: 28 }] };
    const labels: number[] = [];
    const indices: number[] = [];
    for (let rank = 0; rank < 3; rank++) {
      const loader = buildTestLoader(config, { rank, worldSize: 3 });
      const sizes: number[] = [];
      for await (const b of loader.batches()) {
        sizes.push((b.image as torch.Tensor).shape[0] as number);
        labels.push(...flat(b.label));
        indices.push(...flat(b.index));
        disposeBatch(b);
      }
      await loader.close();
      assert.deepEqual(sizes, [256, 256, 157]); // 669 samples per rank
    }
    assert.deepEqual(indices, Array.from({ length: 2007 }, (_, i) => i));
    const ds = buildDataset({ type: 'USPS', split: 'test' });
    assert.deepEqual(labels, Array.from(ds.labels));
  });
});

async function take(loader: TrainLoader, n: number): Promise<Array<{ image: number[]; index: number[]; label: number[] }>> {
  const out = [];
  for (let k = 0; k < n; k++) {
    const b = await loader.next();
    out.push({ image: flat(b.image), index: flat(b.index), label: flat(b.label) });
    disposeBatch(b);
  }
  return out;
}

describe('train loaders', () => {
  test('batches: float32 images [N, C, H, W], int64 labels and indices that match the dataset', async () => {
    const loader = buildTrainLoader(
      { type: 'USPS', batch_size: 32, transforms: [{ type: 'Resize', size: 28 }, { type: 'Normalize', mean: 0.5, std: 0.5 }] },
      { seed: 0, name: 'target' },
    );
    assert.deepEqual(loader.dataset.size, 7291);
    assert.equal(loader.batchSize, 32);
    const b = await loader.next();
    const [image, label, index] = [b.image, b.label, b.index] as torch.Tensor[];
    assert.equal(image!.dtype, 'float32');
    assert.deepEqual(image!.shape, [32, 1, 28, 28]);
    assert.equal(label!.dtype, 'int64');
    assert.equal(index!.dtype, 'int64');
    const ds = buildDataset({ type: 'USPS' });
    assert.deepEqual(flat(label), flat(index).map((i) => ds.labels[i]));
    assert.ok(image!.min().item() >= -1 && image!.max().item() <= 1);
    disposeBatch(b);
    await loader.close();
  });

  test('two train loaders shuffle independently; the same name and config repeat', async () => {
    const config = { type: 'MNIST', split: 'test', batch_size: 16 };
    const ids = async (name: string, seed = 0) => {
      const l = buildTrainLoader(config, { seed, name });
      const out = (await take(l, 2)).map((b) => b.index);
      await l.close();
      return out;
    };
    assert.notDeepEqual(await ids('source'), await ids('target'));
    assert.deepEqual(await ids('source'), await ids('source'));
    assert.notDeepEqual(await ids('source', 0), await ids('source', 1));
  });

  test('resume: stateDict() then loadStateDict() on a new loader gives exactly the next batches (random augmentation)', async () => {
    const config = {
      type: 'MNIST',
      split: 'test',
      batch_size: 64,
      transforms: [{ type: 'RandomCrop', size: 28, padding: 3 }, { type: 'RandomHorizontalFlip' }, { type: 'Normalize', mean: 0.5, std: 0.5 }],
    };
    const a = buildTrainLoader(config, { seed: 42, name: 'source' });
    await take(a, 160); // 64 * 160 > 10000: crosses an epoch boundary
    const state = JSON.parse(JSON.stringify(a.stateDict())) as SamplerState;
    assert.equal(state.epoch, 1);
    const expected = await take(a, 4);
    await a.close();
    const b = buildTrainLoader(config, { seed: 42, name: 'source' });
    await take(b, 1); // prefetched batches in flight must be discarded by loadStateDict
    b.loadStateDict(state);
    assert.deepEqual(await take(b, 4), expected);
    await b.close();
  });

  test('resume on real JPEGs with RandomResizedCrop + flip', { skip: officeSubset() ? false : NO_OFFICE }, async () => {
    const o = officeSubset()!;
    const config = {
      type: 'ImageList',
      list: o.webcam,
      root: o.root,
      batch_size: 8,
      num_workers: 2,
      transforms: [{ type: 'RandomResizedCrop', size: 64 }, { type: 'RandomHorizontalFlip' }, { type: 'ColorJitter', brightness: 0.3, hue: 0.05 }],
    };
    const a = buildTrainLoader(config, { seed: 3 });
    await take(a, 2);
    const state = a.stateDict();
    const expected = await take(a, 2);
    await a.close();
    const b = buildTrainLoader(config, { seed: 3 });
    b.loadStateDict(state);
    const got = await take(b, 2);
    await b.close();
    assert.deepEqual(got.map((x) => x.index), expected.map((x) => x.index));
    assert.ok(got.every((x, k) => x.image.every((v, i) => v === expected[k]!.image[i])), 'identical pixels');
  });

  test('close() stops the loader and frees every tensor it holds', async () => {
    const before = torch.liveTensorCount();
    const loader = buildTrainLoader({ type: 'MNIST', split: 'test', batch_size: 32, prefetch: 4 }, { seed: 0 });
    const b = await loader.next();
    disposeBatch(b);
    await loader.close();
    assert.equal(torch.liveTensorCount(), before);
    await assert.rejects(loader.next(), /closed loader/);
  });

  test('a test pass abandoned early disposes its prefetched batches', async () => {
    const before = torch.liveTensorCount();
    const loader = buildTestLoader({ type: 'MNIST', split: 'test', batch_size: 100, prefetch: 3 });
    for await (const b of loader.batches()) {
      disposeBatch(b);
      break;
    }
    await loader.close();
    assert.equal(torch.liveTensorCount(), before);
  });

  test('image modes: grayscale JPEGs become RGB, RGB becomes L with mode: L', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'gray.jpg'), await sharp({ create: { width: 9, height: 7, channels: 3, background: '#404040' } }).greyscale().jpeg().toBuffer());
    fs.writeFileSync(path.join(dir, 'rgba.png'), await sharp({ create: { width: 9, height: 7, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer());
    fs.writeFileSync(path.join(dir, 'list.txt'), 'gray.jpg 0\nrgba.png 1\n');
    const rgb = buildTestLoader({ type: 'ImageList', list: path.join(dir, 'list.txt'), batch_size: 2 });
    for await (const b of rgb.batches()) {
      const x = b.image as torch.Tensor;
      assert.deepEqual(x.shape, [2, 3, 7, 9]);
      const v = x.index(0);
      assert.ok(Math.abs(v.max().item() - v.min().item()) < 0.02, 'gray replicated to 3 channels');
      const red = x.index(1);
      assert.ok(Math.abs(red.index(0).mean().item() - 1) < 1e-6 && red.index(1).max().item() === 0, 'alpha dropped, like convert("RGB")');
      disposeBatch(b);
    }
    await rgb.close();
    const l = buildTestLoader({ type: 'ImageList', list: path.join(dir, 'list.txt'), batch_size: 2, mode: 'L' });
    for await (const b of l.batches()) {
      assert.deepEqual((b.image as torch.Tensor).shape, [2, 1, 7, 9]);
      disposeBatch(b);
    }
    await l.close();
  });

  test('draft: JPEGs decode at a DCT reduction that keeps the short side', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'big.jpg'), await sharp({ create: { width: 800, height: 600, channels: 3, background: '#336699' } }).jpeg().toBuffer());
    fs.writeFileSync(path.join(dir, 'list.txt'), 'big.jpg 0\n');
    const loader = buildTestLoader({ type: 'ImageList', list: path.join(dir, 'list.txt'), draft: 150 });
    for await (const b of loader.batches()) {
      assert.deepEqual((b.image as torch.Tensor).shape, [1, 3, 150, 200]); // 1/4 scale
      disposeBatch(b);
    }
    await loader.close();
  });
});

describe('shipped dataset configs', () => {
  const dir = path.join(repoRoot, 'configs', '_base_', 'datasets');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  test('every configs/_base_/datasets file validates against the registries', () => {
    assert.ok(files.length >= 6);
    for (const f of files) validateComponents(loadConfig(path.join(dir, f)));
  });
  for (const f of ['mnist2usps.yaml', 'usps2mnist.yaml']) {
    test(`${f} runs as is (built-in data): 64 x 1 x 28 x 28 batches in [-1, 1]`, async () => {
      const data = (yaml.load(fs.readFileSync(path.join(dir, f), 'utf8')) as { datasets: Record<string, Record<string, any>> }).datasets;
      const loaders: TrainLoader[] = [];
      for (const [name, cfg] of Object.entries(data.train!)) {
        const l = buildTrainLoader(cfg, { seed: 0, name, baseDir: dir });
        loaders.push(l);
        const b: Batch = await l.next();
        assert.deepEqual((b.image as torch.Tensor).shape, [64, 1, 28, 28], `${f} ${name}`);
        disposeBatch(b);
      }
      for (const l of loaders) await l.close();
      const test = buildTestLoader(data.test!.target!, { name: 'target', baseDir: dir });
      let n = 0;
      for await (const b of test.batches()) {
        n += (b.image as torch.Tensor).shape[0] as number;
        disposeBatch(b);
      }
      await test.close();
      assert.equal(n, f.startsWith('mnist') ? 2007 : 10000);
    });
  }
});
