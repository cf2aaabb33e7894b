import './build-if-missing.test-helper.js';
import { createNetwork } from '@mlisp/neurons';
import { fromArray, type Matrix, Rng } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';
import { availablePaths, createEpochEngine, createEpochEngineSync } from './engine.js';
import {
  maxRelativeError,
  type RefActivation,
  type RefOptions,
  referenceEpoch,
  rowsOf,
  zeroVelocity,
} from './reference.test-helper.js';
import type { EnginePath, EpochEngine, EpochEngineOptions } from './types.js';

interface Case {
  name: string;
  sizes: number[];
  rows: number;
  /** Samples per epoch (≤ rows): fewer leaves some rows out of the order. */
  used: number;
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
  return createNetwork(c.sizes, {
    init: 'normal',
    seed,
    activation: c.options.hidden ?? 'sigmoid',
    outputActivation: c.options.cost === 'log-likelihood' ? 'softmax' : 'sigmoid',
  });
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
