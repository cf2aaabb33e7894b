import type { Network } from '@mlisp/neurons';
import { type TrainingData, toTrainingInputs, type WithTrainingData } from './data.js';
import { openEngine, openEngineSync } from './train-engine.js';
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
 * mini-batch. Never prints: progress goes to `onEpoch` / `onBatch`. Every
 * network the CLI and the visualizer build trains on the WebAssembly epoch
 * engine by default, on one thread (see `options.engine`); `path` of the
 * result says which code ran. {@link trainInPlaceAsync} can use more threads.
 * Only what is asked for is measured each epoch: the evaluation data's cost
 * and accuracy when it is given, the rest through `monitor` and
 * `learningSpeedSamples`.
 *
 * @param network - the network to train (mutated)
 * @param trainingData - inputs (n x sizes[0]) with targets (n x sizes[L]) or labels, or an
 *   @mlisp/mnist `Dataset` { images, labels }; matrices as Matrix, number[][] or { data, shape },
 *   float32 or float64 whatever the network's dtype (see {@link TrainingData})
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
  const run = prepareRun(network, given.data, given.options);
  const engine = openEngineSync(run);
  try {
    return runSteps(trainSteps(run, engine, given.options));
  } finally {
    engine.close();
  }
}

/**
 * {@link trainInPlace} with the WebAssembly engine's layers split over worker
 * threads (`createEpochEngine`; `threads: 'auto'` takes 2 where that is
 * faster, see {@link TrainAsyncOptions.threads}): the same training, events,
 * checkpoints, states, errors and results, bit-identical for every thread
 * count. Every 25 mini-batches (and between epochs) it lets the event loop
 * run, so timers, I/O and an abort from elsewhere are handled while it
 * trains; the abort signal is read after each such pause. The workers are
 * stopped when training ends or throws. Runs that the engine cannot train
 * (see `options.engine`) run the matrix loop on one thread.
 *
 * @param network - the network to train (mutated)
 * @param trainingData - as for {@link trainInPlace} (see {@link TrainingData})
 * @param options - those of {@link trainInPlace}, plus `threads` (`'auto'`, the default, or an integer from 1 to MAX_THREADS) and `workerFactory`
 * @returns a promise of the history, the state to resume from, why training stopped, the path and the threads that trained
 * @throws TypeError for a bad `threads` value, or `threads` > 1 on a run the engine cannot train (or without shared memory or workers)
 * @throws UntrainableNetworkError for a step activation or a cost that does not fit the output layer
 * @throws DivergenceError when a weight, bias or cost becomes NaN or infinite (naming the epoch and mini-batch)
 * @example
 * const { history, threads } = await trainInPlaceAsync(net, data, {
 *   cost: 'cross-entropy', eta: 0.5, lambda: 5, epochs: 30, batchSize: 10, seed: 1,
 *   evaluationData: test,
 * });
 */
export async function trainInPlaceAsync(
  network: Network,
  trainingData: TrainingData,
  options: WithTrainingData<TrainAsyncOptions>,
): Promise<TrainResult> {
  const given = toTrainingInputs<TrainAsyncOptions>(network, trainingData, options);
  const run = prepareRun(network, given.data, given.options);
  const engine = await openEngine(run);
  try {
    return await runStepsYielding(trainSteps(run, engine, given.options));
  } finally {
    engine.close();
  }
}
