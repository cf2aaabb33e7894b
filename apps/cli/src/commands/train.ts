/** `mlisp train`: train a network on MNIST digits, with progress, checkpoints and a summary. */
import { CLASSES, expandShifted, IMAGE_PIXELS, subset } from '@mlisp/mnist';
import { cloneNetwork, createNetwork, type Network } from '@mlisp/neurons';
import { Rng } from '@mlisp/tensor';
import type { TrainerState } from '@mlisp/trainer';
import type { Command } from 'commander';
import { type Checkpoint, readCheckpoint } from '../checkpoint.js';
import { evaluate } from '../classify.js';
import { describeData, loadData } from '../data.js';
import { ExitCode, RunError, UsageError } from '../errors.js';
import { MAX_THREADS, readFlags } from '../flags.js';
import { writeHistory } from '../history.js';
import { readModel, writeModel } from '../model-file.js';
import { eprintln, type Io, printJson, println } from '../output.js';
import {
  COST_NOTE,
  EpochProgress,
  epochHeader,
  type FigureColumn,
  formatEpochLine,
} from '../progress.js';
import { printSummary } from '../train-report.js';
import type { EpochRecord, Previous, RunOutput, TrainData } from '../train-run.js';
import {
  checkFit,
  describeSettings,
  resolveSettings,
  type TrainFlags,
  type TrainSettings,
} from '../train-settings.js';
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
    .option('--lambda <number>', 'L2 regularisation λ ≥ 0 (default 5)')
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
    .option('--resume <file>', 'continue the run saved in a checkpoint FILE')
    .option(
      '--threads <n|auto>',
      `threads that share the engine's work: auto (2 where that is faster for the network's size) or 1 to ${MAX_THREADS}; results do not depend on it (default auto)`,
    )
    .option('--json', 'print one JSON object per epoch and one at the end, nothing else')
    .option('-q, --quiet', 'no drawn test digits in the summary')
    .addHelpText('after', TRAIN_HELP)
    .action(async (opts: Record<string, unknown>) => {
      await train(io, opts);
    });
}

interface Start {
  settings: TrainSettings;
  network: Network;
  rng: Rng;
  resumeFrom: TrainerState | undefined;
  previous: Previous;
}

const NOTHING_BEFORE: Previous = { records: [], best: null, partial: { costSum: 0, done: 0 } };

/** The network in the settings' precision (a copy when it is not already). */
function inPrecision(network: Network, settings: TrainSettings): Network {
  const dtype = settings.precision === 'f32' ? 'float32' : 'float64';
  const current = network.layers[0]?.weights.data instanceof Float32Array ? 'float32' : 'float64';
  return current === dtype ? network : cloneNetwork(network, dtype);
}

function prepareStart(flags: TrainFlags, resumed: Checkpoint | null): Start {
  let settings = resolveSettings(flags, resumed?.settings ?? null);
  if (resumed !== null) {
    // Equal is allowed: a run stopped after its last checkpoint but before saving
    // the model then only evaluates and writes --out.
    if (resumed.trainer.epoch > settings.epochs) {
      throw new UsageError(
        `invalid value for --epochs: '${settings.epochs}' (the checkpoint has already trained ${resumed.trainer.epoch} epochs; give a total of at least ${resumed.trainer.epoch} with --epochs)`,
      );
    }
    const best = resumed.previous.best;
    return {
      settings,
      network: inPrecision(resumed.model.network, settings),
      rng: Rng.fromState(resumed.trainer.rng),
      resumeFrom: resumed.trainer,
      previous: {
        ...resumed.previous,
        best: best === null ? null : { ...best, network: inPrecision(best.network, settings) },
      },
    };
  }
  const rng = new Rng(settings.seed);
  if (settings.init.kind === 'file') {
    const model = readModel(settings.init.path, '--init');
    const sizes = [...model.network.sizes];
    if (sizes[0] !== IMAGE_PIXELS || sizes[sizes.length - 1] !== CLASSES) {
      throw new UsageError(
        `--init: '${settings.init.path}' has sizes [${sizes.join(',')}], but digits need ${IMAGE_PIXELS} inputs and ${CLASSES} outputs`,
      );
    }
    if (flags.sizes !== undefined && flags.sizes.join(',') !== sizes.join(',')) {
      throw new UsageError(
        `--sizes ${flags.sizes.join(',')} does not match the model given with --init (${sizes.join(',')}); leave out --sizes to use the model's`,
      );
    }
    const names = model.network.layers.map((l) => l.activation.name);
    settings = {
      ...settings,
      sizes,
      activation: (names.length > 1
        ? names[0]
        : settings.activation) as TrainSettings['activation'],
      output: names[names.length - 1] as TrainSettings['output'],
    };
    const network = inPrecision(model.network, settings);
    return { settings, network, rng, resumeFrom: undefined, previous: NOTHING_BEFORE };
  }
  const network = createNetwork(settings.sizes, {
    activation: settings.activation,
    outputActivation: settings.output,
    init: settings.init.name,
    rng,
    dtype: settings.precision === 'f32' ? 'float32' : 'float64',
  });
  return { settings, network, rng, resumeFrom: undefined, previous: NOTHING_BEFORE };
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
  const held = settings.validation ?? 0;
  const kept = split.train.size - held;
  const train = held === 0 ? split.train : subset(split.train, kept);
  return {
    train: settings.expand ? expandShifted(train) : train,
    validation: held === 0 ? null : subset(split.train, held, kept),
    test: split.test,
  };
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
  const flags = readFlags(opts, FLAG_KEYS);
  const json = opts.json === true;
  const outPath = flags.out ?? null;
  const checkpointPath = flags.checkpoint ?? null;
  const historyPath = flags.history ?? null;
  const resumed = flags.resume === undefined ? null : readCheckpoint(flags.resume);
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
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts === 1) {
      controller.abort();
      progress.stop();
      eprintln(
        io,
        io.colorErr.yellow('stopping after this mini-batch (Ctrl-C again to quit at once)'),
      );
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);

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
      onProgress,
      onEpoch,
    });
  } catch (error) {
    throw await cliError(error, settings);
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }

  const { watchedFigure } = await import('../train-run.js');
  const interrupted = result.stopReason === 'aborted';
  const keptBest = settings.earlyStop !== null && result.best !== null;
  const kept = keptBest ? (result.best as NonNullable<RunOutput['best']>).network : network;
  const evaluation = evaluate(kept, settings.cost, data.test);
  const epochs = result.state.epoch;
  if (historyPath !== null && result.records.length === 0) writeHistory(historyPath, []);
  if (outPath !== null) {
    writeModel(outPath, kept, settings.cost, {
      createdBy: 'mlisp train',
      epochs: keptBest ? (result.best as NonNullable<RunOutput['best']>).epoch : epochs,
      testAccuracy: evaluation.accuracy,
      settings,
    });
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
      model: outPath,
      seconds,
      threads: result.threads,
      ...(interrupted ? { interrupted: true } : {}),
    });
  } else {
    printSummary(io, kept, data.test, {
      epochs,
      seconds,
      trainingSeconds,
      threads: result.threads,
      evaluation,
      modelPath: outPath,
      checkpointPath,
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
  if (interrupted) throw new ExitCode(130);
}
