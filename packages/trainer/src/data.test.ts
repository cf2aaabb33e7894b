import { createNetwork, type Network } from '@mlisp/neurons';
import { fromArray } from '@mlisp/tensor';
import { type TrainingData, trainInPlace, trainInPlaceAsync } from '@mlisp/trainer';
import { describe, expect, it } from 'vitest';

const XOR_IN = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const XOR_LABELS = [0, 1, 1, 0];
const XOR_ONE_HOT = XOR_LABELS.map((k) => (k === 0 ? [1, 0] : [0, 1]));
const OPTIONS = { cost: 'cross-entropy', eta: 3, epochs: 30, batchSize: 2, seed: 3 } as const;

function net(): Network {
  return createNetwork([2, 4, 2], { seed: 5 });
}

function weightsAfter(data: TrainingData, options: object = {}): number[] {
  const n = net();
  trainInPlace(n, data, { ...OPTIONS, ...options });
  return n.layers.flatMap((l) => [...l.weights.data, ...l.biases.data]);
}

describe('the trainer takes training data in every documented form', () => {
  const reference = weightsAfter({ inputs: fromArray(XOR_IN), targets: fromArray(XOR_ONE_HOT) });

  it('number[][] inputs and targets train exactly as Matrices', () => {
    expect(weightsAfter({ inputs: XOR_IN, targets: XOR_ONE_HOT })).toEqual(reference);
  });

  it('{ inputs, labels } and an @mlisp/mnist-style Dataset { images, labels, size } are one-hot', () => {
    expect(weightsAfter({ inputs: XOR_IN, labels: XOR_LABELS })).toEqual(reference);
    const images = { rows: 4, cols: 2, data: Float64Array.from(XOR_IN.flat()) };
    const dataset = { images, labels: Uint8Array.from(XOR_LABELS), size: 4 };
    expect(weightsAfter(dataset)).toEqual(reference);
  });

  it('typed arrays with a shape, Float32Array matrices and plain-array data', () => {
    const shaped = { data: Float64Array.from(XOR_IN.flat()), shape: [4, 2] as const };
    expect(weightsAfter({ inputs: shaped, labels: XOR_LABELS })).toEqual(reference);
    // Float32 pixels (as @mlisp/mnist can hold them): 0/1 are exact in float32.
    const f32 = { rows: 4, cols: 2, data: Float32Array.from(XOR_IN.flat()) };
    expect(weightsAfter({ images: f32, labels: XOR_LABELS })).toEqual(reference);
    const plain = { rows: 4, cols: 2, data: XOR_IN.flat() };
    expect(weightsAfter({ inputs: plain, targets: XOR_ONE_HOT })).toEqual(reference);
  });

  it('evaluationData takes the same forms', () => {
    const n = net();
    const result = trainInPlace(
      n,
      { inputs: XOR_IN, labels: XOR_LABELS },
      {
        ...OPTIONS,
        epochs: 2,
        evaluationData: { images: XOR_IN, labels: XOR_LABELS },
        monitor: { evaluationAccuracy: true },
      },
    );
    expect(result.history[1]?.evaluationAccuracy).toBeTypeOf('number');
  });

  it('trainInPlaceAsync converts the same way', async () => {
    const n = net();
    await trainInPlaceAsync(n, { inputs: XOR_IN, labels: XOR_LABELS }, { ...OPTIONS, threads: 1 });
    expect(n.layers.flatMap((l) => [...l.weights.data, ...l.biases.data])).toEqual(reference);
  });
});

describe('anything else is a TypeError naming the argument and what was expected', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'undefined',
      undefined,
      /^trainingData must be \{ inputs, targets \}, \{ inputs, labels \} or an @mlisp\/mnist Dataset/,
    ],
    ['an array', XOR_IN, /trainingData must be .* got an array of 4/],
    ['no inputs', { targets: XOR_ONE_HOT }, /trainingData must be .* got an object with targets/],
    [
      'inputs without targets or labels',
      { inputs: XOR_IN },
      /trainingData has inputs but neither targets nor labels/,
    ],
    [
      'a hand-built matrix too short for its shape',
      { inputs: { rows: 4, cols: 2, data: new Float64Array(2) }, labels: XOR_LABELS },
      /trainingData.inputs.data has 2 values but trainingData.inputs is 4x2, which needs rows x cols = 8/,
    ],
    [
      'a flat array as inputs',
      { inputs: [0, 0, 1, 1], labels: XOR_LABELS },
      /trainingData.inputs must be a Matrix \{ rows, cols, data \}, number\[\]\[\].*got an array whose first entry is 0/,
    ],
    [
      'ragged rows',
      { inputs: [[0, 0], [1]], labels: [0, 1] },
      /trainingData.inputs\[1\] has 1 values but trainingData.inputs\[0\] has 2/,
    ],
    [
      'a string in a row',
      { inputs: [[0, 'a']], labels: [0] },
      /trainingData.inputs\[0\] must be an array of numbers/,
    ],
    [
      'a bad shape',
      { inputs: { data: new Float64Array(8), shape: [8] }, labels: XOR_LABELS },
      /trainingData.inputs.shape must be \[rows, cols\]/,
    ],
    [
      'a negative rows',
      { inputs: { rows: -4, cols: 2, data: [] }, labels: XOR_LABELS },
      /trainingData.inputs: rows must be a non-negative integer, got -4/,
    ],
    [
      'data that is not numbers',
      { inputs: { rows: 1, cols: 2, data: 'ab' }, labels: [0] },
      /trainingData.inputs.data must be a Float64Array, Float32Array or array of numbers, got the string "ab"/,
    ],
    [
      'a label outside the classes',
      { inputs: XOR_IN, labels: [0, 1, 2, 0] },
      /trainingData.labels\[2\] is 2, expected an integer class 0..1 \(the network has 2 outputs\)/,
    ],
    [
      'too few labels',
      { images: XOR_IN, labels: [0, 1] },
      /trainingData.labels has 2 entries but there are 4 samples/,
    ],
    [
      'labels that are not an array',
      { images: XOR_IN, labels: 'x' },
      /trainingData.labels must be an array or typed array of classes/,
    ],
    [
      'a Dataset whose size disagrees',
      { images: XOR_IN, labels: XOR_LABELS, size: 3 },
      /trainingData.size is 3 but trainingData.images has 4 rows/,
    ],
  ];
  it.each(cases)('%s', (_, data, message) => {
    expect(() => trainInPlace(net(), data as TrainingData, OPTIONS)).toThrow(TypeError);
    expect(() => trainInPlace(net(), data as TrainingData, OPTIONS)).toThrow(message);
  });

  it('names options.evaluationData, and the async entry too', async () => {
    const bad = { inputs: XOR_IN, labels: XOR_LABELS, evaluationData: {} };
    const options = { ...OPTIONS, evaluationData: { inputs: { rows: 2, cols: 2, data: [1] } } };
    expect(() => trainInPlace(net(), bad, options as never)).toThrow(
      /options.evaluationData.inputs.data has 1 values but options.evaluationData.inputs is 2x2/,
    );
    await expect(trainInPlaceAsync(net(), [] as never, OPTIONS)).rejects.toThrow(
      /^trainingData must be/,
    );
  });

  it('shapes that do not fit the network stay RangeErrors naming both shapes', () => {
    expect(() => trainInPlace(net(), { inputs: [[1, 2, 3]], labels: [0] }, OPTIONS)).toThrow(
      RangeError,
    );
  });
});
