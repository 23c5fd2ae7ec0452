// Image transforms. Each transform only decides: it reads the image shape,
// draws its random parameters from the sample's generator and appends ops to
// the sample's program, which native/data.cc then executes off the JS thread
// with Pillow's arithmetic. Parameters follow torchvision 0.14's transforms.
import { DataError } from './errors';
import type { Rng } from './rng';

export const OP = { crop: 1, resize: 2, flipH: 3, flipV: 4, gray: 5, rgb: 6, brightness: 7, contrast: 8, saturation: 9, hue: 10 } as const;
export const FILTERS = { nearest: 0, box: 1, bilinear: 2, hamming: 3, bicubic: 4, lanczos: 5 } as const;
export const PAD_MODES = { constant: 0, edge: 1, reflect: 2, symmetric: 3 } as const;
export type Interpolation = keyof typeof FILTERS;
export type PadMode = keyof typeof PAD_MODES;

/** Channels x height x width of the image a program has produced so far. */
export interface ImageShape {
  c: number;
  h: number;
  w: number;
}

export interface Transform {
  readonly name: string;
  /** Draws random numbers (a deterministic transform can be applied once and cached). */
  readonly random: boolean;
  /** Appends this transform's ops for one image; returns the new shape. */
  apply(shape: ImageShape, ops: number[], rng: Rng): ImageShape;
}

/** Normalize(mean, std): the last transform; applied when the batch is written (x / 255 - mean) / std. */
export class Normalize implements Transform {
  readonly name = 'Normalize';
  readonly random = false;
  readonly mean: number[];
  readonly std: number[];
  constructor(mean: number | number[], std: number | number[]) {
    this.mean = Array.isArray(mean) ? mean : [mean];
    this.std = Array.isArray(std) ? std : [std];
    if (this.std.some((s) => s === 0)) throw new DataError('Normalize: std must not be 0');
  }
  apply(shape: ImageShape): ImageShape {
    return shape;
  }
}

/** ToTensor: accepted for familiarity; batches are always float tensors in [0, 1] before Normalize. */
export class ToTensor implements Transform {
  readonly name = 'ToTensor';
  readonly random = false;
  apply(shape: ImageShape): ImageShape {
    return shape;
  }
}

export type Size = number | [number, number];

function sizePair(size: Size, what: string): [number, number] {
  const pair: [number, number] = Array.isArray(size) ? [size[0], size[1]] : [size, size];
  if (!pair.every((v) => Number.isInteger(v) && v > 0)) throw new DataError(`${what}: size must be a positive integer or [height, width], got ${JSON.stringify(size)}`);
  return pair;
}

/** Python's round(): halves to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function cropOp(ops: number[], x: number, y: number, w: number, h: number, mode: PadMode = 'constant', fill: number[] = [0, 0, 0]): void {
  ops.push(OP.crop, x, y, w, h, PAD_MODES[mode], fill[0] ?? 0, fill[1] ?? fill[0] ?? 0, fill[2] ?? fill[0] ?? 0);
}

function resizeOp(ops: number[], box: [number, number, number, number], h: number, w: number, interpolation: Interpolation): void {
  ops.push(OP.resize, box[0], box[1], box[2], box[3], h, w, FILTERS[interpolation]);
}

/** Resize(size): an int matches the shorter side (keeping the aspect ratio); [h, w] is exact. */
export class Resize implements Transform {
  readonly name = 'Resize';
  readonly random = false;
  constructor(
    readonly size: Size,
    readonly interpolation: Interpolation = 'bilinear',
    readonly maxSize?: number,
  ) {
    if (Array.isArray(size)) sizePair(size, 'Resize');
    else if (!Number.isInteger(size) || size <= 0) throw new DataError(`Resize: size must be a positive integer or [height, width], got ${size}`);
    if (maxSize !== undefined && !Array.isArray(size) && maxSize <= size) {
      throw new DataError(`Resize: max_size (${maxSize}) must be larger than size (${size})`);
    }
  }
  outputSize(h: number, w: number): [number, number] {
    if (Array.isArray(this.size)) return [this.size[0], this.size[1]];
    const [short, long] = w <= h ? [w, h] : [h, w];
    let newShort = this.size;
    let newLong = Math.trunc((this.size * long) / short);
    if (this.maxSize !== undefined && newLong > this.maxSize) {
      newShort = Math.trunc((this.maxSize * newShort) / newLong);
      newLong = this.maxSize;
    }
    return w <= h ? [newLong, newShort] : [newShort, newLong];
  }
  apply(shape: ImageShape, ops: number[]): ImageShape {
    const [h, w] = this.outputSize(shape.h, shape.w);
    if (h !== shape.h || w !== shape.w) resizeOp(ops, [0, 0, shape.w, shape.h], h, w, this.interpolation);
    return { c: shape.c, h, w };
  }
}

/** CenterCrop(size): pads with 0 where the crop is larger than the image. */
export class CenterCrop implements Transform {
  readonly name = 'CenterCrop';
  readonly random = false;
  readonly size: [number, number];
  constructor(size: Size) {
    this.size = sizePair(size, 'CenterCrop');
  }
  apply(shape: ImageShape, ops: number[]): ImageShape {
    const [ch, cw] = this.size;
    let { h, w } = shape;
    let x0 = 0;
    let y0 = 0;
    if (cw > w || ch > h) {
      // torchvision pads (left, top) by floor((crop - size) / 2) first
      x0 = cw > w ? -Math.floor((cw - w) / 2) : 0;
      y0 = ch > h ? -Math.floor((ch - h) / 2) : 0;
      w = Math.max(w, cw);
      h = Math.max(h, ch);
    }
    const top = y0 + roundHalfEven((h - ch) / 2);
    const left = x0 + roundHalfEven((w - cw) / 2);
    if (top !== 0 || left !== 0 || ch !== shape.h || cw !== shape.w) cropOp(ops, left, top, cw, ch);
    return { c: shape.c, h: ch, w: cw };
  }
}

/** [left, top, right, bottom] from an int, [lr, tb] or [l, t, r, b]. */
function padding4(padding: number | number[], what: string): [number, number, number, number] {
  const p = Array.isArray(padding) ? padding : [padding];
  if (!p.every((v) => Number.isInteger(v) && v >= 0)) throw new DataError(`${what}: padding must be non-negative integers, got ${JSON.stringify(padding)}`);
  if (p.length === 1) return [p[0]!, p[0]!, p[0]!, p[0]!];
  if (p.length === 2) return [p[0]!, p[1]!, p[0]!, p[1]!];
  if (p.length === 4) return [p[0]!, p[1]!, p[2]!, p[3]!];
  throw new DataError(`${what}: padding must have 1, 2 or 4 values, got ${p.length}`);
}

function fillList(fill: number | number[]): number[] {
  return Array.isArray(fill) ? fill : [fill, fill, fill];
}

/** Pad(padding, fill, padding_mode). */
export class Pad implements Transform {
  readonly name = 'Pad';
  readonly random = false;
  readonly padding: [number, number, number, number];
  constructor(
    padding: number | number[],
    readonly fill: number | number[] = 0,
    readonly paddingMode: PadMode = 'constant',
  ) {
    this.padding = padding4(padding, 'Pad');
  }
  apply(shape: ImageShape, ops: number[]): ImageShape {
    const [l, t, r, b] = this.padding;
    if (l + t + r + b === 0) return shape;
    const h = shape.h + t + b;
    const w = shape.w + l + r;
    cropOp(ops, -l, -t, w, h, this.paddingMode, fillList(this.fill));
    return { c: shape.c, h, w };
  }
}

/** RandomCrop(size, padding, pad_if_needed, fill, padding_mode). */
export class RandomCrop implements Transform {
  readonly name = 'RandomCrop';
  readonly random = true;
  readonly size: [number, number];
  readonly padding: [number, number, number, number] | null;
  constructor(
    size: Size,
    padding: number | number[] | null = null,
    readonly padIfNeeded = false,
    readonly fill: number | number[] = 0,
    readonly paddingMode: PadMode = 'constant',
  ) {
    this.size = sizePair(size, 'RandomCrop');
    this.padding = padding === null ? null : padding4(padding, 'RandomCrop');
  }
  apply(shape: ImageShape, ops: number[], rng: Rng): ImageShape {
    const [th, tw] = this.size;
    // padding steps as torchvision applies them; with constant padding they fuse into the crop
    const pads: [number, number, number, number][] = [];
    if (this.padding) pads.push(this.padding);
    let h = shape.h + (this.padding ? this.padding[1] + this.padding[3] : 0);
    let w = shape.w + (this.padding ? this.padding[0] + this.padding[2] : 0);
    if (this.padIfNeeded && w < tw) {
      pads.push([tw - w, 0, tw - w, 0]);
      w += 2 * (tw - w);
    }
    if (this.padIfNeeded && h < th) {
      pads.push([0, th - h, 0, th - h]);
      h += 2 * (th - h);
    }
    if (w < tw || h < th) {
      throw new DataError(`RandomCrop: size ${th}x${tw} is larger than the ${h}x${w} (padded) image; set pad_if_needed: true or pad more`);
    }
    const i = h === th && w === tw ? 0 : rng.randint(0, h - th + 1);
    const j = h === th && w === tw ? 0 : rng.randint(0, w - tw + 1);
    const fill = fillList(this.fill);
    if (this.paddingMode === 'constant' || pads.length === 0) {
      const offX = pads.reduce((s, p) => s + p[0], 0);
      const offY = pads.reduce((s, p) => s + p[1], 0);
      if (!(j - offX === 0 && i - offY === 0 && tw === shape.w && th === shape.h)) cropOp(ops, j - offX, i - offY, tw, th, 'constant', fill);
    } else {
      let cur = { h: shape.h, w: shape.w };
      for (const [l, t, r, b] of pads) {
        cur = { h: cur.h + t + b, w: cur.w + l + r };
        cropOp(ops, -l, -t, cur.w, cur.h, this.paddingMode, fill);
      }
      cropOp(ops, j, i, tw, th);
    }
    return { c: shape.c, h: th, w: tw };
  }
}

/** RandomResizedCrop(size, scale, ratio, interpolation): the Inception crop. */
export class RandomResizedCrop implements Transform {
  readonly name = 'RandomResizedCrop';
  readonly random = true;
  readonly size: [number, number];
  constructor(
    size: Size,
    readonly scale: [number, number] = [0.08, 1.0],
    readonly ratio: [number, number] = [3 / 4, 4 / 3],
    readonly interpolation: Interpolation = 'bilinear',
  ) {
    this.size = sizePair(size, 'RandomResizedCrop');
    if (scale[0] > scale[1] || ratio[0] > ratio[1]) throw new DataError('RandomResizedCrop: scale and ratio must be [min, max]');
  }
  params(height: number, width: number, rng: Rng): [number, number, number, number] {
    const area = height * width;
    const logRatio = [Math.log(this.ratio[0]), Math.log(this.ratio[1])] as const;
    for (let attempt = 0; attempt < 10; attempt++) {
      const targetArea = area * rng.uniform(this.scale[0], this.scale[1]);
      const aspect = Math.exp(rng.uniform(logRatio[0], logRatio[1]));
      const w = roundHalfEven(Math.sqrt(targetArea * aspect));
      const h = roundHalfEven(Math.sqrt(targetArea / aspect));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        const i = rng.randint(0, height - h + 1);
        const j = rng.randint(0, width - w + 1);
        return [i, j, h, w];
      }
    }
    const inRatio = width / height;
    let w: number;
    let h: number;
    // the constructor checked ratio is [min, max]
    if (inRatio < this.ratio[0]) {
      w = width;
      h = roundHalfEven(w / this.ratio[0]);
    } else if (inRatio > this.ratio[1]) {
      h = height;
      w = roundHalfEven(h * this.ratio[1]);
    } else {
      w = width;
      h = height;
    }
    return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
  }
  apply(shape: ImageShape, ops: number[], rng: Rng): ImageShape {
    const [i, j, h, w] = this.params(shape.h, shape.w, rng);
    resizeOp(ops, [j, i, w, h], this.size[0], this.size[1], this.interpolation);
    return { c: shape.c, h: this.size[0], w: this.size[1] };
  }
}

export class RandomFlip implements Transform {
  readonly random = true;
  constructor(
    readonly name: 'RandomHorizontalFlip' | 'RandomVerticalFlip',
    readonly p = 0.5,
  ) {}
  apply(shape: ImageShape, ops: number[], rng: Rng): ImageShape {
    if (rng.bernoulli(this.p)) ops.push(this.name === 'RandomHorizontalFlip' ? OP.flipH : OP.flipV);
    return shape;
  }
}

/** Grayscale(num_output_channels): Pillow's L conversion, replicated to 3 channels if asked. */
export class Grayscale implements Transform {
  readonly name = 'Grayscale';
  readonly random = false;
  constructor(readonly numOutputChannels: 1 | 3 = 1) {}
  apply(shape: ImageShape, ops: number[]): ImageShape {
    if (shape.c === this.numOutputChannels && shape.c === 1) return shape;
    ops.push(OP.gray, this.numOutputChannels);
    return { ...shape, c: this.numOutputChannels };
  }
}

/** RandomGrayscale(p): grayscale with probability p, keeping the number of channels. */
export class RandomGrayscale implements Transform {
  readonly name = 'RandomGrayscale';
  readonly random = true;
  constructor(readonly p = 0.1) {}
  apply(shape: ImageShape, ops: number[], rng: Rng): ImageShape {
    if (rng.bernoulli(this.p) && shape.c === 3) ops.push(OP.gray, 3);
    return shape;
  }
}

/** ToRGB: 1-channel images to 3 channels (Pillow's convert('RGB')); RGB stays. */
export class ToRGB implements Transform {
  readonly name = 'ToRGB';
  readonly random = false;
  apply(shape: ImageShape, ops: number[]): ImageShape {
    if (shape.c === 3) return shape;
    ops.push(OP.rgb);
    return { ...shape, c: 3 };
  }
}

// ColorJitter's factors, in torchvision's order: brightness, contrast, saturation, hue.
const JITTER_OPS = [OP.brightness, OP.contrast, OP.saturation, OP.hue];

type Range = [number, number] | null;

function jitterRange(value: number | [number, number] | undefined, name: string, center: number, bound: [number, number]): Range {
  if (value === undefined || value === null) return null;
  let range: [number, number];
  if (Array.isArray(value)) {
    range = [value[0], value[1]];
  } else {
    if (value < 0) throw new DataError(`ColorJitter: ${name} must be non-negative, got ${value}`);
    range = [center - value, center + value];
    if (name !== 'hue') range[0] = Math.max(range[0], 0);
  }
  if (!(bound[0] <= range[0] && range[0] <= range[1] && range[1] <= bound[1])) {
    throw new DataError(`ColorJitter: ${name} values should be within [${bound[0]}, ${bound[1]}], got ${JSON.stringify(value)}`);
  }
  return range[0] === center && range[1] === center ? null : range;
}

/** ColorJitter(brightness, contrast, saturation, hue): in a random order per image, like torchvision. */
export class ColorJitter implements Transform {
  readonly name = 'ColorJitter';
  readonly random = true;
  readonly ranges: [Range, Range, Range, Range];
  constructor(brightness?: number | [number, number], contrast?: number | [number, number], saturation?: number | [number, number], hue?: number | [number, number]) {
    this.ranges = [
      jitterRange(brightness, 'brightness', 1, [0, Infinity]),
      jitterRange(contrast, 'contrast', 1, [0, Infinity]),
      jitterRange(saturation, 'saturation', 1, [0, Infinity]),
      jitterRange(hue, 'hue', 0, [-0.5, 0.5]),
    ];
  }
  apply(shape: ImageShape, ops: number[], rng: Rng): ImageShape {
    const order = rng.permutation(4);
    const factors = this.ranges.map((r) => (r ? rng.uniform(r[0], r[1]) : null));
    for (const k of order) {
      const f = factors[k];
      if (f !== null && f !== undefined) ops.push(JITTER_OPS[k] as number, f);
    }
    return shape;
  }
}

/**
 * The transforms of one view: the image steps, then an optional Normalize.
 * Deterministic leading steps can be applied once to in-memory datasets.
 */
export class Pipeline {
  readonly steps: Transform[];
  readonly mean: number[];
  readonly std: number[];

  constructor(transforms: Transform[]) {
    const steps: Transform[] = [];
    let normalize: Normalize | null = null;
    transforms.forEach((t, i) => {
      if (t instanceof ToTensor) return;
      if (normalize) throw new DataError(`transforms[${i}] (${t.name}) comes after Normalize; Normalize must be the last transform`);
      if (t instanceof Normalize) normalize = t;
      else steps.push(t);
    });
    this.steps = steps;
    this.mean = (normalize as Normalize | null)?.mean ?? [0];
    this.std = (normalize as Normalize | null)?.std ?? [1];
  }

  /** Number of leading steps without randomness. */
  deterministicPrefix(): number {
    const k = this.steps.findIndex((t) => t.random);
    return k < 0 ? this.steps.length : k;
  }

  /** Appends the ops of steps [from, to) for one image; returns the shape it ends with. */
  plan(shape: ImageShape, ops: number[], rng: Rng, from = 0, to = this.steps.length): ImageShape {
    let s = shape;
    for (let i = from; i < to; i++) s = (this.steps[i] as Transform).apply(s, ops, rng);
    return s;
  }

  /** Checks the normalisation matches the channels; returns per-channel lists. */
  normalization(channels: number): { mean: number[]; std: number[] } {
    for (const [name, v] of [['mean', this.mean], ['std', this.std]] as const) {
      if (v.length !== 1 && v.length !== channels) {
        throw new DataError(`Normalize: ${name} has ${v.length} values but the images have ${channels} channel(s)`);
      }
    }
    return { mean: this.mean, std: this.std };
  }
}
