/**
 * The training of `mlisp train`: the trainer's `trainInPlaceAsync` on this
 * thread (its engine splits the work over its own worker threads and lets the
 * event loop run between chunks of mini-batches, so Ctrl-C and the progress
 * bar are handled while it trains), asked only for the figures the CLI
 * prints; per-epoch records, the best epoch, and checkpoints written after
 * every epoch and when stopped.
 */
import { l2Penalty } from '@mlisp/costs';
import { type Dataset, expandShifted, oneHotTargets, subset } from '@mlisp/mnist';
import { cloneNetwork, type Network } from '@mlisp/neurons';
import type { FloatArray, Rng } from '@mlisp/tensor';
import {
  type BatchEvent,
  type EpochEvent,
  type StopReason,
  type Dataset as TrainerDataset,
  type TrainerState,
  type TrainPath,
  trainInPlaceAsync,
} from '@mlisp/trainer';
import { tryWriteCheckpoint } from './checkpoint.js';
import { evaluate } from './classify.js';
import type { TrainSettings } from './train-settings.js';

/** The book's schedule stops once η has been halved 7 times, at 1/128 of its start. */
export const MAX_HALVINGS = 7;

/** The figures of one finished epoch, as the table, the JSON events and the history file give them. */
export interface EpochRecord {
  epoch: number;
  /** Mean cost of the epoch's mini-batches, each before its update (no L2 term). */
  batchCost: number;
  /** Cost on the validation data, with the L2 term. */
  validationCost?: number;
  validationAccuracy?: number;
  /** Cost on the test data, with the L2 term. */
  testCost?: number;
  testAccuracy?: number;
  /** η used in the epoch. */
  eta: number;
  /** Training seconds (evaluation excluded). */
  seconds: number;
}

/** The epoch whose watched accuracy was highest (the first of equals), and its weights. */
export interface Best {
  epoch: number;
  accuracy: number;
  network: Network;
}

/** The three sets of a run. */
export interface TrainData {
  train: Dataset<FloatArray>;
  /** The held-out end of the training data (`--validation`), or null. */
  validation: Dataset<FloatArray> | null;
  test: Dataset<FloatArray>;
}

/**
 * The training set of a run and its validation set: the last
 * `settings.validation` samples held out (none when null), the rest expanded
 * 5x with `settings.expand` (the validation samples are not expanded).
 */
export function splitTraining(
  train: Dataset<FloatArray>,
  settings: Pick<TrainSettings, 'validation' | 'expand'>,
): Omit<TrainData, 'test'> {
  const held = settings.validation ?? 0;
  const kept = train.size - held;
  const rest = held === 0 ? train : subset(train, kept);
  return {
    train: settings.expand ? expandShifted(rest) : rest,
    validation: held === 0 ? null : subset(train, held, kept),
  };
}

/** Which accuracy the best epoch, early stopping and the schedule watch. */
export function watchedFigure(settings: TrainSettings): 'validationAccuracy' | 'testAccuracy' {
  return settings.validation === null ? 'testAccuracy' : 'validationAccuracy';
}

/**
 * Keeps `best` up to date with `record`: a strictly higher watched accuracy
 * (as the trainer's early stopping counts improvement) copies the weights.
 */
export function updateBest(
  best: Best | null,
  record: EpochRecord,
  watched: 'validationAccuracy' | 'testAccuracy',
  network: Network,
): Best | null {
  const accuracy = record[watched];
  if (accuracy === undefined) return best;
  if (best !== null && !(accuracy > best.accuracy)) return best;
  return { epoch: record.epoch, accuracy, network: cloneNetwork(network) };
}

/** What a run continues from: the records, best epoch and mini-batch costs so far saved in its checkpoint. */
export interface Previous {
  records: EpochRecord[];
  best: Best | null;
  /** Σ size·cost and samples of the mini-batches already done in an unfinished epoch. */
  partial: { costSum: number; done: number };
}

/** Everything {@link runTraining} needs. */
export interface RunInput {
  settings: TrainSettings;
  network: Network;
  rng: Rng;
  resumeFrom: TrainerState | undefined;
  previous: Previous;
  data: TrainData;
  threads: number | 'auto';
  signal: AbortSignal;
  checkpointPath: string | null;
  /** The flag that named the checkpoint file, for messages. */
  checkpointFlag: '--checkpoint' | '--resume';
  /** Called with the message when a checkpoint could not be written (the run goes on). */
  onCheckpointFailure: (message: string) => void;
  /** Called after each mini-batch with the epoch and the samples done in it. */
  onProgress: (epoch: number, done: number) => void;
  /** Called after each epoch (after its checkpoint is written). */
  onEpoch: (record: EpochRecord, records: readonly EpochRecord[]) => void;
}

/** How a run ended. */
export interface RunOutput {
  stopReason: StopReason;
  state: TrainerState;
  threads: number;
  /** The code that trained (the trainer's `path`: `'wasm-relaxed'`, `'wasm-simd'` or `'matrix'`). */
  engine: TrainPath;
  records: EpochRecord[];
  best: Best | null;
}

function trainerSet(set: Dataset<FloatArray>): TrainerDataset {
  return { inputs: set.images, targets: oneHotTargets(set.labels), labels: set.labels };
}

/** The regularisation term of the cost over a set of n samples, as the trainer adds it. */
function penalty(network: Network, settings: TrainSettings, n: number): number {
  if (settings.regularization === 'l2') return l2Penalty(network, settings.lambda, n);
  let sum = 0;
  for (const layer of network.layers) for (const w of layer.weights.data) sum += Math.abs(w);
  return (settings.lambda / n) * sum;
}

function testFigures(
  network: Network,
  settings: TrainSettings,
  test: Dataset<FloatArray>,
): Pick<EpochRecord, 'testCost' | 'testAccuracy'> {
  const e = evaluate(network, settings.cost, test);
  return {
    testCost: e.cost + penalty(network, settings, Math.max(1, test.size)),
    testAccuracy: e.accuracy,
  };
}

/**
 * Trains `input.network` in place as the settings say.
 *
 * @throws what `trainInPlaceAsync` throws (UntrainableNetworkError, DivergenceError, TypeError)
 */
export async function runTraining(input: RunInput): Promise<RunOutput> {
  const { settings, network, data, checkpointPath } = input;
  const watched = watchedFigure(settings);
  const records = input.previous.records.slice();
  let best = input.previous.best;
  let { costSum, done } = input.previous.partial;
  // The last finished epoch's mini-batch costs: its event may come after the next epoch's first
  // mini-batches (the trainer evaluates it on a worker while the next one trains).
  let finished = { epoch: 0, costSum: 0, done: 0 };
  const onBatch = (b: BatchEvent) => {
    if (b.batch === 0) {
      finished = { epoch: b.epoch - 1, costSum, done };
      costSum = 0;
      done = 0;
    }
    costSum += b.cost * b.size;
    done += b.size;
    input.onProgress(b.epoch, done);
  };
  const batchCostOf = (epoch: number): number => {
    const sums = epoch === finished.epoch ? finished : { costSum, done };
    return sums.done > 0 ? sums.costSum / sums.done : Number.NaN;
  };
  // The state is made only when a checkpoint is written (it copies the order and the velocities).
  const save = (state: () => TrainerState, partial: Previous['partial']) => {
    if (checkpointPath === null) return;
    const previous = { records, best, partial };
    const flag = input.checkpointFlag;
    const failure = tryWriteCheckpoint(checkpointPath, flag, settings, network, state(), previous);
    if (failure !== null) input.onCheckpointFailure(failure);
  };
  const onEpoch = (event: EpochEvent, checkpoint: () => TrainerState) => {
    const evaluated = {
      cost: event.evaluationCost ?? Number.NaN,
      accuracy: event.evaluationAccuracy ?? Number.NaN,
    };
    const record: EpochRecord = {
      epoch: event.epoch,
      batchCost: batchCostOf(event.epoch),
      ...(data.validation === null
        ? { testCost: evaluated.cost, testAccuracy: evaluated.accuracy }
        : {
            validationCost: evaluated.cost,
            validationAccuracy: evaluated.accuracy,
            ...(settings.monitorTest ? testFigures(network, settings, data.test) : {}),
          }),
      eta: event.eta,
      seconds: event.seconds,
    };
    records.push(record);
    best = updateBest(best, record, watched, network);
    save(checkpoint, { costSum: 0, done: 0 });
    input.onEpoch(record, records);
  };
  const watching = settings.earlyStop !== null || settings.etaSchedule !== null;
  const result = await trainInPlaceAsync(network, trainerSet(data.train), {
    cost: settings.cost,
    eta: settings.eta,
    lambda: settings.lambda,
    regularization: settings.regularization,
    dropout: settings.dropout,
    momentum: settings.momentum,
    epochs: settings.epochs,
    batchSize: settings.batch,
    shuffle: settings.shuffle,
    rng: input.rng,
    evaluationData: trainerSet(data.validation ?? data.test),
    // Only what the CLI prints: the evaluation set's cost and accuracy (the
    // mini-batch costs come free with the training).
    monitor: {
      trainingCost: false,
      trainingAccuracy: false,
      evaluationCost: true,
      evaluationAccuracy: true,
    },
    learningSpeedSamples: 0,
    ...(watching ? { improvement: 'evaluation-accuracy' as const } : {}),
    ...(settings.etaSchedule === null
      ? {}
      : { schedule: { patience: settings.etaSchedule, maxHalvings: MAX_HALVINGS } }),
    ...(settings.earlyStop === null ? {} : { earlyStopping: { patience: settings.earlyStop } }),
    onEpoch,
    onBatch,
    signal: input.signal,
    threads: input.threads,
    ...(input.resumeFrom === undefined ? {} : { resumeFrom: input.resumeFrom }),
  });
  if (result.stopReason === 'aborted') {
    const partial = result.state.batch > 0 ? { costSum, done } : { costSum: 0, done: 0 };
    save(() => result.state, partial);
  }
  return {
    stopReason: result.stopReason,
    state: result.state,
    threads: result.threads,
    engine: result.path,
    records,
    best,
  };
}

/** The kept network's accuracy on the test set, and the counts behind it. */
export interface TestFigures {
  accuracy: number;
  correct: number;
  total: number;
}

/**
 * The test figures of the network kept after `epoch` (null: stopped
 * mid-epoch): from that epoch's record when it has them (the same weights,
 * evaluated at the end of the epoch), else by evaluating `kept` now.
 */
export function keptTestFigures(
  records: readonly EpochRecord[],
  epoch: number | null,
  kept: Network,
  cost: string,
  test: Dataset<FloatArray>,
): TestFigures {
  const accuracy = records.find((r) => r.epoch === epoch)?.testAccuracy;
  if (accuracy !== undefined && test.size > 0) {
    return { accuracy, correct: Math.round(accuracy * test.size), total: test.size };
  }
  const e = evaluate(kept, cost, test);
  return { accuracy: e.accuracy, correct: e.correct, total: e.total };
}
