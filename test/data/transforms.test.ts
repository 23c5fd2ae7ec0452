// Transforms: output shapes, Pillow/torchvision exactness of every op,
// determinism under the seed, and two views.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import * as torch from '../../src/torch';
import { augmentBatch, dataBackend } from '../../src/torch/data';
import {
  BatchMaker,
  CenterCrop,
  ColorJitter,
  Pipeline,
  RandomCrop,
  RandomResizedCrop,
  Resize,
  Rng,
  buildDataset,
  buildPipeline,
  buildTestLoader,
  buildTrainLoader,
  decodeWithSharp,
  disposeBatch,
  roundHalfEven,
  usps,
  type ImageShape,
  type Transform,
} from '../../src/data';
import { runPython, skipWithoutPyTorch } from '../helpers/python';
import { tempDir } from './fixtures';

/** A deterministic 64x48 RGB test picture with edges, gradients and noise. */
async function testImage(): Promise<{ file: string; tensor: torch.Tensor }> {
  const w = 64;
  const h = 48;
  const pixels = Buffer.alloc(w * h * 3);
  const rng = new Rng(7);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      pixels[i] = (x * 4 + (y > 20 ? 100 : 0)) % 256;
      pixels[i + 1] = (y * 5 + rng.randint(0, 40)) % 256;
      pixels[i + 2] = x > 30 && y < 30 ? 250 : rng.randint(0, 256);
    }
  const file = path.join(tempDir(), 'picture.png');
  fs.writeFileSync(file, await sharp(pixels, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer());
  return { file, tensor: await decodeWithSharp(file) };
}

function run(source: torch.Tensor, ops: number[], shape: ImageShape): torch.Tensor {
  return augmentBatch({
    sources: [source],
    items: Int32Array.from([0, -1]),
    programs: Float64Array.from(ops),
    offsets: Int32Array.from([0, ops.length]),
    outShape: [shape.c, shape.h, shape.w],
    mode: 'uint8',
  });
}

function plan(t: Transform, shape: ImageShape, seed = 0): { ops: number[]; shape: ImageShape } {
  const ops: number[] = [];
  return { ops, shape: t.apply(shape, ops, new Rng(seed)) };
}

describe('shapes', () => {
  const rgb: ImageShape = { c: 3, h: 48, w: 64 };
  test('Resize: an int matches the shorter side, [h, w] is exact, max_size caps the longer side', () => {
    assert.deepEqual(plan(new Resize(24), rgb).shape, { c: 3, h: 24, w: 32 });
    assert.deepEqual(plan(new Resize(24), { c: 1, h: 64, w: 48 }).shape, { c: 1, h: 32, w: 24 });
    assert.deepEqual(plan(new Resize([10, 20]), rgb).shape, { c: 3, h: 10, w: 20 });
    assert.deepEqual(plan(new Resize(24, 'bilinear', 30), rgb).shape, { c: 3, h: 22, w: 30 });
    assert.deepEqual(plan(new Resize(48), rgb).ops, [], 'no op when the size already matches');
  });
  test('CenterCrop, RandomCrop (padding, pad_if_needed), RandomResizedCrop', () => {
    assert.deepEqual(plan(new CenterCrop(32), rgb).shape, { c: 3, h: 32, w: 32 });
    assert.deepEqual(plan(new CenterCrop([60, 70]), rgb).shape, { c: 3, h: 60, w: 70 });
    assert.deepEqual(plan(new RandomCrop(28, 4), { c: 1, h: 28, w: 28 }).shape, { c: 1, h: 28, w: 28 });
    assert.deepEqual(plan(new RandomCrop([50, 80], null, true), rgb).shape, { c: 3, h: 50, w: 80 });
    assert.throws(() => plan(new RandomCrop(50), rgb), /RandomCrop: size 50x50 is larger than the 48x64 \(padded\) image; set pad_if_needed/);
    assert.deepEqual(plan(new RandomResizedCrop(224), rgb).shape, { c: 3, h: 224, w: 224 });
  });
  test('a whole pipeline through the native ops, float output normalised', async () => {
    const { tensor } = await testImage();
    const pipeline = buildPipeline(
      [
        { type: 'RandomResizedCrop', size: [20, 30] },
        { type: 'RandomHorizontalFlip' },
        { type: 'ColorJitter', brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 },
        { type: 'RandomGrayscale', p: 0.5 },
        { type: 'ToTensor' },
        { type: 'Normalize', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
      ],
      'transforms',
    );
    for (let seed = 0; seed < 20; seed++) {
      const ops: number[] = [];
      const shape = pipeline.plan(rgb, ops, new Rng(seed));
      assert.deepEqual(shape, { c: 3, h: 20, w: 30 });
      const out = augmentBatch({
        sources: [tensor],
        items: Int32Array.from([0, -1]),
        programs: Float64Array.from(ops),
        offsets: Int32Array.from([0, ops.length]),
        outShape: [3, 20, 30],
        mode: 'float',
        mean: pipeline.mean,
        std: pipeline.std,
      });
      assert.deepEqual(out.shape, [1, 3, 20, 30]);
      assert.ok(out.min().item() >= -2 - 1e-6 && out.max().item() <= 2 + 1e-6);
      out.dispose();
    }
    tensor.dispose();
  });
  test('Grayscale and ToRGB change the channels', () => {
    const p = buildPipeline([{ type: 'Grayscale' }, { type: 'ToRGB' }], 't');
    assert.deepEqual(p.plan(rgb, [], new Rng(0)), { c: 3, h: 48, w: 64 });
    assert.deepEqual(buildPipeline([{ type: 'Grayscale', num_output_channels: 3 }], 't').plan(rgb, [], new Rng(0)).c, 3);
    assert.deepEqual(buildPipeline([{ type: 'Grayscale' }], 't').plan(rgb, [], new Rng(0)).c, 1);
  });
  test('roundHalfEven is Python round()', () => {
    assert.deepEqual([0.5, 1.5, 2.5, -0.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, -0, 2, 3]);
  });
});

describe('exactly torchvision (PIL backend)', { skip: skipWithoutPyTorch() }, () => {
  test('every op gives the same uint8 pixels as torchvision.transforms.functional', async () => {
    const { file, tensor } = await testImage();
    const rgb: ImageShape = { c: 3, h: 48, w: 64 };
    // [name, our ops, output shape, python expression of `im`]
    const cases: Array<[string, number[], ImageShape, string]> = [
      ['resized_crop bilinear', [2, 7, 11, 50, 30, 32, 28, 2], { c: 3, h: 32, w: 28 }, 'F.resized_crop(im, 11, 7, 30, 50, [32, 28], IM.BILINEAR)'],
      ['resize bicubic down', [2, 0, 0, 64, 48, 20, 25, 4], { c: 3, h: 20, w: 25 }, 'F.resize(im, [20, 25], IM.BICUBIC)'],
      ['resize bicubic up', [2, 0, 0, 64, 48, 100, 90, 4], { c: 3, h: 100, w: 90 }, 'F.resize(im, [100, 90], IM.BICUBIC)'],
      ['resize lanczos', [2, 0, 0, 64, 48, 21, 13, 5], { c: 3, h: 21, w: 13 }, 'F.resize(im, [21, 13], IM.LANCZOS)'],
      ['resize box', [2, 0, 0, 64, 48, 21, 13, 1], { c: 3, h: 21, w: 13 }, 'F.resize(im, [21, 13], IM.BOX)'],
      ['resize hamming', [2, 0, 0, 64, 48, 21, 13, 3], { c: 3, h: 21, w: 13 }, 'F.resize(im, [21, 13], IM.HAMMING)'],
      ['resize nearest', [2, 0, 0, 64, 48, 30, 50, 0], { c: 3, h: 30, w: 50 }, 'F.resize(im, [30, 50], IM.NEAREST)'],
      ['resize one axis', [2, 0, 0, 64, 48, 48, 30, 2], { c: 3, h: 48, w: 30 }, 'F.resize(im, [48, 30], IM.BILINEAR)'],
      ['resize the other axis', [2, 0, 0, 64, 48, 20, 64, 3], { c: 3, h: 20, w: 64 }, 'F.resize(im, [20, 64], IM.HAMMING)'],
      ['crop then resize rows', [2, 0, 9, 64, 30, 13, 64, 2], { c: 3, h: 13, w: 64 }, 'F.resized_crop(im, 9, 0, 30, 64, [13, 64], IM.BILINEAR)'],
      ['pad constant fill', [1, -3, -5, 71, 55, 0, 10, 20, 30], { c: 3, h: 55, w: 71 }, 'F.pad(im, [3, 5, 4, 2], fill=(10, 20, 30))'],
      ['pad reflect', [1, -3, -5, 71, 55, 2, 0, 0, 0], { c: 3, h: 55, w: 71 }, "F.pad(im, [3, 5, 4, 2], padding_mode='reflect')"],
      ['pad symmetric', [1, -3, -5, 71, 55, 3, 0, 0, 0], { c: 3, h: 55, w: 71 }, "F.pad(im, [3, 5, 4, 2], padding_mode='symmetric')"],
      ['pad edge', [1, -3, -5, 71, 55, 1, 0, 0, 0], { c: 3, h: 55, w: 71 }, "F.pad(im, [3, 5, 4, 2], padding_mode='edge')"],
      ['crop', [1, 5, 9, 30, 20, 0, 0, 0, 0], { c: 3, h: 20, w: 30 }, 'F.crop(im, 9, 5, 20, 30)'],
      ['hflip', [3], rgb, 'F.hflip(im)'],
      ['vflip', [4], rgb, 'F.vflip(im)'],
      ['grayscale', [5, 1], { c: 1, h: 48, w: 64 }, 'F.rgb_to_grayscale(im, 1)'],
      ['grayscale 3', [5, 3], rgb, 'F.rgb_to_grayscale(im, 3)'],
      ['brightness', [7, 1.37], rgb, 'F.adjust_brightness(im, 1.37)'],
      ['contrast', [8, 0.55], rgb, 'F.adjust_contrast(im, 0.55)'],
      ['saturation', [9, 1.8], rgb, 'F.adjust_saturation(im, 1.8)'],
      ['hue +', [10, 0.31], rgb, 'F.adjust_hue(im, 0.31)'],
      ['hue -', [10, -0.17], rgb, 'F.adjust_hue(im, -0.17)'],
      ['chain', [2, 4, 4, 56, 40, 30, 30, 2, 3, 9, 0.5, 10, 0.1, 8, 1.2], { c: 3, h: 30, w: 30 },
        'F.adjust_contrast(F.adjust_hue(F.adjust_saturation(F.hflip(F.resized_crop(im, 4, 4, 40, 56, [30, 30])), 0.5), 0.1), 1.2)'],
    ];
    // transforms planned by the classes (deterministic ones)
    for (const [name, t, expr] of [
      ['CenterCrop', new CenterCrop([30, 41]), 'T.CenterCrop([30, 41])(im)'],
      ['CenterCrop larger', new CenterCrop([53, 67]), 'T.CenterCrop([53, 67])(im)'],
      ['Resize int', new Resize(25), 'T.Resize(25)(im)'],
      ['Resize int bicubic', new Resize(33, 'bicubic'), 'T.Resize(33, IM.BICUBIC)(im)'],
    ] as Array<[string, Transform, string]>) {
      const p = plan(t, rgb);
      cases.push([name, p.ops, p.shape, expr]);
    }
    const script = `
import base64, json, sys
import numpy as np
from PIL import Image
import torchvision.transforms as T
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode as IM
im = Image.open(sys.argv[1]).convert('RGB')
out = {}
for name, expr in json.loads(sys.argv[2]):
    out[name] = base64.b64encode(np.ascontiguousarray(np.asarray(eval(expr))).tobytes()).decode()
print(json.dumps(out))
`;
    const ref = runPython<Record<string, string>>(script, [file, JSON.stringify(cases.map((c) => [c[0], c[3]]))]);
    for (const [name, ops, shape] of cases) {
      const out = run(tensor, ops, shape);
      const ours = Buffer.from(out.toBuffer());
      const theirs = Buffer.from(ref[name] as string, 'base64');
      assert.equal(ours.length, theirs.length, `${name}: size`);
      let diff = 0;
      for (let i = 0; i < ours.length; i++) if (ours[i] !== theirs[i]) diff++;
      assert.equal(diff, 0, `${name}: ${diff} of ${ours.length} bytes differ from torchvision`);
      out.dispose();
    }
    tensor.dispose();
  });

  test('USPS Resize(28) + ToTensor + Normalize(0.5, 0.5) batches equal torchvision float tensors', async () => {
    const loader = buildTestLoader({
      type: 'USPS',
      split: 'test',
      batch_size: 40,
      transforms: [{ type: 'Resize', size: 28 }, { type: 'ToTensor' }, { type: 'Normalize', mean: 0.5, std: 0.5 }],
    });
    const it = loader.batches()[Symbol.asyncIterator]();
    const batch = (await it.next()).value as Record<string, torch.Tensor>;
    await it.return?.();
    const ds = usps({ split: 'test' });
    const raw = Buffer.from(ds.images.subarray(0, 40 * 256)).toString('base64');
    const script = `
import base64, json, sys
import numpy as np
import torch
from PIL import Image
import torchvision.transforms as T
tf = T.Compose([T.Resize(28), T.ToTensor(), T.Normalize(0.5, 0.5)])
imgs = np.frombuffer(base64.b64decode(sys.argv[1]), dtype=np.uint8).reshape(-1, 16, 16)
x = torch.stack([tf(Image.fromarray(a, mode='L')) for a in imgs])
print(json.dumps(base64.b64encode(x.numpy().astype('<f4').tobytes()).decode()))
`;
    const theirs = new Float32Array(new Uint8Array(Buffer.from(runPython<string>(script, [raw]), 'base64')).buffer);
    const ours = batch.image!.data() as Float32Array;
    assert.deepEqual(batch.image!.shape, [40, 1, 28, 28]);
    assert.equal(ours.length, theirs.length);
    let maxDiff = 0;
    for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs((ours[i] as number) - (theirs[i] as number)));
    assert.equal(maxDiff, 0, `max difference ${maxDiff}`);
    disposeBatch(batch);
    await loader.close();
  });

  test('an Office-31-style eval pipeline on a JPEG equals torchvision (decode, Resize, CenterCrop, Normalize)', async () => {
    const dir = tempDir();
    const { file } = await testImage();
    const jpg = path.join(dir, 'photo.jpg');
    fs.writeFileSync(jpg, await sharp(file).resize(120, 90).jpeg({ quality: 85 }).toBuffer());
    fs.writeFileSync(path.join(dir, 'list.txt'), 'photo.jpg 0\n');
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const loader = buildTestLoader({
      type: 'ImageList',
      list: path.join(dir, 'list.txt'),
      transforms: [{ type: 'Resize', size: 64 }, { type: 'CenterCrop', size: 56 }, { type: 'Normalize', mean, std }],
    });
    let image: torch.Tensor | null = null;
    for await (const b of loader.batches()) image = b.image as torch.Tensor;
    await loader.close();
    const script = `
import base64, json, sys
from PIL import Image
import torchvision.transforms as T
tf = T.Compose([T.Resize(64), T.CenterCrop(56), T.ToTensor(), T.Normalize(${JSON.stringify(mean)}, ${JSON.stringify(std)})])
x = tf(Image.open(sys.argv[1]).convert('RGB'))
print(json.dumps(base64.b64encode(x.numpy().astype('<f4').tobytes()).decode()))
`;
    const theirs = new Float32Array(new Uint8Array(Buffer.from(runPython<string>(script, [jpg]), 'base64')).buffer);
    const ours = image!.data() as Float32Array;
    assert.deepEqual(image!.shape, [1, 3, 56, 56]);
    let maxDiff = 0;
    for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs((ours[i] as number) - (theirs[i] as number)));
    // libjpeg in the addon decodes exactly as Pillow does; the sharp fallback may differ slightly
    assert.ok(dataBackend().jpeg ? maxDiff === 0 : maxDiff < 0.1, `max difference ${maxDiff}`);
    image!.dispose();
  });
});

describe('determinism', () => {
  const config = {
    type: 'MNIST',
    split: 'test',
    batch_size: 16,
    transforms: [{ type: 'RandomCrop', size: 28, padding: 4 }, { type: 'RandomHorizontalFlip' }, { type: 'Normalize', mean: 0.5, std: 0.5 }],
  };
  async function firstBatches(seed: number, n = 3): Promise<number[][]> {
    const loader = buildTrainLoader(config, { seed, name: 'source' });
    const out: number[][] = [];
    for (let i = 0; i < n; i++) {
      const b = await loader.next();
      out.push(Array.from((b.image as torch.Tensor).data() as Float32Array), (b.index as torch.Tensor).toArray() as number[]);
      disposeBatch(b);
    }
    await loader.close();
    return out;
  }
  test('the same seed gives the same batches (order and augmentation); another seed does not', async () => {
    const a = await firstBatches(3);
    const b = await firstBatches(3);
    const c = await firstBatches(4);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a[1], c[1]);
  });

  test("a sample's augmentation depends on (seed, epoch, index) only, not on its batch", async () => {
    const ds = buildDataset({ type: 'MNIST', split: 'test' });
    const pipeline = buildPipeline(config.transforms, 't');
    const maker = new BatchMaker(ds, [pipeline], 2);
    const one = await maker.make([5, 9], [0, 0], 11);
    const two = await maker.make([9, 1, 2, 5], [0, 0, 0, 0], 11);
    const img = (b: Record<string, unknown>, i: number) => Array.from(((b.image as torch.Tensor).index(i)).data() as Float32Array);
    assert.deepEqual(img(one, 0), img(two, 3));
    assert.deepEqual(img(one, 1), img(two, 0));
    const later = await maker.make([5], [1], 11);
    assert.notDeepEqual(img(one, 0), img(later, 0), 'a new epoch draws new augmentation');
    for (const b of [one, two, later]) disposeBatch(b);
    maker.dispose();
  });

  test('RandomResizedCrop boxes stay inside the image and cover 8%..100% of it', () => {
    const t = new RandomResizedCrop(224);
    const rng = new Rng(1);
    for (let k = 0; k < 2000; k++) {
      const [i, j, h, w] = t.params(300, 400, rng);
      assert.ok(i >= 0 && j >= 0 && i + h <= 300 && j + w <= 400 && h > 0 && w > 0);
      const area = (h * w) / (300 * 400);
      assert.ok(area > 0.075 && area <= 1.0001, `area ${area}`);
    }
  });

  test('ColorJitter applies its four adjustments in a random order with factors in range', () => {
    const t = new ColorJitter(0.4, [0.5, 0.6], 0, 0.1);
    const orders = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const ops: number[] = [];
      t.apply({ c: 3, h: 8, w: 8 }, ops, new Rng(seed));
      assert.equal(ops.length, 6, 'saturation 0 is skipped');
      const codes = [ops[0], ops[2], ops[4]];
      orders.add(codes.join(','));
      const factor = (code: number) => ops[codes.indexOf(code) * 2 + 1] as number;
      assert.ok(factor(7) >= 0.6 && factor(7) <= 1.4);
      assert.ok(factor(8) >= 0.5 && factor(8) <= 0.6);
      assert.ok(factor(10) >= -0.1 && factor(10) <= 0.1);
    }
    assert.equal(orders.size, 6);
  });
});

describe('two views', () => {
  test('two_views: image2 is a second, differently augmented view of the same images', async () => {
    const loader = buildTrainLoader(
      { type: 'USPS', batch_size: 8, two_views: true, transforms: [{ type: 'Resize', size: 28 }, { type: 'RandomCrop', size: 28, padding: 4 }] },
      { seed: 0 },
    );
    const b = await loader.next();
    const [x, x2] = [b.image as torch.Tensor, b.image2 as torch.Tensor];
    assert.deepEqual(x.shape, [8, 1, 28, 28]);
    assert.deepEqual(x2.shape, [8, 1, 28, 28]);
    assert.notDeepEqual(Array.from(x.data() as Float32Array), Array.from(x2.data() as Float32Array));
    // same images: equal pixel sums up to the padding the crops cut in
    disposeBatch(b);
    await loader.close();
  });
  test('transforms2: a different pipeline for image2 (weak + strong views)', async () => {
    const loader = buildTrainLoader(
      {
        type: 'MNIST',
        split: 'test',
        batch_size: 4,
        transforms: [{ type: 'Normalize', mean: 0.5, std: 0.5 }],
        transforms2: [{ type: 'Resize', size: 32 }, { type: 'ToRGB' }, { type: 'ColorJitter', brightness: 0.5 }],
      },
      { seed: 0 },
    );
    const b = await loader.next();
    assert.deepEqual((b.image as torch.Tensor).shape, [4, 1, 28, 28]);
    assert.deepEqual((b.image2 as torch.Tensor).shape, [4, 3, 32, 32]);
    disposeBatch(b);
    await loader.close();
  });
});

describe('transform errors', () => {
  test('images of different sizes in one batch name two samples', async () => {
    const dir = tempDir();
    for (const [name, w] of [['a.png', 10], ['b.png', 12]] as const) {
      fs.writeFileSync(path.join(dir, name), await sharp({ create: { width: w, height: 10, channels: 3, background: '#000' } }).png().toBuffer());
    }
    fs.writeFileSync(path.join(dir, 'list.txt'), 'a.png 0\nb.png 1\n');
    const loader = buildTrainLoader({ type: 'ImageList', list: path.join(dir, 'list.txt'), batch_size: 2, shuffle: false }, { seed: 0 });
    await assert.rejects(loader.next(), /transforms give images of different sizes in one batch: .*a\.png.* -> 3x10x10, .*b\.png.* -> 3x10x12 .*fixed-size crop or Resize/);
    await loader.close();
  });
  test('bad transform configs name the entry', () => {
    assert.throws(() => buildPipeline([{ type: 'Resize', size: 0 }], 'datasets.train.source.transforms'), /datasets\.train\.source\.transforms\[0\]: invalid options for transform 'Resize'/);
    assert.throws(() => buildPipeline([{ type: 'ColorJitter', hue: 0.7 }], 'x'), /x\[0\]: invalid options for transform 'ColorJitter'/);
    assert.throws(() => buildPipeline([{ type: 'Normalize', mean: 0.5, std: 0.5 }, { type: 'Resize', size: 3 }], 'x'), /Normalize must be the last transform/);
    assert.deepEqual(new Pipeline([]).normalization(3), { mean: [0], std: [1] }, 'no Normalize: ToTensor only');
  });
  test('Normalize with the wrong number of channels', async () => {
    const loader = buildTrainLoader({ type: 'MNIST', split: 'test', batch_size: 2, transforms: [{ type: 'Normalize', mean: [0.5, 0.5, 0.5], std: [1, 1, 1] }] }, { seed: 0 });
    await assert.rejects(loader.next(), /Normalize: mean has 3 values but the images have 1 channel\(s\)/);
    await loader.close();
  });
});
