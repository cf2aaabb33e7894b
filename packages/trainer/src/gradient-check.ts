import { type Cost, type CostName, l2Penalty } from '@mlisp/costs';
import { cloneNetwork, feedforward, type Network } from '@mlisp/neurons';
import type { FloatArray } from '@mlisp/tensor';
import { assertDataset, backprop } from './backprop.js';
import { checkNumber } from './checks.js';
import { assertTrainable, toCost } from './errors.js';
import type { Dataset } from './types.js';

/** Options of {@link gradientCheck}. */
export interface GradientCheckOptions {
  /** The step h of the central differences (C(θ + h) − C(θ − h)) / 2h. Default 1e-5. */
  epsilon?: number;
  /** L2 parameter λ ≥ 0 (default 0); the L2 term uses n = the batch size. */
  lambda?: number;
}

/** The relative error of one layer's weights or biases. */
export interface GradientCheckBlock {
  /** The layer l (1 = first layer after the inputs). */
  readonly layer: number;
  /** Which parameters. */
  readonly parameter: 'weights' | 'biases';
  /** ‖g_backprop − g_numeric‖ / (‖g_backprop‖ + ‖g_numeric‖), 0 when both are 0. */
  readonly relativeError: number;
  /** Largest |g_backprop − g_numeric| of one parameter. */
  readonly maxAbsoluteError: number;
}

/** What {@link gradientCheckReport} found. */
export interface GradientCheckReport {
  /** The largest relative error over every layer's weights and biases. */
  readonly maxRelativeError: number;
  /** The largest absolute difference of a single parameter. */
  readonly maxAbsoluteError: number;
  /** One entry per layer and parameter kind. */
  readonly blocks: GradientCheckBlock[];
}

function totalCostOf(network: Network, batch: Dataset, cost: Cost, lambda: number): number {
  const a = feedforward(network, batch.inputs);
  const m = batch.inputs.rows;
  return cost.sum(a, batch.targets) / m + l2Penalty(network, lambda, m);
}

/**
 * Compares backprop's ∂C/∂θ with central differences (C(θ + h) − C(θ − h)) / 2h for every weight
 * and bias θ, C being the batch's total cost (mean over its samples, plus the L2 term if λ > 0);
 * each layer's weights and biases get ‖g_backprop − g_numeric‖ / (‖g_backprop‖ + ‖g_numeric‖).
 * Works on a float64 copy: the network is not modified.
 * @param network - the network to check
 * @param batch - a few samples (inputs and targets, one per row)
 * @param cost - the cost, or its name
 * @param options - step h and λ
 */
export function gradientCheckReport(
  network: Network,
  batch: Dataset,
  cost: Cost | CostName,
  options: GradientCheckOptions = {},
): GradientCheckReport {
  const c = toCost(cost);
  assertTrainable(network, c);
  assertDataset(network, batch, 'batch');
  const h = checkNumber(
    'epsilon',
    options.epsilon ?? 1e-5,
    (v) => v > 0,
    'a positive finite number',
  );
  const lambda = checkNumber('lambda', options.lambda ?? 0, (v) => v >= 0, 'a finite number >= 0');
  const net = cloneNetwork(network, 'float64');
  const m = batch.inputs.rows;
  const analytic = backprop(net, batch, c);
  const blocks: GradientCheckBlock[] = [];
  net.layers.forEach((layer, l) => {
    const gw = (analytic.weights[l] as { data: FloatArray }).data;
    const w = layer.weights.data;
    for (let i = 0; i < gw.length; i++) gw[i] = (gw[i] as number) + (lambda / m) * (w[i] as number);
    blocks.push(compare(net, batch, c, lambda, h, l + 1, 'weights', w, gw));
    const gb = (analytic.biases[l] as { data: FloatArray }).data;
    blocks.push(compare(net, batch, c, lambda, h, l + 1, 'biases', layer.biases.data, gb));
  });
  let maxRelativeError = 0;
  let maxAbsoluteError = 0;
  for (const b of blocks) {
    maxRelativeError = Math.max(maxRelativeError, b.relativeError);
    maxAbsoluteError = Math.max(maxAbsoluteError, b.maxAbsoluteError);
  }
  return { maxRelativeError, maxAbsoluteError, blocks };
}

function compare(
  net: Network,
  batch: Dataset,
  cost: Cost,
  lambda: number,
  h: number,
  layer: number,
  parameter: 'weights' | 'biases',
  theta: FloatArray,
  analytic: FloatArray,
): GradientCheckBlock {
  let diff2 = 0;
  let a2 = 0;
  let n2 = 0;
  let maxAbs = 0;
  for (let i = 0; i < theta.length; i++) {
    const saved = theta[i] as number;
    theta[i] = saved + h;
    const up = totalCostOf(net, batch, cost, lambda);
    theta[i] = saved - h;
    const down = totalCostOf(net, batch, cost, lambda);
    theta[i] = saved;
    const numeric = (up - down) / (2 * h);
    const g = analytic[i] as number;
    const d = g - numeric;
    diff2 += d * d;
    a2 += g * g;
    n2 += numeric * numeric;
    maxAbs = Math.max(maxAbs, Math.abs(d));
  }
  const denominator = Math.sqrt(a2) + Math.sqrt(n2);
  const relativeError = denominator === 0 ? 0 : Math.sqrt(diff2) / denominator;
  return { layer, parameter, relativeError, maxAbsoluteError: maxAbs };
}

/**
 * The largest relative error of backprop against central differences over all weights and biases
 * (see {@link gradientCheckReport}); about 1e-8 or less for a correct backprop in float64.
 * @param network - the network to check (not modified)
 * @param batch - a few samples (inputs and targets, one per row)
 * @param cost - the cost, or its name
 * @param options - step h and λ
 */
export function gradientCheck(
  network: Network,
  batch: Dataset,
  cost: Cost | CostName,
  options: GradientCheckOptions = {},
): number {
  return gradientCheckReport(network, batch, cost, options).maxRelativeError;
}
