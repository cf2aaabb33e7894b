import { l2Penalty } from '@mlisp/costs';
import type { Network } from '@mlisp/neurons';
import { dtypeOf, type FloatArray, type Matrix, zeros } from '@mlisp/tensor';
import { assertDataset, backpropInto } from './backprop.js';
import { EngineLoop, resolveEngine } from './engine-loop.js';
import { assertTrainable, DivergenceError, toCost } from './errors.js';
import {
  createAccumulators,
  type EvaluationTotals,
  evaluateInto,
  labelsOf,
  learningSpeedsInto,
} from './evaluate.js';
import { type ResolvedOptions, resolveOptions } from './options.js';
import { checkState, exportState, type RunCounters } from './state.js';
import type {
  Dataset,
  EpochEvent,
  LearningSpeeds,
  StopReason,
  TrainOptions,
  TrainPath,
  TrainResult,
} from './types.js';
import { updateMiniBatch, type Velocities } from './update.js';
import { createWorkspace, gatherRows, viewRows, type Workspace } from './workspace.js';

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Everything a run allocates, once. */
interface Run {
  readonly network: Network;
  readonly data: Dataset;
  readonly o: ResolvedOptions;
  readonly n: number;
  readonly batches: number;
  readonly ws: Workspace;
  readonly evalWs: Workspace | null;
  readonly order: Int32Array;
  readonly trainLabels: Int32Array | null;
  readonly evalLabels: Int32Array | null;
  readonly velocities: Velocities | null;
  readonly acc: { weights: Matrix[]; biases: Matrix[] } | null;
  readonly totals: EvaluationTotals;
  readonly counters: RunCounters;
  readonly history: EpochEvent[];
}

function startRun(
  network: Network,
  data: Dataset,
  o: ResolvedOptions,
  options: TrainOptions,
  reference: boolean,
): Run {
  const n = data.inputs.rows;
  const batches = Math.ceil(n / o.batchSize);
  const ws = createWorkspace(network, Math.min(o.batchSize, n));
  if (n % o.batchSize !== 0 && n > o.batchSize) viewRows(ws, n % o.batchSize);
  const nEval = o.evaluationData === null ? 0 : o.evaluationData.inputs.rows;
  const speedSamples = Math.min(o.learningSpeedSamples, n);
  // The engine evaluates with its own buffers; the reference feedforward and learning speeds need a workspace.
  const needsEval =
    speedSamples > 0 || (reference && (o.trainingCost || o.trainingAccuracy || nEval > 0));
  const evalWs = needsEval
    ? createWorkspace(network, Math.min(o.evaluationChunk, Math.max(n, nEval)))
    : null;
  const dtype = dtypeOf((network.layers[0] as Network['layers'][number]).weights);
  const velocities =
    o.momentum > 0
      ? {
          weights: network.layers.map(
            (layer) => zeros(1, layer.weights.data.length, { dtype }).data,
          ),
          biases: network.layers.map((layer) => zeros(1, layer.biases.data.length, { dtype }).data),
        }
      : null;
  const order = new Int32Array(n);
  let counters: RunCounters = {
    epoch: 0,
    batch: 0,
    eta: o.eta,
    best: null,
    epochsSinceBest: 0,
    epochsSinceChange: 0,
    halvings: 0,
  };
  let history: EpochEvent[] = [];
  const state = options.resumeFrom;
  if (state !== undefined) {
    counters = checkState(state, network, n, batches);
    o.rng.setState(state.rng);
    if (counters.batch > 0) order.set(state.order as number[]);
    const saved = state.velocities;
    if (velocities !== null && saved !== null) {
      for (let l = 0; l < network.layers.length; l++) {
        (velocities.weights[l] as FloatArray).set(saved.weights[l] as number[]);
        (velocities.biases[l] as FloatArray).set(saved.biases[l] as number[]);
      }
    }
    history = state.history.slice();
  }
  return {
    network,
    data,
    o,
    n,
    batches,
    ws,
    evalWs,
    order,
    trainLabels: o.trainingCost || o.trainingAccuracy ? labelsOf(data, data.targets.cols) : null,
    evalLabels:
      o.evaluationData !== null && (o.evaluationCost || o.evaluationAccuracy)
        ? labelsOf(o.evaluationData, o.evaluationData.targets.cols)
        : null,
    velocities,
    acc: speedSamples > 0 ? createAccumulators(network) : null,
    totals: { costSum: 0, correct: 0 },
    counters,
    history,
  };
}

/** Runs mini-batch `b` of the current epoch: gather, backprop, update, report. */
function runMiniBatch(run: Run, b: number, epoch: number, onBatch: TrainOptions['onBatch']): void {
  const { network, data, o } = run;
  const start = b * o.batchSize;
  const rows = Math.min(o.batchSize, run.n - start);
  const ws = viewRows(run.ws, rows);
  gatherRows(data.inputs, run.order, start, rows, ws.x);
  gatherRows(data.targets, run.order, start, rows, ws.y);
  backpropInto(network, o.cost, ws);
  const eta = run.counters.eta;
  const finite = updateMiniBatch(
    network,
    ws,
    eta,
    (eta * o.lambda) / run.n,
    o.momentum,
    run.velocities,
  );
  if (!finite) {
    throw new DivergenceError(
      `training diverged: a weight or bias became NaN or infinite in epoch ${epoch}, mini-batch ${b + 1} (of ${run.batches}), with eta = ${eta}; try a smaller eta`,
      epoch,
      b + 1,
    );
  }
  if (onBatch !== undefined) {
    const cost = o.cost.sum(ws.as[ws.as.length - 1] as Matrix, ws.y) / rows;
    onBatch({ epoch, batch: b, batches: run.batches, size: rows, cost, eta });
  }
}

function finiteCost(value: number, what: string, epoch: number): number {
  if (!Number.isFinite(value)) {
    throw new DivergenceError(
      `training diverged: the ${what} is ${value} after epoch ${epoch}`,
      epoch,
      null,
    );
  }
  return value;
}

/** Evaluates the epoch's figures (not timed as training): on the engine when it trains, else with the reference feedforward. */
function measureEpoch(
  run: Run,
  loop: EngineLoop | null,
  epoch: number,
  eta: number,
  seconds: number,
  path: TrainPath,
): EpochEvent {
  const { network, data, o, evalWs, totals } = run;
  let trainingCost: number | null = null;
  let trainingAccuracy: number | null = null;
  let evaluationCost: number | null = null;
  let evaluationAccuracy: number | null = null;
  let learningSpeeds: LearningSpeeds | null = null;
  const score = (set: Dataset, labels: Int32Array): void => {
    if (loop !== null) loop.evaluate(set, labels, totals);
    else evaluateInto(network, o.cost, set, labels, evalWs as Workspace, totals);
  };
  if (run.trainLabels !== null) {
    score(data, run.trainLabels);
    if (o.trainingCost) {
      const c = totals.costSum / run.n + l2Penalty(network, o.lambda, run.n);
      trainingCost = finiteCost(c, 'training cost', epoch);
    }
    if (o.trainingAccuracy) trainingAccuracy = totals.correct / run.n;
  }
  const ev = o.evaluationData;
  if (ev !== null && run.evalLabels !== null) {
    const nEval = ev.inputs.rows;
    score(ev, run.evalLabels);
    if (o.evaluationCost) {
      const c = totals.costSum / nEval + l2Penalty(network, o.lambda, nEval);
      evaluationCost = finiteCost(c, 'evaluation cost', epoch);
    }
    if (o.evaluationAccuracy) evaluationAccuracy = totals.correct / nEval;
  }
  if (evalWs !== null && run.acc !== null) {
    const count = Math.min(o.learningSpeedSamples, run.n);
    const s = learningSpeedsInto(
      network,
      o.cost,
      data,
      count,
      evalWs,
      run.acc.weights,
      run.acc.biases,
      o.lambda,
      run.n,
    );
    learningSpeeds = Object.freeze({
      biases: Object.freeze(s.biases),
      weights: Object.freeze(s.weights),
    }) as LearningSpeeds;
  }
  return Object.freeze({
    epoch,
    eta,
    seconds,
    trainingCost,
    trainingAccuracy,
    evaluationCost,
    evaluationAccuracy,
    learningSpeeds,
    path,
  });
}

/** Updates the schedule and early-stopping counters; returns why to stop, or null. */
function stepSchedule(run: Run, event: EpochEvent): StopReason | null {
  const { o, counters } = run;
  if (o.schedule === null && o.earlyStopping === null) return null;
  const value = {
    'evaluation-accuracy': event.evaluationAccuracy,
    'evaluation-cost': event.evaluationCost,
    'training-accuracy': event.trainingAccuracy,
    'training-cost': event.trainingCost,
  }[o.improvement] as number;
  const higherIsBetter = o.improvement.endsWith('accuracy');
  const best = counters.best;
  if (best === null || (higherIsBetter ? value > best : value < best)) {
    counters.best = value;
    counters.epochsSinceBest = 0;
    counters.epochsSinceChange = 0;
  } else {
    counters.epochsSinceBest++;
    counters.epochsSinceChange++;
  }
  if (o.schedule !== null && counters.epochsSinceChange >= o.schedule.patience) {
    counters.eta *= o.schedule.factor;
    counters.halvings++;
    counters.epochsSinceChange = 0;
    if (counters.halvings >= o.schedule.maxHalvings) return 'schedule';
  }
  if (o.earlyStopping !== null && counters.epochsSinceBest >= o.earlyStopping.patience)
    return 'early-stopping';
  return null;
}

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
 * `options.engine`); `path` of the result says which code ran.
 *
 * @param network - the network to train (mutated)
 * @param trainingData - inputs (n x sizes[0]), targets (n x sizes[L]) and optional labels
 * @param options - cost, eta, epochs, batchSize and the rest of {@link TrainOptions}
 * @returns the history (one event per epoch), the state to resume from, and why training stopped
 * @throws UntrainableNetworkError for a step activation or a cost that does not fit the output layer
 * @throws DivergenceError when a weight, bias or cost becomes NaN or infinite (naming the epoch and mini-batch)
 */
export function trainInPlace(
  network: Network,
  trainingData: Dataset,
  options: TrainOptions,
): TrainResult {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${String(options)}`);
  }
  const cost = toCost(options.cost);
  assertTrainable(network, cost);
  assertDataset(network, trainingData, 'trainingData');
  const o = resolveOptions(options, cost);
  if (o.evaluationData !== null) assertDataset(network, o.evaluationData, 'evaluationData');
  const engineChoice = resolveEngine(network, o, options.engine);
  const run = startRun(network, trainingData, o, options, engineChoice === 'reference');
  const loop = engineChoice === 'reference' ? null : new EngineLoop(run, engineChoice);
  const path: TrainPath = loop === null ? 'reference' : loop.path;
  const { counters, order, history } = run;
  const { signal, onEpoch, onBatch } = options;
  const checkpoint = () => exportState(counters, order, o.rng, run.velocities, history);
  let stopReason: StopReason = 'completed';
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
    const started = performance.now();
    if (loop !== null) loop.runEpoch(epoch, onBatch, signal);
    for (let b = counters.batch; loop === null && b < run.batches; b++) {
      runMiniBatch(run, b, epoch, onBatch);
      counters.batch = b + 1;
      if (aborted(signal) && counters.batch < run.batches) break;
    }
    const seconds = (performance.now() - started) / 1000;
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
  }
  return { history: history.slice(), state: checkpoint(), stopReason, path };
}
