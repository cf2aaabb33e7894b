/**
 * The training worker: holds the digits and the network, and trains with
 * @mlisp/trainer's `trainInPlace` in short time slices (abort after ~60 ms,
 * then resume from the returned state: resuming is bit-identical), so that
 * Pause and Step answer at once and the page never waits for an epoch.
 */
import { oneHotBatch } from '@mlisp/encoders';
import { type MnistSplit, parseBundled } from '@mlisp/mnist';
import { createNetwork, type Network } from '@mlisp/neurons';
import { rowView } from '@mlisp/tensor';
import { type BatchEvent, type Dataset, type TrainerState, trainInPlace } from '@mlisp/trainer';
import type { Settings } from '../settings.js';
import { fromSnapshot, toSnapshot, transferables } from '../snapshot.js';
import type { Status } from '../store.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** The worker's global scope (typed here so the app compiles with the DOM lib only). */
const scope = self as unknown as {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
};
/** Longest stretch of training between two looks at the message queue. */
const SLICE_MS = 60;
/** Least time between two network snapshots sent to the page while training. */
const SNAPSHOT_MS = 400;

let split: MnistSplit | undefined;
let trainData: Dataset | undefined;
let testData: Dataset | undefined;
let settings: Settings | undefined;
let network: Network | undefined;
let state: TrainerState | undefined;
let status: Status = 'loading';
/** Bumped by configure/load, so a slice of an old run never reports. */
let generation = 0;
let lastSnapshot = 0;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function setStatus(next: Status): void {
  status = next;
  post({ type: 'status', status: next });
}

function sendModel(): void {
  if (!network) return;
  const snapshot = toSnapshot(network);
  post({ type: 'model', snapshot }, transferables(snapshot));
  lastSnapshot = performance.now();
}

function datasets(s: Settings): void {
  if (!split) return;
  const n = Math.min(s.train, split.train.size);
  const images = rowView(split.train.images, 0, n);
  const labels = split.train.labels.subarray(0, n);
  trainData = { inputs: images, targets: oneHotBatch(labels, 10), labels };
  testData = {
    inputs: split.test.images,
    targets: oneHotBatch(split.test.labels, 10),
    labels: split.test.labels,
  };
}

function configure(s: Settings): void {
  generation++;
  settings = s;
  state = undefined;
  network = createNetwork(s.sizes, {
    activation: s.hidden,
    outputActivation: s.cost === 'log-likelihood' ? 'softmax' : 'sigmoid',
    init: s.init,
    seed: s.seed,
  });
  post({ type: 'reset' });
  post({ type: 'progress', epoch: 0, batch: 0, batches: 0 });
  sendModel();
  if (split) {
    datasets(s);
    setStatus('idle');
  }
}

/**
 * Trains for at most SLICE_MS (or exactly one mini-batch when `single`),
 * reporting epochs and progress, and returns whether the run is finished.
 */
function slice(single: boolean): boolean {
  if (!network || !settings || !trainData || !testData) return true;
  const s = settings;
  const controller = new AbortController();
  const started = performance.now();
  const done = state?.history.length ?? 0;
  let last: BatchEvent | undefined;
  let costSum = 0;
  let costCount = 0;
  const result = trainInPlace(network, trainData, {
    cost: s.cost,
    eta: s.eta,
    lambda: s.lambda,
    epochs: s.epochs,
    batchSize: s.batch,
    seed: s.seed,
    evaluationData: testData,
    learningSpeedSamples: 500,
    signal: controller.signal,
    resumeFrom: state,
    // The charts show the training set's figures too (the trainer measures only what is asked for).
    monitor: { trainingCost: true, trainingAccuracy: true },
    // One step is one mini-batch; the WebAssembly engine would run a chunk of them.
    engine: single ? 'matrix' : 'auto',
    onBatch: (event) => {
      last = event;
      costSum += event.cost;
      costCount++;
      if (single || performance.now() - started > SLICE_MS) controller.abort();
    },
  });
  state = result.state;
  if (last) {
    const { epoch, batch, batches } = last;
    post({ type: 'progress', epoch, batch: batch + 1, batches });
    if (costCount > 0) {
      post({
        type: 'batch-cost',
        at: epoch - 1 + (batch + 1) / batches,
        cost: costSum / costCount,
      });
    }
  }
  for (const event of result.history.slice(done)) {
    post({
      type: 'epoch',
      record: {
        epoch: event.epoch,
        trainCost: event.trainingCost ?? Number.NaN,
        trainAccuracy: event.trainingAccuracy ?? Number.NaN,
        testCost: event.evaluationCost ?? Number.NaN,
        testAccuracy: event.evaluationAccuracy ?? Number.NaN,
        speeds: event.learningSpeeds?.biases ?? [],
        eta: event.eta,
      },
    });
  }
  const finished = result.stopReason !== 'aborted';
  if (
    single ||
    finished ||
    result.history.length > done ||
    performance.now() - lastSnapshot > SNAPSHOT_MS
  ) {
    sendModel();
  }
  return finished;
}

function fail(error: unknown): void {
  generation++;
  setStatus('error');
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}

function run(gen: number): void {
  if (gen !== generation || status !== 'running') return;
  try {
    if (slice(false)) setStatus('done');
    else setTimeout(() => run(gen), 0);
  } catch (error) {
    fail(error);
  }
}

scope.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  try {
    switch (message.type) {
      case 'data':
        split = parseBundled(new Uint8Array(message.bytes));
        post({ type: 'ready', trainSize: split.train.size, testSize: split.test.size });
        if (settings) configure(settings);
        break;
      case 'configure':
        configure(message.settings);
        break;
      case 'start':
        if (status === 'idle' || status === 'paused') {
          setStatus('running');
          run(generation);
        }
        break;
      case 'pause':
        if (status === 'running') {
          setStatus('paused');
          sendModel();
        }
        break;
      case 'step':
        if (status === 'idle' || status === 'paused') {
          const finished = slice(true);
          setStatus(finished ? 'done' : 'paused');
        }
        break;
      case 'load':
        generation++;
        settings = message.settings;
        if (split) datasets(settings);
        network = fromSnapshot(message.snapshot);
        state = undefined;
        post({ type: 'reset' });
        sendModel();
        setStatus(split ? 'idle' : 'loading');
        break;
    }
  } catch (error) {
    fail(error);
  }
});
