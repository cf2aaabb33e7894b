import type { Matrix } from './matrix.js';

/** `rows x cols` as text, for error messages. */
export function shapeOf(m: Pick<Matrix, 'rows' | 'cols'>): string {
  return `${m.rows}x${m.cols}`;
}

/** Throws a RangeError naming both shapes unless `a` and `b` have the same shape. */
export function assertSameShape(op: string, a: Matrix, b: Matrix, names = ['a', 'b']): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(
      `${op}: shape mismatch, ${names[0]} is ${shapeOf(a)} but ${names[1]} is ${shapeOf(b)}`,
    );
  }
}

/** Throws a RangeError unless `out` has shape rows x cols. */
export function assertOutShape(op: string, out: Matrix, rows: number, cols: number): void {
  if (out.rows !== rows || out.cols !== cols) {
    throw new RangeError(`${op}: out is ${shapeOf(out)} but the result is ${rows}x${cols}`);
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
