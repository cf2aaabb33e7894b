/**
 * The TensorFlow.js layers format (model.json + weights.bin), which
 * `tf.loadLayersModel` reads and `tensorflowjs_converter` turns into Keras.
 */
import { LEAKY_RELU_SLOPE, type Network } from '@mlisp/neurons';
import { UnsupportedModelError } from './errors.js';
import { float32Bytes, transposed } from './layers.js';

/** Our activation names and the Keras activation of each Dense layer (leaky ReLU adds a LeakyReLU layer). */
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
  /** The contents of model.json. */
  modelJson: {
    format: 'layers-model';
    generatedBy: string;
    convertedBy: null;
    modelTopology: Record<string, unknown>;
    weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  };
  /** The contents of the weights file model.json names (float32, little-endian). */
  weightsBin: Uint8Array;
}

/** Options of {@link toTfjs}. */
export interface TfjsOptions {
  /** The file name model.json gives for the weights (default `'weights.bin'`). */
  weightsPath?: string;
  /** The `generatedBy` field of model.json (default `'@mlisp/formats'`). */
  generatedBy?: string;
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
 * The network as a TensorFlow.js layers model: a Sequential of Dense layers
 * whose kernels are our weight matrices transposed (`[n_in, n_out]`), in
 * float32. Leaky ReLU becomes a linear Dense layer followed by a LeakyReLU
 * layer (alpha 0.01, the slope of @mlisp/neurons).
 *
 * @param network - the network to export
 * @param options - the weights file name and the `generatedBy` text
 * @throws UnsupportedModelError for an activation TensorFlow.js has no layer for (step)
 */
export function toTfjs(network: Network, options: TfjsOptions = {}): TfjsExport {
  const weightsPath = options.weightsPath ?? 'weights.bin';
  const layers: unknown[] = [];
  const specs: TfjsWeightSpec[] = [];
  const values: number[] = [];
  network.layers.forEach((layer, l) => {
    const activation = layer.activation.name;
    const tfActivation = TFJS_ACTIVATIONS[activation];
    if (tfActivation === undefined) {
      throw new UnsupportedModelError(
        'tfjs',
        `layer ${l + 1} uses the '${activation}' activation, which TensorFlow.js has no layer for (exportable: ${Object.keys(TFJS_ACTIVATIONS).join(', ')})`,
      );
    }
    const nIn = network.sizes[l] as number;
    const nOut = network.sizes[l + 1] as number;
    const name = `dense_${l + 1}`;
    layers.push(denseConfig(name, nOut, tfActivation, l === 0 ? nIn : null));
    if (activation === 'leaky-relu') {
      layers.push({
        class_name: 'LeakyReLU',
        config: {
          name: `leaky_re_lu_${l + 1}`,
          trainable: true,
          dtype: 'float32',
          alpha: LEAKY_RELU_SLOPE,
        },
      });
    }
    specs.push({ name: `${name}/kernel`, shape: [nIn, nOut], dtype: 'float32' });
    specs.push({ name: `${name}/bias`, shape: [nOut], dtype: 'float32' });
    for (const v of transposed(layer.weights.data, nOut, nIn)) values.push(v);
    for (const v of layer.biases.data) values.push(v);
  });
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: options.generatedBy ?? '@mlisp/formats',
      convertedBy: null,
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 'sequential', layers },
        keras_version: 'tfjs-layers 4.22.0',
        backend: 'tensor_flow.js',
      },
      weightsManifest: [{ paths: [weightsPath], weights: specs }],
    },
    weightsBin: float32Bytes(values),
  };
}
