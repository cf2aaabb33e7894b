/**
 * @mlisp/neurons: activations (step, sigmoid, tanh, relu, leaky ReLU, linear,
 * softmax), networks of dense layers, seeded initialisers, feedforward and the
 * `mlisp-network` model file, `predict` and `confusionMatrix`.
 * A batch is a Matrix with one sample per row.
 *
 * @packageDocumentation
 */
export {
  ACTIVATION_NAMES,
  activationByName,
  isActivationName,
  LEAKY_RELU_SLOPE,
  leakyRelu,
  linear,
  relu,
  sigmoid,
  softmax,
  step,
  tanh,
} from './activations.js';
export {
  he,
  INIT_NAMES,
  type Initializer,
  type InitName,
  initializeInPlace,
  initializerByName,
  normal,
  scaled,
  xavier,
} from './init.js';
export {
  MODEL_COST_NAMES,
  MODEL_FORMAT,
  MODEL_VERSION,
  ModelFormatError,
  type ModelJson,
  type ModelOptions,
  type ParsedModel,
  parseModel,
  serializeModel,
  toModelJson,
} from './model.js';
export {
  checkModelText,
  MAX_MODEL_NEURONS,
  MAX_MODEL_PARAMETERS,
  type ModelTextOptions,
} from './model-bounds.js';
export {
  type ActivationLike,
  assertSizes,
  type CreateNetworkOptions,
  cloneNetwork,
  createNetwork,
  feedforward,
  type NetworkWeights,
  networkFromWeights,
  scale,
  toActivation,
} from './network.js';
export { confusionMatrix, predict } from './predict.js';
export type { Activation, ActivationName, CostName, Layer, Network } from './types.js';
