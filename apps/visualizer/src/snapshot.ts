/**
 * Networks cross the worker boundary as plain typed arrays (transferable),
 * and are rebuilt as @mlisp/neurons networks on the other side.
 */
import { type ActivationName, activationByName, type Network } from '@mlisp/neurons';
import { fromTypedArray } from '@mlisp/tensor';

/** A network as structured-clone-friendly data. */
export interface NetworkSnapshot {
  sizes: number[];
  activations: ActivationName[];
  /** Row-major `sizes[l+1] x sizes[l]` weights of each layer. */
  weights: Float64Array[];
  /** `sizes[l+1]` biases of each layer. */
  biases: Float64Array[];
}

/** Copies a network's parameters into a snapshot (the network is not modified). */
export function toSnapshot(network: Network): NetworkSnapshot {
  return {
    sizes: [...network.sizes],
    activations: network.layers.map((layer) => layer.activation.name),
    weights: network.layers.map((layer) => Float64Array.from(layer.weights.data)),
    biases: network.layers.map((layer) => Float64Array.from(layer.biases.data)),
  };
}

/** The buffers of a snapshot, for `postMessage(…, transfer)`. */
export function transferables(s: NetworkSnapshot): ArrayBuffer[] {
  return [...s.weights, ...s.biases].map((a) => a.buffer as ArrayBuffer);
}

/** Rebuilds a network from a snapshot (it takes ownership of the arrays). */
export function fromSnapshot(s: NetworkSnapshot): Network {
  const layers = s.weights.map((w, l) => {
    const nIn = s.sizes[l]!;
    const nOut = s.sizes[l + 1]!;
    return {
      weights: fromTypedArray(w, nOut, nIn),
      biases: fromTypedArray(s.biases[l]!, 1, nOut),
      activation: activationByName(s.activations[l]!),
    };
  });
  return { sizes: Object.freeze([...s.sizes]), layers: Object.freeze(layers) };
}
