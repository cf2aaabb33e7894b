/** The human summary at the end of `mlisp train`: a few drawn test digits, then the results (last). */
import type { Dataset } from '@mlisp/mnist';
import type { Network } from '@mlisp/neurons';
import type { FloatArray } from '@mlisp/tensor';
import type { StopReason } from '@mlisp/trainer';
import { type Prediction, predictBatch } from './classify.js';
import { type Io, println, widthOf } from './output.js';
import { formatPercent, formatSeconds } from './progress.js';
import { renderSamples, type Sample } from './render.js';
import type { EpochRecord, TestFigures } from './train-run.js';
import { plural } from './train-settings.js';

/** Test digits predicted at a time while looking for the wrong ones. */
const PICK_CHUNK = 64;

/**
 * A few test digits: the first four, then the first two the network gets
 * wrong (when it gets any wrong among the first 500). Digits are predicted
 * a chunk at a time, only as far as it takes to find them.
 */
export function pickSamples(network: Network, test: Dataset<FloatArray>, count = 6): Sample[] {
  const n = Math.min(test.size, 500);
  const cols = test.images.cols;
  const shown = Math.min(n, count - 2);
  const predictions: Prediction[] = [];
  const wrongAt: number[] = [];
  for (let start = 0; start < n && wrongAt.length < count - shown; start += PICK_CHUNK) {
    const rows = Math.min(PICK_CHUNK, n - start);
    const data = test.images.data.subarray(start * cols, (start + rows) * cols);
    for (const p of predictBatch(network, { rows, cols, data })) {
      const i = predictions.push(p) - 1;
      if (i >= shown && wrongAt.length < count - shown && p.prediction !== test.labels[i])
        wrongAt.push(i);
    }
  }
  const sample = (i: number): Sample => ({
    ...(predictions[i] as Sample),
    index: i,
    label: test.labels[i] as number,
    pixels: test.images.data.subarray(i * cols, (i + 1) * cols),
  });
  const first = Array.from({ length: shown }, (_, i) => sample(i));
  const wrong = wrongAt.map(sample);
  for (let i = shown; i < predictions.length && first.length + wrong.length < count; i++) {
    if (!wrongAt.includes(i)) first.push(sample(i));
  }
  return [...first, ...wrong].sort((a, b) => a.index - b.index);
}

/** What the summary reports. */
export interface Summary {
  /** Epochs completed. */
  epochs: number;
  seconds: number;
  trainingSeconds: number;
  /** The most threads that trained (see `--threads`). */
  threads: number;
  /** `--threads auto`: each stretch of mini-batches ran on 1 thread or all, whichever was faster. */
  adaptiveThreads: boolean;
  /** The saved model on the test set. */
  evaluation: TestFigures;
  modelPath: string | null;
  checkpointPath: string | null;
  stopReason: StopReason;
  /** Mini-batches done in the unfinished epoch after Ctrl-C (0 at an epoch boundary), of `batches`. */
  batch: number;
  batches: number;
  records: readonly EpochRecord[];
  best: { epoch: number; accuracy: number } | null;
  /** The accuracy the best epoch is chosen by. */
  watched: 'validationAccuracy' | 'testAccuracy';
  /** The model evaluated and saved is the best epoch's (`--early-stop`). */
  keptBest: boolean;
  /** Patience of `--early-stop` / `--eta-schedule`, for the reason the run ended. */
  earlyStop: number | null;
  etaSchedule: number | null;
  /** No digit art. */
  quiet: boolean;
}

const WATCHED_NAME = { validationAccuracy: 'validation accuracy', testAccuracy: 'test accuracy' };

/** Why the run ended, in words. */
function endedBecause(s: Summary): string {
  const watched = WATCHED_NAME[s.watched];
  switch (s.stopReason) {
    case 'early-stopping':
      return `stopped early: ${watched} did not improve for ${plural(s.earlyStop ?? 0, 'epoch')}`;
    case 'schedule':
      return `stopped: η fell to 1/128 of its start (${watched} stalled for ${plural(s.etaSchedule ?? 0, 'epoch')} 7 times)`;
    case 'aborted':
      return s.batch > 0
        ? `stopped by Ctrl-C in epoch ${s.epochs + 1}, after ${s.batch} of ${s.batches} mini-batches`
        : `stopped by Ctrl-C after epoch ${s.epochs}`;
    default:
      return '';
  }
}

/** Which weights the test accuracy is of. */
function whichWeights(s: Summary): string {
  if (s.keptBest && s.best !== null) return `the best epoch's weights (epoch ${s.best.epoch})`;
  if (s.stopReason === 'aborted' && s.batch > 0) {
    return `the weights when stopped, in the middle of epoch ${s.epochs + 1}`;
  }
  return s.epochs > 0 ? `the weights after epoch ${s.epochs}` : 'the starting weights';
}

/**
 * Prints the end of a finished (or stopped) run: a few drawn test digits
 * (unless quiet), then the summary, last, so that it stays on screen: why it
 * ended, the last and the best epoch's watched accuracy, the test accuracy of
 * the model kept, and where it was saved.
 */
export function printSummary(
  io: Io,
  network: Network,
  test: Dataset<FloatArray>,
  s: Summary,
): void {
  const c = io.color;
  const e = s.evaluation;
  if (!s.quiet) {
    const samples = pickSamples(network, test);
    if (samples.length > 0) {
      println(io);
      println(
        io,
        `Some test digits, with the network's answer and the 4-bit code of problem 3's binary output layer:`,
      );
      println(io);
      for (const line of renderSamples(samples, widthOf(io), c)) println(io, line);
    }
  }
  println(io);
  const verb = s.stopReason === 'aborted' ? c.yellow('stopped') : c.green('done');
  println(
    io,
    `${verb}: ${plural(s.epochs, 'epoch')} in ${formatSeconds(s.seconds)} (training ${formatSeconds(s.trainingSeconds)}, ${threadsOf(s)}); test accuracy ${c.bold(formatPercent(e.accuracy))} (${e.correct}/${e.total}) of ${whichWeights(s)}`,
  );
  const why = endedBecause(s);
  if (why !== '') println(io, why);
  const last = s.records.at(-1);
  const watched = WATCHED_NAME[s.watched];
  const lastValue = last?.[s.watched];
  if (
    last !== undefined &&
    lastValue !== undefined &&
    s.best !== null &&
    (s.best.epoch !== last.epoch || s.keptBest || s.stopReason === 'aborted')
  ) {
    const bestText =
      s.best.epoch === last.epoch
        ? 'also the best'
        : `best: epoch ${s.best.epoch}, ${formatPercent(s.best.accuracy)}`;
    println(io, `${watched}: last epoch (${last.epoch}) ${formatPercent(lastValue)}; ${bestText}`);
  }
  if (s.modelPath !== null) println(io, `model saved to ${s.modelPath}`);
  else println(io, c.dim('model not saved (add --out FILE to keep it)'));
  if (s.checkpointPath !== null) {
    println(
      io,
      `checkpoint saved to ${s.checkpointPath}${s.stopReason === 'aborted' ? ` (continue with: mlisp train --resume ${s.checkpointPath})` : ''}`,
    );
  }
}

/** "1 thread", "3 threads", or with --threads auto "1 or 2 threads" (whichever measured faster). */
function threadsOf(s: Summary): string {
  return s.adaptiveThreads && s.threads > 1
    ? `1 or ${s.threads} threads`
    : plural(s.threads, 'thread');
}
