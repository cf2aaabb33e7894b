/**
 * @mlisp/trainer: backpropagation (BP1–BP4) of whole mini-batches as matrices,
 * mini-batch stochastic gradient descent with L2, momentum, a learning-rate
 * schedule and early stopping, gradient checks and per-layer learning speeds;
 * trained by a WebAssembly SIMD epoch engine (1..n threads) with the matrix
 * loop as its readable definition and portable fallback.
 *
 * @packageDocumentation
 */
export { assertDataset, backprop, createGradients } from './backprop.js';
export {
  type MatrixLike,
  type TrainingData,
  toDataset,
  toMatrix,
  type WithTrainingData,
} from './data.js';
export { TRAINING_DEFAULTS } from './defaults.js';
export { assertTrainable, DivergenceError, UntrainableNetworkError } from './errors.js';
export { type EvaluateOptions, type Evaluation, evaluate, learningSpeeds } from './evaluate.js';
export {
  autoThreads,
  availablePaths,
  createEpochEngine,
  createEpochEngineSync,
  defaultWorkerFactory,
  type EngineEvaluation,
  type EngineLayer,
  type EnginePath,
  type EpochEngine,
  type EpochEngineOptions,
  type FastCostName,
  type FastWorker,
  hasSharedWasmMemory,
  hasWasmRelaxedSimd,
  hasWasmSimd,
  inputDensity,
  MAX_THREADS,
  TWO_THREAD_MIN_WORK,
  type Velocities,
  WORKER_SOURCE,
  type WorkerFactory,
} from './fast/index.js';
export {
  type GradientCheckBlock,
  type GradientCheckOptions,
  type GradientCheckReport,
  gradientCheck,
  gradientCheckReport,
} from './gradient-check.js';
export { trainInPlace, trainInPlaceAsync } from './sgd.js';
export type {
  BatchEvent,
  Dataset,
  EarlyStoppingOptions,
  EpochEvent,
  Gradients,
  LearningSpeeds,
  Monitor,
  MonitorOptions,
  ScheduleOptions,
  StopReason,
  TrainAsyncOptions,
  TrainerState,
  TrainOptions,
  TrainPath,
  TrainResult,
} from './types.js';
