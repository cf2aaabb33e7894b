/**
 * The training loop of `mlisp train`, in a worker thread. The trainer
 * (`trainInPlaceAsync`, whose fast engine may split the work over further
 * worker threads) keeps this thread busy between short pauses; running it off
 * the main thread leaves the main thread free to draw the progress bar and to
 * receive Ctrl-C at once, which it passes on through a shared flag that this
 * worker checks after every mini-batch and turns into the trainer's
 * AbortSignal. Checkpoints are written here, atomically, after every epoch and
 * when stopped.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CLASSES, IMAGE_PIXELS, oneHotTargets } from '@mlisp/mnist';
import type { Network } from '@mlisp/neurons';
import { type Matrix, type RandomState, Rng } from '@mlisp/tensor';
import {
  type BatchEvent,
  DivergenceError,
  type EpochEvent,
  type TrainerState,
  trainInPlaceAsync,
  UntrainableNetworkError,
} from '@mlisp/trainer';
import { tryWriteCheckpoint } from './checkpoint.js';
import { messageOf } from './errors.js';
import { modelFromJson, modelToJson } from './model-file.js';
import type { ModelJson } from './model-json.js';
import type { TrainSettings } from './train-settings.js';

/** One set of digits as plain arrays (copied into the worker). */
export interface WorkerSet {
  images: Float64Array;
  labels: Uint8Array;
}

/** What the main thread hands the worker. */
export interface WorkerInput {
  settings: TrainSettings;
  /** The starting weights. */
  model: ModelJson;
  /** The generator state for the shuffles. */
  rng: RandomState;
  resumeFrom: TrainerState | null;
  train: WorkerSet;
  test: WorkerSet;
  checkpointPath: string | null;
  /** Int32 flag: set to 1 by the main thread to stop at the next mini-batch boundary the trainer checks. */
  stop: SharedArrayBuffer;
  /** Post a message per mini-batch (for the progress bar). */
  progress: boolean;
  /** Threads of the fast engine (`--threads`). */
  threads: number | 'auto';
}

/** What the worker tells the main thread. */
export type WorkerMessage =
  | { type: 'batch'; epoch: number; batch: number; batches: number; size: number }
  | { type: 'epoch'; event: EpochEvent }
  | { type: 'warning'; message: string }
  | { type: 'done'; stopReason: string; state: TrainerState; model: ModelJson; threads: number }
  | {
      type: 'error';
      kind: 'untrainable' | 'divergence' | 'threads' | 'other';
      message: string;
    };

function matrix(images: Float64Array): Matrix {
  return { rows: images.length / IMAGE_PIXELS, cols: IMAGE_PIXELS, data: images };
}

function dataset(set: WorkerSet) {
  return {
    inputs: matrix(set.images),
    targets: oneHotTargets(set.labels, CLASSES),
    labels: set.labels,
  };
}

async function runWorker(input: WorkerInput, post: (m: WorkerMessage) => void): Promise<void> {
  const { settings, checkpointPath } = input;
  const network: Network = modelFromJson(input.model, 'worker').network;
  const stop = new Int32Array(input.stop);
  const controller = new AbortController();
  let lastPost = 0;
  const onBatch = (b: BatchEvent) => {
    if (Atomics.load(stop, 0) === 1) controller.abort();
    if (!input.progress) return;
    // A message per mini-batch would slow training down: at most one per 50 ms.
    const now = performance.now();
    if (b.batch === 0 || now - lastPost >= 50) {
      lastPost = now;
      post({ type: 'batch', epoch: b.epoch, batch: b.batch, batches: b.batches, size: b.size });
    }
  };
  const save = (state: TrainerState) => {
    if (checkpointPath === null) return;
    const failure = tryWriteCheckpoint(checkpointPath, settings, network, state);
    if (failure !== null) post({ type: 'warning', message: failure });
  };
  const onEpoch = (event: EpochEvent, checkpoint: () => TrainerState) => {
    save(checkpoint());
    post({ type: 'epoch', event });
  };
  const result = await trainInPlaceAsync(network, dataset(input.train), {
    cost: settings.cost,
    eta: settings.eta,
    lambda: settings.lambda,
    momentum: settings.momentum,
    epochs: settings.epochs,
    batchSize: settings.batch,
    shuffle: settings.shuffle,
    rng: Rng.fromState(input.rng),
    evaluationData: dataset(input.test),
    monitor: {
      trainingCost: true,
      trainingAccuracy: false,
      evaluationCost: true,
      evaluationAccuracy: true,
    },
    learningSpeedSamples: 0,
    onEpoch,
    onBatch,
    signal: controller.signal,
    threads: input.threads,
    ...(input.resumeFrom === null ? {} : { resumeFrom: input.resumeFrom }),
  });
  if (result.stopReason === 'aborted') save(result.state);
  post({
    type: 'done',
    stopReason: result.stopReason,
    state: result.state,
    model: modelToJson(network, settings.cost),
    threads: result.threads,
  });
}

/** What kind of failure `error` is, for the main thread's exit code and message. */
function kindOf(error: unknown): Extract<WorkerMessage, { type: 'error' }>['kind'] {
  if (error instanceof UntrainableNetworkError) return 'untrainable';
  if (error instanceof DivergenceError) return 'divergence';
  // The trainer's TypeErrors about threads that this run cannot have (the flags are checked before).
  if (error instanceof TypeError && error.message.startsWith('threads')) return 'threads';
  return 'other';
}

if (parentPort !== null) {
  const port = parentPort;
  const post = (m: WorkerMessage) => port.postMessage(m);
  runWorker(workerData as WorkerInput, post).catch((error: unknown) => {
    post({ type: 'error', kind: kindOf(error), message: messageOf(error) });
  });
}
