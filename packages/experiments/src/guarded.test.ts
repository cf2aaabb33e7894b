// An experiment never throws on a wrong implementation: the registry turns an
// error raised by the code under test into a failing check, and the checks
// of the restated claims fail on wrong inputs (planted bugs).
import {
  checkEngineAgrees,
  checkExplodesOnlyNearZero,
  checkFasterWhenWrong,
  checkFirstLayerFlips,
  checkNetworkAtZero,
  checkPremiseGain,
  checkSteepRegion,
  checkSteepVanishes,
  checkUnique,
  type ExperimentOptions,
  experiments,
  explosionBound,
  findExperiment,
  PROBLEM_SET_TABLE,
  premiseInputs,
  premiseSaturates,
  SWEEP_OUTPUTS,
  steepRegion,
  steepSigmoid,
  worstPremiseInput,
} from '@mlisp/experiments';
import { zeros } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';

describe('the registry', () => {
  it('finds an experiment by id or by its problem number', () => {
    expect(findExperiment('4')?.id).toBe('steepest-descent');
    expect(findExperiment(10)?.id).toBe('non-differentiable-cost');
    expect(findExperiment('steepest-descent')?.problem).toBe(4);
    expect(findExperiment('9')).toBeUndefined();
  });

  it('an error inside an experiment becomes a failing check; the other checks still run', () => {
    // Digits of the wrong width make the stacked network's training throw inside problem 3.
    const bad = { images: zeros(4, 3), labels: Uint8Array.from([1, 2, 3, 4]), size: 4 };
    const mnist = { train: bad, test: bad } as unknown as ExperimentOptions['mnist'];
    const r = findExperiment(3)?.run({ quick: true, mnist });
    const failed = r?.checks.filter((c) => !c.pass) ?? [];
    expect(failed.map((c) => c.name)).toEqual(['the layer stacked on a trained network']);
    expect(String(failed[0]?.observed)).toMatch(/^error: \w*Error: /);
    expect(r?.checks.length).toBe(6);
  });

  it('checks options before running: a bad seed or missing MNIST throws a TypeError', () => {
    const p1 = experiments[0];
    expect(() => p1?.run({ seed: 2 ** 53 })).toThrow(TypeError);
    expect(() => experiments[2]?.run({ quick: true })).toThrow(/problem 3 needs MNIST/);
  });
});

describe('problem 3 under the premise as stated', () => {
  it('finds the worst input: digit 8 or 9, neuron 4, z = 0.91', () => {
    const worst = worstPremiseInput(PROBLEM_SET_TABLE);
    expect([8, 9]).toContain(worst.digit);
    expect(worst.bit).toBe(3);
    expect(worst.margin).toBeCloseTo(0.91, 12);
    expect(worst.x.filter((v) => v === 0)).toHaveLength(1);
  });

  it('saturates at ln 99/0.91, not at ln 99/0.92', () => {
    const inputs = premiseInputs(PROBLEM_SET_TABLE);
    expect(premiseSaturates(Math.log(99) / 0.91 + 1e-9, inputs)).toBe(true);
    expect(premiseSaturates(Math.log(99) / 0.92, inputs)).toBe(false);
  });

  it('the gain check fails when bisection and analysis disagree or nothing fails below', () => {
    const worst = worstPremiseInput(PROBLEM_SET_TABLE);
    const g = Math.log(99) / 0.91;
    const at = { gain: 4.99, output: 0.9895 };
    expect(checkPremiseGain(worst, g, g, true, true, at).pass).toBe(true);
    expect(checkPremiseGain(worst, g, Math.log(99) / 0.92, true, true, at).pass).toBe(false);
    expect(checkPremiseGain(worst, g, g, true, false, at).pass).toBe(false);
  });
});

describe('restated claims fail where they should', () => {
  it('P1: the first-layer flip check fails when some first-layer output does not flip', () => {
    expect(checkFirstLayerFlips(10, 10, 0.6).pass).toBe(true);
    expect(checkFirstLayerFlips(9, 10, 0.6).pass).toBe(false);
  });

  it('P2: the network-at-zero check fails when the gap tends to 0', () => {
    expect(checkNetworkAtZero([1, 1e6], [0.6, 1]).pass).toBe(true);
    expect(checkNetworkAtZero([1, 1e6], [0.6, 1e-9]).pass).toBe(false);
  });

  it('P4: the uniqueness check fails when a rotation gains nothing', () => {
    const angles = [1e-3, 0.1, 1];
    const gaps = angles.map((t) => 1 - Math.cos(t));
    expect(checkUnique(5, angles, gaps).pass).toBe(true);
    expect(checkUnique(5, angles, [0, ...gaps.slice(1)]).pass).toBe(false);
  });

  it("P7: 'the more wrong, the faster' fails for the quadratic cost's speeds", () => {
    const a = [...SWEEP_OUTPUTS];
    const quadratic = a.map((v) => v * v * (1 - v));
    expect(checkFasterWhenWrong(a, a, quadratic).pass).toBe(true);
    expect(checkFasterWhenWrong(a, quadratic, quadratic).pass).toBe(false);
  });

  it('P7: the engine check fails when the engine trains differently', () => {
    const run = (outputs: number[]) => ({ outputs, costs: outputs, path: 'wasm-simd' });
    const same = [{ cost: 'cross-entropy', matrix: run([0.9, 0.5]), engine: run([0.9, 0.5]) }];
    const other = [{ cost: 'cross-entropy', matrix: run([0.9, 0.5]), engine: run([0.9, 0.8]) }];
    expect(checkEngineAgrees(same).pass).toBe(true);
    expect(checkEngineAgrees(other).pass).toBe(false);
  });

  it("P8: the region check holds for σ(8z) and fails for the ordinary sigmoid (|σ'| ≤ 1/4)", () => {
    const steep = steepSigmoid(8);
    const ordinary = steepSigmoid(1);
    expect(checkSteepRegion('σ(8z)', steep.derivative, steepRegion(8)).pass).toBe(true);
    expect(checkSteepRegion('σ(z)', ordinary.derivative, steepRegion(8)).pass).toBe(false);
  });

  it('P8: the vanishing check fails when the steep chains are the ordinary ones', () => {
    const ordinary = Array.from({ length: 100 }, (_, i) => -3 + (i % 7) * 0.2);
    const steep = ordinary.map((r) => ({ log10Ratio: r - 4, maxZ: 1, maxWeight: 1 }));
    const same = ordinary.map((r) => ({ log10Ratio: r, maxZ: 1, maxWeight: 1 }));
    expect(checkSteepVanishes(steep, ordinary).pass).toBe(true);
    expect(checkSteepVanishes(same, ordinary).pass).toBe(false);
  });

  it('P8: the explosion check fails for an exploding chain far from z = 0, or too many', () => {
    const bound = explosionBound(8);
    expect(bound).toBeCloseTo((2 * Math.acosh(8 ** 1.5)) / 8, 12);
    const quiet = Array.from({ length: 99 }, () => ({ log10Ratio: -5, maxZ: 2, maxWeight: 1 }));
    const near = { log10Ratio: 0.5, maxZ: 0.1, maxWeight: 1 };
    const far = { log10Ratio: 0.5, maxZ: 2, maxWeight: 1 };
    expect(checkExplodesOnlyNearZero([...quiet, near], steepRegion(8), bound).pass).toBe(true);
    expect(checkExplodesOnlyNearZero([...quiet, far], steepRegion(8), bound).pass).toBe(false);
    const many = Array.from({ length: 10 }, () => near);
    expect(checkExplodesOnlyNearZero([...quiet, ...many], steepRegion(8), bound).pass).toBe(false);
  });
});
