// `pnpm bench chapter3`: chapter 3's dropout 0.5 and expanded training data
// (`--expand`) on [784,100,10], each on the trainer's epoch engine beside the
// plain epoch of the same network, compared per training sample.
import { type Dataset, expandShifted, oneHotTargets } from '@mlisp/mnist';
import { loadBundledSync } from '@mlisp/mnist/node';
import { createNetwork, type Network } from '@mlisp/neurons';
import { Rng } from '@mlisp/tensor';
import { createEpochEngine, type EpochEngine } from '@mlisp/trainer';
import { collectGarbage, median } from './timing.js';
import { accuracyOf } from './train-setup.js';

/** One contender: its dropout probability and whether it trains on the expanded data. */
interface Chapter3Spec {
  readonly name: string;
  readonly dropout: number;
  readonly expand: boolean;
}

const SPECS: readonly Chapter3Spec[] = [
  { name: 'plain', dropout: 0, expand: false },
  { name: 'dropout 0.5', dropout: 0.5, expand: false },
  { name: '--expand (5x samples)', dropout: 0, expand: true },
];

/** One thread: the same work on a shared machine every run (threads 'auto' takes 2 at this size). */
const THREADS = 1;

/** Seconds per training epoch and per sample of one contender. */
export interface Chapter3Row {
  readonly name: string;
  readonly path: string;
  readonly threads: number;
  readonly samples: number;
  readonly secondsPerEpoch: number;
  readonly secondsPerSample: number;
  /** secondsPerSample over the plain row's (same run). */
  readonly ratio: number;
  /** Test accuracy (2004 digits) after `epochs` epochs. */
  readonly accuracy: number;
  readonly epochs: number;
}

interface Contender {
  readonly spec: Chapter3Spec;
  readonly network: Network;
  readonly engine: EpochEngine;
  readonly train: Dataset<Float32Array>;
  readonly targets: ReturnType<typeof oneHotTargets>;
  readonly seconds: number[];
}

/**
 * [784,100,10] sigmoid + cross-entropy, η = 0.5, λ = 5, mini-batches of 10,
 * float32, one thread, on the bundled 7996 training digits (39,980 with
 * `expandShifted`): one untimed epoch each (the engine copies the data into
 * its memory), then `rounds` timed epochs each, interleaved (the order
 * rotates every round), a full GC before each; the median is reported.
 */
export async function runChapter3Bench(options: { quick: boolean }): Promise<Chapter3Row[]> {
  const split = loadBundledSync({ dtype: 'float32' });
  const expanded = expandShifted(split.train);
  const rounds = options.quick ? 2 : 6;
  const contenders: Contender[] = await Promise.all(
    SPECS.map(async (spec) => {
      const train = spec.expand ? expanded : split.train;
      const network = createNetwork([784, 100, 10], { init: 'scaled', seed: 1, dtype: 'float32' });
      const engine = await createEpochEngine(network, {
        cost: 'cross-entropy',
        eta: 0.5,
        lambda: 5,
        dropout: spec.dropout,
        batchSize: 10,
        dtype: 'float32',
        threads: THREADS,
      });
      return { spec, network, engine, train, targets: oneHotTargets(train.labels), seconds: [] };
    }),
  );
  const rng = new Rng(3);
  for (let round = 0; round <= rounds; round++) {
    for (let q = 0; q < contenders.length; q++) {
      const c = contenders[(q + round) % contenders.length] as Contender;
      const order = rng.permutation(c.train.size);
      c.engine.setDropout(rng.int(2 ** 32), 0);
      await collectGarbage();
      const start = performance.now();
      c.engine.runEpoch(c.train.images, c.targets, order);
      if (round > 0) c.seconds.push((performance.now() - start) / 1000);
    }
  }
  const perSample = (c: Contender): number => median(c.seconds) / c.train.size;
  const base = perSample(contenders[0] as Contender);
  return contenders.map((c) => {
    c.engine.syncToNetwork();
    c.engine.close();
    return {
      name: c.spec.name,
      path: c.engine.path,
      threads: c.engine.threads,
      samples: c.train.size,
      secondsPerEpoch: median(c.seconds),
      secondsPerSample: perSample(c),
      ratio: perSample(c) / base,
      accuracy: accuracyOf(c.network, split.test.images, split.test.labels),
      epochs: rounds + 1,
    };
  });
}

/** The chapter 3 rows as a table, with the target (≤ 1.3x the plain epoch per sample). */
export function formatChapter3Table(rows: readonly Chapter3Row[]): string {
  const epochs = rows[0]?.epochs ?? 0;
  const lines = [
    '[784,100,10] sigmoid + cross-entropy, η = 0.5, λ = 5, mini-batches of 10, float32, on the epoch engine:',
    `training seconds per epoch (median of ${epochs - 1}, after one untimed epoch), per sample, ratio per sample to the plain epoch,`,
    `test accuracy after ${epochs} epochs. Target: ratio <= 1.3x.`,
    '',
    '| training | path | threads | samples | s/epoch | µs/sample | ratio | accuracy | target |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${r.path} | ${r.threads} | ${r.samples} | ${r.secondsPerEpoch.toFixed(3)} | ${(1e6 * r.secondsPerSample).toFixed(2)} | ${r.ratio.toFixed(2)}x | ${(100 * r.accuracy).toFixed(2)}% | ${r.ratio <= 1.3 ? 'pass' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}
