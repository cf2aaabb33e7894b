import { quadratic } from '@mlisp/costs';
import { cloneNetwork, createNetwork, feedforward, type Network } from '@mlisp/neurons';
import { type Matrix, type Rng, rowView, zeros } from '@mlisp/tensor';
import { backprop, UntrainableNetworkError } from '@mlisp/trainer';
import { checkExponentialInDepth, depthSeries, measureDepths } from './depth-gradients.js';
import { forwardTrace, uniformBatch } from './forward.js';
import { type FlatGradients, finiteDifferenceGradients, meanCost } from './reference.js';
import type { Check, ExperimentOptions, ExperimentResult } from './types.js';
import { check, fmt, rngOf } from './util.js';

/** The finite-difference step. */
export const STEP_H = 1e-6;
/** The steps h of the boundary demonstration. */
export const BOUNDARY_STEPS: readonly number[] = [1e-4, 1e-6, 1e-8];
/** "Almost everywhere": at least this fraction of the sampled points. */
export const ALMOST_EVERYWHERE = 0.99;

/** What the finite differences found at the sampled parameter points. */
export interface GradientSurvey {
  /** Points sampled. */
  readonly points: number;
  /** Points where every finite difference is exactly 0. */
  readonly zero: number;
}

function flat(g: FlatGradients): number[] {
  return [...g.weights, ...g.biases].flatMap((a) => Array.from(a));
}

/**
 * Samples random parameter points of a network shape and takes the central
 * finite-difference gradient of the quadratic cost at each.
 *
 * @param rng - the generator (advanced)
 * @param sizes - the network's sizes
 * @param activation - `'step'` for perceptrons (or `'sigmoid'` to compare)
 * @param points - how many parameter points
 * @param inputs - the batch the cost is taken over, one sample per row
 * @param targets - its desired outputs
 */
export function surveyGradients(
  rng: Rng,
  sizes: readonly number[],
  activation: 'step' | 'sigmoid',
  points: number,
  inputs: Matrix,
  targets: Matrix,
): GradientSurvey {
  let zero = 0;
  for (let p = 0; p < points; p++) {
    const network: Network = createNetwork(sizes, { activation, init: 'normal', rng });
    const g = flat(
      finiteDifferenceGradients(network, inputs, targets, meanCost(quadratic), STEP_H),
    );
    if (g.every((v) => v === 0)) zero++;
  }
  return { points, zero };
}

/**
 * The gradient is zero almost everywhere: at least 99% of the sampled points
 * have an all-zero finite-difference gradient.
 *
 * @param survey - what the finite differences found
 * @param fraction - the least fraction that counts as almost everywhere (default 0.99)
 */
export function checkZeroAlmostEverywhere(
  survey: GradientSurvey,
  fraction = ALMOST_EVERYWHERE,
): Check {
  const observed = survey.zero / survey.points;
  return check(
    `perceptron network: finite-difference gradient of the cost at ${survey.points} random parameter points`,
    `zero at ≥ ${fmt(100 * fraction)}% of the points`,
    `zero at ${fmt(100 * observed)}% (${survey.zero} of ${survey.points})`,
    survey.points > 0 && observed >= fraction,
  );
}

/**
 * At a point where an output flips, the finite difference does not settle as
 * h → 0: |ΔC/2h| grows like 1/h (the cost jumps), so there is no derivative.
 *
 * @param steps - the steps h, decreasing
 * @param differences - the central difference (C(θ + h) − C(θ − h))/2h at each step
 */
export function checkUndefinedDerivative(
  steps: readonly number[],
  differences: readonly number[],
): Check {
  const jumps = differences.map((d, i) => Math.abs(d) * 2 * (steps[i] as number));
  const first = jumps[0] as number;
  const constantJump = first > 0 && jumps.every((j) => Math.abs(j - first) <= 1e-6 * first);
  return check(
    'where an output flips: central difference of ∂C/∂b as h shrinks',
    '|ΔC/2h| grows like 1/h (the cost jumps by a fixed ΔC: no derivative)',
    steps.map((h, i) => `h = ${fmt(h)}: ${fmt(differences[i] as number)}`).join(', '),
    differences.length > 1 && constantJump,
  );
}

/**
 * A copy of the network whose output neuron 1 has z exactly (up to rounding)
 * 0 for the first sample of `inputs`: its bias is set to −Σ_k w_1k a_k.
 */
function onBoundary(network: Network, inputs: Matrix): Network {
  const copy = cloneNetwork(network);
  const L = copy.layers.length;
  const aPrev = forwardTrace(copy, inputs).activations[L - 1] as Matrix;
  const last = copy.layers[L - 1] as Network['layers'][number];
  let s = 0;
  for (let k = 0; k < last.weights.cols; k++)
    s += (last.weights.data[k] as number) * (aPrev.data[k] as number);
  last.biases.data[0] = -s;
  return copy;
}

/**
 * The central difference of the mean quadratic cost with respect to the bias
 * of output neuron 1, at several steps h.
 *
 * @param network - the network (not modified)
 * @param inputs - the batch
 * @param targets - its desired outputs
 * @param steps - the steps h
 */
export function biasDifferences(
  network: Network,
  inputs: Matrix,
  targets: Matrix,
  steps: readonly number[],
): number[] {
  const copy = cloneNetwork(network);
  const bias = (copy.layers[copy.layers.length - 1] as Network['layers'][number]).biases.data;
  const keep = bias[0] as number;
  const costAt = (b: number) => {
    bias[0] = b;
    return meanCost(quadratic)(feedforward(copy, inputs), targets);
  };
  const out = steps.map((h) => (costAt(keep + h) - costAt(keep - h)) / (2 * h));
  bias[0] = keep;
  return out;
}

/**
 * The trainer refuses the step activation with its typed error, whose message
 * names the step activation and says why.
 *
 * @param attempt - tries to train (or backpropagate through) a perceptron network
 */
export function checkRefusal(attempt: () => unknown): Check {
  let observed = 'no error: the trainer accepted the step activation';
  let pass = false;
  try {
    attempt();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const name = e instanceof Error ? e.name : typeof e;
    observed = `${name}: ${message}`;
    pass =
      e instanceof UntrainableNetworkError && /step/.test(message) && /derivative/.test(message);
  }
  return check(
    'the trainer refuses a step-activation network',
    'UntrainableNetworkError naming the step activation and its derivative',
    observed,
    pass,
  );
}

function binaryTargets(rng: Rng, m: number, n: number): Matrix {
  const y = zeros(m, n);
  for (let i = 0; i < y.data.length; i++) y.data[i] = rng.int(2);
  return y;
}

/**
 * Problem 10: a perceptron network's cost is not a differentiable function of
 * its weights and biases — its gradient is zero almost everywhere and undefined
 * where an output flips — so gradient descent cannot train it, and the trainer
 * refuses the step activation with a clear error.
 *
 * @param options - seed and quick mode (quick: 100 points; else 400)
 */
export function nonDifferentiableCost(options: ExperimentOptions = {}): ExperimentResult {
  const rng = rngOf(options, 10);
  const sizes = [3, 4, 2];
  const m = 5;
  const inputs = uniformBatch(rng, m, sizes[0] as number);
  const targets = binaryTargets(rng, m, sizes[2] as number);
  const points = options.quick ? 100 : 400;
  const survey = surveyGradients(rng, sizes, 'step', points, inputs, targets);
  const perceptron = createNetwork(sizes, { activation: 'step', init: 'normal', rng });
  const depths = measureDepths(rng, options.quick ? 100 : 400);
  const first = rowView(inputs, 0, 1);
  const firstTarget = rowView(targets, 0, 1);
  return {
    id: 'non-differentiable-cost',
    problem: 10,
    title: 'A perceptron network cannot be trained by gradient descent',
    claim: `The cost of a perceptron network is not a differentiable function of its weights and biases: its gradient is zero almost everywhere (finite differences, h = ${STEP_H}, network [${sizes.join(', ')}], ${m} samples) and undefined where an output flips, so the trainer refuses the step activation. Part 2: with sigmoid neurons the gradient of an early layer is a product with one factor per later layer, so it changes exponentially with depth — it decays with ordinary weights and grows with large ones (random chains of 2 to 10 neurons).`,
    checks: [
      checkZeroAlmostEverywhere(survey),
      checkUndefinedDerivative(
        BOUNDARY_STEPS,
        biasDifferences(onBoundary(perceptron, first), first, firstTarget, BOUNDARY_STEPS),
      ),
      checkRefusal(() => backprop(perceptron, { inputs, targets }, 'quadratic')),
      ...checkExponentialInDepth(depths),
    ],
    series: [
      {
        name: 'random parameter points',
        x: [0, 1],
        y: [survey.zero, survey.points - survey.zero],
        plot: 'zero-gradient',
        plotTitle:
          'Finite-difference gradient of a perceptron network: 0 = zero everywhere, 1 = some jump',
        xLabel: 'gradient (0 = all zero, 1 = a jump)',
        yLabel: 'parameter points',
        mark: 'bars',
      },
      ...depthSeries(depths),
    ],
  };
}
