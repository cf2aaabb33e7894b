/**
 * PNG decoding for `mlisp predict --image`: any size, colour type and bit
 * depth (pngjs), turned into grey values in [0, 1]. Inversion to light ink on
 * a dark background, cropping, scaling and centring are done by
 * `prepareDigit` of @mlisp/mnist.
 */
import { PNG } from 'pngjs';
import { checkPng } from './png-check.js';

/** A grey image: `width * height` values in [0, 1], row by row. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Float64Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

export { MAX_PNG_PIXELS } from './png-check.js';

/**
 * Decodes a PNG into grey values in [0, 1] (0 black, 1 white).
 *
 * Colour is reduced to luminance (0.299 R + 0.587 G + 0.114 B). Transparent
 * pixels are laid over the background that contrasts with the ink (white
 * under dark ink, black under light ink), so a digit drawn on a transparent
 * canvas keeps its shape.
 *
 * @param bytes - the PNG file's contents
 * @throws Error when the bytes are not a readable PNG: truncated, or too large
 *   to decode (see {@link checkPng}), before decoding anything
 */
export function decodePngGrey(bytes: Uint8Array): GreyImage {
  checkPng(bytes);
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const { width, height, data } = png;
  const n = width * height;
  // One float64 array: luminance first, then the grey value (the decode budget counts 8 bytes a pixel).
  const pixels = new Float64Array(n);
  let transparent = false;
  let inkWeight = 0;
  let inkSum = 0;
  for (let i = 0; i < n; i++) {
    const r = data[4 * i] ?? 0;
    const g = data[4 * i + 1] ?? 0;
    const b = data[4 * i + 2] ?? 0;
    const a = (data[4 * i + 3] ?? 255) / 255;
    const lum = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    pixels[i] = lum;
    if (a < 1) transparent = true;
    inkWeight += a;
    inkSum += a * lum;
  }
  // Light ink on transparency goes over black, dark ink over white.
  const background = transparent && inkWeight > 0 && inkSum / inkWeight > 0.5 ? 0 : 1;
  if (transparent) {
    for (let i = 0; i < n; i++) {
      const a = (data[4 * i + 3] ?? 255) / 255;
      pixels[i] = (pixels[i] as number) * a + background * (1 - a);
    }
  }
  return { width, height, pixels };
}
