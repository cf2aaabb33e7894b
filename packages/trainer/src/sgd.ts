import type { Network } from '@mlisp/neurons';
import { type TrainingData, toTrainingInputs, type WithTrainingData } from './data.js';
import { createEngineLoop, createEngineLoopSync, referenceReason } from './engine-loop.js';
import { checkThreads } from './fast/engine.js';
import { prepareRun, runSteps, runStepsYielding, trainSteps } from './train-steps.js';
import type { TrainAsyncOptions, TrainOptions, TrainResult } from './types.js';

/**
 * Trains `network` IN PLACE by mini-batch stochastic gradient descent with
 * backpropagation (network.py's SGD, with network2.py's L2 regularisation,
 * monitoring, learning-rate schedule and early stopping, and optional momentum).
 * Its weights and biases are overwritten; clone it first (`cloneNetwork`) to keep
 * the original. Each epoch shuffles the training data with the seeded generator
 * (the order is reset to 0..n−1 and then shuffled, so an epoch's order depends
 * only on the generator), or takes it in order with `shuffle: false`; the
 * mini-batches are consecutive slices of that order and the last one may be
 * smaller (it is averaged over its own size). Nothing is allocated per
 * mini-batch. Never prints: progress goes to `onEpoch` / `onBatch`. Sigmoid
 * networks without momentum train on the fast epoch engine by default (see
 * `options.engine`), on one thread; `path` of the result says which code ran.
 * {@link trainInPlaceAsync} does the same on two threads.
 *
 * @param network - the network to train (mutated)
 * @param trainingData - inputs (n x sizes[0]) with targets (n x sizes[L]) or labels, or an
 *   @mlisp/mnist `Dataset` { images, labels }; matrices as Matrix, number[][] or { data, shape }
 *   (see {@link TrainingData})
 * @param options - cost, eta, epochs, batchSize and the rest of {@link TrainOptions}
 * @returns the history (one event per epoch), the state to resume from, and why training stopped
 * @throws TypeError naming the argument for training or evaluation data of no form in {@link TrainingData}
 * @throws UntrainableNetworkError for a step activation or a cost that does not fit the output layer
 * @throws DivergenceError when a weight, bias or cost becomes NaN or infinite (naming the epoch and mini-batch)
 */
export function trainInPlace(
  network: Network,
  trainingData: TrainingData,
  options: WithTrainingData<TrainOptions>,
): TrainResult {
  const given = toTrainingInputs<TrainOptions>(network, trainingData, options);
  const { run, engine } = prepareRun(network, given.data, given.options);
  const loop = engine === 'reference' ? null : createEngineLoopSync(run, engine);
  try {
    return runSteps(trainSteps(run, loop, given.options));
  } finally {
    loop?.close();
  }
}

/**
 * {@link trainInPlace} with the fast epoch engine's layers split over worker
 * threads (`createEpochEngine`): the same training, events, checkpoints,
 * states, errors and results, bit-identical for every thread count (training
 * about 1.45x faster on two cores for [784,100,10]). Between chunks of up to 25 mini-batches (and
 * between epochs) it lets the event loop run, so timers, I/O and an abort
 * from elsewhere are handled while it trains; the abort signal is read after
 * each such pause. The workers are stopped when training ends or throws.
 * Runs that the fast engine cannot train (see `options.engine`) run the
 * reference loop on one thread.
 *
 * @param network - the network to train (mutated)
 * @param trainingData - as for {@link trainInPlace} (see {@link TrainingData})
 * @param options - those of {@link trainInPlace}, plus `threads` (`'auto'`, the default: 2 where shared WebAssembly memory and workers exist, else 1; or an integer from 1 to MAX_THREADS) and `workerFactory`
 * @returns a promise of the history, the state to resume from, why training stopped, the path and the threads that trained
 * @throws TypeError for a bad `threads` value, or `threads` > 1 on a run the fast engine cannot train (or without shared memory or workers)
 * @throws UntrainableNetworkError for a step activation or a cost that does not fit the output layer
 * @throws DivergenceError when a weight, bias or cost becomes NaN or infinite (naming the epoch and mini-batch)
 * @example
 * const { history, threads } = await trainInPlaceAsync(net, data, {
 *   cost: 'cross-entropy', eta: 0.5, lambda: 5, epochs: 30, batchSize: 10, seed: 1,
 * });
 */
export async function trainInPlaceAsync(
  network: Network,
  trainingData: TrainingData,
  options: WithTrainingData<TrainAsyncOptions>,
): Promise<TrainResult> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${String(options)}`);
  }
  const threads = options.threads === undefined ? 'auto' : options.threads;
  checkThreads(threads);
  const factory = options.workerFactory;
  if (factory !== undefined && typeof factory !== 'function') {
    throw new TypeError(`workerFactory must be a function, got ${typeof factory}`);
  }
  const given = toTrainingInputs<TrainAsyncOptions>(network, trainingData, options);
  const { run, o, engine } = prepareRun(network, given.data, given.options);
  if (engine === 'reference' && threads !== 'auto' && threads > 1) {
    const why =
      options.engine === 'reference'
        ? "engine 'reference' was asked for"
        : `the reference loop trains this run (${referenceReason(network, o)})`;
    throw new TypeError(
      `threads: ${threads} needs the fast epoch engine, but ${why}; use threads 1 or 'auto'`,
    );
  }
  const loop =
    engine === 'reference' ? null : await createEngineLoop(run, engine, threads, factory);
  try {
    return await runStepsYielding(trainSteps(run, loop, given.options));
  } finally {
    loop?.close();
  }
}
