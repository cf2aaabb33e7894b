import {
  COST_NAMES,
  type Cost,
  costByName,
  crossEntropy,
  LOG_FLOOR,
  l2Penalty,
  logLikelihood,
  quadratic,
  totalCost,
} from '@mlisp/costs';
import { type Activation, createNetwork, linear, sigmoid, softmax, tanh } from '@mlisp/neurons';
import { fromArray, type Matrix, Rng, toArray, zeros } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';

const rng = new Rng(2024);

function randomZ(rows: number, cols: number): Matrix {
  const z = zeros(rows, cols);
  for (let i = 0; i < z.data.length; i++) z.data[i] = rng.normal(0, 2);
  return z;
}

function randomTargets(rows: number, cols: number, oneHot: boolean): Matrix {
  const y = zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    if (oneHot) y.data[i * cols + rng.int(cols)] = 1;
    else for (let j = 0; j < cols; j++) y.data[i * cols + j] = rng.uniform();
  }
  return y;
}

/** Independent per-sample references, written straight from the book's formulas. */
const reference: Record<string, (a: number[], y: number[]) => number> = {
  quadratic: (a, y) => 0.5 * a.reduce((s, v, j) => s + (v - (y[j] as number)) ** 2, 0),
  'cross-entropy': (a, y) =>
    -a.reduce((s, v, j) => {
      const t = y[j] as number;
      return s + t * Math.log(v) + (1 - t) * Math.log(1 - v);
    }, 0),
  'log-likelihood': (a, y) => -a.reduce((s, v, j) => s + (y[j] as number) * Math.log(v), 0),
};

/** C_x as a function of the output layer's z, for finite differences. */
function costOfZ(cost: Cost, act: Activation, z: number[], y: number[]): number {
  const a = act.forward(fromArray([z])).data;
  return cost.fn(a, y);
}

const pairings: [Cost, Activation, boolean][] = [
  [quadratic, sigmoid, false],
  [quadratic, tanh, false],
  [quadratic, linear, false],
  [crossEntropy, sigmoid, false],
  [logLikelihood, softmax, true],
];

describe('cost values', () => {
  it.each(pairings.map((p) => [p[0].name, p[1].name, ...p] as const))(
    '%s with %s outputs: sum and fn equal the reference',
    (_c, _a, cost, act, oneHot) => {
      const z = randomZ(7, 5);
      const a = act.forward(z);
      const y = randomTargets(7, 5, oneHot);
      const ref = toArray(a).reduce(
        (s, row, i) => s + reference[cost.name]!(row, toArray(y)[i]!),
        0,
      );
      expect(cost.sum(a, y)).toBeCloseTo(ref, 12);
      expect(cost.fn(a.data.subarray(0, 5), y.data.subarray(0, 5))).toBeCloseTo(
        reference[cost.name]!(toArray(a)[0]!, toArray(y)[0]!),
        13,
      );
      expect(totalCost(cost, a, y)).toBeCloseTo(ref / 7, 12);
    },
  );
  it('quadratic is half the squared distance', () => {
    expect(quadratic.fn([1, 2], [0, 0])).toBe(2.5);
  });
  it('cross-entropy stays finite at a = 0 or 1, with 0·ln 0 = 0', () => {
    expect(crossEntropy.fn([0, 1], [0, 1])).toBe(0);
    expect(crossEntropy.fn([1], [0])).toBe(-LOG_FLOOR);
    expect(crossEntropy.fn([0], [1])).toBe(-LOG_FLOOR);
    expect(LOG_FLOOR).toBeCloseTo(-744.44, 2);
    const a = fromArray([[0, 1, 0, 1]]);
    const y = fromArray([[1, 0, 0, 1]]);
    expect(crossEntropy.sum(a, y)).toBe(-2 * LOG_FLOOR);
    expect(Number.isFinite(crossEntropy.sum(a, y))).toBe(true);
    expect(logLikelihood.fn([0, 1], [1, 0])).toBe(-LOG_FLOOR);
    expect(logLikelihood.fn([0, 1], [0, 1])).toBe(0);
  });
  it('cross-entropy is least at a = y, where it is −[y ln y + (1 − y) ln(1 − y)] (problem 6)', () => {
    for (const y of [0.1, 0.3, 0.5, 0.77, 0.95]) {
      const atY = crossEntropy.fn([y], [y]);
      expect(atY).toBeCloseTo(-(y * Math.log(y) + (1 - y) * Math.log(1 - y)), 14);
      for (let a = 0.001; a < 1; a += 0.001) {
        expect(crossEntropy.fn([a], [y])).toBeGreaterThanOrEqual(atY - 1e-15);
      }
    }
  });
  it('log-likelihood of a one-hot target is −ln a_y', () => {
    expect(logLikelihood.fn([0.2, 0.7, 0.1], [0, 1, 0])).toBeCloseTo(-Math.log(0.7), 15);
  });
});

describe('L2 term', () => {
  const net = createNetwork([3, 4, 2], { seed: 3 });
  const sumSq = net.layers.reduce(
    (s, l) => s + Array.from(l.weights.data).reduce((p, w) => p + w * w, 0),
    0,
  );
  it('is ½·λ/n·Σw² over the weights only', () => {
    expect(l2Penalty(net, 5, 10)).toBeCloseTo((0.5 * 5 * sumSq) / 10, 14);
    expect(l2Penalty(net, 0, 10)).toBe(0);
  });
  it('totalCost adds it to the mean, with n defaulting to the batch size', () => {
    const a = fromArray([
      [0.2, 0.9],
      [0.6, 0.1],
    ]);
    const y = fromArray([
      [0, 1],
      [1, 0],
    ]);
    const mean = quadratic.sum(a, y) / 2;
    expect(totalCost(quadratic, a, y, { lambda: 2, network: net })).toBeCloseTo(
      mean + sumSq / 2,
      14,
    );
    expect(totalCost(quadratic, a, y, { lambda: 2, network: net, n: 8 })).toBeCloseTo(
      mean + sumSq / 8,
      14,
    );
  });
  it('rejects bad arguments', () => {
    expect(() => l2Penalty(net, -1, 3)).toThrow('lambda must be a finite number >= 0, got -1');
    expect(() => l2Penalty(net, 1, 0)).toThrow('n must be a positive integer, got 0');
    const a = fromArray([[0.5]]);
    expect(() => totalCost(quadratic, a, a, { lambda: 1 })).toThrow(/needs the network/);
    expect(() => totalCost(quadratic, zeros(0, 1), zeros(0, 1))).toThrow(
      'totalCost: the batch has no samples',
    );
  });
});

describe('output error δ^L (BP1)', () => {
  it.each(pairings.map((p) => [p[0].name, p[1].name, ...p] as const))(
    '%s with %s outputs equals finite differences of C_x with respect to z',
    (_c, _a, cost, act, oneHot) => {
      const z = randomZ(6, 4);
      const a = act.forward(z);
      const y = randomTargets(6, 4, oneHot);
      const delta = cost.delta(z, a, y, act);
      const h = 1e-6;
      for (let i = 0; i < 6; i++) {
        const row = toArray(z)[i]!;
        const target = toArray(y)[i]!;
        for (let j = 0; j < 4; j++) {
          const up = [...row];
          const down = [...row];
          up[j]! += h;
          down[j]! -= h;
          const numeric =
            (costOfZ(cost, act, up, target) - costOfZ(cost, act, down, target)) / (2 * h);
          expect(Math.abs((delta.data[i * 4 + j] as number) - numeric)).toBeLessThan(1e-8);
        }
      }
    },
  );
  it('quadratic carries σ′(z), cross-entropy does not (problem 7)', () => {
    const z = fromArray([[8]]);
    const a = sigmoid.forward(z);
    const y = fromArray([[0]]);
    const dq = quadratic.delta(z, a, y, sigmoid).data[0] as number;
    const dc = crossEntropy.delta(z, a, y, sigmoid).data[0] as number;
    expect(dc).toBeCloseTo(a.data[0] as number, 15);
    expect(dq).toBeCloseTo((a.data[0] as number) * sigmoid.derivative(8), 15);
    expect(dq / dc).toBeLessThan(1e-3);
  });
  it('writes into out (which may alias z) and keeps float32', () => {
    const z = randomZ(3, 2);
    const a = sigmoid.forward(z);
    const y = randomTargets(3, 2, false);
    const expected = quadratic.delta(z, a, y, sigmoid);
    const zCopy = fromArray(toArray(z));
    expect(toArray(quadratic.delta(zCopy, a, y, sigmoid, zCopy))).toEqual(toArray(expected));
    const out = zeros(3, 2);
    expect(crossEntropy.delta(z, a, y, sigmoid, out)).toBe(out);
    const z32 = fromArray(toArray(z), { dtype: 'float32' });
    const a32 = sigmoid.forward(z32);
    expect(crossEntropy.delta(z32, a32, y, sigmoid).data).toBeInstanceOf(Float32Array);
  });
  it('refuses wrong shapes, wrong output layers and aliasing that would corrupt the result', () => {
    const z = zeros(2, 3);
    const a = sigmoid.forward(z);
    expect(() => quadratic.sum(a, zeros(3, 2))).toThrow(
      'quadratic.sum: shape mismatch, a is 2x3 but y is 3x2',
    );
    expect(() => crossEntropy.delta(zeros(2, 2), a, a, sigmoid)).toThrow(
      'crossEntropy.delta: shape mismatch, z is 2x2 but a is 2x3',
    );
    expect(() => crossEntropy.delta(z, a, a, sigmoid, zeros(1, 3))).toThrow(
      'crossEntropy.delta: out is 1x3 but the output error is 2x3',
    );
    expect(() => quadratic.fn([1, 2], [1])).toThrow('quadratic.fn: a has 2 values but y has 1');
    expect(() => crossEntropy.delta(z, a, a, tanh)).toThrow(
      "crossEntropy.delta: the output error a − y of the cross-entropy cost holds for sigmoid output neurons only, got a 'tanh' output layer",
    );
    expect(() => logLikelihood.delta(z, a, a, sigmoid)).toThrow(
      "logLikelihood.delta: the output error a − y of the log-likelihood cost holds for a softmax output layer only, got a 'sigmoid' output layer",
    );
    expect(() => quadratic.delta(z, a, a, softmax)).toThrow(
      "quadratic.delta: needs an element-wise output activation, got 'softmax' (pair softmax with the log-likelihood cost)",
    );
    expect(() => quadratic.delta(z, a, zeros(2, 3), sigmoid, a)).toThrow(
      'quadratic.delta: out must not share storage with a or y',
    );
  });
});

describe('costByName', () => {
  it('finds every cost', () => {
    expect(COST_NAMES).toEqual(['quadratic', 'cross-entropy', 'log-likelihood']);
    for (const name of COST_NAMES) expect(costByName(name).name).toBe(name);
  });
  it('throws naming the unknown name and listing the known ones', () => {
    expect(() => costByName('hinge')).toThrow(
      'unknown cost "hinge"; known costs: quadratic, cross-entropy, log-likelihood',
    );
  });
});
