import '../test/build-wasm-first.js';
import { createNetwork, type Network } from '@mlisp/neurons';
import { Rng, zeros } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';
import { withoutSeconds } from '../test/data.js';
import { trainInPlace, trainInPlaceAsync } from './sgd.js';
import type { TrainOptions } from './types.js';

// float32 momentum skips the strips of weights no sample of a mini-batch reaches and catches
// them up at once later (A^k of the linear step with g = 0): the same training within float32
// rounding, and as deterministic as the eager step (threads, chunks, resuming).

/** 16 x 16 images of 3 classes: a blank border, and a class-dependent blob on blank ground. */
function images(seed: number, n: number) {
  const rng = new Rng(seed);
  const inputs = zeros(n, 256, { dtype: 'float32' });
  const targets = zeros(n, 3, { dtype: 'float32' });
  for (let i = 0; i < n; i++) {
    const c = rng.int(3);
    const [r0, c0] = [3 + 3 * c + rng.int(2), 4 + rng.int(3)];
    for (let r = r0; r < r0 + 5; r++) {
      for (let k = c0; k < c0 + 6; k++) inputs.data[i * 256 + r * 16 + k] = rng.int(256) / 255;
    }
    targets.data[i * 3 + c] = 1;
  }
  return { inputs, targets };
}

const train = images(1, 300);
const options: TrainOptions = {
  cost: 'cross-entropy',
  eta: 0.1,
  lambda: 1,
  momentum: 0.9,
  epochs: 3,
  batchSize: 5,
  evaluationData: images(2, 60),
  seed: 3,
};
const fresh = (dtype: 'float32' | 'float64' = 'float32') =>
  createNetwork([256, 24, 3], { init: 'scaled', seed: 9, dtype });
const parameters = (net: Network) =>
  net.layers.flatMap((l) => [...l.weights.data, ...l.biases.data]);

describe('lazy float32 momentum', () => {
  it('the data leaves a third of the 8-input strips without a live sample in a mini-batch', () => {
    let dead = 0;
    for (let b = 0; b < 300; b += 5) {
      for (let s = 0; s < 32; s++) {
        let live = false;
        for (let i = b; i < b + 5; i++) {
          for (let k = 0; k < 8; k++) live ||= train.inputs.data[i * 256 + s * 8 + k] !== 0;
        }
        if (!live) dead++;
      }
    }
    // Counted along rows; the engine's 4 x 2 tiles (inputOrder) leave more.
    expect(dead / (60 * 32)).toBeGreaterThan(0.3);
  });

  it("trains as float64's eager steps do, within float32 rounding", () => {
    const lazy = fresh();
    const eager = fresh('float64');
    trainInPlace(lazy, train, options);
    trainInPlace(eager, train, options);
    const a = parameters(lazy);
    const b = parameters(eager);
    const scale = Math.max(...b.map(Math.abs));
    // Eager float32 steps (the matrix loop) come within 5e-7 of float64 here.
    expect(Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number)))) / scale).toBeLessThan(2e-6);
  });

  it('is bit-identical on two threads, and when resumed from a stop mid-epoch', async () => {
    const whole = fresh();
    const full = trainInPlace(whole, train, options);
    const two = fresh();
    await trainInPlaceAsync(two, train, { ...options, threads: 2 });
    expect(parameters(two)).toEqual(parameters(whole));
    const part = fresh();
    const controller = new AbortController();
    const first = trainInPlace(part, train, {
      ...options,
      signal: controller.signal,
      onBatch: (b) => {
        if (b.epoch === 2 && b.batch === 30) controller.abort();
      },
    });
    expect([first.state.epoch, first.state.batch]).toEqual([1, 50]);
    const rest = trainInPlace(part, train, { ...options, resumeFrom: first.state });
    expect(parameters(part)).toEqual(parameters(whole));
    expect(withoutSeconds(rest.history)).toEqual(withoutSeconds(full.history));
  });
});
