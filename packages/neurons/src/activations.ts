import { dtypeOf, type Matrix, shapeOf, zeros } from '@mlisp/tensor';
import type { Activation, ActivationName } from './types.js';

/*
 * The activation functions σ. Each batched form is its own flat loop over the
 * typed array (no callback per element), writes into `out` when given (which
 * may alias the input) and otherwise allocates one matrix of the input's dtype.
 */

/** The slope of {@link leakyRelu} for z ≤ 0. */
export const LEAKY_RELU_SLOPE = 0.01;

function target(name: string, like: Matrix, out: Matrix | undefined): Matrix {
  if (out === undefined) return zeros(like.rows, like.cols, { dtype: dtypeOf(like) });
  if (out.rows !== like.rows || out.cols !== like.cols) {
    throw new RangeError(`${name}: out is ${shapeOf(out)} but the input is ${shapeOf(like)}`);
  }
  return out;
}

function sameShape(name: string, z: Matrix, a: Matrix): void {
  if (z.rows !== a.rows || z.cols !== a.cols) {
    throw new RangeError(`${name}: z is ${shapeOf(z)} but a is ${shapeOf(a)}`);
  }
}

/** σ(z) = 1 / (1 + e^(−z)), written so that no finite z overflows or gives NaN. */
function sigmoidValue(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * The perceptron's step function, exactly as problem 1 defines it: 1 if z > 0,
 * else 0 (so step(0) = 0). Its derivative is 0 for z ≠ 0 and undefined at 0
 * (`derivative(0)` is NaN), which is why the trainer refuses it (problem 10).
 */
export const step: Activation = Object.freeze({
  name: 'step',
  elementwise: true,
  fn(z: number): number {
    return z > 0 ? 1 : 0;
  },
  derivative(z: number): number {
    return z === 0 ? Number.NaN : 0;
  },
  forward(z: Matrix, out?: Matrix): Matrix {
    const o = target('step.forward', z, out);
    const x = z.data;
    const y = o.data;
    for (let i = 0; i < x.length; i++) y[i] = (x[i] as number) > 0 ? 1 : 0;
    return o;
  },
  derivativeBatch(z: Matrix, a: Matrix, out?: Matrix): Matrix {
    sameShape('step.derivativeBatch', z, a);
    const o = target('step.derivativeBatch', z, out);
    const x = z.data;
    const y = o.data;
    for (let i = 0; i < x.length; i++) y[i] = (x[i] as number) === 0 ? Number.NaN : 0;
    return o;
  },
} satisfies Activation);

/**
 * The logistic sigmoid σ(z) = 1 / (1 + e^(−z)), with σ'(z) = σ(z)(1 − σ(z)).
 * Evaluated without overflow or NaN for every finite z.
 */
export const sigmoid: Activation = Object.freeze({
  name: 'sigmoid',
  elementwise: true,
  fn: sigmoidValue,
  derivative(z: number): number {
    const s = sigmoidValue(z);
    return s * (1 - s);
  },
  forward(z: Matrix, out?: Matrix): Matrix {
    const o = target('sigmoid.forward', z, out);
    const x = z.data;
    const y = o.data;
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number;
      if (v >= 0) {
        y[i] = 1 / (1 + Math.exp(-v));
      } else {
        const e = Math.exp(v);
        y[i] = e / (1 + e);
      }
    }
    return o;
  },
  derivativeBatch(z: Matrix, a: Matrix, out?: Matrix): Matrix {
    sameShape('sigmoid.derivativeBatch', z, a);
    const o = target('sigmoid.derivativeBatch', z, out);
    const s = a.data;
    const y = o.data;
    for (let i = 0; i < s.length; i++) {
      const v = s[i] as number;
      y[i] = v * (1 - v);
    }
    return o;
  },
} satisfies Activation);

/** The hyperbolic tangent, with tanh'(z) = 1 − tanh²(z). */
export const tanh: Activation = Object.freeze({
  name: 'tanh',
  elementwise: true,
  fn(z: number): number {
    return Math.tanh(z);
  },
  derivative(z: number): number {
    const t = Math.tanh(z);
    return 1 - t * t;
  },
  forward(z: Matrix, out?: Matrix): Matrix {
    const o = target('tanh.forward', z, out);
    const x = z.data;
    const y = o.data;
    for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i] as number);
    return o;
  },
  derivativeBatch(z: Matrix, a: Matrix, out?: Matrix): Matrix {
    sameShape('tanh.derivativeBatch', z, a);
    const o = target('tanh.derivativeBatch', z, out);
    const t = a.data;
    const y = o.data;
    for (let i = 0; i < t.length; i++) {
      const v = t[i] as number;
      y[i] = 1 - v * v;
    }
    return o;
  },
} satisfies Activation);

/** The rectified linear unit max(0, z); its derivative is taken as 0 at z = 0. */
export const relu: Activation = Object.freeze({
  name: 'relu',
  elementwise: true,
  fn(z: number): number {
    return Math.max(z, 0);
  },
  derivative(z: number): number {
    return z > 0 ? 1 : 0;
  },
  forward(z: Matrix, out?: Matrix): Matrix {
    const o = target('relu.forward', z, out);
    const x = z.data;
    const y = o.data;
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number;
      y[i] = Math.max(v, 0);
    }
    return o;
  },
  derivativeBatch(z: Matrix, a: Matrix, out?: Matrix): Matrix {
    sameShape('relu.derivativeBatch', z, a);
    const o = target('relu.derivativeBatch', z, out);
    const x = z.data;
    const y = o.data;
    for (let i = 0; i < x.length; i++) y[i] = (x[i] as number) > 0 ? 1 : 0;
    return o;
  },
} satisfies Activation);

/**
 * The leaky ReLU (name `'leaky-relu'`): z for z > 0, else 0.01·z
 * ({@link LEAKY_RELU_SLOPE}); its derivative is 1 for z > 0, else 0.01.
 */
export const leakyRelu: Activation = Object.freeze({
  name: 'leaky-relu',
  elementwise: true,
  fn(z: number): number {
    return z > 0 ? z : LEAKY_RELU_SLOPE * z;
  },
  derivative(z: number): number {
    return z > 0 ? 1 : LEAKY_RELU_SLOPE;
  },
  forward(z: Matrix, out?: Matrix): Matrix {
    const o = target('leakyRelu.forward', z, out);
    const x = z.data;
    const y = o.data;
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number;
      y[i] = v > 0 ? v : LEAKY_RELU_SLOPE * v;
    }
    return o;
  },
  derivativeBatch(z: Matrix, a: Matrix, out?: Matrix): Matrix {
    sameShape('leakyRelu.derivativeBatch', z, a);
    const o = target('leakyRelu.derivativeBatch', z, out);
    const x = z.data;
    const y = o.data;
    for (let i = 0; i < x.length; i++) y[i] = (x[i] as number) > 0 ? 1 : LEAKY_RELU_SLOPE;
    return o;
  },
} satisfies Activation);

/** The identity σ(z) = z, with σ'(z) = 1. */
export const linear: Activation = Object.freeze({
  name: 'linear',
  elementwise: true,
  fn(z: number): number {
    return z;
  },
  derivative(_z: number): number {
    return 1;
  },
  forward(z: Matrix, out?: Matrix): Matrix {
    const o = target('linear.forward', z, out);
    if (o.data !== z.data) o.data.set(z.data);
    return o;
  },
  derivativeBatch(z: Matrix, a: Matrix, out?: Matrix): Matrix {
    sameShape('linear.derivativeBatch', z, a);
    const o = target('linear.derivativeBatch', z, out);
    o.data.fill(1);
    return o;
  },
} satisfies Activation);

/**
 * Softmax over each row (one layer of one sample): a_j = e^(z_j) / Σ_k e^(z_k),
 * computed as e^(z_j − max z) so it never overflows. It is not element-wise:
 * `fn`, `derivative` and `derivativeBatch` throw (its Jacobian is not
 * diagonal); train it as the output layer with the log-likelihood cost, whose
 * output error is simply a − y.
 */
export const softmax: Activation = Object.freeze({
  name: 'softmax',
  elementwise: false,
  fn(_z: number): number {
    throw new TypeError(
      'softmax is defined over a whole layer, not one value: use softmax.forward',
    );
  },
  derivative(_z: number): number {
    throw new TypeError(
      'softmax has no element-wise derivative (its Jacobian is not diagonal); pair it with the log-likelihood cost, whose output error is a − y',
    );
  },
  forward(z: Matrix, out?: Matrix): Matrix {
    const o = target('softmax.forward', z, out);
    const x = z.data;
    const y = o.data;
    const cols = z.cols;
    for (let i = 0; i < z.rows; i++) {
      const base = i * cols;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < cols; j++) {
        const v = x[base + j] as number;
        if (v > max) max = v;
      }
      let total = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp((x[base + j] as number) - max);
        y[base + j] = e;
        total += e;
      }
      const inv = 1 / total;
      for (let j = 0; j < cols; j++) y[base + j] = (y[base + j] as number) * inv;
    }
    return o;
  },
  derivativeBatch(_z: Matrix, _a: Matrix, _out?: Matrix): Matrix {
    throw new TypeError(
      'softmax has no element-wise derivative (its Jacobian is not diagonal); pair it with the log-likelihood cost, whose output error is a − y',
    );
  },
} satisfies Activation);

/** Every built-in activation name, in a fixed order. */
export const ACTIVATION_NAMES: readonly ActivationName[] = Object.freeze([
  'step',
  'sigmoid',
  'tanh',
  'relu',
  'leaky-relu',
  'linear',
  'softmax',
]);

/**
 * The built-in activation with this name.
 *
 * @param name - one of {@link ACTIVATION_NAMES} (as written in model files and CLI flags)
 * @throws TypeError naming the unknown name and listing the known ones
 */
export function activationByName(name: string): Activation {
  switch (name) {
    case 'step':
      return step;
    case 'sigmoid':
      return sigmoid;
    case 'tanh':
      return tanh;
    case 'relu':
      return relu;
    case 'leaky-relu':
      return leakyRelu;
    case 'linear':
      return linear;
    case 'softmax':
      return softmax;
    default:
      throw new TypeError(
        `unknown activation ${JSON.stringify(name)}; known activations: ${ACTIVATION_NAMES.join(', ')}`,
      );
  }
}

/** True when `name` is one of the built-in activation names. */
export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === 'string' && (ACTIVATION_NAMES as readonly string[]).includes(name);
}
