import type { Cost } from '@mlisp/costs';
import { cloneNetwork, feedforward, type Network } from '@mlisp/neurons';
import { fromArray, type Matrix, zeros } from '@mlisp/tensor';
import type { Check } from './types.js';
import { check, fmt } from './util.js';

/**
 * ∂C/∂w and ∂C/∂b of every layer as flat arrays: `weights[l − 1]` is layer l's
 * ∂C/∂w_jk, row-major (j, then k) like the layer's weight matrix; `biases[l − 1]`
 * its ∂C/∂b_j.
 */
export interface FlatGradients {
  /** weights[l − 1][j · n_{l−1} + k] = ∂C/∂w^l_jk. */
  readonly weights: Float64Array[];
  /** biases[l − 1][j] = ∂C/∂b^l_j. */
  readonly biases: Float64Array[];
}

/** Zero gradients shaped like the network. */
function zeroGradients(network: Network): FlatGradients {
  return {
    weights: network.layers.map((l) => new Float64Array(l.weights.data.length)),
    biases: network.layers.map((l) => new Float64Array(l.biases.data.length)),
  };
}

function row(values: ArrayLike<number>): Matrix {
  const m = zeros(1, values.length);
  m.data.set(Array.from(values));
  return m;
}

/** One sample's z^l and a^l, neuron by neuron (activations[0] is the input). */
function forwardSample(network: Network, x: ArrayLike<number>): { zs: number[][]; as: number[][] } {
  const zs: number[][] = [];
  const as: number[][] = [Array.from(x)];
  network.layers.forEach((layer, l) => {
    const aPrev = as[l] as number[];
    const nIn = layer.weights.cols;
    const z = Array.from({ length: layer.weights.rows }, (_, j) => {
      let s = layer.biases.data[j] as number;
      for (let k = 0; k < nIn; k++)
        s += (layer.weights.data[j * nIn + k] as number) * (aPrev[k] as number);
      return s;
    });
    zs.push(z);
    as.push(Array.from(layer.activation.forward(row(z)).data));
  });
  return { zs, as };
}

/**
 * The book's backpropagation written out neuron by neuron for one sample, as an
 * independent reference: BP1 from the cost's output error δ^L, then
 * BP2 δ^l_j = (Σ_i w^{l+1}_ij δ^{l+1}_i)·σ'(z^l_j), BP3 ∂C/∂b^l_j = δ^l_j and
 * BP4 ∂C/∂w^l_jk = a^{l−1}_k·δ^l_j.
 *
 * @param network - the network (read only)
 * @param x - one input
 * @param y - its desired output
 * @param cost - the cost (its `delta` gives BP1)
 * @returns the deltas δ^l (index l − 1) and the sample's gradients
 */
export function referenceBackpropSample(
  network: Network,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  cost: Cost,
): { deltas: number[][]; gradients: FlatGradients } {
  const { zs, as } = forwardSample(network, x);
  const count = network.layers.length;
  const deltas: number[][] = new Array(count);
  const last = network.layers[count - 1] as Network['layers'][number];
  const zL = zs[count - 1] as number[];
  deltas[count - 1] = Array.from(
    cost.delta(row(zL), row(as[count] as number[]), row(y), last.activation).data,
  );
  for (let l = count - 2; l >= 0; l--) {
    const above = network.layers[l + 1] as Network['layers'][number];
    const layer = network.layers[l] as Network['layers'][number];
    const next = deltas[l + 1] as number[];
    deltas[l] = (zs[l] as number[]).map((z, j) => {
      let s = 0;
      for (let i = 0; i < above.weights.rows; i++)
        s += (above.weights.data[i * above.weights.cols + j] as number) * (next[i] as number);
      return s * layer.activation.derivative(z);
    });
  }
  const gradients = zeroGradients(network);
  deltas.forEach((delta, l) => {
    const aPrev = as[l] as number[];
    const gw = gradients.weights[l] as Float64Array;
    const gb = gradients.biases[l] as Float64Array;
    delta.forEach((d, j) => {
      gb[j] = d;
      for (let k = 0; k < aPrev.length; k++) gw[j * aPrev.length + k] = (aPrev[k] as number) * d;
    });
  });
  return { deltas, gradients };
}

/**
 * The reference gradients of a batch: the mean over its rows of
 * {@link referenceBackpropSample}.
 *
 * @param network - the network (read only)
 * @param inputs - the inputs, one sample per row
 * @param targets - the desired outputs, one per row
 * @param cost - the cost
 */
export function referenceBackprop(
  network: Network,
  inputs: Matrix,
  targets: Matrix,
  cost: Cost,
): FlatGradients {
  const total = zeroGradients(network);
  const m = inputs.rows;
  for (let i = 0; i < m; i++) {
    const x = inputs.data.subarray(i * inputs.cols, (i + 1) * inputs.cols);
    const y = targets.data.subarray(i * targets.cols, (i + 1) * targets.cols);
    const g = referenceBackpropSample(network, x, y, cost).gradients;
    addScaledInPlace(total, g, 1 / m);
  }
  return total;
}

function addScaledInPlace(out: FlatGradients, g: FlatGradients, s: number): void {
  const pairs: [Float64Array, Float64Array][] = [
    ...out.weights.map((w, l): [Float64Array, Float64Array] => [w, g.weights[l] as Float64Array]),
    ...out.biases.map((b, l): [Float64Array, Float64Array] => [b, g.biases[l] as Float64Array]),
  ];
  for (const [acc, x] of pairs) {
    for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) + s * (x[i] as number);
  }
}

/**
 * Central finite differences (C(θ + h) − C(θ − h)) / 2h of the batch's mean
 * cost for every weight and bias, on a float64 copy of the network.
 *
 * @param network - the network (not modified)
 * @param inputs - the inputs, one sample per row
 * @param targets - the desired outputs, one per row
 * @param costOf - the mean cost of the batch for a given output matrix
 * @param h - the step (default 1e−6)
 */
export function finiteDifferenceGradients(
  network: Network,
  inputs: Matrix,
  targets: Matrix,
  costOf: (a: Matrix, y: Matrix) => number,
  h = 1e-6,
): FlatGradients {
  const net = cloneNetwork(network, 'float64');
  const result = zeroGradients(net);
  const evaluate = () => costOf(feedforward(net, inputs), targets);
  net.layers.forEach((layer, l) => {
    differenceInto(layer.weights.data, result.weights[l] as Float64Array, h, evaluate);
    differenceInto(layer.biases.data, result.biases[l] as Float64Array, h, evaluate);
  });
  return result;
}

function differenceInto(
  params: Float64Array | Float32Array,
  out: Float64Array,
  h: number,
  evaluate: () => number,
): void {
  for (let i = 0; i < params.length; i++) {
    const keep = params[i] as number;
    params[i] = keep + h;
    const plus = evaluate();
    params[i] = keep - h;
    const minus = evaluate();
    params[i] = keep;
    out[i] = (plus - minus) / (2 * h);
  }
}

/**
 * The mean cost of a batch under a cost of `@mlisp/costs`.
 *
 * @param cost - the cost
 */
export function meanCost(cost: Cost): (a: Matrix, y: Matrix) => number {
  return (a, y) => cost.sum(a, y) / a.rows;
}

/**
 * ‖a − b‖ / (‖a‖ + ‖b‖), 0 when both are zero.
 *
 * @param a - one gradient, flattened
 * @param b - the other, as many values
 */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new RangeError(`relativeError: ${a.length} values vs ${b.length}`);
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const u = a[i] as number;
    const v = b[i] as number;
    diff += (u - v) ** 2;
    na += u * u;
    nb += v * v;
  }
  const denominator = Math.sqrt(na) + Math.sqrt(nb);
  return denominator === 0 ? 0 : Math.sqrt(diff) / denominator;
}

/**
 * Two gradients agree: relative error ‖a − b‖/(‖a‖ + ‖b‖) within `tolerance`.
 *
 * @param name - what is compared
 * @param a - one gradient, flattened
 * @param b - the other (the reference), as many values
 * @param tolerance - the largest relative error allowed
 */
export function checkGradientsAgree(
  name: string,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  tolerance: number,
): Check {
  const error = relativeError(a, b);
  return check(
    name,
    `relative error ≤ ${fmt(tolerance)}`,
    `relative error ${fmt(error)}`,
    a.length > 0 && error <= tolerance,
  );
}

/**
 * A flat copy of a Matrix list (as the trainer returns gradients).
 *
 * @param matrices - the matrices
 */
export function flatten(matrices: readonly Matrix[]): Float64Array[] {
  return matrices.map((m) => Float64Array.from(m.data));
}

/**
 * A batch as matrices from nested arrays (one sample per row).
 *
 * @param rows - the samples
 */
export function batchOf(rows: readonly (readonly number[])[]): Matrix {
  return fromArray(rows);
}
