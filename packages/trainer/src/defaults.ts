/**
 * Training defaults shared by `mlisp train` and the visualizer, so the same seed and settings give
 * the same model in both: the book's chapter 3 run ([784, 30, 10], sigmoid, cross-entropy, η = 0.5,
 * λ = 5, m = 10, scaled initialisation, seed 1).
 */
export const TRAINING_DEFAULTS = Object.freeze({
  /** Layer sizes, inputs first. */
  sizes: Object.freeze([784, 30, 10]) as readonly number[],
  /** Activation of the hidden layers. */
  activation: 'sigmoid',
  cost: 'cross-entropy',
  /** Learning rate η. */
  eta: 0.5,
  /** L2 regularisation λ. */
  lambda: 5,
  /** Mini-batch size m. */
  batchSize: 10,
  epochs: 30,
  /** Weight initialiser (`createNetwork`'s `init`). */
  init: 'scaled',
  seed: 1,
  /** The network's number type. */
  dtype: 'float64',
} as const);
