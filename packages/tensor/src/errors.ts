import type { FloatArray, Matrix } from './matrix.js';

/** `rows x cols` as text, for error messages. */
export function shapeOf(m: Pick<Matrix, 'rows' | 'cols'>): string {
  return `${m.rows}x${m.cols}`;
}

const A_B = ['a', 'b'] as const;

/**
 * Throws a RangeError naming both shapes unless `a` and `b` have the same shape.
 *
 * @param op - the operation, first word of the message
 * @param a - first matrix
 * @param b - second matrix
 * @param names - how the message calls the two matrices (default `a` and `b`)
 */
export function assertSameShape(
  op: string,
  a: Matrix,
  b: Matrix,
  names: readonly [string, string] = A_B,
): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(
      `${op}: shape mismatch, ${names[0]} is ${shapeOf(a)} but ${names[1]} is ${shapeOf(b)}`,
    );
  }
}

/** Throws a RangeError naming both shapes unless `out` has shape rows x cols. */
export function assertOutShape(op: string, out: Matrix, rows: number, cols: number): void {
  if (out.rows !== rows || out.cols !== cols) {
    throw new RangeError(`${op}: out is ${shapeOf(out)} but the result is ${rows}x${cols}`);
  }
}

function describeValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const { rows, cols, data } = value as Record<string, unknown>;
  let kind: string;
  if (data instanceof Float64Array || data instanceof Float32Array) {
    kind = `${data.constructor.name}(${data.length})`;
  } else if (data !== null && typeof data === 'object') {
    kind = Array.isArray(data) ? 'an array' : (data.constructor?.name ?? 'object');
  } else {
    kind = String(data);
  }
  return `{ rows: ${String(rows)}, cols: ${String(cols)}, data: ${kind} }`;
}

/**
 * Throws a TypeError naming the argument unless `value` is a matrix: integer
 * `rows` and `cols` and a Float64Array or Float32Array `data` of rows·cols values.
 */
export function assertMatrix(name: string, value: unknown): asserts value is Matrix {
  const m = value as Matrix | null | undefined;
  if (
    m === null ||
    typeof m !== 'object' ||
    !(m.data instanceof Float64Array || m.data instanceof Float32Array) ||
    !Number.isInteger(m.rows) ||
    !Number.isInteger(m.cols) ||
    m.rows < 0 ||
    m.cols < 0 ||
    m.data.length !== m.rows * m.cols
  ) {
    throw new TypeError(
      `${name} must be a matrix { rows, cols, data: Float64Array | Float32Array of rows·cols values }, got ${describeValue(value)}`,
    );
  }
}

/** True when the two arrays share at least one element of storage. */
export function overlaps(x: FloatArray, y: FloatArray): boolean {
  if (x.buffer !== y.buffer) return false;
  const x0 = x.byteOffset;
  const x1 = x0 + x.byteLength;
  const y0 = y.byteOffset;
  const y1 = y0 + y.byteLength;
  return x0 < y1 && y0 < x1;
}

/** Throws a RangeError when `out` shares storage with `input` (for ops that cannot work in place). */
export function assertNoOverlap(op: string, out: Matrix, input: Matrix, inputName: string): void {
  if (overlaps(out.data, input.data)) {
    throw new RangeError(`${op}: out must not share storage with ${inputName}`);
  }
}

/** Throws a TypeError unless `value` is a non-negative integer. */
export function assertDimension(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

/** Throws a TypeError unless `value` is a finite number. */
export function assertFiniteNumber(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a finite number, got ${String(value)}`);
  }
}

/** Throws a TypeError unless `value` is undefined or a boolean. */
export function assertOptionalBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`${name} must be a boolean, got ${String(value)}`);
  }
}
