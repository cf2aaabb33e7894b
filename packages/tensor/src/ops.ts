import { assertFiniteNumber, assertOutShape, assertSameShape, shapeOf } from './errors.js';
import { dtypeOf, type Matrix, zeros } from './matrix.js';

/*
 * Element-wise operations. Each takes an optional `out` of the result's shape;
 * when given, the result is written there (it may alias an input) and nothing
 * is allocated. When omitted, a new matrix with the first input's dtype is returned.
 */

function target(op: string, like: Matrix, rows: number, cols: number, out?: Matrix): Matrix {
  if (out === undefined) return zeros(rows, cols, { dtype: dtypeOf(like) });
  assertOutShape(op, out, rows, cols);
  return out;
}

/** out = a + b */
export function add(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  assertSameShape('add', a, b);
  const o = target('add', a, a.rows, a.cols, out);
  const x = a.data;
  const y = b.data;
  const z = o.data;
  for (let i = 0; i < z.length; i++) z[i] = (x[i] as number) + (y[i] as number);
  return o;
}

/** out = a - b */
export function sub(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  assertSameShape('sub', a, b);
  const o = target('sub', a, a.rows, a.cols, out);
  const x = a.data;
  const y = b.data;
  const z = o.data;
  for (let i = 0; i < z.length; i++) z[i] = (x[i] as number) - (y[i] as number);
  return o;
}

/** out = a ⊙ b (element-wise product) */
export function hadamard(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  assertSameShape('hadamard', a, b);
  const o = target('hadamard', a, a.rows, a.cols, out);
  const x = a.data;
  const y = b.data;
  const z = o.data;
  for (let i = 0; i < z.length; i++) z[i] = (x[i] as number) * (y[i] as number);
  return o;
}

/** out = alpha · a */
export function scale(a: Matrix, alpha: number, out?: Matrix): Matrix {
  assertFiniteNumber('alpha', alpha);
  const o = target('scale', a, a.rows, a.cols, out);
  const x = a.data;
  const z = o.data;
  for (let i = 0; i < z.length; i++) z[i] = alpha * (x[i] as number);
  return o;
}

/** y = alpha · x + y, written into `y` (BLAS axpy). Returns `y`. */
export function axpyInPlace(alpha: number, x: Matrix, y: Matrix): Matrix {
  assertFiniteNumber('alpha', alpha);
  assertSameShape('axpyInPlace', x, y, ['x', 'y']);
  const u = x.data;
  const v = y.data;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) + alpha * (u[i] as number);
  return y;
}

/**
 * out = a + 1·row: adds the 1 x cols matrix `row` to every row of `a` (the
 * bias broadcast over a mini-batch).
 */
export function addRowVector(a: Matrix, row: Matrix, out?: Matrix): Matrix {
  if (row.rows !== 1 || row.cols !== a.cols) {
    throw new RangeError(
      `addRowVector: row must be 1x${a.cols} to add to a ${shapeOf(a)} matrix, got ${shapeOf(row)}`,
    );
  }
  const o = target('addRowVector', a, a.rows, a.cols, out);
  const x = a.data;
  const r = row.data;
  const z = o.data;
  const cols = a.cols;
  for (let i = 0; i < a.rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) z[base + j] = (x[base + j] as number) + (r[j] as number);
  }
  return o;
}

/** out = fn applied to every element of `a` (fn gets the value, its row and column). */
export function map(a: Matrix, fn: (value: number, i: number, j: number) => number, out?: Matrix): Matrix {
  if (typeof fn !== 'function') throw new TypeError(`fn must be a function, got ${typeof fn}`);
  const o = target('map', a, a.rows, a.cols, out);
  const x = a.data;
  const z = o.data;
  const cols = a.cols;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < cols; j++) z[i * cols + j] = fn(x[i * cols + j] as number, i, j);
  }
  return o;
}

/** out = aᵀ. `out` must not alias `a`. */
export function transpose(a: Matrix, out?: Matrix): Matrix {
  const o = target('transpose', a, a.cols, a.rows, out);
  if (o.data === a.data && a.rows * a.cols > 1) {
    throw new RangeError('transpose: out must not share storage with a');
  }
  const x = a.data;
  const z = o.data;
  const rows = a.rows;
  const cols = a.cols;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) z[j * rows + i] = x[i * cols + j] as number;
  }
  return o;
}
