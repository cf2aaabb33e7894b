/**
 * The fast epoch engine: whole epochs of mini-batch SGD for dense sigmoid
 * networks, in pure TypeScript or in WebAssembly SIMD kernels, optionally
 * split over worker threads. See README.md beside this file.
 *
 * @packageDocumentation
 */
export { availablePaths, createEpochEngine, createEpochEngineSync } from './engine.js';
export { defaultWorkerFactory, WORKER_SOURCE } from './threads.js';
export type {
  EngineEvaluation,
  EngineLayer,
  EnginePath,
  EpochEngine,
  EpochEngineOptions,
  FastCostName,
  FastWorker,
  WorkerFactory,
} from './types.js';
export { MAX_THREADS } from './wasm-layout.js';
export { hasSharedWasmMemory, hasWasmRelaxedSimd, hasWasmSimd } from './wasm-support.js';
