import type { Network } from '@mlisp/neurons';
import { type TrainingData, toTrainingInputs, type WithTrainingData } from './data.js';
import { openEngine, openEngineSync } from './train-engine.js';
import { prepareRun, runSteps, runStepsYielding, trainSteps } from './train-steps.js';
import type { TrainAsyncOptions, TrainOptions, TrainResult } from './types.js';

/**
 * Trains `network` IN PLACE by mini-batch stochastic gradient descent with backpropagation
 * (network.py's SGD, with network2.py's L2 regularisation, monitoring, learning-rate schedule and
 * early stopping, and optional momentum); clone it first (`cloneNetwork`) to keep the original.
 * Each epoch resets the order to 0..n−1 and shuffles it with the seeded generator (so it depends on
 * nothing else), or keeps it with `shuffle: false`; mini-batches are its consecutive slices, the
 * last maybe smaller (averaged over its size). Nothing is allocated per mini-batch. Never prints:
 * progress goes to `onEpoch` / `onBatch`. CLI and visualizer networks train on the WebAssembly
 * epoch engine by default, on one thread (see `options.engine`); the result's `path` says which
 * code ran; {@link trainInPlaceAsync} can use more threads. Each epoch measures only the evaluation
 * data's cost and accuracy (if given) and what `monitor` and `learningSpeedSamples` request.
 * @param network - the network to train (mutated)
 * @param trainingData - inputs (n x sizes[0]) with targets (n x sizes[L]) or labels, or an
 *   @mlisp/mnist `Dataset` { images, labels }; matrices as Matrix, number[][] or { data, shape },
 *   float32 or float64 whatever the network's dtype (see {@link TrainingData})
 * @param options - cost, eta, epochs, batchSize and the rest of {@link TrainOptions}
 * @returns the history (one event per epoch), the state to resume from, and why training stopped
 * @throws TypeError naming the argument for training or evaluation data of no TrainingData form
 * @throws UntrainableNetworkError for a step activation or a cost unfit for the output layer
 * @throws DivergenceError when a weight, bias or cost is NaN or ±∞ (naming epoch and mini-batch)
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
 * {@link trainInPlace} with the WebAssembly engine's layers split over worker threads
 * (`createEpochEngine`; see {@link TrainAsyncOptions.threads}: `'auto'` takes 2 where faster), with
 * the same training, events, checkpoints, states, errors and results, bit-identical for every
 * thread count. Every 25 mini-batches and between epochs it yields to the event loop (timers, I/O,
 * an abort from elsewhere), then reads the abort signal. Workers stop when training ends or throws.
 * Runs the engine cannot train (see `options.engine`) run the matrix loop on one thread.
 * @param network - the network to train (mutated)
 * @param trainingData - as for {@link trainInPlace} (see {@link TrainingData})
 * @param options - those of {@link trainInPlace}, plus `workerFactory` and `threads` (`'auto'`, the
 *   default, or an integer from 1 to MAX_THREADS)
 * @returns a promise of the history, resume state, stop reason, path and threads that trained
 * @throws TypeError for a bad `threads`, or `threads` > 1 on a run the engine cannot train (or
 *   without shared memory or workers)
 * @throws UntrainableNetworkError for a step activation or a cost unfit for the output layer
 * @throws DivergenceError when a weight, bias or cost is NaN or ±∞ (naming epoch and mini-batch)
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
