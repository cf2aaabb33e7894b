/**
 * JPEG decoding for `mlisp predict --image` (phone pictures): jpeg-js (pure
 * JavaScript), colour reduced to grey values in [0, 1] the way png.ts does it.
 */
import jpeg from 'jpeg-js';
import { type GreyImage, MAX_PNG_PIXELS } from './png.js';

/** True when `bytes` start with the JPEG start-of-image marker and a segment marker. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * Decodes a JPEG (baseline or progressive, grey or colour) into grey values
 * in [0, 1] (0 black, 1 white): luminance 0.299 R + 0.587 G + 0.114 B.
 *
 * @param bytes - the file's contents
 * @throws Error when the bytes are not a readable JPEG or claim more than MAX_PNG_PIXELS pixels
 */
export function decodeJpegGrey(bytes: Uint8Array): GreyImage {
  const image = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxResolutionInMP: MAX_PNG_PIXELS / 1e6,
    maxMemoryUsageInMB: 1024,
  });
  const { width, height, data } = image;
  const pixels = new Float64Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const r = data[4 * i] ?? 0;
    const g = data[4 * i + 1] ?? 0;
    const b = data[4 * i + 2] ?? 0;
    pixels[i] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
  }
  return { width, height, pixels };
}
