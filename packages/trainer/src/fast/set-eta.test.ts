import '../../test/build-wasm-first.js';
import { createNetwork } from '@mlisp/neurons';
import { Rng, zeros } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';
import { availablePaths, createEpochEngine, createEpochEngineSync } from './engine.js';
import type { EnginePath, EpochEngine, EpochEngineOptions } from './types.js';

function data(rows: number) {
  const rng = new Rng(5);
  const inputs = zeros(rows, 6);
  const targets = zeros(rows, 3);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < 6; k++) inputs.data[i * 6 + k] = rng.uniform();
    targets.data[i * 3 + rng.int(3)] = 1;
  }
  return { inputs, targets };
}

const parameters = (engine: EpochEngine) =>
  engine.layers().flatMap((l) => [...l.weights.data, ...l.biases.data]);

const options: EpochEngineOptions = {
  cost: 'cross-entropy',
  eta: 0.8,
  lambda: 0.5,
  momentum: 0.3,
  batchSize: 4,
};

describe('EpochEngine.setEta', () => {
  const { inputs, targets } = data(31);
  const order = (epoch: number) => new Rng(epoch).permutation(31);
  const net = () => createNetwork([6, 20, 3], { init: 'normal', seed: 2 });

  for (const path of availablePaths() as EnginePath[]) {
    for (const threads of [1, 2]) {
      it(`${path}, ${threads} thread(s): later epochs compute what an engine made with the new η would`, async () => {
        // Reference: one epoch at η 0.8 on engine A, then its weights into a new engine at η 0.2.
        const first = createEpochEngineSync(net(), { ...options, engine: path, momentum: 0 });
        first.runEpoch(inputs, targets, order(1));
        const start = net();
        const copied = first.layers();
        start.layers.forEach((layer, l) => {
          layer.weights.data.set(copied[l]?.weights.data as Float64Array);
          layer.biases.data.set(copied[l]?.biases.data as Float64Array);
        });
        const second = createEpochEngineSync(start, {
          ...options,
          engine: path,
          momentum: 0,
          eta: 0.2,
        });
        second.runEpoch(inputs, targets, order(2));

        const engine = await createEpochEngine(net(), {
          ...options,
          engine: path,
          momentum: 0,
          threads,
        });
        engine.runEpoch(inputs, targets, order(1));
        engine.setEta(0.2);
        engine.runEpoch(inputs, targets, order(2));
        expect(parameters(engine)).toEqual(parameters(second));
        engine.close();
      });
    }
  }

  it('rejects an η that is not a positive number, keeping the old one', () => {
    const engine = createEpochEngineSync(net(), options);
    const twin = createEpochEngineSync(net(), options);
    for (const eta of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '0.1']) {
      expect(() => engine.setEta(eta as number)).toThrow(
        new TypeError(`eta must be a positive number, got ${String(eta)}`),
      );
    }
    engine.runEpoch(inputs, targets, order(1));
    twin.runEpoch(inputs, targets, order(1));
    expect(parameters(engine)).toEqual(parameters(twin));
  });
});
