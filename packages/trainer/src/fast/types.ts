import type { DType, FloatArray, Matrix } from '@mlisp/tensor';

/**
 * Costs the engine trains with. `'log-likelihood'` needs a softmax output
 * layer, `'cross-entropy'` sigmoid outputs; `'quadratic'` takes any element-wise output.
 */
export type FastCostName = 'quadratic' | 'cross-entropy' | 'log-likelihood';

/** The kernels that run an epoch: WebAssembly SIMD, or WebAssembly relaxed SIMD (fused multiply-add). */
export type EnginePath = 'wasm-simd' | 'wasm-relaxed';

/** Momentum velocities per layer (index l − 1 is layer l), flat and row-major like the weights. */
export interface Velocities {
  readonly weights: FloatArray[];
  readonly biases: FloatArray[];
}

/**
 * Starts one worker (a Web Worker or a node worker thread) running
 * `WORKER_SOURCE`. The engine posts it the kernel module, the shared memory
 * and its thread index, waits for `'ready'`, and from then on talks to it only
 * through atomics on the shared memory.
 */
export type WorkerFactory = () => FastWorker;

/** The part of a worker the engine uses (a Web Worker and a wrapped node Worker both fit). */
export interface FastWorker {
  postMessage(message: unknown): void;
  /** Registers the one message handler (errors of the worker arrive as a message other than 'ready'). */
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
   * `'l2'` (default): w ← (1 − ηλ/n)·w − (η/m)·∇w, as network2.py; `'l1'`: w ←
   * w − (ηλ/n)·sgn(w) − (η/m)·∇w (the book's eq. (97), sgn(0) = 0).
   */
  regularization?: 'l2' | 'l1';
  /**
   * Inverted dropout on the hidden neurons while training (default 0): each
   * is dropped with this probability p in [0, 1) for each sample, and a kept
   * one's activation is scaled by 1/(1 − p). The masks are a hash of a key,
   * the sample's position in the epoch's order, the layer and the neuron
   * (see {@link EpochEngine.setDropout}); evaluation runs without dropout.
   */
  dropout?: number;
  /** Momentum coefficient μ in [0, 1) (default 0): v ← μv − (ηλ/n)w − (η/m)∇w, w ← w + v. */
  momentum?: number;
  /** Mini-batch size m (a positive integer); the last smaller batch is averaged over its own size. */
  batchSize: number;
  /** Size n of the whole training set, used by the L2 term (default: the rows of the inputs). */
  n?: number;
  /** Precision the engine computes in (default: the network's). */
  dtype?: DType;
  /**
   * Whether the wasm kernels skip the parts of the input rows that are all
   * zero (default true). MNIST's blank pixels make about 60% of the first
   * layer's multiply-adds 0·w; skipping them makes an epoch about 1.4–1.6x
   * faster and changes no bit while the weights are finite (a skipped term is
   * ±0, and a sum that starts at +0 never becomes −0). `false` runs every
   * multiply, as a dense matrix library does (what `pnpm bench`'s targets
   * compare).
   */
  skipZeros?: boolean;
  /** Which kernels run the epoch; `'auto'` (default) picks the fastest available. */
  engine?: EnginePath | 'auto';
  /**
   * Threads sharing each layer's neurons. `'auto'` (the default of
   * `createEpochEngine`) starts a second thread where shared WebAssembly
   * memory and workers are available and the network is big enough for two
   * threads to gain (see {@link autoThreads}), then runs each call on one or
   * two, whichever it measured faster; else 1. `createEpochEngineSync` runs 1.
   */
  threads?: number | 'auto';
  /**
   * For `threads: 'auto'`: the share of the first layer's work the
   * zero-skipping kernels will run on the training set, from 0 to 1 (default 1:
   * every input counted; `inputDensity(inputs, dtype)` measures it). The
   * training functions pass their data's.
   */
  inputDensity?: number;
  /** Starts the worker threads (default: `defaultWorkerFactory()`, node worker_threads or Web Workers). */
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
  /** Σ_x C_x over the samples, without the L2 term (add it yourself: `l2Penalty` of @mlisp/costs). */
  readonly costSum: number;
  /** Samples whose predicted class (the largest output; for one output neuron, output > 0.5) is their label. */
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
 * Runs whole epochs of mini-batch SGD for a dense network (hidden layers
 * sigmoid, tanh, relu, leaky-relu or linear; see {@link EpochEngineOptions.cost}
 * for the outputs), allocating nothing per batch. It trains its own copy of
 * the network's parameters: {@link EpochEngine.syncToNetwork} writes them back.
 */
export interface EpochEngine {
  /** The code that runs the epochs. */
  readonly path: EnginePath;
  /** The precision it computes in. */
  readonly dtype: DType;
  /**
   * The most threads that share a call's work (1 unless workers were
   * started); with `threads: 'auto'` a call runs on 1 or on all of them.
   */
  readonly threads: number;
  /**
   * One epoch: mini-batches of `order[0..batchSize)`, `order[batchSize..2·batchSize)`, ...
   * The training set is copied into the engine when a matrix is seen for the first time.
   *
   * Inputs and targets may be float32 or float64 whatever the engine's dtype:
   * they are converted as they are copied.
   *
   * @param inputs - N x sizes[0], one sample per row
   * @param targets - N x sizes[L], the desired outputs
   * @param order - the row indices in the order they are used: integers in [0, N), at most N of them
   * @param costs - when given, receives the mean cost C_x of each mini-batch (before its update, no L2 term): at least ⌈order.length / batchSize⌉ values
   * @throws RangeError or TypeError naming `order`, `costs`, `inputs` or `targets` when they do not fit
   */
  runEpoch(inputs: Matrix, targets: Matrix, order: ArrayLike<number>, costs?: Float64Array): void;
  /**
   * Feeds a data set forward with the engine's current parameters (no
   * training) and scores it: the cost summed over the samples and the number
   * classified correctly, as the trainer's `evaluate` computes them. The wasm
   * paths copy the inputs into WebAssembly memory the first time a matrix is
   * seen (the training set is already there) and run the rows in order, in
   * mini-batches, split over the engine's threads like training.
   *
   * @param inputs - N x sizes[0], one sample per row
   * @param targets - N x sizes[L], the desired outputs (the cost compares with these)
   * @param labels - the class of each sample (N of them); default: the argmax of each target row (for one output neuron: target > 0.5)
   */
  evaluate(inputs: Matrix, targets: Matrix, labels?: ArrayLike<number>): EngineEvaluation;
  /**
   * {@link EpochEngine.evaluate} of the current parameters, run by a worker
   * thread alone on a copy of them while this thread goes on: `runEpoch`
   * calls made before it finishes train on this thread alone, and change
   * nothing it finds. An engine without workers evaluates before returning.
   * One runs at a time: a second call (and `evaluate`) first waits for the last.
   */
  evaluateAside(inputs: Matrix, targets: Matrix, labels?: ArrayLike<number>): PendingEvaluation;
  /** The engine's current parameters (read-only views; copied out on each call for wasm paths). */
  layers(): readonly EngineLayer[];
  /**
   * True when every weight and bias is a finite number: false once training
   * diverged. Reads the parameters where they are, copying nothing.
   */
  allFinite(): boolean;
  /**
   * Writes the engine's parameters into the network's weights and biases
   * (converting dtype), and its momentum velocities into `velocities` when given.
   */
  syncToNetwork(velocities?: Velocities): void;
  /**
   * Reads the network's weights and biases into the engine (after they were
   * changed outside), and the momentum velocities from `velocities` (zeros when omitted).
   */
  loadFromNetwork(velocities?: Velocities): void;
  /**
   * Changes the learning rate η of the following epochs (e.g. a schedule's
   * reductions), keeping the parameters, the training set and the workers.
   * The next epochs compute exactly what an engine made with this η would.
   *
   * @param eta - the new learning rate (> 0)
   * @throws TypeError unless `eta` is a positive finite number
   */
  setEta(eta: number): void;
  /**
   * The dropout masks of the following `runEpoch` calls: keyed by `key`, with
   * the call's first sample at `position` of the epoch's order (the trainer
   * draws a key per epoch from its seeded Rng). Without dropout it changes nothing.
   *
   * @param key - an integer in [0, 2^32)
   * @param position - an integer ≥ 0
   * @throws TypeError naming the bad value
   */
  setDropout(key: number, position: number): void;
  /**
   * Stops worker threads; the engine keeps working on one thread afterwards.
   * No-op without workers. An engine dropped without close() has its workers
   * stopped when it is garbage-collected.
   */
  close(): void;
}
