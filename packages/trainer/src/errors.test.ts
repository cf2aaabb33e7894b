import { crossEntropy, quadratic } from '@mlisp/costs';
import { createNetwork, networkFromWeights } from '@mlisp/neurons';
import { fromArray, Rng, zeros } from '@mlisp/tensor';
import {
  assertTrainable,
  backprop,
  DivergenceError,
  evaluate,
  gradientCheck,
  learningSpeeds,
  type TrainerState,
  type TrainOptions,
  trainInPlace,
  UntrainableNetworkError,
} from '@mlisp/trainer';
import { describe, expect, it } from 'vitest';

function data(n: number, nIn: number, nOut: number) {
  const rng = new Rng(n);
  const inputs = zeros(n, nIn);
  for (let i = 0; i < inputs.data.length; i++) inputs.data[i] = rng.normal();
  const targets = zeros(n, nOut);
  for (let i = 0; i < n; i++) targets.data[i * nOut + rng.int(nOut)] = 1;
  return { inputs, targets };
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

const base: TrainOptions = { cost: 'quadratic', eta: 1, epochs: 1, batchSize: 2 };

describe('networks gradient descent cannot train', () => {
  it('refuses the step activation and says why (problem 10)', () => {
    const net = createNetwork([3, 4, 2], { activations: ['sigmoid', 'step'], seed: 1 });
    const e = thrown(() => trainInPlace(net, data(4, 3, 2), base));
    expect(e).toBeInstanceOf(UntrainableNetworkError);
    expect(e.name).toBe('UntrainableNetworkError');
    expect((e as UntrainableNetworkError).layer).toBe(2);
    expect(e.message).toContain('layer 2 uses the step (perceptron) activation');
    expect(e.message).toContain('its derivative is 0 wherever z ≠ 0 and undefined at z = 0');
    expect(e.message).toContain('problem 10');
    expect(() => backprop(net, data(2, 3, 2), 'quadratic')).toThrow(UntrainableNetworkError);
    expect(() => gradientCheck(net, data(2, 3, 2), 'quadratic')).toThrow(/step/);
    expect(() => learningSpeeds(net, data(2, 3, 2), 'quadratic')).toThrow(/step/);
  });
  it('refuses softmax anywhere but the output layer', () => {
    const net = createNetwork([3, 4, 2], { activations: ['softmax', 'softmax'], seed: 1 });
    expect(() => assertTrainable(net, crossEntropy)).toThrow(
      'layer 1 uses softmax, which is supported only as the output layer (layer 2) with the log-likelihood cost',
    );
  });
  it('refuses costs that do not fit the output layer', () => {
    const soft = createNetwork([3, 2], { activation: 'softmax', seed: 1 });
    expect(() => assertTrainable(soft, quadratic)).toThrow(
      'a softmax output layer needs the log-likelihood cost (its output error is then a − y), got the quadratic cost',
    );
    expect(() =>
      trainInPlace(createNetwork([3, 2], { seed: 1 }), data(4, 3, 2), {
        ...base,
        cost: 'log-likelihood',
      }),
    ).toThrow("the log-likelihood cost needs a softmax output layer, got a 'sigmoid' output layer");
    expect(() =>
      trainInPlace(createNetwork([3, 2], { activation: 'tanh', seed: 1 }), data(4, 3, 2), {
        ...base,
        cost: 'cross-entropy',
      }),
    ).toThrow(
      "the cross-entropy cost needs sigmoid output neurons (its output error a − y assumes them), got a 'tanh' output layer",
    );
  });
  it('rejects something that is not a network or a cost', () => {
    expect(() => assertTrainable({} as never, quadratic)).toThrow(
      'network must be a Network of @mlisp/neurons',
    );
    expect(() =>
      trainInPlace(createNetwork([3, 2]), data(4, 3, 2), { ...base, cost: 'hinge' as never }),
    ).toThrow('unknown cost "hinge"; known costs: quadratic, cross-entropy, log-likelihood');
    expect(() =>
      trainInPlace(createNetwork([3, 2]), data(4, 3, 2), { ...base, cost: {} as never }),
    ).toThrow('cost must be a cost name or a Cost of @mlisp/costs');
  });
});

describe('bad data', () => {
  const net = createNetwork([3, 4, 2], { seed: 1 });
  it('names both shapes', () => {
    expect(() => trainInPlace(net, data(5, 4, 2), base)).toThrow(
      'trainingData.inputs is 5x4 but the network takes 5x3 (sizes[0] = 3 per row)',
    );
    expect(() => trainInPlace(net, { inputs: zeros(5, 3), targets: zeros(4, 2) }, base)).toThrow(
      'trainingData.targets is 4x2 but the network needs 5x2 (one target of 2 per input row)',
    );
    expect(() =>
      trainInPlace(net, data(5, 3, 2), { ...base, evaluationData: data(3, 3, 3) }),
    ).toThrow('evaluationData.targets is 3x3 but the network needs 3x2');
    expect(() => backprop(net, data(2, 2, 2), 'quadratic')).toThrow(
      'batch.inputs is 2x2 but the network takes 2x3',
    );
  });
  it('rejects empty data, missing matrices and bad labels', () => {
    expect(() => trainInPlace(net, { inputs: zeros(0, 3), targets: zeros(0, 2) }, base)).toThrow(
      'trainingData has no samples',
    );
    expect(() => trainInPlace(net, {} as never, base)).toThrow(
      'trainingData must be { inputs, targets }, { inputs, labels } or an @mlisp/mnist Dataset { images, labels, size }, got an empty object',
    );
    expect(() => trainInPlace(net, { ...data(3, 3, 2), labels: [0, 1] }, base)).toThrow(
      'trainingData.labels has 2 entries but there are 3 samples',
    );
    expect(() => trainInPlace(net, { ...data(3, 3, 2), labels: [0, 1, 2] }, base)).toThrow(
      'labels[2] must be an integer class in [0, 2), got 2',
    );
  });
});

describe('bad options', () => {
  const net = createNetwork([3, 2], { seed: 1 });
  const d = data(6, 3, 2);
  const cases: [Partial<TrainOptions>, string][] = [
    [{ eta: 0 }, 'eta must be a positive number, got 0'],
    [{ eta: Number.NaN }, 'eta must be a positive number, got NaN'],
    [{ epochs: 1.5 }, 'epochs must be an integer >= 0, got 1.5'],
    [{ batchSize: 0 }, 'batchSize must be a positive integer, got 0'],
    [{ lambda: -1 }, 'lambda must be a number >= 0, got -1'],
    [{ momentum: 1 }, 'momentum must be a number in [0, 1), got 1'],
    [{ shuffle: 'yes' as never }, 'shuffle must be true or false, got yes'],
    [{ seed: 1, rng: new Rng(1) }, 'give either seed or rng, not both'],
    [{ rng: {} as never }, 'rng must be an Rng from @mlisp/tensor'],
    [
      { monitor: { evaluationCost: true } },
      'monitor.evaluationCost/evaluationAccuracy need evaluationData',
    ],
    [
      { improvement: 'speed' as never },
      'improvement must be one of evaluation-accuracy, evaluation-cost, training-accuracy, training-cost, got speed',
    ],
    [
      { schedule: { patience: 2, maxHalvings: 3 }, improvement: 'evaluation-accuracy' },
      'the schedule and early stopping watch evaluation-accuracy, which is not computed: give evaluationData or choose another improvement',
    ],
    [
      { earlyStopping: { patience: 2 }, monitor: { trainingCost: false } },
      'the schedule and early stopping watch training-cost, which is not computed: turn it on in monitor or choose another improvement',
    ],
    [
      { schedule: { patience: 0, maxHalvings: 3 } },
      'schedule.patience must be a positive integer, got 0',
    ],
    [
      { schedule: { patience: 1, maxHalvings: 3, factor: 1 } },
      'schedule.factor must be a number in (0, 1), got 1',
    ],
    [
      { earlyStopping: { patience: -2 } },
      'earlyStopping.patience must be a positive integer, got -2',
    ],
    [{ learningSpeedSamples: -1 }, 'learningSpeedSamples must be an integer >= 0, got -1'],
    [{ evaluationChunk: 0 }, 'evaluationChunk must be a positive integer, got 0'],
    [{ onEpoch: 3 as never }, 'onEpoch must be a function, got number'],
    [{ signal: {} as never }, 'signal must be an AbortSignal'],
  ];
  it.each(cases)('%o', (extra, message) => {
    const e = thrown(() => trainInPlace(net, d, { ...base, ...extra }));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe(message);
  });
  it('rejects a missing options object', () => {
    expect(() => trainInPlace(net, d, null as never)).toThrow(
      'options must be an object, got null',
    );
  });
});

describe('divergence', () => {
  it('stops with a DivergenceError naming the epoch and mini-batch when weights blow up', () => {
    const net = createNetwork([1, 1], { activation: 'linear', init: 'normal', seed: 1 });
    const inputs = fromArray(Array.from({ length: 40 }, () => [1e3]));
    const targets = zeros(40, 1);
    const e = thrown(() =>
      trainInPlace(
        net,
        { inputs, targets },
        { cost: 'quadratic', eta: 1e10, epochs: 3, batchSize: 2, shuffle: false },
      ),
    );
    expect(e).toBeInstanceOf(DivergenceError);
    const d = e as DivergenceError;
    expect(d.epoch).toBe(1);
    expect(d.batch).toBeGreaterThan(0);
    expect(d.message).toBe(
      `training diverged: a weight or bias became NaN or infinite in epoch 1, mini-batch ${d.batch} (of 20), with eta = 10000000000; try a smaller eta`,
    );
  });
  it('names the mini-batch a float32 run with lazy L2 decay broke at, in a later call, as the matrix loop does', () => {
    // w and b grow about 5x every mini-batch (η = 3, x = 1) until float32 overflows some 56
    // mini-batches in: the third call of 25. The engine retraces its calls to name it.
    const named = (engine: 'wasm-simd' | 'matrix') => {
      const net = createNetwork([1, 1], {
        activation: 'linear',
        init: 'normal',
        seed: 2,
        dtype: 'float32',
      });
      const inputs = fromArray(
        Array.from({ length: 200 }, () => [1]),
        { dtype: 'float32' },
      );
      const data = { inputs, targets: zeros(200, 1, { dtype: 'float32' }) };
      const o = {
        cost: 'quadratic',
        eta: 3,
        lambda: 1,
        epochs: 1,
        batchSize: 1,
        shuffle: false,
      } as const;
      const e = thrown(() => trainInPlace(net, data, { ...o, engine }));
      expect(e).toBeInstanceOf(DivergenceError);
      return {
        batch: (e as DivergenceError).batch,
        weights: Array.from(net.layers[0]?.weights.data ?? []),
      };
    };
    const wasm = named('wasm-simd');
    expect(wasm.batch).toBeGreaterThan(50);
    expect(wasm.batch).toBe(named('matrix').batch);
    expect(wasm.weights.every(Number.isFinite)).toBe(false);
  });

  it('stops when a cost becomes infinite, naming the epoch', () => {
    const net = networkFromWeights({
      weights: [[[1e200]]],
      biases: [[0]],
      activations: ['linear'],
    });
    const e = thrown(() =>
      trainInPlace(
        net,
        { inputs: fromArray([[1]]), targets: fromArray([[0]]) },
        {
          cost: 'quadratic',
          eta: 1e-300,
          epochs: 2,
          batchSize: 1,
          monitor: { trainingCost: true },
        },
      ),
    );
    expect(e).toBeInstanceOf(DivergenceError);
    expect(e.message).toBe('training diverged: the training cost is Infinity after epoch 1');
    expect((e as DivergenceError).batch).toBeNull();
  });
});

describe('resume validation', () => {
  const net = createNetwork([3, 2], { seed: 1 });
  const d = data(6, 3, 2);
  const good = trainInPlace(createNetwork([3, 2], { seed: 1 }), d, {
    ...base,
    momentum: 0.5,
  }).state;
  const cases: [Partial<Record<keyof TrainerState, unknown>>, string][] = [
    [{ format: 'x' }, "resumeFrom: format must be 'mlisp-trainer-state', got x"],
    [{ version: 2 }, 'resumeFrom: version must be 1, got 2'],
    [{ epoch: -1 }, 'resumeFrom: epoch must be an integer >= 0, got -1'],
    [{ batch: 3 }, 'resumeFrom: batch is 3 but an epoch has only 3 mini-batches'],
    [
      { batch: 1, order: [0, 1] },
      'resumeFrom: order must list the 6 training samples when batch > 0',
    ],
    [
      { batch: 1, order: [0, 1, 2, 3, 4, 4] },
      'resumeFrom: order[5] = 4 is not a new sample index in [0, 6)',
    ],
    [{ eta: 0 }, 'resumeFrom: eta must be a positive number, got 0'],
    [
      { velocities: { weights: [[1]], biases: [[0, 0]] } },
      'resumeFrom: velocities.weights[0] must have 6 values',
    ],
    [{ history: [] }, 'resumeFrom: history must have one event per completed epoch (1)'],
  ];
  it.each(cases)('%o', (patch, message) => {
    const e = thrown(() =>
      trainInPlace(net, d, {
        ...base,
        momentum: 0.5,
        resumeFrom: { ...good, ...patch } as TrainerState,
      }),
    );
    expect(e.message).toBe(message);
  });
  it('rejects a broken generator state', () => {
    expect(() =>
      trainInPlace(net, d, {
        ...base,
        resumeFrom: {
          ...good,
          rng: { algorithm: 'mt', s: [1, 2, 3, 4], spareNormal: null },
        } as never,
      }),
    ).toThrow(/algorithm 'xoshiro128\*\*'/);
  });
});

describe('evaluate and learningSpeeds arguments', () => {
  const net = createNetwork([3, 2], { seed: 1 });
  it('check their options', () => {
    expect(() => evaluate(net, data(3, 3, 2), 'quadratic', { chunk: 0 })).toThrow(
      'chunk must be a positive integer, got 0',
    );
    expect(() => learningSpeeds(net, data(3, 3, 2), 'quadratic', { lambda: -2 })).toThrow(
      'lambda must be a finite number >= 0, got -2',
    );
    expect(() => gradientCheck(net, data(3, 3, 2), 'quadratic', { epsilon: 0 })).toThrow(
      'epsilon must be a positive finite number, got 0',
    );
    expect(() => gradientCheck(net, data(3, 3, 2), 'quadratic', { lambda: Number.NaN })).toThrow(
      'lambda must be a finite number >= 0, got NaN',
    );
  });
});
