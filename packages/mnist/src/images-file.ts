// Reading an MNIST images file (plain or gzip-compressed) straight into
// pixels, a chunk at a time: the file's bytes are never held whole, so the
// only large allocation is the pixel matrix itself (60,000 images in float32:
// 188 MB), and with a row limit no more of the file is read or decompressed
// than those rows.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { type DType, type FloatArray, type Matrix, zeros } from '@mlisp/tensor';
import { checkImagesShape, IMAGE_PIXELS, pixelTable } from './dataset.js';
import { IdxFormatError } from './errors.js';
import { type IdxPromise, idxPromise } from './idx-header.js';

const CHUNK = 64 * 1024;

/** True when the file is gzip-compressed, by name or by its first two bytes. */
export async function isGzipFile(path: string): Promise<boolean> {
  if (path.endsWith('.gz')) return true;
  const file = await open(path, 'r');
  try {
    const magic = new Uint8Array(2);
    const { bytesRead } = await file.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await file.close();
  }
}

/** The file's bytes (decompressed when `gz`) in chunks; gzip errors become IdxFormatErrors. */
async function* chunksOf(path: string, gz: boolean): AsyncGenerator<Uint8Array> {
  const source = createReadStream(path, { highWaterMark: CHUNK });
  if (!gz) {
    try {
      yield* source as AsyncIterable<Buffer>;
    } finally {
      source.destroy();
    }
    return;
  }
  const gunzip = createGunzip({ chunkSize: CHUNK });
  let readError: Error | undefined;
  source.on('error', (e) => {
    readError = e;
    gunzip.destroy(e);
  });
  source.pipe(gunzip);
  try {
    yield* gunzip as AsyncIterable<Buffer>;
  } catch (e) {
    if (readError !== undefined) throw readError;
    throw new IdxFormatError(`not valid gzip data (${(e as Error).message})`, path);
  } finally {
    gunzip.destroy();
    source.destroy();
  }
}

/**
 * Reads the file's header, then hands each run of data bytes to `onData`
 * (with its offset into the data) until `limit(promise)` bytes of the file
 * have been seen or it ends. Returns the header's promise and the bytes seen
 * (capped at the limit).
 */
async function scan(
  path: string,
  gz: boolean,
  limit: (p: IdxPromise) => number,
  onData?: (bytes: Uint8Array, offset: number) => void,
): Promise<{ promise: IdxPromise; seen: number }> {
  let head = new Uint8Array(0);
  let promise: IdxPromise | undefined;
  let seen = 0;
  let end = Number.POSITIVE_INFINITY;
  for await (const chunk of chunksOf(path, gz)) {
    let bytes = chunk;
    if (promise === undefined) {
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      promise = idxPromise(joined, path);
      if (promise === undefined) {
        head = joined;
        continue;
      }
      end = limit(promise);
      seen = promise.header;
      bytes = joined.subarray(promise.header);
    }
    const take = Math.min(bytes.length, end - seen);
    if (take > 0) onData?.(bytes.subarray(0, take), seen - promise.header);
    seen += bytes.length;
    if (seen >= end) return { promise, seen: end };
  }
  if (promise === undefined) {
    idxPromise(head, path); // throws for a bad prefix
    throw new IdxFormatError(
      `truncated IDX header: expected at least ${head.length < 4 ? 4 : 4 + 4 * (head[3] as number)} bytes, got ${head.length}`,
      path,
    );
  }
  return { promise, seen };
}

/**
 * Reads an MNIST images file (uint8, n x 28 x 28; plain or `.gz`) into a
 * `rows x 784` matrix of pixels byte / 255 in `dtype`, converting chunk by
 * chunk. The data is checked to be all there before the matrix is allocated
 * (a header promising more than the file holds is refused without
 * allocating): a plain file by its size, a `.gz` by decompressing it once
 * without keeping anything. Without `rows` the file must hold exactly what
 * its header promises.
 *
 * @param path - the file
 * @param rows - read only the first `rows` images (all when undefined)
 * @param dtype - the pixels' element type
 * @returns the images and their count
 * @throws IdxFormatError for a bad header, data that is not MNIST images,
 *   truncated or overlong data, or bad gzip data
 */
export async function readImagesFile(
  path: string,
  rows: number | undefined,
  dtype: DType,
): Promise<Matrix<FloatArray>> {
  const gz = await isGzipFile(path);
  // The bytes that must be there: the rows asked for, or the whole file and one more (to see trailing data).
  const needed = (p: IdxPromise) =>
    rows === undefined ? p.bytes + 1 : p.header + Math.min(rows, p.items) * p.itemBytes;
  let promise: IdxPromise;
  let seen: number;
  if (gz) {
    ({ promise, seen } = await scan(path, true, needed));
  } else {
    ({ promise } = await scan(path, false, (p) => p.header));
    const file = await open(path, 'r');
    try {
      seen = (await file.stat()).size;
    } finally {
      await file.close();
    }
  }
  const n = checkImagesShape(promise.type, promise.dims, path);
  const kept = rows === undefined ? n : Math.min(rows, n);
  const expected = promise.header + kept * promise.itemBytes;
  if (seen < expected) {
    throw new IdxFormatError(
      `truncated IDX data: the header declares ${promise.shape}, so expected ${expected} bytes${kept < n ? ` for the first ${kept} images` : ''}, got ${seen}`,
      path,
    );
  }
  if (rows === undefined && seen > expected) {
    throw new IdxFormatError(
      gz
        ? `the gzip data decompresses to more than the ${expected} bytes its IDX header promises (${promise.shape}); stopped decompressing at ${seen} bytes`
        : `IDX data too long: the header declares ${promise.shape}, so expected ${expected} bytes, got ${seen} (${seen - expected} trailing bytes)`,
      path,
    );
  }
  const images = zeros(kept, IMAGE_PIXELS, { dtype });
  const out = images.data;
  const table = pixelTable(dtype);
  const pixels = kept * IMAGE_PIXELS;
  await scan(
    path,
    gz,
    () => expected,
    (bytes, offset) => {
      const stop = Math.min(bytes.length, pixels - offset);
      for (let i = 0; i < stop; i++) out[offset + i] = table[bytes[i] as number] as number;
    },
  );
  return images;
}
