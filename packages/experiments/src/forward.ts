import { createNetwork, type Network } from '@mlisp/neurons';
import { addRowVector, gemm, type Matrix, type Rng, zeros } from '@mlisp/tensor';
import { intBetween } from './util.js';

/** Every layer's weighted inputs z^l and activations a^l for a batch (one sample per row). */
export interface ForwardTrace {
  /** zs[l − 1] is z^l, m x n_l. */
  readonly zs: Matrix[];
  /** activations[0] is the input; activations[l] is a^l, m x n_l. */
  readonly activations: Matrix[];
}

/**
 * Feeds a batch forward and keeps every z^l and a^l (feedforward keeps only the output).
 *
 * @param network - the network
 * @param x - the inputs, one sample per row (m x sizes[0])
 */
export function forwardTrace(network: Network, x: Matrix): ForwardTrace {
  const zs: Matrix[] = [];
  const activations: Matrix[] = [x];
  let a = x;
  for (const layer of network.layers) {
    const z = gemm(a, layer.weights, { transB: true, out: zeros(a.rows, layer.weights.rows) });
    addRowVector(z, layer.biases, z);
    zs.push(z);
    a = layer.activation.forward(z);
    activations.push(a);
  }
  return { zs, activations };
}

/**
 * Random layer sizes: `nIn` inputs in [2, 6], 1 to `maxHidden` hidden layers of
 * 2 to 8 neurons, 1 to 4 outputs.
 *
 * @param rng - the generator
 * @param maxHidden - the largest number of hidden layers
 */
export function randomSizes(rng: Rng, maxHidden = 3): number[] {
  const sizes = [intBetween(rng, 2, 6)];
  const hidden = intBetween(rng, 1, maxHidden);
  for (let l = 0; l < hidden; l++) sizes.push(intBetween(rng, 2, 8));
  sizes.push(intBetween(rng, 1, 4));
  return sizes;
}

/**
 * A random network with N(0, 1) weights and biases (network.py's initialiser).
 *
 * @param rng - the generator (advanced)
 * @param sizes - neurons per layer
 * @param activation - the activation of every layer
 */
export function randomNetwork(
  rng: Rng,
  sizes: readonly number[],
  activation: 'step' | 'sigmoid' | 'tanh',
): Network {
  return createNetwork(sizes, { activation, init: 'normal', rng });
}

/**
 * A batch of `m` inputs drawn uniformly from [−1, 1].
 *
 * @param rng - the generator (advanced)
 * @param m - samples (rows)
 * @param n - values per sample (columns)
 */
export function uniformBatch(rng: Rng, m: number, n: number): Matrix {
  const x = zeros(m, n);
  rng.fillUniform(x.data, -1, 1);
  return x;
}
