/**
 * Checks of a PNG before it is decoded: the chunk structure is complete (a
 * truncated file is refused rather than decoded into a partly black image),
 * and the memory the decode will need — inflated scanlines, the decoder's
 * RGBA copy and per-row bookkeeping, and our grey arrays — stays within
 * bounds. A small file can claim a huge image (a decompression bomb: 48 KB
 * for 1 x 25,000,000 pixels): it is refused from its header, before any
 * decompression.
 */
import { inflateSync } from 'node:zlib';

/** Most pixels a PNG may have. */
export const MAX_PNG_PIXELS = 25_000_000;
/** Most memory a PNG decode may take, by the estimate of {@link decodeBytes}. */
export const MAX_PNG_DECODE_BYTES = 256 * 1024 * 1024;

/** Channels of each PNG colour type (0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Bytes a decode of a `width` x `height` image needs: the inflated scanlines
 * (one filter byte per row), the decoder's RGBA output, about 200 bytes of
 * objects per row in the decoder, and the float64 array of our grey values.
 */
export function decodeBytes(width: number, height: number, bitsPerPixel: number): number {
  const rowBytes = 1 + Math.ceil((width * bitsPerPixel) / 8);
  return height * rowBytes + 4 * width * height + 200 * height + 8 * width * height;
}

/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Bytes of the inflated image data: a filter byte and the packed pixels of every row (of every pass). */
export function scanlineBytes(
  width: number,
  height: number,
  bitsPerPixel: number,
  interlaced: boolean,
): number {
  const rows = (w: number, h: number) =>
    w > 0 && h > 0 ? h * (1 + Math.ceil((w * bitsPerPixel) / 8)) : 0;
  if (!interlaced) return rows(width, height);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    total += rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy));
  }
  return total;
}

/**
 * Walks the chunks of a PNG (after its signature) and checks the header's
 * size and the decode's memory; then inflates the image data (within that
 * budget) and checks that it is complete: a file cut inside its image data,
 * even one that still ends with an IEND chunk, is refused instead of decoded
 * into a partly blank image.
 *
 * @param bytes - the file's contents (the signature already checked)
 * @throws Error saying what is wrong (truncated, too large, malformed)
 */
export function checkPng(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let first = true;
  let expected = 0;
  const data: Uint8Array[] = [];
  for (;;) {
    if (offset + 8 > bytes.length) {
      throw new Error(`it is truncated: it ends at byte ${bytes.length} without an IEND chunk`);
    }
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 12 + length;
    if (end > bytes.length) {
      throw new Error(
        `it is truncated: its ${type} chunk at byte ${offset} needs ${length} bytes of data, the file ends at byte ${bytes.length}`,
      );
    }
    if (first) {
      if (type !== 'IHDR' || length !== 13) throw new Error('it does not start with an IHDR chunk');
      const width = view.getUint32(offset + 8);
      const height = view.getUint32(offset + 12);
      const depth = bytes[offset + 16] as number;
      const channels = CHANNELS[bytes[offset + 17] as number];
      const interlaced = bytes[offset + 20] === 1;
      if (width === 0 || height === 0 || channels === undefined) {
        throw new Error(
          `its header is invalid (${width}x${height}, colour type ${bytes[offset + 17]})`,
        );
      }
      if (width * height > MAX_PNG_PIXELS) {
        throw new Error(
          `its header claims ${width}x${height} pixels, more than the ${MAX_PNG_PIXELS.toLocaleString('en-US')} an image may have`,
        );
      }
      const need = decodeBytes(width, height, depth * channels);
      if (need > MAX_PNG_DECODE_BYTES) {
        throw new Error(
          `decoding its ${width}x${height} pixels would take about ${Math.round(need / 2 ** 20)} MiB, more than the ${MAX_PNG_DECODE_BYTES / 2 ** 20} MiB allowed; scale the image down`,
        );
      }
      expected = scanlineBytes(width, height, depth * channels, interlaced);
      first = false;
    }
    if (type === 'IDAT') data.push(bytes.subarray(offset + 8, offset + 8 + length));
    if (type === 'IEND') break;
    offset = end;
  }
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(Buffer.concat(data), { maxOutputLength: expected + 1 });
  } catch (error) {
    throw new Error(
      `its image data is truncated or damaged (${(error as Error).message}); expected ${expected} bytes of scanlines`,
    );
  }
  if (inflated.length !== expected) {
    throw new Error(
      `its image data holds ${inflated.length} bytes of scanlines, expected ${expected} for its size`,
    );
  }
}
