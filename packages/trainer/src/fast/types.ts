import type { DType, FloatArray, Matrix } from '@mlisp/tensor';

/** log-likelihood needs a softmax output, cross-entropy sigmoid; quadratic any element-wise one. */
export type FastCostName = 'quadratic' | 'cross-entropy' | 'log-likelihood';

/** The kernels that run an epoch: WebAssembly SIMD, or relaxed SIMD (fused multiply-add). */
export type EnginePath = 'wasm-simd' | 'wasm-relaxed';

/** Momentum velocities per layer (index l − 1 is layer l), flat and row-major like the weights. */
export interface Velocities {
  readonly weights: FloatArray[];
  readonly biases: FloatArray[];
}

/**
 * Starts one worker (Web Worker or node worker thread) running `WORKER_SOURCE`. The engine posts it
 * the kernel module, shared memory and thread index, waits for `'ready'`, then uses only atomics.
 */
export type WorkerFactory = () => FastWorker;

/** The part of a worker the engine uses (a Web Worker and a wrapped node Worker both fit). */
export interface FastWorker {
  postMessage(message: unknown): void;
  /** Registers the one message handler (worker errors arrive as a message other than 'ready'). */
  onMessage(handler: (message: unknown) => void): void;
  terminate(): void;
}

/** Options of {@link createEpochEngine}. */
export interface EpochEngineOptions {
  /** Cost function, by name or as an object with that `name` (a Cost of @mlisp/costs). */
  cost: FastCostName | { readonly name: string };
  /** Learning rate η (> 0). */
  eta: number;
  /** Regularisation parameter λ (≥ 0, default 0) of `regularization`. */
  lambda?: number;
  /**
   * `'l2'` (default): w ← (1 − ηλ/n)·w − (η/m)·∇w, as network2.py;
   * `'l1'`: w ← w − (ηλ/n)·sgn(w) − (η/m)·∇w (the book's eq. (97), sgn(0) = 0).
   */
  regularization?: 'l2' | 'l1';
  /**
   * Inverted dropout on hidden neurons while training (default 0): each is dropped with probability
   * p in [0, 1) per sample, a kept one's activation scaled by 1/(1 − p); evaluation runs without
   * it. Masks hash the {@link EpochEngine.setDropout} key, the sample's position, layer and neuron.
   */
  dropout?: number;
  /** Momentum coefficient μ in [0, 1) (default 0): v ← μv − (ηλ/n)w − (η/m)∇w, w ← w + v. */
  momentum?: number;
  /** Mini-batch size m (a positive integer); a last smaller batch is averaged over its own size. */
  batchSize: number;
  /** Size n of the whole training set, used by the L2 term (default: the rows of the inputs). */
  n?: number;
  /** Precision the engine computes in (default: the network's). */
  dtype?: DType;
  /**
   * Whether the wasm kernels skip all-zero parts of input rows (default true): MNIST's blank pixels
   * make about 60% of first-layer multiply-adds 0·w; skipping them makes an epoch 1.4–1.6x faster,
   * changing no bit while weights are finite (a skipped term is ±0; sums from +0 never become −0).
   * `false` runs every multiply, like a dense matrix library (what `pnpm bench`'s targets compare).
   */
  skipZeros?: boolean;
  /**
   * Which kernels run the epoch. `'auto'` (default): float32 on relaxed SIMD where available,
   * float64 on plain SIMD (the same bits on every runtime).
   */
  engine?: EnginePath | 'auto';
  /**
   * Threads sharing each layer's neurons (`createEpochEngineSync`: 1). `'auto'` (default) starts a
   * second thread where shared WebAssembly memory and workers exist and the network is big enough
   * for two to gain ({@link autoThreads}), then runs each call on one or two, whichever was faster.
   */
  threads?: number | 'auto';
  /**
   * For `threads: 'auto'`: the share of the first layer's work the zero-skipping kernels run on the
   * training set, 0 to 1 (default 1; the trainer passes `inputDensity(inputs, dtype)` of its data).
   */
  inputDensity?: number;
  /** Starts the workers (default: `defaultWorkerFactory()`, node worker_threads or Web Workers). */
  workerFactory?: WorkerFactory;
}

/** The weights and biases of one layer as the engine holds them. */
export interface EngineLayer {
  /** n_out x n_in, row j = neuron j's incoming weights (the book's w_jk). */
  readonly weights: Matrix;
  /** 1 x n_out. */
  readonly biases: Matrix;
}

/** What {@link EpochEngine.evaluate} finds. */
export interface EngineEvaluation {
  /** Σ_x C_x over the samples, without the L2 term (add it with `l2Penalty` of @mlisp/costs). */
  readonly costSum: number;
  /** Samples predicted as their label (the largest output; for one output neuron, output > 0.5). */
  readonly correct: number;
}

/** An evaluation started by {@link EpochEngine.evaluateAside}. */
export interface PendingEvaluation {
  /** True once its figures are known (then {@link PendingEvaluation.result} returns at once). */
  readonly ready: boolean;
  /** Its figures: waits until they are known. */
  result(): EngineEvaluation;
}

/**
 * Runs whole epochs of mini-batch SGD for a dense network (hidden layers sigmoid, tanh, relu,
 * leaky-relu or linear; outputs: see {@link EpochEngineOptions.cost}), allocating nothing per
 * batch. It trains a copy of the parameters: {@link EpochEngine.syncToNetwork} writes them back.
 */
export interface EpochEngine {
  /** The code that runs the epochs. */
  readonly path: EnginePath;
  /** The precision it computes in. */
  readonly dtype: DType;
  /** Most threads sharing a call's work (1 unless workers were started; `'auto'`: 1 or all). */
  readonly threads: number;
  /**
   * One epoch: mini-batches of `order[0..batchSize)`, `order[batchSize..2·batchSize)`, ... A matrix
   * is copied into the engine when first seen, converting float32 or float64 to the engine's dtype.
   * @param inputs - N x sizes[0], one sample per row
   * @param targets - N x sizes[L], the desired outputs
   * @param order - the row indices in order of use: integers in [0, N), at most N of them
   * @param costs - if given, receives each mini-batch's mean cost C_x (before its update, no L2
   *   term): at least ⌈order.length / batchSize⌉ values
   * @throws RangeError or TypeError naming `order`, `costs`, `inputs` or `targets` if invalid
   */
  runEpoch(inputs: Matrix, targets: Matrix, order: ArrayLike<number>, costs?: Float64Array): void;
  /**
   * Scores a data set with the current parameters, as the trainer's `evaluate`; inputs not in wasm
   * memory (the training set is) are copied in; rows run in order, in batches split over threads.
   * @param inputs - N x sizes[0], one sample per row
   * @param targets - N x sizes[L], the desired outputs (the cost compares with these)
   * @param labels - each sample's class (N); default: each target row's argmax (one output: > 0.5)
   */
  evaluate(inputs: Matrix, targets: Matrix, labels?: ArrayLike<number>): EngineEvaluation;
  /**
   * {@link EpochEngine.evaluate} of the current parameters, run by one worker on a copy while this
   * thread goes on: `runEpoch` calls made meanwhile train on this thread alone, changing nothing it
   * finds. Without workers it evaluates before returning. A second call or `evaluate` waits for it.
   */
  evaluateAside(inputs: Matrix, targets: Matrix, labels?: ArrayLike<number>): PendingEvaluation;
  /** The engine's current parameters (read-only views; copied out on each call for wasm paths). */
  layers(): readonly EngineLayer[];
  /** True when every weight and bias is finite (false once training diverged); copies nothing. */
  allFinite(): boolean;
  /** Writes the parameters into the network (converting dtype), momentum into `velocities`. */
  syncToNetwork(velocities?: Velocities): void;
  /** Reloads the network's parameters (changed outside), and momentum from `velocities` (or 0). */
  loadFromNetwork(velocities?: Velocities): void;
  /**
   * Sets η for later epochs (keeping parameters, data, workers); same bits as a new engine with it.
   * @param eta - the new learning rate (> 0)
   * @throws TypeError unless `eta` is a positive finite number
   */
  setEta(eta: number): void;
  /**
   * The dropout masks of later `runEpoch` calls (a no-op without dropout): keyed by `key`, the
   * call's first sample at `position` of the epoch's order (the trainer draws one key per epoch).
   * @param key - an integer in [0, 2^32)
   * @param position - an integer ≥ 0
   * @throws TypeError naming the bad value
   */
  setDropout(key: number, position: number): void;
  /**
   * Stops worker threads; the engine keeps working on one thread afterwards (no-op without
   * workers). An engine dropped without close() has its workers stopped when garbage-collected.
   */
  close(): void;
}
