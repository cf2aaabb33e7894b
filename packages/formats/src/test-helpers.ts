/** Shared helpers of the tests: random networks and an independent naive feedforward. */
import { type ActivationName, type Network, networkFromWeights } from '@mlisp/neurons';

/** A small deterministic generator for test data (not the library's Rng). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Nested weights/biases of a random network, and the network. */
export function randomNetwork(sizes: number[], activations: ActivationName[], seed = 1) {
  const rand = lcg(seed);
  const weights: number[][][] = [];
  const biases: number[][] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    weights.push(
      Array.from({ length: nOut }, () => Array.from({ length: nIn }, () => 2 * rand() - 1)),
    );
    biases.push(Array.from({ length: nOut }, () => 2 * rand() - 1));
  }
  const network: Network = networkFromWeights({ weights, biases, activations });
  return { network, weights, biases, activations };
}

const ACT: Record<string, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => Math.max(0, z),
  'leaky-relu': (z) => (z > 0 ? z : 0.01 * z),
  linear: (z) => z,
  step: (z) => (z > 0 ? 1 : 0),
};

/** The network's output for one input, by naive loops (an independent reference). */
export function naiveFeedforward(
  model: { weights: number[][][]; biases: number[][]; activations: string[] },
  x: readonly number[],
): number[] {
  let a = [...x];
  model.weights.forEach((w, l) => {
    const b = model.biases[l] as number[];
    const z = w.map((row, j) =>
      row.reduce((s, wjk, k) => s + wjk * (a[k] as number), b[j] as number),
    );
    const name = model.activations[l] as string;
    if (name === 'softmax') {
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const total = e.reduce((s, v) => s + v, 0);
      a = e.map((v) => v / total);
    } else {
      const f = ACT[name];
      if (f === undefined) throw new Error(`no reference for ${name}`);
      a = z.map(f);
    }
  });
  return a;
}

/** `count` random inputs of `n` values in [-1, 1). */
export function randomInputs(count: number, n: number, seed = 7): number[][] {
  const rand = lcg(seed);
  return Array.from({ length: count }, () => Array.from({ length: n }, () => 2 * rand() - 1));
}
