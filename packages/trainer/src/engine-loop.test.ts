import { cloneNetwork, createNetwork, type Network } from '@mlisp/neurons';
import { Rng, zeros } from '@mlisp/tensor';
import {
  availablePaths,
  type BatchEvent,
  DivergenceError,
  type EpochEvent,
  trainInPlace,
} from '@mlisp/trainer';
import { describe, expect, it } from 'vitest';

function classification(seed: number, n: number) {
  // two Gaussian blobs per class in 4 dimensions, 3 classes, one-hot targets
  const rng = new Rng(seed);
  const inputs = zeros(n, 4);
  const targets = zeros(n, 3);
  for (let i = 0; i < n; i++) {
    const c = rng.int(3);
    for (let k = 0; k < 4; k++) inputs.data[i * 4 + k] = rng.normal(k === c ? 1.5 : 0, 1);
    targets.data[i * 3 + c] = 1;
  }
  return { inputs, targets };
}

const withoutSeconds = (h: readonly EpochEvent[]) => h.map(({ seconds: _s, ...rest }) => rest);
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

describe('trainInPlace engine choice', () => {
  it("'auto' takes the fastest engine path for a sigmoid network without momentum", () => {
    const result = trainInPlace(fresh(), train, base);
    expect(result.path).toBe(availablePaths()[0]);
    expect(result.path).not.toBe('ts'); // Node 20 has WebAssembly SIMD
    expect(result.history.every((e) => e.path === result.path)).toBe(true);
  });

  it("'auto' runs the reference loop with momentum, or a tanh layer", () => {
    expect(trainInPlace(fresh(), train, { ...base, epochs: 1, momentum: 0.5 }).path).toBe(
      'reference',
    );
    const tanh = createNetwork([4, 5, 3], {
      activation: 'tanh',
      outputActivation: 'sigmoid',
      seed: 1,
    });
    const r = trainInPlace(tanh, train, { ...base, epochs: 1 });
    expect(r.path).toBe('reference');
    expect(r.history[0]?.path).toBe('reference');
  });

  it('forcing an engine path on a run it cannot train throws a TypeError saying why', () => {
    const tanh = createNetwork([4, 5, 3], {
      activation: 'tanh',
      outputActivation: 'sigmoid',
      seed: 1,
    });
    expect(() => trainInPlace(tanh, train, { ...base, engine: 'ts' })).toThrow(
      /engine 'ts' cannot train this network: .*activations tanh, sigmoid/,
    );
    expect(() => trainInPlace(fresh(), train, { ...base, momentum: 0.5, engine: 'ts' })).toThrow(
      /needs momentum 0/,
    );
    expect(() => trainInPlace(fresh(), train, { ...base, engine: 'gpu' as never })).toThrow(
      TypeError,
    );
  });

  it("'ts' and 'auto' train like the reference loop (float64, within 1e-9)", () => {
    const ref = fresh();
    const r = trainInPlace(ref, train, { ...base, engine: 'reference' });
    for (const engine of ['ts', 'auto'] as const) {
      const net = fresh();
      const e = trainInPlace(net, train, { ...base, engine });
      const a = parameters(ref);
      parameters(net).forEach((v, i) => {
        expect(Math.abs(v - a[i]!)).toBeLessThan(1e-9);
      });
      expect(e.history.map((h) => h.eta)).toEqual(r.history.map((h) => h.eta));
    }
  });

  it('sends onBatch for every mini-batch, with cost null on the engine path', () => {
    const events: BatchEvent[] = [];
    trainInPlace(fresh(), train, { ...base, epochs: 2, onBatch: (e) => events.push(e) });
    expect(events).toHaveLength(204);
    events.forEach((e, i) => {
      expect([e.epoch, e.batch, e.batches, e.cost]).toEqual([
        1 + Math.floor(i / 102),
        i % 102,
        102,
        null,
      ]);
      expect(e.size).toBe(i % 102 === 101 ? 1 : 2);
    });
  });

  it('aborting mid-epoch and resuming on the auto path is bit-identical to an uninterrupted run', () => {
    const whole = fresh();
    const full = trainInPlace(whole, train, base);
    const part = fresh();
    const controller = new AbortController();
    const first = trainInPlace(part, train, {
      ...base,
      signal: controller.signal,
      onBatch: (e) => {
        if (e.epoch === 3 && e.batch === 30) controller.abort();
      },
    });
    expect(first.stopReason).toBe('aborted');
    expect(first.history).toHaveLength(2);
    expect(first.state.epoch).toBe(2);
    expect(first.state.batch).toBe(50); // the end of the chunk of mini-batches 25..49
    const rest = trainInPlace(part, train, {
      ...base,
      resumeFrom: JSON.parse(JSON.stringify(first.state)),
    });
    expect(rest.stopReason).toBe('completed');
    expect(rest.path).toBe(full.path);
    expect(parameters(part)).toEqual(parameters(whole));
    expect(withoutSeconds(rest.history)).toEqual(withoutSeconds(full.history));
  });

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

  it('divergence on the auto path throws DivergenceError naming the epoch and mini-batch', () => {
    const data = classification(3, 60);
    const { schedule: _s, ...rest } = base;
    const diverging = { ...rest, eta: 1e308, lambda: 0 };
    const expected = (() => {
      try {
        trainInPlace(fresh(), data, { ...diverging, engine: 'reference' });
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
