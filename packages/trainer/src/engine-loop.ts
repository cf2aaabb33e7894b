import type { Network } from '@mlisp/neurons';
import { dtypeOf } from '@mlisp/tensor';
import { DivergenceError } from './errors.js';
import type { EvaluationTotals } from './evaluate.js';
import { createEpochEngine, createEpochEngineSync } from './fast/engine.js';
import type { EnginePath, EpochEngine, EpochEngineOptions, WorkerFactory } from './fast/types.js';
import type { ResolvedOptions } from './options.js';
import type { RunCounters } from './state.js';
import type { Dataset, TrainOptions } from './types.js';

/** Mini-batches per `runEpoch` call: events, the abort signal and finiteness are checked between chunks. */
export const BATCHES_PER_CHUNK = 25;

/** Why the fast engine cannot train this run, or null when it can. */
export function referenceReason(network: Network, o: ResolvedOptions): string | null {
  const acts = network.layers.map((layer) => layer.activation.name);
  const output = acts[acts.length - 1];
  const cost = o.cost.name;
  const sigmoidOut = output === 'sigmoid' && (cost === 'quadratic' || cost === 'cross-entropy');
  const softmaxOut = output === 'softmax' && cost === 'log-likelihood';
  if (!acts.slice(0, -1).every((a) => a === 'sigmoid') || !(sigmoidOut || softmaxOut)) {
    return `it needs sigmoid layers with the quadratic or cross-entropy cost, or a softmax output with log-likelihood; got activations ${acts.join(', ')} and the ${cost} cost`;
  }
  if (o.momentum > 0)
    return 'it needs momentum 0 (checkpoints need velocities the engine keeps to itself)';
  return null;
}

/**
 * The path `requested` resolves to for this run: `'reference'` (the matrix
 * backprop loop), `'auto'` (the engine's fastest path) or a forced engine path.
 *
 * @throws TypeError for an unknown value, or a forced engine path the run cannot use
 */
export function resolveEngine(
  network: Network,
  o: ResolvedOptions,
  requested: TrainOptions['engine'],
): 'reference' | 'auto' | EnginePath {
  const engine = requested ?? 'auto';
  const known = ['auto', 'reference', 'ts', 'wasm-simd', 'wasm-relaxed'];
  if (!known.includes(engine)) {
    throw new TypeError(`engine must be one of ${known.join(', ')}, got ${String(engine)}`);
  }
  if (engine === 'reference') return engine;
  const why = referenceReason(network, o);
  if (why === null) return engine;
  if (engine === 'auto') return 'reference';
  throw new TypeError(`engine '${engine}' cannot train this network: ${why}`);
}

/** What the engine loop needs of a run (run.ts's Run). */
export interface EngineRun {
  readonly network: Network;
  readonly data: Dataset;
  readonly o: ResolvedOptions;
  readonly n: number;
  readonly batches: number;
  readonly order: Int32Array;
  readonly counters: RunCounters;
}

/** The engine options of a run: its cost, η, λ, batch size, n and dtype, and the path. */
function engineOptions(run: EngineRun, path: 'auto' | EnginePath): EpochEngineOptions {
  const { network, o, n } = run;
  return {
    cost: o.cost,
    eta: run.counters.eta,
    lambda: o.lambda,
    batchSize: o.batchSize,
    n,
    dtype: dtypeOf((network.layers[0] as Network['layers'][number]).weights),
    path,
  };
}

/**
 * An engine loop on a one-thread engine made synchronously (`createEpochEngineSync`).
 *
 * @param run - the run (network, data, options, order, counters)
 * @param path - `'auto'` or the engine path to force
 */
export function createEngineLoopSync(run: EngineRun, path: 'auto' | EnginePath): EngineLoop {
  return new EngineLoop(run, createEpochEngineSync(run.network, engineOptions(run, path)));
}

/**
 * An engine loop on an engine made by `createEpochEngine`, whose layers may be
 * split over worker threads.
 *
 * @param run - the run (network, data, options, order, counters)
 * @param path - `'auto'` or the engine path to force
 * @param threads - threads to split each layer over, or `'auto'`
 * @param workerFactory - starts the workers (default: the runtime's)
 */
export async function createEngineLoop(
  run: EngineRun,
  path: 'auto' | EnginePath,
  threads: number | 'auto',
  workerFactory: WorkerFactory | undefined,
): Promise<EngineLoop> {
  const options: EpochEngineOptions = {
    ...engineOptions(run, path),
    threads,
    ...(workerFactory === undefined ? {} : { workerFactory }),
  };
  return new EngineLoop(run, await createEpochEngine(run.network, options));
}

/**
 * Runs the mini-batches of an epoch on the fast epoch engine, in chunks of
 * {@link BATCHES_PER_CHUNK}. The engine trains its own copy of the weights,
 * written back to the network after every chunk; it is made from the network
 * (so resuming from a state is exact), and told when η changes.
 */
export class EngineLoop {
  /** The engine path that runs. */
  readonly path: EnginePath;
  /** Threads that share each layer's work. */
  readonly threads: number;
  private eta: number;

  /**
   * @param run - the run (network, data, options, order, counters)
   * @param engine - an engine made from the run's network with the run's options and current η
   */
  constructor(
    private readonly run: EngineRun,
    private readonly engine: EpochEngine,
  ) {
    this.eta = run.counters.eta;
    this.path = engine.path;
    this.threads = engine.threads;
  }

  /** Runs mini-batches `first` to `end − 1` of the current order. */
  private runBatches(first: number, end: number): void {
    const { data, order, o, n } = this.run;
    const m = o.batchSize;
    this.engine.runEpoch(
      data.inputs,
      data.targets,
      order.subarray(first * m, Math.min(end * m, n)),
    );
  }

  /**
   * Runs the rest of the epoch from `counters.batch`, advancing it after each
   * chunk, and yields after every chunk (a step of the caller's loop; it may
   * wait there); returns early (mid-epoch) when `signal` is aborted after a
   * chunk.
   *
   * @param epoch - the epoch number, from 1
   * @param onBatch - called for every mini-batch after its chunk ran (cost null)
   * @param signal - checked after every chunk
   * @throws DivergenceError naming the first mini-batch that made a weight or bias NaN or infinite
   */
  *runEpoch(
    epoch: number,
    onBatch: TrainOptions['onBatch'],
    signal: AbortSignal | undefined,
  ): Generator<void, void, void> {
    const { counters, batches } = this.run;
    const eta = counters.eta;
    if (eta !== this.eta) {
      this.eta = eta;
      this.engine.setEta(eta);
    }
    while (counters.batch < batches) {
      const first = counters.batch;
      const end = Math.min(first + BATCHES_PER_CHUNK, batches);
      this.runBatches(first, end);
      if (!this.engine.allFinite()) this.diverged(epoch, first, end);
      this.engine.syncToNetwork();
      counters.batch = end;
      if (onBatch !== undefined) {
        for (let b = first; b < end; b++) {
          const size = Math.min(this.run.o.batchSize, this.run.n - b * this.run.o.batchSize);
          onBatch({ epoch, batch: b, batches, size, cost: null, eta });
        }
      }
      yield;
      if (signal?.aborted === true && counters.batch < batches) return;
    }
  }

  /**
   * Σ C_x and the correct count of `set` with the engine's parameters (the
   * network's after an epoch), fed forward by the engine.
   *
   * @param set - the data set
   * @param labels - the class of each sample (from labelsOf)
   * @param totals - receives the sums (overwritten)
   */
  evaluate(set: Dataset, labels: Int32Array, totals: EvaluationTotals): void {
    const result = this.engine.evaluate(set.inputs, set.targets, labels);
    totals.costSum = result.costSum;
    totals.correct = result.correct;
  }

  /** Stops the engine's worker threads (none on one thread). */
  close(): void {
    this.engine.close();
  }

  /** Replays the chunk from the network's weights (its state before the chunk) one batch at a time, and throws at the first bad one. */
  private diverged(epoch: number, first: number, end: number): never {
    this.engine.loadFromNetwork();
    let bad = end - 1;
    for (let b = first; b < end; b++) {
      this.runBatches(b, b + 1);
      if (!this.engine.allFinite()) {
        bad = b;
        break;
      }
    }
    this.engine.syncToNetwork();
    throw new DivergenceError(
      `training diverged: a weight or bias became NaN or infinite in epoch ${epoch}, mini-batch ${bad + 1} (of ${this.run.batches}), with eta = ${this.eta}; try a smaller eta`,
      epoch,
      bad + 1,
    );
  }
}
