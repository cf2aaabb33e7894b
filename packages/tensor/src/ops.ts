import {
  assertFiniteNumber,
  assertMatrix,
  assertNoOverlap,
  assertOutShape,
  assertSameShape,
  shapeOf,
} from './errors.js';
import { dtypeOf, type Matrix, zeros } from './matrix.js';

/*
 * Element-wise operations. Each takes an optional `out` of the result's shape;
 * when given, the result is written there (it may alias an input) and nothing
 * is allocated. When omitted, a new matrix with the first input's dtype is returned.
 */

function target(op: string, like: Matrix, rows: number, cols: number, out?: Matrix): Matrix {
  if (out === undefined) return zeros(rows, cols, { dtype: dtypeOf(like) });
  assertMatrix('out', out);
  assertOutShape(op, out, rows, cols);
  return out;
}

function binary(op: string, a: Matrix, b: Matrix, out: Matrix | undefined): Matrix {
  assertMatrix('a', a);
  assertMatrix('b', b);
  assertSameShape(op, a, b);
  return target(op, a, a.rows, a.cols, out);
}

/**
 * out = a + b, element by element.
 *
 * @param a - first matrix
 * @param b - second matrix, same shape as `a`
 * @param out - where the result goes (same shape; may be `a` or `b`); allocated when omitted
 * @returns out
 */
export function add(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  const o = binary('add', a, b, out);
  const x = a.data;
  const y = b.data;
  const z = o.data;
  for (let i = 0; i < z.length; i++) z[i] = (x[i] as number) + (y[i] as number);
  return o;
}

/**
 * out = a - b, element by element.
 *
 * @param a - first matrix
 * @param b - second matrix, same shape as `a`
 * @param out - where the result goes (same shape; may be `a` or `b`); allocated when omitted
 * @returns out
 */
export function sub(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  const o = binary('sub', a, b, out);
  const x = a.data;
  const y = b.data;
  const z = o.data;
  for (let i = 0; i < z.length; i++) z[i] = (x[i] as number) - (y[i] as number);
  return o;
}

/**
 * out = a ⊙ b, the element-wise (Hadamard) product.
 *
 * @param a - first matrix
 * @param b - second matrix, same shape as `a`
 * @param out - where the result goes (same shape; may be `a` or `b`); allocated when omitted
 * @returns out
 */
export function hadamard(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  const o = binary('hadamard', a, b, out);
  const x = a.data;
  const y = b.data;
  const z = o.data;
  for (let i = 0; i < z.length; i++) z[i] = (x[i] as number) * (y[i] as number);
  return o;
}

/**
 * out = alpha · a.
 *
 * @param a - the matrix
 * @param alpha - the factor, a finite number
 * @param out - where the result goes (same shape; may be `a`); allocated when omitted
 * @returns out
 */
export function scale(a: Matrix, alpha: number, out?: Matrix): Matrix {
  assertMatrix('a', a);
  assertFiniteNumber('alpha', alpha);
  const o = target('scale', a, a.rows, a.cols, out);
  const x = a.data;
  const z = o.data;
  for (let i = 0; i < z.length; i++) z[i] = alpha * (x[i] as number);
  return o;
}

const X_Y = ['x', 'y'] as const;

/**
 * y = alpha · x + y, written into `y` (BLAS axpy): the gradient-descent step
 * `w -= eta · grad` is `axpyInPlace(-eta, grad, w)`.
 *
 * @param alpha - the factor, a finite number
 * @param x - the matrix added
 * @param y - the matrix updated in place, same shape as `x`
 * @returns y
 */
export function axpyInPlace(alpha: number, x: Matrix, y: Matrix): Matrix {
  assertFiniteNumber('alpha', alpha);
  assertMatrix('x', x);
  assertMatrix('y', y);
  assertSameShape('axpyInPlace', x, y, X_Y);
  const u = x.data;
  const v = y.data;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) + alpha * (u[i] as number);
  return y;
}

/**
 * out = a + 1·row: adds the 1 x cols matrix `row` to every row of `a` (the
 * bias broadcast over a mini-batch).
 *
 * @param a - the matrix, one sample per row
 * @param row - a 1 x a.cols matrix
 * @param out - where the result goes (shape of `a`; may be `a`, must not overlap `row`)
 * @returns out
 */
export function addRowVector(a: Matrix, row: Matrix, out?: Matrix): Matrix {
  assertMatrix('a', a);
  assertMatrix('row', row);
  if (row.rows !== 1 || row.cols !== a.cols) {
    throw new RangeError(
      `addRowVector: row must be 1x${a.cols} to add to a ${shapeOf(a)} matrix, got ${shapeOf(row)}`,
    );
  }
  const o = target('addRowVector', a, a.rows, a.cols, out);
  assertNoOverlap('addRowVector', o, row, 'row');
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

/**
 * out = fn applied to every element of `a`, row by row.
 *
 * @param a - the matrix
 * @param fn - gets the value, its row and its column; returns the new value
 * @param out - where the result goes (same shape; may be `a`); allocated when omitted
 * @returns out
 */
export function map(
  a: Matrix,
  fn: (value: number, i: number, j: number) => number,
  out?: Matrix,
): Matrix {
  assertMatrix('a', a);
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

/**
 * out = aᵀ.
 *
 * @param a - the matrix, rows x cols
 * @param out - where the result goes (cols x rows; must not share storage with `a`)
 * @returns out
 */
export function transpose(a: Matrix, out?: Matrix): Matrix {
  assertMatrix('a', a);
  const o = target('transpose', a, a.cols, a.rows, out);
  assertNoOverlap('transpose', o, a, 'a');
  const x = a.data;
  const z = o.data;
  const rows = a.rows;
  const cols = a.cols;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) z[j * rows + i] = x[i * cols + j] as number;
  }
  return o;
}
