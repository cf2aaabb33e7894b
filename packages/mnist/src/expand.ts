import { dtypeOf, type FloatArray, type Matrix, zeros } from '@mlisp/tensor';
import { assertDataset, type Dataset, IMAGE_PIXELS, IMAGE_SIDE } from './dataset.js';

/**
 * The shifts of the book's expanded training data (network3.py's
 * `expand_mnist.py`), as `[dx, dy]` in pixels (dx > 0: right, dy > 0: down):
 * the image itself, then one pixel down, up, right and left.
 */
export const EXPANSION_SHIFTS: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 1],
  [0, -1],
  [1, 0],
  [-1, 0],
];

/**
 * Writes a 28 x 28 image shifted by `dx` columns and `dy` rows into `out`:
 * `out[r][c] = image[r − dy][c − dx]`, and 0 where that falls outside the
 * image (the row or column shifted in is blank; the one shifted out is lost).
 *
 * @param image - 784 pixels, row-major
 * @param dx - columns to the right (negative: to the left)
 * @param dy - rows down (negative: up)
 * @param out - where to write 784 pixels (must not overlap `image`)
 * @returns `out`
 * @throws RangeError when `image` or `out` is shorter than 784, or a shift is not a whole number of pixels
 */
export function shiftImage<T extends FloatArray>(
  image: ArrayLike<number>,
  dx: number,
  dy: number,
  out: T,
): T {
  if (image.length < IMAGE_PIXELS || out.length < IMAGE_PIXELS) {
    throw new RangeError(
      `shiftImage needs ${IMAGE_PIXELS} pixels in and out, got ${image.length} and ${out.length}`,
    );
  }
  if (!Number.isInteger(dx) || !Number.isInteger(dy)) {
    throw new RangeError(`shifts must be whole numbers of pixels, got ${dx}, ${dy}`);
  }
  const side = IMAGE_SIDE;
  for (let r = 0; r < side; r++) {
    const from = r - dy;
    for (let c = 0; c < side; c++) {
      const col = c - dx;
      const inside = from >= 0 && from < side && col >= 0 && col < side;
      out[r * side + c] = inside ? (image[from * side + col] as number) : 0;
    }
  }
  return out;
}

/**
 * The book's expanded training data: each image followed by its copies
 * shifted one pixel down, up, right and left ({@link EXPANSION_SHIFTS}), so
 * 5x the samples, with the same labels, in one new matrix of the input's
 * element type (read the data as float32 to halve its size).
 *
 * @param dataset - the images to expand
 * @returns `5 · size` samples: image i is row 5i, its shifts rows 5i+1 .. 5i+4
 * @throws TypeError / RangeError for a malformed dataset (see `assertDataset`)
 */
export function expandShifted<T extends FloatArray>(dataset: Dataset<T>): Dataset<T> {
  assertDataset(dataset, 'dataset');
  const copies = EXPANSION_SHIFTS.length;
  const size = dataset.size * copies;
  const images = zeros(size, IMAGE_PIXELS, { dtype: dtypeOf(dataset.images) }) as Matrix<T>;
  const labels = new Uint8Array(size);
  const src = dataset.images.data;
  for (let i = 0; i < dataset.size; i++) {
    const image = src.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS);
    EXPANSION_SHIFTS.forEach(([dx, dy], k) => {
      const row = i * copies + k;
      shiftImage(image, dx, dy, images.data.subarray(row * IMAGE_PIXELS, (row + 1) * IMAGE_PIXELS));
      labels[row] = dataset.labels[i] as number;
    });
  }
  return { images, labels, size };
}
