import {
  add,
  addRowVector,
  axpyInPlace,
  clone,
  fromArray,
  hadamard,
  type Matrix,
  map,
  rowView,
  scale,
  sub,
  toArray,
  transpose,
  zeros,
} from '@mlisp/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anyMatrixArb,
  at,
  build,
  expectThrows,
  FC,
  matrixArb,
  matrixPairArb,
  shapeArb,
} from './test-helpers.js';

type Binary = (a: Matrix, b: Matrix, out?: Matrix) => Matrix;
const binaries: [string, Binary, (x: number, y: number) => number][] = [
  ['add', add, (x, y) => x + y],
  ['sub', sub, (x, y) => x - y],
  ['hadamard', hadamard, (x, y) => x * y],
];

/** Expects m to equal, element by element, f(i, j) (rounded like m's storage). */
function expectElements(
  m: Matrix,
  rows: number,
  cols: number,
  f: (i: number, j: number) => number,
) {
  expect([m.rows, m.cols]).toEqual([rows, cols]);
  const round = m.data instanceof Float32Array ? Math.fround : (x: number) => x;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) expect(at(m, i, j)).toBe(round(f(i, j)));
  }
}

describe('element-wise ops against the definition', () => {
  for (const [name, op, f] of binaries) {
    it(`${name} computes a[i,j] ${name} b[i,j], into a new matrix, out, or in place`, () => {
      fc.assert(
        fc.property(matrixPairArb, ([a, b]) => {
          const expected = (i: number, j: number) => f(at(a, i, j), at(b, i, j));
          const r = op(a, b);
          expect(r.data).not.toBe(a.data);
          expectElements(r, a.rows, a.cols, expected);
          const out = zeros(a.rows, a.cols);
          expect(op(a, b, out)).toBe(out);
          expectElements(out, a.rows, a.cols, expected);
          const a2 = clone(a);
          op(a2, b, a2);
          expectElements(a2, a.rows, a.cols, expected);
          const b2 = clone(b);
          op(a, b2, b2);
          expectElements(b2, a.rows, a.cols, expected);
        }),
        FC,
      );
    });

    it(`${name} works in float32, rounding each result`, () => {
      fc.assert(
        fc.property(
          shapeArb.chain(([r, c]) =>
            fc.tuple(matrixArb(r, c, 'float32'), matrixArb(r, c, 'float32')),
          ),
          ([a, b]) => {
            const out = op(a, b);
            expect(out.data).toBeInstanceOf(Float32Array);
            expectElements(out, a.rows, a.cols, (i, j) => f(at(a, i, j), at(b, i, j)));
          },
        ),
        FC,
      );
    });
  }

  it('scale computes alpha·a', () => {
    fc.assert(
      fc.property(anyMatrixArb, fc.double({ min: -5, max: 5, noNaN: true }), (a, alpha) => {
        expectElements(scale(a, alpha), a.rows, a.cols, (i, j) => alpha * at(a, i, j));
        const b = clone(a);
        scale(b, alpha, b);
        expectElements(b, a.rows, a.cols, (i, j) => alpha * at(a, i, j));
      }),
      FC,
    );
  });

  it('axpyInPlace computes y + alpha·x into y', () => {
    fc.assert(
      fc.property(matrixPairArb, fc.double({ min: -5, max: 5, noNaN: true }), ([x, y], alpha) => {
        const y2 = clone(y);
        expect(axpyInPlace(alpha, x, y2)).toBe(y2);
        expectElements(y2, y.rows, y.cols, (i, j) => at(y, i, j) + alpha * at(x, i, j));
      }),
      FC,
    );
  });

  it('addRowVector adds the row to every row', () => {
    fc.assert(
      fc.property(
        shapeArb.chain(([r, c]) => fc.tuple(matrixArb(r, c), matrixArb(1, c))),
        ([a, row]) => {
          const expected = (i: number, j: number) => at(a, i, j) + at(row, 0, j);
          expectElements(addRowVector(a, row), a.rows, a.cols, expected);
          const a2 = clone(a);
          addRowVector(a2, row, a2);
          expectElements(a2, a.rows, a.cols, expected);
        },
      ),
      FC,
    );
  });

  it('map applies fn with the value, row and column', () => {
    fc.assert(
      fc.property(anyMatrixArb, (a) => {
        const seen: string[] = [];
        const r = map(a, (v, i, j) => {
          seen.push(`${i},${j}`);
          return 2 * v + 10 * i + j;
        });
        expectElements(r, a.rows, a.cols, (i, j) => 2 * at(a, i, j) + 10 * i + j);
        expect(seen.length).toBe(a.rows * a.cols);
        expect(seen[0]).toBe('0,0');
        const b = clone(a);
        map(b, (v) => -v, b);
        expectElements(b, a.rows, a.cols, (i, j) => -at(a, i, j));
      }),
      FC,
    );
  });

  it('transpose swaps rows and columns, and twice gives the matrix back', () => {
    fc.assert(
      fc.property(anyMatrixArb, (a) => {
        const t = transpose(a);
        expectElements(t, a.cols, a.rows, (i, j) => at(a, j, i));
        expect(toArray(transpose(t))).toEqual(toArray(a));
        const out = zeros(a.cols, a.rows);
        expect(transpose(a, out)).toBe(out);
        expect(toArray(out)).toEqual(toArray(t));
      }),
      FC,
    );
    expect(toArray(transpose(fromArray([[1, 2, 3]])))).toEqual([[1], [2], [3]]);
  });
});

describe('element-wise op errors', () => {
  it('name both shapes when the operands differ', () => {
    for (const [name, op] of binaries) {
      expectThrows(() => op(zeros(2, 3), zeros(4, 5)), RangeError, name, '2x3', '4x5');
      expectThrows(() => op(zeros(2, 3), zeros(3, 2)), RangeError, '2x3', '3x2');
    }
    expectThrows(
      () => axpyInPlace(1, zeros(2, 3), zeros(4, 5)),
      RangeError,
      'x is 2x3',
      'y is 4x5',
    );
    expectThrows(() => addRowVector(zeros(2, 3), zeros(4, 5)), RangeError, '1x3', '2x3', '4x5');
    expectThrows(() => addRowVector(zeros(2, 3), zeros(1, 2)), RangeError, '1x3', '1x2');
  });

  it('name both shapes when out has the wrong shape', () => {
    for (const [, op] of binaries) {
      expectThrows(() => op(zeros(2, 3), zeros(2, 3), zeros(4, 5)), RangeError, '4x5', '2x3');
    }
    expectThrows(() => scale(zeros(2, 3), 2, zeros(3, 2)), RangeError, '3x2', '2x3');
    expectThrows(() => map(zeros(2, 3), (v) => v, zeros(1, 6)), RangeError, '1x6', '2x3');
    expectThrows(() => transpose(zeros(2, 3), zeros(2, 3)), RangeError, '2x3', '3x2');
    expectThrows(
      () => addRowVector(zeros(2, 3), zeros(1, 3), zeros(3, 3)),
      RangeError,
      '3x3',
      '2x3',
    );
  });

  it('refuse an out that overlaps the input where that would corrupt the result', () => {
    const a = build(3, 3, (i, j) => i * 3 + j);
    expectThrows(() => transpose(a, a), RangeError, 'share storage');
    const big = zeros(3, 2);
    expectThrows(
      () => transpose(rowView(big, 0, 2), rowView(big, 1, 3)),
      RangeError,
      'share storage',
    );
    const m = zeros(3, 2);
    expectThrows(() => addRowVector(m, rowView(m, 0, 1), m), RangeError, 'share storage', 'row');
  });

  it('name a bad number or function', () => {
    expectThrows(() => scale(zeros(1, 1), Number.NaN), TypeError, 'alpha');
    expectThrows(() => axpyInPlace(Infinity, zeros(1, 1), zeros(1, 1)), TypeError, 'alpha');
    expectThrows(() => map(zeros(1, 1), 'x' as unknown as (v: number) => number), TypeError, 'fn');
  });

  it('name the argument that is not a matrix', () => {
    const ok = zeros(1, 2);
    const bad = { rows: 1, cols: 2, data: [0, 0] } as unknown as Matrix;
    for (const [, op] of binaries) {
      expectThrows(() => op(bad, ok), TypeError, 'a must be a matrix');
      expectThrows(() => op(ok, bad), TypeError, 'b must be a matrix');
      expectThrows(() => op(ok, ok, bad), TypeError, 'out must be a matrix');
    }
    expectThrows(() => scale(bad, 1), TypeError, 'a must be a matrix');
    expectThrows(() => axpyInPlace(1, bad, ok), TypeError, 'x must be a matrix');
    expectThrows(() => axpyInPlace(1, ok, bad), TypeError, 'y must be a matrix');
    expectThrows(() => addRowVector(ok, bad), TypeError, 'row must be a matrix');
    expectThrows(() => map(null as unknown as Matrix, (v) => v), TypeError, 'a must be a matrix');
    expectThrows(() => transpose(bad), TypeError, 'a must be a matrix');
  });
});
