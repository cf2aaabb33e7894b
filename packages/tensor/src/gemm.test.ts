import {
  fromArray,
  fromTypedArray,
  type GemmOptions,
  gemm,
  type Matrix,
  matmul,
  rowView,
  toArray,
  zeros,
} from '@mlisp/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { at, expectClose, expectThrows, FC, lcgMatrix, matrixArb } from './test-helpers.js';

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

/** op(A)·op(B) by the definition, plus the sum of |terms| of each element (its error scale). */
function reference(a: Matrix, b: Matrix, c: Case): { product: Float64Array; scale: Float64Array } {
  const product = new Float64Array(c.m * c.n);
  const scale = new Float64Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < c.k; p++) {
        const x = c.transA ? at(a, p, i) : at(a, i, p);
        const y = c.transB ? at(b, j, p) : at(b, p, j);
        s += x * y;
        t += Math.abs(x * y);
      }
      product[i * c.n + j] = s;
      scale[i * c.n + j] = t;
    }
  }
  return { product, scale };
}

/** Checks gemm against alpha·op(A)·op(B) + beta·C0 to within `rel` of each element's scale. */
function check(
  c: Case,
  a: Matrix,
  b: Matrix,
  alpha: number,
  beta: number,
  c0: Matrix,
  rel: number,
) {
  const out: Matrix = { rows: c0.rows, cols: c0.cols, data: c0.data.slice() };
  const returned = gemm(a, b, { transA: c.transA, transB: c.transB, alpha, beta, out });
  expect(returned).toBe(out);
  const { product, scale } = reference(a, b, c);
  for (let q = 0; q < product.length; q++) {
    const old = beta === 0 ? 0 : beta * (c0.data[q] as number);
    const expected = alpha * (product[q] as number) + old;
    // Float32 storage adds an absolute rounding error of up to half its smallest subnormal.
    const floor = out.data instanceof Float32Array ? 1e-45 : 1e-300;
    const tol = rel * (Math.abs(alpha) * (scale[q] as number) + Math.abs(old)) + floor;
    const got = out.data[q] as number;
    if (!(Math.abs(got - expected) <= tol)) {
      expect.fail(
        `${JSON.stringify(c)} alpha ${alpha} beta ${beta}: element ${q} is ${got}, expected ${expected}`,
      );
    }
  }
}

const flags: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

/** A random case: sizes 1..13 (so 1, odd sizes and the 4 x 4 tile edges), any flags. */
const caseArb: fc.Arbitrary<Case> = fc.record({
  m: fc.integer({ min: 1, max: 13 }),
  n: fc.integer({ min: 1, max: 13 }),
  k: fc.integer({ min: 1, max: 13 }),
  transA: fc.boolean(),
  transB: fc.boolean(),
});

function operandsArb(c: Case, dtype: 'float64' | 'float32' = 'float64') {
  return fc.record({
    a: c.transA ? matrixArb(c.k, c.m, dtype) : matrixArb(c.m, c.k, dtype),
    b: c.transB ? matrixArb(c.n, c.k, dtype) : matrixArb(c.k, c.n, dtype),
    c0: matrixArb(c.m, c.n, dtype),
    alpha: fc.oneof(fc.constant(1), fc.double({ min: -3, max: 3, noNaN: true })),
    beta: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: -3, max: 3, noNaN: true })),
  });
}

describe('gemm against the definition', () => {
  it('matches alpha·op(A)·op(B) + beta·C for random shapes, flags, alpha and beta (float64)', () => {
    fc.assert(
      fc.property(
        caseArb.chain((c) => operandsArb(c).map((ops) => ({ c, ...ops }))),
        ({ c, a, b, c0, alpha, beta }) => check(c, a, b, alpha, beta, c0, 1e-14),
      ),
      FC,
    );
  });

  it('matches it in float32 too, to float32 precision', () => {
    fc.assert(
      fc.property(
        caseArb.chain((c) => operandsArb(c, 'float32').map((ops) => ({ c, ...ops }))),
        ({ c, a, b, c0, alpha, beta }) => {
          check(c, a, b, alpha, beta, c0, 1e-6);
          expect(gemm(a, b, { transA: c.transA, transB: c.transB }).data).toBeInstanceOf(
            Float32Array,
          );
        },
      ),
      FC,
    );
  });

  // Sizes past the blocks (256 values of p, 64 columns), not multiples of 4, with
  // fewer and more than 16 rows (B read in place, or packed first).
  for (const [transA, transB] of flags) {
    for (const [m, n, k] of [
      [9, 131, 517],
      [21, 131, 300],
      [16, 4, 257],
      [1, 67, 259],
      [6, 1, 300],
      [67, 5, 1],
    ] as const) {
      it(`matches for ${m}x${k} · ${k}x${n} with transA=${transA}, transB=${transB}`, () => {
        const c = { m, n, k, transA, transB };
        const a = transA ? lcgMatrix(k, m, 1) : lcgMatrix(m, k, 1);
        const b = transB ? lcgMatrix(n, k, 2) : lcgMatrix(k, n, 2);
        check(c, a, b, 1, 0, lcgMatrix(m, n, 3), 1e-14);
        check(c, a, b, -0.75, 0.5, lcgMatrix(m, n, 3), 1e-14);
        const a32 = fromTypedArray(Float32Array.from(a.data), a.rows, a.cols);
        const b32 = fromTypedArray(Float32Array.from(b.data), b.rows, b.cols);
        check(c, a32, b32, 1, 1, lcgMatrix(m, n, 4, 'float32'), 1e-6);
      });
    }
  }

  it('computes a worked example', () => {
    const a = fromArray([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = fromArray([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    expect(toArray(gemm(a, b))).toEqual([
      [58, 64],
      [139, 154],
    ]);
    expect(toArray(gemm(a, a, { transB: true }))).toEqual([
      [14, 32],
      [32, 77],
    ]);
    expect(toArray(gemm(a, a, { transA: true }))).toEqual([
      [17, 22, 27],
      [22, 29, 36],
      [27, 36, 45],
    ]);
    expect(toArray(gemm(b, a, { transA: true, transB: true }))).toEqual([
      [58, 139],
      [64, 154],
    ]);
  });
});

describe('gemm alpha, beta and out', () => {
  const a = lcgMatrix(5, 7, 11);
  const b = lcgMatrix(7, 6, 12);
  const plain = gemm(a, b);

  it('with beta = 0 ignores what out held, NaN and Infinity included', () => {
    const out = zeros(5, 6);
    out.data.fill(Number.NaN);
    out.data[3] = Infinity;
    gemm(a, b, { out });
    expect(Array.from(out.data)).toEqual(Array.from(plain.data));
  });

  it('with beta = 1 accumulates into out', () => {
    const out = lcgMatrix(5, 6, 13);
    const before = out.data.slice();
    gemm(a, b, { out, beta: 1 });
    expectClose(
      out.data,
      before.map((v, q) => v + (plain.data[q] as number)),
      1e-14,
    );
    gemm(a, b, { out, beta: 1, alpha: -1 });
    expectClose(out.data, before, 1e-14);
  });

  it('with alpha = 0 only scales out by beta', () => {
    const out = lcgMatrix(5, 6, 14);
    const before = out.data.slice();
    gemm(a, b, { out, alpha: 0, beta: 2 });
    expect(Array.from(out.data)).toEqual(Array.from(before, (v) => 2 * v));
  });

  it('allocates out with the dtype of a when it is omitted, and accepts mixed dtypes', () => {
    const a32 = lcgMatrix(5, 7, 11, 'float32');
    const r = gemm(a32, b);
    expect(r.data).toBeInstanceOf(Float32Array);
    expect([r.rows, r.cols]).toEqual([5, 6]);
    const out = zeros(5, 6);
    gemm(a32, b, { out });
    const a64 = fromTypedArray(Float64Array.from(a32.data), 5, 7);
    expectClose(out.data, gemm(a64, b).data, 1e-14);
  });

  it('handles empty products: k = 0 gives beta·out, m = 0 or n = 0 give empty results', () => {
    expect(toArray(gemm(zeros(3, 0), zeros(0, 2)))).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    const out = fromArray([[1, 2]]);
    gemm(zeros(1, 0), zeros(0, 2), { out, beta: 3 });
    expect(toArray(out)).toEqual([[3, 6]]);
    expect(gemm(zeros(0, 4), zeros(4, 3)).data.length).toBe(0);
    expect(gemm(zeros(2, 4), zeros(4, 0)).rows).toBe(2);
  });

  it('accepts out next to a and b in one buffer as long as they do not overlap', () => {
    const big = lcgMatrix(12, 3, 15);
    const x = rowView(big, 0, 3);
    const y = rowView(big, 3, 6);
    const out = rowView(big, 9, 12);
    const expected = gemm(x, y).data.slice();
    gemm(x, y, { out });
    expect(Array.from(out.data)).toEqual(Array.from(expected));
  });

  it('matmul is gemm without flags', () => {
    expect(Array.from(matmul(a, b).data)).toEqual(Array.from(plain.data));
    const out = zeros(5, 6);
    expect(matmul(a, b, out)).toBe(out);
    expect(Array.from(out.data)).toEqual(Array.from(plain.data));
  });
});

describe('gemm errors', () => {
  it('names both shapes when the inner dimensions differ', () => {
    expectThrows(() => gemm(zeros(2, 3), zeros(4, 5)), RangeError, '2x3', '4x5');
    expectThrows(
      () => gemm(zeros(2, 3), zeros(4, 5), { transA: true }),
      RangeError,
      '2x3',
      '4x5',
      'Aᵀ',
    );
    expectThrows(
      () => gemm(zeros(2, 3), zeros(4, 5), { transB: true }),
      RangeError,
      '2x3',
      '4x5',
      'Bᵀ',
    );
    expectThrows(() => matmul(zeros(2, 3), zeros(4, 5)), RangeError, '2x3', '4x5');
  });

  it('names both shapes when out has the wrong shape', () => {
    expectThrows(
      () => gemm(zeros(2, 3), zeros(3, 4), { out: zeros(4, 5) }),
      RangeError,
      '4x5',
      '2x4',
    );
    expectThrows(() => matmul(zeros(2, 3), zeros(3, 4), zeros(2, 5)), RangeError, '2x5', '2x4');
  });

  it('refuses an out that shares storage with a or b', () => {
    const s = lcgMatrix(3, 3, 1);
    expectThrows(() => gemm(s, zeros(3, 3), { out: s }), RangeError, 'share storage', 'a');
    expectThrows(() => gemm(zeros(3, 3), s, { out: s }), RangeError, 'share storage', 'b');
    const big = zeros(4, 2);
    expectThrows(
      () => gemm(rowView(big, 0, 2), zeros(2, 2), { out: rowView(big, 1, 3) }),
      RangeError,
      'share storage',
    );
  });

  it('names the argument that is not a matrix', () => {
    const ok = zeros(2, 2);
    const bad: unknown[] = [null, undefined, 3, [[1]], { rows: 2, cols: 2, data: [1, 2, 3, 4] }];
    for (const x of bad) {
      expectThrows(() => gemm(x as Matrix, ok), TypeError, 'a must be a matrix');
      expectThrows(() => gemm(ok, x as Matrix), TypeError, 'b must be a matrix');
    }
    const wrongLength = { rows: 2, cols: 2, data: new Float64Array(3) };
    expectThrows(
      () => gemm(ok, ok, { out: wrongLength }),
      TypeError,
      'out must be a matrix',
      'Float64Array(3)',
    );
  });

  it('names a bad alpha, beta, flag or options object', () => {
    const x = zeros(2, 2);
    for (const v of [Number.NaN, Infinity, '2'] as unknown[]) {
      expectThrows(() => gemm(x, x, { alpha: v as number }), TypeError, 'alpha');
      expectThrows(() => gemm(x, x, { beta: v as number }), TypeError, 'beta');
    }
    expectThrows(
      () => gemm(x, x, { transA: 'yes' } as unknown as GemmOptions),
      TypeError,
      'transA',
    );
    expectThrows(() => gemm(x, x, { transB: 1 } as unknown as GemmOptions), TypeError, 'transB');
    expectThrows(() => gemm(x, x, null as unknown as GemmOptions), TypeError, 'options');
  });
});
