/**
 * Loading the digits for a command: the bundled 7996/2004 split, or the four
 * MNIST IDX files of a folder, cut to the first N samples when asked (a folder's
 * files are read no further than those), pixels in float64 or float32.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IdxFormatError, type MnistSplit, subset } from '@mlisp/mnist';
import { loadBundled, MNIST_FILES, readMnistFolder } from '@mlisp/mnist/node';
import type { DType, FloatArray } from '@mlisp/tensor';
import { RunError, UsageError } from './errors.js';
import type { DataChoice } from './flags.js';

/** How many samples of each set to keep (all when undefined), and the pixels' number type. */
export interface DataLimits {
  train?: number | undefined;
  test?: number | undefined;
  /** float64 (default) or float32 pixels. */
  dtype?: DType;
}

/** A human name of the data source, for summaries. */
export function describeData(choice: DataChoice): string {
  return choice.kind === 'bundled' ? 'the bundled digits' : `MNIST files in ${choice.path}`;
}

function checkFolder(dir: string): void {
  for (const name of Object.values(MNIST_FILES)) {
    const dotted = name.replace('-idx', '.idx');
    const found = [name, `${name}.gz`, dotted, `${dotted}.gz`].some((n) =>
      existsSync(join(dir, n)),
    );
    if (!found) {
      throw new UsageError(
        `--data: folder '${dir}' has no ${name} (or ${name}.gz); it needs the four MNIST files ${Object.values(MNIST_FILES).join(', ')}`,
      );
    }
  }
}

function cut<T extends FloatArray>(split: MnistSplit<T>, limits: DataLimits): MnistSplit<T> {
  const { train, test } = limits;
  if (train !== undefined && train > split.train.size) {
    throw new UsageError(
      `invalid value for --train: '${train}' (the training set has ${split.train.size} samples)`,
    );
  }
  if (test !== undefined && test > split.test.size) {
    throw new UsageError(
      `invalid value for --test: '${test}' (the test set has ${split.test.size} samples)`,
    );
  }
  return {
    train: train === undefined ? split.train : subset(split.train, train),
    test: test === undefined ? split.test : subset(split.test, test),
  };
}

/**
 * The data a command works on.
 *
 * @param choice - bundled digits or a folder of IDX files (already checked to exist)
 * @param limits - keep only the first N training / test samples; `dtype` of the pixels
 * @throws UsageError for a folder without the four files or limits larger than the data;
 *   RunError for damaged files
 */
export async function loadData(
  choice: DataChoice,
  limits: DataLimits = {},
): Promise<MnistSplit<FloatArray>> {
  let split: MnistSplit<FloatArray>;
  const dtype = limits.dtype ?? 'float64';
  try {
    if (choice.kind === 'bundled') {
      split = await loadBundled({ dtype });
    } else {
      checkFolder(choice.path);
      // Reads only the samples kept; a limit larger than the files is reported by cut().
      split = await readMnistFolder(choice.path, {
        dtype,
        ...(limits.train === undefined ? {} : { train: limits.train }),
        ...(limits.test === undefined ? {} : { test: limits.test }),
      });
    }
  } catch (error) {
    if (error instanceof IdxFormatError) throw new RunError(error.message);
    throw error;
  }
  if (split.test.size === 0) {
    throw new UsageError(
      `--data: the test set of ${describeData(choice)} has no digits; there is nothing to evaluate on`,
    );
  }
  return cut(split, limits);
}
