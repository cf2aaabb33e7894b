import { type Network, networkFromWeights } from '@mlisp/neurons';
import { type Rng, zeros } from '@mlisp/tensor';
import { backprop } from '@mlisp/trainer';
import { sigma, sigmaPrime } from './util.js';

/** A scalar activation: σ, σ' and ln σ' (which stays finite where σ' underflows to 0). */
export interface ScalarActivation {
  /** σ(z). */
  fn(z: number): number;
  /** σ'(z). */
  derivative(z: number): number;
  /** ln σ'(z). */
  logDerivative(z: number): number;
}

/** ln σ'(z) = −|z| − 2 ln(1 + e^(−|z|)) for the logistic sigmoid, finite for every finite z. */
function logSigmaPrime(z: number): number {
  const t = Math.abs(z);
  return -t - 2 * Math.log1p(Math.exp(-t));
}

/** The logistic sigmoid as a {@link ScalarActivation}. */
export const SIGMOID: ScalarActivation = {
  fn: sigma,
  derivative: sigmaPrime,
  logDerivative: logSigmaPrime,
};

/**
 * The steep sigmoid σ(kz), whose derivative k·σ(kz)(1 − σ(kz)) reaches k/4 at z = 0.
 *
 * @param k - the steepness (k > 1 makes |σ'| exceed 1/4)
 */
export function steepSigmoid(k: number): ScalarActivation {
  return {
    fn: (z) => sigma(k * z),
    derivative: (z) => k * sigmaPrime(k * z),
    logDerivative: (z) => Math.log(k) + logSigmaPrime(k * z),
  };
}

/**
 * A chain of single neurons (the book's chapter 5 example): neuron j has weight
 * weights[j] from neuron j − 1 (from the input for j = 0) and bias biases[j].
 */
export interface Chain {
  /** w_1 … w_n. */
  readonly weights: readonly number[];
  /** b_1 … b_n. */
  readonly biases: readonly number[];
}

/**
 * The z_j and a_j of a chain for input x (a_0 = x).
 *
 * @param chain - the weights and biases
 * @param x - the input
 * @param activation - σ (default the sigmoid)
 */
export function chainForward(
  chain: Chain,
  x: number,
  activation: ScalarActivation = SIGMOID,
): { zs: number[]; as: number[] } {
  const zs: number[] = [];
  const as: number[] = [x];
  chain.weights.forEach((w, j) => {
    const z = w * (as[j] as number) + (chain.biases[j] as number);
    zs.push(z);
    as.push(activation.fn(z));
  });
  return { zs, as };
}

/**
 * Every ∂C/∂b_j of a chain by the product formula, for the quadratic cost
 * C = ½(a_n − y)²: ∂C/∂b_j = σ'(z_j)·w_{j+1}σ'(z_{j+1})·…·w_nσ'(z_n)·∂C/∂a_n,
 * with ∂C/∂a_n = a_n − y. For four neurons, ∂C/∂b_1 = σ'(z_1)w_2σ'(z_2)w_3σ'(z_3)w_4σ'(z_4)∂C/∂a_4.
 *
 * @param chain - the weights and biases
 * @param x - the input
 * @param y - the desired output
 * @param activation - σ (default the sigmoid)
 * @returns ∂C/∂b_1 … ∂C/∂b_n
 */
export function chainBiasGradients(
  chain: Chain,
  x: number,
  y: number,
  activation: ScalarActivation = SIGMOID,
): number[] {
  const { zs, as } = chainForward(chain, x, activation);
  const n = zs.length;
  const grads = new Array<number>(n);
  let product = (as[n] as number) - y;
  for (let j = n - 1; j >= 0; j--) {
    product *= activation.derivative(zs[j] as number);
    grads[j] = product;
    product *= chain.weights[j] as number;
  }
  return grads;
}

/**
 * log10 |∂C/∂b_1 / ∂C/∂b_n| = log10 |σ'(z_1)w_2σ'(z_2)…w_n| of a chain, summed in
 * log space so it stays finite where the product itself would underflow to 0.
 *
 * @param chain - the weights and biases
 * @param x - the input
 * @param activation - σ (default the sigmoid)
 */
export function log10BiasRatio(
  chain: Chain,
  x: number,
  activation: ScalarActivation = SIGMOID,
): number {
  const { zs } = chainForward(chain, x, activation);
  let ln = 0;
  for (let j = 0; j + 1 < zs.length; j++) {
    ln +=
      activation.logDerivative(zs[j] as number) +
      Math.log(Math.abs(chain.weights[j + 1] as number));
  }
  return ln / Math.LN10;
}

/**
 * The chain as a sigmoid network of @mlisp/neurons (sizes [1, 1, …, 1]).
 *
 * @param chain - the weights and biases
 */
export function chainNetwork(chain: Chain): Network {
  return networkFromWeights({
    weights: chain.weights.map((w) => [[w]]),
    biases: chain.biases.map((b) => [b]),
    activations: chain.weights.map(() => 'sigmoid' as const),
  });
}

/**
 * ∂C/∂b_j of every neuron of the chain by the trainer's backprop (quadratic cost).
 *
 * @param chain - the weights and biases
 * @param x - the input
 * @param y - the desired output
 */
export function chainBackprop(chain: Chain, x: number, y: number): number[] {
  const inputs = zeros(1, 1);
  const targets = zeros(1, 1);
  inputs.data[0] = x;
  targets.data[0] = y;
  return backprop(chainNetwork(chain), { inputs, targets }, 'quadratic').biases.map(
    (b) => b.data[0] as number,
  );
}

/**
 * Biases that put every z_j of the chain at 0 for input x (so σ'(z_j) is its
 * largest value: 1/4 for the sigmoid): b_j = −w_j·a_{j−1}.
 *
 * @param weights - w_1 … w_n
 * @param x - the input
 * @param activation - σ (σ(0) gives each a_j)
 */
export function zeroingBiases(
  weights: readonly number[],
  x: number,
  activation: ScalarActivation = SIGMOID,
): number[] {
  let a = x;
  return weights.map((w) => {
    const b = -w * a;
    a = activation.fn(0);
    return b;
  });
}

/**
 * A chain of four neurons with N(0, 1) weights and biases.
 *
 * @param rng - the generator (advanced)
 */
export function randomChain(rng: Rng): Chain {
  return {
    weights: [0, 1, 2, 3].map(() => rng.normal()),
    biases: [0, 1, 2, 3].map(() => rng.normal()),
  };
}
