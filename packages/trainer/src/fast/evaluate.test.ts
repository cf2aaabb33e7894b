import '../../test/build-wasm-first.js';
import { createNetwork, type Network } from '@mlisp/neurons';
import { argmaxRows, type DType, fromArray, type Matrix, Rng, zeros } from '@mlisp/tensor';
import { evaluate } from '@mlisp/trainer';
import { describe, expect, it } from 'vitest';
import { availablePaths, createEpochEngine, createEpochEngineSync } from './engine.js';
import type { EpochEngine, EpochEngineOptions, FastCostName } from './types.js';

// The engine's forward-only evaluation against the matrix loop's
// evaluate() (matrix feedforward of @mlisp/neurons, costs of @mlisp/costs) on
// the same weights: the network the engine wrote back with syncToNetwork.

function randomSet(rows: number, nIn: number, nOut: number, seed: number) {
  const rng = new Rng(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < rows; i++) {
    x.push(Array.from({ length: nIn }, () => rng.uniform()));
    const label = rng.int(Math.max(nOut, 2));
    y.push(Array.from({ length: nOut }, (_, j) => (nOut === 1 ? label : j === label ? 1 : 0)));
  }
  return { inputs: fromArray(x), targets: fromArray(y) };
}

/** The same matrix in `dtype` (float32 networks are evaluated on float32 data by the matrix loop). */
function as(m: Matrix, dtype: DType): Matrix {
  return dtype === 'float64' ? m : { rows: m.rows, cols: m.cols, data: Float32Array.from(m.data) };
}

interface Case {
  cost: FastCostName;
  sizes: number[];
}

const CASES: Case[] = [
  { cost: 'quadratic', sizes: [13, 9, 4] },
  { cost: 'cross-entropy', sizes: [21, 10, 7, 5] },
  { cost: 'log-likelihood', sizes: [17, 11, 6] },
  { cost: 'quadratic', sizes: [5, 4, 1] }, // one output neuron: class 1 when the output is > 0.5
];

function makeEngine(c: Case, dtype: DType, path: EpochEngineOptions['engine']) {
  const network = createNetwork(c.sizes, {
    init: 'normal',
    seed: 7,
    dtype,
    outputActivation: c.cost === 'log-likelihood' ? 'softmax' : 'sigmoid',
  });
  // batchSize 6 does not divide the sets: every evaluation ends with a smaller batch.
  const options = { cost: c.cost, eta: 0.8, lambda: 0.5, batchSize: 6, dtype, engine: path };
  return { network, engine: createEpochEngineSync(network, options) };
}

/** Relative difference of the engine's Σ C_x and the matrix loop's, and both correct counts. */
function compare(engine: EpochEngine, network: Network, c: Case, inputs: Matrix, targets: Matrix) {
  const dtype = engine.dtype;
  const nOut = targets.cols;
  const labels =
    nOut === 1 ? Int32Array.from(targets.data, (v) => (v > 0.5 ? 1 : 0)) : argmaxRows(targets);
  const got = engine.evaluate(inputs, targets, labels);
  const byDefault = engine.evaluate(inputs, targets);
  engine.syncToNetwork();
  const ref = evaluate(network, { inputs: as(inputs, dtype), targets: as(targets, dtype) }, c.cost);
  const refSum = ref.cost * inputs.rows;
  return {
    relative: Math.abs(got.costSum - refSum) / Math.abs(refSum),
    correct: [got.correct, ref.correct],
    byDefault: [byDefault.costSum, byDefault.correct],
    got: [got.costSum, got.correct],
  };
}

describe("engine.evaluate matches the matrix loop's evaluate()", () => {
  for (const path of availablePaths()) {
    for (const dtype of ['float64', 'float32'] as const) {
      const tolerance = dtype === 'float64' ? 1e-9 : 1e-4;
      for (const c of CASES) {
        it(`${path} ${dtype} ${c.cost} [${c.sizes.join(',')}]`, () => {
          const nIn = c.sizes[0] as number;
          const nOut = c.sizes[c.sizes.length - 1] as number;
          // 157 training rows and 83 others.
          const train = randomSet(157, nIn, nOut, 1);
          const other = randomSet(83, nIn, nOut, 2);
          const { network, engine } = makeEngine(c, dtype, path);
          const rng = new Rng(4);
          // Before any training: the evaluation set alone is in the engine.
          let r = compare(engine, network, c, other.inputs, other.targets);
          expect(r.relative).toBeLessThan(tolerance);
          for (let epoch = 0; epoch < 3; epoch++) {
            engine.runEpoch(train.inputs, train.targets, rng.permutation(train.inputs.rows));
            // The training set (already in the engine) and the other set, with this epoch's parameters.
            for (const set of [train, other]) {
              r = compare(engine, network, c, set.inputs, set.targets);
              expect(r.relative).toBeLessThan(tolerance);
              expect(r.correct[0]).toBe(r.correct[1]);
              expect(r.byDefault).toEqual(r.got);
            }
          }
        });
      }
    }
  }
});

describe('engine.evaluate', () => {
  it('gives the same result on one thread and on two', async () => {
    const c: Case = { cost: 'cross-entropy', sizes: [40, 24, 10] };
    const train = randomSet(90, 40, 10, 5);
    for (const path of availablePaths()) {
      const results = [];
      for (const threads of [1, 2]) {
        const net = createNetwork(c.sizes, { init: 'normal', seed: 3 });
        const engine = await createEpochEngine(net, {
          cost: c.cost,
          eta: 0.5,
          batchSize: 8,
          engine: path,
          threads,
        });
        expect(engine.threads).toBe(threads);
        engine.runEpoch(train.inputs, train.targets, new Rng(1).permutation(90));
        results.push(engine.evaluate(train.inputs, train.targets));
        engine.runEpoch(train.inputs, train.targets, new Rng(2).permutation(90));
        results.push(engine.evaluate(train.inputs, train.targets));
        engine.close();
      }
      expect(results.slice(2)).toEqual(results.slice(0, 2));
    }
  });

  it('sees a new evaluation set, and a training set that replaced the evaluation set', () => {
    const c: Case = { cost: 'cross-entropy', sizes: [6, 5, 3] };
    for (const path of availablePaths()) {
      const { network, engine } = makeEngine(c, 'float64', path);
      const a = randomSet(30, 6, 3, 1);
      const b = randomSet(500, 6, 3, 2);
      const first = engine.evaluate(a.inputs, a.targets);
      // A larger training set is copied over the place the evaluation set had.
      engine.runEpoch(b.inputs, b.targets, new Rng(1).permutation(500));
      for (const set of [a, b, randomSet(41, 6, 3, 3), a]) {
        const r = compare(engine, network, c, set.inputs, set.targets);
        expect(r.relative).toBeLessThan(1e-9);
        expect(r.correct[0]).toBe(r.correct[1]);
      }
      expect(engine.evaluate(a.inputs, a.targets)).not.toEqual(first);
    }
  });

  it('an empty set costs 0 with 0 correct', () => {
    for (const path of availablePaths()) {
      const { engine } = makeEngine({ cost: 'quadratic', sizes: [3, 2, 2] }, 'float64', path);
      expect(engine.evaluate(zeros(0, 3), zeros(0, 2), [])).toEqual({ costSum: 0, correct: 0 });
    }
  });

  for (const path of availablePaths()) {
    it(`${path}: refuses data of the wrong shape and labels of the wrong length`, () => {
      const { engine } = makeEngine({ cost: 'quadratic', sizes: [3, 4, 2] }, 'float64', path);
      const X = zeros(5, 3);
      const Y = zeros(5, 2);
      expect(() => engine.evaluate(zeros(5, 4), Y)).toThrow(/inputs are 5x4 .*expected N x 3/);
      expect(() => engine.evaluate(X, zeros(4, 2))).toThrow(/targets are 4x2, expected 5x2/);
      expect(() => engine.evaluate(X, Y, [0, 1])).toThrow(
        /labels has 2 classes but inputs are 5x3/,
      );
      expect(() => engine.evaluate(X, Y, 3 as unknown as number[])).toThrow(TypeError);
    });
  }
});
