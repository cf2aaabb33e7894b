import { feedforward, ModelFormatError } from '@mlisp/neurons';
import { describe, expect, it } from 'vitest';
import { UnsupportedModelError } from './errors.js';
import { fromNetwork2, isNetwork2Json, toNetwork2 } from './network2.js';
import { randomNetwork } from './test-helpers.js';

describe('toNetwork2', () => {
  it('writes sizes, weights as rows, biases as column vectors and the cost class', () => {
    const model = randomNetwork([3, 2, 1], ['sigmoid', 'sigmoid']);
    const out = toNetwork2(model.network, 'quadratic');
    expect(out.sizes).toEqual([3, 2, 1]);
    expect(out.weights).toEqual(model.weights);
    expect(out.biases).toEqual([
      [[model.biases[0]![0]], [model.biases[0]![1]]],
      [[model.biases[1]![0]]],
    ]);
    expect(out.cost).toBe('QuadraticCost');
    expect(toNetwork2(model.network, 'cross-entropy').cost).toBe('CrossEntropyCost');
  });

  it('refuses activations and costs network2.py cannot represent', () => {
    const relu = randomNetwork([3, 2, 1], ['relu', 'sigmoid']).network;
    expect(() => toNetwork2(relu, 'quadratic')).toThrow(UnsupportedModelError);
    expect(() => toNetwork2(relu, 'quadratic')).toThrow(
      /sigmoid neurons only, but layer 1 uses 'relu'/,
    );
    const softmax = randomNetwork([3, 2], ['softmax']).network;
    expect(() => toNetwork2(softmax, 'log-likelihood')).toThrow(/layer 1 uses 'softmax'/);
    const sigmoid = randomNetwork([3, 2], ['sigmoid']).network;
    expect(() => toNetwork2(sigmoid, 'log-likelihood')).toThrow(/not 'log-likelihood'/);
  });
});

describe('fromNetwork2', () => {
  it('round-trips toNetwork2 exactly, as text or object', () => {
    const model = randomNetwork([4, 3, 2], ['sigmoid', 'sigmoid']);
    const json = toNetwork2(model.network, 'cross-entropy');
    for (const input of [json, JSON.stringify(json)]) {
      const back = fromNetwork2(input);
      expect(back.cost).toBe('cross-entropy');
      expect(back.meta).toEqual({ source: 'network2.py' });
      expect(back.network.sizes).toEqual([4, 3, 2]);
      expect(back.network.layers.map((l) => l.activation.name)).toEqual(['sigmoid', 'sigmoid']);
      back.network.layers.forEach((layer, l) => {
        expect(Array.from(layer.weights.data)).toEqual(model.weights[l]!.flat());
        expect(Array.from(layer.biases.data)).toEqual(model.biases[l]);
      });
      const x = [0.1, 0.2, -0.3, 0.9];
      expect(feedforward(back.network, x)).toEqual(feedforward(model.network, x));
    }
    expect(fromNetwork2({ ...json, cost: 'QuadraticCost' }).cost).toBe('quadratic');
  });

  const good = () =>
    toNetwork2(randomNetwork([2, 2, 1], ['sigmoid', 'sigmoid']).network, 'quadratic');
  const bad: [string, unknown, RegExp][] = [
    ['not JSON text', '{"sizes": [', /is not JSON/],
    ['an array', [1, 2], /must be an object \{sizes, weights, biases, cost\}/],
    ['one layer size', { ...good(), sizes: [2] }, /sizes must be an array of at least 2/],
    [
      'a fractional size',
      { ...good(), sizes: [2, 2.5, 1] },
      /sizes\[1\] must be a positive integer, got 2.5/,
    ],
    [
      'missing weights',
      { ...good(), weights: undefined },
      /weights must be an array of 2 weight matrices/,
    ],
    [
      'too few biases',
      { ...good(), biases: [[[0], [0]]] },
      /biases must be an array of 2 bias vectors/,
    ],
    [
      'an unknown cost',
      { ...good(), cost: 'LogLikelihoodCost' },
      /cost must be QuadraticCost or CrossEntropyCost .*got "LogLikelihoodCost"/,
    ],
    [
      'a short weight row',
      { ...good(), weights: [[[1], [1, 2]], [[1, 2]]] },
      /weights\[0\]\[0\] must have 2 values \(sizes\[0\]\)/,
    ],
    [
      'too many weight rows',
      {
        ...good(),
        weights: [
          [
            [1, 2],
            [1, 2],
            [3, 4],
          ],
          [[1, 2]],
        ],
      },
      /weights\[0\] must have 2 rows/,
    ],
    [
      'a string weight',
      {
        ...good(),
        weights: [
          [
            [1, 'x'],
            [1, 2],
          ],
          [[1, 2]],
        ],
      },
      /weights\[0\]\[0\]\[1\] must be a finite number, got "x"/,
    ],
    [
      'a flat bias vector',
      { ...good(), biases: [[0, 0], [[0]]] },
      /biases\[0\]\[0\] must be a one-element list \[b\]/,
    ],
    [
      'a null bias',
      { ...good(), biases: [[[null], [0]], [[0]]] },
      /biases\[0\]\[0\]\[0\] must be a finite number, got null/,
    ],
  ];
  it.each(bad)('%s: ModelFormatError naming the field', (_, value, message) => {
    expect(() => fromNetwork2(value)).toThrow(ModelFormatError);
    expect(() => fromNetwork2(value)).toThrow(message);
  });

  it('isNetwork2Json tells network2.py JSON from our files', () => {
    expect(isNetwork2Json(good())).toBe(true);
    expect(isNetwork2Json({ ...good(), format: 'mlisp-network' })).toBe(false);
    expect(isNetwork2Json({ sizes: [1, 1] })).toBe(false);
    expect(isNetwork2Json(null)).toBe(false);
  });
});
