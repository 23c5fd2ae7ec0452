// Image decoding for file datasets: JPEGs on native threads with libjpeg
// (the library Pillow uses, with its default settings), everything else
// (PNG, WebP, TIFF, BMP, GIF, CMYK JPEG, or JPEG without libjpeg at run
// time) with sharp/libvips. Both run off the JS thread.
import * as torch from '../torch';
import { decodeImages, type DecodeResult } from '../torch/data';
import { DataError } from './errors';

import type sharpFunction from 'sharp';

type SharpModule = typeof sharpFunction;
let sharpModule: SharpModule | null = null;

function loadSharp(): SharpModule {
  if (!sharpModule) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      sharpModule = require('sharp') as SharpModule;
    } catch (error) {
      throw new DataError(`decoding non-JPEG images needs the npm package 'sharp' (npm install sharp): ${(error as Error).message}`);
    }
    // one libvips thread per image: parallelism comes from decoding many images at once
    sharpModule.concurrency(1);
    sharpModule.cache(false);
  }
  return sharpModule;
}

/** Decodes one file with sharp into a uint8 [H, W, C] tensor, C = 1 or 3 (alpha dropped, like Pillow's convert). */
export async function decodeWithSharp(file: string): Promise<torch.Tensor> {
  const sharp = loadSharp();
  const { data, info } = await sharp(file, { limitInputPixels: false, sequentialRead: true })
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  let channels = info.channels as number;
  let pixels: Uint8Array = data;
  if (channels !== 1 && channels !== 3) {
    // e.g. CMYK left as 4 bands: let libvips convert to sRGB
    const rgb = await sharp(file, { limitInputPixels: false }).toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    pixels = rgb.data;
    channels = rgb.info.channels;
  }
  return torch.keep(torch.tensor(pixels, { shape: [info.height, info.width, channels], dtype: 'uint8' }));
}

export interface DecodeOptions {
  threads: number;
  /** > 0: JPEG DCT-domain reduction keeping the short side >= this (Pillow's draft()). */
  minShortSide?: number;
  /** Names file k in errors ("a.jpg (list.txt line 3)"). */
  describe: (k: number) => string;
}

/** Decodes files into uint8 [H, W, C] tensors; an unreadable file is a DataError naming it. */
export async function decodeFiles(files: string[], options: DecodeOptions): Promise<torch.Tensor[]> {
  const results: DecodeResult[] = await decodeImages(files, { threads: options.threads, minShortSide: options.minShortSide ?? 0 });
  const out: (torch.Tensor | null)[] = results.map((r) => (r instanceof torch.Tensor ? r : null));
  let failure: DataError | null = null;
  const fallbacks: Promise<void>[] = [];
  results.forEach((r, k) => {
    if (typeof r === 'string') {
      failure ??= new DataError(`cannot load image ${options.describe(k)}: ${r}`);
    } else if (r === null) {
      fallbacks.push(
        decodeWithSharp(files[k] as string).then(
          (t) => {
            out[k] = t;
          },
          (error: Error) => {
            const reason = /no such file|missing/i.test(error.message)
              ? 'file not found'
              : /unsupported image format/i.test(error.message)
                ? 'not an image, or an unsupported image format'
                : error.message;
            failure ??= new DataError(`cannot load image ${options.describe(k)}: ${reason}`);
          },
        ),
      );
    }
  });
  await Promise.all(fallbacks);
  if (failure) {
    for (const t of out) t?.dispose();
    throw failure;
  }
  return out as torch.Tensor[];
}
