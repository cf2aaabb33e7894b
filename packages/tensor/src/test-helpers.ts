/*
 * Shared pieces of the tests (not part of the package: tsup bundles only
 * index.ts). The references here are deliberately naive: plain loops over
 * `data[i * cols + j]`, independent of the code under test.
 */
import { type DType, fromTypedArray, type Matrix } from '@mlisp/tensor';
import fc from 'fast-check';
import { expect } from 'vitest';

/** Every property runs with a fixed seed: a failure reproduces exactly. */
export const FC = { seed: 42, numRuns: 100 } as const;

/** A dimension: small, often 1, often odd. */
export const dimArb = fc.integer({ min: 1, max: 9 });

/** A shape, with 1x1, 1xn and nx1 drawn on purpose. */
export const shapeArb: fc.Arbitrary<[number, number]> = fc.oneof(
  fc.tuple(dimArb, dimArb),
  fc.constant<[number, number]>([1, 1]),
  fc.tuple(fc.constant(1), dimArb),
  fc.tuple(dimArb, fc.constant(1)),
);

/** A finite value, -0 and tiny ones included. */
export const valueArb = fc.double({ min: -100, max: 100, noNaN: true });

/** A rows x cols matrix of random values. */
export function matrixArb(
  rows: number,
  cols: number,
  dtype: DType = 'float64',
): fc.Arbitrary<Matrix> {
  return fc
    .array(valueArb, { minLength: rows * cols, maxLength: rows * cols })
    .map((v) =>
      fromTypedArray(dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v), rows, cols),
    );
}

/** A matrix of a random shape. */
export const anyMatrixArb: fc.Arbitrary<Matrix> = shapeArb.chain(([r, c]) => matrixArb(r, c));

/** Two matrices of the same random shape. */
export const matrixPairArb: fc.Arbitrary<[Matrix, Matrix]> = shapeArb.chain(([r, c]) =>
  fc.tuple(matrixArb(r, c), matrixArb(r, c)),
);

/** Element (i, j), read straight from the storage. */
export function at(m: Matrix, i: number, j: number): number {
  return m.data[i * m.cols + j] as number;
}

/** A rows x cols float64 matrix whose element (i, j) is f(i, j). */
export function build(rows: number, cols: number, f: (i: number, j: number) => number): Matrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = f(i, j);
  return fromTypedArray(data, rows, cols);
}

/** Deterministic pseudo-random values in [-1, 1) (a tiny LCG, independent of Rng). */
export function lcgMatrix(
  rows: number,
  cols: number,
  seed: number,
  dtype: DType = 'float64',
): Matrix {
  let x = seed >>> 0;
  const data = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    data[i] = x / 2 ** 31 - 1;
  }
  return fromTypedArray(data, rows, cols);
}

/** Expects every element of `actual` within `tol` of `expected` (same length). */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs((actual[i] as number) - (expected[i] as number));
    if (!(diff <= tol)) {
      expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

/** Expects `fn` to throw an error of class `type` whose message contains every part. */
export function expectThrows(
  fn: () => unknown,
  type: typeof RangeError | typeof TypeError,
  ...parts: string[]
): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a throw').toBeInstanceOf(type);
  const message = (error as Error).message;
  for (const part of parts) expect(message).toContain(part);
}
