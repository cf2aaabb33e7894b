import { assertOutShape } from './errors.js';
import { dtypeOf, type Matrix, zeros } from './matrix.js';

/**
 * Sums down each column: a 1 x cols matrix (used to sum a mini-batch's
 * deltas into a bias gradient). Optional `out` must be 1 x cols.
 */
export function sumRows(a: Matrix, out?: Matrix): Matrix {
  const o = out ?? zeros(1, a.cols, { dtype: dtypeOf(a) });
  assertOutShape('sumRows', o, 1, a.cols);
  const x = a.data;
  const z = o.data;
  const cols = a.cols;
  z.fill(0);
  for (let i = 0; i < a.rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) z[j] = (z[j] as number) + (x[base + j] as number);
  }
  return o;
}

/** Sums along each row: a rows x 1 matrix. Optional `out` must be rows x 1. */
export function sumCols(a: Matrix, out?: Matrix): Matrix {
  const o = out ?? zeros(a.rows, 1, { dtype: dtypeOf(a) });
  assertOutShape('sumCols', o, a.rows, 1);
  const x = a.data;
  const z = o.data;
  const cols = a.cols;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    const base = i * cols;
    for (let j = 0; j < cols; j++) s += x[base + j] as number;
    z[i] = s;
  }
  return o;
}

/** Sum of every element. */
export function sum(a: Matrix): number {
  const x = a.data;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  return s;
}

/**
 * Index of the largest value in each row (the first one on ties), as an
 * Int32Array of length rows. Optional `out` must have that length.
 * Throws for a matrix with no columns.
 */
export function argmaxRows(a: Matrix, out?: Int32Array): Int32Array {
  if (a.cols === 0) throw new RangeError('argmaxRows: a has no columns');
  const o = out ?? new Int32Array(a.rows);
  if (o.length !== a.rows) {
    throw new RangeError(`argmaxRows: out has length ${o.length}, expected ${a.rows}`);
  }
  const x = a.data;
  const cols = a.cols;
  for (let i = 0; i < a.rows; i++) {
    const base = i * cols;
    let best = 0;
    let bestValue = x[base] as number;
    for (let j = 1; j < cols; j++) {
      const v = x[base + j] as number;
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    o[i] = best;
  }
  return o;
}

/** Frobenius norm: the square root of the sum of squares of every element. */
export function frobeniusNorm(a: Matrix): number {
  const x = a.data;
  // Scaled accumulation avoids overflow for huge values and underflow for tiny ones.
  let scale = 0;
  let ssq = 1;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i] as number);
    if (v === 0) continue;
    if (scale < v) {
      ssq = 1 + ssq * (scale / v) * (scale / v);
      scale = v;
    } else {
      ssq += (v / scale) * (v / scale);
    }
  }
  return scale * Math.sqrt(ssq);
}

/** Euclidean norm of each row, as a rows x 1 matrix. Optional `out` must be rows x 1. */
export function rowNorms(a: Matrix, out?: Matrix): Matrix {
  const o = out ?? zeros(a.rows, 1, { dtype: dtypeOf(a) });
  assertOutShape('rowNorms', o, a.rows, 1);
  const cols = a.cols;
  for (let i = 0; i < a.rows; i++) {
    o.data[i] = frobeniusNorm({ rows: 1, cols, data: a.data.subarray(i * cols, (i + 1) * cols) });
  }
  return o;
}
