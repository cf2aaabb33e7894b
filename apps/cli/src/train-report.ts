/** The human summary at the end of `mlisp train`. */
import type { MnistSplit } from '@mlisp/mnist';
import type { Network } from '@mlisp/neurons';
import { type Evaluation, predictBatch } from './classify.js';
import { type Io, println, widthOf } from './output.js';
import { formatPercent, formatSeconds } from './progress.js';
import { renderSamples, type Sample } from './render.js';

/**
 * A few test digits: the first four, then the first two the network gets
 * wrong (when it gets any wrong).
 */
export function pickSamples(network: Network, test: MnistSplit['test'], count = 6): Sample[] {
  const n = Math.min(test.size, 500);
  const cols = test.images.cols;
  const predictions = predictBatch(network, {
    rows: n,
    cols,
    data: test.images.data.subarray(0, n * cols),
  });
  const sample = (i: number): Sample => ({
    ...(predictions[i] as Sample),
    index: i,
    label: test.labels[i] as number,
    pixels: test.images.data.subarray(i * cols, (i + 1) * cols),
  });
  const first = Array.from({ length: Math.min(n, count - 2) }, (_, i) => sample(i));
  const wrong: Sample[] = [];
  for (let i = first.length; i < n && wrong.length < count - first.length; i++) {
    if (predictions[i]?.prediction !== test.labels[i]) wrong.push(sample(i));
  }
  for (let i = first.length; i < n && first.length + wrong.length < count; i++) {
    if (!wrong.some((s) => s.index === i)) first.push(sample(i));
  }
  return [...first, ...wrong].sort((a, b) => a.index - b.index);
}

/** What the summary reports. */
export interface Summary {
  epochs: number;
  seconds: number;
  trainingSeconds: number;
  /** Threads that trained (see `--threads`). */
  threads: number;
  evaluation: Evaluation;
  modelPath: string | null;
  checkpointPath: string | null;
  interrupted: boolean;
}

/** Prints the summary of a finished (or stopped) run with a few drawn test digits. */
export function printSummary(io: Io, network: Network, data: MnistSplit, s: Summary): void {
  const c = io.color;
  const e = s.evaluation;
  println(io);
  const verb = s.interrupted ? c.yellow('stopped') : c.green('done');
  println(
    io,
    `${verb}: ${s.epochs} epoch${s.epochs === 1 ? '' : 's'} in ${formatSeconds(s.seconds)} (training ${formatSeconds(s.trainingSeconds)}, ${s.threads} thread${s.threads === 1 ? '' : 's'}); test accuracy ${c.bold(formatPercent(e.accuracy))} (${e.correct}/${e.total})`,
  );
  if (s.modelPath !== null) println(io, `model saved to ${s.modelPath}`);
  else println(io, c.dim('model not saved (add --out FILE to keep it)'));
  if (s.checkpointPath !== null) {
    println(
      io,
      `checkpoint saved to ${s.checkpointPath}${s.interrupted ? ` (continue with: mlisp train --resume ${s.checkpointPath})` : ''}`,
    );
  }
  const samples = pickSamples(network, data.test);
  if (samples.length === 0) return;
  println(io);
  println(
    io,
    `Some test digits, with the network's answer and the 4-bit code of problem 3's binary output layer:`,
  );
  println(io);
  for (const line of renderSamples(samples, widthOf(io), c)) println(io, line);
}
