/**
 * Converts a model file into formats other tools read: the TensorFlow.js
 * layers format (model.json + weights.bin), and the JSON of Nielsen's
 * network2.py `save()` / `load()`.
 */
import { LEAKY_RELU_SLOPE } from '@mlisp/neurons';
import { RunError } from './errors.js';
import type { ModelJson } from './model-json.js';

/** Slope of leaky ReLU for z < 0 in @mlisp/neurons (0.01), the LeakyReLU layer's alpha. */
export const LEAKY_RELU_ALPHA = LEAKY_RELU_SLOPE;

const TFJS_ACTIVATIONS: Record<string, string> = {
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  linear: 'linear',
  softmax: 'softmax',
  'leaky-relu': 'linear',
};

/** One entry of a tfjs weights manifest. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** A TensorFlow.js layers-format model: the model.json object and the weights.bin bytes. */
export interface TfjsExport {
  modelJson: {
    format: 'layers-model';
    generatedBy: string;
    convertedBy: null;
    modelTopology: Record<string, unknown>;
    weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  };
  weightsBin: Uint8Array;
}

function denseConfig(name: string, units: number, activation: string, inputs: number | null) {
  return {
    class_name: 'Dense',
    config: {
      name,
      trainable: true,
      ...(inputs === null ? {} : { batch_input_shape: [null, inputs] }),
      dtype: 'float32',
      units,
      activation,
      use_bias: true,
      kernel_initializer: {
        class_name: 'VarianceScaling',
        config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null },
      },
      bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    },
  };
}

/**
 * The model as a TensorFlow.js layers model: a Sequential of Dense layers whose
 * kernels are our weight matrices transposed ([n_in, n_out]) in float32.
 * Leaky ReLU becomes a linear Dense layer followed by a LeakyReLU layer.
 *
 * @param model - a parsed model file
 * @param weightsPath - the file name model.json refers to for the weights
 * @throws RunError for activations TensorFlow.js has no layer for (step)
 */
export function toTfjs(model: ModelJson, weightsPath = 'weights.bin'): TfjsExport {
  const layers: unknown[] = [];
  const specs: TfjsWeightSpec[] = [];
  const chunks: Float32Array[] = [];
  model.activations.forEach((activation, l) => {
    const tfActivation = TFJS_ACTIVATIONS[activation];
    if (tfActivation === undefined) {
      throw new RunError(
        `cannot export to tfjs: layer ${l + 1} uses the '${activation}' activation, which TensorFlow.js has no layer for (exportable: ${Object.keys(TFJS_ACTIVATIONS).join(', ')})`,
      );
    }
    const nIn = model.sizes[l] as number;
    const nOut = model.sizes[l + 1] as number;
    const name = `dense_${l + 1}`;
    layers.push(denseConfig(name, nOut, tfActivation, l === 0 ? nIn : null));
    if (activation === 'leaky-relu') {
      layers.push({
        class_name: 'LeakyReLU',
        config: {
          name: `leaky_re_lu_${l + 1}`,
          trainable: true,
          dtype: 'float32',
          alpha: LEAKY_RELU_ALPHA,
        },
      });
    }
    const w = model.weights[l] as number[][];
    const kernel = new Float32Array(nIn * nOut);
    for (let j = 0; j < nOut; j++) {
      const row = w[j] as number[];
      for (let k = 0; k < nIn; k++) kernel[k * nOut + j] = row[k] as number;
    }
    specs.push({ name: `${name}/kernel`, shape: [nIn, nOut], dtype: 'float32' });
    specs.push({ name: `${name}/bias`, shape: [nOut], dtype: 'float32' });
    chunks.push(kernel, Float32Array.from(model.biases[l] as number[]));
  });
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.length;
  }
  // Float32Array is little-endian on every platform Node runs on; make sure.
  const bytes = new Uint8Array(total * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < total; i++) view.setFloat32(4 * i, all[i] as number, true);
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'mlisp export',
      convertedBy: null,
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 'sequential', layers },
        keras_version: 'tfjs-layers 4.22.0',
        backend: 'tensor_flow.js',
      },
      weightsManifest: [{ paths: [weightsPath], weights: specs }],
    },
    weightsBin: bytes,
  };
}

/** The JSON object network2.py's `Network.save()` writes and `load()` reads. */
export interface Network2Json {
  sizes: number[];
  weights: number[][][];
  biases: number[][][];
  cost: 'QuadraticCost' | 'CrossEntropyCost';
}

/**
 * The model in the format of Nielsen's network2.py: weights as lists of rows,
 * biases as column vectors, and the cost class name.
 *
 * @throws RunError when the network is not one network2.py can represent:
 *   every layer must be sigmoid and the cost quadratic or cross-entropy
 */
export function toNetwork2(model: ModelJson): Network2Json {
  const nonSigmoid = model.activations.findIndex((a) => a !== 'sigmoid');
  if (nonSigmoid >= 0) {
    throw new RunError(
      `cannot export to network2: network2.py uses sigmoid neurons only, but layer ${nonSigmoid + 1} uses '${model.activations[nonSigmoid]}'`,
    );
  }
  let cost: Network2Json['cost'];
  if (model.cost === 'quadratic') cost = 'QuadraticCost';
  else if (model.cost === 'cross-entropy') cost = 'CrossEntropyCost';
  else {
    throw new RunError(
      `cannot export to network2: network2.py knows the quadratic and cross-entropy costs, not '${model.cost}'`,
    );
  }
  return {
    sizes: [...model.sizes],
    weights: model.weights.map((w) => w.map((row) => [...row])),
    biases: model.biases.map((b) => b.map((v) => [v])),
    cost,
  };
}
