import {
  assertDimension,
  assertFiniteNumber,
  assertMatrix,
  assertSameShape,
  shapeOf,
} from './errors.js';

/** The typed arrays a matrix can live in. Float64 is the reference precision. */
export type FloatArray = Float64Array | Float32Array;

/** Element type of a matrix. */
export type DType = 'float64' | 'float32';

/**
 * A dense matrix: `rows x cols` values stored row-major in `data`, so element
 * (i, j) is `data[i * cols + j]`. A mini-batch is a matrix with one sample per row.
 */
export interface Matrix<T extends FloatArray = FloatArray> {
  /** Number of rows (for a mini-batch: the number of samples). */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** The rows·cols values, row after row. */
  readonly data: T;
}

/** Options shared by the constructors. */
export interface DTypeOptions {
  /** Element type, `'float64'` (default) or `'float32'`. */
  dtype?: DType;
}

/** The dtype of a matrix's storage. */
export function dtypeOf(m: Matrix): DType {
  assertMatrix('m', m);
  return m.data instanceof Float32Array ? 'float32' : 'float64';
}

function allocate(length: number, dtype: DType | undefined): FloatArray {
  if (dtype === undefined || dtype === 'float64') return new Float64Array(length);
  if (dtype === 'float32') return new Float32Array(length);
  throw new TypeError(`dtype must be 'float64' or 'float32', got ${String(dtype)}`);
}

/**
 * A rows x cols matrix of zeros.
 *
 * @param rows - number of rows, a non-negative integer
 * @param cols - number of columns, a non-negative integer
 * @param options - `dtype`: `'float64'` (default) or `'float32'`
 */
export function zeros(rows: number, cols: number, options: DTypeOptions = {}): Matrix {
  assertDimension('rows', rows);
  assertDimension('cols', cols);
  return { rows, cols, data: allocate(rows * cols, options.dtype) };
}

/**
 * A rows x cols matrix with every element equal to `value`.
 *
 * @param rows - number of rows
 * @param cols - number of columns
 * @param value - the value of every element (any number, NaN and ±Infinity included)
 * @param options - `dtype`: `'float64'` (default) or `'float32'`
 */
export function filled(
  rows: number,
  cols: number,
  value: number,
  options: DTypeOptions = {},
): Matrix {
  if (typeof value !== 'number') {
    throw new TypeError(`value must be a number, got ${typeof value}`);
  }
  const m = zeros(rows, cols, options);
  m.data.fill(value);
  return m;
}

/** A zero matrix with the shape and dtype of `m`. */
export function zerosLike(m: Matrix): Matrix {
  assertMatrix('m', m);
  return zeros(m.rows, m.cols, { dtype: dtypeOf(m) });
}

/**
 * A matrix from nested arrays, one inner array per row (a copy). Every row
 * must have the same length and every value must be a number. `[]` gives a
 * 0x0 matrix.
 *
 * @param values - the rows, for example `[[1, 2, 3], [4, 5, 6]]` for a 2x3 matrix
 * @param options - `dtype`: `'float64'` (default) or `'float32'`
 */
export function fromArray(
  values: readonly (readonly number[])[],
  options: DTypeOptions = {},
): Matrix {
  if (!Array.isArray(values)) {
    throw new TypeError(`values must be an array of rows, got ${typeof values}`);
  }
  const rows = values.length;
  const first: unknown = values[0];
  if (rows > 0 && !Array.isArray(first)) {
    throw new TypeError(`values[0] must be an array, got ${typeof first}`);
  }
  const cols = rows === 0 ? 0 : (first as number[]).length;
  const m = zeros(rows, cols, options);
  for (let i = 0; i < rows; i++) {
    const row = values[i];
    if (!Array.isArray(row)) {
      throw new TypeError(`values[${i}] must be an array, got ${typeof row}`);
    }
    if (row.length !== cols) {
      throw new RangeError(`values[${i}] has ${row.length} values, expected ${cols}`);
    }
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== 'number') {
        throw new TypeError(`values[${i}][${j}] must be a number, got ${typeof v}`);
      }
      m.data[i * cols + j] = v;
    }
  }
  return m;
}

/**
 * Wraps an existing typed array (no copy) as a rows x cols matrix: writes to
 * either are seen by the other.
 *
 * @param data - a Float64Array or Float32Array of rows·cols values, row-major
 * @param rows - number of rows
 * @param cols - number of columns
 */
export function fromTypedArray<T extends FloatArray>(
  data: T,
  rows: number,
  cols: number,
): Matrix<T> {
  if (!(data instanceof Float64Array || data instanceof Float32Array)) {
    throw new TypeError('data must be a Float64Array or a Float32Array');
  }
  assertDimension('rows', rows);
  assertDimension('cols', cols);
  if (data.length !== rows * cols) {
    throw new RangeError(
      `data has ${data.length} values but a ${rows}x${cols} matrix needs ${rows * cols}`,
    );
  }
  return { rows, cols, data };
}

/** The matrix as nested arrays, one per row (a copy; the inverse of {@link fromArray}). */
export function toArray(m: Matrix): number[][] {
  assertMatrix('m', m);
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) {
    out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  }
  return out;
}

/**
 * Rows `start` (inclusive) to `end` (exclusive) of `m` as a matrix that shares
 * `m`'s storage: writing to the view writes to `m`. Used for mini-batches.
 *
 * @param m - the matrix
 * @param start - first row of the view
 * @param end - one past the last row of the view, at most `m.rows`
 */
export function rowView<T extends FloatArray>(m: Matrix<T>, start: number, end: number): Matrix<T> {
  assertMatrix('m', m);
  assertDimension('start', start);
  assertDimension('end', end);
  if (start > end || end > m.rows) {
    throw new RangeError(`rowView: rows ${start}..${end} are outside a ${shapeOf(m)} matrix`);
  }
  return {
    rows: end - start,
    cols: m.cols,
    data: m.data.subarray(start * m.cols, end * m.cols) as T,
  };
}

/**
 * A copy of `m` with its own storage.
 *
 * @param m - the matrix to copy
 * @param options - `dtype` of the copy; by default the dtype of `m`
 */
export function clone(m: Matrix, options: DTypeOptions = {}): Matrix {
  assertMatrix('m', m);
  const out = zeros(m.rows, m.cols, { dtype: options.dtype ?? dtypeOf(m) });
  out.data.set(m.data);
  return out;
}

const SRC_OUT = ['src', 'out'] as const;

/** Copies `src` into `out`, which must have the same shape. Returns `out`. */
export function copyInto(src: Matrix, out: Matrix): Matrix {
  assertMatrix('src', src);
  assertMatrix('out', out);
  assertSameShape('copyInto', src, out, SRC_OUT);
  out.data.set(src.data);
  return out;
}

function assertIndex(op: string, m: Matrix, i: number, j: number): void {
  assertMatrix('m', m);
  if (!Number.isInteger(i)) throw new TypeError(`${op}: i must be an integer, got ${String(i)}`);
  if (!Number.isInteger(j)) throw new TypeError(`${op}: j must be an integer, got ${String(j)}`);
  if (i < 0 || i >= m.rows || j < 0 || j >= m.cols) {
    throw new RangeError(`${op}: index (${i}, ${j}) is outside a ${shapeOf(m)} matrix`);
  }
}

/**
 * Element (i, j) of `m`.
 *
 * @param m - the matrix
 * @param i - row, 0 to rows - 1
 * @param j - column, 0 to cols - 1
 */
export function get(m: Matrix, i: number, j: number): number {
  assertIndex('get', m, i, j);
  return m.data[i * m.cols + j] as number;
}

/**
 * Writes `value` at (i, j) of `m` (rounded to float32 in a float32 matrix).
 *
 * @param m - the matrix, modified
 * @param i - row, 0 to rows - 1
 * @param j - column, 0 to cols - 1
 * @param value - the new value
 */
export function setInPlace(m: Matrix, i: number, j: number, value: number): void {
  assertIndex('setInPlace', m, i, j);
  if (typeof value !== 'number') {
    throw new TypeError(`setInPlace: value must be a number, got ${typeof value}`);
  }
  m.data[i * m.cols + j] = value;
}

/**
 * True when `a` and `b` have the same shape and every pair of elements
 * satisfies |a - b| <= atol + rtol · |b|. Equal infinities are close; NaN is
 * close to nothing, not even NaN. Different shapes give false, not an error.
 *
 * @param a - first matrix
 * @param b - second matrix, the reference that `rtol` scales by
 * @param rtol - relative tolerance, a finite number >= 0 (default 1e-9)
 * @param atol - absolute tolerance, a finite number >= 0 (default 1e-12)
 */
export function allClose(a: Matrix, b: Matrix, rtol = 1e-9, atol = 1e-12): boolean {
  assertMatrix('a', a);
  assertMatrix('b', b);
  assertFiniteNumber('rtol', rtol);
  assertFiniteNumber('atol', atol);
  if (rtol < 0) throw new TypeError(`rtol must be >= 0, got ${rtol}`);
  if (atol < 0) throw new TypeError(`atol must be >= 0, got ${atol}`);
  if (a.rows !== b.rows || a.cols !== b.cols) return false;
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < x.length; i++) {
    const u = x[i] as number;
    const v = y[i] as number;
    if (u === v) continue;
    // An infinite b is close only to itself (rtol·|b| would be infinite); NaN fails the test.
    if (!(Number.isFinite(v) && Math.abs(u - v) <= atol + rtol * Math.abs(v))) return false;
  }
  return true;
}
