import { oneHotBatch } from '@mlisp/encoders';
import { type Dataset, type MnistSplit, subset } from '@mlisp/mnist';
import type { Dataset as TrainerDataset } from '@mlisp/trainer';
import type { ExperimentOptions } from './types.js';

/**
 * The MNIST split of the options, or a TypeError that says how to provide it.
 *
 * @param options - the experiment's options
 * @param problem - the problem that needs it, for the message
 */
export function requireMnist(options: ExperimentOptions, problem: number): MnistSplit {
  const mnist = options.mnist;
  if (
    mnist === undefined ||
    mnist === null ||
    typeof mnist !== 'object' ||
    !mnist.train ||
    !mnist.test
  ) {
    throw new TypeError(
      `problem ${problem} needs MNIST digits: pass options.mnist, the bundled split of @mlisp/mnist (loadBundled() of @mlisp/mnist/node, or fetchBundled(url) in a browser); in Node, withBundledMnist(options) of @mlisp/experiments/node fills it in`,
    );
  }
  return mnist;
}

/**
 * The first `n` samples of an MNIST data set as the trainer's data set (one-hot targets).
 *
 * @param data - the MNIST data set
 * @param n - how many samples, from the first (default: all)
 */
export function trainerData(data: Dataset, n = data.size): TrainerDataset {
  const part = subset(data, Math.min(n, data.size));
  return { inputs: part.images, targets: oneHotBatch(part.labels, 10), labels: part.labels };
}
