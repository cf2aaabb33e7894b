import { Rng } from '@mlisp/tensor';
import { collectGarbage, median } from './timing.js';
import { type CliRun, cliScript, runCli } from './train-cli.js';
import { createEngine, type EngineSpec, engineSpecs, loadFastEngine } from './train-engines.js';
import { targetChecks } from './train-format.js';
import { hasNumpy, numpyPeerScript, runNumpyPeer, writeIdxFolder } from './train-numpy.js';
import { runScaling, type ScalingRow } from './train-scaling.js';
import {
  accuracyOf,
  epochFlops,
  loadTrainData,
  type TrainData,
  WORKLOAD_A,
  WORKLOAD_B,
  type Workload,
  workloadNetwork,
} from './train-setup.js';
import { createTfjsTrainer, useTfjsBackend } from './train-tfjs.js';

export { formatTrainReport } from './train-format.js';

/** Seconds per epoch and accuracy of one contender on one workload. */
export interface TrainRow {
  readonly name: string;
  /** 'cli': the `mlisp train` command, which trains through the same engine (not in the targets). */
  readonly kind: 'mlisp' | 'peer' | 'cli';
  readonly epochs: number;
  readonly seconds: readonly number[];
  readonly medianSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly gflops: number;
  /** Test accuracy (2004 digits) after `accuracyEpochs` epochs. */
  readonly accuracy: number;
  readonly accuracyEpochs: number;
  /** True when the path needs a runtime flag (relaxed SIMD on Node 20). */
  readonly flagged: boolean;
  /** True when the wasm kernels skipped the all-zero parts of the inputs (not judged by the targets). */
  readonly skipZeros: boolean;
}

/** Every row of one workload. */
export interface WorkloadResult {
  readonly workload: Workload;
  readonly gflopPerEpoch: number;
  readonly rows: readonly TrainRow[];
  readonly notes: readonly string[];
}

/** The whole `train` benchmark. */
export interface TrainReport {
  readonly workloads: readonly WorkloadResult[];
  readonly scaling: readonly ScalingRow[];
  /** The targets, checked against these figures. */
  readonly targets: readonly { name: string; pass: boolean; observed: string }[];
}

const SEED = 1;

interface Plan {
  /** Timed epochs of every MLISP path (after one untimed warm-up epoch). */
  readonly epochs: number;
  readonly tfjsCpuEpochs: number;
  readonly tfjsWasmEpochs: number;
  /** Numpy peer runs (interleaved with the rounds) and epochs per run. */
  readonly numpyEpochs: number;
  /** Epochs of the one `mlisp train` run (in the first round). */
  readonly cliEpochs: number;
}

function row(
  name: string,
  kind: TrainRow['kind'],
  seconds: number[],
  flops: number,
  accuracy: number,
  accuracyEpochs: number,
  flagged = false,
  skipZeros = false,
): TrainRow {
  const medianSeconds = median(seconds);
  return {
    name,
    kind,
    epochs: seconds.length,
    seconds,
    medianSeconds,
    minSeconds: Math.min(...seconds),
    maxSeconds: Math.max(...seconds),
    gflops: flops / medianSeconds / 1e9,
    accuracy,
    accuracyEpochs,
    flagged,
    skipZeros,
  };
}

async function runWorkload(
  w: Workload,
  data: TrainData,
  plan: Plan,
  idxDir: string | undefined,
): Promise<WorkloadResult> {
  const fast = await loadFastEngine();
  const flops = epochFlops(w.sizes, data.inputs.rows, w.batchSize);
  const rng = new Rng(SEED);
  const orders = Array.from({ length: plan.epochs + 1 }, () => rng.permutation(data.inputs.rows));
  const specs = engineSpecs(fast);
  const engines = await Promise.all(
    specs.map(async (spec) => {
      const network = workloadNetwork(w, SEED);
      return {
        spec,
        network,
        engine: await createEngine(fast, spec, w, network),
        seconds: [] as number[],
      };
    }),
  );
  const notes: string[] = [];
  for (const e of engines) e.engine.runEpoch(data.inputs, data.targets, orders[0] as Int32Array);

  // One tfjs model per backend, each made (and always run) with its backend active,
  // so that no tensor moves between backends inside a timed epoch.
  await useTfjsBackend('wasm');
  const tfjsWasm = createTfjsTrainer(w, workloadNetwork(w, SEED), data.inputs, data.targets);
  await useTfjsBackend('cpu');
  const tfjsCpu = createTfjsTrainer(w, workloadNetwork(w, SEED), data.inputs, data.targets);
  const cpuSeconds: number[] = [];
  const wasmSeconds: number[] = [];
  const numpy64: number[] = [];
  const numpy32: number[] = [];
  let numpyAccuracy = { f64: Number.NaN, f32: Number.NaN };
  const script = numpyPeerScript();
  const cli = cliScript();
  let cliRun: CliRun | undefined;

  // Interleaved rounds: one epoch of every MLISP path (order rotating), then the peers' turns.
  for (let r = 0; r < plan.epochs; r++) {
    const order = orders[r + 1] as Int32Array;
    for (let q = 0; q < engines.length; q++) {
      const e = engines[(q + r) % engines.length] as (typeof engines)[number];
      await collectGarbage();
      const start = performance.now();
      e.engine.runEpoch(data.inputs, data.targets, order);
      e.seconds.push((performance.now() - start) / 1000);
    }
    if (r < plan.tfjsWasmEpochs) {
      await useTfjsBackend('wasm');
      await collectGarbage();
      wasmSeconds.push(await tfjsWasm.epoch(order));
    }
    if (r < plan.tfjsCpuEpochs) {
      await useTfjsBackend('cpu');
      await collectGarbage();
      cpuSeconds.push(await tfjsCpu.epoch(order));
    }
    if (script !== undefined && idxDir !== undefined && r < 2) {
      const f64 = runNumpyPeer(script, idxDir, w.name, plan.numpyEpochs, SEED, 'float64');
      const f32 = runNumpyPeer(script, idxDir, w.name, plan.numpyEpochs, SEED, 'float32');
      numpy64.push(...f64.epoch_s);
      numpy32.push(...f32.epoch_s);
      numpyAccuracy = { f64: f64.accuracy, f32: f32.accuracy };
      if (r === 0)
        notes.push(`numpy ${f64.numpy} (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for it)`);
    }
    if (r === 0 && cli !== undefined) cliRun = await runCli(cli, w, plan.cliEpochs, SEED);
  }
  await useTfjsBackend('wasm');
  const wasmAccuracy = tfjsWasm.accuracy(data.testInputs, data.testLabels);
  tfjsWasm.dispose();
  await useTfjsBackend('cpu');
  const cpuAccuracy = tfjsCpu.accuracy(data.testInputs, data.testLabels);
  tfjsCpu.dispose();

  const rows: TrainRow[] = engines.map((e) => {
    e.engine.syncToNetwork();
    e.engine.close();
    const accuracy = accuracyOf(e.network, data.testInputs, data.testLabels);
    return row(
      e.spec.name,
      'mlisp',
      e.seconds,
      flops,
      accuracy,
      plan.epochs + 1,
      e.spec.flagged,
      e.spec.skipZeros,
    );
  });
  rows.push(row('tfjs-cpu', 'peer', cpuSeconds, flops, cpuAccuracy, cpuSeconds.length));
  rows.push(row('tfjs-wasm', 'peer', wasmSeconds, flops, wasmAccuracy, wasmSeconds.length));
  if (numpy64.length > 0) {
    rows.push(row('numpy f64', 'peer', numpy64, flops, numpyAccuracy.f64, plan.numpyEpochs));
    rows.push(row('numpy f32', 'peer', numpy32, flops, numpyAccuracy.f32, plan.numpyEpochs));
  } else {
    notes.push('numpy peer skipped: python3 with numpy or shared/bench/numpy_peer.py not found');
  }
  if (cliRun === undefined) {
    notes.push('mlisp train skipped: apps/cli/dist/cli.js not built (pnpm build)');
  } else {
    const { trainingSeconds, wallSeconds, accuracy, epochs } = cliRun;
    rows.push(row('cli: training', 'cli', trainingSeconds, flops, accuracy, epochs, false, true));
    rows.push(row('cli: whole epoch', 'cli', wallSeconds, flops, accuracy, epochs, false, true));
    notes.push(
      `cli = \`mlisp train --json\` with its defaults (--precision f32, zero-skipping, --threads auto); "training" is its epoch events' seconds, ` +
        '"whole epoch" the time between epoch events (training plus the test cost and accuracy it prints)',
    );
  }
  return { workload: w, gflopPerEpoch: flops / 1e9, rows, notes };
}

/** Specs of the scaling table: the fastest flag-free path on one thread and on both cores. */
function scalingSpecs(specs: readonly EngineSpec[]): EngineSpec[] {
  return specs.filter((s) => s.path === 'wasm-simd' && s.dtype === 'float32' && !s.skipZeros);
}

/**
 * `pnpm bench train`: workloads A and B on the bundled digits with every
 * MLISP path and the peers (tfjs cpu and wasm, numpy when present), then the
 * scaling table.
 *
 * @param options - `quick` runs fewer epochs (a smoke test)
 */
export async function runTrainBench(options: { quick?: boolean } = {}): Promise<TrainReport> {
  await loadFastEngine(); // fails first, with a clear message, if @mlisp/trainer lacks the engine
  const data = loadTrainData();
  const quick = options.quick === true;
  const idxDir =
    numpyPeerScript() !== undefined && hasNumpy() ? await writeIdxFolder(data) : undefined;
  const workloads: WorkloadResult[] = [];
  workloads.push(
    await runWorkload(
      WORKLOAD_A,
      data,
      {
        epochs: quick ? 2 : 6,
        tfjsCpuEpochs: quick ? 1 : 2,
        tfjsWasmEpochs: quick ? 1 : 6,
        numpyEpochs: 3,
        cliEpochs: quick ? 2 : 5,
      },
      idxDir,
    ),
  );
  workloads.push(
    await runWorkload(
      WORKLOAD_B,
      data,
      {
        epochs: quick ? 2 : 6,
        tfjsCpuEpochs: 1,
        tfjsWasmEpochs: quick ? 1 : 5,
        numpyEpochs: 3,
        cliEpochs: quick ? 2 : 4,
      },
      idxDir,
    ),
  );
  const fast = await loadFastEngine();
  const scaling = await runScaling(fast, scalingSpecs(engineSpecs(fast)), data, quick ? 1 : 2);
  const report = { workloads, scaling, targets: [] };
  return { ...report, targets: targetChecks(report) };
}
