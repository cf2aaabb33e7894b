/** `mlisp train`: train a network on MNIST digits, with progress, checkpoints and a summary. */
import { Worker } from 'node:worker_threads';
import { CLASSES, IMAGE_PIXELS, type MnistSplit } from '@mlisp/mnist';
import { createNetwork, type Network } from '@mlisp/neurons';
import { Rng } from '@mlisp/tensor';
import type { TrainerState } from '@mlisp/trainer';
import type { Command } from 'commander';
import { WriteFailedError } from '../atomic.js';
import { type Checkpoint, readCheckpoint } from '../checkpoint.js';
import { evaluate } from '../classify.js';
import { describeData, loadData } from '../data.js';
import { ExitCode, RunError, UsageError } from '../errors.js';
import { MAX_THREADS, readFlags } from '../flags.js';
import { modelFromJson, modelToJson, readModel, writeModel } from '../model-file.js';
import { eprintln, type Io, printJson, println } from '../output.js';
import { EpochProgress, epochHeader, formatEpochLine } from '../progress.js';
import { exitCodeOfSignal, onStopSignals } from '../signals.js';
import { prepareTrainFiles, type TrainFiles } from '../train-files.js';
import { printSummary } from '../train-report.js';
import {
  checkFit,
  describeSettings,
  resolveSettings,
  type TrainFlags,
  type TrainSettings,
} from '../train-settings.js';
import type { WorkerInput, WorkerMessage } from '../train-worker.js';
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
] as const;

/** Adds `mlisp train` to the program. */
export function registerTrain(program: Command, io: Io): void {
  program
    .command('train')
    .description('train a network on MNIST digits (with no flags: the main job of the README)')
    .option('--sizes <list>', 'layer sizes, inputs first (default 784,30,10)')
    .option(
      '--activation <name>',
      'hidden layers: sigmoid, tanh, relu, leaky-relu, linear (default sigmoid)',
    )
    .option(
      '--output <name>',
      'output layer: sigmoid, softmax (default sigmoid; softmax with log-likelihood)',
    )
    .option('--cost <name>', 'quadratic, cross-entropy, log-likelihood (default cross-entropy)')
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
    .option('--train <n>', 'use the first N training samples')
    .option('--test <n>', 'use the first N test samples')
    .option('--out <file>', 'save the trained model (JSON) to FILE')
    .option('--checkpoint <file>', 'save model and trainer state to FILE after every epoch')
    .option('--no-checkpoint', 'with --resume: do not update the checkpoint resumed from')
    .option(
      '--resume <file>',
      'continue the run saved in a checkpoint FILE (and keep checkpointing to it)',
    )
    .option(
      '--threads <n|auto>',
      `threads that share the fast engine's work: auto (2 where possible) or 1 to ${MAX_THREADS}; results do not depend on it (default auto)`,
    )
    .option('--json', 'print one JSON object per epoch and one at the end, nothing else')
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
    return {
      settings,
      network: resumed.model.network,
      rng: Rng.fromState(resumed.trainer.rng),
      resumeFrom: resumed.trainer,
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
    refuseInitConflicts(flags, names);
    settings = {
      ...settings,
      sizes,
      activation: (names.length > 1
        ? names[0]
        : settings.activation) as TrainSettings['activation'],
      output: names[names.length - 1] as TrainSettings['output'],
    };
    return { settings, network: model.network, rng, resumeFrom: undefined };
  }
  const network = createNetwork(settings.sizes, {
    activation: settings.activation,
    outputActivation: settings.output,
    init: settings.init.name,
    rng,
  });
  return { settings, network, rng, resumeFrom: undefined };
}

/** Refuses --activation / --output that differ from the layers of the --init model. */
function refuseInitConflicts(flags: TrainFlags, names: readonly string[]): void {
  const given = [
    ['--activation', flags.activation, names.length > 1 ? names[0] : undefined],
    ['--output', flags.output, names[names.length - 1]],
  ] as const;
  for (const [flag, value, model] of given) {
    if (value !== undefined && model !== undefined && value !== model) {
      throw new UsageError(
        `${flag} ${value} does not match the model given with --init (${model}); leave out ${flag} to use the model's`,
      );
    }
  }
}

/** Runs the training worker; resolves with its final message. */
function runWorker(
  input: WorkerInput,
  onMessage: (m: WorkerMessage) => void,
): Promise<Extract<WorkerMessage, { type: 'done' }>> {
  return new Promise((resolve, reject) => {
    // The copies of the data move to the worker instead of being copied again.
    const transferList = [input.train, input.test].flatMap((set) => [
      set.images.buffer as ArrayBuffer,
      set.labels.buffer as ArrayBuffer,
    ]);
    const worker = new Worker(new URL('./train-worker.js', import.meta.url), {
      workerData: input,
      transferList,
    });
    let done: Extract<WorkerMessage, { type: 'done' }> | null = null;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'done') done = m;
      else if (m.type === 'warning') onMessage(m);
      else if (m.type === 'error') {
        if (m.kind === 'untrainable') reject(new UsageError(m.message));
        else if (m.kind === 'threads') {
          const why = m.message.replace(/;? use threads 1 or 'auto'\.?$/, '');
          reject(
            new UsageError(
              `invalid value for --threads: '${input.threads}' (${why}; use --threads auto or 1)`,
            ),
          );
        } else if (m.kind === 'divergence') {
          const message = m.message.replace(/;? try a smaller eta\.?$/, '');
          reject(new RunError(`${message}; try a smaller --eta (now ${input.settings.eta})`));
        } else reject(new RunError(m.message));
      } else onMessage(m);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (done !== null) resolve(done);
      else reject(new RunError(`the training worker stopped unexpectedly (exit code ${code})`));
    });
  });
}

function copySet(set: MnistSplit['train']): WorkerInput['train'] {
  return { images: set.images.data.slice(), labels: set.labels.slice() };
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
  const threads = flags.threads ?? 'auto';
  const trainFlags: TrainFlags = {
    ...flags,
    ...(opts.shuffle === false ? { shuffle: false } : {}),
  };
  const { settings, network, rng, resumeFrom } = prepareStart(trainFlags, resumed);
  const data = await loadData(settings.data, {
    train: settings.train ?? undefined,
    test: settings.test ?? undefined,
  });
  checkFit(settings, data.train.size, IMAGE_PIXELS, CLASSES);

  const c = io.color;
  if (!json) {
    println(io, `${c.bold('mlisp train')}: ${describeSettings(settings)}`);
    println(
      io,
      `data: ${data.train.size} training and ${data.test.size} test digits (${describeData(settings.data)})`,
    );
    if (resumeFrom !== undefined) {
      const where =
        resumeFrom.batch > 0
          ? `in epoch ${resumeFrom.epoch + 1}, after ${resumeFrom.batch} mini-batches`
          : `after epoch ${resumeFrom.epoch}`;
      println(io, `resuming ${where}, from ${flags.resume}`);
    }
    println(io, epochHeader(c));
  }

  const progress = new EpochProgress(io.stderr, io.colorErr);
  const stop = new SharedArrayBuffer(4);
  const signals = onStopSignals((request) => {
    Atomics.store(new Int32Array(stop), 0, 1);
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

  let trainingSeconds = 0;
  const onMessage = (m: WorkerMessage) => {
    if (m.type === 'warning') {
      progress.stop();
      eprintln(io, io.colorErr.red(`mlisp: ${m.message}`));
      failures.push(m.message);
      checkpointFailed = true;
      return;
    }
    if (m.type === 'batch') {
      if (m.batch === 0) progress.start(m.epoch, settings.epochs, data.train.size);
      progress.update(Math.min(data.train.size, (m.batch + 1) * settings.batch));
      return;
    }
    if (m.type !== 'epoch') return;
    const event = m.event;
    progress.stop();
    trainingSeconds += event.seconds;
    const line = {
      epoch: event.epoch,
      trainCost: event.trainingCost ?? Number.NaN,
      testCost: event.evaluationCost ?? Number.NaN,
      testAccuracy: event.evaluationAccuracy ?? Number.NaN,
      eta: event.eta,
      seconds: event.seconds,
    };
    if (json) printJson(io, { event: 'epoch', ...line });
    else println(io, formatEpochLine({ ...line, epochs: settings.epochs }, c));
  };

  let result: Extract<WorkerMessage, { type: 'done' }>;
  try {
    result = await runWorker(
      {
        settings,
        model: modelToJson(network, settings.cost),
        rng: rng.getState(),
        resumeFrom: resumeFrom ?? null,
        train: copySet(data.train),
        test: copySet(data.test),
        checkpointPath,
        stop,
        progress: progress.enabled,
        threads,
      },
      onMessage,
    );
  } finally {
    progress.stop();
    signals.dispose();
  }

  const trained = modelFromJson(result.model, 'trained model').network;
  const interrupted = result.stopReason === 'aborted';
  const evaluation = evaluate(trained, settings.cost, data.test);
  const epochs = result.state.epoch;
  if (outPath !== null) {
    try {
      writeModel(outPath, trained, settings.cost, {
        createdBy: 'mlisp train',
        epochs,
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
  if (json) {
    printJson(io, {
      event: 'done',
      epochs,
      testAccuracy: evaluation.accuracy,
      model: outFailed ? null : outPath,
      seconds,
      threads: result.threads,
      ...(interrupted ? { interrupted: true } : {}),
      ...(failures.length > 0 ? { failed: failures } : {}),
    });
  } else {
    printSummary(io, trained, data, {
      epochs,
      seconds,
      trainingSeconds,
      threads: result.threads,
      evaluation,
      modelPath: outFailed ? null : outPath,
      checkpointPath: checkpointFailed ? null : checkpointPath,
      interrupted,
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
