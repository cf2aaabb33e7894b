import type { Network } from '@mlisp/neurons';
import type { DType, Matrix } from '@mlisp/tensor';
import { resolveConfig } from './config.js';
import { inputOrder, MAX_THREADS } from './layout.js';
import { CALLER, FastestThreads, team, WORKER } from './thread-choice.js';
import { attachWorkers, defaultWorkerFactory } from './threads.js';
import type { EnginePath, EpochEngine, EpochEngineOptions } from './types.js';
import { WasmEpochEngine } from './wasm-engine.js';
import {
  callerCanWait,
  hasSharedWasmMemory,
  hasWasmRelaxedSimd,
  hasWasmSimd,
  kernelModule,
  kernelModuleSync,
  type WasmLevel,
} from './wasm-support.js';

const ENGINES: readonly (EnginePath | 'auto')[] = ['auto', 'wasm-simd', 'wasm-relaxed'];

/** The engine paths this runtime can run, fastest first (empty without WebAssembly SIMD). */
export function availablePaths(): EnginePath[] {
  const paths: EnginePath[] = [];
  if (hasWasmRelaxedSimd()) paths.push('wasm-relaxed');
  if (hasWasmSimd()) paths.push('wasm-simd');
  return paths;
}

/**
 * The path `option` asks for, checked against what the runtime can run. `'auto'`: relaxed SIMD
 * for float32 where the runtime has it; float64, the reference, runs plain SIMD, whose results
 * are the same on every runtime (a relaxed multiply-add may be fused or not, by the hardware).
 * @throws TypeError for an unknown value, or a path this runtime cannot run
 */
export function choosePath(option: EpochEngineOptions['engine'], dtype: DType): EnginePath {
  const engine = option ?? 'auto';
  if (!ENGINES.includes(engine)) {
    throw new TypeError(`engine must be one of ${ENGINES.join(', ')}, got ${String(engine)}`);
  }
  const available = availablePaths().filter((p) => dtype === 'float32' || p === 'wasm-simd');
  if (engine === 'auto' && available.length > 0) return available[0] as EnginePath;
  if (engine === 'wasm-relaxed' && hasWasmRelaxedSimd()) return engine;
  if (!available.includes(engine as EnginePath)) {
    const hint =
      engine === 'wasm-relaxed' ? ' (Node 20 needs --experimental-wasm-relaxed-simd)' : '';
    throw new TypeError(
      `engine '${engine}' is not available in this runtime${hint}; available: ${available.join(', ') || 'none (no WebAssembly SIMD)'}`,
    );
  }
  return engine as EnginePath;
}
function levelOf(path: EnginePath): WasmLevel {
  return path === 'wasm-relaxed' ? 'relaxed' : 'simd';
}

/**
 * Checks a `threads` option: `'auto'`, undefined, or an integer from 1 to MAX_THREADS.
 * @throws TypeError naming the value and what is allowed
 */
export function checkThreads(threads: unknown): void {
  if (threads === undefined || threads === 'auto') return;
  if (
    typeof threads !== 'number' ||
    !Number.isSafeInteger(threads) ||
    threads < 1 ||
    threads > MAX_THREADS
  ) {
    throw new TypeError(
      `threads must be 'auto' or an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`,
    );
  }
}

/**
 * Multiply-adds per mini-batch (those the zero-skipping kernels run: {@link autoThreads}) from
 * which `threads: 'auto'` starts a second thread, timing crews and shares (thread-choice.ts). Below
 * this, barriers and the slower crews' probes cost more than they find (performance guide).
 */
export const TWO_THREAD_MIN_WORK = 200_000;
/**
 * The most threads `'auto'` gives a network trained in mini-batches of `batchSize`: 2 when a
 * batch's multiply-adds, batchSize · (density · n_0·n_1 + Σ_{l≥2} n_{l−1}·n_l), reach
 * {@link TWO_THREAD_MIN_WORK}, else 1. With 2, each call runs on both threads or one alone,
 * whichever measured faster (never slower than one thread for long). `inputDensity` (default 1)
 * is the share of the first layer's work the kernels run: see {@link inputDensity}.
 */
export function autoThreads(sizes: readonly number[], batchSize: number, inputDensity = 1): number {
  let work = 0;
  for (let l = 1; l < sizes.length; l++) {
    work += (sizes[l - 1] as number) * (sizes[l] as number) * (l === 1 ? inputDensity : 1);
  }
  return batchSize * work >= TWO_THREAD_MIN_WORK ? 2 : 1;
}

/**
 * The share of first-layer forward steps the zero-skipping kernels run on `inputs`: the fraction of
 * vectors (4 float32 or 2 float64 values, columns in inputOrder) where a pair of rows has a nonzero
 * value, over pairs of the first 4,096 rows. MNIST: 0.365 in float32; Fashion-MNIST: 0.75.
 */
export function inputDensity(inputs: Matrix, dtype: DType): number {
  const lanes = dtype === 'float32' ? 4 : 2;
  const cols = inputs.cols;
  const vectors = Math.ceil(cols / lanes);
  const pairs = Math.floor(Math.min(inputs.rows, 4096) / 2);
  if (pairs === 0 || vectors === 0) return 1;
  const data = inputs.data;
  const order = inputOrder(cols); // the order the engine stores the columns in
  let marked = 0;
  for (let p = 0; p < pairs; p++) {
    const r0 = 2 * p * cols;
    const r1 = r0 + cols;
    for (let v = 0; v < vectors; v++) {
      const end = Math.min(cols, (v + 1) * lanes);
      for (let k = v * lanes; k < end; k++) {
        const c = order === undefined ? k : (order[k] as number);
        if (data[r0 + c] !== 0 || data[r1 + c] !== 0) {
          marked++;
          break;
        }
      }
    }
  }
  return marked / (pairs * vectors);
}

/**
 * Compiles (and caches) the kernels `engine` resolves to, synchronously.
 * @throws what the runtime throws where it cannot compile synchronously (a browser's main thread)
 */
export function compileKernelsSync(engine: EpochEngineOptions['engine'], dtype: DType): void {
  kernelModuleSync(levelOf(choosePath(engine, dtype)), false);
}

/**
 * An epoch engine made synchronously, on one thread: the path {@link choosePath} picks (float32:
 * relaxed SIMD where the runtime has it) unless `options.engine` forces one. Throws where WebAssembly cannot compile
 * synchronously (a browser's main thread; Node and workers can): use {@link createEpochEngine}.
 * @param network - a dense network of @mlisp/neurons ({@link EpochEngineOptions.cost} lists the
 *   layers it takes); not modified until {@link EpochEngine.syncToNetwork}
 * @param options - see {@link EpochEngineOptions}; `threads` must be 1 or `'auto'` here
 * @returns the engine; its `path` says which kernels run
 * @example
 * const engine = createEpochEngineSync(net,
 *   { cost: 'cross-entropy', eta: 0.5, lambda: 5, batchSize: 10 });
 * for (let e = 0; e < 30; e++) engine.runEpoch(inputs, targets, rng.permutation(inputs.rows));
 * engine.syncToNetwork();
 */
export function createEpochEngineSync(network: Network, options: EpochEngineOptions): EpochEngine {
  const config = resolveConfig(network, options);
  checkThreads(options.threads);
  if (typeof options.threads === 'number' && options.threads > 1) {
    throw new TypeError('threads > 1 need worker threads: use createEpochEngine (async)');
  }
  const path = choosePath(options.engine, config.dtype);
  const module = kernelModuleSync(levelOf(path), false);
  return new WasmEpochEngine(network, config, module, levelOf(path), 1);
}

/**
 * An epoch engine: the path {@link choosePath} picks unless `options.engine` forces one, and with
 * `threads` (default `'auto'`: see {@link autoThreads}; 1 without shared memory or workers) each
 * layer's neurons split over worker threads sharing the WebAssembly memory, in shares following
 * the threads' measured speeds. With `'auto'` each call runs on all threads, on this thread alone
 * or on worker 1 alone, whichever its recent calls timed fastest. Results are bit-identical to one
 * thread whatever the crew and split. Workers are unref'd in Node, never keeping a process alive;
 * {@link EpochEngine.close} stops them early, and a finalizer if the engine is garbage-collected.
 * @param network - a dense network of @mlisp/neurons (see {@link EpochEngineOptions.cost})
 * @param options - see {@link EpochEngineOptions}
 * @returns the engine; `path` and `threads` say what runs
 */
export async function createEpochEngine(
  network: Network,
  options: EpochEngineOptions,
): Promise<EpochEngine> {
  const config = resolveConfig(network, options);
  checkThreads(options.threads);
  const path = choosePath(options.engine, config.dtype);
  const level = levelOf(path);
  const wanted = options.threads ?? 'auto';
  const density = options.inputDensity ?? 1;
  if (typeof density !== 'number' || !(density >= 0 && density <= 1)) {
    throw new TypeError(`inputDensity must be a number from 0 to 1, got ${String(density)}`);
  }
  let threads = wanted === 'auto' ? autoThreads(config.sizes, config.batchSize, density) : wanted;
  let factory = options.workerFactory;
  if (threads > 1) {
    const shared = hasSharedWasmMemory();
    factory ??= shared ? await defaultWorkerFactory() : undefined;
    if (!shared || factory === undefined) {
      if (wanted !== 'auto') {
        throw new TypeError(
          `threads: ${threads} needs ${shared ? 'a workerFactory' : 'shared WebAssembly memory (cross-origin isolation in browsers)'}`,
        );
      }
      threads = 1;
    }
  }
  const module = await kernelModule(level, threads > 1);
  const engine = new WasmEpochEngine(network, config, module, level, threads);
  if (threads > 1 && factory !== undefined) {
    // 'auto': all threads, this one alone, or (where this thread may sleep) worker 1 alone.
    const crews = [team(threads), CALLER, ...(callerCanWait() ? [WORKER] : [])];
    const choice = wanted === 'auto' ? new FastestThreads(crews) : undefined;
    await attachWorkers(engine, module, threads, factory, choice);
  }
  return engine;
}
