import { type Cost, crossEntropy, logLikelihood, quadratic } from '@mlisp/costs';
import { cloneNetwork, createNetwork, feedforward, type Network } from '@mlisp/neurons';
import { type Matrix, type Rng, zeros } from '@mlisp/tensor';
import { backprop } from '@mlisp/trainer';
import { uniformBatch } from './forward.js';
import { meanCost } from './reference.js';
import type { Check } from './types.js';
import { check, fmt } from './util.js';

/*
 * Problem 4 on the library: the gradients are those of random networks' costs
 * (@mlisp/costs), computed by the trainer's backprop.
 */

/** A network shape and cost whose gradient problem 4 looks at. */
export interface GradientShape {
  readonly sizes: readonly number[];
  readonly cost: Cost;
  readonly output: 'sigmoid' | 'softmax';
}

/** The shapes, by number of parameters n = 2, 6, 26, 133, 830. */
export const SHAPES: readonly GradientShape[] = [
  { sizes: [1, 1], cost: quadratic, output: 'sigmoid' },
  { sizes: [2, 2], cost: crossEntropy, output: 'sigmoid' },
  { sizes: [3, 4, 2], cost: quadratic, output: 'sigmoid' },
  { sizes: [10, 8, 5], cost: crossEntropy, output: 'sigmoid' },
  { sizes: [30, 20, 10], cost: logLikelihood, output: 'softmax' },
];

/** The step length of the first-order check. */
export const FIRST_ORDER_EPSILON = 1e-6;
/** The largest relative difference between ΔC and −ε‖∇C‖ allowed (the second-order term is far below). */
export const FIRST_ORDER_TOLERANCE = 1e-4;

/** A random network, a batch, and the trainer's ∇C for them, flattened layer by layer (w then b). */
export interface GradientProblem {
  readonly shape: GradientShape;
  readonly network: Network;
  readonly inputs: Matrix;
  readonly targets: Matrix;
  readonly gradient: Float64Array;
}

/**
 * A random float64 network of the shape, ten random samples, and ∇C of the
 * mean cost by the trainer's `backprop`.
 *
 * @param rng - the generator (advanced)
 * @param shape - sizes, cost and output activation
 */
export function libraryGradient(rng: Rng, shape: GradientShape): GradientProblem {
  const count = shape.sizes.length - 1;
  const activations = [...Array(count - 1).fill('sigmoid'), shape.output];
  const network = createNetwork(shape.sizes, { activations, init: 'normal', rng });
  const m = 10;
  const nOut = shape.sizes[count] as number;
  const inputs = uniformBatch(rng, m, shape.sizes[0] as number);
  const targets = zeros(m, nOut);
  if (shape.output === 'softmax') {
    for (let i = 0; i < m; i++) targets.data[i * nOut + rng.int(nOut)] = 1;
  } else {
    rng.fillUniform(targets.data);
  }
  const g = backprop(network, { inputs, targets }, shape.cost);
  const parts: number[] = [];
  g.weights.forEach((w, l) => {
    parts.push(...w.data, ...(g.biases[l] as Matrix).data);
  });
  return { shape, network, inputs, targets, gradient: Float64Array.from(parts) };
}

/** A float64 copy of the network moved by v (flattened as {@link libraryGradient} flattens ∇C). */
function moved(network: Network, v: Float64Array): Network {
  const copy = cloneNetwork(network, 'float64');
  let k = 0;
  for (const layer of copy.layers) {
    for (const data of [layer.weights.data, layer.biases.data]) {
      for (let i = 0; i < data.length; i++) data[i] = (data[i] as number) + (v[k++] as number);
    }
  }
  return copy;
}

/**
 * A small step v = −η∇C (‖v‖ = ε = 1e−6) changes the library's cost by
 * −ε‖∇C‖ to first order: |ΔC/(−ε‖∇C‖) − 1| ≤ 1e−4. A gradient that is not
 * the cost's (a wrong backprop) gives a smaller decrease, or an increase.
 *
 * @param problem - the network, batch and the trainer's ∇C
 */
export function checkFirstOrderChange(problem: GradientProblem): Check {
  const { network, inputs, targets, gradient, shape } = problem;
  const length = Math.sqrt(gradient.reduce((s, g) => s + g * g, 0));
  const v = Float64Array.from(gradient, (g) => (-FIRST_ORDER_EPSILON * g) / length);
  const cost = meanCost(shape.cost);
  const before = cost(feedforward(cloneNetwork(network, 'float64'), inputs), targets);
  const after = cost(feedforward(moved(network, v), inputs), targets);
  const ratio = (after - before) / (-FIRST_ORDER_EPSILON * length);
  return check(
    `n = ${gradient.length} ([${shape.sizes.join(', ')}], ${shape.cost.name}): a step of ε = ${fmt(FIRST_ORDER_EPSILON)} along −∇C (trainer's backprop) changes the cost by −ε‖∇C‖`,
    `ΔC / (−ε‖∇C‖) = 1 ± ${fmt(FIRST_ORDER_TOLERANCE)}`,
    fmt(ratio, 8),
    Math.abs(ratio - 1) <= FIRST_ORDER_TOLERANCE,
  );
}
