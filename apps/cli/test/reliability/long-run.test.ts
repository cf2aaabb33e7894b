// Long runs: 200 epochs of a [784,10,10] network on 100 digits, with momentum,
// monitoring and a checkpoint written after every epoch — the per-epoch work
// of `mlisp train`'s worker (train-worker.ts) — must not grow the heap from
// epoch to epoch. The heap is measured after a forced full collection at
// epochs 50, 100, 150 and 200; what may legitimately grow is the history (one
// small event per epoch), a few kilobytes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CLASSES, oneHotTargets, subset } from '@mlisp/mnist';
import { loadBundledSync } from '@mlisp/mnist/node';
import { createNetwork } from '@mlisp/neurons';
import { Rng } from '@mlisp/tensor';
import { trainInPlace } from '@mlisp/trainer';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from '../../src/checkpoint.js';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../src/train-settings.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const dir = mkdtempSync(join(tmpdir(), 'mlisp-long-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EPOCHS = 200;
const SAMPLE_AT = [50, 100, 150, 200];
/** Allowed growth between epoch 50 and epoch 200 (a leak of one network a epoch would be ~10 MB). */
const BOUND = 2 * 1024 * 1024;

describe('a 200-epoch run', () => {
  it('keeps the heap flat from epoch 50 to epoch 200 (after forced GC)', () => {
    const bundled = loadBundledSync();
    const set = (d: typeof bundled.train) => ({
      inputs: d.images,
      targets: oneHotTargets(d.labels, CLASSES),
      labels: d.labels,
    });
    const train = set(subset(bundled.train, 100));
    const test = set(subset(bundled.test, 50));
    const settings: TrainSettings = {
      ...DEFAULT_SETTINGS,
      sizes: [784, 10, 10],
      momentum: 0.5,
      epochs: EPOCHS,
      seed: 5,
      train: 100,
      test: 50,
    };
    const rng = new Rng(settings.seed);
    const network = createNetwork(settings.sizes, { init: 'scaled', rng });
    const ckpt = join(dir, 'long.ckpt.json');
    const heap = new Map<number, number>();
    const external = new Map<number, number>();
    const result = trainInPlace(network, train, {
      cost: settings.cost,
      eta: settings.eta,
      lambda: settings.lambda,
      momentum: settings.momentum,
      epochs: EPOCHS,
      batchSize: settings.batch,
      shuffle: true,
      rng,
      evaluationData: test,
      monitor: {
        trainingCost: true,
        trainingAccuracy: false,
        evaluationCost: true,
        evaluationAccuracy: true,
      },
      learningSpeedSamples: 0,
      onBatch: () => undefined,
      onEpoch: (event, checkpoint) => {
        writeCheckpoint(ckpt, settings, network, checkpoint());
        if (SAMPLE_AT.includes(event.epoch)) {
          gc();
          gc();
          const m = process.memoryUsage();
          heap.set(event.epoch, m.heapUsed);
          external.set(event.epoch, m.external + m.arrayBuffers);
        }
      },
    });
    expect(result.stopReason).toBe('completed');
    expect(result.history).toHaveLength(EPOCHS);
    expect(readCheckpoint(ckpt).trainer.epoch).toBe(EPOCHS);
    expect(JSON.parse(readFileSync(ckpt, 'utf8')).trainer.history).toHaveLength(EPOCHS);

    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;
    const h50 = heap.get(50) as number;
    const h200 = heap.get(200) as number;
    const x50 = external.get(50) as number;
    const x200 = external.get(200) as number;
    console.info(
      `long run: heapUsed ${SAMPLE_AT.map((e) => `epoch ${e} ${mb(heap.get(e) as number)}`).join(', ')}; growth 50→200 ${mb(h200 - h50)}, external ${mb(x200 - x50)}`,
    );
    expect(h200 - h50).toBeLessThan(BOUND);
    expect(x200 - x50).toBeLessThan(BOUND);
    // Nor a steady climb: the second half grows no more than the bound either.
    expect((heap.get(200) as number) - (heap.get(100) as number)).toBeLessThan(BOUND);
  });
});
