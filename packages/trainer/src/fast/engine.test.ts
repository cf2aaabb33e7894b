import '../../test/build-wasm-first.js';
import { createNetwork } from '@mlisp/neurons';
import { fromArray, type Matrix, Rng } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';
import {
  maxRelativeError,
  type RefActivation,
  type RefOptions,
  referenceEpoch,
  rowsOf,
  zeroVelocity,
} from '../../test/reference.js';
import { availablePaths, createEpochEngine, createEpochEngineSync } from './engine.js';
import type { EnginePath, EpochEngine, EpochEngineOptions } from './types.js';

interface Case {
  name: string;
  sizes: number[];
  rows: number;
  /** Samples per epoch (≤ rows): fewer leaves some rows out of the order. */
  used: number;
  /** Weights set to exactly 0 at the start of each layer (for L1's sgn(0) = 0). */
  zeroWeights?: number;
  options: RefOptions;
}

const CASES: Case[] = [
  {
    name: 'quadratic, partial last batch',
    sizes: [7, 5, 3],
    rows: 19,
    used: 19,
    options: { cost: 'quadratic', eta: 3, lambda: 0, momentum: 0, batchSize: 4, n: 19 },
  },
  {
    name: 'cross-entropy, L2, 3 layers, subset order',
    sizes: [9, 6, 5, 4],
    rows: 23,
    used: 21,
    options: { cost: 'cross-entropy', eta: 0.5, lambda: 5, momentum: 0, batchSize: 5, n: 40 },
  },
  {
    name: 'cross-entropy, L2 and momentum, wide layers',
    sizes: [37, 13, 11],
    rows: 30,
    used: 30,
    options: { cost: 'cross-entropy', eta: 0.4, lambda: 0.3, momentum: 0.6, batchSize: 7, n: 30 },
  },
  {
    name: 'log-likelihood with softmax, L2 and momentum',
    sizes: [8, 6, 5],
    rows: 17,
    used: 17,
    options: { cost: 'log-likelihood', eta: 0.5, lambda: 0.1, momentum: 0.5, batchSize: 3, n: 17 },
  },
];

function randomData(c: Case, seed: number): { X: Matrix; Y: Matrix } {
  const rng = new Rng(seed);
  const nIn = c.sizes[0] as number;
  const nOut = c.sizes[c.sizes.length - 1] as number;
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < c.rows; i++) {
    x.push(Array.from({ length: nIn }, () => rng.uniform()));
    const label = rng.int(nOut);
    y.push(Array.from({ length: nOut }, (_, j) => (j === label ? 1 : 0)));
  }
  return { X: fromArray(x), Y: fromArray(y) };
}

/** Trains `epochs` epochs with both the engine and the reference and returns the worst relative difference. */
function networkOf(c: Case, seed: number) {
  const net = createNetwork(c.sizes, {
    init: 'normal',
    seed,
    activation: c.options.hidden ?? 'sigmoid',
    outputActivation: c.options.cost === 'log-likelihood' ? 'softmax' : 'sigmoid',
  });
  for (const layer of net.layers) layer.weights.data.fill(0, 0, c.zeroWeights ?? 0);
  return net;
}

function compareWithReference(
  c: Case,
  make: (opts: EpochEngineOptions, net: ReturnType<typeof createNetwork>) => EpochEngine,
  dtype: 'float64' | 'float32',
  epochs: number,
): number {
  const net = networkOf(c, 11);
  const ref = {
    w: net.layers.map((l) => rowsOf(l.weights)),
    b: net.layers.map((l) => rowsOf(l.biases)[0] as number[]),
  };
  const vel = zeroVelocity(ref);
  const { X, Y } = randomData(c, 5);
  const engine = make({ ...c.options, dtype }, net);
  expect(engine.dtype).toBe(dtype);
  const rng = new Rng(3);
  const xs = rowsOf(X);
  const ys = rowsOf(Y);
  for (let e = 0; e < epochs; e++) {
    const order = rng.permutation(c.rows).subarray(0, c.used);
    engine.runEpoch(X, Y, order);
    referenceEpoch(ref, vel, xs, ys, order, c.options);
  }
  let worst = 0;
  engine.layers().forEach((layer, l) => {
    worst = Math.max(worst, maxRelativeError(layer.weights, ref.w[l] as number[][]));
    worst = Math.max(worst, maxRelativeError(layer.biases, [ref.b[l] as number[]]));
  });
  engine.syncToNetwork();
  net.layers.forEach((layer, l) => {
    worst = Math.max(worst, maxRelativeError(layer.weights, ref.w[l] as number[][]));
  });
  return worst;
}

const PATHS: EnginePath[] = ['wasm-simd', 'wasm-relaxed'];

describe('engine paths', () => {
  it('this runtime runs every path (relaxed SIMD is enabled for the tests)', () => {
    expect(availablePaths()).toEqual(['wasm-relaxed', 'wasm-simd']);
  });
  for (const path of PATHS) {
    for (const c of CASES) {
      it(`${path} float64 matches the per-sample reference: ${c.name}`, () => {
        const err = compareWithReference(
          c,
          (o, net) => createEpochEngineSync(net, { ...o, engine: path }),
          'float64',
          3,
        );
        expect(err).toBeLessThan(1e-12);
      });
      it(`${path} float32 matches the reference within float tolerance: ${c.name}`, () => {
        const err = compareWithReference(
          c,
          (o, net) => createEpochEngineSync(net, { ...o, engine: path }),
          'float32',
          3,
        );
        expect(err).toBeLessThan(1e-4);
      });
    }
  }
});

const HIDDEN: RefActivation[] = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'linear'];
const COSTS: RefOptions['cost'][] = ['quadratic', 'cross-entropy', 'log-likelihood'];

/** Every hidden activation with every cost, with and without momentum, on a 3-layer network. */
function combination(hidden: RefActivation, cost: RefOptions['cost'], momentum: number): Case {
  // Smaller steps for the unbounded activations keep three epochs of random data finite.
  const eta = hidden === 'sigmoid' ? 0.5 : 0.05;
  return {
    name: `${hidden} hidden, ${cost}, momentum ${momentum}`,
    sizes: [13, 9, 7, 4],
    rows: 21,
    used: 20,
    options: { cost, hidden, eta, lambda: 0.4, momentum, batchSize: 6, n: 21 },
  };
}

describe('every activation, cost and momentum', () => {
  for (const hidden of HIDDEN) {
    for (const cost of COSTS) {
      for (const momentum of [0, 0.9]) {
        const c = combination(hidden, cost, momentum);
        it(`float64 equals the per-sample reference to 1e-12: ${c.name}`, () => {
          const err = compareWithReference(
            c,
            (o, net) => createEpochEngineSync(net, o),
            'float64',
            3,
          );
          expect(err).toBeLessThan(1e-12);
        });
      }
    }
  }
  it('float32 stays within float tolerance of the reference for each hidden activation', () => {
    for (const hidden of HIDDEN) {
      const c = combination(hidden, 'cross-entropy', 0.5);
      const err = compareWithReference(c, (o, net) => createEpochEngineSync(net, o), 'float32', 2);
      expect(err, hidden).toBeLessThan(1e-4);
    }
  });
});

/** Every parameter of the engine as one flat array (for exact comparisons). */
function flatParameters(engine: EpochEngine): number[] {
  const out: number[] = [];
  for (const layer of engine.layers()) out.push(...layer.weights.data, ...layer.biases.data);
  return out;
}

describe('L1 regularization', () => {
  for (const hidden of ['sigmoid', 'relu', 'tanh'] as const) {
    for (const momentum of [0, 0.7]) {
      const c: Case = {
        ...combination(hidden, hidden === 'relu' ? 'log-likelihood' : 'cross-entropy', momentum),
        name: `L1, ${hidden} hidden, momentum ${momentum}`,
        zeroWeights: 5,
      };
      c.options = { ...c.options, regularization: 'l1', lambda: 2 };
      it(`float64 equals the per-sample reference to 1e-12 (sgn(0) = 0 included): ${c.name}`, () => {
        const err = compareWithReference(
          c,
          (o, net) => createEpochEngineSync(net, o),
          'float64',
          3,
        );
        expect(err).toBeLessThan(1e-12);
      });
    }
  }
  it('differs from L2 (the option reaches the kernels), and is checked', () => {
    const c = combination('sigmoid', 'cross-entropy', 0);
    c.options = { ...c.options, lambda: 2 };
    const l2 = compareWithReference(
      { ...c, options: { ...c.options, regularization: 'l1' } },
      (o, net) => createEpochEngineSync(net, { ...o, regularization: 'l2' }),
      'float64',
      1,
    );
    expect(l2).toBeGreaterThan(1e-6);
    expect(() =>
      createEpochEngineSync(networkOf(c, 1), { ...c.options, regularization: 'l3' as 'l1' }),
    ).toThrow(/regularization must be 'l2' or 'l1', got l3/);
  });
});

describe('dropout', () => {
  const P = 0.3;
  for (const hidden of ['sigmoid', 'relu'] as const) {
    for (const momentum of [0, 0.5]) {
      const c = combination(
        hidden,
        hidden === 'relu' ? 'log-likelihood' : 'cross-entropy',
        momentum,
      );
      c.sizes = [13, 19, 11, 4];
      it(`float64 equals a direct per-sample implementation to 1e-12: ${c.name}`, () => {
        const net = networkOf(c, 11);
        const ref = {
          w: net.layers.map((l) => rowsOf(l.weights)),
          b: net.layers.map((l) => rowsOf(l.biases)[0] as number[]),
        };
        const vel = zeroVelocity(ref);
        const { X, Y } = randomData(c, 5);
        const engine = createEpochEngineSync(net, { ...c.options, dropout: P });
        const rng = new Rng(3);
        for (let e = 0; e < 3; e++) {
          const key = rng.int(2 ** 32);
          const order = rng.permutation(c.rows).subarray(0, c.used);
          // Two calls, as the trainer's chunks: the second starts at position 12 of the epoch.
          engine.setDropout(key, 0);
          engine.runEpoch(X, Y, order.subarray(0, 12));
          engine.setDropout(key, 12);
          engine.runEpoch(X, Y, order.subarray(12));
          referenceEpoch(ref, vel, rowsOf(X), rowsOf(Y), order, {
            ...c.options,
            drop: { p: P, key },
          });
        }
        let worst = 0;
        engine.layers().forEach((layer, l) => {
          worst = Math.max(worst, maxRelativeError(layer.weights, ref.w[l] as number[][]));
          worst = Math.max(worst, maxRelativeError(layer.biases, [ref.b[l] as number[]]));
        });
        expect(worst).toBeLessThan(1e-12);
        // Without dropout the same epochs end elsewhere: the masks matter.
        const plain = createEpochEngineSync(networkOf(c, 11), c.options);
        const again = new Rng(3);
        for (let e = 0; e < 3; e++) {
          again.int(2 ** 32);
          plain.runEpoch(X, Y, again.permutation(c.rows).subarray(0, c.used));
        }
        expect(
          maxRelativeError(plain.layers()[0]?.weights as Matrix, ref.w[0] as number[][]),
        ).toBeGreaterThan(1e-6);
      });
    }
  }
  it('is bit-identical on one, two and three threads', async () => {
    const c = combination('tanh', 'cross-entropy', 0.5);
    c.sizes = [37, 26, 19, 10];
    const { X, Y } = randomData(c, 9);
    for (const dtype of ['float64', 'float32'] as const) {
      const engines = await Promise.all(
        [1, 2, 3].map((threads) =>
          createEpochEngine(networkOf(c, 4), { ...c.options, dtype, dropout: 0.4, threads }),
        ),
      );
      const rng = new Rng(8);
      for (let e = 0; e < 2; e++) {
        const order = rng.permutation(c.rows).subarray(0, c.used);
        for (const engine of engines) {
          engine.setDropout(e + 77, 0);
          engine.runEpoch(X, Y, order);
        }
      }
      expect(flatParameters(engines[1] as EpochEngine)).toEqual(
        flatParameters(engines[0] as EpochEngine),
      );
      expect(flatParameters(engines[2] as EpochEngine)).toEqual(
        flatParameters(engines[0] as EpochEngine),
      );
      for (const engine of engines) engine.close();
    }
  });
  it('refuses a bad probability, key or position', () => {
    const c = combination('sigmoid', 'quadratic', 0);
    expect(() => createEpochEngineSync(networkOf(c, 1), { ...c.options, dropout: 1 })).toThrow(
      /dropout must be a number in \[0, 1\), got 1/,
    );
    const engine = createEpochEngineSync(networkOf(c, 1), { ...c.options, dropout: 0.5 });
    expect(() => engine.setDropout(-1, 0)).toThrow(/dropout key must be an integer/);
    expect(() => engine.setDropout(1, 0.5)).toThrow(/dropout position must be an integer/);
  });
});

describe('engine on two and three threads', () => {
  const wide = (hidden: RefActivation, cost: RefOptions['cost'], momentum: number): Case => ({
    ...combination(hidden, cost, momentum),
    sizes: [37, 26, 19, 10],
  });
  const cases = [
    ...CASES,
    ...HIDDEN.flatMap((h) => COSTS.map((cost, i) => wide(h, cost, i === 1 ? 0.9 : 0))),
  ];
  for (const path of PATHS) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${path} ${dtype}: bit-identical to one thread for every activation and cost`, async () => {
        for (const c of cases) {
          const { X, Y } = randomData(c, 9);
          const make = (threads: number) =>
            createEpochEngine(networkOf(c, 4), { ...c.options, dtype, engine: path, threads });
          const one = await make(1);
          const two = await make(2);
          const three = await make(3);
          expect([one.threads, two.threads, three.threads]).toEqual([1, 2, 3]);
          const rng = new Rng(8);
          const costs = [1, 2, 3].map(
            () => new Float64Array(Math.ceil(c.used / c.options.batchSize)),
          );
          for (let e = 0; e < 3; e++) {
            const order = rng.permutation(c.rows).subarray(0, c.used);
            [one, two, three].forEach((engine, t) => {
              engine.runEpoch(X, Y, order, costs[t]);
            });
          }
          expect(flatParameters(two), c.name).toEqual(flatParameters(one));
          expect(flatParameters(three), c.name).toEqual(flatParameters(one));
          expect(costs[1]).toEqual(costs[0]);
          expect(costs[2]).toEqual(costs[0]);
          two.close();
          three.close();
          expect(two.threads).toBe(1);
        }
      });
    }
  }

  it('splits a wide network (several vectors per thread) bit-identically, and matches the reference', async () => {
    const c: Case = {
      name: 'wide',
      sizes: [50, 42, 26, 10],
      rows: 40,
      used: 37,
      options: { cost: 'cross-entropy', eta: 0.3, lambda: 1, momentum: 0.4, batchSize: 8, n: 40 },
    };
    for (const dtype of ['float64', 'float32'] as const) {
      const oneThread = compareWithReference(
        c,
        (o, net) => createEpochEngineSync(net, { ...o, engine: 'wasm-relaxed' }),
        dtype,
        2,
      );
      expect(oneThread).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-4);
      const { X, Y } = randomData(c, 2);
      const nets = [1, 2].map(() => createNetwork(c.sizes, { init: 'normal', seed: 6 }));
      const engines = await Promise.all(
        nets.map((net, t) =>
          createEpochEngine(net, { ...c.options, dtype, engine: 'wasm-simd', threads: t + 1 }),
        ),
      );
      const rng = new Rng(1);
      for (let e = 0; e < 2; e++) {
        const order = rng.permutation(c.rows).subarray(0, c.used);
        for (const engine of engines) engine.runEpoch(X, Y, order);
      }
      expect(flatParameters(engines[1] as EpochEngine)).toEqual(
        flatParameters(engines[0] as EpochEngine),
      );
      engines[1]?.close();
    }
  });
});
