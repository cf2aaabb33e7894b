// The forms of training data, converted once on entry to the `{ inputs, targets, labels? }`
// matrices the trainer uses; any other is a TypeError naming the argument and what was expected.
import type { Network } from '@mlisp/neurons';
import type { FloatArray, Matrix } from '@mlisp/tensor';
import type { Dataset } from './types.js';

/**
 * One sample per row: a `Matrix` `{ rows, cols, data }` (data a Float64Array, a Float32Array or a
 * copied array of numbers), `{ data, shape: [rows, cols] }` or rows (`number[][]` or typed arrays).
 */
export type MatrixLike =
  | Matrix
  | { readonly rows: number; readonly cols: number; readonly data: ArrayLike<number> }
  | { readonly data: ArrayLike<number>; readonly shape: readonly [number, number] }
  | readonly (readonly number[] | ArrayLike<number>)[];

/**
 * Training data in one of these forms, with `inputs`, `targets`, `images` {@link MatrixLike}
 * (n rows) and `labels` n classes 0..sizes[L]−1:
 * - `{ inputs, targets, labels? }`: the desired output of each input (a {@link Dataset}),
 * - `{ inputs, labels }`: the class of each input; the targets are one-hot rows,
 * - `{ images, labels, size? }`: a `Dataset` of `@mlisp/mnist`, likewise one-hot.
 */
export type TrainingData =
  | Dataset
  | {
      readonly inputs: MatrixLike;
      readonly targets: MatrixLike;
      readonly labels?: ArrayLike<number>;
    }
  | { readonly inputs: MatrixLike; readonly labels: ArrayLike<number> }
  | { readonly images: MatrixLike; readonly labels: ArrayLike<number>; readonly size?: number };

const EXPECTED_MATRIX =
  'a Matrix { rows, cols, data }, number[][] (one row per sample) or { data, shape: [rows, cols] }';
const EXPECTED_DATA =
  '{ inputs, targets }, { inputs, labels } or an @mlisp/mnist Dataset { images, labels, size }';

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty object' : `an object with ${keys.slice(0, 5).join(', ')}`;
  }
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : String(value);
}

function isArrayOfNumbers(value: unknown): value is ArrayLike<number> {
  return (
    (Array.isArray(value) && value.every((v) => typeof v === 'number')) ||
    (ArrayBuffer.isView(value) &&
      !(value instanceof DataView) &&
      !(value instanceof BigInt64Array) &&
      !(value instanceof BigUint64Array))
  );
}

function checkCount(value: unknown, what: string, name: string): number {
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new TypeError(
      `${name}: ${what} must be a non-negative integer, got ${describeValue(value)}`,
    );
  }
  return value as number;
}

/** `data` as a float matrix: Float64Array/Float32Array kept (no copy), else copied to float64. */
function fromData(data: unknown, rows: number, cols: number, name: string): Matrix {
  if (!isArrayOfNumbers(data)) {
    throw new TypeError(
      `${name}.data must be a Float64Array, Float32Array or array of numbers, got ${describeValue(data)}`,
    );
  }
  if (data.length !== rows * cols) {
    throw new TypeError(
      `${name}.data has ${data.length} values but ${name} is ${rows}x${cols}, which needs rows x cols = ${rows * cols}`,
    );
  }
  const floats: FloatArray =
    data instanceof Float64Array || data instanceof Float32Array ? data : Float64Array.from(data);
  return { rows, cols, data: floats };
}

/**
 * `value` as a Matrix with one sample per row.
 * @param value - a {@link MatrixLike}
 * @param name - the argument, for messages (e.g. `trainingData.inputs`)
 * @throws TypeError naming `name` and what was expected, also for a data length ≠ rows x cols
 */
export function toMatrix(value: unknown, name: string): Matrix {
  if (Array.isArray(value)) {
    const rows = value.length;
    const cols = rows === 0 ? 0 : (value[0] as { length?: unknown })?.length;
    if (rows > 0 && typeof cols !== 'number') {
      throw new TypeError(
        `${name} must be ${EXPECTED_MATRIX}, got an array whose first entry is ${describeValue(value[0])}`,
      );
    }
    const data = new Float64Array(rows * (cols as number));
    value.forEach((row, i) => {
      if (!isArrayOfNumbers(row)) {
        throw new TypeError(`${name}[${i}] must be an array of numbers, got ${describeValue(row)}`);
      }
      if (row.length !== cols) {
        throw new TypeError(
          `${name}[${i}] has ${row.length} values but ${name}[0] has ${cols}: every row needs the same length`,
        );
      }
      for (let k = 0; k < row.length; k++) data[i * (cols as number) + k] = row[k] as number;
    });
    return { rows, cols: cols as number, data };
  }
  if (value !== null && typeof value === 'object') {
    const v = value as { rows?: unknown; cols?: unknown; data?: unknown; shape?: unknown };
    if (v.shape !== undefined) {
      if (!Array.isArray(v.shape) || v.shape.length !== 2) {
        throw new TypeError(`${name}.shape must be [rows, cols], got ${describeValue(v.shape)}`);
      }
      const rows = checkCount(v.shape[0], 'shape[0] (rows)', name);
      const cols = checkCount(v.shape[1], 'shape[1] (cols)', name);
      return fromData(v.data, rows, cols, name);
    }
    if (v.rows !== undefined || v.cols !== undefined) {
      const rows = checkCount(v.rows, 'rows', name);
      const cols = checkCount(v.cols, 'cols', name);
      return fromData(v.data, rows, cols, name);
    }
  }
  throw new TypeError(`${name} must be ${EXPECTED_MATRIX}, got ${describeValue(value)}`);
}

/** One-hot rows of `labels` (n x classes), checking every label is a class of the network. */
function oneHot(
  labels: unknown,
  rows: number,
  classes: number,
  name: string,
): { targets: Matrix; labels: ArrayLike<number> } {
  if (!isArrayOfNumbers(labels)) {
    throw new TypeError(
      `${name}.labels must be an array or typed array of classes, got ${describeValue(labels)}`,
    );
  }
  if (labels.length !== rows) {
    throw new TypeError(
      `${name}.labels has ${labels.length} entries but there are ${rows} samples`,
    );
  }
  const data = new Float64Array(rows * classes);
  for (let i = 0; i < rows; i++) {
    const k = labels[i] as number;
    if (!Number.isInteger(k) || k < 0 || k >= classes) {
      throw new TypeError(
        `${name}.labels[${i}] is ${k}, expected an integer class 0..${classes - 1} (the network has ${classes} outputs)`,
      );
    }
    data[i * classes + k] = 1;
  }
  return { targets: { rows, cols: classes, data }, labels };
}

/**
 * Any {@link TrainingData} form as the `{ inputs, targets, labels? }` of matrices the trainer works
 * on; Float64Array or Float32Array matrices are used as they are, other arrays copied.
 * @param network - the network to be trained (its output size is the number of classes)
 * @param value - the data
 * @param name - the argument, for messages (`trainingData`, `options.evaluationData`)
 * @throws TypeError naming the argument and what was expected
 */
export function toDataset(network: Network, value: unknown, name: string): Dataset {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${name} must be ${EXPECTED_DATA}, got ${describeValue(value)}`);
  }
  const v = value as Record<string, unknown>;
  const classes = (network?.sizes?.[network.sizes.length - 1] ?? 0) as number;
  if (v.images !== undefined) {
    const inputs = toMatrix(v.images, `${name}.images`);
    if (v.size !== undefined && v.size !== inputs.rows) {
      throw new TypeError(
        `${name}.size is ${describeValue(v.size)} but ${name}.images has ${inputs.rows} rows`,
      );
    }
    return { inputs, ...oneHot(v.labels, inputs.rows, classes, name) };
  }
  if (v.inputs === undefined) {
    throw new TypeError(`${name} must be ${EXPECTED_DATA}, got ${describeValue(value)}`);
  }
  const inputs = toMatrix(v.inputs, `${name}.inputs`);
  if (v.targets === undefined) {
    if (v.labels === undefined) {
      throw new TypeError(
        `${name} has inputs but neither targets nor labels; expected ${EXPECTED_DATA}`,
      );
    }
    return { inputs, ...oneHot(v.labels, inputs.rows, classes, name) };
  }
  const targets = toMatrix(v.targets, `${name}.targets`);
  if (v.labels !== undefined && !isArrayOfNumbers(v.labels)) {
    throw new TypeError(
      `${name}.labels must be an array or typed array of classes, got ${describeValue(v.labels)}`,
    );
  }
  return v.labels === undefined
    ? { inputs, targets }
    : { inputs, targets, labels: v.labels as ArrayLike<number> };
}

/** Options whose `evaluationData` may be any {@link TrainingData} form. */
export type WithTrainingData<O> = Omit<O, 'evaluationData'> & {
  /** Data to evaluate on after each epoch, in any {@link TrainingData} form. */
  readonly evaluationData?: TrainingData;
};

/**
 * The training data and `options.evaluationData` as {@link Dataset}s, converted once on entry.
 * @param trainingData - the data to train on, any {@link TrainingData} form
 */
export function toTrainingInputs<O>(
  network: Network,
  trainingData: unknown,
  options: WithTrainingData<O>,
): { data: Dataset; options: O } {
  const data = toDataset(network, trainingData, 'trainingData');
  const evaluation = (options as { evaluationData?: unknown } | null)?.evaluationData;
  if (evaluation === undefined || evaluation === null || typeof options !== 'object') {
    return { data, options: options as O };
  }
  return {
    data,
    options: {
      ...options,
      evaluationData: toDataset(network, evaluation, 'options.evaluationData'),
    } as O,
  };
}
