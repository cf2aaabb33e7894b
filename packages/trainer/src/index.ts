/**
 * @mlisp/trainer: backpropagation (BP1–BP4) of whole mini-batches as matrices, mini-batch
 * stochastic gradient descent with L2, momentum, a learning-rate schedule and early stopping,
 * gradient checks and per-layer learning speeds; trained by a WebAssembly SIMD epoch engine (1..n
 * threads) with the matrix loop as its readable definition and portable fallback.
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
  inputDensity,
  TWO_THREAD_MIN_WORK,
} from './fast/engine.js';
export { MAX_THREADS } from './fast/layout.js';
export { defaultWorkerFactory, WORKER_SOURCE } from './fast/threads.js';
export type {
  EngineEvaluation,
  EngineLayer,
  EnginePath,
  EpochEngine,
  EpochEngineOptions,
  FastCostName,
  FastWorker,
  Velocities,
  WorkerFactory,
} from './fast/types.js';
export { hasSharedWasmMemory, hasWasmRelaxedSimd, hasWasmSimd } from './fast/wasm-support.js';
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
