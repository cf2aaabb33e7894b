import './build-if-missing.test-helper.js';
import { createNetwork } from '@mlisp/neurons';
import { zeros } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';
import { availablePaths, createEpochEngine, createEpochEngineSync } from './engine.js';
import type { EpochEngineOptions } from './types.js';

const base: EpochEngineOptions = { cost: 'quadratic', eta: 1, batchSize: 2 };

describe('fast engine: bad arguments', () => {
  const net = createNetwork([3, 4, 2], { seed: 1 });

  it('rejects bad options with a TypeError naming the option', () => {
    expect(() => createEpochEngineSync(net, { ...base, cost: 'hinge' as 'quadratic' })).toThrow(
      /cost must be one of/,
    );
    expect(() => createEpochEngineSync(net, { ...base, eta: 0 })).toThrow(
      /eta must be a positive number, got 0/,
    );
    expect(() => createEpochEngineSync(net, { ...base, lambda: -1 })).toThrow(/lambda must be/);
    expect(() => createEpochEngineSync(net, { ...base, momentum: 1 })).toThrow(
      /momentum must be a number in \[0, 1\)/,
    );
    expect(() => createEpochEngineSync(net, { ...base, batchSize: 2.5 })).toThrow(
      /batchSize must be a positive integer/,
    );
    expect(() => createEpochEngineSync(net, { ...base, n: 0 })).toThrow(
      /n must be a positive integer/,
    );
    expect(() => createEpochEngineSync(net, { ...base, dtype: 'int8' as 'float32' })).toThrow(
      /dtype must be/,
    );
    expect(() => createEpochEngineSync(net, { ...base, path: 'gpu' as 'ts' })).toThrow(
      /path must be one of/,
    );
    expect(() => createEpochEngineSync(net, { ...base, threads: 0 })).toThrow(/threads must be/);
    expect(() => createEpochEngineSync(net, { ...base, threads: 2 })).toThrow(
      /createEpochEngine \(async\)/,
    );
    expect(() => createEpochEngineSync(net, null as unknown as EpochEngineOptions)).toThrow(
      TypeError,
    );
  });

  it('accepts a cost object by its name', () => {
    const engine = createEpochEngineSync(net, {
      ...base,
      cost: { name: 'cross-entropy' },
      path: 'ts',
    });
    expect(engine.path).toBe('ts');
  });

  it('refuses activations it does not implement', () => {
    const relu = createNetwork([3, 4, 2], { activation: 'relu', seed: 1 });
    expect(() => createEpochEngineSync(relu, base)).toThrow(
      /needs sigmoid in layer 1 \(cost quadratic\), got relu/,
    );
    expect(() => createEpochEngineSync(net, { ...base, cost: 'log-likelihood' })).toThrow(
      /needs softmax in layer 2/,
    );
    expect(() => createEpochEngineSync({} as never, base)).toThrow(/network must be a Network/);
  });

  it('refuses threads on the TypeScript path', async () => {
    await expect(createEpochEngine(net, { ...base, path: 'ts', threads: 2 })).rejects.toThrow(
      /need a wasm path/,
    );
  });

  for (const path of ['ts', 'wasm-simd'] as const) {
    it(`${path}: refuses data of the wrong shape and orders out of range`, () => {
      const engine = createEpochEngineSync(net, { ...base, path });
      const X = zeros(5, 3);
      const Y = zeros(5, 2);
      expect(() => engine.runEpoch(zeros(5, 4), Y, [0])).toThrow(/inputs are 5x4, expected N x 3/);
      expect(() => engine.runEpoch(X, zeros(4, 2), [0])).toThrow(/targets are 4x2, expected 5x2/);
      expect(() => engine.runEpoch(X, Y, [0, 5])).toThrow(/order\[1\] = 5 is not a row index/);
      expect(() => engine.runEpoch(X, Y, [0.5])).toThrow(RangeError);
      expect(() => engine.runEpoch(X, Y, null as unknown as number[])).toThrow(/order must be/);
    });
  }

  it('trains a copy: the network changes only on syncToNetwork, and loadFromNetwork restores it', () => {
    const own = createNetwork([3, 4, 2], { seed: 2 });
    const before = Array.from(own.layers[0]?.weights.data ?? []);
    const engine = createEpochEngineSync(own, { ...base, path: 'wasm-simd' });
    const X = zeros(4, 3);
    X.data.fill(0.5);
    engine.runEpoch(X, zeros(4, 2), [0, 1, 2, 3]);
    expect(Array.from(own.layers[0]?.weights.data ?? [])).toEqual(before);
    const trained = Array.from(engine.layers()[0]?.weights.data ?? []);
    expect(trained).not.toEqual(before);
    engine.syncToNetwork();
    expect(Array.from(own.layers[0]?.weights.data ?? [])).toEqual(trained);
    own.layers[0]?.weights.data.fill(0);
    engine.loadFromNetwork();
    expect(Array.from(engine.layers()[0]?.weights.data ?? []).every((v) => v === 0)).toBe(true);
  });
});

describe('fast engine: allFinite', () => {
  for (const path of availablePaths()) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${path} ${dtype}: false once a weight or bias is NaN or infinite, true again when repaired`, () => {
        const own = createNetwork([19, 5, 2], { seed: 3, dtype });
        const engine = createEpochEngineSync(own, { ...base, path, dtype });
        const X = zeros(4, 19);
        X.data.fill(0.25);
        engine.runEpoch(X, zeros(4, 2), [0, 1, 2, 3]);
        expect(engine.allFinite()).toBe(true);
        const w = own.layers[0]?.weights.data as Float64Array;
        const b = own.layers[1]?.biases.data as Float64Array;
        w[w.length - 1] = Number.NaN; // last weight of the last row (beside the row padding)
        engine.loadFromNetwork();
        expect(engine.allFinite()).toBe(false);
        w[w.length - 1] = 0;
        engine.loadFromNetwork();
        expect(engine.allFinite()).toBe(true);
        b[1] = Number.NEGATIVE_INFINITY;
        engine.loadFromNetwork();
        expect(engine.allFinite()).toBe(false);
        b[1] = 0;
        engine.loadFromNetwork();
        expect(engine.allFinite()).toBe(true);
        const diverging = createEpochEngineSync(createNetwork([19, 5, 2], { seed: 3, dtype }), {
          ...base,
          // w ← (1 − ηλ/n)·w: the first mini-batch scales w by −η/4, the second overflows.
          eta: dtype === 'float32' ? 1e30 : 1e200,
          lambda: 1,
          path,
          dtype,
        });
        diverging.runEpoch(X, zeros(4, 2), [0, 1]);
        expect(diverging.allFinite()).toBe(true);
        diverging.runEpoch(X, zeros(4, 2), [2, 3]);
        expect(diverging.allFinite()).toBe(false);
      });
    }
  }
});

describe('fast engine: worker failures', () => {
  it('rejects when a worker does not start, instead of waiting for ever', async () => {
    const net = createNetwork([3, 4, 2], { seed: 1 });
    const failing = () => {
      let handler: (message: unknown) => void = () => {};
      return {
        postMessage: () => queueMicrotask(() => handler('error: no kernels here')),
        onMessage: (h: (message: unknown) => void) => {
          handler = h;
        },
        terminate: () => {},
      };
    };
    await expect(
      createEpochEngine(net, { ...base, path: 'wasm-simd', threads: 2, workerFactory: failing }),
    ).rejects.toThrow(/worker 1 answered error: no kernels here/);
  });
});
