/**
 * PNG decoding for `mlisp predict --image`: any size, colour type and bit
 * depth (pngjs), turned into grey values in [0, 1] with light ink on a dark
 * background, the way MNIST stores digits.
 */
import { PNG } from 'pngjs';

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

/**
 * Decodes a PNG into grey values in [0, 1], light on dark.
 *
 * Colour is reduced to luminance (0.299 R + 0.587 G + 0.114 B). Transparent
 * pixels are laid over the background that contrasts with the ink (white
 * under dark ink, black under light ink). Then, if the border of the picture
 * is light (dark ink on paper), the grey values are inverted.
 *
 * @param bytes - the PNG file's contents
 * @throws Error when the bytes are not a readable PNG
 */
export function decodePngGrey(bytes: Uint8Array): GreyImage {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const { width, height, data } = png;
  const n = width * height;
  const lum = new Float64Array(n);
  const alpha = new Float64Array(n);
  let transparent = false;
  let inkWeight = 0;
  let inkSum = 0;
  for (let i = 0; i < n; i++) {
    const r = data[4 * i] ?? 0;
    const g = data[4 * i + 1] ?? 0;
    const b = data[4 * i + 2] ?? 0;
    const a = (data[4 * i + 3] ?? 255) / 255;
    lum[i] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    alpha[i] = a;
    if (a < 1) transparent = true;
    inkWeight += a;
    inkSum += a * (lum[i] as number);
  }
  const pixels = new Float64Array(n);
  // Light ink on transparency goes over black, dark ink over white.
  const background = transparent && inkWeight > 0 && inkSum / inkWeight > 0.5 ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const a = alpha[i] as number;
    pixels[i] = (lum[i] as number) * a + background * (1 - a);
  }
  if (borderMean(pixels, width, height) > 0.5) {
    for (let i = 0; i < n; i++) pixels[i] = 1 - (pixels[i] as number);
  }
  return { width, height, pixels };
}

function borderMean(pixels: Float64Array, width: number, height: number): number {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y === 0 || y === height - 1 || x === 0 || x === width - 1) {
        sum += pixels[y * width + x] as number;
        count += 1;
      }
    }
  }
  return count === 0 ? 0 : sum / count;
}
