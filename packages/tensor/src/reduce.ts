import { assertMatrix, assertNoOverlap, assertOutShape } from './errors.js';
import { dtypeOf, type FloatArray, type Matrix, zeros } from './matrix.js';

function reductionTarget(op: string, a: Matrix, rows: number, cols: number, out?: Matrix): Matrix {
  if (out === undefined) return zeros(rows, cols, { dtype: dtypeOf(a) });
  assertMatrix('out', out);
  assertOutShape(op, out, rows, cols);
  assertNoOverlap(op, out, a, 'a');
  return out;
}

/**
 * Sums down each column: a 1 x cols matrix (used to sum a mini-batch's
 * deltas into a bias gradient).
 *
 * @param a - the matrix, rows x cols
 * @param out - where the result goes, 1 x cols, not overlapping `a`; allocated when omitted
 * @returns out
 */
export function sumRows(a: Matrix, out?: Matrix): Matrix {
  assertMatrix('a', a);
  const o = reductionTarget('sumRows', a, 1, a.cols, out);
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

/**
 * Sums along each row: a rows x 1 matrix.
 *
 * @param a - the matrix, rows x cols
 * @param out - where the result goes, rows x 1, not overlapping `a`; allocated when omitted
 * @returns out
 */
export function sumCols(a: Matrix, out?: Matrix): Matrix {
  assertMatrix('a', a);
  const o = reductionTarget('sumCols', a, a.rows, 1, out);
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

/** Sum of every element of `a` (0 for an empty matrix). */
export function sum(a: Matrix): number {
  assertMatrix('a', a);
  const x = a.data;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  return s;
}

/**
 * Index of the largest value in each row (the first one on ties; a NaN is
 * never the largest unless the whole row is NaN, which gives 0), as an
 * Int32Array of length rows: the predicted class of each sample.
 *
 * @param a - the matrix, with at least one column
 * @param out - where the result goes, length a.rows; allocated when omitted
 * @returns out
 */
export function argmaxRows(a: Matrix, out?: Int32Array): Int32Array {
  assertMatrix('a', a);
  if (a.cols === 0) throw new RangeError(`argmaxRows: a is ${a.rows}x0, it has no columns`);
  if (out !== undefined && !(out instanceof Int32Array)) {
    throw new TypeError('out must be an Int32Array');
  }
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
      // The second test moves off a NaN that came first: NaNs are skipped.
      if (v > bestValue || (Number.isNaN(bestValue) && !Number.isNaN(v))) {
        bestValue = v;
        best = j;
      }
    }
    o[i] = best;
  }
  return o;
}

/** sqrt(Σ x²) over x[start..end), scaled so that it neither overflows nor underflows. */
function norm2(x: FloatArray, start: number, end: number): number {
  let scale = 0;
  let ssq = 1;
  let infinite = false;
  for (let i = start; i < end; i++) {
    const v = Math.abs(x[i] as number);
    if (v === 0) continue;
    if (v === Infinity) {
      infinite = true;
    } else if (Number.isNaN(v)) {
      return Number.NaN;
    } else if (scale < v) {
      ssq = 1 + ssq * (scale / v) * (scale / v);
      scale = v;
    } else {
      ssq += (v / scale) * (v / scale);
    }
  }
  return infinite ? Infinity : scale * Math.sqrt(ssq);
}

/**
 * Frobenius norm: the square root of the sum of squares of every element,
 * computed without overflow for huge values or underflow for tiny ones.
 * Infinity if any element is infinite, NaN if any is NaN.
 */
export function frobeniusNorm(a: Matrix): number {
  assertMatrix('a', a);
  return norm2(a.data, 0, a.data.length);
}

/**
 * Euclidean norm of each row, as a rows x 1 matrix.
 *
 * @param a - the matrix, rows x cols
 * @param out - where the result goes, rows x 1, not overlapping `a`; allocated when omitted
 * @returns out
 */
export function rowNorms(a: Matrix, out?: Matrix): Matrix {
  assertMatrix('a', a);
  const o = reductionTarget('rowNorms', a, a.rows, 1, out);
  const cols = a.cols;
  for (let i = 0; i < a.rows; i++) o.data[i] = norm2(a.data, i * cols, (i + 1) * cols);
  return o;
}
