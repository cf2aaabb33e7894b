import '../test/build-wasm-first.js';
import { cloneNetwork, createNetwork, type Network } from '@mlisp/neurons';
import { afterEach, describe, expect, it } from 'vitest';
import { classification, withoutSeconds } from '../test/data.js';
import { availablePaths } from './fast/engine.js';
import { trainInPlace } from './sgd.js';
import type { EpochEvent, TrainerState, TrainOptions } from './types.js';

// trainInPlace reuses the engine of the last run of the same network with the
// same settings (while it lives), as a caller that trains in short slices
// resuming from the last state does (the visualizer): no new memory to lay
// out, fill and first touch per slice, and not one bit of difference.

const data = classification(1, 150, 8);
const options: TrainOptions = {
  cost: 'cross-entropy',
  eta: 0.5,
  lambda: 0.3,
  momentum: 0.6,
  epochs: 3,
  batchSize: 2,
  evaluationData: classification(2, 40, 8),
  engine: 'wasm-simd',
};
const parameters = (net: Network) =>
  net.layers.flatMap((l) => [...l.weights.data, ...l.biases.data]);
const fresh = () => createNetwork([8, 12, 3], { init: 'scaled', seed: 4 });

const Memory = WebAssembly.Memory;
/** Counts the WebAssembly memories made from now on (until the test ends). */
function countMemories(): { made: number } {
  const count = { made: 0 };
  WebAssembly.Memory = new Proxy(Memory, {
    construct(target, args) {
      count.made++;
      return Reflect.construct(target, args);
    },
  });
  return count;
}

afterEach(() => {
  WebAssembly.Memory = Memory;
});

describe.skipIf(!availablePaths().includes('wasm-simd'))('trainInPlace reusing its engine', () => {
  it('trains in slices of one engine call, resumed from the last state, as in one run, on one memory', () => {
    const whole = fresh();
    const once = trainInPlace(whole, data, { ...options, seed: 7 });
    const sliced = fresh();
    const memories = countMemories();
    let state: TrainerState | undefined;
    const history: EpochEvent[] = [];
    let slices = 0;
    do {
      const controller = new AbortController();
      const result = trainInPlace(sliced, data, {
        ...options,
        ...(state === undefined ? { seed: 7 } : { resumeFrom: state }),
        signal: controller.signal,
        onBatch: () => controller.abort(),
        onEpoch: (event) => history.push(event),
      });
      state = result.state;
      slices++;
    } while (state.epoch < 3);
    // 75 mini-batches an epoch in calls of 25: three slices an epoch.
    expect(slices).toBe(9);
    expect(memories.made).toBe(1);
    expect(parameters(sliced)).toEqual(parameters(whole));
    expect(withoutSeconds(history)).toEqual(withoutSeconds(once.history));
  });

  it('gives a run started while another trains the same network an engine of its own', () => {
    const plain = fresh();
    trainInPlace(plain, data, { ...options, seed: 7 });
    const outer = fresh();
    const inner: Network[] = [];
    trainInPlace(outer, data, {
      ...options,
      seed: 7,
      onEpoch: (event) => {
        if (event.epoch !== 1) return;
        // Trains the network the outer run syncs into; the outer run's next sync overwrites it.
        const snapshot = cloneNetwork(outer);
        trainInPlace(outer, data, { ...options, epochs: 1, seed: 9 });
        inner.push(cloneNetwork(outer));
        outer.layers.forEach((layer, l) => {
          layer.weights.data.set(snapshot.layers[l]?.weights.data ?? []);
          layer.biases.data.set(snapshot.layers[l]?.biases.data ?? []);
        });
      },
    });
    expect(inner).toHaveLength(1);
    expect(parameters(inner[0] as Network)).not.toEqual(parameters(plain));
    expect(parameters(outer)).toEqual(parameters(plain));
  });

  it('starts a reused engine from the weights the network has now, changed since its last run', () => {
    // Without momentum (whose velocities a run always loads).
    const plain = { ...options, momentum: 0 };
    const net = fresh();
    trainInPlace(net, data, { ...plain, seed: 7 });
    // The caller sets other weights (the visualizer's reset) and trains the same network again.
    const other = createNetwork([8, 12, 3], { init: 'scaled', seed: 5 });
    net.layers.forEach((layer, l) => {
      layer.weights.data.set(other.layers[l]?.weights.data ?? []);
      layer.biases.data.set(other.layers[l]?.biases.data ?? []);
    });
    const memories = countMemories();
    trainInPlace(net, data, { ...plain, seed: 8 });
    expect(memories.made).toBe(0);
    trainInPlace(other, data, { ...plain, seed: 8 });
    expect(parameters(net)).toEqual(parameters(other));
  });

  it('does not reuse the engine for another network or other settings', () => {
    const a = fresh();
    const b = fresh();
    trainInPlace(a, data, { ...options, seed: 7 });
    const memories = countMemories();
    trainInPlace(b, data, { ...options, seed: 7 });
    expect(parameters(b)).toEqual(parameters(a));
    trainInPlace(b, data, { ...options, lambda: 0.5, seed: 7 });
    expect(memories.made).toBe(2);
  });
});
