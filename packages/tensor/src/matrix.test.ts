import {
  allClose,
  clone,
  copyInto,
  dtypeOf,
  filled,
  fromArray,
  fromTypedArray,
  get,
  type Matrix,
  rowView,
  setInPlace,
  shapeOf,
  toArray,
  zeros,
  zerosLike,
} from '@mlisp/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyMatrixArb, at, expectThrows, FC, shapeArb, valueArb } from './test-helpers.js';

const nestedArb = shapeArb.chain(([r, c]) =>
  fc.array(fc.array(valueArb, { minLength: c, maxLength: c }), { minLength: r, maxLength: r }),
);

describe('constructors', () => {
  it('zeros, filled and zerosLike have the shape, dtype and values asked for', () => {
    fc.assert(
      fc.property(shapeArb, fc.constantFrom('float64', 'float32' as const), ([r, c], dtype) => {
        const z = zeros(r, c, { dtype });
        expect([z.rows, z.cols, z.data.length]).toEqual([r, c, r * c]);
        expect(dtypeOf(z)).toBe(dtype);
        expect(z.data.every((v) => v === 0)).toBe(true);
        const f = filled(r, c, 2.5, { dtype });
        expect(f.data.every((v) => v === 2.5)).toBe(true);
        const l = zerosLike(f);
        expect([l.rows, l.cols, dtypeOf(l)]).toEqual([r, c, dtype]);
        expect(l.data).not.toBe(f.data);
      }),
      FC,
    );
    expect(zeros(2, 3).data).toBeInstanceOf(Float64Array);
    expect(zeros(0, 3).data.length).toBe(0);
    expect(Number.isNaN(filled(1, 1, Number.NaN).data[0])).toBe(true);
  });

  it('fromArray and toArray are inverse, and fromArray copies', () => {
    fc.assert(
      fc.property(nestedArb, (rows) => {
        const m = fromArray(rows);
        expect(m.rows).toBe(rows.length);
        expect(toArray(m)).toEqual(rows);
        for (let i = 0; i < m.rows; i++) {
          for (let j = 0; j < m.cols; j++) expect(at(m, i, j)).toBe(rows[i]?.[j]);
        }
        if (rows.length > 0) {
          (rows[0] as number[])[0] = 12345;
          expect(at(m, 0, 0)).not.toBe(12345);
        }
      }),
      FC,
    );
    expect(toArray(fromArray([]))).toEqual([]);
    expect(shapeOf(fromArray([]))).toBe('0x0');
  });

  it('fromArray with float32 rounds each value to float32', () => {
    const m = fromArray([[0.1, 1 / 3]], { dtype: 'float32' });
    expect(m.data).toBeInstanceOf(Float32Array);
    expect(toArray(m)).toEqual([[Math.fround(0.1), Math.fround(1 / 3)]]);
  });

  it('fromTypedArray wraps the array without copying, and toArray reads it back', () => {
    fc.assert(
      fc.property(nestedArb, (rows) => {
        const c = rows[0]?.length ?? 0;
        const data = Float64Array.from(rows.flat());
        const m = fromTypedArray(data, rows.length, c);
        expect(m.data).toBe(data);
        expect(toArray(m)).toEqual(rows);
      }),
      FC,
    );
    const data = new Float32Array(6);
    const m = fromTypedArray(data, 2, 3);
    data[4] = 7;
    expect(get(m, 1, 1)).toBe(7);
    setInPlace(m, 0, 2, 9);
    expect(data[2]).toBe(9);
  });
});

describe('clone, copyInto, get and setInPlace', () => {
  it('clone copies values into new storage of the same (or the asked) dtype', () => {
    fc.assert(
      fc.property(anyMatrixArb, (m) => {
        const c = clone(m);
        expect(c.data).not.toBe(m.data);
        expect(Array.from(c.data)).toEqual(Array.from(m.data));
        expect(allClose(c, m, 0, 0)).toBe(true);
        c.data[0] = (c.data[0] as number) + 1;
        expect(c.data[0]).not.toBe(m.data[0]);
        const c32 = clone(m, { dtype: 'float32' });
        expect(dtypeOf(c32)).toBe('float32');
        expect(Array.from(c32.data)).toEqual(Array.from(m.data, Math.fround));
        expect(dtypeOf(clone(c32))).toBe('float32');
      }),
      FC,
    );
  });

  it('copyInto copies values, across dtypes too', () => {
    const src = fromArray([
      [1, 2],
      [3, 4.5],
    ]);
    const out = zeros(2, 2, { dtype: 'float32' });
    expect(copyInto(src, out)).toBe(out);
    expect(toArray(out)).toEqual(toArray(src));
  });

  it('get and setInPlace address row-major storage', () => {
    const m = zeros(3, 4);
    setInPlace(m, 2, 1, 5);
    expect(m.data[2 * 4 + 1]).toBe(5);
    expect(get(m, 2, 1)).toBe(5);
    const f = zeros(1, 1, { dtype: 'float32' });
    setInPlace(f, 0, 0, 0.1);
    expect(get(f, 0, 0)).toBe(Math.fround(0.1));
  });
});

describe('rowView', () => {
  it('shares storage with the matrix both ways', () => {
    const m = fromArray([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    const v = rowView(m, 1, 3);
    expect(toArray(v)).toEqual([
      [3, 4],
      [5, 6],
    ]);
    expect(v.data.buffer).toBe(m.data.buffer);
    setInPlace(v, 1, 0, 50);
    expect(get(m, 2, 0)).toBe(50);
    setInPlace(m, 1, 1, 40);
    expect(get(v, 0, 1)).toBe(40);
    const w = rowView(v, 1, 2);
    setInPlace(w, 0, 1, 60);
    expect(get(m, 2, 1)).toBe(60);
    expect(rowView(m, 2, 2).rows).toBe(0);
    expect(toArray(rowView(m, 0, 4))).toEqual(toArray(m));
  });

  it('covers exactly rows start..end-1 for any valid range', () => {
    fc.assert(
      fc.property(
        anyMatrixArb.chain((m) =>
          fc.tuple(
            fc.constant(m),
            fc.integer({ min: 0, max: m.rows }),
            fc.integer({ min: 0, max: m.rows }),
          ),
        ),
        ([m, x, y]) => {
          const [start, end] = x <= y ? [x, y] : [y, x];
          const v = rowView(m, start, end);
          expect([v.rows, v.cols]).toEqual([end - start, m.cols]);
          expect(toArray(v)).toEqual(toArray(m).slice(start, end));
        },
      ),
      FC,
    );
  });
});

describe('allClose', () => {
  const a = fromArray([[1, -2, 1e6]]);

  it('accepts differences within atol + rtol·|b| and rejects larger ones', () => {
    expect(allClose(a, fromArray([[1 + 1e-10, -2, 1e6 + 1e-4]]))).toBe(true);
    expect(allClose(a, fromArray([[1 + 1e-6, -2, 1e6]]))).toBe(false);
    expect(allClose(a, fromArray([[1, -2, 1e6 + 1]]))).toBe(false);
    expect(allClose(a, fromArray([[1, -2, 1e6 + 1]]), 1e-6)).toBe(true);
    expect(allClose(fromArray([[0]]), fromArray([[1e-13]]))).toBe(true);
    expect(allClose(fromArray([[0]]), fromArray([[1e-11]]))).toBe(false);
    expect(allClose(fromArray([[0]]), fromArray([[1e-11]]), 0, 1e-10)).toBe(true);
  });

  it('is false for different shapes and for NaN, true for equal infinities', () => {
    expect(allClose(a, fromArray([[1], [-2], [1e6]]))).toBe(false);
    expect(allClose(fromArray([[Number.NaN]]), fromArray([[Number.NaN]]))).toBe(false);
    expect(allClose(fromArray([[1]]), fromArray([[Number.NaN]]))).toBe(false);
    expect(allClose(fromArray([[Infinity, -Infinity]]), fromArray([[Infinity, -Infinity]]))).toBe(
      true,
    );
    expect(allClose(fromArray([[Infinity]]), fromArray([[-Infinity]]))).toBe(false);
    expect(allClose(fromArray([[1e308]]), fromArray([[Infinity]]))).toBe(false);
  });

  it('matches the elementwise definition on random matrices', () => {
    fc.assert(
      fc.property(
        anyMatrixArb,
        fc.double({ min: -1e-6, max: 1e-6, noNaN: true }),
        fc.nat({ max: 100 }),
        (m, eps, where) => {
          const b = clone(m);
          const q = where % b.data.length;
          b.data[q] = (b.data[q] as number) + eps;
          const expected =
            Math.abs((m.data[q] as number) - (b.data[q] as number)) <=
            1e-12 + 1e-9 * Math.abs(b.data[q] as number);
          expect(allClose(m, b)).toBe(expected);
        },
      ),
      FC,
    );
  });
});

describe('matrix errors', () => {
  it('names a bad dimension or dtype', () => {
    expectThrows(() => zeros(-1, 2), TypeError, 'rows', '-1');
    expectThrows(() => zeros(2, 1.5), TypeError, 'cols', '1.5');
    expectThrows(() => zeros(Number.NaN, 1), TypeError, 'rows');
    expectThrows(() => zeros('2' as unknown as number, 1), TypeError, 'rows');
    expectThrows(() => zeros(1, 1, { dtype: 'int8' as 'float64' }), TypeError, 'dtype', 'int8');
    expectThrows(() => filled(1, 1, '3' as unknown as number), TypeError, 'value');
  });

  it('fromArray names the offending row or value', () => {
    expectThrows(() => fromArray('x' as unknown as number[][]), TypeError, 'values');
    expectThrows(() => fromArray([5] as unknown as number[][]), TypeError, 'values[0]');
    expectThrows(() => fromArray([[1], 5] as unknown as number[][]), TypeError, 'values[1]');
    expectThrows(() => fromArray([[1, 2], [3]]), RangeError, 'values[1]', '1 values', 'expected 2');
    expectThrows(() => fromArray([[1, 'a']] as unknown as number[][]), TypeError, 'values[0][1]');
  });

  it('fromTypedArray names bad data and a length that does not fit the shape', () => {
    expectThrows(() => fromTypedArray([1, 2] as unknown as Float64Array, 1, 2), TypeError, 'data');
    expectThrows(
      () => fromTypedArray(new Int32Array(2) as unknown as Float64Array, 1, 2),
      TypeError,
      'data',
    );
    expectThrows(() => fromTypedArray(new Float64Array(5), 2, 3), RangeError, '5', '2x3');
    expectThrows(() => fromTypedArray(new Float64Array(6), -2, -3), TypeError, 'rows');
  });

  it('rowView, get and setInPlace name the shape for a range outside the matrix', () => {
    const m = zeros(3, 2);
    expectThrows(() => rowView(m, 2, 4), RangeError, '2..4', '3x2');
    expectThrows(() => rowView(m, 2, 1), RangeError, '3x2');
    expectThrows(() => rowView(m, 0.5, 1), TypeError, 'start');
    expectThrows(() => rowView(m, 0, -1), TypeError, 'end');
    expectThrows(() => get(m, 3, 0), RangeError, '(3, 0)', '3x2');
    expectThrows(() => get(m, 0, -1), RangeError, '3x2');
    expectThrows(() => get(m, 0.5, 0), TypeError, 'i');
    expectThrows(() => setInPlace(m, 0, 2, 1), RangeError, '(0, 2)', '3x2');
    expectThrows(() => setInPlace(m, 0, Number.NaN, 1), TypeError, 'j');
    expectThrows(() => setInPlace(m, 0, 0, '1' as unknown as number), TypeError, 'value');
  });

  it('copyInto names both shapes', () => {
    expectThrows(() => copyInto(zeros(2, 3), zeros(4, 5)), RangeError, '2x3', '4x5');
  });

  it('allClose names a bad tolerance', () => {
    const m = zeros(1, 1);
    expectThrows(() => allClose(m, m, -1), TypeError, 'rtol');
    expectThrows(() => allClose(m, m, 0, Number.NaN), TypeError, 'atol');
  });

  it('every function names an argument that is not a matrix', () => {
    const bad = [null, 7, { rows: 1, cols: 2, data: new Float64Array(3) }] as unknown as Matrix[];
    const ok = zeros(1, 2);
    for (const x of bad) {
      expectThrows(() => toArray(x), TypeError, 'm must be a matrix');
      expectThrows(() => clone(x), TypeError, 'm must be a matrix');
      expectThrows(() => zerosLike(x), TypeError, 'm must be a matrix');
      expectThrows(() => dtypeOf(x), TypeError, 'm must be a matrix');
      expectThrows(() => rowView(x, 0, 0), TypeError, 'm must be a matrix');
      expectThrows(() => get(x, 0, 0), TypeError, 'm must be a matrix');
      expectThrows(() => copyInto(x, ok), TypeError, 'src must be a matrix');
      expectThrows(() => copyInto(ok, x), TypeError, 'out must be a matrix');
      expectThrows(() => allClose(x, ok), TypeError, 'a must be a matrix');
      expectThrows(() => allClose(ok, x), TypeError, 'b must be a matrix');
    }
  });
});
