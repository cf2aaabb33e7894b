import type { Cost, CostName } from '@mlisp/costs';
import type { Matrix, RandomState, Rng } from '@mlisp/tensor';
import type { EnginePath, WorkerFactory } from './fast/types.js';

/** The code that trained: the matrix loop (`'matrix'`) or a WebAssembly epoch engine path. */
export type TrainPath = 'matrix' | EnginePath;

/** A data set: n samples, one per row. */
export interface Dataset {
  /** n x sizes[0], one input per row. */
  readonly inputs: Matrix;
  /** n x sizes[L], the desired output y(x) of each input. */
  readonly targets: Matrix;
  /** Class of each sample (length n), for accuracy; default: the argmax of each target row. */
  readonly labels?: ArrayLike<number>;
}

/** ∂C/∂w and ∂C/∂b of every layer: index l − 1 holds layer l (0 is the first hidden layer). */
export interface Gradients {
  /** weights[l − 1] is ∂C/∂w^l, n_l x n_{l−1} like the layer's weights. */
  readonly weights: Matrix[];
  /** biases[l − 1] is ∂C/∂b^l, 1 x n_l like the layer's biases. */
  readonly biases: Matrix[];
}

/** Per-layer "speed of learning" (the book's chapter 5): index l − 1 is layer l (last: output). */
export interface LearningSpeeds {
  /** ‖∂C/∂b^l‖, the book's measure. */
  readonly biases: number[];
  /** ‖∂C/∂w^l‖ (Frobenius norm, including the L2 term's (λ/n)·w). */
  readonly weights: number[];
}

/** A quantity that can drive the learning-rate schedule and early stopping. */
export type Monitor =
  | 'evaluation-accuracy'
  | 'evaluation-cost'
  | 'training-accuracy'
  | 'training-cost';

/**
 * network2.py's learning-rate schedule: after `patience` epochs without improvement of the
 * monitored quantity, multiply η by `factor`; after `maxHalvings` such reductions, stop.
 */
export interface ScheduleOptions {
  /** Epochs without improvement before η is reduced (a positive integer). */
  readonly patience: number;
  /** Reductions after which training stops (a positive integer; the book uses 7, i.e. η/128). */
  readonly maxHalvings: number;
  /** What η is multiplied by on each reduction, in (0, 1). Default 0.5 (halving). */
  readonly factor?: number;
}

/** Stop after `patience` epochs without improvement (network2.py's early_stopping_n). */
export interface EarlyStoppingOptions {
  /** Epochs without improvement before training stops (a positive integer). */
  readonly patience: number;
}

/** Per-epoch figures to compute (each costs a pass over its data set), as network2.py's flags. */
export interface MonitorOptions {
  /** Cost on the training data (default false; true when `improvement` watches it). */
  readonly trainingCost?: boolean;
  /** Accuracy on the training data (default false; true when `improvement` watches it). */
  readonly trainingAccuracy?: boolean;
  /** Cost on the evaluation data (default true when evaluation data is given). */
  readonly evaluationCost?: boolean;
  /** Accuracy on the evaluation data (default true when evaluation data is given). */
  readonly evaluationAccuracy?: boolean;
}

/** What one epoch did; `null` for figures that were not computed. */
export interface EpochEvent {
  /** The epoch number, from 1. */
  readonly epoch: number;
  /** The learning rate η used in this epoch (a schedule may lower it afterwards). */
  readonly eta: number;
  /** Seconds spent training in this epoch, excluding evaluation and learning speeds. */
  readonly seconds: number;
  /** Total cost on the training data after the epoch (with the L2 term, n = training set size). */
  readonly trainingCost: number | null;
  /** Fraction of the training data classified correctly after the epoch. */
  readonly trainingAccuracy: number | null;
  /** Total cost on the evaluation data (with the L2 term, n = evaluation set size). */
  readonly evaluationCost: number | null;
  /** Fraction of the evaluation data classified correctly. */
  readonly evaluationAccuracy: number | null;
  /** Per-layer speed of learning after the epoch, on the first `learningSpeedSamples` samples. */
  readonly learningSpeeds: LearningSpeeds | null;
  /** The code that trained this epoch (see `TrainOptions.engine`). */
  readonly path: TrainPath;
}

/** What one mini-batch did (only computed when `onBatch` is given). */
export interface BatchEvent {
  /** The epoch number, from 1. */
  readonly epoch: number;
  /** The mini-batch index within the epoch, from 0. */
  readonly batch: number;
  /** Mini-batches in the epoch. */
  readonly batches: number;
  /** Samples in this mini-batch (the last one may be smaller). */
  readonly size: number;
  /** Mean C_x of the mini-batch before its update (without the L2 term), on every path. */
  readonly cost: number;
  /** The learning rate η used. */
  readonly eta: number;
}

/** Why training ended. */
export type StopReason = 'completed' | 'schedule' | 'early-stopping' | 'aborted';

/**
 * Training's state besides the weights: save it (plain JSON) next to the model file and pass it
 * back as `resumeFrom` to continue bit-identically to an uninterrupted run.
 */
export interface TrainerState {
  readonly format: 'mlisp-trainer-state';
  readonly version: 1;
  /** Epochs completed. */
  readonly epoch: number;
  /** Mini-batches already done in epoch `epoch + 1` (0 at an epoch boundary). */
  readonly batch: number;
  /** The sample order of epoch `epoch + 1` when `batch > 0`, else null. */
  readonly order: number[] | null;
  /** The learning rate for the next mini-batch. */
  readonly eta: number;
  /** The random generator's state (it draws each epoch's shuffle). */
  readonly rng: RandomState;
  /** The current epoch's dropout key (with `dropout` > 0; drawn after the epoch's shuffle). */
  readonly dropoutKey?: number;
  /** Momentum velocities per layer (flat, row-major like the weights), or null without momentum. */
  readonly velocities: { readonly weights: number[][]; readonly biases: number[][] } | null;
  /** Counters of the schedule and early stopping. */
  readonly schedule: {
    /** Best value of the monitored quantity so far, or null. */
    readonly best: number | null;
    /** Epochs since it last improved (early stopping). */
    readonly epochsSinceBest: number;
    /** Epochs since it last improved or η was last reduced (the schedule). */
    readonly epochsSinceChange: number;
    /** Reductions of η so far. */
    readonly halvings: number;
  };
  /** The epoch events so far. */
  readonly history: EpochEvent[];
}

/** Options of `trainInPlace` (`trainInPlaceAsync` adds {@link TrainAsyncOptions.threads}). */
export interface TrainOptions {
  /** The cost function, or its name. */
  readonly cost: Cost | CostName;
  /** Learning rate η > 0. */
  readonly eta: number;
  /** Total epochs (when resuming: the total including those already done). */
  readonly epochs: number;
  /** Mini-batch size m ≥ 1; an epoch's last one may be smaller (averaged over its own size). */
  readonly batchSize: number;
  /** Regularisation parameter λ ≥ 0 (default 0) of `regularization`; n is the training set size. */
  readonly lambda?: number;
  /**
   * `'l2'` (default): w ← (1 − ηλ/n)·w − (η/m)·Σ∇w, cost term (λ/2n)·Σw² (network2.py);
   * `'l1'`: w ← w − (ηλ/n)·sgn(w) − (η/m)·Σ∇w, cost term (λ/n)·Σ|w| (the book's eqs. (95)–(97),
   * sgn(0) = 0). With momentum the term joins the velocity: v ← μ·v − (ηλ/n)·w (or ·sgn(w)) − η·∇w.
   */
  readonly regularization?: 'l2' | 'l1';
  /**
   * Inverted dropout (default 0): in training, each hidden neuron is dropped (activation and error
   * 0) with probability p in [0, 1) per sample and a kept one's activation scaled by 1/(1 − p), so
   * evaluation needs no rescaling. Masks hash a per-epoch key from the seeded generator with the
   * sample's position, layer and neuron: bit-identical across thread counts and resumes.
   */
  readonly dropout?: number;
  /** Momentum coefficient μ in [0, 1) (default 0): v ← μ·v − η·(∇w + (λ/n)·w), w ← w + v. */
  readonly momentum?: number;
  /** Shuffle the training data each epoch (default true); if false, samples are taken in order. */
  readonly shuffle?: boolean;
  /** Seed of the generator that draws the shuffles (default 0). Give `seed` or `rng`, not both. */
  readonly seed?: number;
  /** A generator to draw the shuffles from (it is advanced). */
  readonly rng?: Rng;
  /** Data to evaluate after each epoch (not trained on). */
  readonly evaluationData?: Dataset;
  /** Which per-epoch figures to compute. */
  readonly monitor?: MonitorOptions;
  /**
   * What the schedule and early stopping watch. Default: evaluation accuracy with evaluation data,
   * else training cost.
   */
  readonly improvement?: Monitor;
  /** Reduce η when learning stalls, and stop after a number of reductions. */
  readonly schedule?: ScheduleOptions;
  /** Stop when learning stalls. */
  readonly earlyStopping?: EarlyStoppingOptions;
  /** Training samples (the first ones) learning speeds use; the book uses 1000 (default 0: off). */
  readonly learningSpeedSamples?: number;
  /**
   * Rows per chunk when the matrix loop evaluates or measures learning speeds (default 500).
   * The WebAssembly engine evaluates in batches of 64 rows (or `batchSize` if larger).
   */
  readonly evaluationChunk?: number;
  /** Called after each epoch, with a function that returns the trainer state at that point. */
  readonly onEpoch?: (event: EpochEvent, checkpoint: () => TrainerState) => void;
  /** Called after each mini-batch (WebAssembly engine: each once its chunk of up to 25 has run). */
  readonly onBatch?: (event: BatchEvent) => void;
  /**
   * Aborting stops training after the current mini-batch (WebAssembly engine: chunk of up to 25);
   * `trainInPlaceAsync` yields every 25 mini-batches, so timer, I/O or message aborts are seen.
   */
  readonly signal?: AbortSignal;
  /** Continue a run from a saved state (the network must hold the weights saved with it). */
  readonly resumeFrom?: TrainerState;
  /**
   * Which code trains. `'auto'` (default): the WebAssembly epoch engine (float32: relaxed SIMD where
   * the runtime has it; float64: plain SIMD, the same bits everywhere) for every network it runs (hidden layers sigmoid, tanh, relu, leaky-relu or
   * linear; a softmax output with log-likelihood, sigmoid with cross-entropy, or any with the
   * quadratic cost; L2 or L1, momentum, dropout), else the matrix loop (custom activations, no
   * WebAssembly SIMD, or a browser's main thread in `trainInPlace`). `'matrix'` or an
   * {@link EnginePath} forces that code (a TypeError says why if it cannot run). Both give the
   * same figures within float rounding (float64: about 1e-12); resuming is bit-identical on the
   * same path.
   */
  readonly engine?: 'auto' | 'matrix' | EnginePath;
}

/** Options of `trainInPlaceAsync`: those of `trainInPlace`, and the threads of the fast engine. */
export interface TrainAsyncOptions extends TrainOptions {
  /**
   * Threads sharing each layer's neurons: 1 to `MAX_THREADS` (more than 1 needs the WebAssembly
   * engine, else a TypeError says why), or `'auto'` (default): given shared wasm memory and workers
   * (Node; browsers only when cross-origin isolated) and a network big enough for two threads to
   * gain (`autoThreads` with the data's `inputDensity`: 200,000 multiply-adds per mini-batch minus
   * the first layer's zero blocks; MNIST's [784,64,10] from batches of 10), a second thread starts
   * and every 25 mini-batches run on one or two, whichever just measured faster; else one. Weights,
   * history and states are bit-identical for any thread count (a resume may use any).
   */
  readonly threads?: number | 'auto';
  /** Starts the engine's worker threads (default: `defaultWorkerFactory()`). */
  readonly workerFactory?: WorkerFactory;
}

/** What `trainInPlace` and `trainInPlaceAsync` return. */
export interface TrainResult {
  /** One event per completed epoch (including those before a resume). */
  readonly history: EpochEvent[];
  /** The state to resume from. */
  readonly state: TrainerState;
  /** Why training ended. */
  readonly stopReason: StopReason;
  /** The code that trained: `'matrix'` or the engine path (see `TrainOptions.engine`). */
  readonly path: TrainPath;
  /** Most threads that trained at once (1 without engine workers; `'auto'`: 1 or this many). */
  readonly threads: number;
}
