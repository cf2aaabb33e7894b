import type { Rng } from '@mlisp/tensor';
import { type Chain, chainBackprop, zeroingBiases } from './chain.js';
import type { Check, Series } from './types.js';
import { check, fmt, median } from './util.js';

/*
 * Problem 10, part 2: the gradient of an early layer is a product with one
 * factor per later layer, so it changes exponentially with depth — it decays
 * with ordinary weights and grows with large ones.
 */

/** The chain depths (neurons) of the measurement. */
export const DEPTHS: readonly number[] = [2, 3, 4, 5, 6, 7, 8, 9, 10];
/** The large weight of the growing chains (every z = 0, so each layer multiplies by w/4). */
export const DEPTH_LARGE_WEIGHT = 100;

/** log10 |∂C/∂b_1 / ∂C/∂b_n| of a chain by the trainer's backprop (quadratic cost, input x, target y). */
function log10Ratio(chain: Chain, x: number, y: number): number {
  const g = chainBackprop(chain, x, y);
  return Math.log10(Math.abs((g[0] as number) / (g[g.length - 1] as number)));
}

function randomChainOf(rng: Rng, depth: number): Chain {
  return {
    weights: Array.from({ length: depth }, () => rng.normal()),
    biases: Array.from({ length: depth }, () => rng.normal()),
  };
}

/** The least-squares line through (x, y): slope, intercept and r². */
export function lineFit(
  x: readonly number[],
  y: readonly number[],
): { slope: number; intercept: number; r2: number } {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    const dx = xi - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  });
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/** What the depth measurement found. */
export interface DepthRun {
  /** Median log10 |∂C/∂b_1 / ∂C/∂b_n| of random N(0, 1) chains at each depth. */
  readonly ordinary: number[];
  /** log10 |∂C/∂b_1 / ∂C/∂b_n| of the w = 100, z = 0 chain at each depth. */
  readonly large: number[];
  /** Random chains per depth. */
  readonly chains: number;
}

/**
 * Measures both kinds of chain at every depth with the trainer's backprop.
 *
 * @param rng - the generator (advanced)
 * @param chains - random chains per depth
 */
export function measureDepths(rng: Rng, chains: number): DepthRun {
  const ordinary = DEPTHS.map((depth) => {
    const ratios: number[] = [];
    for (let i = 0; i < chains; i++)
      ratios.push(log10Ratio(randomChainOf(rng, depth), rng.uniform(), rng.uniform()));
    return median(ratios);
  });
  const x = 0.5;
  const large = DEPTHS.map((depth) => {
    const weights = Array.from({ length: depth }, () => DEPTH_LARGE_WEIGHT);
    return log10Ratio({ weights, biases: zeroingBiases(weights, x) }, x, 0);
  });
  return { ordinary, large, chains };
}

/**
 * Exponential in depth: log10 of the ratio is a straight line in the depth
 * (r² ≥ 0.98) falling by at least log10 2 per layer for ordinary weights, and
 * exactly (n − 1)·log10(w/4) for the large-weight chains (to 1e−9).
 *
 * @param run - the measurement
 */
export function checkExponentialInDepth(run: DepthRun): Check[] {
  const depths = [...DEPTHS];
  const fit = lineFit(depths, run.ordinary);
  const perLayer = Math.log10(DEPTH_LARGE_WEIGHT / 4);
  const worst = Math.max(
    ...run.large.map((v, i) => Math.abs(v - ((depths[i] as number) - 1) * perLayer)),
  );
  return [
    check(
      `ordinary N(0, 1) weights, ${run.chains} random chains per depth ${depths[0]}–${depths[depths.length - 1]}: median log10 |∂C/∂b_1 / ∂C/∂b_n| against the depth n`,
      'a straight line (r² ≥ 0.98) falling by ≥ log10 2 per layer: exponential decay',
      `slope ${fmt(fit.slope)} per layer (×${fmt(10 ** fit.slope)}), r² ${fmt(fit.r2, 4)}`,
      fit.r2 >= 0.98 && fit.slope <= -Math.log10(2),
    ),
    check(
      `w = ${DEPTH_LARGE_WEIGHT}, every z = 0: log10 |∂C/∂b_1 / ∂C/∂b_n| against the depth n (trainer's backprop)`,
      `(n − 1)·log10(w/4) = (n − 1)·${fmt(perLayer, 6)}: exponential growth`,
      `largest difference ${fmt(worst)} (depth ${depths[depths.length - 1]}: ${fmt(run.large[run.large.length - 1] as number, 8)})`,
      run.large.length > 0 && worst <= 1e-9,
    ),
  ];
}

/**
 * The depth measurement as a plot.
 *
 * @param run - the measurement
 */
export function depthSeries(run: DepthRun): Series[] {
  const common = {
    plot: 'depth',
    plotTitle: "How the first neuron's gradient changes with the depth of the chain",
    xLabel: 'neurons in the chain n',
    yLabel: 'log10 |∂C/∂b_1 / ∂C/∂b_n|',
    mark: 'points' as const,
  };
  return [
    {
      name: `ordinary weights (median of ${run.chains})`,
      x: [...DEPTHS],
      y: run.ordinary,
      ...common,
    },
    { name: `w = ${DEPTH_LARGE_WEIGHT}, every z = 0`, x: [...DEPTHS], y: run.large, ...common },
  ];
}
