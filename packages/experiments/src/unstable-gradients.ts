import { createNetwork } from '@mlisp/neurons';
import type { Rng } from '@mlisp/tensor';
import { learningSpeeds } from '@mlisp/trainer';
import {
  type Chain,
  chainBackprop,
  chainBiasGradients,
  log10BiasRatio,
  randomChain,
  steepSigmoid,
  zeroingBiases,
} from './chain.js';
import { requireMnist, trainerData } from './mnist-data.js';
import { relativeError } from './reference.js';
import {
  chainRatios,
  checkExplodesOnlyNearZero,
  checkSteepRegion,
  checkSteepVanishes,
  checkUnbalanced,
  explosionBound,
  STEEPNESS,
  steepRegion,
} from './steep-chains.js';
import type { Check, ExperimentOptions, ExperimentResult, Series } from './types.js';
import { check, fmt, median, rngOf } from './util.js';

/** The large weight of the exploding chain. */
export const LARGE_WEIGHT = 100;
/** The deep MNIST networks of the book's chapter 5. */
export const DEEP_SIZES: readonly (readonly number[])[] = [
  [784, 30, 30, 10],
  [784, 30, 30, 30, 10],
  [784, 30, 30, 30, 30, 10],
];

/**
 * The bias gradients shrink toward the first neuron: |∂C/∂b_1| < |∂C/∂b_2| < … < |∂C/∂b_n|.
 *
 * @param gradients - ∂C/∂b_1 … ∂C/∂b_n of one chain
 */
export function shrinksTowardInput(gradients: readonly number[]): boolean {
  return gradients.every((g, j) => j === 0 || Math.abs(gradients[j - 1] as number) < Math.abs(g));
}

/**
 * The bias gradients grow toward the first neuron: |∂C/∂b_1| > |∂C/∂b_2| > … > |∂C/∂b_n|.
 *
 * @param gradients - ∂C/∂b_1 … ∂C/∂b_n of one chain
 */
export function growsTowardInput(gradients: readonly number[]): boolean {
  return gradients.every((g, j) => j === 0 || Math.abs(gradients[j - 1] as number) > Math.abs(g));
}

/**
 * The product formula for ∂C/∂b_j equals backprop on every chain.
 *
 * @param formula - per chain, ∂C/∂b_1 … ∂C/∂b_n by the product formula
 * @param backpropagated - per chain, the same by backprop
 * @param tolerance - the largest relative error allowed (default 1e−12)
 */
export function checkProductFormula(
  formula: readonly (readonly number[])[],
  backpropagated: readonly (readonly number[])[],
  tolerance = 1e-12,
): Check {
  const errors = formula.map((f, i) => relativeError(f, backpropagated[i] as readonly number[]));
  const worst = Math.max(...errors);
  return check(
    `∂C/∂b_1 = σ'(z_1)w_2σ'(z_2)w_3σ'(z_3)w_4σ'(z_4)∂C/∂a_4 (and every ∂C/∂b_j) equals backprop, ${formula.length} chains`,
    `relative error ≤ ${fmt(tolerance)}`,
    `largest relative error ${fmt(worst)}`,
    formula.length > 0 && worst <= tolerance,
  );
}

/**
 * Per-layer learning speeds decrease toward the input: speed of hidden layer 1 <
 * hidden layer 2 < … (the book compares the hidden layers).
 *
 * @param sizes - the network's sizes, for the name
 * @param hiddenSpeeds - ‖∂C/∂b^l‖ of each hidden layer, first hidden layer first
 */
export function checkSpeedsDecreaseTowardInput(
  sizes: readonly number[],
  hiddenSpeeds: readonly number[],
): Check {
  const increasing = hiddenSpeeds.every((s, l) => l === 0 || (hiddenSpeeds[l - 1] as number) < s);
  return check(
    `[${sizes.join(', ')}]: hidden-layer speeds ‖∂C/∂b^l‖ decrease toward the input`,
    'layer 1 < layer 2 < … (first hidden layer slowest)',
    hiddenSpeeds.map((s) => fmt(s)).join(' < '),
    hiddenSpeeds.length > 1 && increasing,
  );
}

/**
 * With ordinary weights the gradient shrinks toward the first neuron on every
 * chain whose later weights have |w_j| < 4 (then |w_j σ'(z_j)| ≤ |w_j|/4 < 1).
 *
 * @param chains - each chain's weights and its ∂C/∂b_1 … ∂C/∂b_n
 */
export function checkShrinking(
  chains: readonly { readonly weights: readonly number[]; readonly gradients: readonly number[] }[],
): Check {
  const eligible = chains.filter((c) => c.weights.slice(1).every((w) => Math.abs(w) < 4));
  const shrinking = eligible.filter((c) => shrinksTowardInput(c.gradients)).length;
  return check(
    "ordinary weights N(0, 1): |∂C/∂b_1| < |∂C/∂b_2| < |∂C/∂b_3| < |∂C/∂b_4| (every chain with |w_j| < 4, so |w_j σ'(z_j)| < 1)",
    `all ${eligible.length} such chains`,
    `${shrinking} of ${eligible.length} (of ${chains.length} chains)`,
    eligible.length > 0 && shrinking === eligible.length,
  );
}

/**
 * The gradient vanishes toward the input: the median |∂C/∂b_1 / ∂C/∂b_4| is below 1/16.
 *
 * @param log10Ratios - log10 |∂C/∂b_1 / ∂C/∂b_4| of each chain
 */
export function checkVanishing(log10Ratios: readonly number[]): Check {
  const mid = log10Ratios.length > 0 ? 10 ** median(log10Ratios) : Number.NaN;
  return check(
    'ordinary weights: median |∂C/∂b_1| / |∂C/∂b_4| (vanishing gradient)',
    '< 1/16',
    fmt(mid),
    mid < 1 / 16,
  );
}

/**
 * The gradient grows toward the input by the expected factor:
 * |∂C/∂b_1| > … > |∂C/∂b_n| and |∂C/∂b_1 / ∂C/∂b_n| = expected (relative 1e−12).
 *
 * @param name - what chain this is
 * @param gradients - ∂C/∂b_1 … ∂C/∂b_n
 * @param expected - the predicted |∂C/∂b_1 / ∂C/∂b_n|, a product of w_j σ'(z_j)
 * @param formula - how `expected` is computed, for the report
 */
export function checkGrowth(
  name: string,
  gradients: readonly number[],
  expected: number,
  formula: string,
): Check {
  const ratio = Math.abs((gradients[0] as number) / (gradients[gradients.length - 1] as number));
  return check(
    name,
    `|∂C/∂b_1| > … > |∂C/∂b_${gradients.length}|, |∂C/∂b_1 / ∂C/∂b_${gradients.length}| = ${formula} = ${fmt(expected, 6)}`,
    `${gradients.map((v) => fmt(Math.abs(v))).join(' > ')}, ratio ${fmt(ratio, 6)}`,
    growsTowardInput(gradients) && Math.abs(ratio - expected) <= 1e-12 * expected,
  );
}

function ordinaryChainChecks(rng: Rng, count: number): { checks: Check[]; logRatios: number[] } {
  const formula: number[][] = [];
  const trainer: number[][] = [];
  const chains: { weights: readonly number[]; gradients: number[] }[] = [];
  const logRatios: number[] = [];
  for (let i = 0; i < count; i++) {
    const chain = randomChain(rng);
    const x = rng.uniform();
    const y = rng.uniform();
    const g = chainBiasGradients(chain, x, y);
    formula.push(g);
    trainer.push(chainBackprop(chain, x, y));
    chains.push({ weights: chain.weights, gradients: g });
    logRatios.push(log10BiasRatio(chain, x));
  }
  return {
    checks: [
      checkProductFormula(formula, trainer),
      checkShrinking(chains),
      checkVanishing(logRatios),
    ],
    logRatios,
  };
}

function explodingChecks(): Check[] {
  const x = 0.5;
  const weights = [LARGE_WEIGHT, LARGE_WEIGHT, LARGE_WEIGHT, LARGE_WEIGHT];
  const large = chainBackprop({ weights, biases: zeroingBiases(weights, x) }, x, 0);
  const steep = steepSigmoid(STEEPNESS);
  const ones = [1, 1, 1, 1];
  const steepChain: Chain = { weights: ones, biases: zeroingBiases(ones, x, steep) };
  return [
    checkGrowth(
      `w = ${LARGE_WEIGHT}, biases giving z_j = 0 (σ'(z_j) = 1/4): |∂C/∂b_j| grows toward the input (backprop)`,
      large,
      (LARGE_WEIGHT / 4) ** 3,
      '(w/4)³',
    ),
    checkGrowth(
      `steep sigmoid σ(${STEEPNESS}z), |σ'(0)| = ${STEEPNESS / 4} ≫ 1/4, w = 1, z_j = 0: gradients explode`,
      chainBiasGradients(steepChain, x, 0, steep),
      (STEEPNESS / 4) ** 3,
      '(k/4)³',
    ),
  ];
}

function speedRuns(options: ExperimentOptions): { checks: Check[]; series: Series[] } {
  const mnist = requireMnist(options, 8);
  const data = trainerData(mnist.train, options.quick ? 500 : 1000);
  const rng = rngOf(options, 8);
  const checks: Check[] = [];
  const series: Series[] = [];
  for (const sizes of DEEP_SIZES) {
    const network = createNetwork(sizes, { init: 'scaled', rng });
    const speeds = learningSpeeds(network, data, 'cross-entropy', { lambda: 5 }).biases;
    const hidden = speeds.slice(0, -1);
    checks.push(checkSpeedsDecreaseTowardInput(sizes, hidden));
    series.push({
      name: `[${sizes.join(', ')}]`,
      x: hidden.map((_, l) => l + 1),
      y: hidden,
      plot: 'speeds',
      plotTitle: 'Speed of learning of each hidden layer in deep MNIST networks',
      xLabel: 'hidden layer',
      yLabel: '‖∂C/∂b^l‖',
      yScale: 'log',
    });
  }
  return { checks, series };
}

/**
 * Problem 8: in a chain of neurons ∂C/∂b_1 is a product of w_jσ'(z_j) terms, so
 * gradients vanish with ordinary weights and explode with large ones at z = 0.
 * An activation with |σ'| ≫ 1/4 has that only near z = 0, so over random
 * chains it makes the products more unstable, mostly vanishing; nothing makes
 * them balance. Deep MNIST networks learn slowest in their first layers.
 *
 * @param options - seed, quick mode (quick: 100 chains, 500 images; else 400 and 1000), MNIST data (required)
 */
export function unstableGradients(options: ExperimentOptions = {}): ExperimentResult {
  const rng = rngOf(options, 80);
  const count = options.quick ? 100 : 400;
  const ordinary = ordinaryChainChecks(rng, count);
  const steepActivation = steepSigmoid(STEEPNESS);
  const steep = chainRatios(rng, count, steepActivation);
  const region = steepRegion(STEEPNESS);
  const speeds = speedRuns(options);
  const index = ordinary.logRatios.map((_, i) => i);
  return {
    id: 'unstable-gradients',
    problem: 8,
    title: 'Unstable gradients',
    claim: `In a chain of four neurons ∂C/∂b_1 = σ'(z_1)w_2σ'(z_2)w_3σ'(z_3)w_4σ'(z_4)∂C/∂a_4: with ordinary weights the gradient vanishes toward the input, with large weights and every z = 0 it explodes. An activation with |σ'| ≫ 1/4 somewhere, σ(${STEEPNESS}z), has |σ'| > 1/4 only for |z| < ${fmt(region, 3)}, so it does not cure the instability: over ${count} random chains its products are more unstable, mostly vanishing (median ratio 10^${fmt(median(steep.map((c) => c.log10Ratio)))} against 10^${fmt(median(ordinary.logRatios))} for σ(z)) and exploding only in few chains, whose z's sit near 0; neither activation makes them balance. Deep MNIST networks (scaled init, cross-entropy, λ = 5, ${options.quick ? 500 : 1000} training images) learn slowest in their first hidden layers.`,
    checks: [
      ...ordinary.checks,
      ...explodingChecks(),
      checkSteepRegion(`steep sigmoid σ(${STEEPNESS}z)`, steepActivation.derivative, region),
      checkSteepVanishes(steep, ordinary.logRatios),
      checkExplodesOnlyNearZero(steep, region, explosionBound(STEEPNESS)),
      checkUnbalanced(ordinary.logRatios, 'ordinary sigmoid'),
      checkUnbalanced(steep.map((c) => c.log10Ratio)),
      ...speeds.checks,
    ],
    series: [
      ...speeds.series,
      {
        name: 'sigmoid σ(z)',
        x: index,
        y: ordinary.logRatios,
        plot: 'chain-ratios',
        plotTitle: `How much smaller the first neuron's gradient is, in ${count} random chains`,
        xLabel: 'chain (random draw)',
        yLabel: 'log10 |∂C/∂b_1 / ∂C/∂b_4|',
        mark: 'points',
      },
      {
        name: `steep sigmoid σ(${STEEPNESS}z)`,
        x: index,
        y: steep.map((c) => c.log10Ratio),
        plot: 'chain-ratios',
        plotTitle: `How much smaller the first neuron's gradient is, in ${count} random chains`,
        xLabel: 'chain (random draw)',
        yLabel: 'log10 |∂C/∂b_1 / ∂C/∂b_4|',
        mark: 'points',
      },
    ],
  };
}
