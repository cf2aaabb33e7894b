import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { toNetwork2, toTfjs } from '../src/export-formats.js';
import { lcg, naiveFeedforward, randomModel } from './helpers.js';

async function tfjsOutputs(model: ReturnType<typeof randomModel>, inputs: number[][]) {
  const { modelJson, weightsBin } = toTfjs(model);
  const weightData = weightsBin.buffer.slice(
    weightsBin.byteOffset,
    weightsBin.byteOffset + weightsBin.byteLength,
  ) as ArrayBuffer;
  const loaded = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0]!.weights,
      weightData,
    }),
  );
  const out = loaded.predict(tf.tensor2d(inputs)) as tf.Tensor;
  const values = (await out.array()) as number[][];
  out.dispose();
  loaded.dispose();
  return values;
}

describe('toTfjs', () => {
  const cases: [string, number[], string[]][] = [
    ['sigmoid', [6, 5, 4], ['sigmoid', 'sigmoid']],
    ['tanh + softmax', [6, 5, 4], ['tanh', 'softmax']],
    ['relu + leaky-relu + linear', [5, 7, 6, 3], ['relu', 'leaky-relu', 'linear']],
  ];
  it.each(cases)('%s: TensorFlow.js gives our outputs within 1e-5', async (_, sizes, acts) => {
    const model = randomModel(sizes, acts);
    const rand = lcg(7);
    const inputs = Array.from({ length: 8 }, () =>
      Array.from({ length: sizes[0] as number }, () => 2 * rand() - 1),
    );
    const got = await tfjsOutputs(model, inputs);
    inputs.forEach((x, i) => {
      const want = naiveFeedforward(model, x);
      want.forEach((v, j) => {
        expect(Math.abs((got[i]![j] as number) - v)).toBeLessThan(1e-5);
      });
    });
  });

  it('writes kernels transposed as float32, [n_in, n_out], little-endian', () => {
    const model = randomModel([3, 2], ['sigmoid']);
    const { modelJson, weightsBin } = toTfjs(model);
    expect(modelJson.weightsManifest[0]!.weights).toEqual([
      { name: 'dense_1/kernel', shape: [3, 2], dtype: 'float32' },
      { name: 'dense_1/bias', shape: [2], dtype: 'float32' },
    ]);
    expect(weightsBin.byteLength).toBe(4 * (3 * 2 + 2));
    const view = new DataView(weightsBin.buffer, weightsBin.byteOffset);
    // kernel[k][j] = w[j][k]: element (k=2, j=1) is at 2 * 2 + 1.
    expect(view.getFloat32(4 * 5, true)).toBeCloseTo(model.weights[0]![1]![2]!, 6);
    expect(view.getFloat32(4 * 7, true)).toBeCloseTo(model.biases[0]![1]!, 6);
  });

  it('adds a LeakyReLU layer with alpha 0.01 after a linear Dense layer', () => {
    const { modelJson } = toTfjs(randomModel([2, 2, 1], ['leaky-relu', 'sigmoid']));
    const layers = (
      modelJson.modelTopology.config as {
        layers: { class_name: string; config: Record<string, unknown> }[];
      }
    ).layers;
    expect(layers.map((l) => l.class_name)).toEqual(['Dense', 'LeakyReLU', 'Dense']);
    expect(layers[0]!.config.activation).toBe('linear');
    expect(layers[1]!.config.alpha).toBe(0.01);
  });

  it('refuses the step activation with a clear error', () => {
    expect(() => toTfjs(randomModel([2, 2, 1], ['step', 'sigmoid']))).toThrow(
      /layer 1 uses the 'step' activation/,
    );
  });
});

describe('toNetwork2', () => {
  it('writes sizes, weights as rows, biases as column vectors and the cost class', () => {
    const model = randomModel([3, 2, 1], ['sigmoid', 'sigmoid'], 'quadratic');
    const out = toNetwork2(model);
    expect(out.sizes).toEqual([3, 2, 1]);
    expect(out.weights).toEqual(model.weights);
    expect(out.biases).toEqual([
      [[model.biases[0]![0]], [model.biases[0]![1]]],
      [[model.biases[1]![0]]],
    ]);
    expect(out.cost).toBe('QuadraticCost');
    expect(toNetwork2({ ...model, cost: 'cross-entropy' }).cost).toBe('CrossEntropyCost');
  });

  it('refuses activations and costs network2.py cannot represent', () => {
    expect(() => toNetwork2(randomModel([3, 2, 1], ['relu', 'sigmoid']))).toThrow(
      /sigmoid neurons only, but layer 1 uses 'relu'/,
    );
    expect(() => toNetwork2(randomModel([3, 2], ['softmax']))).toThrow(/layer 1 uses 'softmax'/);
    expect(() => toNetwork2(randomModel([3, 2], ['sigmoid'], 'log-likelihood'))).toThrow(
      /not 'log-likelihood'/,
    );
  });
});
