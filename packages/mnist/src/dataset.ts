import { type DType, type FloatArray, type Matrix, rowView, zeros } from '@mlisp/tensor';
import { IdxFormatError } from './errors.js';
import { describe, type IdxArray, parseIdx } from './idx.js';

/** Side of an MNIST image in pixels. */
export const IMAGE_SIDE = 28;
/** Pixels per MNIST image (28 x 28), the length of one row of {@link Dataset.images}. */
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
/** Number of digit classes (0..9). */
export const CLASSES = 10;

/**
 * Labelled digit images: `images` has one sample per row (`size x 784`,
 * float64 unless read with `dtype: 'float32'`, pixels in [0, 1],
 * 0 = background, 1 = ink, row-major 28 x 28), and `labels[i]` (0..9) is the
 * digit of row i.
 */
export interface Dataset<T extends FloatArray = Float64Array> {
  /** `size x 784` matrix (float64 by default), one image per row, pixels in [0, 1]. */
  readonly images: Matrix<T>;
  /** The digit (0..9) of each row of `images`. */
  readonly labels: Uint8Array;
  /** Number of samples (rows of `images`, length of `labels`). */
  readonly size: number;
}

/** A training set and a test set. */
export interface MnistSplit<T extends FloatArray = Float64Array> {
  /** The samples to train on. */
  readonly train: Dataset<T>;
  /** The held-out samples to evaluate on. */
  readonly test: Dataset<T>;
}

/** The typed array that holds pixels of element type `D`. */
export type PixelArray<D extends DType> = D extends 'float32' ? Float32Array : Float64Array;

/** How pixels are stored when a data set is read. */
export interface PixelOptions<D extends DType = 'float64'> {
  /**
   * Element type of the images (default `'float64'`). `'float32'` takes half
   * the memory (60,000 images: 188 MB instead of 376 MB) and is what a float32
   * network trains on anyway.
   */
  dtype?: D;
}

/**
 * The element type asked for in `options` (float64 when not given).
 *
 * @throws TypeError for anything but 'float64' or 'float32'
 */
export function pixelType(options: PixelOptions<DType> | undefined): DType {
  const dtype = options?.dtype ?? 'float64';
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new TypeError(`dtype must be 'float64' or 'float32', got ${String(dtype)}`);
  }
  return dtype;
}

/** byte -> byte / 255, the standard reading of an MNIST pixel. */
const BYTE_TO_UNIT = Float64Array.from({ length: 256 }, (_, k) => k / 255);
const BYTE_TO_UNIT32 = Float32Array.from(BYTE_TO_UNIT);

/**
 * Converts bytes to pixels with a 256-entry table (`table[k]` is byte k's
 * pixel), into a new `rows x 784` matrix of the table's element type.
 */
function bytesToImages<T extends FloatArray>(bytes: Uint8Array, rows: number, table: T): Matrix<T> {
  const dtype: DType = table instanceof Float32Array ? 'float32' : 'float64';
  const images = zeros(rows, IMAGE_PIXELS, { dtype }) as Matrix<T>;
  const out = images.data;
  const count = rows * IMAGE_PIXELS;
  for (let i = 0; i < count; i++) out[i] = table[bytes[i] as number] as number;
  return images;
}

/** byte -> pixel in `dtype` (internal: the IDX readers convert with it). */
export function pixelTable(dtype: DType): FloatArray {
  return dtype === 'float32' ? BYTE_TO_UNIT32 : BYTE_TO_UNIT;
}

/**
 * Checks that an IDX header describes MNIST images (uint8, n x 28 x 28) and
 * returns n (internal: shared with the streaming reader of `@mlisp/mnist/node`).
 *
 * @throws IdxFormatError naming `file` otherwise
 */
export function checkImagesShape(type: string, dims: readonly number[], file: string): number {
  if (type !== 'uint8' || dims.length !== 3) {
    throw new IdxFormatError(
      `expected MNIST images (uint8, 3 dimensions n x 28 x 28), got ${type} with dims ${dims.join('x')}`,
      file,
    );
  }
  const [n, h, w] = dims as [number, number, number];
  if (h !== IMAGE_SIDE || w !== IMAGE_SIDE) {
    throw new IdxFormatError(`images are ${h}x${w} pixels, but MNIST images are 28x28`, file);
  }
  return n;
}

/**
 * The labels of a decoded IDX labels file, checked: uint8, one dimension, `n`
 * of them (as many as images), each 0..9 (internal).
 *
 * @throws IdxFormatError naming the file at fault
 */
export function checkLabels(
  lbl: IdxArray,
  n: number,
  imgFile: string,
  lblFile: string,
): Uint8Array {
  if (lbl.type !== 'uint8' || lbl.dims.length !== 1) {
    throw new IdxFormatError(
      `expected MNIST labels (uint8, 1 dimension), got ${lbl.type} with dims ${lbl.dims.join('x')}`,
      lblFile,
    );
  }
  const labels = lbl.data as Uint8Array;
  if (labels.length !== n) {
    throw new IdxFormatError(
      `image/label count mismatch: ${n} images in ${imgFile} but ${labels.length} labels in ${lblFile}`,
      imgFile,
    );
  }
  const bad = labels.findIndex((v) => v >= CLASSES);
  if (bad >= 0) {
    throw new IdxFormatError(`label ${labels[bad]} at index ${bad} is outside 0..9`, lblFile);
  }
  return labels;
}

/** File names used in error messages by {@link datasetFromIdx}. */
export interface IdxNames {
  /** Name of the images file, e.g. `'train-images-idx3-ubyte'`. */
  images?: string;
  /** Name of the labels file, e.g. `'train-labels-idx1-ubyte'`. */
  labels?: string;
}

/**
 * Builds a {@link Dataset} from the bytes of an MNIST images file (IDX, uint8,
 * `n x 28 x 28`) and labels file (IDX, uint8, `n`). Pixels become byte / 255,
 * in float64 or (with `dtype: 'float32'`) float32.
 *
 * @param imageBytes - the images file, decompressed
 * @param labelBytes - the labels file, decompressed
 * @param names - file names to put in error messages
 * @param options - `dtype` of the images (default `'float64'`)
 * @throws IdxFormatError for any format problem (see {@link parseIdx}), images
 *   that are not 28x28 uint8, a count mismatch, or a label outside 0..9
 */
export function datasetFromIdx<D extends DType = 'float64'>(
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
  names: IdxNames = {},
  options: PixelOptions<D> = {},
): Dataset<PixelArray<D>> {
  const dtype = pixelType(options);
  const imgFile = names.images ?? 'images';
  const lblFile = names.labels ?? 'labels';
  const img = parseIdx(imageBytes, imgFile);
  const n = checkImagesShape(img.type, img.dims, imgFile);
  const labels = checkLabels(parseIdx(labelBytes, lblFile), n, imgFile, lblFile);
  const images = bytesToImages(img.data as Uint8Array, n, pixelTable(dtype)) as Matrix<
    PixelArray<D>
  >;
  return { images, labels, size: n };
}

/**
 * Encodes a dataset as the bytes of an MNIST images file and labels file
 * (IDX uint8), each pixel stored as round(255 * v). The inverse of
 * {@link datasetFromIdx} for pixels that are multiples of 1/255.
 *
 * @param dataset - images `size x 784` with pixels in [0, 1], labels 0..9
 * @returns `{ images, labels }`, the two files' bytes
 * @throws RangeError when the shapes disagree; TypeError for a pixel outside
 *   [0, 1] (or NaN) or a label outside 0..9
 */
export function datasetToIdx(dataset: Dataset<FloatArray>): {
  images: Uint8Array;
  labels: Uint8Array;
} {
  assertDataset(dataset, 'dataset');
  const n = dataset.size;
  const images = new Uint8Array(16 + n * IMAGE_PIXELS);
  const view = new DataView(images.buffer);
  view.setUint32(0, 0x00000803);
  view.setUint32(4, n);
  view.setUint32(8, IMAGE_SIDE);
  view.setUint32(12, IMAGE_SIDE);
  const px = dataset.images.data;
  for (let i = 0; i < px.length; i++) {
    const v = px[i] as number;
    if (!(v >= 0 && v <= 1)) {
      const row = Math.floor(i / IMAGE_PIXELS);
      throw new TypeError(
        `dataset.images[${row}][${i - row * IMAGE_PIXELS}] must be a pixel in [0, 1], got ${v}`,
      );
    }
    images[16 + i] = Math.round(255 * v);
  }
  const labels = new Uint8Array(8 + n);
  const lview = new DataView(labels.buffer);
  lview.setUint32(0, 0x00000801);
  lview.setUint32(4, n);
  labels.set(dataset.labels, 8);
  return { images, labels };
}

/**
 * Throws unless `dataset` is a well-formed {@link Dataset}: RangeError naming
 * the shapes when rows, labels and size disagree, TypeError for wrong types or
 * a label outside 0..9.
 *
 * @param dataset - the value to check
 * @param name - its name in error messages
 */
export function assertDataset(dataset: Dataset<FloatArray>, name = 'dataset'): void {
  if (dataset === null || typeof dataset !== 'object') {
    throw new TypeError(
      `${name} must be a Dataset { images, labels, size }, got ${describe(dataset)}`,
    );
  }
  const { images, labels, size } = dataset;
  if (!(images?.data instanceof Float64Array || images?.data instanceof Float32Array)) {
    throw new TypeError(
      `${name}.images must be a float64 or float32 Matrix, got ${describe(images?.data)}`,
    );
  }
  if (!(labels instanceof Uint8Array)) {
    throw new TypeError(`${name}.labels must be a Uint8Array, got ${describe(labels)}`);
  }
  if (images.cols !== IMAGE_PIXELS || images.rows !== size || labels.length !== size) {
    throw new RangeError(
      `${name}: images are ${images.rows}x${images.cols} and there are ${labels.length} labels, but size is ${size} and images must be ${size}x${IMAGE_PIXELS}`,
    );
  }
  const bad = labels.findIndex((v) => v >= CLASSES);
  if (bad >= 0) throw new TypeError(`${name}.labels[${bad}] must be in 0..9, got ${labels[bad]}`);
}

/**
 * One-hot target rows for a batch: row i is all zeros except a 1 in column
 * `labels[i]`, matching the one-sample-per-row batch convention.
 *
 * @param labels - class indices, integers in [0, classes)
 * @param classes - number of classes (columns), 10 by default
 * @returns a `labels.length x classes` float64 matrix
 * @throws TypeError for a non-integer `classes` or a label outside [0, classes)
 */
export function oneHotTargets(labels: ArrayLike<number>, classes = CLASSES): Matrix<Float64Array> {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new TypeError(`classes must be a positive integer, got ${String(classes)}`);
  }
  if (labels === null || typeof labels !== 'object' || !Number.isInteger(labels.length)) {
    throw new TypeError(`labels must be an array of class indices, got ${describe(labels)}`);
  }
  const out = zeros(labels.length, classes) as Matrix<Float64Array>;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new TypeError(`labels[${i}] must be an integer in [0, ${classes}), got ${String(y)}`);
    }
    out.data[i * classes + y] = 1;
  }
  return out;
}

/**
 * The samples `start .. start + n - 1` of a dataset (the first `n` by default),
 * as views that share storage with `dataset` (no copy).
 *
 * @param dataset - the dataset to take samples from
 * @param n - number of samples, an integer in [0, dataset.size - start]
 * @param start - index of the first sample, 0 by default
 * @throws TypeError for a non-integer `n` or `start`; RangeError when the range
 *   goes past the end of the dataset
 */
export function subset<T extends FloatArray>(
  dataset: Dataset<T>,
  n: number,
  start = 0,
): Dataset<T> {
  assertDataset(dataset, 'dataset');
  if (!Number.isInteger(n) || n < 0) {
    throw new TypeError(`n must be a non-negative integer, got ${String(n)}`);
  }
  if (!Number.isInteger(start) || start < 0) {
    throw new TypeError(`start must be a non-negative integer, got ${String(start)}`);
  }
  if (start + n > dataset.size) {
    throw new RangeError(
      `subset: samples ${start}..${start + n - 1} are outside a dataset of ${dataset.size} samples`,
    );
  }
  return {
    images: rowView(dataset.images, start, start + n),
    labels: dataset.labels.subarray(start, start + n),
    size: n,
  };
}
