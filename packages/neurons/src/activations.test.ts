import {
  ACTIVATION_NAMES,
  type Activation,
  activationByName,
  isActivationName,
  LEAKY_RELU_SLOPE,
  leakyRelu,
  linear,
  relu,
  sigmoid,
  softmax,
  step,
  tanh,
} from '@mlisp/neurons';
import { fromArray, Rng, toArray, zeros } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';

const elementwise: Activation[] = [step, sigmoid, tanh, relu, leakyRelu, linear];
const differentiable: Activation[] = [sigmoid, tanh, relu, leakyRelu, linear];

function randomMatrix(rng: Rng, rows: number, cols: number, spread = 3) {
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal(0, spread);
  return m;
}

describe('step (problem 1 perceptron)', () => {
  it('is 1 exactly when z > 0 and 0 otherwise, including z = 0', () => {
    expect(step.fn(0)).toBe(0);
    expect(step.fn(-0)).toBe(0);
    expect(step.fn(Number.MIN_VALUE)).toBe(1);
    expect(step.fn(-Number.MIN_VALUE)).toBe(0);
    expect(step.fn(7)).toBe(1);
    expect(step.fn(-7)).toBe(0);
  });
  it('has derivative 0 away from 0 and undefined (NaN) at 0', () => {
    expect(step.derivative(3)).toBe(0);
    expect(step.derivative(-3)).toBe(0);
    expect(step.derivative(0)).toBeNaN();
    const z = fromArray([[0, 1, -1]]);
    const d = step.derivativeBatch(z, step.forward(z));
    expect(d.data[0]).toBeNaN();
    expect(Array.from(d.data.subarray(1))).toEqual([0, 0]);
  });
});

describe('sigmoid', () => {
  it('never overflows or gives NaN for finite z', () => {
    const zs = [
      -Number.MAX_VALUE,
      -1e308,
      -800,
      -745,
      -710,
      -40,
      0,
      40,
      710,
      745,
      800,
      1e308,
      Number.MAX_VALUE,
    ];
    for (const z of zs) {
      const s = sigmoid.fn(z);
      expect(Number.isFinite(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
      expect(Number.isFinite(sigmoid.derivative(z))).toBe(true);
    }
    const m = fromArray([zs]);
    const a = sigmoid.forward(m);
    expect(a.data.every((v) => Number.isFinite(v))).toBe(true);
    expect(sigmoid.derivativeBatch(m, a).data.every((v) => Number.isFinite(v))).toBe(true);
  });
  it('is 0.5 at 0, 1/(1+e^-z) elsewhere and symmetric', () => {
    expect(sigmoid.fn(0)).toBe(0.5);
    for (const z of [-5, -1, -0.25, 0.3, 2, 9]) {
      expect(sigmoid.fn(z)).toBeCloseTo(1 / (1 + Math.exp(-z)), 15);
      expect(sigmoid.fn(-z)).toBeCloseTo(1 - sigmoid.fn(z), 15);
      expect(sigmoid.derivative(z)).toBeCloseTo(sigmoid.fn(z) * (1 - sigmoid.fn(z)), 15);
    }
    expect(sigmoid.fn(-800)).toBe(0);
    expect(sigmoid.fn(800)).toBe(1);
  });
});

describe('element-wise activations', () => {
  const rng = new Rng(11);
  it.each(elementwise.map((a) => [a.name, a] as const))(
    '%s: forward agrees with fn, derivativeBatch with derivative',
    (_n, act) => {
      const z = randomMatrix(rng, 4, 7);
      const a = act.forward(z);
      const d = act.derivativeBatch(z, a);
      for (let i = 0; i < z.data.length; i++) {
        const v = z.data[i] as number;
        expect(a.data[i]).toBeCloseTo(act.fn(v), 14);
        expect(d.data[i]).toBeCloseTo(act.derivative(v), 14);
      }
      expect(act.elementwise).toBe(true);
    },
  );
  it.each(differentiable.map((a) => [a.name, a] as const))(
    '%s: derivative matches central differences',
    (_n, act) => {
      for (let t = 0; t < 50; t++) {
        let z = rng.normal(0, 3);
        if (Math.abs(z) < 1e-3) z = 0.5; // away from the kink of relu / leaky relu
        const h = 1e-6;
        const numeric = (act.fn(z + h) - act.fn(z - h)) / (2 * h);
        expect(Math.abs(numeric - act.derivative(z))).toBeLessThan(1e-8);
      }
    },
  );
  it('relu, leaky relu and linear have the documented values', () => {
    expect(relu.fn(-2)).toBe(0);
    expect(relu.fn(2)).toBe(2);
    expect(relu.derivative(0)).toBe(0);
    expect(leakyRelu.name).toBe('leaky-relu');
    expect(LEAKY_RELU_SLOPE).toBe(0.01);
    expect(leakyRelu.fn(-2)).toBeCloseTo(-0.02, 15);
    expect(leakyRelu.derivative(-2)).toBe(0.01);
    expect(leakyRelu.derivative(0)).toBe(0.01);
    expect(linear.fn(-3.5)).toBe(-3.5);
    expect(linear.derivative(8)).toBe(1);
    expect(tanh.fn(0.7)).toBe(Math.tanh(0.7));
  });
  it('writes into out, which may alias the input, and checks its shape', () => {
    for (const act of [...elementwise, softmax]) {
      const z = randomMatrix(rng, 3, 5);
      const expected = act.forward(z);
      const out = act.forward(z, z);
      expect(out).toBe(z);
      expect(toArray(out)).toEqual(toArray(expected));
      expect(() => act.forward(z, zeros(5, 3))).toThrow(/out is 5x3 but the input is 3x5/);
    }
    expect(() => sigmoid.derivativeBatch(zeros(2, 2), zeros(2, 3))).toThrow(RangeError);
  });
  it('keeps float32 storage', () => {
    const z = fromArray([[1, -2, 3]], { dtype: 'float32' });
    expect(sigmoid.forward(z).data).toBeInstanceOf(Float32Array);
  });
});

describe('softmax', () => {
  it('gives each row a probability distribution equal to the naive formula', () => {
    const z = fromArray([
      [1, 2, 3],
      [-1, 0, 0.5],
    ]);
    const a = softmax.forward(z);
    for (let i = 0; i < 2; i++) {
      const row = toArray(z)[i] as number[];
      const total = row.reduce((s, v) => s + Math.exp(v), 0);
      row.forEach((v, j) => {
        expect(a.data[i * 3 + j]).toBeCloseTo(Math.exp(v) / total, 15);
      });
    }
  });
  it('is numerically stable for huge and tiny z', () => {
    const a = softmax.forward(
      fromArray([
        [1000, 1000, 999],
        [-1e6, -1e6, -1e6],
      ]),
    );
    expect(a.data.every((v) => Number.isFinite(v))).toBe(true);
    expect(a.data[0]).toBeCloseTo(Math.E / (2 * Math.E + 1), 14);
    expect(a.data[3]).toBeCloseTo(1 / 3, 15);
    expect(softmax.elementwise).toBe(false);
  });
  it('has no element-wise value or derivative', () => {
    expect(() => softmax.fn(1)).toThrow(/whole layer/);
    expect(() => softmax.derivative(1)).toThrow(/Jacobian/);
    expect(() => softmax.derivativeBatch(zeros(1, 2), zeros(1, 2))).toThrow(/log-likelihood/);
  });
});

describe('activationByName', () => {
  it('finds every built-in activation', () => {
    expect(ACTIVATION_NAMES).toEqual([
      'step',
      'sigmoid',
      'tanh',
      'relu',
      'leaky-relu',
      'linear',
      'softmax',
    ]);
    for (const name of ACTIVATION_NAMES) {
      expect(activationByName(name).name).toBe(name);
      expect(isActivationName(name)).toBe(true);
    }
    expect(isActivationName('swish')).toBe(false);
    expect(isActivationName(3)).toBe(false);
  });
  it('throws naming the unknown name and listing the known ones', () => {
    expect(() => activationByName('swish')).toThrow(TypeError);
    expect(() => activationByName('swish')).toThrow(
      'unknown activation "swish"; known activations: step, sigmoid, tanh, relu, leaky-relu, linear, softmax',
    );
  });
  it('returns frozen objects', () => {
    expect(Object.isFrozen(sigmoid)).toBe(true);
  });
});
