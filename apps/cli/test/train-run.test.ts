// The pure parts of mlisp train's run: the validation split (the last n
// samples, pixel for pixel), expansion of the training part only, and the
// best epoch picked from a scripted history as the trainer counts improvement.
import { expandShifted, subset } from '@mlisp/mnist';
import { loadBundledSync } from '@mlisp/mnist/node';
import { createNetwork } from '@mlisp/neurons';
import { Rng } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/classify.js';
import {
  type Best,
  type EpochRecord,
  keptTestFigures,
  splitTraining,
  updateBest,
} from '../src/train-run.js';

const { train } = loadBundledSync({ dtype: 'float32' });

describe('splitTraining', () => {
  it('holds out the last n samples as validation data, pixel for pixel, and trains on the rest', () => {
    const { train: rest, validation } = splitTraining(train, { validation: 1000, expand: false });
    expect(rest.size).toBe(6996);
    expect(validation?.size).toBe(1000);
    const cols = 784;
    expect(Array.from(validation?.images.data.subarray(0, cols) ?? [])).toEqual(
      Array.from(train.images.data.subarray(6996 * cols, 6997 * cols)),
    );
    expect(Array.from(validation?.labels ?? [])).toEqual(Array.from(train.labels.subarray(6996)));
    expect(Array.from(rest.labels)).toEqual(Array.from(train.labels.subarray(0, 6996)));
  });

  it('expands only the training part', () => {
    const small = subset(train, 30);
    const { train: rest, validation } = splitTraining(small, { validation: 10, expand: true });
    expect(rest.size).toBe(100);
    expect(validation?.size).toBe(10);
    expect(Array.from(rest.images.data)).toEqual(
      Array.from(expandShifted(subset(small, 20)).images.data),
    );
  });

  it('without --validation: all samples train, no validation set', () => {
    const { train: rest, validation } = splitTraining(train, { validation: null, expand: false });
    expect(rest).toBe(train);
    expect(validation).toBeNull();
  });
});

describe('updateBest on a scripted history', () => {
  it('keeps the first epoch of the highest accuracy, with a copy of its weights', () => {
    const network = createNetwork([784, 3, 10], { rng: new Rng(1) });
    const script = [0.5, 0.7, 0.7, 0.6, 0.8, 0.8];
    const picked: number[] = [];
    let best: Best | null = null;
    script.forEach((accuracy, i) => {
      const record: EpochRecord = {
        epoch: i + 1,
        batchCost: 1,
        validationAccuracy: accuracy,
        eta: 0.5,
        seconds: 0,
      };
      (network.layers[0]?.weights.data as Float64Array)[0] = i; // the weights of epoch i + 1
      best = updateBest(best, record, 'validationAccuracy', network);
      picked.push(best?.epoch ?? 0);
    });
    expect(picked).toEqual([1, 2, 2, 2, 5, 5]);
    const kept = best as Best | null;
    expect(kept?.accuracy).toBe(0.8);
    expect(kept?.network.layers[0]?.weights.data[0]).toBe(4); // epoch 5's, not the last's
  });

  it('watches the test accuracy without validation data, and ignores epochs without it', () => {
    const network = createNetwork([784, 3, 10], { rng: new Rng(2) });
    const record = (epoch: number, testAccuracy?: number): EpochRecord => ({
      epoch,
      batchCost: 1,
      eta: 0.5,
      seconds: 0,
      ...(testAccuracy === undefined ? {} : { testAccuracy }),
    });
    let best = updateBest(null, record(1, 0.3), 'testAccuracy', network);
    best = updateBest(best, record(2), 'testAccuracy', network);
    expect(best?.epoch).toBe(1);
    expect(updateBest(best, record(3, 0.31), 'testAccuracy', network)?.epoch).toBe(3);
  });
});

describe('keptTestFigures', () => {
  const test = subset(train, 300);
  const network = createNetwork([784, 10, 10], { seed: 2 });
  const record = (epoch: number, testAccuracy?: number): EpochRecord => ({
    epoch,
    batchCost: 1,
    eta: 3,
    seconds: 0.1,
    ...(testAccuracy === undefined ? {} : { testAccuracy }),
  });
  it("takes the kept epoch's recorded test accuracy (those weights, evaluated at its end)", () => {
    const figures = keptTestFigures(
      [record(1, 0.5), record(2, 0.87)],
      2,
      network,
      'quadratic',
      test,
    );
    expect(figures).toEqual({ accuracy: 0.87, correct: 261, total: 300 });
  });
  it('evaluates the network when stopped mid-epoch or when its epoch has no test figures', () => {
    const now = evaluate(network, 'quadratic', test);
    const expected = { accuracy: now.accuracy, correct: now.correct, total: 300 };
    expect(keptTestFigures([record(1, 0.5)], null, network, 'quadratic', test)).toEqual(expected);
    expect(keptTestFigures([record(1)], 1, network, 'quadratic', test)).toEqual(expected);
    expect(now.accuracy).not.toBe(0.5);
  });
});
