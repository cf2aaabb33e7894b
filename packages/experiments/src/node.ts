/**
 * @mlisp/experiments/node: the Node-only helper that loads the bundled MNIST
 * digits for problems 3 and 8. Everything else is in the main entry, which
 * runs in browsers.
 *
 * @packageDocumentation
 */
import { loadBundledSync } from '@mlisp/mnist/node';
import type { ExperimentOptions } from './types.js';

/**
 * The options with `mnist` set to the bundled split of `@mlisp/mnist` (7996
 * training, 2004 test digits) unless they already name data.
 *
 * @param options - the experiment options to complete (not modified)
 * @returns a new options object
 * @throws IdxFormatError (of @mlisp/mnist) when the bundled asset is missing or damaged
 */
export function withBundledMnist(options: ExperimentOptions = {}): ExperimentOptions {
  return options.mnist === undefined ? { ...options, mnist: loadBundledSync() } : { ...options };
}
