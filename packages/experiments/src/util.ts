import { Rng } from '@mlisp/tensor';
import type { Check, ExperimentOptions } from './types.js';

/** The default seed of every experiment. */
export const DEFAULT_SEED = 1;

/**
 * A check whose verdict is the given boolean (computed by the caller from what ran).
 *
 * @param name - what is checked
 * @param expected - what the claim predicts
 * @param observed - what was measured
 * @param pass - the verdict
 */
export function check(
  name: string,
  expected: string | number,
  observed: string | number,
  pass: boolean,
): Check {
  return { name, expected, observed, pass };
}

/**
 * The seed of `options`, checked: a non-negative safe integer (default 1).
 *
 * @param options - the experiment's options
 * @throws TypeError naming the value otherwise
 */
export function seedOf(options: ExperimentOptions): number {
  const seed = options.seed ?? DEFAULT_SEED;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new TypeError(`seed must be a non-negative safe integer, got ${String(seed)}`);
  }
  return seed;
}

const TWO_POW_32 = 2 ** 32;
const TWO_POW_21 = 2 ** 21;

/**
 * The generator an experiment draws from, made from `options.seed`: the seed
 * `seed·1009 + stream` while that is a safe integer; for larger seeds their
 * low 32 bits and (high bits·1009 + stream) mod 2^21 above them, so every seed
 * up to 2^53 − 1 works and streams stay distinct.
 *
 * @param options - the experiment's options
 * @param stream - a number that gives each part of an experiment its own stream
 */
export function rngOf(options: ExperimentOptions, stream = 0): Rng {
  const seed = seedOf(options);
  const plain = seed * 1009 + stream;
  if (Number.isSafeInteger(plain)) return new Rng(plain);
  const lo = seed % TWO_POW_32;
  const hi = (Math.floor(seed / TWO_POW_32) * 1009 + stream) % TWO_POW_21;
  return new Rng(hi * TWO_POW_32 + lo);
}

/**
 * The checks `run` computes, or, when it throws, one failing check that names
 * the error: a wrong implementation makes checks fail, it never stops an experiment.
 *
 * @param name - what the checks check, for the failing check
 * @param expected - what the claim predicts, for the failing check
 * @param run - computes the checks
 */
export function attempt(name: string, expected: string, run: () => Check | Check[]): Check[] {
  try {
    const result = run();
    return Array.isArray(result) ? result : [result];
  } catch (e) {
    return [check(name, expected, `error: ${describeError(e)}`, false)];
  }
}

/**
 * `Name: message` of a thrown value.
 *
 * @param e - what was thrown
 */
export function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * A number in short scientific or fixed notation for `observed` strings.
 *
 * @param x - the number
 * @param digits - significant digits (default 3)
 */
export function fmt(x: number, digits = 3): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e5) return String(Number(x.toPrecision(digits)));
  return x.toExponential(digits - 1);
}

/**
 * The largest |a[i] − b[i]|.
 *
 * @param a - the first values
 * @param b - the second values, as many as a
 */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`maxAbsDiff: ${a.length} values vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (!(d <= m)) m = d;
  }
  return m;
}

/**
 * Values from `low` to `high` in `count` equal steps (both ends included).
 *
 * @param low - first value
 * @param high - last value
 * @param count - how many values (≥ 2)
 */
export function linspace(low: number, high: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => low + ((high - low) * i) / (count - 1));
}

/**
 * The logistic sigmoid σ(z) = 1 / (1 + e^(−z)), without overflow.
 *
 * @param z - the weighted input
 */
export function sigma(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * σ'(z) = σ(z)(1 − σ(z)).
 *
 * @param z - the weighted input
 */
export function sigmaPrime(z: number): number {
  const s = sigma(z);
  return s * (1 - s);
}

/**
 * A random integer in [low, high].
 *
 * @param rng - the generator
 * @param low - smallest value
 * @param high - largest value
 */
export function intBetween(rng: Rng, low: number, high: number): number {
  return low + rng.int(high - low + 1);
}

/**
 * The median of the values (the upper one of the middle two for an even count).
 *
 * @param values - the values (not modified)
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
