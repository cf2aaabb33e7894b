/** Shared helpers of the CLI tests. */
import type { ModelJson } from '../src/model-json.js';

/** A small deterministic generator for test data (not the library's Rng). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** A random model file of the given sizes and activations. */
export function randomModel(
  sizes: number[],
  activations: string[],
  cost = 'cross-entropy',
  seed = 1,
): ModelJson {
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
  return {
    format: 'mlisp-network',
    version: 1,
    sizes,
    activations,
    cost,
    weights,
    biases,
    meta: {},
  };
}

const ACT: Record<string, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => Math.max(0, z),
  'leaky-relu': (z) => (z > 0 ? z : 0.01 * z),
  linear: (z) => z,
};

/** The network's output for one input, by naive loops (an independent reference). */
export function naiveFeedforward(model: ModelJson, x: readonly number[]): number[] {
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
