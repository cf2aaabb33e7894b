import '../test/build-wasm-first.js';
import { createNetwork } from '@mlisp/neurons';
import { type DType, Rng, zeros } from '@mlisp/tensor';
import { availablePaths, type EpochEvent, type TrainOptions, trainInPlace } from '@mlisp/trainer';
import { describe, expect, it } from 'vitest';

// With the fast engine, the per-epoch training and evaluation figures are
// computed by the engine's forward pass; they must match the matrix loop's
// (matrix feedforward) within float tolerance, epoch by epoch.

function classification(seed: number, n: number, dtype: DType) {
  const rng = new Rng(seed);
  const inputs = zeros(n, 5, { dtype });
  const targets = zeros(n, 3, { dtype });
  for (let i = 0; i < n; i++) {
    const c = rng.int(3);
    for (let k = 0; k < 5; k++) inputs.data[i * 5 + k] = rng.normal(k === c ? 1.2 : 0, 1);
    targets.data[i * 3 + c] = 1;
  }
  return { inputs, targets };
}

const FIGURES = [
  'trainingCost',
  'trainingAccuracy',
  'evaluationCost',
  'evaluationAccuracy',
] as const;

function relative(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(a - b) / Math.max(1e-300, Math.abs(b));
}

describe('trainInPlace monitoring on the engine', () => {
  const costs = [
    { cost: 'cross-entropy', output: 'sigmoid' },
    { cost: 'quadratic', output: 'sigmoid' },
    { cost: 'log-likelihood', output: 'softmax' },
  ] as const;
  for (const dtype of ['float64', 'float32'] as const) {
    // float32 runs train on their own roundings, so their histories drift apart a little.
    const tolerance = dtype === 'float64' ? 1e-9 : 1e-4;
    for (const { cost, output } of costs) {
      it(`${dtype} ${cost}: every path's history matches the matrix loop's`, () => {
        const options: TrainOptions = {
          cost,
          eta: 0.6,
          lambda: 0.3,
          epochs: 4,
          batchSize: 4,
          evaluationData: classification(2, 61, dtype),
          monitor: {
            trainingCost: true,
            trainingAccuracy: true,
            evaluationCost: true,
            evaluationAccuracy: true,
          },
          schedule: { patience: 1, maxHalvings: 10 },
          learningSpeedSamples: 20,
          seed: 5,
        };
        const train = classification(1, 150, dtype);
        const run = (engine: TrainOptions['engine']) =>
          trainInPlace(
            createNetwork([5, 7, 3], { init: 'scaled', seed: 3, dtype, outputActivation: output }),
            train,
            { ...options, engine },
          );
        const matrix = run('matrix');
        expect(matrix.path).toBe('matrix');
        for (const path of availablePaths()) {
          const fast = run(path);
          expect(fast.path).toBe(path);
          expect(fast.history).toHaveLength(matrix.history.length);
          fast.history.forEach((event: EpochEvent, e) => {
            const ref = matrix.history[e] as EpochEvent;
            expect(event.eta).toBe(ref.eta);
            for (const figure of FIGURES) {
              expect(event[figure]).not.toBeNull();
              expect(relative(event[figure], ref[figure])).toBeLessThan(tolerance);
            }
            event.learningSpeeds?.weights.forEach((v, l) => {
              expect(relative(v, ref.learningSpeeds?.weights[l] ?? null)).toBeLessThan(tolerance);
            });
          });
        }
      });
    }
  }

  it('reports only the figures asked for', () => {
    const data = classification(1, 40, 'float64');
    const result = trainInPlace(createNetwork([5, 4, 3], { seed: 1 }), data, {
      cost: 'cross-entropy',
      eta: 0.5,
      epochs: 1,
      batchSize: 8,
      evaluationData: classification(2, 20, 'float64'),
      monitor: { trainingCost: false, trainingAccuracy: true, evaluationCost: true },
      learningSpeedSamples: 0,
    });
    expect(result.path).not.toBe('matrix');
    const [event] = result.history;
    expect(event?.trainingCost).toBeNull();
    expect(event?.trainingAccuracy).toBeGreaterThan(0);
    expect(event?.evaluationCost).toBeGreaterThan(0);
    expect(event?.evaluationAccuracy).toBeGreaterThan(0);
    expect(event?.learningSpeeds).toBeNull();
  });
});
