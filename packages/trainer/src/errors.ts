import { type Cost, costByName } from '@mlisp/costs';
import type { CostName, Network } from '@mlisp/neurons';

/**
 * Thrown when gradient descent cannot train a network with the given cost: a step (perceptron)
 * activation, softmax anywhere but the output layer, or a cost that does not fit the output layer.
 */
export class UntrainableNetworkError extends Error {
  /** The offending layer l (1 = first layer after the inputs), or null if the cost is at fault. */
  readonly layer: number | null;

  /**
   * @param message - what is wrong and why
   * @param layer - the offending layer, or null
   */
  constructor(message: string, layer: number | null) {
    super(message);
    this.name = 'UntrainableNetworkError';
    this.layer = layer;
  }
}

/** Thrown when a weight, bias or cost becomes NaN or ±Infinity; names the epoch and mini-batch. */
export class DivergenceError extends Error {
  /** The epoch (from 1). */
  readonly epoch: number;
  /** The mini-batch within the epoch (from 1), or null when an epoch's cost was at fault. */
  readonly batch: number | null;

  /**
   * @param message - what became non-finite, and where
   * @param epoch - the epoch (from 1)
   * @param batch - the mini-batch within the epoch (from 1), or null
   */
  constructor(message: string, epoch: number, batch: number | null) {
    super(message);
    this.name = 'DivergenceError';
    this.epoch = epoch;
    this.batch = batch;
  }
}

/** Resolves a cost given by name or as a Cost object. */
export function toCost(cost: Cost | CostName): Cost {
  if (typeof cost === 'string') return costByName(cost);
  if (
    cost === null ||
    typeof cost !== 'object' ||
    typeof cost.delta !== 'function' ||
    typeof cost.sum !== 'function'
  ) {
    throw new TypeError(`cost must be a cost name or a Cost of @mlisp/costs, got ${String(cost)}`);
  }
  return cost;
}

/**
 * Throws {@link UntrainableNetworkError} unless gradient descent can train `network` with `cost`:
 *
 * - no step activation: its derivative is 0 wherever z ≠ 0 and undefined at z = 0, so the cost's
 *   gradient is zero or undefined and gradient descent has nothing to follow (problem 10);
 * - softmax only as the output layer, with log-likelihood (and log-likelihood only with softmax);
 * - cross-entropy needs sigmoid output neurons (its output error a − y assumes them).
 * @param network - the network to check
 * @param cost - the cost it would be trained with
 */
export function assertTrainable(network: Network, cost: Cost): void {
  if (
    network === null ||
    typeof network !== 'object' ||
    !Array.isArray(network.layers) ||
    network.layers.length < 1
  ) {
    throw new TypeError('network must be a Network of @mlisp/neurons (with sizes and layers)');
  }
  const count = network.layers.length;
  network.layers.forEach((layer, index) => {
    const l = index + 1;
    const name = layer.activation.name;
    if (name === 'step') {
      throw new UntrainableNetworkError(
        `layer ${l} uses the step (perceptron) activation, which gradient descent cannot train: its derivative is 0 wherever z ≠ 0 and undefined at z = 0, so the cost's gradient with respect to the weights and biases is zero or undefined and gives no direction to descend (problem 10). Use sigmoid, a smooth version of the step (problem 2).`,
        l,
      );
    }
    if (l !== count && layer.activation.elementwise !== true) {
      throw new UntrainableNetworkError(
        name === 'softmax'
          ? `layer ${l} uses softmax, which is supported only as the output layer (layer ${count}) with the log-likelihood cost`
          : `layer ${l} uses '${name}', which is not element-wise; hidden layers need an element-wise activation`,
        l,
      );
    }
  });
  const output = (network.layers[count - 1] as Network['layers'][number]).activation.name;
  if (output === 'softmax' && cost.name !== 'log-likelihood') {
    throw new UntrainableNetworkError(
      `a softmax output layer needs the log-likelihood cost (its output error is then a − y), got the ${cost.name} cost`,
      count,
    );
  }
  if (cost.name === 'log-likelihood' && output !== 'softmax') {
    throw new UntrainableNetworkError(
      `the log-likelihood cost needs a softmax output layer, got a '${output}' output layer`,
      count,
    );
  }
  if (cost.name === 'cross-entropy' && output !== 'sigmoid') {
    throw new UntrainableNetworkError(
      `the cross-entropy cost needs sigmoid output neurons (its output error a − y assumes them), got a '${output}' output layer`,
      count,
    );
  }
}
