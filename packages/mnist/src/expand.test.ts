// The expanded data checked pixel for pixel against a direct implementation
// of expand_mnist.py's numpy.roll followed by blanking the rolled-in edge.
import { EXPANSION_SHIFTS, expandShifted, IMAGE_PIXELS, shiftImage } from '@mlisp/mnist';
import { fromTypedArray, Rng } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';

/** expand_mnist.py: numpy.roll(image, d, axis), then the row/column that wrapped around set to 0. */
function rollAndBlank(image: number[][], dx: number, dy: number): number[][] {
  const n = image.length;
  const rolled = image.map((_, r) =>
    image[(((r - dy) % n) + n) % n]!.map((_, c, row) => row[(((c - dx) % n) + n) % n] as number),
  );
  if (dy === 1) rolled[0]!.fill(0);
  if (dy === -1) rolled[n - 1]!.fill(0);
  if (dx === 1) for (const row of rolled) row[0] = 0;
  if (dx === -1) for (const row of rolled) row[n - 1] = 0;
  return rolled;
}

const toRows = (flat: ArrayLike<number>) =>
  Array.from({ length: 28 }, (_, r) =>
    Array.from({ length: 28 }, (_, c) => flat[r * 28 + c] as number),
  );

function randomImage(rng: Rng): Float64Array {
  return Float64Array.from({ length: IMAGE_PIXELS }, () => rng.int(256) / 255);
}

describe('shiftImage', () => {
  it('moves one pixel by the shift, and drops a pixel shifted past the edge', () => {
    const image = new Float64Array(IMAGE_PIXELS);
    image[3 * 28 + 5] = 1; // row 3, column 5
    image[27 * 28 + 0] = 0.5; // bottom-left corner
    const down = shiftImage(image, 0, 1, new Float64Array(IMAGE_PIXELS));
    expect(down[4 * 28 + 5]).toBe(1);
    expect(down.reduce((a, b) => a + b, 0)).toBe(1); // the corner fell off the bottom
    const left = shiftImage(image, -1, 0, new Float32Array(IMAGE_PIXELS));
    expect(left[3 * 28 + 4]).toBe(1);
    expect(left.reduce((a, b) => a + b, 0)).toBe(1); // the corner fell off the left edge
    const right = shiftImage(image, 1, 0, new Float64Array(IMAGE_PIXELS));
    expect(right[3 * 28 + 6]).toBe(1);
    expect(right[27 * 28 + 1]).toBe(0.5);
  });

  it('equals numpy.roll with the wrapped edge blanked, for every shift of the book', () => {
    const rng = new Rng(7);
    for (let t = 0; t < 5; t++) {
      const image = randomImage(rng);
      for (const [dx, dy] of EXPANSION_SHIFTS) {
        const got = shiftImage(image, dx, dy, new Float64Array(IMAGE_PIXELS));
        expect(toRows(got)).toEqual(rollAndBlank(toRows(image), dx, dy));
      }
    }
  });

  it('refuses short arrays and fractional shifts', () => {
    expect(() => shiftImage(new Float64Array(10), 0, 1, new Float64Array(784))).toThrow(RangeError);
    expect(() => shiftImage(new Float64Array(784), 0.5, 0, new Float64Array(784))).toThrow(
      'shifts must be whole numbers of pixels, got 0.5, 0',
    );
  });
});

describe('expandShifted', () => {
  it('gives 5 rows per image: the image, then down, up, right, left, with its label, in its dtype', () => {
    const rng = new Rng(3);
    const n = 4;
    const flat = new Float32Array(n * IMAGE_PIXELS);
    for (let i = 0; i < n; i++) flat.set(randomImage(rng), i * IMAGE_PIXELS);
    const labels = Uint8Array.of(3, 1, 4, 1);
    const expanded = expandShifted({ images: fromTypedArray(flat, n, 784), labels, size: n });
    expect(expanded.size).toBe(20);
    expect(expanded.images.data).toBeInstanceOf(Float32Array);
    expect(Array.from(expanded.labels)).toEqual([
      3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 1, 1, 1, 1, 1,
    ]);
    const shifts = [
      [0, 0],
      [0, 1],
      [0, -1],
      [1, 0],
      [-1, 0],
    ] as const;
    for (let i = 0; i < n; i++) {
      const image = toRows(flat.subarray(i * 784, (i + 1) * 784));
      shifts.forEach(([dx, dy], k) => {
        const row = expanded.images.data.subarray((5 * i + k) * 784, (5 * i + k + 1) * 784);
        expect(toRows(row)).toEqual(rollAndBlank(image, dx, dy));
      });
    }
  });
});
