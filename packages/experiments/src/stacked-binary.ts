import { type BinaryDecoding, decodeBinaryBatch, stackBinaryEncoder } from '@mlisp/encoders';
import { createNetwork, feedforward } from '@mlisp/neurons';
import { argmaxRows, type Matrix } from '@mlisp/tensor';
import { trainInPlace } from '@mlisp/trainer';
import { requireMnist, trainerData } from './mnist-data.js';
import type { Check, ExperimentOptions } from './types.js';
import { check, fmt, rngOf } from './util.js';

/*
 * Problem 3, part two: the binary layer stacked on a network trained on MNIST.
 */

/** How binary decoding of the stacked network compares with argmax decoding of the original. */
export interface DecodingComparison {
  /** Test digits. */
  readonly n: number;
  /** Digits whose one-hot output is dominant: the largest output exceeds the sum of all the others. */
  readonly dominant: number;
  /** Of those, how many argmax and binary decoding get right. */
  readonly dominantArgmaxCorrect: number;
  readonly dominantBinaryCorrect: number;
  /** Digits where the binary code names another digit than argmax (or no digit). */
  readonly disagreements: number;
  /** Of those, how many have a dominant output (the premise of problem 3). */
  readonly dominantDisagreements: number;
  /** Correct over all digits. */
  readonly argmaxCorrect: number;
  readonly binaryCorrect: number;
  /** Codes that name no digit (e.g. 1111). */
  readonly invalid: number;
}

/**
 * Compares binary decoding of the stacked network with argmax decoding of the
 * original, overall and on the digits whose output is dominant. When the
 * largest output exceeds the sum of the others, the group of digits with a bit
 * set that contains it outweighs the other group for every bit, so the code
 * must name the argmax digit.
 *
 * @param labels - the true digits
 * @param outputs - the original network's outputs, one row per digit (n x 10)
 * @param binary - the stacked network's decoded codes, one per digit
 */
export function compareDecodings(
  labels: ArrayLike<number>,
  outputs: Matrix,
  binary: readonly BinaryDecoding[],
): DecodingComparison {
  const argmax = argmaxRows(outputs);
  const counts = {
    dominant: 0,
    dominantArgmaxCorrect: 0,
    dominantBinaryCorrect: 0,
    disagreements: 0,
  };
  let dominantDisagreements = 0;
  let argmaxCorrect = 0;
  let binaryCorrect = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = outputs.data.subarray(i * outputs.cols, (i + 1) * outputs.cols);
    const top = row[argmax[i] as number] as number;
    let total = 0;
    for (const v of row) total += v;
    const rest = total - top;
    const isDominant = top > rest;
    const label = binary[i]?.label ?? null;
    const argmaxRight = argmax[i] === labels[i];
    const binaryRight = label === labels[i];
    if (argmaxRight) argmaxCorrect++;
    if (binaryRight) binaryCorrect++;
    if (label !== argmax[i]) {
      counts.disagreements++;
      if (isDominant) dominantDisagreements++;
    }
    if (isDominant) {
      counts.dominant++;
      if (argmaxRight) counts.dominantArgmaxCorrect++;
      if (binaryRight) counts.dominantBinaryCorrect++;
    }
  }
  const invalid = binary.filter((b) => !b.valid).length;
  return {
    n: labels.length,
    ...counts,
    dominantDisagreements,
    argmaxCorrect,
    binaryCorrect,
    invalid,
  };
}

/**
 * On the digits where the one-hot output is dominant (problem 3's premise), the
 * binary-decoded accuracy equals the argmax accuracy (every code names the
 * argmax digit); elsewhere the two may differ, and the observation says by how much.
 *
 * @param c - the comparison from {@link compareDecodings}
 */
export function checkBinaryAccuracy(c: DecodingComparison): Check {
  const pct = (k: number, n: number) => `${k}/${n} (${fmt((100 * k) / Math.max(n, 1))}%)`;
  return check(
    `stacked on a trained [784, 30, 10] network, ${c.n} test digits: binary vs argmax accuracy where the output is dominant (largest > sum of the others)`,
    'equal (the code names the argmax digit on every such digit)',
    `dominant ${c.dominant} digits: binary ${pct(c.dominantBinaryCorrect, c.dominant)}, argmax ${pct(c.dominantArgmaxCorrect, c.dominant)}, ${c.dominantDisagreements} disagreements; all digits: binary ${pct(c.binaryCorrect, c.n)}, argmax ${pct(c.argmaxCorrect, c.n)}, ${c.disagreements} disagreements, ${c.invalid} invalid codes`,
    c.dominant > 0 &&
      c.dominantDisagreements === 0 &&
      c.dominantBinaryCorrect === c.dominantArgmaxCorrect,
  );
}

/**
 * Trains a [784, 30, 10] sigmoid network on the MNIST training split (cross-entropy,
 * η = 0.5, mini-batches of 10, λ = 1), stacks the binary layer on it and checks
 * the decodings on the test split with {@link checkBinaryAccuracy}.
 *
 * @param options - seed, quick mode (2000 images, 1 epoch; else all, 3 epochs), MNIST data (required)
 * @param gain - the binary layer's gain
 */
export function stackedCheck(options: ExperimentOptions, gain: number): Check {
  const mnist = requireMnist(options, 3);
  const train = trainerData(mnist.train, options.quick ? 2000 : mnist.train.size);
  const network = createNetwork([784, 30, 10], { init: 'scaled', rng: rngOf(options, 3) });
  trainInPlace(network, train, {
    cost: 'cross-entropy',
    eta: 0.5,
    epochs: options.quick ? 1 : 3,
    batchSize: 10,
    lambda: 1,
    seed: options.seed ?? 1,
    monitor: { trainingCost: false, trainingAccuracy: false },
    learningSpeedSamples: 0,
  });
  const images: Matrix = mnist.test.images;
  const binary = decodeBinaryBatch(feedforward(stackBinaryEncoder(network, { gain }), images), 10);
  return checkBinaryAccuracy(
    compareDecodings(mnist.test.labels, feedforward(network, images), binary),
  );
}
