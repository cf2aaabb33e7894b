import type { Network } from '@mlisp/neurons';
import type { Matrix } from '@mlisp/tensor';
import type { Cost } from './costs.js';

/** Options of {@link totalCost}. */
export interface TotalCostOptions {
  /** The L2 regularisation parameter λ ≥ 0. Default 0 (no L2 term). */
  lambda?: number;
  /** The network whose weights the L2 term sums; required when lambda > 0. */
  network?: Network;
  /** The n of the L2 term's λ/n. Default: the number of samples (rows of a). */
  n?: number;
}

/**
 * The L2 term ½·(λ/n)·Σ_w w² over every weight of every layer (biases are not
 * regularised), as network2.py's total_cost adds it.
 *
 * @param network - the network whose weights are summed
 * @param lambda - the regularisation parameter λ ≥ 0
 * @param n - the size of the data set the cost is taken over (n ≥ 1)
 */
export function l2Penalty(network: Network, lambda: number, n: number): number {
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) {
    throw new TypeError(`lambda must be a finite number >= 0, got ${String(lambda)}`);
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new TypeError(`n must be a positive integer, got ${String(n)}`);
  }
  if (lambda === 0) return 0;
  let s = 0;
  for (const layer of network.layers) {
    const w = layer.weights.data;
    for (let i = 0; i < w.length; i++) {
      const v = w[i] as number;
      s += v * v;
    }
  }
  return (0.5 * lambda * s) / n;
}

/**
 * The book's total cost of a batch: the mean of C_x over its n samples, plus
 * the L2 term ½·(λ/n)·Σw² when λ > 0.
 *
 * @param cost - the cost function
 * @param a - output activations, one sample per row (n x n_L)
 * @param y - desired outputs, same shape
 * @param options - λ, the network (for the L2 term) and n (default: rows of a)
 * @throws TypeError when lambda > 0 but no network is given, or the batch is empty
 */
export function totalCost(
  cost: Cost,
  a: Matrix,
  y: Matrix,
  options: TotalCostOptions = {},
): number {
  const lambda = options.lambda ?? 0;
  const n = options.n ?? a.rows;
  if (a.rows < 1) throw new TypeError('totalCost: the batch has no samples');
  const mean = cost.sum(a, y) / a.rows;
  if (lambda === 0) return mean;
  if (options.network === undefined) {
    throw new TypeError('totalCost: lambda > 0 needs the network whose weights the L2 term sums');
  }
  return mean + l2Penalty(options.network, lambda, n);
}
