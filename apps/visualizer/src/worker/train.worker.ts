/**
 * The training worker: holds the digits and the network, and trains with
 * @mlisp/trainer's `trainInPlace` in short time slices (abort after ~60 ms,
 * then resume from the returned state: resuming is bit-identical), so that
 * Pause and Step answer at once and the page never waits for an epoch.
 * Between slices it applies live η/λ/mini-batch changes and, while the
 * Digits view is open, predicts the test digits a chunk at a time.
 */
import { oneHotBatch } from '@mlisp/encoders';
import { type MnistSplit, parseBundled } from '@mlisp/mnist';
import { createNetwork, type Network } from '@mlisp/neurons';
import { Rng, rowView } from '@mlisp/tensor';
import { type Dataset, type TrainerState, trainInPlace } from '@mlisp/trainer';
import type { Settings } from '../settings.js';
import { fromSnapshot, toSnapshot, transferables } from '../snapshot.js';
import type { Status } from '../store.js';
import { PredictionPass } from './predictions.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** The worker's global scope (typed here so the app compiles with the DOM lib only). */
const scope = self as unknown as {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
};
/** Longest stretch of training between two looks at the message queue. */
const SLICE_MS = 60;
/**
 * The engine path: the trainer's choice, as in `mlisp train` (float64 on plain SIMD, the same
 * bits on every runtime; float32 on relaxed SIMD where the runtime has it), so the page trains
 * the same model as the CLI, bit for bit.
 */
const ENGINE = 'auto';
/** Least time between two network snapshots (and prediction passes) sent to the page. */
const SNAPSHOT_MS = 400;

let split: MnistSplit | undefined;
let trainData: Dataset | undefined;
let testData: Dataset | undefined;
let settings: Settings | undefined;
/** A mini-batch size waiting for the next epoch boundary (it did not divide the samples done). */
let pendingBatch: number | null = null;
let network: Network | undefined;
let state: TrainerState | undefined;
/**
 * The run's generator until its first slice: it drew the initial weights and
 * goes on to draw the shuffles, as `mlisp train` does (after that the trainer
 * state carries it).
 */
let rng: Rng | undefined;
let status: Status = 'loading';
/** Bumped by configure/load, so a slice of an old run never reports. */
let generation = 0;
let lastSnapshot = 0;
/** Whether the page shows predictions; the pass under way; whether the network changed since. */
let watching = false;
let pass: PredictionPass | undefined;
let stale = true;
let lastPass = 0;
let predicting = false;

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
  stale = true;
  schedulePredictions();
}

/** One chunk of the prediction pass (starting one when the network changed). */
function predictChunk(): void {
  if (!watching || !network || !testData) return;
  if (!pass) {
    if (!stale) return;
    stale = false;
    pass = new PredictionPass(network, testData.inputs);
  }
  if (pass.step()) {
    const p = pass.result;
    pass = undefined;
    lastPass = performance.now();
    post({ type: 'predictions', predictions: p }, [
      p.digits.buffer,
      p.confidence.buffer,
      p.codes.buffer,
      p.codeLabels.buffer,
    ]);
  }
}

/** Predicts in chunks while training is not running (the run loop does it otherwise). */
function schedulePredictions(): void {
  if (predicting || status === 'running' || !watching) return;
  predicting = true;
  const tick = () => {
    predictChunk();
    if (pass && status !== 'running' && watching) setTimeout(tick, 0);
    else predicting = false;
  };
  setTimeout(tick, 0);
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
  pendingBatch = null;
  state = undefined;
  pass = undefined;
  rng = new Rng(s.seed);
  network = createNetwork(s.sizes, {
    activation: s.hidden,
    outputActivation: s.cost === 'log-likelihood' ? 'softmax' : 'sigmoid',
    init: s.init,
    rng,
    dtype: s.dtype,
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
 * Takes new η, λ, mini-batch size and epochs into the current run: η through
 * the trainer state (it holds the rate of the next mini-batch), λ and the
 * epochs through the options of the next slice, and the mini-batch size by
 * renumbering the mini-batches done in this epoch (or at the next epoch
 * boundary, when it does not divide the samples done).
 */
function update(next: Settings): void {
  if (!settings) return;
  const old = settings;
  settings = { ...old, eta: next.eta, lambda: next.lambda, epochs: next.epochs };
  if (state && next.eta !== old.eta) state = { ...state, eta: next.eta };
  pendingBatch = null;
  if (next.batch !== old.batch) {
    const done = (state?.batch ?? 0) * old.batch;
    if (done % next.batch === 0) {
      settings = { ...settings, batch: next.batch };
      if (state) state = { ...state, batch: done / next.batch };
    } else {
      pendingBatch = next.batch;
    }
  }
  post({ type: 'applied', settings, pendingBatch });
  const epochsDone = state?.epoch ?? 0;
  if (status === 'done' && epochsDone < settings.epochs) setStatus('paused');
  else if ((status === 'paused' || status === 'idle') && epochsDone >= settings.epochs && state) {
    setStatus('done');
  }
}

/** At an epoch boundary, a waiting mini-batch size takes over. */
function applyPendingBatch(): void {
  if (pendingBatch === null || !settings || (state && state.batch !== 0)) return;
  settings = { ...settings, batch: pendingBatch };
  pendingBatch = null;
  post({ type: 'applied', settings, pendingBatch });
}

/**
 * Trains for at most SLICE_MS (or exactly one mini-batch when `single`),
 * reporting epochs, progress and each mini-batch's cost, and returns
 * whether the run is finished.
 */
function slice(single: boolean): boolean {
  if (!network || !settings || !trainData || !testData) return true;
  applyPendingBatch();
  const s = settings;
  const controller = new AbortController();
  const started = performance.now();
  const done = state?.history.length ?? 0;
  const at: number[] = [];
  const cost: number[] = [];
  let last: { epoch: number; batch: number; batches: number } | undefined;
  let stopAtBoundary = pendingBatch !== null;
  const result = trainInPlace(network, trainData, {
    cost: s.cost,
    eta: s.eta,
    lambda: s.lambda,
    epochs: s.epochs,
    batchSize: s.batch,
    ...(state ? {} : { rng: rng ?? new Rng(s.seed) }),
    evaluationData: testData,
    monitor: { trainingCost: true, trainingAccuracy: true },
    learningSpeedSamples: 500,
    signal: controller.signal,
    resumeFrom: state,
    // One step is one mini-batch; the fast engine would run a chunk of them.
    engine: single ? 'matrix' : ENGINE,
    onBatch: (event) => {
      last = event;
      if (typeof event.cost === 'number') {
        at.push(event.epoch - 1 + (event.batch + 1) / event.batches);
        cost.push(event.cost);
      }
      const boundary = stopAtBoundary && event.batch + 1 === event.batches;
      if (boundary) stopAtBoundary = false;
      if (single || boundary || performance.now() - started > SLICE_MS) controller.abort();
    },
  });
  state = result.state;
  rng = undefined;
  if (last) {
    const { epoch, batch, batches } = last;
    post({ type: 'progress', epoch, batch: batch + 1, batches });
  }
  if (at.length > 0) post({ type: 'batch-cost', at, cost });
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
    else {
      // A pass of predictions between two slices (a few chunks of 400
      // digits, tens of ms), at most one per SNAPSHOT_MS.
      if (performance.now() - lastPass > SNAPSHOT_MS) {
        predictChunk();
        while (pass) predictChunk();
      }
      setTimeout(() => run(gen), 0);
    }
    if (status !== 'running') schedulePredictions();
  } catch (error) {
    fail(error);
  }
}

scope.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  try {
    switch (message.type) {
      case 'data': {
        split = parseBundled(new Uint8Array(message.bytes));
        post({ type: 'ready', trainSize: split.train.size, testSize: split.test.size });
        const images = Float32Array.from(split.test.images.data);
        const labels = Uint8Array.from(split.test.labels);
        post({ type: 'test-set', images, labels }, [images.buffer, labels.buffer]);
        if (settings) configure(settings);
        break;
      }
      case 'configure':
        configure(message.settings);
        break;
      case 'update':
        update(message.settings);
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
      case 'watch-predictions':
        watching = message.on;
        if (watching) schedulePredictions();
        else pass = undefined;
        break;
      case 'load':
        generation++;
        settings = message.settings;
        pendingBatch = null;
        if (split) datasets(settings);
        network = fromSnapshot(message.snapshot);
        state = undefined;
        // A loaded network: the shuffles come from a fresh generator, as `mlisp train --init FILE`.
        rng = new Rng(settings.seed);
        pass = undefined;
        post({ type: 'reset' });
        sendModel();
        setStatus(split ? 'idle' : 'loading');
        break;
    }
  } catch (error) {
    fail(error);
  }
});
