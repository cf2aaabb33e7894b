import type { Rng } from '@mlisp/tensor';
import type { Layer } from './types.js';

/** Names of the built-in initialisers. */
export type InitName = 'normal' | 'scaled' | 'xavier' | 'he';

/**
 * How one layer's weights and biases are drawn: each weight is an independent
 * normal draw N(0, weightStd²) and each bias N(0, biasStd²); a standard
 * deviation of 0 means zeros (and draws nothing from the generator).
 */
export interface Initializer {
  /** A name for error messages and model metadata. */
  readonly name: string;
  /**
   * Standard deviation of the weights of a layer.
   * @param nIn - neurons in the layer below (fan-in)
   * @param nOut - neurons in this layer (fan-out)
   */
  weightStd(nIn: number, nOut: number): number;
  /**
   * Standard deviation of the biases of a layer.
   * @param nIn - neurons in the layer below (fan-in)
   * @param nOut - neurons in this layer (fan-out)
   */
  biasStd(nIn: number, nOut: number): number;
}

/** network.py's initialiser: every weight and bias N(0, 1). */
export const normal: Initializer = Object.freeze({
  name: 'normal',
  weightStd: () => 1,
  biasStd: () => 1,
});

/** network2.py's default: weights N(0, 1/n_in), biases N(0, 1). */
export const scaled: Initializer = Object.freeze({
  name: 'scaled',
  weightStd: (nIn: number) => 1 / Math.sqrt(nIn),
  biasStd: () => 1,
});

/** Glorot/Xavier (normal form): weights N(0, 2/(n_in + n_out)), biases 0. */
export const xavier: Initializer = Object.freeze({
  name: 'xavier',
  weightStd: (nIn: number, nOut: number) => Math.sqrt(2 / (nIn + nOut)),
  biasStd: () => 0,
});

/** He (for ReLU layers): weights N(0, 2/n_in), biases 0. */
export const he: Initializer = Object.freeze({
  name: 'he',
  weightStd: (nIn: number) => Math.sqrt(2 / nIn),
  biasStd: () => 0,
});

/** Every built-in initialiser name. */
export const INIT_NAMES: readonly InitName[] = Object.freeze(['normal', 'scaled', 'xavier', 'he']);

/**
 * The built-in initialiser with this name.
 *
 * @param name - `'normal'`, `'scaled'`, `'xavier'` or `'he'`
 * @throws TypeError naming the unknown name and listing the known ones
 */
export function initializerByName(name: string): Initializer {
  switch (name) {
    case 'normal':
      return normal;
    case 'scaled':
      return scaled;
    case 'xavier':
      return xavier;
    case 'he':
      return he;
    default:
      throw new TypeError(
        `unknown initialiser ${JSON.stringify(name)}; known initialisers: ${INIT_NAMES.join(', ')}`,
      );
  }
}

/**
 * Draws fresh weights and biases into every layer, overwriting them. The draw
 * order is fixed, and follows network.py: first the biases of layer 1, 2, …, L
 * (each in neuron order j), then the weights of layer 1, 2, …, L (each row-major:
 * neuron j, then input k). Standard normal draws come from `rng.normal` and are
 * multiplied by the layer's standard deviation; a deviation of 0 writes zeros
 * without drawing. The same seed thus always gives the same network.
 *
 * @param layers - the layers to overwrite (their matrices are mutated)
 * @param init - the initialiser
 * @param rng - the generator to draw from (advanced by the draws)
 */
export function initializeInPlace(layers: readonly Layer[], init: Initializer, rng: Rng): void {
  for (const layer of layers) {
    const std = init.biasStd(layer.weights.cols, layer.weights.rows);
    fillNormalScaled(layer.biases.data, std, rng);
  }
  for (const layer of layers) {
    const std = init.weightStd(layer.weights.cols, layer.weights.rows);
    fillNormalScaled(layer.weights.data, std, rng);
  }
}

function fillNormalScaled(data: Float64Array | Float32Array, std: number, rng: Rng): void {
  if (!(std >= 0) || !Number.isFinite(std)) {
    throw new TypeError(`an initialiser's standard deviation must be finite and >= 0, got ${std}`);
  }
  if (std === 0) {
    data.fill(0);
    return;
  }
  for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
}
