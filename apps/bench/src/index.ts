/**
 * `pnpm bench [name...] [--json] [--quick]`: runs the named benchmarks (all of
 * them when none is named) and prints a table, or JSON with `--json`.
 */
import { cpus } from 'node:os';
import { formatChapter3Table, runChapter3Bench } from './chapter3-rows.js';
import { formatCliTable, runCliBench, runFashionBench } from './cli-rows.js';
import {
  formatOptionsTable,
  formatThreadsTable,
  runOptionsBench,
  runThreadsBench,
} from './engine-rows.js';
import { formatGemmTable, runGemmBench } from './gemm.js';
import type { TimingOptions } from './timing.js';
import { formatTrainReport, runTrainBench } from './train.js';

interface Benchmark {
  readonly description: string;
  readonly run: (timing: TimingOptions) => Promise<unknown>;
  readonly format: (result: never) => string;
}

/** Every benchmark, by the name given on the command line. Add new ones here. */
const BENCHMARKS: Record<string, Benchmark> = {
  gemm: {
    description: 'GEMM GFLOP/s at training shapes: ours (f64, f32) vs naive loop vs tfjs-cpu',
    run: runGemmBench,
    format: formatGemmTable,
  },
  train: {
    description:
      'training epochs of workloads A and B: every MLISP path vs tfjs-cpu, tfjs-wasm and numpy',
    // --quick (3 repetitions) trains fewer epochs.
    run: (timing) => runTrainBench({ quick: timing.repetitions <= 3 }),
    format: formatTrainReport,
  },
  options: {
    description:
      '[784,100,10] relu + softmax/log-likelihood and sigmoid + momentum 0.9 beside sigmoid/cross-entropy on the same engine',
    run: () => runOptionsBench(),
    format: formatOptionsTable,
  },
  chapter3: {
    description:
      '[784,100,10] with dropout 0.5 and with --expand (expandShifted) beside the plain epoch on the same engine, per sample',
    run: (timing) => runChapter3Bench({ quick: timing.repetitions <= 3 }),
    format: formatChapter3Table,
  },
  threads: {
    description: "one thread, two, and threads 'auto' (measured per call) across network sizes",
    run: () => runThreadsBench(),
    format: formatThreadsTable,
  },
  cli: {
    description:
      '`mlisp train` with its default speed flags, workloads A and B: training and whole epochs vs numpy float32',
    run: (timing) => runCliBench({ quick: timing.repetitions <= 3 }),
    format: formatCliTable,
  },
  fashion: {
    description:
      'Fashion-MNIST 60k (dataset-fashion-mnist) [784,100,10] with default flags: whole epoch vs numpy float32, peak RSS',
    run: (timing) => runFashionBench({ quick: timing.repetitions <= 3 }),
    format: formatCliTable,
  },
};

const USAGE = `usage: pnpm bench [${Object.keys(BENCHMARKS).join('|')}]... [--json] [--quick]
  --json   print machine-readable results on stdout
  --quick  fewer, shorter repetitions (a smoke test, noisier figures)`;

async function main(argv: readonly string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const names = argv.filter((a) => !a.startsWith('--'));
  for (const flag of flags) {
    if (flag !== '--json' && flag !== '--quick' && flag !== '--help') {
      console.error(`unknown option ${flag}\n${USAGE}`);
      return 2;
    }
  }
  if (flags.has('--help')) {
    console.log(USAGE);
    return 0;
  }
  for (const name of names) {
    if (!(name in BENCHMARKS)) {
      console.error(`unknown benchmark '${name}'\n${USAGE}`);
      return 2;
    }
  }
  const selected = names.length > 0 ? names : Object.keys(BENCHMARKS);
  const timing: TimingOptions = flags.has('--quick')
    ? { warmupMs: 50, batchMs: 10, repetitions: 3 }
    : { warmupMs: 300, batchMs: 40, repetitions: 9 };
  const results: Record<string, unknown> = {};
  for (const name of selected) {
    const bench = BENCHMARKS[name] as Benchmark;
    const result = await bench.run(timing);
    results[name] = result;
    if (!flags.has('--json')) console.log(`${bench.format(result as never)}\n`);
  }
  if (flags.has('--json')) {
    const environment = {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      timing,
    };
    console.log(JSON.stringify({ environment, results }, null, 2));
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
