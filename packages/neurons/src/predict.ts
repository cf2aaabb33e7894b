/**
 * What a trained classifier says: the class of each input (`predict`) and how
 * the predictions compare with the true labels (`confusionMatrix`).
 */
import { argmaxRows, fromArray, type Matrix, rowView } from '@mlisp/tensor';
import { feedforward } from './network.js';
import type { Network } from './types.js';

/** Rows fed forward at a time, so predicting a large set needs little memory. */
const CHUNK = 1000;

function toBatch(network: Network, inputs: unknown): Matrix {
  const nIn = network.sizes[0] as number;
  if (Array.isArray(inputs)) {
    if (inputs.length > 0 && !Array.isArray(inputs[0]) && !ArrayBuffer.isView(inputs[0])) {
      throw new TypeError(
        `predict: inputs must be a Matrix or an array of rows (number[][]), got an array of ${typeof inputs[0]}; wrap one input as [input]`,
      );
    }
    return fromArray(inputs.map((row) => Array.from(row as ArrayLike<number>)));
  }
  const m = inputs as Partial<Matrix> | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    !(m.data instanceof Float64Array || m.data instanceof Float32Array) ||
    !Number.isInteger(m.rows) ||
    !Number.isInteger(m.cols)
  ) {
    throw new TypeError(
      `predict: inputs must be a Matrix { rows, cols, data: Float64Array | Float32Array } or number[][] with ${nIn} values per row`,
    );
  }
  if (m.data.length !== (m.rows as number) * (m.cols as number)) {
    throw new RangeError(
      `predict: inputs.data has ${m.data.length} values but inputs is ${m.rows}x${m.cols} (${(m.rows as number) * (m.cols as number)} values)`,
    );
  }
  return m as Matrix;
}

/**
 * The class the network gives each input: the index of its largest output
 * (argmax of a^L), or, for a network with one output neuron, 1 when that
 * output is above 0.5 and 0 otherwise.
 *
 * @param network - a trained network
 * @param inputs - one sample per row: a Matrix (`m x sizes[0]`) or an array of `m` rows
 * @returns the `m` predicted classes
 * @throws TypeError when inputs is neither; RangeError when a row does not have sizes[0] values
 */
export function predict(
  network: Network,
  inputs: Matrix | readonly (readonly number[] | ArrayLike<number>)[],
): number[] {
  const batch = toBatch(network, inputs);
  const out: number[] = [];
  for (let start = 0; start < batch.rows; start += CHUNK) {
    const a = feedforward(network, rowView(batch, start, Math.min(batch.rows, start + CHUNK)));
    if (a.cols === 1) for (const v of a.data) out.push(v > 0.5 ? 1 : 0);
    else for (const k of argmaxRows(a)) out.push(k);
  }
  return out;
}

function checkClasses(values: ArrayLike<number>, name: string, classes: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= classes) {
      throw new RangeError(
        `confusionMatrix: ${name}[${i}] is ${v}, expected an integer class 0..${classes - 1}`,
      );
    }
  }
}

/**
 * The confusion matrix: `confusion[actual][predicted]` counts the samples of
 * class `actual` that were predicted as `predicted`; the diagonal holds the
 * correct answers.
 *
 * @param predicted - the predicted class of each sample (e.g. from {@link predict})
 * @param labels - the true class of each sample, as many as `predicted`
 * @param classes - the number of classes (default: 1 + the largest class seen, at least 2)
 * @returns a `classes x classes` array of counts
 * @throws RangeError for different lengths or a class outside 0..classes−1;
 *   TypeError when the arguments are not arrays of numbers
 */
export function confusionMatrix(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes?: number,
): number[][] {
  for (const [name, value] of [
    ['predicted', predicted],
    ['labels', labels],
  ] as const) {
    if (value === null || typeof value !== 'object' || typeof value.length !== 'number') {
      throw new TypeError(
        `confusionMatrix: ${name} must be an array of classes, got ${String(value)}`,
      );
    }
  }
  if (predicted.length !== labels.length) {
    throw new RangeError(
      `confusionMatrix: predicted has ${predicted.length} entries but labels has ${labels.length}`,
    );
  }
  let n = classes;
  if (n === undefined) {
    n = 2;
    for (const values of [predicted, labels]) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as number;
        if (Number.isInteger(v) && v + 1 > n) n = v + 1;
      }
    }
  } else if (!Number.isInteger(n) || n < 1) {
    throw new TypeError(`confusionMatrix: classes must be a positive integer, got ${String(n)}`);
  }
  checkClasses(predicted, 'predicted', n);
  checkClasses(labels, 'labels', n);
  const confusion = Array.from({ length: n }, () => new Array<number>(n as number).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const row = confusion[labels[i] as number] as number[];
    const p = predicted[i] as number;
    row[p] = (row[p] as number) + 1;
  }
  return confusion;
}
