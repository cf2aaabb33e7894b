import { fromArray } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';
import { networkFromWeights } from './network.js';
import { confusionMatrix, predict } from './predict.js';

// Two inputs, three classes: class k wins when input k is largest (class 2 for negatives).
const three = networkFromWeights({
  weights: [
    [
      [5, 0],
      [0, 5],
      [-5, -5],
    ],
  ],
  biases: [[0, 0, 0]],
  activations: ['sigmoid'],
});

describe('predict', () => {
  it('is the argmax of each output row, from a Matrix or number[][]', () => {
    const rows = [
      [1, 0],
      [0, 1],
      [-1, -1],
      [0.3, 0.2],
    ];
    expect(predict(three, rows)).toEqual([0, 1, 2, 0]);
    expect(predict(three, fromArray(rows))).toEqual([0, 1, 2, 0]);
    expect(predict(three, [Float64Array.of(0.1, 0.9)])).toEqual([1]);
  });

  it('thresholds a single output at 0.5', () => {
    const one = networkFromWeights({ weights: [[[10]]], biases: [[-5]], activations: ['sigmoid'] });
    expect(predict(one, [[0], [0.4], [0.6], [1]])).toEqual([0, 0, 1, 1]);
  });

  it('handles more rows than one chunk', () => {
    const rows = Array.from({ length: 2500 }, (_, i) => (i % 2 === 0 ? [1, 0] : [0, 1]));
    const got = predict(three, rows);
    expect(got).toHaveLength(2500);
    expect(got.every((k, i) => k === i % 2)).toBe(true);
  });

  it('names what is wrong with bad inputs', () => {
    expect(() => predict(three, [1, 0] as never)).toThrow(/wrap one input as \[input\]/);
    expect(() => predict(three, 'x' as never)).toThrow(TypeError);
    expect(() => predict(three, { rows: 2, cols: 2, data: new Float64Array(3) })).toThrow(
      /inputs.data has 3 values but inputs is 2x2/,
    );
    expect(() => predict(three, [[1, 2, 3]])).toThrow(RangeError);
  });
});

describe('confusionMatrix', () => {
  it('counts confusion[actual][predicted], by a naive count', () => {
    const predicted = [0, 1, 1, 2, 2, 2, 0];
    const labels = Uint8Array.of(0, 1, 2, 2, 2, 1, 1);
    const want = [
      [1, 0, 0],
      [1, 1, 1],
      [0, 1, 2],
    ];
    expect(confusionMatrix(predicted, labels)).toEqual(want);
    expect(confusionMatrix(predicted, labels, 4)[3]).toEqual([0, 0, 0, 0]);
  });

  it('rejects mismatched lengths, classes out of range and non-arrays', () => {
    expect(() => confusionMatrix([0, 1], [0])).toThrow(/predicted has 2 entries but labels has 1/);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(
      /predicted\[1\] is 3, expected an integer class 0..2/,
    );
    expect(() => confusionMatrix([0, 1], [0, 0.5])).toThrow(/labels\[1\] is 0.5/);
    expect(() => confusionMatrix(null as never, [])).toThrow(TypeError);
    expect(() => confusionMatrix([], [], 0)).toThrow(/classes must be a positive integer/);
  });
});
