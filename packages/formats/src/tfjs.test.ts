import type { ActivationName } from '@mlisp/neurons';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { UnsupportedModelError } from './errors.js';
import { naiveFeedforward, randomInputs, randomNetwork } from './test-helpers.js';
import { toTfjs } from './tfjs.js';

async function tfjsOutputs(model: ReturnType<typeof randomNetwork>, inputs: number[][]) {
  const { modelJson, weightsBin } = toTfjs(model.network);
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
  const cases: [string, number[], ActivationName[]][] = [
    ['sigmoid', [6, 5, 4], ['sigmoid', 'sigmoid']],
    ['tanh + softmax', [6, 5, 4], ['tanh', 'softmax']],
    ['relu + leaky-relu + linear', [5, 7, 6, 3], ['relu', 'leaky-relu', 'linear']],
  ];
  it.each(cases)('%s: TensorFlow.js gives our outputs within 1e-5', async (_, sizes, acts) => {
    const model = randomNetwork(sizes, acts);
    const inputs = randomInputs(8, sizes[0] as number);
    const got = await tfjsOutputs(model, inputs);
    inputs.forEach((x, i) => {
      naiveFeedforward(model, x).forEach((want, j) => {
        expect(Math.abs((got[i]![j] as number) - want)).toBeLessThan(1e-5);
      });
    });
  });

  it('writes kernels transposed as float32, [n_in, n_out], little-endian', () => {
    const model = randomNetwork([3, 2], ['sigmoid']);
    const { modelJson, weightsBin } = toTfjs(model.network, { weightsPath: 'w.bin' });
    expect(modelJson.weightsManifest[0]!.paths).toEqual(['w.bin']);
    expect(modelJson.weightsManifest[0]!.weights).toEqual([
      { name: 'dense_1/kernel', shape: [3, 2], dtype: 'float32' },
      { name: 'dense_1/bias', shape: [2], dtype: 'float32' },
    ]);
    expect(weightsBin.byteLength).toBe(4 * (3 * 2 + 2));
    const view = new DataView(weightsBin.buffer, weightsBin.byteOffset);
    // kernel[k][j] = w[j][k]: element (k=2, j=1) is at 2 * 2 + 1.
    expect(view.getFloat32(4 * 5, true)).toBe(Math.fround(model.weights[0]![1]![2]!));
    expect(view.getFloat32(4 * 7, true)).toBe(Math.fround(model.biases[0]![1]!));
  });

  it('adds a LeakyReLU layer with alpha 0.01 after a linear Dense layer', () => {
    const { modelJson } = toTfjs(randomNetwork([2, 2, 1], ['leaky-relu', 'sigmoid']).network);
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
    const step = randomNetwork([2, 2, 1], ['step', 'sigmoid']).network;
    expect(() => toTfjs(step)).toThrow(UnsupportedModelError);
    expect(() => toTfjs(step)).toThrow(/tfjs: layer 1 uses the 'step' activation/);
  });
});
