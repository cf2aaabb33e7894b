import {
  type Activation,
  cloneNetwork,
  createNetwork,
  type Network,
  sigmoid,
} from '@mlisp/neurons';
import {
  availablePaths,
  type BatchEvent,
  DivergenceError,
  type EpochEvent,
  evaluate,
  trainInPlace,
} from '@mlisp/trainer';
import { describe, expect, it } from 'vitest';
import { classification, withoutSeconds } from '../test/data.js';

const parameters = (net: Network) =>
  net.layers.flatMap((l) => [...l.weights.data, ...l.biases.data]);

// 203 samples in mini-batches of 2: 102 mini-batches (the last of 1), five chunks per epoch.
const train = classification(1, 203);
const base = {
  cost: 'cross-entropy' as const,
  eta: 0.7,
  epochs: 4,
  batchSize: 2,
  lambda: 0.4,
  evaluationData: classification(2, 50),
  schedule: { patience: 1, maxHalvings: 10 },
  learningSpeedSamples: 30,
  seed: 99,
};
const fresh = () => createNetwork([4, 6, 5, 3], { init: 'scaled', seed: 3 });

/** A sigmoid the engine does not know by name: only the matrix loop trains it. */
const customSigmoid = { ...sigmoid, name: 'custom-sigmoid' } as unknown as Activation;

const VARIANTS = [
  {
    name: 'sigmoid, cross-entropy',
    hidden: 'sigmoid',
    output: 'sigmoid',
    cost: 'cross-entropy',
    momentum: 0,
  },
  {
    name: 'relu, softmax/log-likelihood',
    hidden: 'relu',
    output: 'softmax',
    cost: 'log-likelihood',
    momentum: 0,
  },
  {
    name: 'sigmoid, momentum 0.9',
    hidden: 'sigmoid',
    output: 'sigmoid',
    cost: 'cross-entropy',
    momentum: 0.9,
  },
  {
    name: 'tanh, quadratic, momentum 0.5',
    hidden: 'tanh',
    output: 'sigmoid',
    cost: 'quadratic',
    momentum: 0.5,
  },
  {
    name: 'leaky-relu, softmax',
    hidden: 'leaky-relu',
    output: 'softmax',
    cost: 'log-likelihood',
    momentum: 0.3,
  },
  {
    name: 'linear, quadratic',
    hidden: 'linear',
    output: 'sigmoid',
    cost: 'quadratic',
    momentum: 0,
  },
] as const;

const variantNet = (v: (typeof VARIANTS)[number]) =>
  createNetwork([4, 6, 5, 3], {
    init: 'scaled',
    seed: 3,
    activation: v.hidden,
    outputActivation: v.output,
  });

const variantOptions = (v: (typeof VARIANTS)[number]) => ({
  ...base,
  cost: v.cost,
  momentum: v.momentum,
  eta: v.hidden === 'sigmoid' ? 0.7 : 0.1,
});

describe('trainInPlace engine choice', () => {
  it("'auto' trains every network the CLI offers on the fastest engine path", () => {
    for (const v of VARIANTS) {
      const result = trainInPlace(variantNet(v), train, { ...variantOptions(v), epochs: 1 });
      expect(result.path, v.name).toBe(availablePaths()[0]);
      expect(result.history.every((e) => e.path === result.path)).toBe(true);
    }
  });

  it("'auto' runs the matrix loop for an activation the engine does not know", () => {
    const net = createNetwork([4, 5, 3], {
      activation: customSigmoid,
      outputActivation: 'sigmoid',
      seed: 1,
    });
    const r = trainInPlace(net, train, { ...base, epochs: 1 });
    expect(r.path).toBe('matrix');
    expect(r.history[0]?.path).toBe('matrix');
  });

  it('forcing an engine path on a run it cannot train throws a TypeError saying why', () => {
    const net = createNetwork([4, 5, 3], {
      activation: customSigmoid,
      outputActivation: 'sigmoid',
      seed: 1,
    });
    expect(() => trainInPlace(net, train, { ...base, engine: 'wasm-simd' })).toThrow(
      /engine 'wasm-simd' cannot train this network: layer 1 uses 'custom-sigmoid'/,
    );
    expect(() => trainInPlace(fresh(), train, { ...base, engine: 'ts' as never })).toThrow(
      /engine must be one of auto, matrix, wasm-simd, wasm-relaxed, got ts/,
    );
  });

  for (const v of VARIANTS) {
    it(`${v.name}: the engine trains like the matrix loop (float64, within 1e-9), with the same batch costs`, () => {
      const costs = (path: 'matrix' | 'auto') => {
        const net = variantNet(v);
        const batchCosts: number[] = [];
        const r = trainInPlace(net, train, {
          ...variantOptions(v),
          engine: path,
          onBatch: (e) => batchCosts.push(e.cost),
        });
        return { net, r, batchCosts };
      };
      const matrix = costs('matrix');
      const engine = costs('auto');
      expect(matrix.r.path).toBe('matrix');
      expect(engine.r.path).not.toBe('matrix');
      const a = parameters(matrix.net);
      parameters(engine.net).forEach((value, i) => {
        expect(Math.abs(value - (a[i] as number))).toBeLessThan(1e-9);
      });
      expect(engine.r.history.map((h) => h.eta)).toEqual(matrix.r.history.map((h) => h.eta));
      expect(engine.batchCosts).toHaveLength(matrix.batchCosts.length);
      engine.batchCosts.forEach((c, i) => {
        expect(typeof c).toBe('number');
        expect(Math.abs(c - (matrix.batchCosts[i] as number))).toBeLessThan(1e-9);
      });
    });
  }

  it('sends onBatch for every mini-batch, each with its mean cost', () => {
    const events: BatchEvent[] = [];
    trainInPlace(fresh(), train, { ...base, epochs: 2, onBatch: (e) => events.push(e) });
    expect(events).toHaveLength(204);
    events.forEach((e, i) => {
      expect([e.epoch, e.batch, e.batches]).toEqual([1 + Math.floor(i / 102), i % 102, 102]);
      expect(e.size).toBe(i % 102 === 101 ? 1 : 2);
      expect(Number.isFinite(e.cost) && e.cost > 0).toBe(true);
    });
  });

  for (const v of [VARIANTS[0], VARIANTS[2], VARIANTS[4]]) {
    it(`aborting mid-epoch and resuming on the engine is bit-identical to an uninterrupted run: ${v.name}`, () => {
      const options = variantOptions(v);
      const whole = variantNet(v);
      const full = trainInPlace(whole, train, options);
      const part = variantNet(v);
      const controller = new AbortController();
      const first = trainInPlace(part, train, {
        ...options,
        signal: controller.signal,
        onBatch: (e) => {
          if (e.epoch === 3 && e.batch === 30) controller.abort();
        },
      });
      expect(first.stopReason).toBe('aborted');
      expect(first.history).toHaveLength(2);
      expect(first.state.epoch).toBe(2);
      expect(first.state.batch).toBe(50); // the end of the chunk of mini-batches 25..49
      expect(first.state.velocities === null).toBe(v.momentum === 0);
      const rest = trainInPlace(part, train, {
        ...options,
        resumeFrom: JSON.parse(JSON.stringify(first.state)),
      });
      expect(rest.stopReason).toBe('completed');
      expect(rest.path).toBe(full.path);
      expect(parameters(part)).toEqual(parameters(whole));
      expect(withoutSeconds(rest.history)).toEqual(withoutSeconds(full.history));
      expect(rest.state.velocities).toEqual(full.state.velocities);
    });
  }

  it('a checkpoint taken in onEpoch on the auto path resumes bit-identically', () => {
    const whole = fresh();
    trainInPlace(whole, train, base);
    const part = fresh();
    let saved: unknown = null;
    let weights: Network | null = null;
    trainInPlace(part, train, {
      ...base,
      onEpoch: (e, checkpoint) => {
        if (e.epoch === 2) {
          saved = JSON.parse(JSON.stringify(checkpoint()));
          weights = cloneNetwork(part);
        }
      },
    });
    const resumed = weights as unknown as Network;
    trainInPlace(resumed, train, { ...base, resumeFrom: saved as never });
    expect(parameters(resumed)).toEqual(parameters(whole));
  });

  it('divergence on the engine throws DivergenceError naming the epoch and mini-batch the matrix loop names', () => {
    const data = classification(3, 60);
    const { schedule: _s, ...rest } = base;
    const diverging = { ...rest, eta: 1e308, lambda: 0, momentum: 0.5 };
    const expected = (() => {
      try {
        trainInPlace(fresh(), data, { ...diverging, engine: 'matrix' });
      } catch (error) {
        return error as DivergenceError;
      }
      return null;
    })();
    expect(expected).toBeInstanceOf(DivergenceError);
    let thrown: unknown = null;
    try {
      trainInPlace(fresh(), data, diverging);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DivergenceError);
    const d = thrown as DivergenceError;
    expect([d.epoch, d.batch]).toEqual([expected!.epoch, expected!.batch]);
    expect(d.message).toMatch(/epoch 1, mini-batch \d+ \(of 30\)/);
  });
});

describe('data in the other precision', () => {
  // The CLI keeps pixels as float32 from the file to the engine: a float64
  // network trains on float32 data (converted exactly as it is copied), and a
  // float32 network on float64 data (rounded as a Float32Array rounds).
  type M = { rows: number; cols: number; data: Float32Array | Float64Array };
  const f32 = (m: M): M => ({ ...m, data: Float32Array.from(m.data) });
  const f64 = (m: M): M => ({ ...m, data: Float64Array.from(m.data) });
  const both = (d: { inputs: M; targets: M }, convert: (m: M) => M) => ({
    inputs: convert(d.inputs),
    targets: convert(d.targets),
  });
  for (const engine of ['matrix', 'auto'] as const) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${engine}: a ${dtype} network trains on float32 data as on float64 data of the same values`, () => {
        // float64 networks: float32 data against float64 copies of its values;
        // float32 networks: float64 data against its float32 rounding.
        const variants =
          dtype === 'float64'
            ? [(m: M) => f32(m), (m: M) => f64(f32(m))]
            : [(m: M) => f64(m), (m: M) => f32(m)];
        const results = variants.map((convert) => {
          const net = createNetwork([4, 6, 5, 3], { init: 'scaled', seed: 3, dtype });
          const r = trainInPlace(net, both(train, convert), {
            ...base,
            engine,
            evaluationData: both(base.evaluationData, convert),
          });
          expect(r.path === 'matrix').toBe(engine === 'matrix');
          return { params: parameters(net), history: withoutSeconds(r.history) };
        });
        expect(results[1]?.params).toEqual(results[0]?.params);
        expect(results[1]?.history).toEqual(results[0]?.history);
      });
    }
  }
});

describe("regularization: 'l1'", () => {
  for (const momentum of [0, 0.6]) {
    it(`the engine and the matrix loop train alike, and the cost carries (λ/n)·Σ|w| (momentum ${momentum})`, () => {
      const options = {
        ...base,
        regularization: 'l1' as const,
        lambda: 3,
        momentum,
        monitor: { trainingCost: true },
      };
      const nets = (['matrix', 'auto'] as const).map((engine) => {
        const net = fresh();
        const r = trainInPlace(net, train, { ...options, engine });
        return { net, r };
      });
      const [matrix, engine] = nets as [(typeof nets)[0], (typeof nets)[0]];
      expect(engine.r.path).not.toBe('matrix');
      const a = parameters(matrix.net);
      parameters(engine.net).forEach((v, i) => {
        expect(Math.abs(v - (a[i] as number))).toBeLessThan(1e-9);
      });
      const last = matrix.r.history.at(-1) as EpochEvent;
      const plain = evaluate(matrix.net, train, 'cross-entropy').cost;
      const absSum = matrix.net.layers.reduce(
        (s, l) => s + Array.from(l.weights.data).reduce((t, w) => t + Math.abs(w), 0),
        0,
      );
      expect(last.trainingCost).toBeCloseTo(plain + (3 / train.inputs.rows) * absSum, 12);
      // L2 with the same λ trains differently.
      const l2 = fresh();
      trainInPlace(l2, train, { ...options, regularization: 'l2', engine: 'matrix' });
      expect(parameters(l2)).not.toEqual(a);
    });
  }
  it('rejects an unknown regularization, naming it', () => {
    expect(() => trainInPlace(fresh(), train, { ...base, regularization: 'l3' as 'l1' })).toThrow(
      new TypeError("regularization must be 'l2' or 'l1', got l3"),
    );
  });
});

describe('dropout', () => {
  const options = { ...base, dropout: 0.3, monitor: { trainingCost: true } };
  it('the engine and the matrix loop train alike, and evaluation runs without dropout', () => {
    const runs = (['matrix', 'auto'] as const).map((engine) => {
      const net = fresh();
      return { net, r: trainInPlace(net, train, { ...options, engine }) };
    });
    const [matrix, engine] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(engine.r.path).not.toBe('matrix');
    const a = parameters(matrix.net);
    parameters(engine.net).forEach((v, i) => {
      expect(Math.abs(v - (a[i] as number))).toBeLessThan(1e-9);
    });
    // The epoch's figures are the network's own (no masks): evaluate() finds the same.
    const last = matrix.r.history.at(-1) as EpochEvent;
    const plain = evaluate(matrix.net, base.evaluationData, 'cross-entropy');
    expect(last.evaluationAccuracy).toBe(plain.accuracy);
    // Dropout changes the training.
    const without = fresh();
    trainInPlace(without, train, { ...options, dropout: 0, engine: 'matrix' });
    expect(parameters(without)).not.toEqual(a);
    expect(matrix.r.state.dropoutKey).toBeTypeOf('number');
  });
  for (const engine of ['matrix', 'auto'] as const) {
    it(`${engine}: aborting mid-epoch and resuming is bit-identical`, () => {
      const whole = fresh();
      const full = trainInPlace(whole, train, { ...options, engine });
      const part = fresh();
      const controller = new AbortController();
      const first = trainInPlace(part, train, {
        ...options,
        engine,
        signal: controller.signal,
        onBatch: (e) => {
          if (e.epoch === 2 && e.batch === 30) controller.abort();
        },
      });
      expect(first.stopReason).toBe('aborted');
      expect(first.state.batch).toBeGreaterThan(0);
      const rest = trainInPlace(part, train, {
        ...options,
        engine,
        resumeFrom: JSON.parse(JSON.stringify(first.state)),
      });
      expect(parameters(part)).toEqual(parameters(whole));
      expect(withoutSeconds(rest.history)).toEqual(withoutSeconds(full.history));
      const { dropoutKey: _k, ...state } = first.state;
      expect(() => trainInPlace(fresh(), train, { ...options, resumeFrom: state })).toThrow(
        /dropoutKey is missing/,
      );
    });
  }
  it('rejects a probability outside [0, 1), naming it', () => {
    expect(() => trainInPlace(fresh(), train, { ...base, dropout: 1 })).toThrow(
      new TypeError('dropout must be a number in [0, 1), got 1'),
    );
  });
});
