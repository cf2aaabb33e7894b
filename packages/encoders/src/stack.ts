import { cloneNetwork, type Network } from '@mlisp/neurons';
import { type BinaryLayerOptions, binaryLayer } from './binary.js';

/**
 * Stacks problem 3's one-hot → binary layer onto a network whose output layer
 * has one neuron per class: a new network with sizes `[...network.sizes,
 * bitsFor(classes)]` whose output is the bit code (decode it with
 * {@link decodeBinary}). The weights and biases are deep copies: the original
 * network is left untouched and shares no storage with the result.
 *
 * @param network - a network with at least 2 outputs (the number of classes)
 * @param options - `gain`, the factor on every weight of the binary layer (default 1)
 * @returns the stacked network (float64 binary layer; the copied layers keep their dtype)
 * @throws TypeError when the network has fewer than 2 outputs or the gain is bad
 */
export function stackBinaryEncoder(network: Network, options: BinaryLayerOptions = {}): Network {
  if (network === null || typeof network !== 'object' || !Array.isArray(network.sizes)) {
    throw new TypeError('network must be a Network with sizes and layers');
  }
  const classes = network.sizes[network.sizes.length - 1];
  if (typeof classes !== 'number' || classes < 2) {
    throw new TypeError(
      `network must have at least 2 outputs (one per class) to stack the binary layer on, got ${String(classes)}`,
    );
  }
  const encoder = binaryLayer(classes, options);
  const copy = cloneNetwork(network);
  return {
    sizes: Object.freeze([...copy.sizes, encoder.weights.rows]),
    layers: Object.freeze([...copy.layers, encoder]),
  };
}
