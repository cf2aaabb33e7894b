import { argmax, argmaxBatch, oneHot, oneHotBatch } from '@mlisp/encoders';
import { fromArray, toArray } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';

describe('oneHot / argmax', () => {
  it('round-trips every label for several class counts', () => {
    for (const classes of [2, 3, 10, 17]) {
      for (let label = 0; label < classes; label++) {
        const y = oneHot(label, classes);
        expect(y.length).toBe(classes);
        expect(y.reduce((s, v) => s + v, 0)).toBe(1);
        expect(y[label]).toBe(1);
        expect(argmax(y)).toBe(label);
      }
    }
  });

  it('batches labels into one row per sample and decodes them back', () => {
    const labels = [3, 0, 9, 9, 5];
    const y = oneHotBatch(labels, 10);
    expect(y.rows).toBe(5);
    expect(y.cols).toBe(10);
    expect(toArray(y)[2]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(argmaxBatch(y))).toEqual(labels);
    expect(Array.from(argmaxBatch(oneHotBatch(new Uint8Array([1, 2]), 3)))).toEqual([1, 2]);
  });

  it('takes the first maximum on ties and handles negative values', () => {
    expect(argmax([0.2, 0.7, 0.7])).toBe(1);
    expect(argmax([-3, -1, -2])).toBe(1);
    expect(
      Array.from(
        argmaxBatch(
          fromArray([
            [-5, -6],
            [1, 1],
          ]),
        ),
      ),
    ).toEqual([0, 0]);
  });

  it('rejects bad labels, class counts and values with clear messages', () => {
    expect(() => oneHot(10, 10)).toThrow(
      new RangeError('label is 10, outside 0..9 for 10 classes'),
    );
    expect(() => oneHot(-1, 10)).toThrow(RangeError);
    expect(() => oneHot(1.5, 10)).toThrow(/label must be an integer class label, got 1.5/);
    expect(() => oneHot(0, 1)).toThrow(new TypeError('classes must be an integer >= 2, got 1'));
    expect(() => oneHotBatch([1, 12], 10)).toThrow(/labels\[1\] is 12, outside 0..9/);
    expect(() => argmax([])).toThrow(/non-empty/);
    expect(() => argmax([1, Number.NaN])).toThrow(/value 1 is NaN/);
    expect(() => argmaxBatch(fromArray([[1, Number.NaN]]))).toThrow(/row 0: value 1 is NaN/);
  });
});
