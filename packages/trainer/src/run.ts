import type { Network } from '@mlisp/neurons';
import { dtypeOf, type FloatArray, type Matrix, zeros } from '@mlisp/tensor';
import { createAccumulators, labelsOf } from './evaluate.js';
import type { EvaluationTotals } from './fast/score.js';
import type { ResolvedOptions } from './options.js';
import { checkState, type RunCounters } from './state.js';
import type { Dataset, EpochEvent, TrainOptions } from './types.js';
import type { Velocities } from './update.js';
import { createWorkspace, type Workspace } from './workspace.js';

/** What a run allocates, once, whatever trains it: order, labels, velocities, counters, history. */
export interface Run {
  readonly network: Network;
  readonly data: Dataset;
  readonly o: ResolvedOptions;
  readonly n: number;
  readonly batches: number;
  /** The workspace of the learning speeds (null when they are not measured). */
  readonly speedWs: Workspace | null;
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
 * Allocates a run; with `options.resumeFrom`, restores counters, rng, order, velocities, history.
 * @param network - the network to train
 * @param data - the training set (already checked)
 * @param o - the resolved options
 * @param options - the options as given (for `resumeFrom`)
 */
export function startRun(
  network: Network,
  data: Dataset,
  o: ResolvedOptions,
  options: TrainOptions,
): Run {
  const n = data.inputs.rows;
  const batches = Math.ceil(n / o.batchSize);
  const speedSamples = Math.min(o.learningSpeedSamples, n);
  const speedWs =
    speedSamples > 0 ? createWorkspace(network, Math.min(o.evaluationChunk, speedSamples)) : null;
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
    dropoutKey: null,
  };
  let history: EpochEvent[] = [];
  const state = options.resumeFrom;
  if (state !== undefined) {
    counters = checkState(state, network, n, batches);
    if (o.dropout > 0 && counters.batch > 0 && counters.dropoutKey === null) {
      throw new TypeError('resumeFrom: dropoutKey is missing, and this run uses dropout');
    }
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
    speedWs,
    order,
    // Given labels are checked even when no training figure needs them.
    trainLabels:
      o.trainingCost || o.trainingAccuracy || data.labels !== undefined
        ? labelsOf(data, data.targets.cols)
        : null,
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
