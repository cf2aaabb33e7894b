import { type Layer, sigmoid } from '@mlisp/neurons';
import { type Matrix, zeros } from '@mlisp/tensor';
import { assertClasses, assertGain, assertLabel } from './validate.js';

/**
 * The number of output neurons of the binary layer: the smallest `bits` with
 * 2^bits ≥ classes, i.e. ceil(log2 classes) (4 for the ten MNIST digits).
 *
 * @param classes - the number of classes, an integer ≥ 2
 */
export function bitsFor(classes: number): number {
  assertClasses(classes);
  let bits = 1;
  while (2 ** bits < classes) bits++;
  return bits;
}

/**
 * The binary code of a label as a string, most significant bit first, with
 * {@link bitsFor}(classes) digits: `binaryCode(9, 10)` is `'1001'`.
 *
 * @param label - the class, an integer in 0..classes−1
 * @param classes - the number of classes, an integer ≥ 2
 */
export function binaryCode(label: number, classes: number): string {
  const bits = bitsFor(classes);
  assertLabel(label, classes);
  return label.toString(2).padStart(bits, '0');
}

/**
 * Problem 3's weight table: row j is output neuron j+1 (row 0 = output neuron 1
 * = the least significant bit), column d is input digit d; the weight is +1
 * where bit j of d is set and −1 where it is not. For ten classes this is the
 * problem set's 4 x 10 table exactly.
 *
 * @param classes - the number of classes (inputs of the layer), an integer ≥ 2
 * @returns `bitsFor(classes)` rows of `classes` numbers, each +1 or −1
 */
export function binaryWeights(classes: number): number[][] {
  const bits = bitsFor(classes);
  const table: number[][] = [];
  for (let j = 0; j < bits; j++) {
    const row: number[] = [];
    for (let d = 0; d < classes; d++) row.push(bitOf(d, j) ? 1 : -1);
    table.push(row);
  }
  return table;
}

function bitOf(value: number, bit: number): boolean {
  return Math.floor(value / 2 ** bit) % 2 === 1;
}

/** Options of {@link binaryLayer} and {@link stackBinaryEncoder}. */
export interface BinaryLayerOptions {
  /** Multiplies every weight of the table (biases stay 0); a finite number > 0. Default 1. */
  gain?: number;
}

/**
 * Problem 3's one-hot → binary output layer: `bitsFor(classes)` sigmoid
 * neurons fed by `classes` inputs, weights = gain × {@link binaryWeights},
 * biases 0. Neuron j's output σ(z_j) > 0.5 (z_j > 0) says bit j is set.
 *
 * @param classes - the number of one-hot inputs, an integer ≥ 2 (default 10)
 * @param options - `gain`, the factor on every weight (default 1)
 * @returns a new {@link Layer}: weights `bits x classes`, biases `1 x bits`
 * @throws TypeError for classes < 2 or a gain that is not a finite number > 0
 */
export function binaryLayer(classes = 10, options: BinaryLayerOptions = {}): Layer {
  const gain = options.gain ?? 1;
  assertGain(gain);
  const table = binaryWeights(classes);
  const weights = zeros(table.length, classes);
  table.forEach((row, j) => {
    row.forEach((w, d) => {
      weights.data[j * classes + d] = gain * w;
    });
  });
  return { weights, biases: zeros(1, table.length), activation: sigmoid };
}

/** What a binary output names. */
export interface BinaryDecoding {
  /** The decided bits, most significant first, e.g. `'1001'`. */
  readonly code: string;
  /** The integer the bits spell (0..2^bits − 1). */
  readonly value: number;
  /** The class the code names, or null when `value` ≥ classes (e.g. 1111 for ten classes). */
  readonly label: number | null;
  /** True when the code names a class. */
  readonly valid: boolean;
}

/** Options of {@link decodeBinary}. */
export interface DecodeOptions {
  /**
   * A bit is set when its output is strictly above this. Default 0.5, for
   * sigmoid outputs σ(z); pass 0 to decode the pre-activations z themselves
   * (σ(z) > 0.5 exactly when z > 0).
   */
  threshold?: number;
}

/**
 * Decodes one output of the binary layer: bit j (neuron j+1, LSB first) is set
 * when outputs[j] > threshold. A code that names no class is reported as such
 * (`valid: false`, `label: null`), never as a wrong class.
 *
 * @param outputs - the layer's `bitsFor(classes)` outputs, LSB first (no NaN)
 * @param classes - the number of classes the code should name, an integer ≥ 2
 * @param options - `threshold` (default 0.5; 0 for pre-activations)
 * @throws RangeError when outputs has the wrong length; TypeError for NaN or a bad threshold
 */
export function decodeBinary(
  outputs: ArrayLike<number>,
  classes: number,
  options: DecodeOptions = {},
): BinaryDecoding {
  const bits = bitsFor(classes);
  if (outputs === null || typeof outputs !== 'object' || typeof outputs.length !== 'number') {
    throw new TypeError(`outputs must be an array of ${bits} numbers, got ${String(outputs)}`);
  }
  if (outputs.length !== bits) {
    throw new RangeError(
      `outputs has ${outputs.length} values, expected ${bits} bits for ${classes} classes`,
    );
  }
  return decodeAt(outputs, 0, bits, classes, threshold(options));
}

/**
 * Decodes a batch of binary outputs, one sample per row (see {@link decodeBinary}).
 *
 * @param outputs - an `n x bitsFor(classes)` matrix, LSB in column 0
 * @param classes - the number of classes, an integer ≥ 2
 * @param options - `threshold` (default 0.5; 0 for pre-activations)
 * @returns one {@link BinaryDecoding} per row
 * @throws RangeError when the matrix does not have bitsFor(classes) columns
 */
export function decodeBinaryBatch(
  outputs: Matrix,
  classes: number,
  options: DecodeOptions = {},
): BinaryDecoding[] {
  const bits = bitsFor(classes);
  if (outputs.cols !== bits) {
    throw new RangeError(
      `outputs is ${outputs.rows}x${outputs.cols}, expected ${outputs.rows}x${bits} (${bits} bits for ${classes} classes)`,
    );
  }
  const t = threshold(options);
  const result: BinaryDecoding[] = [];
  for (let i = 0; i < outputs.rows; i++)
    result.push(decodeAt(outputs.data, i * bits, bits, classes, t));
  return result;
}

function threshold(options: DecodeOptions): number {
  const t = options.threshold ?? 0.5;
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    throw new TypeError(`threshold must be a finite number, got ${String(t)}`);
  }
  return t;
}

function decodeAt(
  outputs: ArrayLike<number>,
  offset: number,
  bits: number,
  classes: number,
  t: number,
): BinaryDecoding {
  let value = 0;
  let code = '';
  for (let j = bits - 1; j >= 0; j--) {
    const v = outputs[offset + j];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new TypeError(`output of bit ${j} is ${String(v)}, expected a number`);
    }
    const set = v > t;
    code += set ? '1' : '0';
    value = 2 * value + (set ? 1 : 0);
  }
  const valid = value < classes;
  return { code, value, label: valid ? value : null, valid };
}
