/**
 * The epoch engine: whole epochs of mini-batch SGD in WebAssembly SIMD
 * kernels, optionally split over worker threads. See README.md beside this file.
 *
 * @packageDocumentation
 */
export {
  autoThreads,
  availablePaths,
  createEpochEngine,
  createEpochEngineSync,
  inputDensity,
  TWO_THREAD_MIN_WORK,
} from './engine.js';
export { MAX_THREADS } from './layout.js';
export { defaultWorkerFactory, WORKER_SOURCE } from './threads.js';
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
} from './types.js';
export { hasSharedWasmMemory, hasWasmRelaxedSimd, hasWasmSimd } from './wasm-support.js';
