/**
 * `pnpm bench cli` and `pnpm bench fashion`: what a user of `mlisp train` gets
 * with its default speed flags (--precision f32, --threads auto), against
 * numpy float32's training-only epoch in the same run. `cli`: workloads A and
 * B on the bundled digits. `fashion`: Debian's Fashion-MNIST (60,000 + 10,000
 * images, `apt-get install dataset-fashion-mnist`) with [784,100,10] and
 * every other flag at its default, plus the run's peak resident memory.
 *
 * The two contenders run in alternation, several rounds each, and each side's
 * figure is the median over all its epochs: this machine's speed drifts by
 * tens of percent from minute to minute, and runs back to back would compare
 * two different machines.
 */
import { existsSync } from 'node:fs';
import { median } from './timing.js';
import { type CliRun, cliFlags, cliScript, runCliArgs } from './train-cli.js';
import {
  hasNumpy,
  type NumpyRun,
  numpyPeerScript,
  runNumpyPeer,
  writeIdxFolder,
} from './train-numpy.js';
import { loadTrainData, WORKLOAD_A, WORKLOAD_B, type Workload } from './train-setup.js';

/** Where Debian's dataset-fashion-mnist installs the four IDX files. */
export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

const SEED = 1;
const NO_NUMPY =
  'numpy peer skipped: python3 with numpy, or numpy_peer.py ($MLISP_NUMPY_PEER, else shared/bench/ beside the repository), not found';

/** One `mlisp train` run beside numpy float32's training epochs on the same data. */
export interface CliRow {
  readonly name: string;
  /** Median training seconds per epoch (the epoch events' `seconds`, from epoch 2 on). */
  readonly trainingSeconds: number;
  /** Median seconds between epoch events: training plus the per-epoch test evaluation. */
  readonly wholeEpochSeconds: number;
  /** Median training-only seconds per epoch of numpy float32 as it runs by default (NaN without numpy). */
  readonly numpyF32Seconds: number;
  /** The same with OPENBLAS_NUM_THREADS=1 (on a noisy 2-core machine often the faster of the two). */
  readonly numpyF32OneThreadSeconds: number;
  /** Whole epoch / numpy float32 training epoch (default threads: the target's peer). */
  readonly ratio: number;
  /** Whole epoch / the faster of numpy's two configurations. */
  readonly ratioBest: number;
  /** The target of the ratio (issue 13). */
  readonly target: number;
  readonly accuracy: number;
  readonly numpyAccuracy: number;
  /** Peak resident memory in bytes (NaN when not measured). */
  readonly peakBytes: number;
}

/** The result of `pnpm bench cli` or `pnpm bench fashion`. */
export interface CliBench {
  readonly rows: CliRow[];
  readonly notes: string[];
}

/** numpy float32 runs of the workload: by default, and on one OpenBLAS thread. */
interface NumpyPair {
  readonly defaultThreads: NumpyRun;
  readonly oneThread: NumpyRun;
}

function numpyRun(dir: string, workload: string, epochs: number): NumpyPair | undefined {
  const script = numpyPeerScript();
  if (script === undefined || !hasNumpy()) return undefined;
  return {
    defaultThreads: runNumpyPeer(script, dir, workload, epochs, SEED, 'float32'),
    oneThread: runNumpyPeer(script, dir, workload, epochs, SEED, 'float32', 1),
  };
}

/** Both contenders' runs. */
interface Runs {
  cli: CliRun[];
  numpy: NumpyPair[];
}

/** The runs of both contenders, `rounds` times in alternation (mlisp first). */
async function alternate(
  rounds: number,
  cli: () => Promise<CliRun>,
  numpy: () => NumpyPair | undefined,
): Promise<Runs> {
  const runs: Runs = { cli: [], numpy: [] };
  for (let r = 0; r < rounds; r++) {
    runs.cli.push(await cli());
    const peer = numpy();
    if (peer !== undefined) runs.numpy.push(peer);
  }
  return runs;
}

function numpyMedian(runs: Runs, pick: (p: NumpyPair) => NumpyRun): number {
  return runs.numpy.length === 0 ? Number.NaN : median(runs.numpy.flatMap((p) => pick(p).epoch_s));
}

function rowOf(name: string, runs: Runs, target: number): CliRow {
  const whole = median(runs.cli.flatMap((r) => r.wallSeconds));
  const numpyF32Seconds = numpyMedian(runs, (p) => p.defaultThreads);
  const numpyF32OneThreadSeconds = numpyMedian(runs, (p) => p.oneThread);
  const last = runs.cli[runs.cli.length - 1] as CliRun;
  return {
    name,
    // From epoch 2 on, as the whole epochs: the first also loads the data and warms the code up.
    trainingSeconds: median(runs.cli.flatMap((r) => r.trainingSeconds.slice(1))),
    wholeEpochSeconds: whole,
    numpyF32Seconds,
    numpyF32OneThreadSeconds,
    ratio: whole / numpyF32Seconds,
    ratioBest: whole / Math.min(numpyF32Seconds, numpyF32OneThreadSeconds),
    target,
    accuracy: last.accuracy,
    numpyAccuracy: runs.numpy[runs.numpy.length - 1]?.defaultThreads.accuracy ?? Number.NaN,
    peakBytes: Math.max(...runs.cli.map((r) => r.peakBytes)),
  };
}

function requireCli(): string {
  const script = cliScript();
  if (script === undefined) throw new Error('apps/cli/dist/cli.js is not built: run pnpm build');
  return script;
}

/** `pnpm bench cli`: `mlisp train` defaults on workloads A and B (target: whole epoch ≤ 0.8x numpy f32's training). */
export async function runCliBench(options: { quick?: boolean } = {}): Promise<CliBench> {
  const script = requireCli();
  const epochs = options.quick === true ? 3 : 6;
  const rounds = options.quick === true ? 1 : 9;
  const data = loadTrainData();
  const idx = await writeIdxFolder(data);
  const rows: CliRow[] = [];
  const notes: string[] = [];
  for (const w of [WORKLOAD_A, WORKLOAD_B] as Workload[]) {
    const runs = await alternate(
      rounds,
      () => runCliArgs(script, cliFlags(w, epochs, SEED)),
      () => numpyRun(idx, w.name, 3),
    );
    if (runs.numpy.length === 0 && !notes.includes(NO_NUMPY)) notes.push(NO_NUMPY);
    rows.push(rowOf(`mlisp train, workload ${w.name}`, runs, 0.8));
  }
  notes.push(
    `\`mlisp train --json\` with the workload's network and hyper-parameters and the default speed flags (--precision f32, --threads auto), ${epochs} epochs on the bundled 7996/2004 digits, and numpy_peer.py (3 epochs; once as it runs by default, once with OPENBLAS_NUM_THREADS=1), in alternation ${rounds} times; medians over all epochs. ` +
      '"whole epoch" is the time between its epoch events (training plus the test cost and accuracy it prints), from epoch 2 on.',
  );
  return { rows, notes };
}

/** `pnpm bench fashion`: Fashion-MNIST 60k, [784,100,10], default flags (target: whole epoch ≤ numpy f32's training epoch, peak RSS < 500 MB). */
export async function runFashionBench(options: { quick?: boolean } = {}): Promise<CliBench> {
  if (!existsSync(FASHION_DIR)) {
    return {
      rows: [],
      notes: [
        `skipped: install dataset-fashion-mnist (apt-get install dataset-fashion-mnist puts the files in ${FASHION_DIR})`,
      ],
    };
  }
  const script = requireCli();
  const epochs = options.quick === true ? 2 : 3;
  const rounds = options.quick === true ? 1 : 5;
  const runs = await alternate(
    rounds,
    () =>
      runCliArgs(script, [
        'train',
        ...['--data', FASHION_DIR, '--sizes', '784,100,10', '--epochs', String(epochs), '--json'],
      ]),
    // numpy's workload B is the same run: [784,100,10], cross-entropy, η 0.5, λ 5, mini-batches of 10.
    () => numpyRun(FASHION_DIR, 'B', 2),
  );
  const notes = [
    `\`mlisp train --data ${FASHION_DIR} --sizes 784,100,10 --epochs ${epochs} --json\` (every other flag at its default), against numpy_peer.py workload B (the same network and hyper-parameters, 2 epochs) in float32 (once by default, once with OPENBLAS_NUM_THREADS=1), in alternation ${rounds} times; medians over all epochs. Peak RSS of the whole mlisp process (GNU time; the largest of the runs).`,
  ];
  if (runs.numpy.length === 0) notes.push(NO_NUMPY);
  return { rows: [rowOf('Fashion-MNIST 60k [784,100,10]', runs, 1)], notes };
}

/** The table of {@link runCliBench} / {@link runFashionBench}. */
export function formatCliTable(bench: CliBench): string {
  const lines = [
    '| run | training s/epoch | whole epoch s | numpy f32 training s/epoch | ratio | target | numpy f32 1 thread | ratio to faster numpy | accuracy (numpy f32) | peak RSS |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const r of bench.rows) {
    const pass = r.ratio <= r.target;
    const rss = Number.isNaN(r.peakBytes) ? '-' : `${(r.peakBytes / 1e6).toFixed(0)} MB`;
    lines.push(
      `| ${r.name} | ${r.trainingSeconds.toFixed(3)} | ${r.wholeEpochSeconds.toFixed(3)} | ${r.numpyF32Seconds.toFixed(3)} | ${r.ratio.toFixed(2)}x | ≤ ${r.target}x: ${Number.isNaN(r.ratio) ? '-' : pass ? 'pass' : 'FAIL'} | ${r.numpyF32OneThreadSeconds.toFixed(3)} | ${r.ratioBest.toFixed(2)}x | ${(100 * r.accuracy).toFixed(2)}% (${(100 * r.numpyAccuracy).toFixed(2)}%) | ${rss} |`,
    );
  }
  if (bench.rows.length === 0) lines.length = 0;
  return [...lines, '', ...bench.notes.map((n) => `- ${n}`)].join('\n').trim();
}
