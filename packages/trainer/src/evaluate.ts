import { type Cost, type CostName, l2Penalty } from '@mlisp/costs';
import type { Network } from '@mlisp/neurons';
import { argmaxRows, frobeniusNorm, type Matrix, zeros } from '@mlisp/tensor';
import { assertDataset, backpropInto } from './backprop.js';
import { checkNumber } from './checks.js';
import { assertTrainable, toCost } from './errors.js';
import { type EvaluationTotals, scoreRows } from './fast/score.js';
import type { Dataset, LearningSpeeds } from './types.js';
import {
  createWorkspace,
  feedforwardInto,
  gatherRows,
  viewRows,
  type Workspace,
} from './workspace.js';

/** Cost and accuracy of a network on a data set. */
export interface Evaluation {
  /** Total cost: mean C_x plus the L2 term ½·(λ/n)·Σw² with n the data set size. */
  readonly cost: number;
  /** Fraction of samples classified correctly. */
  readonly accuracy: number;
  /** Samples classified correctly. */
  readonly correct: number;
  /** Samples in the data set. */
  readonly n: number;
}

const DEFAULT_CHUNK = 500;

/**
 * Each sample's class: `data.labels`, else its target row's argmax (one output: 1 if target > 0.5).
 * @param nOut - neurons in the output layer
 */
export function labelsOf(data: Dataset, nOut: number): Int32Array {
  const n = data.targets.rows;
  if (data.labels !== undefined) {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = data.labels[i];
      const top = nOut === 1 ? 2 : nOut;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= top) {
        throw new RangeError(
          `labels[${i}] must be an integer class in [0, ${top}), got ${String(v)}`,
        );
      }
      out[i] = v;
    }
    return out;
  }
  if (nOut === 1) {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = (data.targets.data[i] as number) > 0.5 ? 1 : 0;
    return out;
  }
  return argmaxRows(data.targets);
}

/**
 * Feeds `data` forward in chunks of `ws.rows` samples, summing C_x and correct classifications
 * into `totals`; allocates nothing once the row view for the last chunk exists.
 * @param data - the data set (inputs and targets)
 * @param labels - the class of each sample (from {@link labelsOf})
 * @param ws - a workspace (its x, zs and as are overwritten)
 * @param totals - receives the sums (overwritten)
 */
export function evaluateInto(
  network: Network,
  cost: Cost,
  data: Dataset,
  labels: Int32Array,
  ws: Workspace,
  totals: EvaluationTotals,
): void {
  const n = data.inputs.rows;
  totals.costSum = 0;
  totals.correct = 0;
  for (let start = 0; start < n; start += ws.rows) {
    const rows = Math.min(ws.rows, n - start);
    const view = viewRows(ws, rows);
    gatherRows(data.inputs, null, start, rows, view.x);
    scoreRows(cost, feedforwardInto(network, view).data, data.targets, labels, start, rows, totals);
  }
}

/** Options of {@link evaluate} and {@link learningSpeeds}. */
export interface EvaluateOptions {
  /** L2 parameter λ ≥ 0 (default 0). */
  lambda?: number;
  /** The n of the L2 term λ/n; default: the number of samples used. */
  n?: number;
  /** Samples per chunk (default 500). */
  chunk?: number;
}

function chunkOf(options: EvaluateOptions, n: number): number {
  const chunk = options.chunk ?? DEFAULT_CHUNK;
  if (!Number.isInteger(chunk) || chunk < 1) {
    throw new TypeError(`chunk must be a positive integer, got ${String(chunk)}`);
  }
  return Math.min(chunk, n);
}

/**
 * Total cost and classification accuracy of `network` on `data` (network2.py's total_cost and
 * accuracy); the predicted class is the output's argmax (one output neuron: output > 0.5).
 * @param network - the network (not modified)
 * @param data - inputs, targets and optionally labels (default: argmax of the targets)
 * @param cost - the cost, or its name
 * @param options - λ for the L2 term, n, chunk size
 */
export function evaluate(
  network: Network,
  data: Dataset,
  cost: Cost | CostName,
  options: EvaluateOptions = {},
): Evaluation {
  const c = toCost(cost);
  assertDataset(network, data);
  const n = data.inputs.rows;
  const labels = labelsOf(data, data.targets.cols);
  const ws = createWorkspace(network, chunkOf(options, n));
  const totals: EvaluationTotals = { costSum: 0, correct: 0 };
  evaluateInto(network, c, data, labels, ws, totals);
  const total = totals.costSum / n + l2Penalty(network, options.lambda ?? 0, options.n ?? n);
  return { cost: total, accuracy: totals.correct / n, correct: totals.correct, n };
}

/**
 * Per-layer speeds of learning over the first `count` samples: the total cost's gradient, summed
 * chunk by chunk into `accWeights` / `accBiases` (overwritten), and its norm per layer.
 * @param cost - the cost (already checked with assertTrainable)
 * @param ws - a backprop workspace
 * @param accWeights - one float64 accumulator per layer, shaped like the weights
 * @param accBiases - one float64 accumulator per layer, shaped like the biases
 * @param lambda - regularisation parameter λ
 * @param n - the n of λ/n
 * @param l1 - true: the L1 term (λ/n)·sgn(w) joins the weight gradients instead of L2's (λ/n)·w
 */
export function learningSpeedsInto(
  network: Network,
  cost: Cost,
  data: Dataset,
  count: number,
  ws: Workspace,
  accWeights: Matrix[],
  accBiases: Matrix[],
  lambda: number,
  n: number,
  l1 = false,
): LearningSpeeds {
  const layers = network.layers;
  for (let l = 0; l < layers.length; l++) {
    (accWeights[l] as Matrix).data.fill(0);
    (accBiases[l] as Matrix).data.fill(0);
  }
  for (let start = 0; start < count; start += ws.rows) {
    const rows = Math.min(ws.rows, count - start);
    const view = viewRows(ws, rows);
    gatherRows(data.inputs, null, start, rows, view.x);
    gatherRows(data.targets, null, start, rows, view.y);
    backpropInto(network, cost, view);
    const share = rows / count;
    for (let l = 0; l < layers.length; l++) {
      accumulate((accWeights[l] as Matrix).data, (view.gradWeights[l] as Matrix).data, share);
      accumulate((accBiases[l] as Matrix).data, (view.gradBiases[l] as Matrix).data, share);
    }
  }
  const decay = lambda / n;
  const biases: number[] = [];
  const weights: number[] = [];
  for (let l = 0; l < layers.length; l++) {
    const acc = accWeights[l] as Matrix;
    const w = (layers[l] as Network['layers'][number]).weights.data;
    if (decay !== 0 && l1) {
      for (let i = 0; i < w.length; i++) {
        const v = w[i] as number;
        acc.data[i] = (acc.data[i] as number) + decay * (v > 0 ? 1 : v < 0 ? -1 : 0);
      }
    } else if (decay !== 0) accumulate(acc.data, w, decay);
    weights.push(frobeniusNorm(acc));
    biases.push(frobeniusNorm(accBiases[l] as Matrix));
  }
  return { biases, weights };
}

function accumulate(
  acc: Float64Array | Float32Array,
  x: Float64Array | Float32Array,
  share: number,
): void {
  for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) + share * (x[i] as number);
}

/** Float64 accumulators shaped like the network's weights and biases. */
export function createAccumulators(network: Network): { weights: Matrix[]; biases: Matrix[] } {
  return {
    weights: network.layers.map((layer) => zeros(layer.weights.rows, layer.weights.cols)),
    biases: network.layers.map((layer) => zeros(1, layer.biases.cols)),
  };
}

/**
 * Chapter 5's per-layer "speed of learning": ‖∂C/∂b^l‖ and ‖∂C/∂w^l‖ (with L2's (λ/n)·w) of the
 * total cost over `data`; index l − 1 is layer l (0: first hidden layer, last: output layer).
 * @param network - the network (not modified)
 * @param data - the samples to average over (the book uses 1000 training images)
 * @param cost - the cost, or its name
 * @param options - λ (weight norms only: biases are not regularised), n (default: data size), chunk
 */
export function learningSpeeds(
  network: Network,
  data: Dataset,
  cost: Cost | CostName,
  options: EvaluateOptions = {},
): LearningSpeeds {
  const c = toCost(cost);
  assertTrainable(network, c);
  assertDataset(network, data);
  const count = data.inputs.rows;
  const lambda = checkNumber('lambda', options.lambda ?? 0, (v) => v >= 0, 'a finite number >= 0');
  const ws = createWorkspace(network, chunkOf(options, count));
  const acc = createAccumulators(network);
  return learningSpeedsInto(
    network,
    c,
    data,
    count,
    ws,
    acc.weights,
    acc.biases,
    lambda,
    options.n ?? count,
  );
}
