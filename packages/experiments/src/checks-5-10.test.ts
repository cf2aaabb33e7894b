import { quadratic } from '@mlisp/costs';
import {
  analyseCost,
  biasDifferences,
  binaryEntropy,
  chainBackprop,
  chainBiasGradients,
  checkDerivativeRatio,
  checkGradientsAgree,
  checkGrowth,
  checkLargestError,
  checkLayerErrors,
  checkMinimisers,
  checkMinimumValues,
  checkProductFormula,
  checkRefusal,
  checkShrinking,
  checkSignChange,
  checkSlowdown,
  checkSpeedsDecreaseTowardInput,
  checkUnbalanced,
  checkUndefinedDerivative,
  checkVanishing,
  checkZeroAlmostEverywhere,
  crossEntropyOfOutput,
  finiteDifferenceGradients,
  growsTowardInput,
  meanCost,
  misprintedCrossEntropy,
  referenceBackprop,
  relativeError,
  shrinksTowardInput,
  steepSigmoid,
  surveyGradients,
  trainNeuron,
  zeroingBiases,
} from '@mlisp/experiments';
import { createNetwork, networkFromWeights } from '@mlisp/neurons';
import { fromArray, Rng } from '@mlisp/tensor';
import { backprop } from '@mlisp/trainer';
import { describe, expect, it } from 'vitest';

describe('problem 5 checkers', () => {
  const net = createNetwork([3, 4, 2], { init: 'normal', seed: 9 });
  const inputs = fromArray([
    [0.1, -0.4, 0.8],
    [0.5, 0.2, -0.3],
  ]);
  const targets = fromArray([
    [1, 0],
    [0.2, 0.7],
  ]);

  it('the reference, the trainer and finite differences agree; a corrupted gradient fails', () => {
    const reference = referenceBackprop(net, inputs, targets, quadratic);
    const numeric = finiteDifferenceGradients(net, inputs, targets, meanCost(quadratic));
    const trainer = backprop(net, { inputs, targets }, quadratic);
    for (let l = 0; l < 2; l++) {
      const bp3 = relativeError(reference.biases[l]!, numeric.biases[l]!);
      const bp4 = relativeError(reference.weights[l]!, numeric.weights[l]!);
      expect(checkLayerErrors('BP3', l + 1, [bp3], 'quadratic').pass).toBe(true);
      expect(checkLayerErrors('BP4', l + 1, [bp4], 'quadratic').pass).toBe(true);
      expect(relativeError(trainer.weights[l]!.data, reference.weights[l]!)).toBeLessThan(1e-14);
    }
    const corrupted = Float64Array.from(reference.weights[0]!);
    corrupted[3] = -(corrupted[3] as number);
    const error = relativeError(corrupted, numeric.weights[0]!);
    expect(checkLayerErrors('BP4', 1, [error], 'quadratic').pass).toBe(false);
    expect(checkGradientsAgree('x', corrupted, numeric.weights[0]!, 1e-6).pass).toBe(false);
    expect(checkGradientsAgree('x', [], [], 1e-6).pass).toBe(false);
  });

  it('the largest-error check fails when one network is off', () => {
    expect(checkLargestError('x', [1e-16, 2e-16], 'quadratic', 1e-12).pass).toBe(true);
    expect(checkLargestError('x', [1e-16, 3e-3], 'quadratic', 1e-12).pass).toBe(false);
    expect(checkLargestError('x', [], 'none', 1e-12).pass).toBe(false);
  });

  it('relativeError is 0 for equal and zero gradients and rejects different lengths', () => {
    expect(relativeError([0, 0], [0, 0])).toBe(0);
    expect(relativeError([1, 2], [1, 2])).toBe(0);
    expect(relativeError([1, 0], [-1, 0])).toBe(1);
    expect(() => relativeError([1], [1, 2])).toThrow(RangeError);
  });
});

describe('problem 6 checkers', () => {
  const ys = [0, 0.25, 0.5, 0.9, 1];

  it('pass for the corrected cost and fail for the misprinted eq. 20', () => {
    const good = analyseCost(crossEntropyOfOutput, ys);
    expect(checkMinimisers(good.ys, good.minimisers).pass).toBe(true);
    expect(checkMinimumValues(good.ys, good.minima).pass).toBe(true);
    expect(checkSignChange(good.ys, good.grid, good.derivatives).pass).toBe(true);
    const typo = analyseCost(misprintedCrossEntropy, ys);
    expect(checkMinimisers(typo.ys, typo.minimisers).pass).toBe(false);
    expect(checkMinimumValues(typo.ys, typo.minima).pass).toBe(false);
    expect(checkSignChange(typo.ys, typo.grid, typo.derivatives).pass).toBe(false);
  });

  it('the minimum is the binary entropy, 0 (not −0) at the ends', () => {
    expect(binaryEntropy(0.5)).toBeCloseTo(Math.LN2, 15);
    expect(Object.is(binaryEntropy(0), 0)).toBe(true);
    expect(Object.is(binaryEntropy(1), 0)).toBe(true);
  });
});

describe('problem 7 checkers', () => {
  it("the σ'(z) ratio check fails for a ratio without σ'", () => {
    const z = 4;
    const s = 1 / (1 + Math.exp(-z));
    expect(checkDerivativeRatio(s * (1 - s), z).pass).toBe(true);
    expect(checkDerivativeRatio(1, z).pass).toBe(false);
  });

  it('the slowdown check fails when both costs learn alike', () => {
    expect(checkSlowdown(232, 17).pass).toBe(true);
    expect(checkSlowdown(20, 17).pass).toBe(false);
    expect(checkSlowdown(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY).pass).toBe(false);
  });

  it('trains the neuron with the trainer, recording epoch 0 (σ(4)) and every epoch after', () => {
    const run = trainNeuron({ w: 2, b: 2 }, 'cross-entropy', 10);
    expect(run.outputs).toHaveLength(11);
    expect(run.outputs[0]).toBeCloseTo(1 / (1 + Math.exp(-4)), 15);
    expect(run.costs[0]).toBeCloseTo(-Math.log(1 - (run.outputs[0] as number)), 15);
    expect(run.outputs[10]).toBeLessThan(run.outputs[0] as number);
  });
});

describe('problem 8 checkers', () => {
  it('the product formula equals backprop; a corrupted gradient fails', () => {
    const chain = { weights: [0.5, -1.2, 0.8, 1.1], biases: [0.1, -0.3, 0.2, 0.4] };
    const formula = chainBiasGradients(chain, 0.7, 0.2);
    const trainer = chainBackprop(chain, 0.7, 0.2);
    expect(checkProductFormula([formula], [trainer]).pass).toBe(true);
    expect(
      checkProductFormula([formula], [[...trainer.slice(0, 3), 2 * (trainer[3] as number)]]).pass,
    ).toBe(false);
    expect(shrinksTowardInput(formula)).toBe(true);
  });

  it('large weights with z = 0 grow toward the input by exactly 25 per layer', () => {
    const weights = [100, 100, 100, 100];
    const g = chainBackprop({ weights, biases: zeroingBiases(weights, 0.5) }, 0.5, 0);
    expect(growsTowardInput(g)).toBe(true);
    expect(shrinksTowardInput(g)).toBe(false);
    expect((g[0] as number) / (g[1] as number)).toBeCloseTo(25, 12);
  });

  it('the shrinking, vanishing and growth checks fail on the opposite patterns', () => {
    const shrinking = { weights: [1, 0.5, -0.7, 1.2], gradients: [0.001, 0.01, -0.05, 0.2] };
    const growing = { weights: [1, 0.5, -0.7, 1.2], gradients: [0.2, 0.01, -0.05, 0.001] };
    const large = { weights: [1, 5, 5, 5], gradients: [0.2, 0.01, -0.05, 0.001] };
    expect(checkShrinking([shrinking, large]).pass).toBe(true);
    expect(checkShrinking([shrinking, growing]).pass).toBe(false);
    expect(checkShrinking([large]).pass).toBe(false);
    expect(checkVanishing([-3, -2.5, -2]).pass).toBe(true);
    expect(checkVanishing([-3, 0.5, 1]).pass).toBe(false);
    expect(checkGrowth('x', [8, 4, 2, 1], 8, '2³').pass).toBe(true);
    expect(checkGrowth('x', [8, 4, 2, 1], 15625, '25³').pass).toBe(false);
    expect(checkGrowth('x', [1, 2, 4, 8], 1 / 8, '(1/2)³').pass).toBe(false);
  });

  it("a steep sigmoid at z = 0 has σ' = k/4", () => {
    expect(steepSigmoid(8).derivative(0)).toBe(2);
    expect(steepSigmoid(8).logDerivative(1000)).toBeLessThan(-7000);
  });

  it('the speed and balance checks fail on the opposite pattern', () => {
    expect(checkSpeedsDecreaseTowardInput([784, 30, 30, 10], [0.01, 0.05]).pass).toBe(true);
    expect(checkSpeedsDecreaseTowardInput([784, 30, 30, 10], [0.05, 0.01]).pass).toBe(false);
    expect(checkUnbalanced([-10, -3, 1, 0.9, -12]).pass).toBe(true);
    expect(checkUnbalanced([0, 0.1, -0.1, 0.2]).pass).toBe(false);
  });
});

describe('problem 10 checkers', () => {
  const inputs = fromArray([[0.3, -0.2, 0.9]]);
  const targets = fromArray([[1, 0]]);

  it('zero almost everywhere holds for perceptrons and fails for sigmoid neurons', () => {
    const perceptrons = surveyGradients(new Rng(1), [3, 4, 2], 'step', 30, inputs, targets);
    expect(checkZeroAlmostEverywhere(perceptrons).pass).toBe(true);
    const sigmoids = surveyGradients(new Rng(1), [3, 4, 2], 'sigmoid', 30, inputs, targets);
    expect(sigmoids.zero).toBe(0);
    expect(checkZeroAlmostEverywhere(sigmoids).pass).toBe(false);
  });

  it('the undefined-derivative check holds at a jump and fails for a smooth cost', () => {
    const spec = { weights: [[[1, -1, 0]]], biases: [[-0.5]] };
    const x = fromArray([[0.75, 0.25, 0]]);
    const y = fromArray([[0]]);
    const steps = [1e-3, 1e-5, 1e-7];
    const jump = biasDifferences(
      networkFromWeights({ ...spec, activations: ['step'] }),
      x,
      y,
      steps,
    );
    // z = 0.75 − 0.25 − 0.5 = 0: b + h gives a = 1 (C = ½), b − h gives a = 0 (C = 0).
    jump.forEach((d, i) => {
      expect(d).toBeCloseTo(0.25 / (steps[i] as number), 6);
    });
    expect(checkUndefinedDerivative(steps, jump).pass).toBe(true);
    const smooth = biasDifferences(
      networkFromWeights({ ...spec, activations: ['sigmoid'] }),
      x,
      y,
      steps,
    );
    expect(checkUndefinedDerivative(steps, smooth).pass).toBe(false);
  });

  it('the refusal check fails when nothing is refused', () => {
    const perceptron = createNetwork([3, 2], { activation: 'step', seed: 1 });
    const sigmoid = createNetwork([3, 2], { activation: 'sigmoid', seed: 1 });
    expect(checkRefusal(() => backprop(perceptron, { inputs, targets }, 'quadratic')).pass).toBe(
      true,
    );
    const accepted = checkRefusal(() => backprop(sigmoid, { inputs, targets }, 'quadratic'));
    expect(accepted.pass).toBe(false);
    expect(accepted.observed).toBe('no error: the trainer accepted the step activation');
    expect(
      checkRefusal(() => {
        throw new TypeError('step derivative');
      }).pass,
    ).toBe(false);
  });
});
