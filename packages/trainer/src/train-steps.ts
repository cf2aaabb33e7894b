// The training loop shared by trainInPlace and trainInPlaceAsync: a generator that yields every
// 25 mini-batches and after every epoch, run to the end at once (sync) or with a macrotask between
// steps (async). It drives one TrainEngine (train-engine.ts), whatever implements it.
import { cloneNetwork, type Network } from '@mlisp/neurons';
import { assertDataset } from './backprop.js';
import { defersEvaluation, measureEpoch, stepSchedule } from './epoch-report.js';
import { assertTrainable, DivergenceError, toCost } from './errors.js';
import type { PendingEvaluation } from './fast/types.js';
import { type ResolvedOptions, resolveOptions } from './options.js';
import { type Run, startRun } from './run.js';
import { exportState } from './state.js';
import { BATCHES_PER_CHUNK, type TrainEngine } from './train-engine.js';
import type {
  Dataset,
  StopReason,
  TrainAsyncOptions,
  TrainerState,
  TrainOptions,
  TrainResult,
} from './types.js';

/**
 * Checks the network, data and options once and allocates the run, restoring `options.resumeFrom`.
 * @throws TypeError, RangeError or UntrainableNetworkError naming what is wrong
 */
export function prepareRun(
  network: Network,
  trainingData: Dataset,
  options: TrainAsyncOptions,
): Run {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${String(options)}`);
  }
  const cost = toCost(options.cost);
  assertTrainable(network, cost);
  assertDataset(network, trainingData, 'trainingData');
  const o: ResolvedOptions = resolveOptions(options, cost);
  if (o.evaluationData !== null) assertDataset(network, o.evaluationData, 'evaluationData');
  return startRun(network, trainingData, o, options);
}

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/**
 * An epoch whose evaluation set runs aside while the next epoch trains (defersEvaluation): what its
 * event needs once the figures are in. Training writes only the engine's copy of the parameters,
 * so the network keeps the epoch's until the next sync; a copy is kept for a divergence's retrace.
 */
interface Deferred {
  readonly epoch: number;
  readonly eta: number;
  readonly seconds: number;
  readonly pending: PendingEvaluation;
  /** The run's state at the end of the epoch (its history gets the epoch's event). */
  readonly state: TrainerState;
  readonly network: Network;
}

/**
 * Yields every {@link BATCHES_PER_CHUNK} mini-batches and after every epoch (the caller may let
 * other work run there) and returns the result; the abort signal is read after every call into
 * the engine. `EpochEvent.seconds` counts only the time spent training, not in yields.
 * @param run - the prepared run
 * @param engine - what trains it
 * @param options - the callbacks and the abort signal
 */
export function* trainSteps(
  run: Run,
  engine: TrainEngine,
  options: TrainOptions,
): Generator<void, TrainResult, void> {
  const { counters, order, history, o } = run;
  const { signal, onEpoch, onBatch } = options;
  const checkpoint = () => exportState(counters, order, o.rng, run.velocities, history);
  const costs = onBatch === undefined ? null : new Float64Array(engine.chunk);
  const defers = defersEvaluation(run);
  let deferred: Deferred | undefined;
  /** Emits the deferred epoch's event once its figures are in (with `wait`, waiting for them). */
  const flush = (wait: boolean): void => {
    const d = deferred;
    if (d === undefined || (!wait && !d.pending.ready)) return;
    deferred = undefined;
    run.network.layers.forEach((l, i) => {
      l.weights.data.set((d.network.layers[i] as typeof l).weights.data);
      l.biases.data.set((d.network.layers[i] as typeof l).biases.data);
    });
    const event = measureEpoch(run, engine, d.epoch, d.eta, d.seconds, d.pending.result());
    history.push(event);
    onEpoch?.(event, () => ({ ...d.state, history: history.slice() }));
  };
  let stopReason: StopReason = 'completed';
  let seconds = 0;
  let since = 0;
  while (counters.epoch < o.epochs && stopReason === 'completed') {
    if (aborted(signal)) {
      stopReason = 'aborted';
      break;
    }
    const epoch = counters.epoch + 1;
    if (counters.batch === 0) {
      for (let i = 0; i < run.n; i++) order[i] = i;
      if (o.shuffle) o.rng.shuffleInPlace(order);
      if (o.dropout > 0) counters.dropoutKey = o.rng.int(2 ** 32);
    }
    const eta = counters.eta;
    seconds = 0;
    since = performance.now();
    let unyielded = 0;
    while (counters.batch < run.batches) {
      const first = counters.batch;
      const end = Math.min(first + engine.chunk, run.batches);
      const bad = engine.train(first, end, eta, costs);
      if (bad >= 0) {
        flush(true);
        engine.sync();
        throw new DivergenceError(
          `training diverged: a weight or bias became NaN or infinite in epoch ${epoch}, mini-batch ${bad + 1} (of ${run.batches}), with eta = ${eta}; try a smaller eta`,
          epoch,
          bad + 1,
        );
      }
      counters.batch = end;
      if (onBatch !== undefined) {
        for (let b = first; b < end; b++) {
          const size = Math.min(o.batchSize, run.n - b * o.batchSize);
          const cost = (costs as Float64Array)[b - first] as number;
          onBatch({ epoch, batch: b, batches: run.batches, size, cost, eta });
        }
      }
      // The last epoch's figures, once in (not timed as training).
      const at = performance.now();
      flush(false);
      since += performance.now() - at;
      if (end === run.batches) break;
      unyielded += end - first;
      if (unyielded >= BATCHES_PER_CHUNK) {
        unyielded = 0;
        seconds += (performance.now() - since) / 1000;
        yield;
        since = performance.now();
      }
      if (aborted(signal)) {
        stopReason = 'aborted';
        break;
      }
    }
    seconds += (performance.now() - since) / 1000;
    if (stopReason === 'aborted') break;
    flush(true);
    engine.sync();
    counters.batch = 0;
    counters.epoch = epoch;
    if (defers) {
      const pending = engine.evaluateAside(
        o.evaluationData as Dataset,
        run.evalLabels as Int32Array,
      );
      const network = cloneNetwork(run.network);
      deferred = { epoch, eta, seconds, pending, state: checkpoint(), network };
      // Without a worker the figures are in at once, and the event goes out now.
      flush(false);
      yield;
      continue;
    }
    const event = measureEpoch(run, engine, epoch, eta, seconds);
    history.push(event);
    const stop = stepSchedule(run, event);
    onEpoch?.(event, checkpoint);
    if (stop !== null) stopReason = stop;
    else yield;
  }
  flush(true);
  engine.sync();
  return {
    history: history.slice(),
    state: checkpoint(),
    stopReason,
    path: engine.path,
    threads: engine.threads,
  };
}

/** Runs `steps` to the end at once. */
export function runSteps<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Lets the event loop run other tasks (timers, I/O, messages) before resolving. */
export interface TaskYield {
  /** Resolves in a later macrotask. */
  next(): Promise<void>;
  /** Releases what `next` needs (a message channel in browsers). */
  close(): void;
}

/** setImmediate (Node), else a MessageChannel (browsers: no 4 ms timer clamp), else setTimeout. */
export function createTaskYield(): TaskYield {
  const g = globalThis as {
    setImmediate?: (callback: () => void) => unknown;
    MessageChannel?: typeof MessageChannel;
  };
  const immediate = g.setImmediate;
  if (typeof immediate === 'function') {
    return { next: () => new Promise<void>((resolve) => immediate(resolve)), close: () => {} };
  }
  if (typeof g.MessageChannel === 'function') {
    const channel = new g.MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return {
      next: () =>
        new Promise<void>((resolve) => {
          waiting.push(resolve);
          channel.port2.postMessage(null);
        }),
      close: () => {
        channel.port1.close();
        channel.port2.close();
      },
    };
  }
  return { next: () => new Promise<void>((resolve) => setTimeout(resolve, 0)), close: () => {} };
}

/** Runs `steps` to the end, letting the event loop run between steps. */
export async function runStepsYielding<T>(steps: Generator<void, T, void>): Promise<T> {
  const tasks = createTaskYield();
  try {
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await tasks.next();
    }
  } finally {
    tasks.close();
  }
}
