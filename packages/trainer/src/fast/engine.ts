import type { Network } from '@mlisp/neurons';
import { type EngineConfig, resolveConfig } from './config.js';
import { attachWorkers, defaultWorkerFactory } from './threads.js';
import { TsEpochEngine, type TsKernelSet } from './ts-engine.js';
import * as kernels64 from './ts-kernels.js';
import * as kernels32 from './ts-kernels-f32.js';
import { updateLayer as update64 } from './ts-update.js';
import { updateLayer as update32 } from './ts-update-f32.js';
import type { EnginePath, EpochEngine, EpochEngineOptions } from './types.js';
import { WasmEpochEngine } from './wasm-engine.js';
import { MAX_THREADS } from './wasm-layout.js';
import {
  hasSharedWasmMemory,
  hasWasmRelaxedSimd,
  hasWasmSimd,
  kernelModule,
  kernelModuleSync,
  type WasmLevel,
} from './wasm-support.js';

const PATHS: readonly (EnginePath | 'auto')[] = ['auto', 'ts', 'wasm-simd', 'wasm-relaxed'];

/** The paths this runtime can run, fastest first (`'ts'` always). */
export function availablePaths(): EnginePath[] {
  const paths: EnginePath[] = [];
  if (hasWasmRelaxedSimd()) paths.push('wasm-relaxed');
  if (hasWasmSimd()) paths.push('wasm-simd');
  paths.push('ts');
  return paths;
}

/** The path `option` asks for, checked against what the runtime can run. */
function choosePath(option: EpochEngineOptions['path']): EnginePath {
  const path = option ?? 'auto';
  if (!PATHS.includes(path)) {
    throw new TypeError(`path must be one of ${PATHS.join(', ')}, got ${String(path)}`);
  }
  const available = availablePaths();
  if (path === 'auto') return available[0] as EnginePath;
  if (!available.includes(path)) {
    const hint = path === 'wasm-relaxed' ? ' (Node 20 needs --experimental-wasm-relaxed-simd)' : '';
    throw new TypeError(
      `path '${path}' is not available in this runtime${hint}; available: ${available.join(', ')}`,
    );
  }
  return path;
}

function levelOf(path: EnginePath): WasmLevel {
  return path === 'wasm-relaxed' ? 'relaxed' : 'simd';
}

const TS_FLOAT64: TsKernelSet = { ...kernels64, updateLayer: update64 };
const TS_FLOAT32: TsKernelSet = { ...kernels32, updateLayer: update32 };

function tsEngine(network: Network, config: EngineConfig): EpochEngine {
  return new TsEpochEngine(network, config, config.dtype === 'float32' ? TS_FLOAT32 : TS_FLOAT64);
}

/**
 * Checks a `threads` option: `'auto'`, undefined, or an integer from 1 to MAX_THREADS.
 *
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
 * An epoch engine made synchronously, on one thread: the fastest path the
 * runtime has (relaxed SIMD, SIMD, then TypeScript) unless `options.path`
 * forces one. Compiling WebAssembly synchronously is allowed in Node and in
 * workers; where it is not (a browser's main thread), `'auto'` falls back to
 * TypeScript — use {@link createEpochEngine} there.
 *
 * @param network - a dense network of @mlisp/neurons with sigmoid layers (softmax output for log-likelihood); not modified until {@link EpochEngine.syncToNetwork}
 * @param options - cost, η, λ, momentum, batch size, dtype, path (see {@link EpochEngineOptions}); `threads` must be 1 or `'auto'` here
 * @returns the engine; its `path` says which code runs
 * @example
 * const engine = createEpochEngineSync(net, { cost: 'cross-entropy', eta: 0.5, lambda: 5, batchSize: 10 });
 * for (let e = 0; e < 30; e++) engine.runEpoch(inputs, targets, rng.permutation(inputs.rows));
 * engine.syncToNetwork();
 */
export function createEpochEngineSync(network: Network, options: EpochEngineOptions): EpochEngine {
  const config = resolveConfig(network, options);
  checkThreads(options.threads);
  if (typeof options.threads === 'number' && options.threads > 1) {
    throw new TypeError('threads > 1 need worker threads: use createEpochEngine (async)');
  }
  const path = choosePath(options.path);
  if (path === 'ts') return tsEngine(network, config);
  let module: WebAssembly.Module;
  try {
    module = kernelModuleSync(levelOf(path), false);
  } catch (error) {
    if ((options.path ?? 'auto') === 'auto') return tsEngine(network, config);
    throw error;
  }
  return new WasmEpochEngine(network, config, module, levelOf(path), 1);
}

/**
 * An epoch engine: the fastest path the runtime has unless `options.path`
 * forces one, and with `threads` (default `'auto'`: 2 where shared memory and
 * workers are available and the wasm path runs) each layer's neurons split
 * over worker threads sharing the WebAssembly memory. Results are
 * bit-identical to one thread. Workers are unref'd in Node, so they never keep
 * a process alive; {@link EpochEngine.close} stops them early.
 *
 * @param network - a dense network of @mlisp/neurons with sigmoid layers (softmax output for log-likelihood)
 * @param options - see {@link EpochEngineOptions}
 * @returns the engine; `path` and `threads` say what runs
 */
export async function createEpochEngine(
  network: Network,
  options: EpochEngineOptions,
): Promise<EpochEngine> {
  const config = resolveConfig(network, options);
  checkThreads(options.threads);
  const path = choosePath(options.path);
  const wanted = options.threads ?? 'auto';
  if (path === 'ts') {
    if (typeof wanted === 'number' && wanted > 1) {
      throw new TypeError("threads > 1 need a wasm path, but path 'ts' was chosen");
    }
    return tsEngine(network, config);
  }
  const level = levelOf(path);
  let threads = wanted === 'auto' ? 2 : wanted;
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
  if (threads > 1 && factory !== undefined) await attachWorkers(engine, module, threads, factory);
  return engine;
}
