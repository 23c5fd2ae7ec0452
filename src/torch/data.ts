// Typed facade over the addon's data kernels (native/data.cc): JPEG decoding
// and the per-sample image pipeline that writes a batch tensor. src/data
// builds the arguments; nothing else should need these.
import { native, type Handle } from './native';
import { Tensor } from './tensor';
import { keep } from './scope';

export interface AugmentArgs {
  /** uint8 CPU tensors, [H, W, C] (one image) or [N, H, W, C] (a bank of images). */
  sources: Tensor[];
  /** (source, row) pairs, one per sample; row is ignored for [H, W, C] sources. */
  items: Int32Array;
  /** Every sample's op program, concatenated (see src/data/ops.ts). */
  programs: Float64Array;
  /** Sample i's program is programs[offsets[i] .. offsets[i+1]). */
  offsets: Int32Array;
  /** [C, H, W] every program must produce. */
  outShape: [number, number, number];
  /** 'float': [N, C, H, W] float32, (x / 255 - mean) / std; 'uint8': [N, H, W, C]. */
  mode: 'float' | 'uint8';
  mean?: number[];
  std?: number[];
  /** Native threads working on this batch. */
  threads?: number;
}

function call(args: AugmentArgs): Parameters<typeof native.augmentBatch> {
  return [
    args.sources.map((t) => t.handle),
    args.items,
    args.programs,
    args.offsets,
    args.outShape,
    args.mode,
    args.mean ?? [0],
    args.std ?? [1],
    args.threads ?? 1,
  ];
}

/** Runs the sample programs on the calling thread (plus `threads - 1` helpers). */
export function augmentBatch(args: AugmentArgs): Tensor {
  return new Tensor(native.augmentBatch(...call(args)));
}

/** Runs the sample programs off the JS thread; the result belongs to the caller (outside every scope). */
export async function augmentBatchAsync(args: AugmentArgs): Promise<Tensor> {
  const handle = await native.augmentBatchAsync(...call(args));
  return keep(new Tensor(handle));
}

export type DecodeResult = Tensor | string | null;

/**
 * Reads and decodes image files on `threads` native threads. Each entry is a
 * uint8 [H, W, C] tensor (C = 1 or 3), an error message, or null for a format
 * the native decoder does not handle (anything but gray/RGB JPEG, or no
 * libjpeg at run time). minShortSide > 0 decodes JPEGs at the largest DCT
 * reduction (1/2, 1/4, 1/8) whose short side stays >= minShortSide, like
 * Pillow's draft().
 */
export async function decodeImages(paths: string[], options: { threads?: number; minShortSide?: number } = {}): Promise<DecodeResult[]> {
  const results = await native.decodeImages(paths, options.threads ?? 1, options.minShortSide ?? 0);
  return results.map((r) => (r === null || typeof r === 'string' ? r : keep(new Tensor(r as Handle))));
}

/** Which native decoders are available. */
export function dataBackend(): { jpeg: boolean; jpegLibrary: string | null } {
  return native.dataBackend();
}
