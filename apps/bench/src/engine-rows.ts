// `pnpm bench options` and `pnpm bench threads`: the WebAssembly engine on
// networks beyond workload B's sigmoid/cross-entropy (relu + softmax, momentum),
// and one thread, two and threads 'auto' across network sizes.
import { createNetwork, type Network } from '@mlisp/neurons';
import { Rng } from '@mlisp/tensor';
import { autoThreads, createEpochEngine, type EpochEngine, inputDensity } from '@mlisp/trainer';
import { collectGarbage, median } from './timing.js';
import { accuracyOf, loadTrainData } from './train-setup.js';

/** One network and its settings, trained on the same engine as the others. */
interface OptionSpec {
  readonly name: string;
  readonly hidden: 'sigmoid' | 'relu';
  readonly output: 'sigmoid' | 'softmax';
  readonly cost: 'cross-entropy' | 'log-likelihood';
  readonly eta: number;
  readonly momentum: number;
}

const OPTION_SPECS: readonly OptionSpec[] = [
  {
    name: 'sigmoid + cross-entropy',
    hidden: 'sigmoid',
    output: 'sigmoid',
    cost: 'cross-entropy',
    eta: 0.5,
    momentum: 0,
  },
  {
    name: 'relu + softmax/log-likelihood',
    hidden: 'relu',
    output: 'softmax',
    cost: 'log-likelihood',
    eta: 0.1,
    momentum: 0,
  },
  {
    name: 'sigmoid + momentum 0.9',
    hidden: 'sigmoid',
    output: 'sigmoid',
    cost: 'cross-entropy',
    eta: 0.05,
    momentum: 0.9,
  },
];

/** Seconds per training epoch and accuracy of one network on the engine. */
export interface OptionRow {
  readonly name: string;
  readonly dtype: 'float32' | 'float64';
  readonly path: string;
  readonly medianSeconds: number;
  /** medianSeconds over the sigmoid/cross-entropy row's of the same dtype. */
  readonly ratio: number;
  /** Test accuracy (2004 digits) after `epochs` epochs. */
  readonly accuracy: number;
  readonly epochs: number;
}

/** Epochs before the accuracy is taken (the target's). */
const EPOCHS = 4;
/** Epochs timed: each network's epochs 2 to 8, interleaved with the others'. */
const TIMED_EPOCHS = 8;

/**
 * [784,100,10], mini-batches of 10, λ = 5, one thread, each network on the
 * same engine (default path and zero-skipping), float32 and float64: 4
 * epochs each for the accuracy, 8 for the time, interleaved epoch by epoch,
 * a full GC before each; the median of epochs 2–8 (the first also copies
 * the data in).
 */
export async function runOptionsBench(): Promise<OptionRow[]> {
  const data = loadTrainData();
  const rows: OptionRow[] = [];
  for (const dtype of ['float32', 'float64'] as const) {
    const runs = await Promise.all(
      OPTION_SPECS.map(async (spec) => {
        const network = createNetwork([784, 100, 10], {
          init: 'scaled',
          seed: 1,
          dtype,
          activation: spec.hidden,
          outputActivation: spec.output,
        });
        const engine = await createEpochEngine(network, {
          cost: spec.cost,
          eta: spec.eta,
          lambda: 5,
          momentum: spec.momentum,
          batchSize: 10,
          dtype,
          threads: 1,
        });
        return { spec, network, engine, seconds: [] as number[], accuracy: Number.NaN };
      }),
    );
    const rng = new Rng(1);
    for (let e = 0; e < TIMED_EPOCHS; e++) {
      const order = rng.permutation(data.inputs.rows);
      for (let q = 0; q < runs.length; q++) {
        const run = runs[(q + e) % runs.length] as (typeof runs)[number];
        await collectGarbage();
        const start = performance.now();
        run.engine.runEpoch(data.inputs, data.targets, order);
        // The first epoch also copies the training set into the engine and warms the code up.
        if (e > 0) run.seconds.push((performance.now() - start) / 1000);
        if (e === EPOCHS - 1) {
          run.engine.syncToNetwork();
          run.accuracy = accuracyOf(run.network, data.testInputs, data.testLabels);
        }
      }
    }
    const base = median(runs[0]?.seconds ?? []);
    for (const run of runs) {
      run.engine.close();
      const s = median(run.seconds);
      rows.push({
        name: run.spec.name,
        dtype,
        path: run.engine.path,
        medianSeconds: s,
        ratio: s / base,
        accuracy: run.accuracy,
        epochs: EPOCHS,
      });
    }
  }
  return rows;
}

/** The options rows as a table, with the targets (≤ 1.3x, ≥ 90%). */
export function formatOptionsTable(rows: readonly OptionRow[]): string {
  const lines = [
    '[784,100,10] on the WebAssembly engine, one thread, mini-batches of 10, λ = 5: training seconds per epoch',
    `(median of epochs 2–${TIMED_EPOCHS}, interleaved), ratio to sigmoid + cross-entropy, test accuracy after ${EPOCHS} epochs. Targets: ratio <= 1.3x, accuracy >= 90%.`,
    '',
    '| network | dtype | path | s/epoch | ratio | accuracy | target |',
    '| --- | --- | --- | ---: | ---: | ---: | --- |',
  ];
  for (const r of rows) {
    const pass = r.ratio <= 1.3 && r.accuracy >= 0.9;
    lines.push(
      `| ${r.name} | ${r.dtype} | ${r.path} | ${r.medianSeconds.toFixed(3)} | ${r.ratio.toFixed(2)}x | ${(100 * r.accuracy).toFixed(2)}% | ${pass ? 'pass' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}

/** One network size on one and two threads. */
export interface ThreadsRow {
  readonly sizes: readonly number[];
  readonly batchSize: number;
  /** Multiply-adds per mini-batch the kernels run: batchSize · (density · 784·n_1 + n_1·10), density of the bundled digits. */
  readonly work: number;
  readonly oneThread: number;
  readonly twoThreads: number;
  /** The most threads 'auto' uses for the size. */
  readonly autoMost: number;
  /** Seconds per epoch with threads 'auto' (1 or 2 per call, as measured). */
  readonly auto: number;
}

const THREAD_SIZES: readonly [number, number][] = [
  [30, 10],
  [50, 10],
  [64, 10],
  [100, 10],
  [200, 10],
  [30, 32],
];

/** Seconds per epoch (float32, default path) on one and on two threads for each size, interleaved. */
export async function runThreadsBench(): Promise<ThreadsRow[]> {
  const data = loadTrainData();
  const density = inputDensity(data.inputs, 'float32');
  const rows: ThreadsRow[] = [];
  for (const [hidden, batchSize] of THREAD_SIZES) {
    const sizes = [784, hidden, 10];
    const make = (threads: number | 'auto'): Promise<EpochEngine> =>
      createEpochEngine(
        createNetwork(sizes, { init: 'scaled', seed: 1, dtype: 'float32' }) as Network,
        {
          cost: 'cross-entropy',
          eta: 0.5,
          lambda: 5,
          batchSize,
          threads,
          inputDensity: density,
        },
      );
    const engines = [await make(1), await make(2), await make('auto')];
    const seconds: number[][] = [[], [], []];
    const rng = new Rng(2);
    // Calls of 25 mini-batches, as the training loop makes them ('auto' chooses per call).
    const chunk = 25 * batchSize;
    for (let e = 0; e < 6; e++) {
      const order = rng.permutation(data.inputs.rows);
      for (let i = 0; i < 3; i++) {
        const k = (i + e) % 3;
        await collectGarbage();
        const start = performance.now();
        for (let s = 0; s < order.length; s += chunk) {
          engines[k]?.runEpoch(data.inputs, data.targets, order.subarray(s, s + chunk));
        }
        if (e > 0) seconds[k]?.push((performance.now() - start) / 1000);
      }
    }
    for (const engine of engines) engine.close();
    rows.push({
      sizes,
      batchSize,
      work: Math.round(batchSize * (784 * hidden * density + hidden * 10)),
      oneThread: median(seconds[0] ?? []),
      twoThreads: median(seconds[1] ?? []),
      autoMost: autoThreads(sizes, batchSize, density),
      auto: median(seconds[2] ?? []),
    });
  }
  return rows;
}

/** The threads rows as a table. */
export function formatThreadsTable(rows: readonly ThreadsRow[]): string {
  const lines = [
    "One thread, two, and threads 'auto' (float32, cross-entropy): seconds per training epoch in calls of 25 mini-batches (median of 5, interleaved).",
    "threads 'auto' starts a second thread from 200,000 multiply-adds (the first layer's at the digits' density) per mini-batch (TWO_THREAD_MIN_WORK), then runs each call on 1 or 2, whichever measured faster.",
    '',
    '| sizes | batch | multiply-adds/batch run (first layer at the digits’ density) | 1 thread | 2 threads | 2t/1t | auto (most threads) | auto/1t |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| [${r.sizes.join(',')}] | ${r.batchSize} | ${r.work.toLocaleString('en-US')} | ${r.oneThread.toFixed(3)} | ${r.twoThreads.toFixed(3)} | ${(r.twoThreads / r.oneThread).toFixed(2)} | ${r.auto.toFixed(3)} (${r.autoMost}) | ${(r.auto / r.oneThread).toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}
