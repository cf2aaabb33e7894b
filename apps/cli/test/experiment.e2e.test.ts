// End-to-end: `mlisp experiment` lists and runs the problem set's experiments.
import { beforeAll, describe, expect, it } from 'vitest';
import { wrap } from '../src/commands/experiment.js';
import { assertBuilt, jsonLines, run } from './cli-runner.js';

beforeAll(() => assertBuilt());

describe('mlisp experiment', () => {
  it('list --json names every experiment with its problem number', async () => {
    const result = await run(['experiment', 'list', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const list = jsonLines(result.stdout);
    expect(list.length).toBeGreaterThanOrEqual(9);
    expect(list.map((e) => e.problem)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10]);
    for (const e of list) expect(Object.keys(e).sort()).toEqual(['id', 'problem', 'title']);
  });

  it('ID --json prints the result object of the shared contract', async () => {
    const result = await run(['experiment', 'steepest-descent', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const [r, ...rest] = jsonLines(result.stdout);
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ id: 'steepest-descent', problem: 4 });
    expect(typeof r?.title).toBe('string');
    expect(typeof r?.claim).toBe('string');
    expect(Array.isArray(r?.series)).toBe(true);
    const checks = r?.checks as {
      name: string;
      expected: unknown;
      observed: unknown;
      pass: boolean;
    }[];
    expect(checks.length).toBeGreaterThan(0);
    for (const c of checks) {
      expect(Object.keys(c).sort()).toEqual(['expected', 'name', 'observed', 'pass']);
      expect(c.pass).toBe(true);
    }
  });

  it('prints each check as a row with a pass/fail mark, expected and observed', async () => {
    const result = await run(['experiment', 'cross-entropy-minimum', '--quick']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Problem 6: /);
    expect(result.stdout).toMatch(/\n {2}✓ pass {2}\S/);
    expect(result.stdout).toMatch(/\n {12}expected: /);
    expect(result.stdout).toMatch(/\n {12}observed: /);
    expect(result.stdout).toMatch(/(\d+)\/\1 checks passed/);
  });
});

describe('mlisp experiment by number and seed', () => {
  it('N runs problem N, as list numbers it', async () => {
    const result = await run(['experiment', '4', '--quick', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const [r, ...rest] = jsonLines(result.stdout);
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ id: 'steepest-descent', problem: 4 });
  });

  it('an unknown number is a usage error naming the numbers', async () => {
    const result = await run(['experiment', '9']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /unknown experiment '9'.*problem number 1, 2, 3, 4, 5, 6, 7, 8, 10/,
    );
  });

  it('the largest seed the flag parser accepts runs, with checks computed', async () => {
    const result = await run([
      'experiment',
      '1',
      '--quick',
      '--json',
      '--seed',
      '9007199254740991',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [r] = jsonLines(result.stdout);
    expect(r).toMatchObject({ id: 'perceptron-invariance' });
    expect(result.stderr).not.toMatch(/internal error/i);
  });
});

describe('wrap', () => {
  it('breaks text at spaces into lines no wider than asked', () => {
    expect(wrap('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrap('a-very-long-word x', 4)).toEqual(['a-very-long-word', 'x']);
  });
});
