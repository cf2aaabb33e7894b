import type { Matrix } from '@mlisp/tensor';

/** Names of the built-in activations, as they appear in model files and CLI flags. */
export type ActivationName =
  | 'step'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky-relu'
  | 'linear'
  | 'softmax';

/**
 * An activation function σ. Batched forms work on a mini-batch matrix with one
 * sample per row; `out` may alias the input.
 */
export interface Activation {
  readonly name: ActivationName;
  /** False for softmax, whose value depends on the whole layer (row). */
  readonly elementwise: boolean;
  /** σ(z) for one pre-activation (for softmax: not defined per value; throws). */
  fn(z: number): number;
  /** σ'(z) for one pre-activation (for softmax: throws; its Jacobian is not diagonal). */
  derivative(z: number): number;
  /** out = σ(Z), row by row. */
  forward(z: Matrix, out?: Matrix): Matrix;
  /** out = σ'(Z) element-wise, given Z and A = σ(Z) (A lets sigmoid reuse a(1 − a)). */
  derivativeBatch(z: Matrix, a: Matrix, out?: Matrix): Matrix;
}

/**
 * One dense layer l (l ≥ 1 in the book's numbering): z = a^{l−1} Wᵀ + b for a
 * batch with one sample per row, then a = σ(z).
 */
export interface Layer {
  /** n_out x n_in: weights(j, k) is the book's w^l_{jk}, from neuron k of the layer below to neuron j. */
  readonly weights: Matrix;
  /** 1 x n_out: biases(0, j) is b^l_j. */
  readonly biases: Matrix;
  readonly activation: Activation;
}

/** A feed-forward network: sizes[0] inputs, then one {@link Layer} per later entry of sizes. */
export interface Network {
  readonly sizes: readonly number[];
  readonly layers: readonly Layer[];
}

/** Names of the costs a model file can record (implemented by `@mlisp/costs`). */
export type CostName = 'quadratic' | 'cross-entropy' | 'log-likelihood';
