import '../../test/build-wasm-first.js';
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
    expect(() => createEpochEngineSync(net, { ...base, engine: 'gpu' as 'auto' })).toThrow(
      /engine must be one of auto, wasm-simd, wasm-relaxed, got gpu/,
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
      engine: 'wasm-simd',
    });
    expect(engine.path).toBe('wasm-simd');
  });

  it('refuses activations and cost pairings it does not implement', () => {
    const step = createNetwork([3, 4, 2], { activation: 'step', seed: 1 });
    expect(() => createEpochEngineSync(step, base)).toThrow(
      /cannot train this network: layer 1 uses 'step'/,
    );
    expect(() => createEpochEngineSync(net, { ...base, cost: 'log-likelihood' })).toThrow(
      /log-likelihood needs a softmax output layer, got 'sigmoid'/,
    );
    const tanhOut = createNetwork([3, 4, 2], { outputActivation: 'tanh', seed: 1 });
    expect(() => createEpochEngineSync(tanhOut, { ...base, cost: 'cross-entropy' })).toThrow(
      /cross-entropy needs a sigmoid output layer, got 'tanh'/,
    );
    // 'auto': float64 on plain SIMD (the same bits on every runtime), float32 on relaxed SIMD.
    expect(createEpochEngineSync(tanhOut, base).path).toBe('wasm-simd');
    expect(createEpochEngineSync(tanhOut, { ...base, dtype: 'float32' }).path).toBe('wasm-relaxed');
    expect(createEpochEngineSync(tanhOut, { ...base, engine: 'wasm-relaxed' }).path).toBe(
      'wasm-relaxed',
    );
    expect(() => createEpochEngineSync({} as never, base)).toThrow(/network must be a Network/);
  });

  it('refuses data of the wrong shape, and every order or costs array that would reach outside its table', () => {
    const engine = createEpochEngineSync(net, { ...base, batchSize: 2 });
    const X = zeros(5, 3);
    const Y = zeros(5, 2);
    expect(() => engine.runEpoch(zeros(5, 4), Y, [0])).toThrow(/inputs are 5x4/);
    expect(() => engine.runEpoch(X, zeros(4, 2), [0])).toThrow(/targets are 4x2, expected 5x2/);
    expect(() => engine.runEpoch(X, Y, [0, 5])).toThrow(/order\[1\] = 5 is not a row index/);
    expect(() => engine.runEpoch(X, Y, [0, -1])).toThrow(RangeError);
    expect(() => engine.runEpoch(X, Y, [0.5])).toThrow(/order\[0\] = 0.5 is not an integer/);
    expect(() => engine.runEpoch(X, Y, [0.5])).toThrow(TypeError);
    expect(() => engine.runEpoch(X, Y, [Number.NaN])).toThrow(TypeError);
    expect(() => engine.runEpoch(X, Y, ['1'] as unknown as number[])).toThrow(TypeError);
    // Longer than the set: it would run past the order table into the copied inputs.
    expect(() => engine.runEpoch(X, Y, [0, 1, 2, 3, 4, 0])).toThrow(
      /order has 6 indices but inputs have only 5 rows/,
    );
    expect(() => engine.runEpoch(X, Y, new Int32Array(100_000))).toThrow(RangeError);
    expect(() => engine.runEpoch(X, Y, null as unknown as number[])).toThrow(/order must be/);
    expect(() => engine.runEpoch(X, Y, [0, 1, 2], new Float64Array(1))).toThrow(
      /costs must be a Float64Array of at least 2 values/,
    );
    expect(() => engine.runEpoch(X, Y, [0], [0] as unknown as Float64Array)).toThrow(TypeError);
    const bad = { rows: 5, cols: 3, data: new Float64Array(3) };
    expect(() => engine.runEpoch(bad, Y, [0])).toThrow(/inputs are 5x3 \(3 values\)/);
    expect(() => engine.evaluate(bad, Y)).toThrow(RangeError);
    // Nothing was trained by the refused calls.
    const before = engine.layers().map((l) => Array.from(l.weights.data));
    expect(engine.allFinite()).toBe(true);
    engine.runEpoch(X, Y, [4, 3, 2, 1, 0]);
    expect(engine.layers().map((l) => Array.from(l.weights.data))).not.toEqual(before);
  });

  it('trains a copy: the network changes only on syncToNetwork, and loadFromNetwork restores it', () => {
    const own = createNetwork([3, 4, 2], { seed: 2 });
    const before = Array.from(own.layers[0]?.weights.data ?? []);
    const engine = createEpochEngineSync(own, { ...base, engine: 'wasm-simd' });
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
        const engine = createEpochEngineSync(own, { ...base, engine: path, dtype });
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
          engine: path,
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
      createEpochEngine(net, { ...base, engine: 'wasm-simd', threads: 2, workerFactory: failing }),
    ).rejects.toThrow(/worker 1 answered error: no kernels here/);
  });
});
