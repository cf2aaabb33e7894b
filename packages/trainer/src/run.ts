// A training run's allocations and one mini-batch of the reference loop.
import type { Network } from '@mlisp/neurons';
import { dtypeOf, type FloatArray, type Matrix, zeros } from '@mlisp/tensor';
import { backpropInto } from './backprop.js';
import { DivergenceError } from './errors.js';
import { createAccumulators, type EvaluationTotals, labelsOf } from './evaluate.js';
import type { ResolvedOptions } from './options.js';
import { checkState, type RunCounters } from './state.js';
import type { Dataset, EpochEvent, TrainOptions } from './types.js';
import { updateMiniBatch, type Velocities } from './update.js';
import { createWorkspace, gatherRows, viewRows, type Workspace } from './workspace.js';

/** Everything a run allocates, once: workspaces, the order, labels, velocities, counters and history. */
export interface Run {
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

/**
 * Allocates a run and, with `options.resumeFrom`, restores its counters,
 * generator state, order, velocities and history.
 *
 * @param network - the network to train
 * @param data - the training set (already checked)
 * @param o - the resolved options
 * @param options - the options as given (for `resumeFrom`)
 * @param reference - true when the reference loop trains (it evaluates with a workspace)
 */
export function startRun(
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
export function runMiniBatch(
  run: Run,
  b: number,
  epoch: number,
  onBatch: TrainOptions['onBatch'],
): void {
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
