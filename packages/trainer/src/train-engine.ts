// The one interface the training loop drives, and the one place choosing what implements it: the
// WebAssembly epoch engine, or the matrix loop (matrix-engine.ts) for what the engine does not run.
import type { Network } from '@mlisp/neurons';
import { dtypeOf } from '@mlisp/tensor';
import { activationCodes } from './fast/config.js';
import {
  availablePaths,
  compileKernelsSync,
  createEpochEngine,
  createEpochEngineSync,
  inputDensity,
} from './fast/engine.js';
import type { EvaluationTotals } from './fast/score.js';
import type { EpochEngine, EpochEngineOptions, PendingEvaluation } from './fast/types.js';
import { MatrixEngine } from './matrix-engine.js';
import type { Run } from './run.js';
import type { Dataset, TrainPath } from './types.js';

/** What trains a run's mini-batches and evaluates its network. */
export interface TrainEngine {
  /** The code that trains. */
  readonly path: TrainPath;
  /** Threads that share the work. */
  readonly threads: number;
  /** Mini-batches per {@link TrainEngine.train} call; events and the abort signal come between. */
  readonly chunk: number;
  /**
   * Trains mini-batches `first` to `end − 1` of the run's order with learning rate `eta`; with
   * `costs`, batch b's mean cost (before its update) goes to `costs[b − first]`.
   * @returns −1, or the first batch whose update made a weight or bias NaN or infinite
   */
  train(first: number, end: number, eta: number, costs: Float64Array | null): number;
  /** Σ C_x and the correct count of `set` with the current parameters (into `totals`). */
  evaluate(set: Dataset, labels: Int32Array, totals: EvaluationTotals): void;
  /**
   * {@link TrainEngine.evaluate} of a copy of the current parameters on an idle worker while
   * training goes on (see EpochEngine.evaluateAside); without one, evaluates before returning.
   */
  evaluateAside(set: Dataset, labels: Int32Array): PendingEvaluation;
  /** Brings the network's weights and biases, and the run's velocities, up to date. */
  sync(): void;
  /** Releases worker threads. */
  close(): void;
}

/** Mini-batches per engine call; events, the abort signal and finiteness are checked between. */
export const BATCHES_PER_CHUNK = 25;

/** Why the engine cannot train this run (activation/cost pairing, no WebAssembly SIMD), or null. */
export function engineUnfit(network: Network, cost: string): string | null {
  const codes = activationCodes(network, cost);
  if (typeof codes === 'string') return codes;
  if (availablePaths().length === 0) return 'this runtime has no WebAssembly SIMD';
  return null;
}

function engineOptions(run: Run): EpochEngineOptions {
  const { network, o } = run;
  return {
    cost: o.cost,
    eta: run.counters.eta,
    lambda: o.lambda,
    regularization: o.regularization,
    dropout: o.dropout,
    momentum: o.momentum,
    batchSize: o.batchSize,
    n: run.n,
    dtype: dtypeOf((network.layers[0] as Network['layers'][number]).weights),
    engine: o.engine === 'matrix' ? 'auto' : o.engine,
  };
}

/**
 * Whether the run trains on the engine: `'matrix'` never; `'auto'` when the
 * engine fits; a forced path always (a TypeError says why it cannot).
 */
function usesEngine(run: Run): boolean {
  const { o, network } = run;
  if (o.engine === 'matrix') return false;
  const why = engineUnfit(network, o.cost.name);
  if (why === null) return true;
  if (o.engine === 'auto') return false;
  throw new TypeError(`engine '${o.engine}' cannot train this network: ${why}`);
}

/**
 * openEngineSync's last engine, held weakly: a run of the same network object and settings reuses
 * it (loading the network's parameters and the run's velocities), so short runs resuming one
 * another (the visualizer's 60 ms slices) do not copy the data anew.
 */
let recent:
  | {
      readonly key: string;
      readonly network: WeakRef<Network>;
      readonly engine: WeakRef<EpochEngine>;
    }
  | undefined;
/** Engines a run is training with (not to be reused by another run meanwhile). */
const inUse = new WeakSet<EpochEngine>();

/** What an engine made for `run` depends on, but for η (see {@link EpochEngine.setEta}). */
function engineKey(run: Run, options: EpochEngineOptions): string {
  const { sizes, layers } = run.network;
  const { lambda, regularization, dropout, momentum, batchSize, n, dtype, engine } = options;
  const names = layers.map((layer) => layer.activation.name);
  const settings = [lambda, regularization, dropout, momentum, batchSize, n, dtype, engine];
  return JSON.stringify([sizes, names, run.o.cost.name, settings]);
}

/** The run's engine made synchronously on one thread (the matrix loop if unfit or uncompilable). */
export function openEngineSync(run: Run): TrainEngine {
  if (!usesEngine(run)) return new MatrixEngine(run);
  const options = engineOptions(run);
  const key = engineKey(run, options);
  const last =
    recent?.key === key && recent.network.deref() === run.network
      ? recent.engine.deref()
      : undefined;
  if (last !== undefined && !inUse.has(last)) {
    last.setEta(run.counters.eta);
    return new WasmTrainEngine(run, last, true);
  }
  try {
    compileKernelsSync(options.engine, options.dtype ?? 'float64');
  } catch (error) {
    // A browser's main thread refuses synchronous WebAssembly compiles: 'auto' trains without it.
    if (run.o.engine === 'auto') return new MatrixEngine(run);
    throw error;
  }
  const engine = createEpochEngineSync(run.network, options);
  recent = { key, network: new WeakRef(run.network), engine: new WeakRef(engine) };
  return new WasmTrainEngine(run, engine);
}

/**
 * The run's engine, its layers split over `o.threads` workers, where it fits; else the matrix loop.
 * @throws TypeError for threads > 1 on a run the engine cannot train
 */
export async function openEngine(run: Run): Promise<TrainEngine> {
  const { o, network } = run;
  if (!usesEngine(run)) {
    if (o.threads !== 'auto' && o.threads > 1) {
      const why =
        o.engine === 'matrix'
          ? "engine 'matrix' was asked for"
          : `the matrix loop trains this run (${engineUnfit(network, o.cost.name)})`;
      throw new TypeError(
        `threads: ${o.threads} needs the WebAssembly engine, but ${why}; use threads 1 or 'auto'`,
      );
    }
    return new MatrixEngine(run);
  }
  const base = engineOptions(run);
  const options: EpochEngineOptions = {
    ...base,
    threads: o.threads,
    // 'auto' counts the first layer's work at the share of this training set the kernels run.
    inputDensity: inputDensity(run.data.inputs, base.dtype ?? 'float64'),
    ...(o.workerFactory === undefined ? {} : { workerFactory: o.workerFactory }),
  };
  return new WasmTrainEngine(run, await createEpochEngine(network, options));
}

/**
 * The WebAssembly engine as a {@link TrainEngine}. It trains its own copy of the parameters (made
 * from the network and the run's velocities, so resuming is exact; sync() writes it back at each
 * epoch's end and when training stops), and retraces a diverged chunk to name the bad mini-batch.
 */
class WasmTrainEngine implements TrainEngine {
  readonly path: TrainPath;
  readonly threads: number;
  readonly chunk = BATCHES_PER_CHUNK;
  private eta: number;
  /** The batch the network and velocities hold the state after (of the current epoch). */
  private synced: number;
  /** The batch the engine's parameters hold the state after. */
  private position: number;

  /** `reused`: the engine trained another run (a new engine holds the network's parameters). */
  constructor(
    private readonly run: Run,
    private readonly engine: EpochEngine,
    reused = false,
  ) {
    this.path = engine.path;
    this.threads = engine.threads;
    this.eta = run.counters.eta;
    this.synced = run.counters.batch;
    this.position = run.counters.batch;
    inUse.add(engine);
    if (reused || run.velocities !== null) engine.loadFromNetwork(run.velocities ?? undefined);
  }

  private runBatches(first: number, end: number, costs: Float64Array | null): void {
    const { data, order, o, n } = this.run;
    const m = o.batchSize;
    const part = order.subarray(first * m, Math.min(end * m, n));
    this.engine.setDropout(this.run.counters.dropoutKey ?? 0, first * m);
    if (costs === null) this.engine.runEpoch(data.inputs, data.targets, part);
    else this.engine.runEpoch(data.inputs, data.targets, part, costs);
  }

  train(first: number, end: number, eta: number, costs: Float64Array | null): number {
    if (eta !== this.eta) {
      this.eta = eta;
      this.engine.setEta(eta);
    }
    // A new epoch: the network was synced at the end of the last one.
    if (first !== this.position) this.synced = first;
    this.runBatches(first, end, costs);
    this.position = end;
    if (this.engine.allFinite()) return -1;
    // Retrace the run: its calls from the last sync up to this one, then this call's first 1, 2, …
    // mini-batches, each from its start. A call ends by folding float32's lazy weight decay into W,
    // so only calls that start where the run's did give its bits (and name the batch it broke at).
    const velocities = this.run.velocities ?? undefined;
    this.engine.loadFromNetwork(velocities);
    for (let b = this.synced; b < first; b += this.chunk)
      this.runBatches(b, Math.min(b + this.chunk, first), null);
    this.engine.syncToNetwork(velocities);
    for (let b = first; b < end; b++) {
      this.engine.loadFromNetwork(velocities);
      this.runBatches(first, b + 1, null);
      if (!this.engine.allFinite()) {
        this.position = b + 1;
        return b;
      }
    }
    return end - 1;
  }

  evaluate(set: Dataset, labels: Int32Array, totals: EvaluationTotals): void {
    const result = this.engine.evaluate(set.inputs, set.targets, labels);
    totals.costSum = result.costSum;
    totals.correct = result.correct;
  }

  evaluateAside(set: Dataset, labels: Int32Array): PendingEvaluation {
    return this.engine.evaluateAside(set.inputs, set.targets, labels);
  }

  sync(): void {
    this.engine.syncToNetwork(this.run.velocities ?? undefined);
    this.synced = this.position;
  }

  close(): void {
    inUse.delete(this.engine);
    this.engine.close();
  }
}
