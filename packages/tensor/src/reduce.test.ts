import {
  argmaxRows,
  frobeniusNorm,
  fromArray,
  type Matrix,
  rowNorms,
  rowView,
  sum,
  sumCols,
  sumRows,
  toArray,
  zeros,
} from '@mlisp/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anyMatrixArb,
  at,
  expectClose,
  expectThrows,
  FC,
  matrixArb,
  shapeArb,
} from './test-helpers.js';

/** Naive sqrt(Σ x²) in float64 (fine for the moderate values of the random matrices). */
function naiveNorm(values: number[]): number {
  return Math.sqrt(values.reduce((s, v) => s + v * v, 0));
}

describe('reductions against the definition', () => {
  it('sumRows sums down columns, sumCols along rows, sum everything', () => {
    fc.assert(
      fc.property(anyMatrixArb, (a) => {
        const rows = toArray(a);
        const colSums = Array.from({ length: a.cols }, (_, j) =>
          rows.reduce((s, r) => s + (r[j] as number), 0),
        );
        const rowSums = rows.map((r) => r.reduce((s, v) => s + v, 0));
        const r = sumRows(a);
        expect([r.rows, r.cols]).toEqual([1, a.cols]);
        expectClose(r.data, colSums, 1e-12);
        const c = sumCols(a);
        expect([c.rows, c.cols]).toEqual([a.rows, 1]);
        expectClose(c.data, rowSums, 1e-12);
        expect(sum(a)).toBeCloseTo(
          rowSums.reduce((s, v) => s + v, 0),
          9,
        );
      }),
      FC,
    );
  });

  it('sumRows and sumCols overwrite a given out (whatever it held)', () => {
    const a = fromArray([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const r = fromArray([[Number.NaN, 100]]);
    expect(sumRows(a, r)).toBe(r);
    expect(toArray(r)).toEqual([[9, 12]]);
    const c = fromArray([[Number.NaN], [7], [8]]);
    expect(sumCols(a, c)).toBe(c);
    expect(toArray(c)).toEqual([[3], [7], [11]]);
    expect(sum(zeros(0, 3))).toBe(0);
    expect(toArray(sumRows(zeros(0, 2)))).toEqual([[0, 0]]);
  });

  it('argmaxRows gives the index of the first largest value of each row', () => {
    fc.assert(
      fc.property(anyMatrixArb, (a) => {
        const idx = argmaxRows(a);
        expect(idx).toBeInstanceOf(Int32Array);
        expect(idx.length).toBe(a.rows);
        toArray(a).forEach((row, i) => {
          const max = Math.max(...row);
          expect(idx[i]).toBe(row.indexOf(max));
        });
      }),
      FC,
    );
    expect(Array.from(argmaxRows(fromArray([[1, 3, 3, 2]])))).toEqual([1]);
  });

  it('argmaxRows skips NaN wherever it is, writes into out when given', () => {
    const a = fromArray([
      [Number.NaN, 1, 5, 2],
      [0, Number.NaN, -1, 0.5],
      [Number.NaN, Number.NaN, Number.NaN, Number.NaN],
      [-Infinity, -Infinity, -5, -Infinity],
    ]);
    const out = new Int32Array(4).fill(-7);
    expect(argmaxRows(a, out)).toBe(out);
    expect(Array.from(out)).toEqual([2, 3, 0, 2]);
  });

  it('frobeniusNorm and rowNorms match sqrt of the sum of squares', () => {
    fc.assert(
      fc.property(anyMatrixArb, (a) => {
        const rows = toArray(a);
        expect(frobeniusNorm(a)).toBeCloseTo(naiveNorm(rows.flat()), 10);
        const n = rowNorms(a);
        expect([n.rows, n.cols]).toEqual([a.rows, 1]);
        expectClose(
          n.data,
          rows.map((r) => naiveNorm(r)),
          1e-10,
        );
      }),
      FC,
    );
  });

  it('frobeniusNorm neither overflows nor underflows, and propagates Infinity and NaN', () => {
    expect(frobeniusNorm(fromArray([[3e200, 4e200]]))).toBeCloseTo(5e200, -190);
    expect(frobeniusNorm(fromArray([[3e-200, 0, 4e-200]])) / 5e-200).toBeCloseTo(1, 12);
    expect(frobeniusNorm(fromArray([[Infinity, 1]]))).toBe(Infinity);
    expect(frobeniusNorm(fromArray([[Infinity, -Infinity]]))).toBe(Infinity);
    expect(frobeniusNorm(fromArray([[1, Number.NaN, Infinity]]))).toBeNaN();
    expect(frobeniusNorm(fromArray([[Infinity, Number.NaN]]))).toBeNaN();
    expect(frobeniusNorm(zeros(0, 0))).toBe(0);
    expect(frobeniusNorm(zeros(2, 2))).toBe(0);
    expect(
      Array.from(
        rowNorms(
          fromArray([
            [3, 4],
            [Infinity, Infinity],
            [0, 0],
          ]),
        ).data,
      ),
    ).toEqual([5, Infinity, 0]);
  });

  it('reductions work in float32', () => {
    fc.assert(
      fc.property(
        shapeArb.chain(([r, c]) => matrixArb(r, c, 'float32')),
        (a) => {
          const s = sumRows(a);
          expect(s.data).toBeInstanceOf(Float32Array);
          for (let j = 0; j < a.cols; j++) {
            let t = 0;
            for (let i = 0; i < a.rows; i++) t += at(a, i, j);
            expect(Math.abs((s.data[j] as number) - t)).toBeLessThanOrEqual(
              1e-5 * (Math.abs(t) + a.rows),
            );
          }
        },
      ),
      FC,
    );
  });
});

describe('reduction errors', () => {
  it('name both shapes when out has the wrong shape', () => {
    expectThrows(() => sumRows(zeros(2, 3), zeros(1, 2)), RangeError, '1x2', '1x3');
    expectThrows(() => sumRows(zeros(2, 3), zeros(3, 1)), RangeError, '3x1', '1x3');
    expectThrows(() => sumCols(zeros(2, 3), zeros(1, 2)), RangeError, '1x2', '2x1');
    expectThrows(() => rowNorms(zeros(2, 3), zeros(3, 1)), RangeError, '3x1', '2x1');
  });

  it('refuse an out that overlaps the input', () => {
    const a = zeros(3, 1);
    expectThrows(() => sumCols(a, a), RangeError, 'share storage');
    expectThrows(() => rowNorms(a, a), RangeError, 'share storage');
    const b = zeros(3, 2);
    expectThrows(() => sumRows(b, rowView(b, 2, 3)), RangeError, 'share storage');
  });

  it('argmaxRows refuses a matrix without columns and a bad out', () => {
    expectThrows(() => argmaxRows(zeros(2, 0)), RangeError, '2x0', 'no columns');
    expectThrows(
      () => argmaxRows(zeros(2, 3), new Int32Array(3)),
      RangeError,
      'length 3',
      'expected 2',
    );
    expectThrows(
      () => argmaxRows(zeros(2, 3), new Float64Array(2) as unknown as Int32Array),
      TypeError,
      'out',
    );
  });

  it('name the argument that is not a matrix', () => {
    const bad = { rows: 2, cols: 2 } as unknown as Matrix;
    for (const f of [sumRows, sumCols, sum, argmaxRows, frobeniusNorm, rowNorms] as ((
      a: Matrix,
    ) => unknown)[]) {
      expectThrows(() => f(bad), TypeError, 'a must be a matrix');
    }
    expectThrows(() => sumRows(zeros(2, 2), bad), TypeError, 'out must be a matrix');
  });
});
