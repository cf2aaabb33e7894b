import { binaryCode, binaryLayer, binaryWeights, decodeBinary } from '@mlisp/encoders';
import { feedforward, type Network } from '@mlisp/neurons';
import { fromArray } from '@mlisp/tensor';
import {
  binaryOutputs,
  checkPremiseGain,
  PREMISE_HIGH,
  premiseInputs,
  premiseSaturates,
  worstPremiseInput,
} from './binary-gain.js';
import { stackedCheck } from './stacked-binary.js';
import type { Check, ExperimentOptions, ExperimentResult, Series } from './types.js';
import { attempt, check, fmt } from './util.js';

/** The problem set's weight table, row by row: output neuron 1 (LSB) first, column d = digit d. */
export const PROBLEM_SET_TABLE: readonly (readonly number[])[] = [
  [-1, 1, -1, 1, -1, 1, -1, 1, -1, 1],
  [-1, -1, 1, 1, -1, -1, 1, 1, -1, -1],
  [-1, -1, -1, -1, 1, 1, 1, 1, -1, -1],
  [-1, -1, -1, -1, -1, -1, -1, -1, 1, 1],
];
/** The worked example's pre-activations for digit 9 (0.99 at 9, 0.01 elsewhere). */
export const WORKED_EXAMPLE_Z: readonly number[] = [0.98, -1, -1, 0.92];
/** The activation of the true digit in the worked example (the errata's 0.99, not 0.09). */
export const HIGH = 0.99;
/** The activation of every other digit. */
export const LOW = 0.01;
/** "Just below" the smallest gain: this relative amount less. */
export const JUST_BELOW = 1e-9;

/**
 * The one-hot layer's outputs the problem assumes: `HIGH` at the true digit, `LOW` elsewhere.
 *
 * @param digit - the true digit
 * @param classes - the number of classes (default 10)
 */
export function confidentOutputs(digit: number, classes = 10): number[] {
  return Array.from({ length: classes }, (_, d) => (d === digit ? HIGH : LOW));
}

/**
 * z_j = Σ_d w_jd x_d (bias 0) of every output neuron.
 *
 * @param weights - the table, one row per output neuron
 * @param x - the one-hot layer's outputs
 */
export function preActivations(
  weights: readonly (readonly number[])[],
  x: readonly number[],
): number[] {
  return weights.map((row) => row.reduce((s, w, d) => s + w * (x[d] as number), 0));
}

/**
 * The layer's weights are exactly the problem set's table.
 *
 * @param weights - the weights to check, one row per output neuron (LSB first)
 */
export function checkEncoderTable(weights: readonly (readonly number[])[]): Check {
  const mismatches: string[] = [];
  PROBLEM_SET_TABLE.forEach((row, j) => {
    row.forEach((w, d) => {
      const got = weights[j]?.[d];
      if (got !== w) mismatches.push(`neuron ${j + 1}, w_${d} = ${String(got)} (table: ${w})`);
    });
  });
  const sameShape =
    weights.length === PROBLEM_SET_TABLE.length && weights.every((r) => r.length === 10);
  return check(
    'the 10 → 4 layer has the problem set table (+1 where the bit is set, −1 where not, bias 0)',
    'every weight equal to the table',
    mismatches.length === 0 && sameShape
      ? 'all 40 weights equal'
      : `differs: ${mismatches.slice(0, 3).join('; ') || 'shape'}`,
    mismatches.length === 0 && sameShape,
  );
}

/**
 * The worked example: z = (0.98, −1, −1, 0.92) and code 1001 (each neuron's own z > 0).
 *
 * @param z - the pre-activations computed for digit 9
 * @param code - the decoded code, MSB first
 */
export function checkWorkedExample(z: readonly number[], code: string): Check {
  const error = Math.max(...WORKED_EXAMPLE_Z.map((e, j) => Math.abs((z[j] as number) - e)));
  return check(
    'worked example (0.99 at digit 9, 0.01 elsewhere): pre-activations and code',
    `z = ${WORKED_EXAMPLE_Z.join(', ')} → 1001`,
    `z = ${z.map((v) => fmt(v, 6)).join(', ')} → ${code}`,
    z.length === 4 && error <= 1e-12 && code === '1001',
  );
}

/**
 * Every digit decodes to itself.
 *
 * @param decoded - the decoded label of digit d's input at index d (null for an invalid code)
 * @param what - what the inputs were, for the name
 */
export function checkAllDigits(decoded: readonly (number | null)[], what: string): Check {
  const wrong = decoded
    .map((label, d) => (label === d ? null : `${d} → ${String(label)}`))
    .filter((w) => w !== null);
  return check(
    `all ten digits decode correctly (${what})`,
    '0 → 0000 … 9 → 1001',
    wrong.length === 0 ? `${decoded.length} of 10 correct` : `wrong: ${wrong.join(', ')}`,
    decoded.length === 10 && wrong.length === 0,
  );
}

/**
 * Whether, at this gain, every output for every digit's confident input is
 * ≥ 0.99 where the digit's bit is set and ≤ 0.01 where it is not.
 *
 * @param gain - the factor on every weight
 */
export function saturatesAt(gain: number): boolean {
  const layer = binaryLayer(10, { gain });
  const net: Network = { sizes: [10, 4], layers: [layer] };
  const outputs = feedforward(
    net,
    fromArray(Array.from({ length: 10 }, (_, d) => confidentOutputs(d))),
  );
  for (let d = 0; d < 10; d++) {
    for (let j = 0; j < 4; j++) {
      const a = outputs.data[d * 4 + j] as number;
      const set = Math.floor(d / 2 ** j) % 2 === 1;
      if (set ? !(a >= HIGH) : !(a <= LOW)) return false;
    }
  }
  return true;
}

/**
 * logit(0.99) / min |z| over all digits and bits of the inputs exactly 0.99
 * and 0.01: the gain at which the weakest output reaches 0.99 (or 0.01), and
 * where that weakest output is (the first digit and neuron with the least |z|).
 */
export function analyticSmallestGain(): { gain: number; minZ: number; digit: number; bit: number } {
  let minZ = Number.POSITIVE_INFINITY;
  let digit = -1;
  let bit = -1;
  for (let d = 0; d < 10; d++) {
    preActivations(binaryWeights(10), confidentOutputs(d)).forEach((z, j) => {
      if (Math.abs(z) < minZ) {
        minZ = Math.abs(z);
        digit = d;
        bit = j;
      }
    });
  }
  return { gain: Math.log(HIGH / (1 - HIGH)) / minZ, minZ, digit, bit };
}

/**
 * The smallest gain at which `holds` is true, by bisection on [low, high]
 * (holds(low) false, holds(high) true), to a relative width of 1e−13.
 *
 * @param holds - the predicate, monotone in the gain
 * @param low - a gain where it fails
 * @param high - a gain where it holds
 */
export function bisectSmallestGain(holds: (gain: number) => boolean, low = 1, high = 100): number {
  if (holds(low) || !holds(high))
    throw new RangeError(`bisection needs holds(${low}) false and holds(${high}) true`);
  while (high - low > 1e-13 * high) {
    const mid = (low + high) / 2;
    if (holds(mid)) high = mid;
    else low = mid;
  }
  return high;
}

/**
 * The smallest gain: analytic and bisection agree, the condition holds at it and fails just below.
 *
 * @param analytic - logit(0.99)/min|z|
 * @param bisected - the bisection's result
 * @param holdsAt - whether every output is ≥ 0.99 or ≤ 0.01 at the reported gain
 * @param failsBelow - whether it fails at (1 − 1e−9) × the reported gain
 * @param worst - where the weakest output is, for the report
 */
export function checkSmallestGain(
  analytic: number,
  bisected: number,
  holdsAt: boolean,
  failsBelow: boolean,
  worst = '',
): Check {
  const agree = Math.abs(analytic - bisected) <= 1e-9 * analytic;
  return check(
    'smallest gain with every output ≥ 0.99 or ≤ 0.01 for inputs of exactly 0.99 and 0.01 (all ten digits), worst input named',
    `logit(0.99)/min|z| = ${fmt(analytic, 8)} = bisection; holds there, fails at (1 − 1e−9)×`,
    `bisection ${fmt(bisected, 8)}; holds: ${holdsAt}; fails just below: ${failsBelow}${worst === '' ? '' : `; worst input: ${worst}`}`,
    agree && holdsAt && failsBelow,
  );
}

function tableChecks(): Check[] {
  const table = binaryWeights(10);
  const z = preActivations(table, confidentOutputs(9));
  const layer = binaryLayer(10);
  const net: Network = { sizes: [10, 4], layers: [layer] };
  const decode = (x: number[]) => decodeBinary(feedforward(net, x), 10).label;
  return [
    checkEncoderTable(table),
    checkWorkedExample(z, decodeBinary(z, 10, { threshold: 0 }).code),
    checkAllDigits(
      Array.from({ length: 10 }, (_, d) => decode(confidentOutputs(d))),
      'gain 1, 0.99 at the digit, 0.01 elsewhere',
    ),
  ];
}

/** The two smallest gains (NaN where a check could not compute one) and their checks. */
interface Gains {
  readonly checks: Check[];
  readonly exact: number;
  readonly premise: number;
  readonly exactMinZ: number;
  readonly premiseMargin: number;
}

function gainChecks(): Gains {
  const analytic = analyticSmallestGain();
  const worst = worstPremiseInput(PROBLEM_SET_TABLE);
  const inputs = premiseInputs(PROBLEM_SET_TABLE);
  let exact = Number.NaN;
  let premise = Number.NaN;
  const checks = [
    ...attempt(
      'smallest gain for inputs of exactly 0.99 and 0.01',
      'a gain where every output is ≥ 0.99 or ≤ 0.01',
      () => {
        exact = bisectSmallestGain(saturatesAt);
        return checkSmallestGain(
          analytic.gain,
          exact,
          saturatesAt(exact),
          !saturatesAt(exact * (1 - JUST_BELOW)),
          `digit ${analytic.digit} (0.99 at ${analytic.digit}, 0.01 elsewhere), output neuron ${analytic.bit + 1}, |z| = ${fmt(analytic.minZ)} per unit gain`,
        );
      },
    ),
    ...attempt(
      'smallest gain under the premise as stated (true digit ≥ 0.99, others ≤ 0.01)',
      'a gain where every output is ≥ 0.99 or ≤ 0.01',
      () => {
        premise = bisectSmallestGain((g) => premiseSaturates(g, inputs));
        const atGain = Number.isNaN(exact) ? analytic.gain : exact;
        const output = (binaryOutputs(atGain, [worst.x])[0] as number[])[worst.bit] as number;
        return checkPremiseGain(
          worst,
          Math.log(PREMISE_HIGH / (1 - PREMISE_HIGH)) / worst.margin,
          premise,
          premiseSaturates(premise, inputs),
          !premiseSaturates(premise * (1 - JUST_BELOW), inputs),
          { gain: atGain, output },
        );
      },
    ),
  ];
  return { checks, exact, premise, exactMinZ: analytic.minZ, premiseMargin: worst.margin };
}

function gainSeries(gains: Gains): Series[] {
  const x = Array.from({ length: 41 }, (_, i) => 0.25 * i);
  const common = {
    plot: 'gain',
    plotTitle: 'The weakest correct output as the gain grows',
    xLabel: 'gain',
    yLabel: 'weakest correct output',
  };
  return [
    {
      name: `inputs exactly 0.99 and 0.01: σ(gain·${fmt(gains.exactMinZ)})`,
      x,
      y: x.map((g) => 1 / (1 + Math.exp(-g * gains.exactMinZ))),
      ...common,
    },
    {
      name: `worst input of the premise: σ(gain·${fmt(gains.premiseMargin)})`,
      x,
      y: x.map((g) => 1 / (1 + Math.exp(-g * gains.premiseMargin))),
      ...common,
    },
    { name: '0.99', x: [0, 10], y: [HIGH, HIGH], ...common },
  ];
}

/**
 * Problem 3: the 10 → 4 sigmoid layer with the table's weights turns a
 * confident one-hot output into the digit's binary code.
 *
 * @param options - seed, quick mode (quick: 2000 training images, 1 epoch; else all 7996, 3 epochs), MNIST data (required)
 */
export function oneHotToBinary(options: ExperimentOptions = {}): ExperimentResult {
  const gains = gainChecks();
  const stackGain = Number.isFinite(gains.premise) ? gains.premise : 5;
  const checks = [
    ...attempt('the 10 → 4 layer on the table and the worked example', 'the table decodes', () =>
      tableChecks(),
    ),
    ...gains.checks,
    ...attempt(
      'the layer stacked on a trained network',
      'binary equals argmax where dominant',
      () => stackedCheck(options, stackGain),
    ),
  ];
  const codes = Array.from({ length: 10 }, (_, d) => d);
  return {
    id: 'one-hot-to-binary',
    problem: 3,
    title: 'From one-hot to binary',
    claim: `A sigmoid layer with weights +1 where the digit's bit is set and −1 where not (bias 0) turns the ten one-hot outputs into the 4-bit code (bit j set when σ(z_j) > 0.5, i.e. z_j > 0): for 0.99 at digit 9 and 0.01 elsewhere z = (0.98, −1, −1, 0.92) → 1001 (the problem set's 0.09 is a typo); a gain of ${fmt(gains.exact, 5)} makes every output ≥ 0.99 or ≤ 0.01 when the inputs are exactly 0.99 and 0.01, but the premise as stated (true digit ≥ 0.99, others ≤ 0.01) needs ${fmt(gains.premise, 5)} (its worst input has 0 where a 0.01 would help); stacked on a trained network, its code names the argmax digit — so binary and argmax accuracy are equal — wherever the one-hot output is dominant (the largest output exceeds the sum of the others).`,
    checks,
    series: [
      ...gainSeries(gains),
      {
        name: 'binary code value',
        x: codes,
        y: codes.map((d) => Number.parseInt(binaryCode(d, 10), 2)),
        plot: 'codes',
        plotTitle: "The value each digit's binary code spells",
        mark: 'bars',
        xLabel: 'digit',
        yLabel: 'decoded value',
      },
    ],
  };
}
