import { type Matrix, zeros } from '@mlisp/tensor';
import { assertClasses, assertLabel } from './validate.js';

/**
 * The one-hot vector of a label: `classes` values, 1 at index `label`, 0 elsewhere
 * (the desired output y(x) of an MNIST network for digit `label`).
 *
 * @param label - the class, an integer in 0..classes−1
 * @param classes - the number of classes (length of the vector), an integer ≥ 2
 * @returns a new Float64Array
 * @throws RangeError for a label out of range; TypeError for a non-integer label or classes < 2
 */
export function oneHot(label: number, classes: number): Float64Array {
  assertClasses(classes);
  assertLabel(label, classes);
  const y = new Float64Array(classes);
  y[label] = 1;
  return y;
}

/**
 * The one-hot rows of a batch of labels: an `n x classes` matrix whose row i
 * is {@link oneHot}(labels[i], classes) (one sample per row).
 *
 * @param labels - n class labels, each an integer in 0..classes−1
 * @param classes - the number of classes, an integer ≥ 2
 * @returns a new float64 `n x classes` Matrix
 */
export function oneHotBatch(labels: ArrayLike<number>, classes: number): Matrix {
  assertClasses(classes);
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new TypeError(`labels must be an array of class labels, got ${String(labels)}`);
  }
  const y = zeros(labels.length, classes);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    assertLabel(label, classes, `labels[${i}]`);
    y.data[i * classes + label] = 1;
  }
  return y;
}

/** Index of the largest of `count` values starting at `offset` (the first on ties). */
function argmaxRange(
  values: ArrayLike<number>,
  offset: number,
  count: number,
  name: string,
): number {
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < count; j++) {
    const v = values[offset + j];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new TypeError(`${name}: value ${j} is ${String(v)}, expected a number`);
    }
    if (v > bestValue || j === 0) {
      bestValue = v;
      best = j;
    }
  }
  return best;
}

/**
 * Decodes one output vector: the index of its largest value (the first one on
 * ties), i.e. the digit an MNIST network's output layer names.
 *
 * @param a - the output activations (at least one value, no NaN)
 * @returns the index of the largest value
 * @throws TypeError for an empty vector or a NaN value
 */
export function argmax(a: ArrayLike<number>): number {
  if (a === null || typeof a !== 'object' || typeof a.length !== 'number' || a.length === 0) {
    throw new TypeError('argmax: a must be a non-empty array of numbers');
  }
  return argmaxRange(a, 0, a.length, 'argmax');
}

/**
 * Decodes a batch: the index of the largest value of each row (one sample per row).
 *
 * @param a - an `n x classes` matrix of output activations (classes ≥ 1, no NaN)
 * @returns an Int32Array of n indices
 * @throws TypeError for a matrix with no columns or a NaN value
 */
export function argmaxBatch(a: Matrix): Int32Array {
  if (a.cols === 0)
    throw new TypeError(`argmaxBatch: a is ${a.rows}x0, expected at least one column`);
  const out = new Int32Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    out[i] = argmaxRange(a.data, i * a.cols, a.cols, `argmaxBatch: row ${i}`);
  }
  return out;
}
