import { type Cost, crossEntropy, logLikelihood, quadratic } from '@mlisp/costs';
import { createNetwork, type Network } from '@mlisp/neurons';
import { type Matrix, type Rng, zeros } from '@mlisp/tensor';
import { backprop } from '@mlisp/trainer';
import { uniformBatch } from './forward.js';
import {
  type FlatGradients,
  finiteDifferenceGradients,
  flatten,
  meanCost,
  referenceBackprop,
  referenceBackpropSample,
  relativeError,
} from './reference.js';
import type { Check, ExperimentOptions, ExperimentResult, Series } from './types.js';
import { check, fmt, intBetween, rngOf } from './util.js';
import { finiteDifferenceDeltas, gradientsFromDeltas } from './z-differences.js';

/** Backprop against central finite differences: the largest relative error allowed. */
export const FINITE_DIFFERENCE_TOLERANCE = 1e-6;
/** The trainer's backprop against the neuron-by-neuron reference: the largest relative error allowed. */
export const IMPLEMENTATION_TOLERANCE = 1e-12;

/** A cost with the activations it is checked with. */
interface Setting {
  readonly label: string;
  readonly cost: Cost;
  readonly hidden: 'sigmoid' | 'tanh';
  readonly output: 'sigmoid' | 'softmax';
}

const SETTINGS: readonly Setting[] = [
  { label: 'quadratic, sigmoid', cost: quadratic, hidden: 'sigmoid', output: 'sigmoid' },
  { label: 'quadratic, tanh hidden', cost: quadratic, hidden: 'tanh', output: 'sigmoid' },
  { label: 'cross-entropy, sigmoid', cost: crossEntropy, hidden: 'sigmoid', output: 'sigmoid' },
  { label: 'cross-entropy, tanh hidden', cost: crossEntropy, hidden: 'tanh', output: 'sigmoid' },
  {
    label: 'log-likelihood, softmax output',
    cost: logLikelihood,
    hidden: 'sigmoid',
    output: 'softmax',
  },
];

/** Depth of the random networks: 3 layers of weights (2 hidden layers). */
const LAYERS = 3;

/**
 * Per-layer agreement of two gradients, for one equation.
 *
 * @param equation - `'BP1/BP2'` (the errors δ), `'BP3'` (biases) or `'BP4'` (weights)
 * @param layer - the layer l (1 = first hidden layer)
 * @param errors - the relative errors measured for this layer (one per network and setting)
 * @param worstSetting - the setting of the largest error, for the report
 * @param tolerance - the largest relative error allowed
 */
export function checkLayerErrors(
  equation: 'BP1/BP2' | 'BP3' | 'BP4',
  layer: number,
  errors: readonly number[],
  worstSetting: string,
  tolerance = FINITE_DIFFERENCE_TOLERANCE,
): Check {
  const worst = Math.max(...errors);
  const what = {
    'BP1/BP2':
      "δ_j from the cost's output error and δ^{l+1} (written out neuron by neuron) equals ∂C_x/∂z_j by finite differences on z",
    BP3: "the trainer's ∂C/∂b_j equals the mean of δ_j, with δ = ∂C_x/∂z by finite differences",
    BP4: "the trainer's ∂C/∂w_jk equals the mean of a_k δ_j, with δ = ∂C_x/∂z by finite differences",
  }[equation];
  return check(
    `${equation} layer ${layer}: ${what} (${errors.length} networks)`,
    `relative error ≤ ${fmt(tolerance)}`,
    `largest relative error ${fmt(worst)} (${worstSetting})`,
    errors.length > 0 && worst <= tolerance,
  );
}

function randomTargets(rng: Rng, m: number, n: number, oneHot: boolean): Matrix {
  const y = zeros(m, n);
  for (let i = 0; i < m; i++) {
    if (oneHot) y.data[i * n + rng.int(n)] = 1;
    else for (let j = 0; j < n; j++) y.data[i * n + j] = rng.uniform();
  }
  return y;
}

function randomCase(
  rng: Rng,
  setting: Setting,
): { network: Network; inputs: Matrix; targets: Matrix } {
  const sizes = Array.from({ length: LAYERS + 1 }, () => intBetween(rng, 2, 6));
  const activations = [...Array(LAYERS - 1).fill(setting.hidden), setting.output];
  const network = createNetwork(sizes, { activations, init: 'normal', rng });
  const m = 4;
  const inputs = uniformBatch(rng, m, sizes[0] as number);
  const targets = randomTargets(rng, m, sizes[LAYERS] as number, setting.output === 'softmax');
  return { network, inputs, targets };
}

/** The relative errors found for one random network. */
interface CaseErrors {
  readonly setting: string;
  /** Per layer (index l − 1): the reference's δ vs δ by differences on z (BP1/BP2). */
  readonly bp12: number[];
  /** Per layer: the trainer's ∂C/∂b and ∂C/∂w vs BP3/BP4 applied to δ by differences on z. */
  readonly bp3: number[];
  readonly bp4: number[];
  /** Trainer vs the reference, and trainer vs finite differences on the parameters (all layers at once). */
  readonly trainerVsReference: number;
  readonly trainerVsDifferences: number;
}

function all(g: FlatGradients): number[] {
  return [...g.weights, ...g.biases].flatMap((a) => Array.from(a));
}

/** The reference's δ^l of every sample, stacked row by row like the batch. */
function referenceDeltas(
  network: Network,
  inputs: Matrix,
  targets: Matrix,
  cost: Cost,
): number[][] {
  const perLayer: number[][] = network.layers.map(() => []);
  for (let i = 0; i < inputs.rows; i++) {
    const x = inputs.data.subarray(i * inputs.cols, (i + 1) * inputs.cols);
    const y = targets.data.subarray(i * targets.cols, (i + 1) * targets.cols);
    referenceBackpropSample(network, x, y, cost).deltas.forEach((d, l) => {
      (perLayer[l] as number[]).push(...d);
    });
  }
  return perLayer;
}

function measureCase(rng: Rng, setting: Setting): CaseErrors {
  const { network, inputs, targets } = randomCase(rng, setting);
  const reference = referenceBackprop(network, inputs, targets, setting.cost);
  const numeric = finiteDifferenceGradients(network, inputs, targets, meanCost(setting.cost));
  const deltas = finiteDifferenceDeltas(network, inputs, targets, setting.cost);
  const fromDeltas = gradientsFromDeltas(network, inputs, deltas);
  const refDeltas = referenceDeltas(network, inputs, targets, setting.cost);
  const trained = backprop(network, { inputs, targets }, setting.cost);
  const trainer: FlatGradients = {
    weights: flatten(trained.weights),
    biases: flatten(trained.biases),
  };
  return {
    setting: setting.label,
    bp12: deltas.map((d, l) => relativeError(refDeltas[l] as number[], d.data)),
    bp3: trainer.biases.map((b, l) => relativeError(b, fromDeltas.biases[l] as Float64Array)),
    bp4: trainer.weights.map((w, l) => relativeError(w, fromDeltas.weights[l] as Float64Array)),
    trainerVsReference: relativeError(all(trainer), all(reference)),
    trainerVsDifferences: relativeError(all(trainer), all(numeric)),
  };
}

function worstOf(
  cases: readonly CaseErrors[],
  pick: (c: CaseErrors) => number,
): { errors: number[]; setting: string } {
  const errors = cases.map(pick);
  const worst = cases[errors.indexOf(Math.max(...errors))];
  return { errors, setting: worst === undefined ? 'none' : worst.setting };
}

function layerChecks(cases: readonly CaseErrors[]): Check[] {
  const checks: Check[] = [];
  for (let l = 0; l < LAYERS; l++) {
    const bp12 = worstOf(cases, (c) => c.bp12[l] as number);
    const bp3 = worstOf(cases, (c) => c.bp3[l] as number);
    const bp4 = worstOf(cases, (c) => c.bp4[l] as number);
    checks.push(checkLayerErrors('BP1/BP2', l + 1, bp12.errors, bp12.setting));
    checks.push(checkLayerErrors('BP3', l + 1, bp3.errors, bp3.setting));
    checks.push(checkLayerErrors('BP4', l + 1, bp4.errors, bp4.setting));
  }
  return checks;
}

/**
 * The largest of several relative errors is within a tolerance.
 *
 * @param name - what is compared
 * @param errors - the relative errors (one per network)
 * @param worstSetting - the setting of the largest error, for the report
 * @param tolerance - the largest relative error allowed
 */
export function checkLargestError(
  name: string,
  errors: readonly number[],
  worstSetting: string,
  tolerance: number,
): Check {
  const largest = Math.max(...errors);
  return check(
    name,
    `relative error ≤ ${fmt(tolerance)}`,
    `largest relative error ${fmt(largest)} (${worstSetting})`,
    errors.length > 0 && largest <= tolerance,
  );
}

function trainerChecks(cases: readonly CaseErrors[]): Check[] {
  const vsReference = worstOf(cases, (c) => c.trainerVsReference);
  const vsDifferences = worstOf(cases, (c) => c.trainerVsDifferences);
  return [
    checkLargestError(
      "the trainer's backprop equals BP1–BP4 written out neuron by neuron",
      vsReference.errors,
      vsReference.setting,
      IMPLEMENTATION_TOLERANCE,
    ),
    checkLargestError(
      "the trainer's backprop equals finite differences",
      vsDifferences.errors,
      vsDifferences.setting,
      FINITE_DIFFERENCE_TOLERANCE,
    ),
  ];
}

function errorSeries(cases: readonly CaseErrors[]): Series[] {
  const layers = Array.from({ length: LAYERS }, (_, l) => l + 1);
  const common = {
    plot: 'errors',
    plotTitle: 'Largest relative error per layer against finite differences',
    xLabel: 'layer l',
    yLabel: 'relative error vs finite differences',
    mark: 'points' as const,
    yScale: 'log' as const,
  };
  return [
    {
      name: 'BP1/BP2 (errors δ), largest',
      x: layers,
      y: layers.map((l) => Math.max(...cases.map((c) => c.bp12[l - 1] as number))),
      ...common,
    },
    {
      name: 'BP3 (biases), largest',
      x: layers,
      y: layers.map((l) => Math.max(...cases.map((c) => c.bp3[l - 1] as number))),
      ...common,
    },
    {
      name: 'BP4 (weights), largest',
      x: layers,
      y: layers.map((l) => Math.max(...cases.map((c) => c.bp4[l - 1] as number))),
      ...common,
    },
  ];
}

/**
 * Problem 5: BP3 (∂C/∂b = δ) and BP4 (∂C/∂w_jk = a_k δ_j) agree with central
 * finite differences layer by layer on random networks, for every cost and
 * activation; the trainer's matrix backprop agrees with both.
 *
 * @param options - seed and quick mode (quick: 1 network per setting; else 4)
 */
export function backpropBp3Bp4(options: ExperimentOptions = {}): ExperimentResult {
  const rng = rngOf(options, 5);
  const perSetting = options.quick ? 1 : 4;
  const cases: CaseErrors[] = [];
  for (const setting of SETTINGS) {
    for (let i = 0; i < perSetting; i++) cases.push(measureCase(rng, setting));
  }
  return {
    id: 'backprop-bp3-bp4',
    problem: 5,
    title: 'Backpropagation equations BP3 and BP4',
    claim: `∂C/∂b^l_j = δ^l_j (BP3) and ∂C/∂w^l_jk = a^{l−1}_k δ^l_j (BP4), for a mini-batch averaged over its m samples (the 1/m the trainer uses): with δ = ∂C_x/∂z measured by central finite differences on z, the trainer's gradients are checked against BP3 and BP4 layer by layer, apart from how δ is computed (BP1/BP2, checked against the same differences), on ${cases.length} random 3-layer networks (${SETTINGS.map((s) => s.label).join('; ')}); and the trainer's backprop against finite differences on the weights and biases and against BP1–BP4 written out neuron by neuron.`,
    checks: [...layerChecks(cases), ...trainerChecks(cases)],
    series: errorSeries(cases),
  };
}
