/** `mlisp train`: train a network on MNIST digits, with progress, checkpoints and a summary. */
import { CLASSES, IMAGE_PIXELS } from '@mlisp/mnist';
import type { Command } from 'commander';
import { WriteFailedError } from '../atomic.js';
import { type Checkpoint, readCheckpoint } from '../checkpoint.js';
import { describeData, loadData } from '../data.js';
import { ExitCode, RunError, UsageError } from '../errors.js';
import { MAX_THREADS, readFlags } from '../flags.js';
import { writeHistory } from '../history.js';
import { writeModel } from '../model-file.js';
import { eprintln, type Io, printJson, println } from '../output.js';
import {
  COST_NOTE,
  EpochProgress,
  epochHeader,
  type FigureColumn,
  formatEpochLine,
} from '../progress.js';
import { exitCodeOfSignal, onStopSignals } from '../signals.js';
import { prepareTrainFiles, type TrainFiles } from '../train-files.js';
import { printSummary } from '../train-report.js';
import type { EpochRecord, RunOutput, TrainData } from '../train-run.js';
import {
  checkFit,
  describeSettings,
  type TrainFlags,
  type TrainSettings,
} from '../train-settings.js';
import { prepareStart } from '../train-start.js';
import { TRAIN_HELP } from './train-help.js';

const FLAG_KEYS = [
  'sizes',
  'activation',
  'output',
  'cost',
  'eta',
  'lambda',
  'momentum',
  'epochs',
  'batch',
  'seed',
  'init',
  'data',
  'train',
  'test',
  'out',
  'checkpoint',
  'resume',
  'threads',
  'precision',
  'preset',
  'validation',
  'earlyStop',
  'etaSchedule',
  'history',
  'regularization',
  'dropout',
] as const;

/** Adds `mlisp train` to the program. */
export function registerTrain(program: Command, io: Io): void {
  program
    .command('train')
    .description('train a network on MNIST digits (with no flags: the main job of the README)')
    .option(
      '--preset <name>',
      "the book's settings: ch1 ([784,30,10], quadratic, η 3, λ 0, normal init) or ch3 ([784,100,10], cross-entropy, η 0.5, λ 5); other flags override them",
    )
    .option('--sizes <list>', 'layer sizes, inputs first (default 784,30,10)')
    .option(
      '--activation <name>',
      'hidden layers: sigmoid, tanh, relu, leaky-relu, linear (default sigmoid)',
    )
    .option(
      '--output <name>',
      'output layer: sigmoid, softmax (default sigmoid; either of --output softmax and --cost log-likelihood brings the other)',
    )
    .option(
      '--cost <name>',
      'quadratic, cross-entropy, log-likelihood (default cross-entropy; log-likelihood with softmax)',
    )
    .option('--eta <number>', 'learning rate η > 0 (default 0.5)')
    .option('--lambda <number>', 'regularisation parameter λ ≥ 0 (default 5)')
    .option(
      '--regularization <l2|l1>',
      "the term λ weighs: l2 (λ/2n)·Σw², weight decay (default), or l1 (λ/n)·Σ|w| (the book's eq. (95))",
    )
    .option(
      '--dropout <p>',
      'drop each hidden neuron with probability p while training (inverted dropout, seeded; the book uses 0.5; default 0)',
    )
    .option('--momentum <number>', 'momentum μ in [0, 1) (default 0)')
    .option('--epochs <n>', 'epochs to train (default 30)')
    .option('--batch <n>', 'mini-batch size (default 10)')
    .option('--seed <n>', 'seed of the random generator: weights and shuffles (default 1)')
    .option(
      '--init <name|file>',
      'normal, scaled, xavier, he, or a model file to start from (default scaled)',
    )
    .option('--no-shuffle', 'take the training samples in order every epoch')
    .option(
      '--data <bundled|dir>',
      'bundled digits, or a folder with the four MNIST IDX files (default bundled)',
    )
    .option('--train <n>', 'use the first N training samples (only those are read)')
    .option('--test <n>', 'use the first N test samples (only those are read)')
    .option(
      '--validation <n>',
      'hold out the last N training samples as validation data: epochs are scored on them, the test set at the end only',
    )
    .option('--monitor-test', 'with --validation: score the test set after every epoch too')
    .option(
      '--early-stop <n>',
      "stop after N epochs without a better validation accuracy (test accuracy without --validation) and keep the best epoch's model",
    )
    .option(
      '--eta-schedule <n>',
      'halve η after N epochs without a better validation (or test) accuracy; stop once η is 1/128 of its start',
    )
    .option(
      '--expand',
      "train on the book's expanded data: each image also shifted one pixel up, down, left and right (5x)",
    )
    .option(
      '--precision <f32|f64>',
      'numbers the network trains in: f32 (default; fast, accuracy equal to f64 within noise) or f64 (the reference, equal to network.py)',
    )
    .option('--out <file>', 'save the trained model (JSON) to FILE')
    .option('--checkpoint <file>', 'save model and trainer state to FILE after every epoch')
    .option(
      '--history <file.csv>',
      'write one CSV row per epoch with every figure of the epoch events',
    )
    .option('--no-checkpoint', 'with --resume: do not update the checkpoint resumed from')
    .option(
      '--resume <file>',
      'continue the run saved in a checkpoint FILE (and keep checkpointing to it)',
    )
    .option(
      '--threads <n|auto>',
      `threads that share the engine's work: auto (for networks big enough, both threads or the faster core alone, as measured) or 1 to ${MAX_THREADS}; results do not depend on it (default auto)`,
    )
    .option('--json', 'print one JSON object per epoch and one at the end, nothing else')
    .option('-q, --quiet', 'no drawn test digits in the summary')
    .addHelpText('after', TRAIN_HELP)
    .action(async (opts: Record<string, unknown>) => {
      await train(io, opts);
    });
}

/** The table's figure columns for these settings. */
function columnsOf(settings: TrainSettings): FigureColumn[] {
  if (settings.validation === null) return ['batchCost', 'testCost', 'testAccuracy'];
  return [
    'batchCost',
    'validationCost',
    'validationAccuracy',
    ...(settings.monitorTest ? (['testCost', 'testAccuracy'] as const) : []),
  ];
}

/** Loads the data and splits off the validation set; expands the training set with --expand. */
async function prepareData(settings: TrainSettings): Promise<TrainData> {
  const split = await loadData(settings.data, {
    train: settings.train ?? undefined,
    test: settings.test ?? undefined,
    dtype: settings.precision === 'f32' ? 'float32' : 'float64',
  });
  checkFit(settings, split.train.size, IMAGE_PIXELS, CLASSES);
  const { splitTraining } = await import('../train-run.js');
  return { ...splitTraining(split.train, settings), test: split.test };
}

/** The trainer's failures as the CLI's: a network it cannot train is a usage error, divergence a run error. */
async function cliError(error: unknown, settings: TrainSettings): Promise<unknown> {
  const { DivergenceError, UntrainableNetworkError } = await import('@mlisp/trainer');
  if (error instanceof UntrainableNetworkError) return new UsageError(error.message);
  if (error instanceof DivergenceError) {
    const message = error.message.replace(/;? try a smaller eta\.?$/, '');
    return new RunError(`${message}; try a smaller --eta (now ${settings.eta})`);
  }
  return error;
}

async function train(io: Io, opts: Record<string, unknown>): Promise<void> {
  const started = performance.now();
  const flags = readFlags(
    opts.checkpoint === false ? { ...opts, checkpoint: undefined } : opts,
    FLAG_KEYS,
  );
  const resumed = flags.resume === undefined ? null : readCheckpoint(flags.resume);
  const files = prepareTrainFiles(flags, opts.checkpoint === false);
  try {
    await trainWith(io, opts, flags, resumed, files, started);
  } finally {
    files.release();
  }
}

async function trainWith(
  io: Io,
  opts: Record<string, unknown>,
  flags: ReturnType<typeof readFlags<(typeof FLAG_KEYS)[number]>>,
  resumed: Checkpoint | null,
  files: TrainFiles,
  started: number,
): Promise<void> {
  const json = opts.json === true;
  const outPath = files.out;
  const checkpointPath = files.checkpoint;
  const historyPath = flags.history ?? null;
  const threads = flags.threads ?? 'auto';
  const trainFlags: TrainFlags = {
    ...flags,
    ...(opts.shuffle === false ? { shuffle: false } : {}),
    ...(opts.monitorTest === true ? { monitorTest: true } : {}),
    ...(opts.expand === true ? { expand: true } : {}),
  };
  const { settings, network, rng, resumeFrom, previous } = prepareStart(trainFlags, resumed);
  const trainer = await import('@mlisp/trainer');
  if (typeof threads === 'number' && threads > 1 && !trainer.hasSharedWasmMemory()) {
    throw new UsageError(
      `invalid value for --threads: '${threads}' (this runtime has no shared WebAssembly memory; use --threads auto or 1)`,
    );
  }
  const data = await prepareData(settings);
  const columns = columnsOf(settings);

  const c = io.color;
  if (!json) {
    println(io, `${c.bold('mlisp train')}: ${describeSettings(settings)}`);
    const validation = data.validation === null ? '' : `, ${data.validation.size} validation`;
    println(
      io,
      `data: ${data.train.size} training${settings.expand ? ' (expanded 5x)' : ''}${validation} and ${data.test.size} test digits (${describeData(settings.data)})`,
    );
    if (resumeFrom !== undefined) {
      const where =
        resumeFrom.batch > 0
          ? `in epoch ${resumeFrom.epoch + 1}, after ${resumeFrom.batch} mini-batches`
          : `after epoch ${resumeFrom.epoch}`;
      println(io, `resuming ${where}, from ${flags.resume}`);
    }
    println(io, c.dim(COST_NOTE));
    println(io, epochHeader(columns, c));
  }

  const progress = new EpochProgress(io.stderr, io.colorErr);
  const controller = new AbortController();
  const signals = onStopSignals((request) => {
    controller.abort();
    progress.stop();
    const again = request.signal === 'SIGINT' ? 'Ctrl-C again' : `${request.signal} again`;
    const why = request.note === undefined ? request.signal : `${request.signal}: ${request.note}`;
    eprintln(
      io,
      io.colorErr.yellow(`stopping after this mini-batch (${why}; ${again} to quit at once)`),
    );
  }, io.env);
  // Files that could not be written: reported as they happen, and in the exit code.
  const failures: string[] = [];
  let checkpointFailed = false;
  let outFailed = false;
  const onCheckpointFailure = (message: string) => {
    progress.stop();
    eprintln(io, io.colorErr.red(`mlisp: ${message}`));
    failures.push(message);
    checkpointFailed = true;
  };

  let trainingSeconds = 0;
  let shownEpoch = 0;
  const onProgress = (epoch: number, done: number) => {
    if (!progress.enabled || controller.signal.aborted) return;
    if (epoch !== shownEpoch) {
      shownEpoch = epoch;
      progress.start(epoch, settings.epochs, data.train.size);
    }
    progress.update(done);
  };
  const onEpoch = (record: EpochRecord, records: readonly EpochRecord[]) => {
    progress.stop();
    shownEpoch = 0;
    trainingSeconds += record.seconds;
    if (historyPath !== null) writeHistory(historyPath, records);
    if (json) printJson(io, { event: 'epoch', ...record });
    else println(io, formatEpochLine(record, settings.epochs, columns, c));
  };

  let result: RunOutput;
  try {
    const { runTraining } = await import('../train-run.js');
    result = await runTraining({
      settings,
      network,
      rng,
      resumeFrom,
      previous,
      data,
      threads,
      signal: controller.signal,
      checkpointPath,
      checkpointFlag: files.checkpointFlag,
      onCheckpointFailure,
      onProgress,
      onEpoch,
    });
  } catch (error) {
    throw await cliError(error, settings);
  } finally {
    progress.stop();
    signals.dispose();
  }

  const { keptTestFigures, watchedFigure } = await import('../train-run.js');
  const interrupted = result.stopReason === 'aborted';
  const keptBest = settings.earlyStop !== null && result.best !== null;
  const kept = keptBest ? (result.best as NonNullable<RunOutput['best']>).network : network;
  // The test figures of the kept weights, as their epoch's evaluation found them (or evaluated now).
  const keptEpoch = keptBest
    ? (result.best as NonNullable<RunOutput['best']>).epoch
    : result.state.batch === 0
      ? result.state.epoch
      : null;
  const evaluation = keptTestFigures(result.records, keptEpoch, kept, settings.cost, data.test);
  const epochs = result.state.epoch;
  if (historyPath !== null && result.records.length === 0) writeHistory(historyPath, []);
  if (outPath !== null) {
    try {
      writeModel(outPath, kept, settings.cost, {
        createdBy: 'mlisp train',
        epochs: keptBest ? (result.best as NonNullable<RunOutput['best']>).epoch : epochs,
        testAccuracy: evaluation.accuracy,
        settings,
      });
    } catch (error) {
      if (!(error instanceof WriteFailedError)) throw error;
      failures.push(`--out: ${error.message}`);
      outFailed = true;
      eprintln(io, io.colorErr.red(`mlisp: --out: ${error.message}`));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const best =
    result.best === null ? null : { epoch: result.best.epoch, accuracy: result.best.accuracy };
  const watched = watchedFigure(settings);
  if (json) {
    printJson(io, {
      event: 'done',
      epochs,
      stopReason: interrupted ? 'interrupted' : result.stopReason,
      ...(best === null
        ? {}
        : {
            bestEpoch: best.epoch,
            [watched === 'validationAccuracy' ? 'bestValidationAccuracy' : 'bestTestAccuracy']:
              best.accuracy,
          }),
      modelEpoch: keptBest ? best?.epoch : epochs,
      testAccuracy: evaluation.accuracy,
      model: outFailed ? null : outPath,
      seconds,
      threads: result.threads,
      engine: result.engine,
      ...(interrupted ? { interrupted: true } : {}),
      ...(failures.length > 0 ? { failed: failures } : {}),
    });
  } else {
    printSummary(io, kept, data.test, {
      epochs,
      seconds,
      trainingSeconds,
      threads: result.threads,
      adaptiveThreads: threads === 'auto',
      evaluation,
      modelPath: outFailed ? null : outPath,
      checkpointPath: checkpointFailed ? null : checkpointPath,
      stopReason: result.stopReason,
      batch: result.state.batch,
      batches: Math.ceil(data.train.size / settings.batch),
      records: result.records,
      best,
      watched,
      keptBest,
      earlyStop: settings.earlyStop,
      etaSchedule: settings.etaSchedule,
      quiet: opts.quiet === true,
    });
  }
  if (failures.length > 0) {
    throw new RunError(
      `${failures.length === 1 ? 'a file' : 'files'} could not be written (see above); the run itself ${interrupted ? 'was stopped' : 'finished'}`,
    );
  }
  const stoppedBy = signals.requested;
  if (interrupted) throw new ExitCode(exitCodeOfSignal(stoppedBy?.signal ?? 'SIGINT'));
}
