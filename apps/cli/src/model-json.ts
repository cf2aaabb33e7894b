/**
 * The plain-data shape of an `mlisp-network` model file, as written by
 * @mlisp/neurons. The exporters work on this shape.
 */

/** The contents of a model file (`format: 'mlisp-network'`, version 1). */
export interface ModelJson {
  format: 'mlisp-network';
  version: 1;
  /** Neurons per layer, input layer first. */
  sizes: number[];
  /** One activation name per layer after the input layer. */
  activations: string[];
  /** The cost the network was trained with. */
  cost: string;
  /** weights[l][j][k]: from neuron k of layer l to neuron j of layer l + 1. */
  weights: number[][][];
  /** biases[l][j]: bias of neuron j of layer l + 1. */
  biases: number[][];
  meta?: Record<string, unknown>;
}
