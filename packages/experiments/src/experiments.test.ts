import {
  allPassed,
  type ExperimentResult,
  experiments,
  runAll,
  runExperiment,
} from '@mlisp/experiments';
import { withBundledMnist } from '@mlisp/experiments/node';
import { beforeAll, describe, expect, it } from 'vitest';

const IDS = [
  'perceptron-invariance',
  'sigmoid-limit',
  'one-hot-to-binary',
  'steepest-descent',
  'backprop-bp3-bp4',
  'cross-entropy-minimum',
  'learning-slowdown',
  'unstable-gradients',
  'non-differentiable-cost',
];

describe('the experiment list', () => {
  it('has one stable kebab-case id per problem 1–8 and 10, in order', () => {
    expect(experiments.map((e) => e.id)).toEqual(IDS);
    expect(experiments.map((e) => e.problem)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10]);
    for (const e of experiments) {
      expect(e.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(e.title.length).toBeGreaterThan(0);
    }
  });

  it('rejects an unknown id, listing the known ones', () => {
    expect(() => runExperiment('perceptron-invarience')).toThrow(
      new TypeError(
        `unknown experiment "perceptron-invarience"; known experiments: ${IDS.join(', ')}`,
      ),
    );
  });

  it('says how to provide MNIST data when problems 3 and 8 lack it', () => {
    expect(() => runExperiment('one-hot-to-binary', { quick: true })).toThrow(
      /problem 3 needs MNIST digits: pass options\.mnist.*withBundledMnist/,
    );
    expect(() => runExperiment('unstable-gradients', { quick: true })).toThrow(
      /problem 8 needs MNIST digits/,
    );
  });

  it('rejects a bad seed', () => {
    expect(() => runExperiment('sigmoid-limit', { seed: -1 })).toThrow(
      /seed must be a non-negative safe integer, got -1/,
    );
  });
});

describe('runAll (full size, bundled MNIST)', () => {
  let results: ExperimentResult[] = [];
  beforeAll(() => {
    results = runAll(withBundledMnist({ seed: 1 }));
  }, 120_000);

  it('returns one result per experiment with the shared shape', () => {
    expect(results.map((r) => r.id)).toEqual(IDS);
    for (const r of results) {
      expect(Object.keys(r).sort()).toEqual([
        'checks',
        'claim',
        'id',
        'problem',
        'series',
        'title',
      ]);
      expect(r.checks.length).toBeGreaterThan(0);
      for (const c of r.checks) {
        expect(Object.keys(c).sort()).toEqual(['expected', 'name', 'observed', 'pass']);
        expect(['string', 'number']).toContain(typeof c.expected);
        expect(['string', 'number']).toContain(typeof c.observed);
      }
      for (const s of r.series) {
        expect(s.x.length).toBe(s.y.length);
        expect(s.x.length).toBeGreaterThan(0);
      }
    }
  });

  it.each(IDS)('%s passes every check', (id) => {
    const r = results.find((x) => x.id === id) as ExperimentResult;
    const failed = r.checks.filter((c) => !c.pass);
    expect(failed).toEqual([]);
    expect(allPassed(r)).toBe(true);
  });

  it('has the checks the problems call for', () => {
    const names = (id: string) => results.find((r) => r.id === id)?.checks.map((c) => c.name) ?? [];
    for (const c of ['1.00e-6', '0.01', '1', '100', '1.00e+6']) {
      expect(names('perceptron-invariance')).toContain(`outputs identical for c = ${c}`);
    }
    expect(
      names('perceptron-invariance').filter((n) => n.includes('breaks invariance')),
    ).toHaveLength(2);
    expect(names('one-hot-to-binary').some((n) => n.startsWith('smallest gain'))).toBe(true);
    expect(names('steepest-descent')).toContain(
      'n = 830, ε = 0.001: 11000 directions (random, and rotations of v by 10⁻⁶ to 1 rad) never beat v = −η∇C',
    );
    expect(names('steepest-descent').filter((n) => n.includes('unique minimiser'))).toHaveLength(5);
    expect(names('backprop-bp3-bp4').filter((n) => n.startsWith('BP1/BP2'))).toHaveLength(3);
    expect(names('non-differentiable-cost').some((n) => n.includes('against the depth'))).toBe(
      true,
    );
    expect(
      names('unstable-gradients').filter((n) => n.includes('hidden-layer speeds')),
    ).toHaveLength(3);
  });

  it('is plain data that survives JSON', () => {
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });

  it('reports both smallest P3 gains, logit(0.99)/0.92 and logit(0.99)/0.91, with the worst inputs', () => {
    const p3 = results.find((r) => r.id === 'one-hot-to-binary') as ExperimentResult;
    const exact = p3.checks.find((c) => c.name.startsWith('smallest gain with every output'));
    const premise = p3.checks.find((c) => c.name.startsWith('smallest gain under the premise'));
    expect(String(exact?.observed)).toContain((Math.log(99) / 0.92).toPrecision(8));
    expect(String(exact?.observed)).toMatch(/worst input: digit [89] .*output neuron 4/);
    expect(String(premise?.observed)).toContain((Math.log(99) / 0.91).toPrecision(8));
    expect(String(premise?.observed)).toMatch(
      /x8 = 0\.99, x9 = 0\b.*at gain 4\.9947 it gives 0\.98949/,
    );
  });

  it('titles every plot in words', () => {
    for (const r of results) {
      for (const s of r.series) {
        expect(s.plotTitle, `${r.id} ${s.name}`).toMatch(/^[A-Zσ∇].* /);
      }
    }
  });
});

describe('determinism and options', () => {
  it('gives the same result for the same seed, and other draws for another seed', () => {
    const a = runExperiment('sigmoid-limit', { seed: 7, quick: true });
    const b = runExperiment('sigmoid-limit', { seed: 7, quick: true });
    const c = runExperiment('sigmoid-limit', { seed: 8, quick: true });
    expect(a).toEqual(b);
    expect(c.series[0]?.y).not.toEqual(a.series[0]?.y);
  });

  it('runs problem N by its number, and the largest safe seed', () => {
    expect(runExperiment('4', { quick: true }).id).toBe('steepest-descent');
    const r = runExperiment('perceptron-invariance', {
      seed: Number.MAX_SAFE_INTEGER,
      quick: true,
    });
    expect(allPassed(r)).toBe(true);
  });

  it('passes in quick mode too, for other seeds', () => {
    const options = withBundledMnist({ seed: 3, quick: true });
    for (const id of IDS) expect(allPassed(runExperiment(id, options)), id).toBe(true);
  }, 60_000);

  it('withBundledMnist keeps data that is already given and does not modify its argument', () => {
    const given = withBundledMnist({});
    const options = { seed: 2, mnist: given.mnist };
    const completed = withBundledMnist(options);
    expect(completed.mnist).toBe(given.mnist);
    const bare = { seed: 2 };
    withBundledMnist(bare);
    expect(bare).toEqual({ seed: 2 });
    expect(given.mnist?.train.size).toBe(7996);
    expect(given.mnist?.test.size).toBe(2004);
  });
});
