import { type Activation, type CostName, MODEL_COST_NAMES } from '@mlisp/neurons';
import { dtypeOf, type Matrix, shapeOf, zeros } from '@mlisp/tensor';

/**
 * A cost function C, as network2.py's cost classes: its value for a batch and
 * its output error δ^L = ∂C_x/∂z^L (BP1). Batches have one sample per row.
 */
export interface Cost {
  /** The name written in model files: `'quadratic'`, `'cross-entropy'` or `'log-likelihood'`. */
  readonly name: CostName;
  /**
   * C_x of one sample.
   * @param a - the output activations a^L of the sample
   * @param y - the desired output y(x), same length
   */
  fn(a: ArrayLike<number>, y: ArrayLike<number>): number;
  /**
   * Σ_x C_x: the per-sample cost summed over the rows of a batch (divide by the
   * number of samples, or use `totalCost`, for the book's C).
   * @param a - output activations, one sample per row (m x n_L)
   * @param y - desired outputs, same shape
   */
  sum(a: Matrix, y: Matrix): number;
  /**
   * The output error δ^L = ∂C_x/∂z^L of every sample (BP1), row by row.
   * @param z - the output layer's weighted inputs z^L (m x n_L)
   * @param a - its activations a^L = σ(z^L), same shape
   * @param y - desired outputs, same shape
   * @param activation - the output layer's activation σ
   * @param out - where δ^L goes (m x n_L); may alias `z` (and, except for the quadratic cost, `a`)
   * @returns out, or a new matrix of a's dtype
   */
  delta(z: Matrix, a: Matrix, y: Matrix, activation: Activation, out?: Matrix): Matrix;
}

/**
 * ln 0 is replaced by ln(Number.MIN_VALUE) ≈ −744.44, so a cost whose output
 * saturates at exactly 0 or 1 stays finite (as network2.py's nan_to_num) while
 * sums of such costs stay finite too.
 */
export const LOG_FLOOR = Math.log(Number.MIN_VALUE);

function safeLog(x: number): number {
  return x > 0 ? Math.log(x) : LOG_FLOOR;
}

function checkBatch(op: string, a: Matrix, y: Matrix): void {
  if (a.rows !== y.rows || a.cols !== y.cols) {
    throw new RangeError(`${op}: shape mismatch, a is ${shapeOf(a)} but y is ${shapeOf(y)}`);
  }
}

function checkVectors(op: string, a: ArrayLike<number>, y: ArrayLike<number>): void {
  if (a.length !== y.length) {
    throw new RangeError(`${op}: a has ${a.length} values but y has ${y.length}`);
  }
}

function deltaTarget(op: string, z: Matrix, a: Matrix, y: Matrix, out: Matrix | undefined): Matrix {
  checkBatch(op, a, y);
  if (z.rows !== a.rows || z.cols !== a.cols) {
    throw new RangeError(`${op}: shape mismatch, z is ${shapeOf(z)} but a is ${shapeOf(a)}`);
  }
  if (out === undefined) return zeros(a.rows, a.cols, { dtype: dtypeOf(a) });
  if (out.rows !== a.rows || out.cols !== a.cols) {
    throw new RangeError(`${op}: out is ${shapeOf(out)} but the output error is ${shapeOf(a)}`);
  }
  return out;
}

function requireActivation(
  op: string,
  activation: Activation,
  expected: string,
  why: string,
): void {
  if (activation === null || typeof activation !== 'object' || activation.name !== expected) {
    const got =
      activation !== null && typeof activation === 'object' ? activation.name : String(activation);
    throw new TypeError(`${op}: ${why}, got a '${got}' output layer`);
  }
}

/** out = a − y (may alias either). */
function difference(a: Matrix, y: Matrix, o: Matrix): Matrix {
  const u = a.data;
  const v = y.data;
  const d = o.data;
  for (let i = 0; i < d.length; i++) d[i] = (u[i] as number) - (v[i] as number);
  return o;
}

/**
 * The quadratic cost C_x = ½‖y − a‖², whose output error carries σ'(z):
 * δ^L = (a − y) ⊙ σ'(z^L) (the learning slowdown of problem 7). Works with any
 * element-wise output activation.
 */
export const quadratic: Cost = Object.freeze({
  name: 'quadratic',
  fn(a: ArrayLike<number>, y: ArrayLike<number>): number {
    checkVectors('quadratic.fn', a, y);
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const d = (a[i] as number) - (y[i] as number);
      s += d * d;
    }
    return 0.5 * s;
  },
  sum(a: Matrix, y: Matrix): number {
    checkBatch('quadratic.sum', a, y);
    const u = a.data;
    const v = y.data;
    let s = 0;
    for (let i = 0; i < u.length; i++) {
      const d = (u[i] as number) - (v[i] as number);
      s += d * d;
    }
    return 0.5 * s;
  },
  delta(z: Matrix, a: Matrix, y: Matrix, activation: Activation, out?: Matrix): Matrix {
    const o = deltaTarget('quadratic.delta', z, a, y, out);
    if (activation === null || typeof activation !== 'object' || activation.elementwise !== true) {
      throw new TypeError(
        `quadratic.delta: needs an element-wise output activation, got '${activation?.name ?? String(activation)}' (pair softmax with the log-likelihood cost)`,
      );
    }
    if (o.data === a.data || o.data === y.data) {
      throw new RangeError('quadratic.delta: out must not share storage with a or y');
    }
    activation.derivativeBatch(z, a, o);
    const u = a.data;
    const v = y.data;
    const d = o.data;
    for (let i = 0; i < d.length; i++)
      d[i] = ((u[i] as number) - (v[i] as number)) * (d[i] as number);
    return o;
  },
} satisfies Cost);

/**
 * The cross-entropy cost C_x = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)] for
 * sigmoid output neurons, whose output error has no σ'(z): δ^L = a − y.
 * 0·ln 0 counts as 0, and ln 0 as {@link LOG_FLOOR}, so the value is finite
 * even when an output is exactly 0 or 1.
 */
export const crossEntropy: Cost = Object.freeze({
  name: 'cross-entropy',
  fn(a: ArrayLike<number>, y: ArrayLike<number>): number {
    checkVectors('crossEntropy.fn', a, y);
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const ai = a[i] as number;
      const yi = y[i] as number;
      if (yi !== 0) s -= yi * safeLog(ai);
      if (yi !== 1) s -= (1 - yi) * safeLog(1 - ai);
    }
    return s;
  },
  sum(a: Matrix, y: Matrix): number {
    checkBatch('crossEntropy.sum', a, y);
    const u = a.data;
    const v = y.data;
    let s = 0;
    for (let i = 0; i < u.length; i++) {
      const ai = u[i] as number;
      const yi = v[i] as number;
      if (yi !== 0) s -= yi * (ai > 0 ? Math.log(ai) : LOG_FLOOR);
      if (yi !== 1) s -= (1 - yi) * (ai < 1 ? Math.log(1 - ai) : LOG_FLOOR);
    }
    return s;
  },
  delta(z: Matrix, a: Matrix, y: Matrix, activation: Activation, out?: Matrix): Matrix {
    const o = deltaTarget('crossEntropy.delta', z, a, y, out);
    requireActivation(
      'crossEntropy.delta',
      activation,
      'sigmoid',
      'the output error a − y of the cross-entropy cost holds for sigmoid output neurons only',
    );
    return difference(a, y, o);
  },
} satisfies Cost);

/**
 * The log-likelihood cost C_x = −Σ_j y_j ln a_j (−ln a_y for a one-hot y) for a
 * softmax output layer, whose output error is δ^L = a − y. 0·ln 0 counts as 0
 * and ln 0 as {@link LOG_FLOOR}.
 */
export const logLikelihood: Cost = Object.freeze({
  name: 'log-likelihood',
  fn(a: ArrayLike<number>, y: ArrayLike<number>): number {
    checkVectors('logLikelihood.fn', a, y);
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const yi = y[i] as number;
      if (yi !== 0) s -= yi * safeLog(a[i] as number);
    }
    return s;
  },
  sum(a: Matrix, y: Matrix): number {
    checkBatch('logLikelihood.sum', a, y);
    const u = a.data;
    const v = y.data;
    let s = 0;
    for (let i = 0; i < u.length; i++) {
      const yi = v[i] as number;
      if (yi !== 0) {
        const ai = u[i] as number;
        s -= yi * (ai > 0 ? Math.log(ai) : LOG_FLOOR);
      }
    }
    return s;
  },
  delta(z: Matrix, a: Matrix, y: Matrix, activation: Activation, out?: Matrix): Matrix {
    const o = deltaTarget('logLikelihood.delta', z, a, y, out);
    requireActivation(
      'logLikelihood.delta',
      activation,
      'softmax',
      'the output error a − y of the log-likelihood cost holds for a softmax output layer only',
    );
    return difference(a, y, o);
  },
} satisfies Cost);

/** Every cost name, in a fixed order. */
export const COST_NAMES: readonly CostName[] = MODEL_COST_NAMES;

/**
 * The cost with this name.
 *
 * @param name - `'quadratic'`, `'cross-entropy'` or `'log-likelihood'`
 * @throws TypeError naming the unknown name and listing the known ones
 */
export function costByName(name: string): Cost {
  switch (name) {
    case 'quadratic':
      return quadratic;
    case 'cross-entropy':
      return crossEntropy;
    case 'log-likelihood':
      return logLikelihood;
    default:
      throw new TypeError(
        `unknown cost ${JSON.stringify(name)}; known costs: ${COST_NAMES.join(', ')}`,
      );
  }
}
