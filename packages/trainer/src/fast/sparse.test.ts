import '../../test/build-wasm-first.js';
import { createNetwork, type Network } from '@mlisp/neurons';
import { fromArray, type Matrix, Rng } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';
import {
  maxRelativeError,
  type RefOptions,
  referenceEpoch,
  rowsOf,
  zeroVelocity,
} from '../../test/reference.js';
import { createEpochEngine, createEpochEngineSync } from './engine.js';
import { inputOrder } from './layout.js';
import type { EnginePath, EpochEngine } from './types.js';

// The wasm kernels skip the all-zero parts of input rows (MNIST's blank
// pixels). These tests feed inputs shaped like that: blank borders, blank
// runs, some columns blank in every row, and check that skipping changes no
// bit (against skipZeros: false, on one and two threads) and that both stay
// on the per-sample reference.

interface SparseCase {
  name: string;
  sizes: number[];
  rows: number;
  options: RefOptions;
}

const CASES: SparseCase[] = [
  {
    name: 'MNIST-like rows (784 inputs), batches of 10',
    sizes: [784, 30, 10],
    rows: 40,
    options: { cost: 'quadratic', eta: 3, lambda: 0, momentum: 0, batchSize: 10, n: 40 },
  },
  {
    name: 'over 1024 inputs (more than 256 vector steps), batches over 64, L2 and momentum',
    sizes: [1100, 12, 5],
    rows: 150,
    options: { cost: 'cross-entropy', eta: 0.5, lambda: 2, momentum: 0.5, batchSize: 70, n: 150 },
  },
  {
    name: 'odd widths and a softmax output',
    sizes: [101, 9, 7, 4],
    rows: 33,
    options: { cost: 'log-likelihood', eta: 0.4, lambda: 0.5, momentum: 0, batchSize: 6, n: 33 },
  },
];

/** Rows with blank borders and random blank runs; every third column block blank in all rows. */
function sparseData(c: SparseCase, seed: number): { X: Matrix; Y: Matrix; zeros: number } {
  const rng = new Rng(seed);
  const nIn = c.sizes[0] as number;
  const nOut = c.sizes[c.sizes.length - 1] as number;
  const x: number[][] = [];
  const y: number[][] = [];
  let zeros = 0;
  for (let i = 0; i < c.rows; i++) {
    const row = new Array<number>(nIn).fill(0);
    const lo = Math.floor(nIn * (0.15 + 0.1 * rng.uniform()));
    const hi = Math.floor(nIn * (0.75 + 0.1 * rng.uniform()));
    for (let k = lo; k < hi; k++) {
      const blankBlock = Math.floor(k / 16) % 3 === 2;
      if (!blankBlock && rng.uniform() < 0.7) row[k] = rng.uniform();
    }
    zeros += row.filter((v) => v === 0).length;
    x.push(row);
    const label = rng.int(nOut);
    y.push(Array.from({ length: nOut }, (_, j) => (j === label ? 1 : 0)));
  }
  return { X: fromArray(x), Y: fromArray(y), zeros: zeros / (c.rows * nIn) };
}

function networkOf(c: SparseCase): Network {
  return createNetwork(c.sizes, {
    init: 'normal',
    seed: 21,
    outputActivation: c.options.cost === 'log-likelihood' ? 'softmax' : 'sigmoid',
  });
}

function flatParameters(engine: EpochEngine): number[] {
  const out: number[] = [];
  for (const layer of engine.layers()) out.push(...layer.weights.data, ...layer.biases.data);
  return out;
}

const WASM: EnginePath[] = ['wasm-simd', 'wasm-relaxed'];

describe('zero-skipping in the wasm kernels', () => {
  it('the test data is mostly zeros, like MNIST', () => {
    for (const c of CASES) expect(sparseData(c, 1).zeros).toBeGreaterThan(0.5);
  });

  for (const path of WASM) {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const c of CASES) {
        it(`${path} ${dtype}, ${c.name}: bit-identical with and without skipping, one or two threads, and on the reference`, async () => {
          const { X, Y } = sparseData(c, 3);
          const net = networkOf(c);
          const ref = {
            w: net.layers.map((l) => rowsOf(l.weights)),
            b: net.layers.map((l) => rowsOf(l.biases)[0] as number[]),
          };
          const vel = zeroVelocity(ref);
          const options = { ...c.options, dtype, engine: path };
          const skipping = createEpochEngineSync(net, options);
          const dense = createEpochEngineSync(net, { ...options, skipZeros: false });
          const twoThreads = await createEpochEngine(net, { ...options, threads: 2 });
          expect(twoThreads.threads).toBe(2);
          const rng = new Rng(4);
          const xs = rowsOf(X);
          const ys = rowsOf(Y);
          for (let e = 0; e < 2; e++) {
            const order = rng.permutation(c.rows);
            for (const engine of [skipping, dense, twoThreads]) engine.runEpoch(X, Y, order);
            referenceEpoch(ref, vel, xs, ys, order, c.options);
          }
          const bits = flatParameters(dense);
          expect(flatParameters(skipping)).toEqual(bits);
          expect(flatParameters(twoThreads)).toEqual(bits);
          twoThreads.close();
          const tolerance = dtype === 'float64' ? 1e-12 : 1e-4;
          skipping.layers().forEach((layer, l) => {
            expect(maxRelativeError(layer.weights, ref.w[l] as number[][])).toBeLessThan(tolerance);
            expect(maxRelativeError(layer.biases, [ref.b[l] as number[]])).toBeLessThan(tolerance);
          });
          // The forward-only evaluation skips zeros too, and finds the same figures.
          const a = skipping.evaluate(X, Y);
          const b = dense.evaluate(X, Y);
          expect(a.costSum).toBe(b.costSum);
          expect(a.correct).toBe(b.correct);
        });
      }
    }
  }

  it('rejects a skipZeros that is not a boolean, naming it', () => {
    const c = CASES[0] as SparseCase;
    expect(() =>
      createEpochEngineSync(networkOf(c), {
        ...c.options,
        skipZeros: 'yes' as unknown as boolean,
      }),
    ).toThrow(/skipZeros must be true or false, got yes/);
  });
});

describe('inputs stored in tiles (inputOrder)', () => {
  it('stores an s x s image (s a multiple of 4) in 4 x 2 tiles, left to right, each column once', () => {
    expect(Array.from(inputOrder(16) as Int32Array)).toEqual([
      0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15,
    ]);
    const mnist = inputOrder(784) as Int32Array;
    expect(Array.from(mnist.subarray(0, 10))).toEqual([0, 1, 28, 29, 56, 57, 84, 85, 2, 3]);
    expect(Array.from(mnist).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 784 }, (_, i) => i),
    );
  });

  it('keeps every other size in its order', () => {
    for (const n of [1, 2, 9, 36, 100, 783, 785]) expect(inputOrder(n)).toBeUndefined();
  });

  it('gives back the weights it was given, and trains the network the matrix loop would (16 inputs, 4 x 4)', () => {
    const c: SparseCase = {
      name: '4 x 4 images',
      sizes: [16, 5, 3],
      rows: 24,
      options: { cost: 'cross-entropy', eta: 0.5, lambda: 1, momentum: 0.5, batchSize: 5, n: 24 },
    };
    const net = networkOf(c);
    const engine = createEpochEngineSync(net, { ...c.options, dtype: 'float64' });
    expect(engine.layers().map((l) => Array.from(l.weights.data))).toEqual(
      net.layers.map((l) => Array.from(l.weights.data)),
    );
    const ref = {
      w: net.layers.map((l) => rowsOf(l.weights)),
      b: net.layers.map((l) => rowsOf(l.biases)[0] as number[]),
    };
    const vel = zeroVelocity(ref);
    const { X, Y } = sparseData(c, 9);
    const order = new Rng(2).permutation(c.rows);
    engine.runEpoch(X, Y, order);
    referenceEpoch(ref, vel, rowsOf(X), rowsOf(Y), order, c.options);
    engine.syncToNetwork();
    net.layers.forEach((layer, l) => {
      expect(maxRelativeError(layer.weights, ref.w[l] as number[][])).toBeLessThan(1e-12);
    });
  });
});
