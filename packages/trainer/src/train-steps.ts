// The training loop, shared by trainInPlace and trainInPlaceAsync: a
// generator that yields at every chunk boundary (every 25 mini-batches),
// driven to the end at once (sync) or with a macrotask between steps (async).
import type { Network } from '@mlisp/neurons';
import { assertDataset } from './backprop.js';
import { BATCHES_PER_CHUNK, type EngineLoop, resolveEngine } from './engine-loop.js';
import { measureEpoch, stepSchedule } from './epoch-report.js';
import { assertTrainable, toCost } from './errors.js';
import type { EnginePath } from './fast/types.js';
import { type ResolvedOptions, resolveOptions } from './options.js';
import { type Run, runMiniBatch, startRun } from './run.js';
import { exportState } from './state.js';
import type { Dataset, StopReason, TrainOptions, TrainPath, TrainResult } from './types.js';

/** A checked run, ready to train. */
export interface PreparedRun {
  readonly run: Run;
  readonly o: ResolvedOptions;
  /** The reference loop, the engine's fastest path, or a forced engine path. */
  readonly engine: 'reference' | 'auto' | EnginePath;
}

/**
 * Checks the network, data and options, chooses the code that trains, and
 * allocates the run (restoring `options.resumeFrom`).
 *
 * @throws TypeError, RangeError or UntrainableNetworkError naming what is wrong
 */
export function prepareRun(
  network: Network,
  trainingData: Dataset,
  options: TrainOptions,
): PreparedRun {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${String(options)}`);
  }
  const cost = toCost(options.cost);
  assertTrainable(network, cost);
  assertDataset(network, trainingData, 'trainingData');
  const o = resolveOptions(options, cost);
  if (o.evaluationData !== null) assertDataset(network, o.evaluationData, 'evaluationData');
  const engine = resolveEngine(network, o, options.engine);
  const run = startRun(network, trainingData, o, options, engine === 'reference');
  return { run, o, engine };
}

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/**
 * The training loop. Yields after every chunk of mini-batches and after
 * every epoch (the caller may let other work run there; the abort signal is
 * read after each yield) and returns the result. `EpochEvent.seconds` counts
 * the time spent training between yields only.
 *
 * @param run - the prepared run
 * @param loop - the engine loop, or null for the reference loop
 * @param options - the callbacks and the abort signal
 */
export function* trainSteps(
  run: Run,
  loop: EngineLoop | null,
  options: TrainOptions,
): Generator<void, TrainResult, void> {
  const { counters, order, history, o } = run;
  const { signal, onEpoch, onBatch } = options;
  const path: TrainPath = loop === null ? 'reference' : loop.path;
  const checkpoint = () => exportState(counters, order, o.rng, run.velocities, history);
  let stopReason: StopReason = 'completed';
  let seconds = 0;
  let since = 0;
  const pause = () => {
    seconds += (performance.now() - since) / 1000;
  };
  while (counters.epoch < o.epochs) {
    if (aborted(signal)) {
      stopReason = 'aborted';
      break;
    }
    const epoch = counters.epoch + 1;
    if (counters.batch === 0) {
      for (let i = 0; i < run.n; i++) order[i] = i;
      if (o.shuffle) o.rng.shuffleInPlace(order);
    }
    const eta = counters.eta;
    seconds = 0;
    since = performance.now();
    if (loop !== null) {
      for (const _ of loop.runEpoch(epoch, onBatch, signal)) {
        pause();
        yield;
        since = performance.now();
      }
    }
    const first = counters.batch;
    for (let b = first; loop === null && b < run.batches; b++) {
      runMiniBatch(run, b, epoch, onBatch);
      counters.batch = b + 1;
      if ((b + 1 - first) % BATCHES_PER_CHUNK === 0 && counters.batch < run.batches) {
        pause();
        yield;
        since = performance.now();
      }
      if (aborted(signal) && counters.batch < run.batches) break;
    }
    pause();
    if (counters.batch < run.batches) {
      stopReason = 'aborted';
      break;
    }
    counters.batch = 0;
    counters.epoch = epoch;
    const event = measureEpoch(run, loop, epoch, eta, seconds, path);
    history.push(event);
    const stop = stepSchedule(run, event);
    onEpoch?.(event, checkpoint);
    if (stop !== null) {
      stopReason = stop;
      break;
    }
    yield;
  }
  return {
    history: history.slice(),
    state: checkpoint(),
    stopReason,
    path,
    threads: loop === null ? 1 : loop.threads,
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

/** setImmediate where it exists (Node), else a MessageChannel (browsers: no 4 ms timer clamp), else setTimeout. */
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
