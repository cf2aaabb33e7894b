import { binaryLayer } from '@mlisp/encoders';
import { feedforward, type Network } from '@mlisp/neurons';
import type { Check } from './types.js';
import { check, fmt } from './util.js';

/*
 * Problem 3's gain under the premise as the problem states it: the true digit's
 * output is at least 0.99 and every other output at most 0.01 (any values in
 * those ranges, not exactly 0.99 and 0.01).
 */

/** The least output of the true digit under the premise. */
export const PREMISE_HIGH = 0.99;
/** The largest output of every other digit under the premise. */
export const PREMISE_LOW = 0.01;

/** The input the premise allows that brings one output neuron closest to the wrong side. */
export interface WorstInput {
  /** The true digit. */
  readonly digit: number;
  /** The output neuron (0 = LSB). */
  readonly bit: number;
  /** The one-hot layer's outputs: 0.99 at the digit, 0.01 or 0 elsewhere. */
  readonly x: number[];
  /** How far z is on the right side: z where the bit is set, −z where not (gain 1). */
  readonly margin: number;
}

/**
 * For each digit t and output neuron j, the input the premise allows that
 * pushes z_j furthest toward the wrong side (z is linear in x, so it is a
 * corner of the box x_t ∈ [0.99, 1], x_d ∈ [0, 0.01]): x_t = 0.99, and
 * x_d = 0.01 where w_jd pulls against the bit, 0 where it helps.
 *
 * @param weights - the table, one row per output neuron (LSB first), ten columns
 * @returns 10 × rows inputs, digit by digit
 */
export function premiseInputs(weights: readonly (readonly number[])[]): WorstInput[] {
  const inputs: WorstInput[] = [];
  for (let t = 0; t < 10; t++) {
    weights.forEach((row, j) => {
      const sign = Math.floor(t / 2 ** j) % 2 === 1 ? 1 : -1;
      const x = row.map((w, d) => (d === t ? PREMISE_HIGH : sign * w < 0 ? PREMISE_LOW : 0));
      const margin = sign * row.reduce((s, w, d) => s + w * (x[d] as number), 0);
      inputs.push({ digit: t, bit: j, x, margin });
    });
  }
  return inputs;
}

/**
 * The premise's worst input: the least margin of {@link premiseInputs}.
 *
 * @param weights - the table, one row per output neuron (LSB first), ten columns
 */
export function worstPremiseInput(weights: readonly (readonly number[])[]): WorstInput {
  const inputs = premiseInputs(weights);
  const first = inputs[0];
  if (first === undefined) throw new RangeError('worstPremiseInput: the table has no rows');
  return inputs.reduce((w, i) => (i.margin < w.margin ? i : w), first);
}

/**
 * Whether the layer of `@mlisp/encoders` at this gain saturates every output
 * neuron on its worst inputs of the premise (so on every input the premise allows).
 *
 * @param gain - the factor on every weight
 * @param inputs - the premise's worst inputs (from {@link premiseInputs})
 */
export function premiseSaturates(gain: number, inputs: readonly WorstInput[]): boolean {
  const outputs = binaryOutputs(
    gain,
    inputs.map((i) => i.x),
  );
  return inputs.every((input, k) => {
    const a = (outputs[k] as number[])[input.bit] as number;
    const set = Math.floor(input.digit / 2 ** input.bit) % 2 === 1;
    return set ? a >= PREMISE_HIGH : a <= PREMISE_LOW;
  });
}

/**
 * The outputs of the 10 → 4 layer (gain × table) for a batch of one-hot outputs.
 *
 * @param gain - the factor on every weight
 * @param inputs - one-hot layer outputs, one row of ten per sample
 */
export function binaryOutputs(gain: number, inputs: readonly (readonly number[])[]): number[][] {
  const net: Network = { sizes: [10, 4], layers: [binaryLayer(10, { gain })] };
  return inputs.map((x) => Array.from(feedforward(net, [...x])));
}

/**
 * The smallest gain under the premise: logit(0.99)/margin of the worst input
 * equals the bisection, every output saturates there on the worst input, and
 * not just below.
 *
 * @param worst - the worst input (from {@link worstPremiseInput})
 * @param analytic - logit(0.99)/worst.margin
 * @param bisected - the bisection's result
 * @param holdsAt - whether every worst input saturates at the bisected gain
 * @param failsBelow - whether it fails at (1 − 1e−9) × the bisected gain
 * @param atExactGain - the worst input's output at the 0.99/0.01-input gain, for the report
 */
export function checkPremiseGain(
  worst: WorstInput,
  analytic: number,
  bisected: number,
  holdsAt: boolean,
  failsBelow: boolean,
  atExactGain: { gain: number; output: number },
): Check {
  const agree = Math.abs(analytic - bisected) <= 1e-9 * analytic;
  const xs = worst.x.map((v, d) => `x${d} = ${v}`).join(', ');
  return check(
    'smallest gain under the premise as stated (true digit ≥ 0.99, others ≤ 0.01), worst input named',
    `logit(0.99)/${fmt(worst.margin)} = ${fmt(analytic, 8)} = bisection; holds there, fails at (1 − 1e−9)×`,
    `bisection ${fmt(bisected, 8)}; holds: ${holdsAt}; fails just below: ${failsBelow}; worst input: digit ${worst.digit} (${xs}), output neuron ${worst.bit + 1}, z = ${fmt(worst.margin)} per unit gain; at gain ${fmt(atExactGain.gain, 5)} it gives ${fmt(atExactGain.output, 5)}`,
    agree && holdsAt && failsBelow,
  );
}
