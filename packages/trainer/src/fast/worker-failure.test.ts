import '../../test/build-wasm-first.js';
import { Worker } from 'node:worker_threads';
import { createNetwork } from '@mlisp/neurons';
import { fromArray, type Matrix, Rng } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';
import { createEpochEngine } from './engine.js';
import { type Crew, fixedCrew, team, WORKER } from './thread-choice.js';
import { fromNodeWorker, WORKER_SOURCE } from './threads.js';
import type { WorkerFactory } from './types.js';

// A worker that stops with an error in the middle of a call must not leave
// the calling thread waiting for ever (at a barrier, or for a call it runs
// alone): the call ends, the engine says what happened and refuses further calls.

/** Workers whose kernels throw on their `failOn`-th call (from 1). */
function failingWorkers(failOn: number): WorkerFactory {
  const marker = 'const f32 = ctl[';
  if (!WORKER_SOURCE.includes(marker))
    throw new Error('the worker source changed: update the test');
  const source = WORKER_SOURCE.replace(
    marker,
    `globalThis.calls = (globalThis.calls ?? 0) + 1; if (globalThis.calls === ${failOn}) throw new Error('planted'); ${marker}`,
  );
  return () => fromNodeWorker(new Worker(source, { eval: true }));
}

function data(rows: number): { X: Matrix; Y: Matrix } {
  const rng = new Rng(4);
  return {
    X: fromArray(
      Array.from({ length: rows }, () => Array.from({ length: 30 }, () => rng.uniform())),
    ),
    Y: fromArray(Array.from({ length: rows }, (_, i) => [i % 2, 1 - (i % 2)])),
  };
}

const CREWS: [string, Crew][] = [
  ['both threads (the caller waits at barriers)', team(2)],
  ['the worker alone (the caller waits for the call)', WORKER],
];

describe('a worker that fails during a call', () => {
  for (const [name, crew] of CREWS) {
    it(`ends the call with an error naming it, and the engine refuses more calls: ${name}`, async () => {
      const { X, Y } = data(40);
      const engine = await createEpochEngine(createNetwork([30, 16, 2], { seed: 1 }), {
        cost: 'cross-entropy',
        eta: 0.5,
        batchSize: 4,
        dtype: 'float32',
        threads: 2,
        workerFactory: failingWorkers(2),
      });
      (engine as unknown as { crews: { choice: unknown } }).crews.choice = fixedCrew(crew);
      const order = Array.from({ length: 40 }, (_, i) => i);
      engine.runEpoch(X, Y, order); // the workers' first call runs
      const failed = /worker thread 1 stopped with an error during an engine call/;
      expect(() => engine.runEpoch(X, Y, order)).toThrow(failed);
      expect(() => engine.runEpoch(X, Y, order)).toThrow(failed);
      expect(() => engine.evaluate(X, Y)).toThrow(failed);
      engine.close();
    });
  }

  it('trains as one thread when the same workers do not fail (the control)', async () => {
    const { X, Y } = data(40);
    const options = { cost: 'cross-entropy', eta: 0.5, batchSize: 4, dtype: 'float32' } as const;
    const one = await createEpochEngine(createNetwork([30, 16, 2], { seed: 1 }), {
      ...options,
      threads: 1,
    });
    const two = await createEpochEngine(createNetwork([30, 16, 2], { seed: 1 }), {
      ...options,
      threads: 2,
      workerFactory: failingWorkers(1_000_000),
    });
    (two as unknown as { crews: { choice: unknown } }).crews.choice = fixedCrew(team(2));
    const order = Array.from({ length: 40 }, (_, i) => i);
    for (let e = 0; e < 3; e++) {
      one.runEpoch(X, Y, order);
      two.runEpoch(X, Y, order);
    }
    expect(two.evaluate(X, Y)).toEqual(one.evaluate(X, Y));
    one.close();
    two.close();
  });
});
