import type { Rng } from '@mlisp/tensor';
import { chainForward, log10BiasRatio, randomChain, type ScalarActivation } from './chain.js';
import type { Check } from './types.js';
import { check, fmt, median } from './util.js';

/*
 * Problem 8 with a steep activation σ(kz), whose |σ'| reaches k/4 ≫ 1/4 at z = 0:
 * what random chains show.
 */

/** The steepness k of the steep sigmoid σ(kz): |σ'(0)| = k/4 = 2 ≫ 1/4. */
export const STEEPNESS = 8;

/** One random chain's log10 |∂C/∂b_1 / ∂C/∂b_4| and the largest |z_j| of the neurons whose σ' it multiplies. */
export interface ChainRatio {
  readonly log10Ratio: number;
  readonly maxZ: number;
  /** The largest |w_2|, |w_3|, |w_4| (the weights in the product). */
  readonly maxWeight: number;
}

/** log10 |∂C/∂b_1 / ∂C/∂b_4| of random chains under an activation, with their largest |z_1..z_3|. */
export function chainRatios(rng: Rng, count: number, activation: ScalarActivation): ChainRatio[] {
  const out: ChainRatio[] = [];
  for (let i = 0; i < count; i++) {
    const chain = randomChain(rng);
    const x = rng.uniform();
    const { zs } = chainForward(chain, x, activation);
    out.push({
      log10Ratio: log10BiasRatio(chain, x, activation),
      maxZ: Math.max(...zs.slice(0, -1).map(Math.abs)),
      maxWeight: Math.max(...chain.weights.slice(1).map(Math.abs)),
    });
  }
  return out;
}

/**
 * Half the width of the interval around 0 where |σ'(z)| > 1/4 for σ(kz):
 * k·σ'(kz) > 1/4 ⇔ cosh²(kz/2) < k ⇔ |z| < 2·acosh(√k)/k (none for k ≤ 1).
 *
 * @param k - the steepness
 */
export function steepRegion(k: number): number {
  return k > 1 ? (2 * Math.acosh(Math.sqrt(k))) / k : 0;
}

/**
 * |σ'(z)| exceeds 1/4 only near z = 0: on a grid of z in [−4, 4] the points
 * with |σ'(z)| > 1/4 form one interval around 0, of half-width 2·acosh(√k)/k.
 * Fails for the ordinary sigmoid, whose |σ'| never exceeds 1/4.
 *
 * @param name - the activation, for the name
 * @param derivative - σ'(z)
 * @param halfWidth - the predicted half-width
 */
export function checkSteepRegion(
  name: string,
  derivative: (z: number) => number,
  halfWidth: number,
): Check {
  const zs = Array.from({ length: 8001 }, (_, i) => -4 + i / 1000);
  const above = zs.filter((z) => Math.abs(derivative(z)) > 0.25);
  const low = above.length > 0 ? Math.min(...above) : Number.NaN;
  const high = above.length > 0 ? Math.max(...above) : Number.NaN;
  const contiguous = above.length === Math.round((high - low) * 1000) + 1;
  const matches =
    above.length > 0 &&
    contiguous &&
    Math.abs(high - halfWidth) <= 1e-3 &&
    Math.abs(low + halfWidth) <= 1e-3;
  return check(
    `${name}: where |σ'(z)| > 1/4 (z in [−4, 4], steps of 0.001)`,
    `one interval around 0, |z| < 2·acosh(√k)/k = ${fmt(halfWidth, 4)}`,
    above.length === 0
      ? 'nowhere'
      : `${contiguous ? 'one interval' : 'several pieces'}, z from ${fmt(low, 4)} to ${fmt(high, 4)}`,
    matches,
  );
}

/**
 * A steeper activation makes the product more unstable, mostly vanishing: over
 * random chains its median |∂C/∂b_1 / ∂C/∂b_4| is at least 100 times smaller
 * than the ordinary sigmoid's, and at least 90% of its chains vanish (ratio < 1).
 *
 * @param steep - the steep activation's chains
 * @param ordinary - the ordinary sigmoid's chains (same weights distribution)
 * @param name - the steep activation, for the name
 */
export function checkSteepVanishes(
  steep: readonly ChainRatio[],
  ordinary: readonly number[],
  name = `σ(${STEEPNESS}z)`,
): Check {
  const steepMedian = median(steep.map((c) => c.log10Ratio));
  const ordinaryMedian = median(ordinary);
  const vanishing = steep.filter((c) => c.log10Ratio < 0).length / steep.length;
  return check(
    `${name}, ${steep.length} random chains: |∂C/∂b_1 / ∂C/∂b_4| against the ordinary sigmoid's`,
    'median ≥ 100× smaller; ≥ 90% of chains vanish (ratio < 1)',
    `median 10^${fmt(steepMedian)} vs 10^${fmt(ordinaryMedian)}; ${fmt(100 * vanishing)}% vanish`,
    steep.length > 0 && steepMedian <= ordinaryMedian - 2 && vanishing >= 0.9,
  );
}

/** The largest weight magnitude of the explosion bound. */
export const BOUND_WEIGHT = 4;

/**
 * How far from 0 a z can be in a chain of four σ(kz) neurons whose gradient
 * grows toward the input (ratio > 1) when every |w_j| < W: the other two σ'
 * are at most k/4 and the three weights below W, so this σ' must be at least
 * 16/(k³W³), i.e. |z| ≤ 2·acosh((kW/4)^{3/2})/k.
 *
 * @param k - the steepness
 * @param w - the weight bound W
 */
export function explosionBound(k: number, w = BOUND_WEIGHT): number {
  return (2 * Math.acosh(Math.max(1, ((k * w) / 4) ** 1.5))) / k;
}

/**
 * A steep chain explodes (ratio > 1) rarely (≤ 5% of chains), and only with
 * its z's near 0: every such chain with |w_j| < 4 has every |z_j| within
 * {@link explosionBound} (and the report shows how many stay where |σ'| > 1/4).
 *
 * @param steep - the steep activation's chains
 * @param region - the half-width of the region where |σ'| > 1/4
 * @param bound - the half-width allowed by the bound
 */
export function checkExplodesOnlyNearZero(
  steep: readonly ChainRatio[],
  region: number,
  bound: number,
): Check {
  const exploding = steep.filter((c) => c.log10Ratio > 0);
  const eligible = exploding.filter((c) => c.maxWeight < BOUND_WEIGHT);
  const outside = eligible.filter((c) => c.maxZ > bound).length;
  const inRegion = exploding.filter((c) => c.maxZ < region).length;
  const share = exploding.length / steep.length;
  return check(
    `steep sigmoid σ(${STEEPNESS}z), ${steep.length} random chains: the chains whose gradient grows toward the input`,
    `≤ 5% of chains; each (with |w_j| < ${BOUND_WEIGHT}) has every |z_1|, |z_2|, |z_3| ≤ ${fmt(bound, 3)}`,
    `${exploding.length} chains (${fmt(100 * share)}%), largest |z| ${exploding.map((c) => fmt(c.maxZ)).join(', ') || '—'}; ${inRegion} with every |z| < ${fmt(region, 3)} (|σ'| > 1/4); ${outside} beyond ${fmt(bound, 3)}`,
    steep.length > 0 && share <= 0.05 && outside === 0,
  );
}

/**
 * Nothing makes the products balance: with either activation the ratio
 * |∂C/∂b_1 / ∂C/∂b_4| is within [1/2, 2] for few chains, and spreads over
 * orders of magnitude.
 *
 * @param log10Ratios - log10 |∂C/∂b_1 / ∂C/∂b_4| of each random chain
 * @param name - the activation, for the name
 */
export function checkUnbalanced(
  log10Ratios: readonly number[],
  name = `steep sigmoid σ(${STEEPNESS}z)`,
): Check {
  const balanced =
    log10Ratios.filter((r) => Math.abs(r) <= Math.log10(2)).length / log10Ratios.length;
  const spread = Math.max(...log10Ratios) - Math.min(...log10Ratios);
  return check(
    `${name}, ${log10Ratios.length} random chains: |∂C/∂b_1 / ∂C/∂b_4| within [1/2, 2] (layers learning at similar speeds)`,
    'rarely (< 25% of chains); ratios spread over ≥ 4 orders of magnitude',
    `${fmt(100 * balanced)}% of chains, spread ${fmt(spread)} orders of magnitude`,
    log10Ratios.length > 0 && balanced < 0.25 && spread >= 4,
  );
}
