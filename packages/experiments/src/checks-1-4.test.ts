import { binaryWeights, decodeBinary } from '@mlisp/encoders';
import {
  analyticSmallestGain,
  bisectSmallestGain,
  checkAllDigits,
  checkBinaryAccuracy,
  checkBreaksInvariance,
  checkEncoderTable,
  checkHalfAtZero,
  checkInputsKept,
  checkInvariance,
  checkLimit,
  checkMonotoneDecrease,
  checkNoBetterDirection,
  checkSmallestGain,
  checkSteepestValue,
  checkWorkedExample,
  compareDecodings,
  compareOutputs,
  confidentOutputs,
  dot,
  PROBLEM_SET_TABLE,
  preActivations,
  saturatesAt,
  steepestStep,
} from '@mlisp/experiments';
import { createNetwork, feedforward, scale } from '@mlisp/neurons';
import { fromArray, Rng } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';

describe('problem 1 checkers', () => {
  const rng = new Rng(11);
  const net = createNetwork([3, 5, 2], { activation: 'step', init: 'normal', seed: 4 });
  const x = fromArray(Array.from({ length: 50 }, () => [rng.normal(), rng.normal(), rng.normal()]));
  const base = feedforward(net, x).data;

  it('pass for c > 0 and fail for c = −1 (flipped sign)', () => {
    expect(checkInvariance(base, feedforward(scale(net, 100), x).data, 100).pass).toBe(true);
    const flipped = feedforward(scale(net, -1), x).data;
    const broken = checkInvariance(base, flipped, -1);
    expect(broken.pass).toBe(false);
    expect(broken.observed).toMatch(/^[1-9]\d* of 100 outputs changed$/);
  });

  it('the boundary check fails when scaling changed nothing', () => {
    expect(checkBreaksInvariance(base, feedforward(scale(net, 0), x).data, 0).pass).toBe(true);
    expect(checkBreaksInvariance(base, feedforward(scale(net, 2), x).data, 2).pass).toBe(false);
  });

  it('counts changed outputs and rejects different lengths', () => {
    expect(compareOutputs([0, 1, 1], [0, 0, 1])).toEqual({ changed: 1, total: 3 });
    expect(() => compareOutputs([0], [0, 1])).toThrow(/outputsA has 1 values but outputsB has 2/);
  });
});

describe('problem 2 checkers', () => {
  it('monotone decrease fails when a difference grows', () => {
    expect(checkMonotoneDecrease([1, 10, 100], [0.5, 0.1, 0.01]).pass).toBe(true);
    expect(checkMonotoneDecrease([1, 10, 100], [0.5, 0.9, 0.01]).pass).toBe(false);
  });

  it('the limit fails above the tolerance', () => {
    expect(checkLimit(1000, 3e-13).pass).toBe(true);
    expect(checkLimit(1000, 4.5e-5).pass).toBe(false);
  });

  it('the kept-inputs check fails when an input is closer to z = 0 than the margin, or none is kept', () => {
    expect(checkInputsKept(2372, 8000, 0.2, 0.2).pass).toBe(true);
    expect(checkInputsKept(2372, 8000, 0.01, 0.2).pass).toBe(false);
    expect(checkInputsKept(0, 8000, Number.POSITIVE_INFINITY, 0.2).pass).toBe(false);
  });

  it('z = 0 fails when the sigmoid is not 0.5 or the perceptron not 0', () => {
    expect(checkHalfAtZero([1, 10], [0.5, 0.5], 0).pass).toBe(true);
    expect(checkHalfAtZero([1, 10], [0.5, 0.9999], 0).pass).toBe(false);
    expect(checkHalfAtZero([1, 10], [0.5, 0.5], 1).pass).toBe(false);
  });
});

describe('problem 3 checkers', () => {
  it('the table check fails for one wrong weight', () => {
    expect(checkEncoderTable(binaryWeights(10)).pass).toBe(true);
    const broken = binaryWeights(10);
    (broken[2] as number[])[7] = -1;
    const c = checkEncoderTable(broken);
    expect(c.pass).toBe(false);
    expect(c.observed).toContain('neuron 3, w_7 = -1 (table: 1)');
  });

  it('the worked example gives 0.98, −1, −1, 0.92 → 1001 and fails with the typo 0.09', () => {
    const z = preActivations(PROBLEM_SET_TABLE, confidentOutputs(9));
    expect(checkWorkedExample(z, decodeBinary(z, 10, { threshold: 0 }).code).pass).toBe(true);
    const typo = [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.09];
    const zt = preActivations(PROBLEM_SET_TABLE, typo);
    const c = checkWorkedExample(zt, decodeBinary(zt, 10, { threshold: 0 }).code);
    expect(c.pass).toBe(false);
    expect(c.observed).toBe('z = 0.08, -0.1, -0.1, 0.02 → 1001');
  });

  it('all digits fails on a wrong or invalid decoding', () => {
    const right = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(checkAllDigits(right, 'x').pass).toBe(true);
    expect(checkAllDigits([...right.slice(0, 9), null], 'x').observed).toBe('wrong: 9 → null');
    expect(checkAllDigits([...right.slice(0, 9), 8], 'x').pass).toBe(false);
  });

  it('finds the smallest gain logit(0.99)/0.92 and the check fails for a wrong gain', () => {
    const analytic = analyticSmallestGain();
    expect(analytic.minZ).toBeCloseTo(0.92, 12);
    expect(analytic.gain).toBeCloseTo(Math.log(99) / 0.92, 12);
    const gain = bisectSmallestGain(saturatesAt);
    expect(saturatesAt(gain)).toBe(true);
    expect(saturatesAt(gain * (1 - 1e-9))).toBe(false);
    expect(checkSmallestGain(analytic.gain, gain, true, true).pass).toBe(true);
    expect(
      checkSmallestGain(analytic.gain, 5.5, saturatesAt(5.5), !saturatesAt(5.5 * (1 - 1e-9))).pass,
    ).toBe(false);
    expect(() => bisectSmallestGain(saturatesAt, 6, 100)).toThrow(/needs holds\(6\) false/);
  });

  it('the binary-accuracy check fails when a dominant output decodes to another digit', () => {
    const outputs = fromArray([
      [0.9, 0.05, 0, 0, 0, 0, 0, 0, 0, 0.01],
      [0.3, 0.3, 0, 0.35, 0, 0, 0, 0, 0, 0],
    ]);
    const z = [0, 1].map((i) =>
      decodeBinary(
        preActivations(PROBLEM_SET_TABLE, Array.from(outputs.data.subarray(i * 10, i * 10 + 10))),
        10,
        {
          threshold: 0,
        },
      ),
    );
    const good = compareDecodings([0, 3], outputs, z);
    expect(good.dominant).toBe(1);
    expect(good.disagreements).toBe(1); // 0.3 + 0.35 at 0, 1, 3: no output dominates, code 0001
    expect(checkBinaryAccuracy(good).pass).toBe(true);
    const broken = compareDecodings([0, 3], outputs, [decodeBinary([0.9, 0, 0, 0], 10), z[1]!]);
    expect(broken.dominantDisagreements).toBe(1);
    expect(checkBinaryAccuracy(broken).pass).toBe(false);
  });
});

describe('problem 4 checkers', () => {
  const rng = new Rng(5);
  const g = rng.fillNormal(new Float64Array(50));
  const eps = 0.3;

  it('the steepest value check fails for a flipped sign or a wrong length', () => {
    const v = steepestStep(g, eps);
    expect(checkSteepestValue(g, eps, v).pass).toBe(true);
    expect(
      checkSteepestValue(
        g,
        eps,
        v.map((x) => -x),
      ).pass,
    ).toBe(false);
    expect(
      checkSteepestValue(
        g,
        eps,
        v.map((x) => 2 * x),
      ).pass,
    ).toBe(false);
  });

  it('the no-better-direction check fails when a direction beats the candidate', () => {
    const v = steepestStep(g, eps);
    const randomDots = [0.1, -0.2, 0.3];
    expect(checkNoBetterDirection(dot(g, v), randomDots, eps, 50).pass).toBe(true);
    const flipped = dot(
      g,
      v.map((x) => -x),
    );
    expect(checkNoBetterDirection(flipped, randomDots, eps, 50).pass).toBe(false);
    expect(checkNoBetterDirection(dot(g, v), [], eps, 50).pass).toBe(false);
  });
});
