import { setFlagsFromString } from 'node:v8';
import type { Network } from '@mlisp/neurons';
import type { Matrix } from '@mlisp/tensor';
import type { Workload } from './train-setup.js';

/** The part of @mlisp/trainer's fast engine the benchmark uses. */
export interface FastEngine {
  readonly path: string;
  readonly threads: number;
  runEpoch(inputs: Matrix, targets: Matrix, order: ArrayLike<number>): void;
  syncToNetwork(): void;
  close(): void;
}

interface FastModule {
  createEpochEngine(network: Network, options: Record<string, unknown>): Promise<FastEngine>;
  availablePaths(): string[];
}

/** One MLISP configuration the benchmark runs. */
export interface EngineSpec {
  readonly name: string;
  readonly path: 'wasm-simd' | 'wasm-relaxed';
  readonly dtype: 'float64' | 'float32';
  readonly threads: number;
  /** True when the path needs a runtime flag (relaxed SIMD on Node 20). */
  readonly flagged: boolean;
  /** True: the wasm kernels skip all-zero input parts (the engine's default); false: dense, every multiply. */
  readonly skipZeros: boolean;
}

// (func (param v128) (result v128) local.get 0 local.get 0 local.get 0 f32x4.relaxed_madd)
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32,
  0, 32, 0, 253, 133, 2, 11,
]);

let relaxedNeedsFlag: boolean | undefined;

/**
 * Loads the fast engine of the built @mlisp/trainer. Relaxed SIMD is turned
 * on with V8's flag where the runtime has it behind one (Node 20), and the
 * rows that use it say so.
 */
export async function loadFastEngine(): Promise<FastModule> {
  if (relaxedNeedsFlag === undefined) {
    relaxedNeedsFlag = !WebAssembly.validate(RELAXED_PROBE);
    if (relaxedNeedsFlag) setFlagsFromString('--experimental-wasm-relaxed-simd');
  }
  const trainer = (await import('@mlisp/trainer')) as unknown as Partial<FastModule>;
  if (
    typeof trainer.createEpochEngine !== 'function' ||
    typeof trainer.availablePaths !== 'function'
  ) {
    throw new Error(
      '@mlisp/trainer does not export the fast engine (createEpochEngine, availablePaths) from its src/index.ts',
    );
  }
  return trainer as FastModule;
}

/** Every configuration this runtime can run: wasm SIMD and relaxed SIMD, both cores. */
export function engineSpecs(fast: FastModule): EngineSpec[] {
  const paths = fast.availablePaths();
  const flagged = relaxedNeedsFlag === true;
  const specs: EngineSpec[] = [];
  const wasm = (
    path: 'wasm-simd' | 'wasm-relaxed',
    dtype: 'float64' | 'float32',
    threads: number,
    skipZeros: boolean,
  ): EngineSpec => {
    const isFlagged = path === 'wasm-relaxed' && flagged;
    const name = `${path} ${dtype === 'float32' ? 'f32' : 'f64'}${threads > 1 ? ' x2' : ''}${skipZeros ? ' skip0' : ''}${isFlagged ? ' (flag)' : ''}`;
    return { name, path, dtype, threads, flagged: isFlagged, skipZeros };
  };
  if (paths.includes('wasm-simd')) {
    specs.push(
      wasm('wasm-simd', 'float64', 1, false),
      wasm('wasm-simd', 'float32', 1, false),
      wasm('wasm-simd', 'float32', 2, false),
    );
  }
  if (paths.includes('wasm-relaxed')) {
    specs.push(
      wasm('wasm-relaxed', 'float32', 1, false),
      wasm('wasm-relaxed', 'float32', 2, false),
    );
  }
  // The engine's default: the all-zero parts of the inputs (MNIST's blank pixels) skipped.
  if (paths.includes('wasm-simd')) {
    specs.push(wasm('wasm-simd', 'float32', 1, true), wasm('wasm-simd', 'float32', 2, true));
  }
  return specs;
}

/** An engine for the spec, training `network` (its own copy) with the workload's settings. */
export function createEngine(
  fast: FastModule,
  spec: EngineSpec,
  w: Workload,
  network: Network,
  batchSize = w.batchSize,
): Promise<FastEngine> {
  return fast.createEpochEngine(network, {
    cost: w.cost,
    eta: w.eta,
    lambda: w.lambda,
    batchSize,
    dtype: spec.dtype,
    engine: spec.path,
    threads: spec.threads,
    skipZeros: spec.skipZeros,
  });
}
