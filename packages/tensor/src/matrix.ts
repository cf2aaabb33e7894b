import { assertDimension, assertSameShape, shapeOf } from './errors.js';

/** The typed arrays a matrix can live in. Float64 is the reference precision. */
export type FloatArray = Float64Array | Float32Array;

/** Element type of a matrix. */
export type DType = 'float64' | 'float32';

/**
 * A dense matrix: `rows x cols` values stored row-major in `data`, so element
 * (i, j) is `data[i * cols + j]`. A mini-batch is a matrix with one sample per row.
 */
export interface Matrix<T extends FloatArray = FloatArray> {
  readonly rows: number;
  readonly cols: number;
  readonly data: T;
}

/** Options shared by the constructors. */
export interface DTypeOptions {
  /** Element type, `'float64'` (default) or `'float32'`. */
  dtype?: DType;
}

/** The dtype of a matrix's storage. */
export function dtypeOf(m: Matrix): DType {
  return m.data instanceof Float32Array ? 'float32' : 'float64';
}

function allocate(length: number, dtype: DType | undefined): FloatArray {
  if (dtype === undefined || dtype === 'float64') return new Float64Array(length);
  if (dtype === 'float32') return new Float32Array(length);
  throw new TypeError(`dtype must be 'float64' or 'float32', got ${String(dtype)}`);
}

/** A rows x cols matrix of zeros. */
export function zeros(rows: number, cols: number, options: DTypeOptions = {}): Matrix {
  assertDimension('rows', rows);
  assertDimension('cols', cols);
  return { rows, cols, data: allocate(rows * cols, options.dtype) };
}

/** A rows x cols matrix with every element equal to `value`. */
export function filled(rows: number, cols: number, value: number, options: DTypeOptions = {}): Matrix {
  const m = zeros(rows, cols, options);
  m.data.fill(value);
  return m;
}

/** A zero matrix with the shape and dtype of `m`. */
export function zerosLike(m: Matrix): Matrix {
  return zeros(m.rows, m.cols, { dtype: dtypeOf(m) });
}

/**
 * A matrix from nested arrays, one inner array per row. Every row must have
 * the same length and every value must be a number.
 */
export function fromArray(values: readonly (readonly number[])[], options: DTypeOptions = {}): Matrix {
  if (!Array.isArray(values)) {
    throw new TypeError(`values must be an array of rows, got ${typeof values}`);
  }
  const rows = values.length;
  const first = values[0];
  const cols = first === undefined ? 0 : first.length;
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

/** Wraps an existing typed array (no copy) as a rows x cols matrix. */
export function fromTypedArray<T extends FloatArray>(data: T, rows: number, cols: number): Matrix<T> {
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

/** The matrix as nested arrays, one per row. */
export function toArray(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) {
    out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  }
  return out;
}

/**
 * Rows `start` (inclusive) to `end` (exclusive) of `m` as a matrix that shares
 * `m`'s storage: writing to the view writes to `m`. Used for mini-batches.
 */
export function rowView<T extends FloatArray>(m: Matrix<T>, start: number, end: number): Matrix<T> {
  assertDimension('start', start);
  assertDimension('end', end);
  if (start > end || end > m.rows) {
    throw new RangeError(`rowView: rows ${start}..${end} are outside a ${shapeOf(m)} matrix`);
  }
  return { rows: end - start, cols: m.cols, data: m.data.subarray(start * m.cols, end * m.cols) as T };
}

/** A copy of `m` with its own storage (same dtype unless `dtype` is given). */
export function clone(m: Matrix, options: DTypeOptions = {}): Matrix {
  const out = zeros(m.rows, m.cols, { dtype: options.dtype ?? dtypeOf(m) });
  out.data.set(m.data);
  return out;
}

/** Copies `src` into `out` (same shape). Returns `out`. */
export function copyInto(src: Matrix, out: Matrix): Matrix {
  assertSameShape('copyInto', src, out, ['src', 'out']);
  out.data.set(src.data);
  return out;
}

/** Element (i, j) of `m`. */
export function get(m: Matrix, i: number, j: number): number {
  if (i < 0 || i >= m.rows || j < 0 || j >= m.cols || !Number.isInteger(i) || !Number.isInteger(j)) {
    throw new RangeError(`get: index (${i}, ${j}) is outside a ${shapeOf(m)} matrix`);
  }
  return m.data[i * m.cols + j] as number;
}

/** Writes `value` at (i, j) of `m`. */
export function setInPlace(m: Matrix, i: number, j: number, value: number): void {
  if (i < 0 || i >= m.rows || j < 0 || j >= m.cols || !Number.isInteger(i) || !Number.isInteger(j)) {
    throw new RangeError(`set: index (${i}, ${j}) is outside a ${shapeOf(m)} matrix`);
  }
  m.data[i * m.cols + j] = value;
}

/**
 * True when `a` and `b` have the same shape and every pair of elements
 * satisfies |a - b| <= atol + rtol * |b|. NaN never equals anything.
 */
export function allClose(a: Matrix, b: Matrix, rtol = 1e-9, atol = 1e-12): boolean {
  if (a.rows !== b.rows || a.cols !== b.cols) return false;
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < x.length; i++) {
    const u = x[i] as number;
    const v = y[i] as number;
    if (!(Math.abs(u - v) <= atol + rtol * Math.abs(v))) {
      if (u !== v) return false;
    }
  }
  return true;
}
